//! The witness: cosigns consistent checkpoints and refuses a fork.

use super::*;

/// A service on a real port, for the witness (which speaks HTTP).
async fn served(
    dir: &tempfile::TempDir,
    db: &str,
    witnesses: Vec<String>,
) -> origine::server::Running {
    let mut config = crate::support::config(db, dir);
    config.base_url = None;
    config.witnesses = witnesses;
    config.checkpoint_seconds = 3600; // checkpoints published by the test, not the clock
    origine::server::spawn(&config).await.unwrap()
}

async fn post_lots(base: String, token: String, codes: Vec<String>) {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        for code in codes {
            let res = agent
                .post(&format!("{base}/api/v1/lots"))
                .header("Authorization", &format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .send(lot(&code).to_string())
                .unwrap();
            assert_eq!(res.status().as_u16(), 201);
        }
    })
    .await
    .unwrap();
}

/// The `log <vkey>` line of a running service's current key.
fn log_line(running: &origine::server::Running) -> String {
    let keys = running.state.keys.current();
    let public = keys.signer().verifying_key().to_bytes();
    format!(
        "log {}\n",
        note::format_vkey(&keys.issuer, note::ALG_ED25519, &public)
    )
}

/// One `origine witness cosign` run (the witness opened for the run, as the command does).
async fn witness(
    base: String,
    key: std::path::PathBuf,
    logs: std::path::PathBuf,
    state: std::path::PathBuf,
) -> origine::service::witness::Outcome {
    tokio::task::spawn_blocking(move || {
        let witness = origine::service::witness::open(&key, &logs, &state).unwrap();
        origine::service::witness::cosign_from(&base, &witness, true).unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_witness_cosigns_consistent_checkpoints_and_refuses_a_fork() {
    use origine::service::witness::{Outcome, Refusal};
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("witness.key");
    let state = dir.path().join("witness-state");
    let logs = dir.path().join("logs.policy");
    let vkey = origine::service::witness::keygen(&key, "cnel.test/witness").unwrap();

    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let a = served(&dir, &db, vec![vkey.clone()]).await;
    let base_a = format!("http://{}", a.addr);
    let store = a.state.store.clone();
    let admin = origine::service::tokens::create(&store, Role::Admin, None, None)
        .await
        .unwrap()
        .0;
    let app = TestApp::over(&a, crate::support::config(&db, &dir));
    let producer = app.producer_token_for_seed(&admin).await;
    std::fs::write(&logs, log_line(&a)).unwrap();

    post_lots(
        base_a.clone(),
        producer.clone(),
        (0..3).map(|i| format!("A{i}")).collect(),
    )
    .await;
    tlog::publish_checkpoint(&store, &a.state.keys.current())
        .await
        .unwrap();
    let first = witness(base_a.clone(), key.clone(), logs.clone(), state.clone()).await;
    assert!(matches!(first, Outcome::Cosigned(_)), "{first:?}");
    // The log now publishes the cosignature with its checkpoint.
    let served_text = tlog::served_checkpoint(&store).await.unwrap().unwrap().1;
    let (name, _, public) = note::parse_vkey(&vkey).unwrap();
    let key_pub = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    note::verify_cosignature(&Note::parse(&served_text).unwrap(), &name, &key_pub).unwrap();

    post_lots(
        base_a.clone(),
        producer.clone(),
        (3..7).map(|i| format!("A{i}")).collect(),
    )
    .await;
    tlog::publish_checkpoint(&store, &a.state.keys.current())
        .await
        .unwrap();
    assert!(matches!(
        witness(base_a.clone(), key.clone(), logs.clone(), state.clone()).await,
        Outcome::Cosigned(_)
    ));

    // `origine verify --witness` accepts a bundle whose checkpoint that witness cosigned.
    let id = store.entries(5, 6).await.unwrap()[0].subject.clone();
    let bundle = ureq::get(&format!("{base_a}/api/v1/certificates/{id}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, &bundle).unwrap();
    let out = Command::new(crate::support::origine_bin())
        .args([
            "verify",
            bundle_path.to_str().unwrap(),
            "--keys",
            &format!("{base_a}/.well-known/origine-keys.json"),
            "--witness",
            &vkey,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success()
            && stdout.contains("witnessed: checkpoint cosigned by cnel.test/witness"),
        "{stdout}"
    );
    let other =
        origine::service::witness::keygen(&dir.path().join("other.key"), "other.test/witness")
            .unwrap();
    let out = Command::new(crate::support::origine_bin())
        .args([
            "verify",
            bundle_path.to_str().unwrap(),
            "--keys",
            &format!("{base_a}/.well-known/origine-keys.json"),
            "--witness",
            &other,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a witness that did not cosign is not accepted"
    );

    // A second log with the same key and origin but a different history: a fork.
    let db_b = format!("sqlite://{}", dir.path().join("b.db").display());
    let b = served(&dir, &db_b, vec![vkey.clone()]).await;
    let base_b = format!("http://{}", b.addr);
    let admin_b = origine::service::tokens::create(&b.state.store, Role::Admin, None, None)
        .await
        .unwrap()
        .0;
    let app_b = TestApp::over(&b, crate::support::config(&db_b, &dir));
    let producer_b = app_b.producer_token_for_seed(&admin_b).await;
    post_lots(
        base_b.clone(),
        producer_b,
        (0..9).map(|i| format!("B{i}")).collect(),
    )
    .await;
    tlog::publish_checkpoint(&b.state.store, &b.state.keys.current())
        .await
        .unwrap();
    let refused = witness(base_b, key.clone(), logs.clone(), state.clone()).await;
    assert!(
        matches!(
            refused,
            Outcome::Refused(Refusal::Inconsistent { old: 7, new: 9, .. })
        ),
        "{refused:?}"
    );
    // The refusal changed nothing: the honest log still extends the remembered checkpoint.
    post_lots(base_a.clone(), producer, vec!["A7".into()]).await;
    tlog::publish_checkpoint(&store, &a.state.keys.current())
        .await
        .unwrap();
    assert!(matches!(
        witness(base_a, key, logs, state).await,
        Outcome::Cosigned(_)
    ));
}
