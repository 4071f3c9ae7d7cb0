//! Crash safety: a server killed with SIGKILL during concurrent issuance loses nothing it
//! acknowledged, leaves no gap in `seq`, and the register still audits clean.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::lot;
use crate::support::process::{Server, agent, kill, origine, post, start_server};
use serde_json::{Value, json};

/// Seeds an institute, a producer and its token on a running server.
fn seed(server: &Server, url: &str, keys: &std::path::Path) -> String {
    let out = origine(url, keys)
        .args(["admin", "create-key", "--role", "admin"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let admin = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let agent = agent();
    let (status, _) = post(
        &agent,
        &format!("{}/api/v1/institutes", server.base),
        &admin,
        &json!({"code": "cr-milano-opera", "name": "Casa di Reclusione Milano Opera",
                "kind": "casa_di_reclusione", "city": "Opera (MI)", "region": "Lombardia"}),
    );
    assert_eq!(status, 201);
    let (_, producer) = post(
        &agent,
        &format!("{}/api/v1/producers", server.base),
        &admin,
        &json!({"name": "Cooperativa Uno", "legal_form": "cooperativa_sociale",
                "vat_number": "00743110157", "institutes": ["cr-milano-opera"]}),
    );
    let (_, token) = post(
        &agent,
        &format!(
            "{}/api/v1/producers/{}/tokens",
            server.base,
            producer["id"].as_str().unwrap()
        ),
        &admin,
        &json!({}),
    );
    token["token"].as_str().unwrap().to_owned()
}

fn crash_during_issuance_loses_nothing_acknowledged(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    assert!(
        origine(url, &keys)
            .arg("keygen")
            .status()
            .unwrap()
            .success()
    );
    let mut server = start_server(url, &keys);
    let token = seed(&server, url, &keys);

    // Eight clients issue as fast as they can; every 201 is remembered.
    let acknowledged: Arc<Mutex<Vec<Value>>> = Arc::default();
    let clients: Vec<_> = (0..8)
        .map(|c| {
            let (base, token, acknowledged) =
                (server.base.clone(), token.clone(), acknowledged.clone());
            std::thread::spawn(move || {
                let agent = agent();
                for i in 0.. {
                    let res = agent
                        .post(&format!("{base}/api/v1/lots"))
                        .header("Authorization", &format!("Bearer {token}"))
                        .header("Content-Type", "application/json")
                        .send(lot(&format!("K-{c}-{i}")).to_string());
                    let Ok(mut res) = res else { break };
                    if res.status().as_u16() == 201 {
                        let body: Value =
                            serde_json::from_str(&res.body_mut().read_to_string().unwrap())
                                .unwrap();
                        acknowledged.lock().unwrap().push(body["bundle"].clone());
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));
    kill(&mut server);
    for c in clients {
        c.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 10,
        "only {} issuances before the kill",
        acknowledged.len()
    );

    let server = start_server(url, &keys);
    let agent = agent();
    for bundle in &acknowledged {
        let id = bundle["certificate"]["id"].as_str().unwrap();
        let mut res = agent
            .get(&format!("{}/api/v1/certificates/{id}", server.base))
            .call()
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            200,
            "acknowledged certificate {id} lost"
        );
        let stored: Value =
            serde_json::from_str(&res.body_mut().read_to_string().unwrap()).unwrap();
        assert_eq!(stored["hash"], bundle["hash"]);
    }
    drop(server);
    let out = origine(url, &keys).arg("audit").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    println!(
        "{} acknowledged before SIGKILL; after restart: {text}",
        acknowledged.len()
    );
}

#[test]
fn sigkill_during_issuance_on_sqlite_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    crash_during_issuance_loses_nothing_acknowledged(&format!(
        "sqlite://{}",
        dir.path().join("c.db").display()
    ));
}

#[test]
#[cfg_attr(
    not(origine_pg),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
fn sigkill_during_issuance_on_postgres_loses_nothing_acknowledged() {
    let url = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(crate::support::fresh_pg_database());
    crash_during_issuance_loses_nothing_acknowledged(&url);
}
