//! An independent implementation checks what Origine signs: a short Python program using
//! `cryptography` and `rfc8785` (tests/python/verify_bundle.py), sharing no code with it.

use std::process::Command;

use crate::support::TestApp;

fn python_verify(bundle: &std::path::Path, keys: &std::path::Path) -> (bool, String) {
    let out = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/python/verify_bundle.py"
        ))
        .arg(bundle)
        .arg(keys)
        .output()
        .expect("python3 runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[tokio::test]
#[cfg_attr(
    not(origine_py),
    ignore = "needs python3 with cryptography and rfc8785 (pip install cryptography rfc8785)"
)]
async fn python_cryptography_and_rfc8785_verify_an_issued_certificate() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    // Non-ASCII text exercises JCS string handling on both sides.
    let mut lot = crate::support::lot("PY-1");
    lot["claims"]["statement"] = "Pâte brisée, caffè e «biscotti» — 100% artigianali ✓".into();
    let (status, issued) = app.post("/api/v1/lots", &seed.producer_token, lot).await;
    assert_eq!(status, axum::http::StatusCode::CREATED, "{issued}");
    let (_, keys) = app.get("/.well-known/origine-keys.json").await;
    let bundle_path = app.dir.path().join("bundle.json");
    let keys_path = app.dir.path().join("keys.json");
    std::fs::write(&bundle_path, issued["bundle"].to_string()).unwrap();
    std::fs::write(&keys_path, keys.to_string()).unwrap();

    let (ok, text) = python_verify(&bundle_path, &keys_path);
    assert!(ok, "independent check failed: {text}");

    let mut changed = issued["bundle"].clone();
    changed["certificate"]["lot"]["quantity"] = 501.into();
    std::fs::write(&bundle_path, changed.to_string()).unwrap();
    let (ok, text) = python_verify(&bundle_path, &keys_path);
    assert!(
        !ok,
        "a changed certificate passed the independent check: {text}"
    );
}
