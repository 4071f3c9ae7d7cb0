//! Checkpoints: signed over the whole log, carried with inclusion proofs in bundles, published
//! on a schedule rather than per entry.

use super::*;

#[tokio::test]
async fn a_signed_checkpoint_covers_the_log_and_bundles_carry_an_inclusion_proof() {
    let (app, _, issued) = app_with(5).await;
    let keys = app.state.keys.current();
    tlog::publish_checkpoint(&app.state.store, &keys)
        .await
        .unwrap();

    let text = checkpoint_text(&app).await;
    let parsed = Note::parse(&text).unwrap();
    note::verify(&parsed, &keys.issuer, &keys.signer().verifying_key()).unwrap();
    let cp = Checkpoint::parse(&parsed.text).unwrap();
    assert_eq!((cp.origin.as_str(), cp.size), ("origine.test/log", 5));
    // The signed note's key ID is the kid the keys document lists.
    assert_eq!(
        HEXLOWER.encode(&parsed.signatures[0].key_id),
        keys.active().kid
    );

    let id = issued[3]["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, bundle) = app.get(&format!("/api/v1/certificates/{id}")).await;
    assert_eq!(bundle["inclusion"]["index"], 3);
    assert_eq!(bundle["inclusion"]["tree_size"], 5);
    let leaf = merkle::leaf_hash(&origine::crypto::jcs::canonical(&bundle["certificate"]).unwrap());
    merkle::verify_inclusion(
        3,
        5,
        &leaf,
        &hashes(&bundle["inclusion"]["proof"]),
        &cp.root,
    )
    .unwrap();

    // Offline: `origine verify` checks the proof against the signed checkpoint.
    let (_, doc) = app.get("/.well-known/origine-keys.json").await;
    let bundle_path = app.dir.path().join("b.json");
    let keys_path = app.dir.path().join("k.json");
    std::fs::write(&bundle_path, bundle.to_string()).unwrap();
    std::fs::write(&keys_path, doc.to_string()).unwrap();
    let out = Command::new(crate::support::origine_bin())
        .arg("verify")
        .arg(&bundle_path)
        .arg("--keys")
        .arg(&keys_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("included: entry 3 of a log of 5 entries"),
        "{stdout}"
    );

    // A proof for another entry is refused.
    let mut wrong = bundle.clone();
    wrong["inclusion"]["proof"] = json!(
        tlog::inclusion_proof(&app.state.store, 2, 5)
            .await
            .unwrap()
            .iter()
            .map(|h| HEXLOWER.encode(h))
            .collect::<Vec<_>>()
    );
    std::fs::write(&bundle_path, wrong.to_string()).unwrap();
    let out = Command::new(crate::support::origine_bin())
        .arg("verify")
        .arg(&bundle_path)
        .arg("--keys")
        .arg(&keys_path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoints_are_published_on_a_schedule_not_per_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let mut config = crate::support::config(&db, &dir);
    config.checkpoint_seconds = 1;
    let running = origine::server::spawn(&config).await.unwrap();
    let app = TestApp::over(&running, config);
    let seed = app.seed().await;
    for i in 0..20 {
        app.issue(&seed.producer_token, &format!("S{i}")).await;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let latest = app.state.store.latest_checkpoint().await.unwrap();
        if latest.as_ref().is_some_and(|c| c.size == 20) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no checkpoint of size 20 within 10 s: {latest:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // 20 entries, but only a few checkpoints: one per tick with new entries.
    let all = app.state.store.checkpoints().await.unwrap();
    assert!(all.len() < 10, "{} checkpoints for 20 entries", all.len());
}
