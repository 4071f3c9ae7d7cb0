//! The transparency log: checkpoints, proofs, tiles, status lifecycle, key rotation,
//! the witness and the W3C credential.

mod support;

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use data_encoding::HEXLOWER;
use origine::log::merkle::{self, Hash};
use origine::log::note::{self, Checkpoint, Note};
use origine::service::log as tlog;
use serde_json::{Value, json};
use support::{TestApp, lot};

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            HEXLOWER
                .decode(h.as_str().unwrap().as_bytes())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect()
}

fn hash(v: &Value) -> Hash {
    HEXLOWER
        .decode(v.as_str().unwrap().as_bytes())
        .unwrap()
        .try_into()
        .unwrap()
}

async fn app_with(n: usize) -> (TestApp, support::Seed, Vec<Value>) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let mut issued = Vec::new();
    for i in 0..n {
        issued.push(app.issue(&seed.producer_token, &format!("L-{i}")).await);
    }
    (app, seed, issued)
}

async fn checkpoint_text(app: &TestApp) -> String {
    let (status, _, body) = app
        .raw(Request::get("/log/checkpoint").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    String::from_utf8(body.to_vec()).unwrap()
}

#[tokio::test]
async fn a_signed_checkpoint_covers_the_log_and_bundles_carry_an_inclusion_proof() {
    let (app, _, issued) = app_with(5).await;
    let keys = app.state.keys.current();
    tlog::publish_checkpoint(&*app.state.store, &keys)
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
    let out = Command::new(env!("CARGO_BIN_EXE_origine"))
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
        tlog::inclusion_proof(&*app.state.store, 2, 5)
            .await
            .unwrap()
            .iter()
            .map(|h| HEXLOWER.encode(h))
            .collect::<Vec<_>>()
    );
    std::fs::write(&bundle_path, wrong.to_string()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_origine"))
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

#[tokio::test]
async fn every_inclusion_and_consistency_proof_served_verifies() {
    let (app, _, _) = app_with(13).await;
    for size in 1..=13u64 {
        let root = tlog::root(&*app.state.store, size).await.unwrap();
        for index in 0..size {
            let (status, p) = app
                .get(&format!(
                    "/api/v1/log/proof/inclusion?index={index}&tree_size={size}"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{p}");
            assert_eq!(hash(&p["root"]), root);
            merkle::verify_inclusion(
                index,
                size,
                &hash(&p["leaf_hash"]),
                &hashes(&p["proof"]),
                &root,
            )
            .unwrap();
        }
        for first in 1..=size {
            let (status, p) = app
                .get(&format!(
                    "/api/v1/log/proof/consistency?first={first}&second={size}"
                ))
                .await;
            assert_eq!(status, StatusCode::OK, "{p}");
            let first_root = tlog::root(&*app.state.store, first).await.unwrap();
            merkle::verify_consistency(first, size, &first_root, &root, &hashes(&p["proof"]))
                .unwrap();
        }
    }
}

#[tokio::test]
async fn impossible_proof_ranges_are_400_problems_naming_the_parameter() {
    let (app, _, _) = app_with(3).await;
    for (query, field) in [
        ("inclusion?index=3&tree_size=3", "index"),
        ("inclusion?index=0&tree_size=4", "tree_size"),
        ("inclusion?index=0&tree_size=0", "tree_size"),
        ("inclusion?index=-1&tree_size=2", "index"),
        ("consistency?first=0&second=3", "first"),
        ("consistency?first=3&second=2", "first"),
        ("consistency?first=1&second=9", "second"),
        ("consistency?first=1", "second"),
    ] {
        let (status, body) = app.get(&format!("/api/v1/log/proof/{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(support::problem_fields(&body), [field], "{query}");
    }
}

#[tokio::test]
async fn tiles_serve_the_stored_tree_and_entries() {
    let (app, _, _) = app_with(3).await;
    let get = |path: String| {
        let app = &app;
        async move {
            app.raw(Request::get(path).body(Body::empty()).unwrap())
                .await
        }
    };
    let (status, headers, body) = get("/tile/0/000.p/3".into()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "public, max-age=60");
    let entries = app.state.store.entries(0, 3).await.unwrap();
    let leaves: Vec<u8> = entries
        .iter()
        .flat_map(|e| merkle::leaf_hash(e.body.as_bytes()))
        .collect();
    assert_eq!(body.to_vec(), leaves);
    let (status, _, body) = get("/tile/entries/000.p/3".into()).await;
    assert_eq!(status, StatusCode::OK);
    let mut expected = Vec::new();
    for e in &entries {
        expected.extend_from_slice(&(e.body.len() as u16).to_be_bytes());
        expected.extend_from_slice(e.body.as_bytes());
    }
    assert_eq!(body.to_vec(), expected);
    assert_eq!(
        get("/tile/0/000".into()).await.0,
        StatusCode::NOT_FOUND,
        "a full tile needs 256 entries"
    );
    assert_eq!(get("/tile/0/000.p/4".into()).await.0, StatusCode::NOT_FOUND);
    assert_eq!(get("/tile/0/x1".into()).await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn suspension_then_reinstatement_is_history_and_the_certificate_is_valid_again() {
    let (app, seed, issued) = app_with(1).await;
    let id = issued[0]["bundle"]["certificate"]["id"].as_str().unwrap();
    for (status, reason) in [
        ("suspended", "inspection pending"),
        ("valid", "inspection passed"),
    ] {
        let (code, _) = app
            .post(
                &format!("/api/v1/certificates/{id}/status"),
                &seed.admin,
                json!({"status": status, "reason": reason}),
            )
            .await;
        assert_eq!(code, StatusCode::CREATED);
        let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
        assert_eq!(report["status"], status);
    }
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    let history: Vec<&str> = report["status_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["suspended", "valid"]);
    // The producer's revocation wins over the certificate's own status, and nothing is rewritten.
    app.post(
        &format!("/api/v1/producers/{}/status", seed.producer),
        &seed.admin,
        json!({"status": "revoked", "reason": "fraud"}),
    )
    .await;
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "revoked");
    assert_eq!(report["certificate"], issued[0]["bundle"]["certificate"]);
    let page = app
        .raw(
            Request::get(format!("/c/{id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .2;
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains("Certificato revocato") && page.contains("fraud"),
        "{page}"
    );
}

fn origine(app: &TestApp) -> Command {
    app.command()
}

#[tokio::test]
async fn rotated_keys_still_verify_their_certificates_and_withdrawn_keys_do_not() {
    let (app, seed, issued) = app_with(1).await;
    let old_id = issued[0]["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let old_kid = issued[0]["bundle"]["kid"].as_str().unwrap().to_owned();

    let out = origine(&app)
        .args(["keys", "rotate", "--reason", "yearly rotation"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The trail names the rotation and who made it.
    let trail = app.state.store.admin_actions(1).await.unwrap();
    assert_eq!(
        (trail[0].actor.as_str(), trail[0].action.as_str()),
        ("cli", "rotate_key")
    );
    assert!(
        trail[0].detail.ends_with("yearly rotation"),
        "{:?}",
        trail[0]
    );
    // The running service picks the new key up before its next issuance.
    let new = app.issue(&seed.producer_token, "AFTER").await;
    let new_kid = new["bundle"]["kid"].as_str().unwrap().to_owned();
    assert_ne!(new_kid, old_kid);
    let (_, doc) = app.get("/.well-known/origine-keys.json").await;
    let old_key = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == old_kid.as_str())
        .unwrap();
    assert_eq!(old_key["status"], "retired");
    assert!(old_key["not_after"].is_string());
    let (_, report) = app.get(&format!("/api/v1/verify/{old_id}")).await;
    assert_eq!(report["status"], "valid", "{report}");

    // The rotation is a signed entry in the log.
    let entries = app
        .state
        .store
        .entries(0, app.state.store.log_size().await.unwrap())
        .await
        .unwrap();
    let key_entry = entries
        .iter()
        .find(|e| e.kind == "key")
        .expect("a key event in the log");
    let body: Value = serde_json::from_str(&key_entry.body).unwrap();
    assert_eq!(
        (body["event"].as_str(), body["previous"].as_str()),
        (Some("rotated"), Some(old_kid.as_str()))
    );

    let out = origine(&app)
        .args(["keys", "withdraw", &new_kid, "--reason", "x"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the active key cannot be withdrawn"
    );
    let out = origine(&app)
        .args(["keys", "withdraw", &old_kid, "--reason", "key leaked"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.state.keys.reload_if_changed();
    let (_, report) = app.get(&format!("/api/v1/verify/{old_id}")).await;
    assert_eq!(report["status"], "invalid");
    assert!(
        report["warnings"].to_string().contains("withdrawn"),
        "{report}"
    );
    let (_, report) = app
        .get(&format!(
            "/api/v1/verify/{}",
            new["bundle"]["certificate"]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(report["checks"]["signature"], true);
}

#[tokio::test]
async fn audit_catches_a_rewritten_tree_node_or_checkpoint() {
    let (app, _, _) = app_with(6).await;
    let keys = app.state.keys.current();
    tlog::publish_checkpoint(&*app.state.store, &keys)
        .await
        .unwrap();
    let clean = origine::service::audit::audit(&*app.state.store, &keys)
        .await
        .unwrap();
    assert!(clean.is_clean(), "{:?}", clean.failures);
    // Every stored checkpoint (the service also signs one at start) was recomputed.
    let stored = app.state.store.checkpoints().await.unwrap().len() as u64;
    assert!(stored >= 1);
    assert_eq!(clean.checkpoints, stored);

    let pool = sqlx::SqlitePool::connect(&app.config.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE tree_nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 1")
        .execute(&pool)
        .await
        .unwrap();
    let report = origine::service::audit::audit(&*app.state.store, &keys)
        .await
        .unwrap();
    assert!(
        report
            .failures
            .iter()
            .any(|f| f.kind == "tree" && f.subject == "node 1/1"),
        "{:?}",
        report.failures
    );
    sqlx::query("UPDATE checkpoints SET root = '00' WHERE size = 6")
        .execute(&pool)
        .await
        .unwrap();
    let report = origine::service::audit::audit(&*app.state.store, &keys)
        .await
        .unwrap();
    assert!(
        report.failures.iter().any(|f| f.kind == "checkpoint"),
        "{:?}",
        report.failures
    );
}

#[tokio::test]
async fn the_credential_is_a_vc_with_an_eddsa_jcs_2022_proof() {
    let (app, _, issued) = app_with(1).await;
    let id = issued[0]["bundle"]["certificate"]["id"].as_str().unwrap();
    let (status, headers, body) = app
        .raw(
            Request::get(format!("/api/v1/certificates/{id}/vc"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/vc");
    let vc: Value = serde_json::from_slice(&body).unwrap();
    origine::crypto::vc::verify_proof(&vc).unwrap();
    assert_eq!(vc["type"][0], "VerifiableCredential");
    assert_eq!(vc["proof"]["cryptosuite"], "eddsa-jcs-2022");
    let assessment = &vc["credentialSubject"]["assessment"][0];
    assert_eq!(assessment["declaredValue"][0]["metricValue"]["value"], 6);
    assert_eq!(assessment["conformance"], true);
    let mut changed = vc.clone();
    changed["credentialSubject"]["assessment"][0]["declaredValue"][0]["metricValue"]["value"] =
        60.into();
    assert!(origine::crypto::vc::verify_proof(&changed).is_err());
}

#[tokio::test]
#[cfg_attr(
    not(origine_py),
    ignore = "needs python3 with cryptography and rfc8785"
)]
async fn python_verifies_the_credential_independently() {
    let (app, _, issued) = app_with(1).await;
    let id = issued[0]["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, vc) = app.get(&format!("/api/v1/certificates/{id}/vc")).await;
    let path = app.dir.path().join("vc.json");
    let run = |v: &Value| {
        std::fs::write(&path, v.to_string()).unwrap();
        Command::new("python3")
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/python/verify_vc.py"
            ))
            .arg(&path)
            .output()
            .unwrap()
    };
    let out = run(&vc);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut changed = vc.clone();
    changed["validFrom"] = "2020-01-01T00:00:00Z".into();
    assert!(!run(&changed).status.success());
}

/// A service on a real port, for the witness (which speaks HTTP).
async fn served(
    dir: &tempfile::TempDir,
    db: &str,
    witnesses: Vec<String>,
) -> origine::server::Running {
    let mut config = support::config(db, dir);
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

async fn witness(
    base: String,
    key: std::path::PathBuf,
    state: std::path::PathBuf,
) -> origine::service::witness::Outcome {
    tokio::task::spawn_blocking(move || {
        origine::service::witness::run(&base, &key, &state, true).unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_witness_cosigns_consistent_checkpoints_and_refuses_a_fork() {
    use origine::service::witness::{Outcome, Refusal};
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("witness.key");
    let state = dir.path().join("witness.json");
    let vkey = origine::service::witness::keygen(&key, "cnel.test/witness").unwrap();

    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    let a = served(&dir, &db, vec![vkey.clone()]).await;
    let base_a = format!("http://{}", a.addr);
    let store = a.state.store.clone();
    let admin = origine::service::tokens::create(&*store, "admin", None, None)
        .await
        .unwrap()
        .0;
    let app = TestApp::over(&a, support::config(&db, &dir));
    let producer = app.producer_token_for_seed(&admin).await;

    post_lots(
        base_a.clone(),
        producer.clone(),
        (0..3).map(|i| format!("A{i}")).collect(),
    )
    .await;
    tlog::publish_checkpoint(&*store, &a.state.keys.current())
        .await
        .unwrap();
    let first = witness(base_a.clone(), key.clone(), state.clone()).await;
    assert!(matches!(first, Outcome::Cosigned(_)), "{first:?}");
    // The log now publishes the cosignature with its checkpoint.
    let served_text = tlog::served_checkpoint(&*store).await.unwrap().unwrap().1;
    let (name, _, public) = note::parse_vkey(&vkey).unwrap();
    let key_pub = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    note::verify_cosignature(&Note::parse(&served_text).unwrap(), &name, &key_pub).unwrap();

    post_lots(
        base_a.clone(),
        producer.clone(),
        (3..7).map(|i| format!("A{i}")).collect(),
    )
    .await;
    tlog::publish_checkpoint(&*store, &a.state.keys.current())
        .await
        .unwrap();
    assert!(matches!(
        witness(base_a.clone(), key.clone(), state.clone()).await,
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
    let out = Command::new(env!("CARGO_BIN_EXE_origine"))
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
    let out = Command::new(env!("CARGO_BIN_EXE_origine"))
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
    let admin_b = origine::service::tokens::create(&*b.state.store, "admin", None, None)
        .await
        .unwrap()
        .0;
    let app_b = TestApp::over(&b, support::config(&db_b, &dir));
    let producer_b = app_b.producer_token_for_seed(&admin_b).await;
    post_lots(
        base_b.clone(),
        producer_b,
        (0..9).map(|i| format!("B{i}")).collect(),
    )
    .await;
    tlog::publish_checkpoint(&*b.state.store, &b.state.keys.current())
        .await
        .unwrap();
    let refused = witness(base_b, key.clone(), state.clone()).await;
    assert!(
        matches!(
            refused,
            Outcome::Refused(Refusal::Inconsistent { old: 7, new: 9, .. })
        ),
        "{refused:?}"
    );
    // The refusal changed nothing: the honest log still extends the remembered checkpoint.
    post_lots(base_a.clone(), producer, vec!["A7".into()]).await;
    tlog::publish_checkpoint(&*store, &a.state.keys.current())
        .await
        .unwrap();
    assert!(matches!(
        witness(base_a, key, state).await,
        Outcome::Cosigned(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkpoints_are_published_on_a_schedule_not_per_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("s.db").display());
    let mut config = support::config(&db, &dir);
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
