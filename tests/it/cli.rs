//! The `origine` binary: offline verify, audit of a tampered register, keys, tokens.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output};

use crate::support::TestApp;
use serde_json::Value;

fn origine(app: &TestApp) -> Command {
    app.command()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A register with three certificates; returns the app and the middle certificate's bundle.
async fn register_with_three() -> (TestApp, Value) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    app.issue(&seed.producer_token, "A").await;
    let middle = app.issue(&seed.producer_token, "B").await;
    app.issue(&seed.producer_token, "C").await;
    (app, middle["bundle"].clone())
}

#[tokio::test]
async fn verify_accepts_an_issued_bundle_offline_and_rejects_a_changed_one() {
    let (app, bundle) = register_with_three().await;
    let (_, keys) = app.get("/.well-known/origine-keys.json").await;
    let bundle_path = app.dir.path().join("bundle.json");
    let keys_path = app.dir.path().join("keys.json");
    std::fs::write(&bundle_path, bundle.to_string()).unwrap();
    std::fs::write(&keys_path, keys.to_string()).unwrap();

    let out = origine(&app)
        .arg("verify")
        .arg(&bundle_path)
        .arg("--keys")
        .arg(&keys_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).starts_with("valid"));

    let mut changed = bundle.clone();
    changed["certificate"]["claims"]["detained_workers"] = 7.into();
    std::fs::write(&bundle_path, changed.to_string()).unwrap();
    let out = origine(&app)
        .arg("verify")
        .arg(&bundle_path)
        .arg("--keys")
        .arg(&keys_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("hash does not match"), "{}", text(&out));

    // A changed hash to match: now the signature gives it away.
    let bytes = origine::crypto::jcs::canonical(&changed["certificate"]).unwrap();
    changed["hash"] = origine::crypto::jcs::sha256_hex(&bytes).into();
    std::fs::write(&bundle_path, changed.to_string()).unwrap();
    let out = origine(&app)
        .arg("verify")
        .arg(&bundle_path)
        .arg("--keys")
        .arg(&keys_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("signature does not verify"),
        "{}",
        text(&out)
    );

    let out = origine(&app).arg("verify").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "usage error: {}", text(&out));
    std::fs::write(&bundle_path, "not json").unwrap();
    let out = origine(&app)
        .arg("verify")
        .arg(&bundle_path)
        .arg("--keys")
        .arg(&keys_path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[tokio::test]
async fn changing_any_byte_of_a_stored_certificate_fails_audit_and_its_report() {
    let (app, bundle) = register_with_three().await;
    let id = bundle["certificate"]["id"].as_str().unwrap().to_owned();
    let pool = sqlx::SqlitePool::connect(&app.config.database_url)
        .await
        .unwrap();
    let (original,): (String,) = sqlx::query_as("SELECT body FROM log_entries WHERE seq = 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let chars: Vec<char> = original.chars().collect();
    for i in 0..chars.len() {
        let mut tampered = chars.clone();
        tampered[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        let tampered: String = tampered.into_iter().collect();
        sqlx::query("UPDATE log_entries SET body = ? WHERE seq = 1")
            .bind(&tampered)
            .execute(&pool)
            .await
            .unwrap();
        let audit = origine::service::audit::audit(&app.state.store, &app.state.keys.current())
            .await
            .unwrap();
        assert!(
            audit.failures.iter().any(|f| f.seq == 1),
            "byte {i} changed to {tampered:?} went unnoticed"
        );
        let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
        assert_ne!(report["status"], "valid", "byte {i}: {report}");
    }
    // The binary exits 1 and names the entry.
    let out = origine(&app).arg("audit").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("entry 1 (certificate"),
        "{}",
        text(&out)
    );

    sqlx::query("UPDATE log_entries SET body = ? WHERE seq = 1")
        .bind(&original)
        .execute(&pool)
        .await
        .unwrap();
    let out = origine(&app).arg("audit").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("audit clean: 3 entries"));
}

#[tokio::test]
async fn a_rewritten_signature_or_hash_column_is_caught_by_audit() {
    let (app, _) = register_with_three().await;
    let pool = sqlx::SqlitePool::connect(&app.config.database_url)
        .await
        .unwrap();
    sqlx::query("UPDATE log_entries SET signature = (SELECT signature FROM log_entries WHERE seq = 0) WHERE seq = 2")
        .execute(&pool)
        .await
        .unwrap();
    let audit = origine::service::audit::audit(&app.state.store, &app.state.keys.current())
        .await
        .unwrap();
    assert_eq!(
        audit.failures.iter().map(|f| f.seq).collect::<Vec<_>>(),
        [2]
    );
}

#[tokio::test]
async fn admin_create_key_prints_only_a_working_token() {
    let app = TestApp::sqlite().await;
    let out = origine(&app)
        .args([
            "admin",
            "create-key",
            "--role",
            "auditor",
            "--label",
            "CNEL",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    let token = stdout.trim();
    assert!(token.starts_with("org_") && token.len() > 40);
    let (status, _) = app
        .call(axum::http::Method::GET, "/api/v1/lots", Some(token), None)
        .await;
    assert_eq!(status, axum::http::StatusCode::OK);

    let out = origine(&app)
        .args(["admin", "create-key", "--role", "producer"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "producer without --producer: {}",
        text(&out)
    );
    let out = origine(&app)
        .args(["admin", "create-key", "--role", "root"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn admin_create_user_prints_only_a_password_that_logs_in() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let out = origine(&app)
        .args([
            "admin",
            "create-user",
            "--email",
            "Ufficio@Coop-Uno.it",
            "--role",
            "producer",
            "--producer",
            &seed.producer,
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1);
    let password = stdout.trim();
    assert_eq!(password.len(), 20);
    let web = crate::support::web::Visitor::new(&app);
    let page = web.login("ufficio@coop-uno.it", password).await;
    assert_eq!(page.location(), "/workspace");
    let trail = app.state.store.admin_actions(1).await.unwrap();
    assert_eq!(
        (trail[0].actor.as_str(), trail[0].action.as_str()),
        ("cli", "create_user")
    );

    // A chosen password from standard input; nothing is printed.
    let mut child = origine(&app)
        .args([
            "admin",
            "create-user",
            "--email",
            "ispettore@cnel.example",
            "--role",
            "auditor",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"una frase lunga e segreta\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    web.clear_cookies();
    assert_eq!(
        web.login("ispettore@cnel.example", "una frase lunga e segreta")
            .await
            .location(),
        "/audit"
    );

    // Mistakes are usage errors naming the flag; the same email twice is refused.
    for (args, flag) in [
        (
            vec!["--email", "not-an-email", "--role", "auditor"],
            "--email",
        ),
        (
            vec!["--email", "a@b.example", "--role", "producer"],
            "--producer",
        ),
        (vec!["--email", "a@b.example", "--role", "root"], "--role"),
        (
            vec!["--email", "ispettore@cnel.example", "--role", "auditor"],
            "--email",
        ),
    ] {
        let out = origine(&app)
            .args(["admin", "create-user"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(flag), "{args:?}: {}", text(&out));
    }
    assert_eq!(app.state.store.users().await.unwrap().len(), 2);
}

#[test]
fn keygen_writes_a_private_key_and_serve_refuses_one_others_can_read() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys");
    let run = |args: &[&str]| {
        Command::new(crate::support::origine_bin())
            .args(args)
            .env("ORIGINE_KEYS_DIR", &keys)
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("o.db").display()),
            )
            .env("ORIGINE_BIND", "127.0.0.1:0")
            .output()
            .unwrap()
    };
    let out = run(&["keygen"]);
    assert!(out.status.success(), "{}", text(&out));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.starts_with("kid: "), "{printed}");
    let key = std::fs::read_dir(&keys)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        !run(&["keygen"]).status.success(),
        "a second key is refused"
    );

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = run(&["serve"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("readable by group or others"),
        "{}",
        text(&out)
    );
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_and_audits_clean() {
    let (app, bundle) = register_with_three().await;
    let copy = app.dir.path().join("backup.db");
    let out = origine(&app)
        .arg("backup")
        .arg("--out")
        .arg(&copy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // Restore = use the copy as the database.
    let restored = format!("sqlite://{}", copy.display());
    let audit = origine(&app)
        .env("DATABASE_URL", &restored)
        .arg("audit")
        .output()
        .unwrap();
    assert_eq!(audit.status.code(), Some(0), "{}", text(&audit));
    assert!(text(&audit).contains("audit clean: 3 entries"));
    let store = origine::store::connect(&restored).await.unwrap();
    let id = bundle["certificate"]["id"].as_str().unwrap();
    assert_eq!(
        store.certificate_entry(id).await.unwrap().unwrap().hash,
        bundle["hash"].as_str().unwrap()
    );
    // It refuses to overwrite, and PostgreSQL is pg_dump's job.
    let again = origine(&app)
        .arg("backup")
        .arg("--out")
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    let pg = origine(&app)
        .env("DATABASE_URL", "postgres://nobody@127.0.0.1:1/x")
        .arg("backup")
        .arg("--out")
        .arg(app.dir.path().join("x"))
        .output()
        .unwrap();
    assert_eq!(pg.status.code(), Some(2));
    assert!(text(&pg).contains("pg_dump"));
}

/// A genuine bundle with a second `producer` member inserted into the certificate: one
/// reader would keep the genuine producer, another the forged one. `verify` refuses it,
/// naming the member, however the rest checks out.
#[tokio::test]
async fn verify_refuses_a_bundle_with_a_repeated_member() {
    let (app, bundle) = register_with_three().await;
    let (_, keys) = app.get("/.well-known/origine-keys.json").await;
    let keys_path = app.dir.path().join("keys.json");
    std::fs::write(&keys_path, keys.to_string()).unwrap();
    let genuine = bundle.to_string();
    let forged_producer = r#""producer":{"id":"xxxxxxxx","legal_form":"srl","name":"Falsa Cooperativa","vat_number":"00743110157"},"#;
    let verify = |text: &str| {
        let path = app.dir.path().join("bundle.json");
        std::fs::write(&path, text).unwrap();
        origine(&app)
            .arg("verify")
            .arg(&path)
            .arg("--keys")
            .arg(&keys_path)
            .output()
            .unwrap()
    };
    let out = verify(&genuine);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));

    let forged = genuine.replacen(
        "\"certificate\":{",
        &format!("\"certificate\":{{{forged_producer}"),
        1,
    );
    assert_ne!(forged, genuine);
    let out = verify(&forged);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("certificate.producer"),
        "{}",
        text(&out)
    );
    assert!(!text(&out).starts_with("valid"), "{}", text(&out));

    // At the top level, and in the keys document, just the same.
    let out = verify(&genuine.replacen('{', "{\"kid\":\"x\",", 1));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("\"kid\" appears twice"),
        "{}",
        text(&out)
    );
    let keys_text = keys
        .to_string()
        .replacen('{', "{\"issuer\":\"evil.example/log\",", 1);
    std::fs::write(&keys_path, keys_text).unwrap();
    let out = verify(&genuine);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("issuer"), "{}", text(&out));
}

/// A log origin that cannot name a signed-note key (a space, a `+`, nothing) would let the
/// service certify lots it can never publish a checkpoint for: `serve` refuses to start.
#[test]
fn serve_refuses_a_log_origin_that_is_not_a_key_name() {
    let dir = tempfile::tempdir().unwrap();
    for origin in ["origine test/log", "origine.test+log", "tab\there"] {
        let out = Command::new(crate::support::origine_bin())
            .arg("serve")
            .env("ORIGINE_LOG_ORIGIN", origin)
            .env("ORIGINE_KEYS_DIR", dir.path().join("keys"))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("o.db").display()),
            )
            .env("ORIGINE_BIND", "127.0.0.1:0")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{origin:?}: {}", text(&out));
        assert!(
            text(&out).contains("ORIGINE_LOG_ORIGIN"),
            "{origin:?}: {}",
            text(&out)
        );
        assert!(
            !dir.path().join("o.db").exists(),
            "{origin:?}: nothing is created"
        );
    }
}
