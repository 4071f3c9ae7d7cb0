//! Issuance never forks the chain: 200 concurrent issuances on SQLite, on PostgreSQL, and
//! through two server processes sharing one PostgreSQL database.

use std::collections::BTreeSet;

use crate::support::process::{agent, origine, post, start_server};
use crate::support::{TestApp, lot};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

const ISSUANCES: usize = 200;

/// Fires `ISSUANCES` lot registrations at once and checks seq 0..N with an unbroken chain.
async fn concurrent_issuances_make_one_chain(app: TestApp) {
    let seed = app.seed().await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..ISSUANCES {
        let router = app.router.clone();
        let token = seed.producer_token.clone();
        tasks.spawn(async move {
            let req = Request::post("/api/v1/lots")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(lot(&format!("LOT-{i:03}")).to_string()))
                .unwrap();
            let res = router.oneshot(req).await.unwrap();
            let status = res.status();
            let body = http_body_util::BodyExt::collect(res.into_body())
                .await
                .unwrap()
                .to_bytes();
            (status, serde_json::from_slice::<Value>(&body).unwrap())
        });
    }
    let mut seqs = BTreeSet::new();
    while let Some(done) = tasks.join_next().await {
        let (status, body) = done.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        seqs.insert(body["bundle"]["certificate"]["seq"].as_u64().unwrap());
    }
    assert_eq!(seqs, (0..ISSUANCES as u64).collect::<BTreeSet<_>>());
    let report = origine::service::audit::audit(&app.state.store, &app.state.keys.current())
        .await
        .unwrap();
    assert!(report.is_clean(), "{:?}", report.failures);
    assert_eq!(report.entries, ISSUANCES as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_issuances_on_sqlite_make_one_unbroken_chain() {
    concurrent_issuances_make_one_chain(TestApp::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(origine_pg),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn two_hundred_concurrent_issuances_on_postgres_make_one_unbroken_chain() {
    concurrent_issuances_make_one_chain(TestApp::postgres().await).await;
}

#[test]
#[cfg_attr(
    not(origine_pg),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
fn two_server_processes_on_one_postgres_make_one_unbroken_chain() {
    processes_on_one_postgres_make_one_chain(2, ISSUANCES);
}

#[test]
#[cfg_attr(
    not(origine_pg),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
fn three_server_processes_on_one_postgres_make_one_linear_log() {
    processes_on_one_postgres_make_one_chain(3, 300);
}

/// `processes` servers on one PostgreSQL database; 20 clients spread `issuances` lots
/// over them; the log must be exactly seq 0..issuances and audit clean.
fn processes_on_one_postgres_make_one_chain(processes: usize, issuances: usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = runtime.block_on(crate::support::fresh_pg_database());
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    assert!(
        origine(&url, &keys)
            .arg("keygen")
            .status()
            .unwrap()
            .success()
    );
    let servers: Vec<_> = (0..processes).map(|_| start_server(&url, &keys)).collect();
    let (a, b) = (&servers[0], &servers[1]);

    let out = origine(&url, &keys)
        .args(["admin", "create-key", "--role", "admin"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let admin = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let agent = agent();
    let (status, _) = post(
        &agent,
        &format!("{}/api/v1/institutes", a.base),
        &admin,
        &serde_json::json!({"code": "cr-milano-opera", "name": "Casa di Reclusione Milano Opera",
                            "kind": "casa_di_reclusione", "city": "Opera (MI)", "region": "Lombardia"}),
    );
    assert_eq!(status, 201);
    let (status, producer) = post(
        &agent,
        &format!("{}/api/v1/producers", b.base),
        &admin,
        &serde_json::json!({"name": "Cooperativa Uno", "legal_form": "cooperativa_sociale",
                            "vat_number": "00743110157", "institutes": ["cr-milano-opera"]}),
    );
    assert_eq!(status, 201);
    let (status, token) = post(
        &agent,
        &format!(
            "{}/api/v1/producers/{}/tokens",
            a.base,
            producer["id"].as_str().unwrap()
        ),
        &admin,
        &serde_json::json!({}),
    );
    assert_eq!(status, 201);
    let token = token["token"].as_str().unwrap().to_owned();

    // 20 clients, each sending its share of lots, rotating over the processes.
    let bases: Vec<String> = servers.iter().map(|s| s.base.clone()).collect();
    let per_client = issuances / 20;
    let seqs: Vec<u64> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|client| {
                let (agent, token, bases) = (agent.clone(), token.clone(), bases.clone());
                s.spawn(move || {
                    (0..per_client)
                        .map(|i| {
                            let base = &bases[(client + i) % bases.len()];
                            let (status, body) = post(
                                &agent,
                                &format!("{base}/api/v1/lots"),
                                &token,
                                &lot(&format!("L-{client}-{i}")),
                            );
                            assert_eq!(status, 201, "{body}");
                            body["bundle"]["certificate"]["seq"].as_u64().unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let seqs: BTreeSet<u64> = seqs.into_iter().collect();
    assert_eq!(seqs, (0..issuances as u64).collect::<BTreeSet<_>>());
    drop(servers);

    let audit = origine(&url, &keys).arg("audit").output().unwrap();
    let text = String::from_utf8_lossy(&audit.stdout);
    assert!(audit.status.success(), "{text}");
    assert!(text.contains(&format!("{issuances} entries")), "{text}");
}
