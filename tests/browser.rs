//! The verification page as a phone shows it: headless Chromium renders `/c/{id}` for a
//! valid, a revoked and a suspicious (copied) label at phone width; the rendered DOM must
//! carry the right verdict, and the screenshots are kept in `target/screenshots/`.

mod support;

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;

/// Runs headless Chromium with the flags this machine needs.
fn chromium(profile: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--hide-scrollbars",
            "--window-size=390,1400",
            // An Italian phone: the page speaks the browser's language.
            "--lang=it-IT",
            "--accept-lang=it-IT,it",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(origine_chromium),
    ignore = "needs chromium (Debian package chromium)"
)]
async fn the_page_shows_valid_revoked_and_suspicious_verdicts_at_phone_width() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("b.db").display());
    let mut config = support::config(&db, &dir);
    config.base_url = None;
    let running = origine::server::spawn(&config).await.unwrap();
    let base = format!("http://{}", running.addr);
    let app = support::TestApp::over(&running, config);
    let seed = app.seed().await;
    let valid = app.issue(&seed.producer_token, "B-VALID").await;
    let revoked = app.issue(&seed.producer_token, "B-REVOKED").await;
    let revoked_id = revoked["bundle"]["certificate"]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/certificates/{revoked_id}/status"),
        &seed.admin,
        json!({"status": "revoked", "reason": "richiamo del lotto"}),
    )
    .await;
    // A copied unit label: scanned from 40 places.
    let lot = app
        .state
        .store
        .lot(valid["lot"]["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let secret = origine::service::labels::lot_secret(&*app.state.store, &lot)
        .await
        .unwrap();
    let token = origine::crypto::label_token::unit_token(&secret, &lot.certificate_id, 3);
    let unit = origine::service::labels::unit_url("", &lot, 3, &token);
    for i in 0..40u8 {
        let mut req = axum::http::Request::get(unit.as_str())
            .header("accept", "application/json")
            .body(axum::body::Body::empty())
            .unwrap();
        req.extensions_mut()
            .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                [172, 20, i, 1],
                1000,
            ))));
        app.raw(req).await;
    }

    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let cases = [
        (
            "valid",
            format!(
                "{base}/c/{}",
                valid["bundle"]["certificate"]["id"].as_str().unwrap()
            ),
            "Certificato valido",
        ),
        (
            "revoked",
            format!("{base}/c/{revoked_id}"),
            "Certificato revocato",
        ),
        ("suspicious", format!("{base}{unit}"), "Etichetta sospetta"),
    ];
    for (name, url, verdict) in cases {
        let url = url.clone();
        let profile = dir.path().join(format!("chromium-{name}"));
        let shot = shots.join(format!("c-{name}-390.png"));
        let (dom, png) = tokio::task::spawn_blocking({
            let shot = shot.clone();
            move || {
                let dom = chromium(&profile, &["--dump-dom", &url]);
                let png = chromium(
                    &profile,
                    &[&format!("--screenshot={}", shot.display()), &url],
                );
                (dom, png)
            }
        })
        .await
        .unwrap();
        let dom = String::from_utf8_lossy(&dom.stdout).to_string();
        assert!(
            dom.contains(verdict),
            "{name}: the rendered page lacks {verdict:?}"
        );
        assert!(
            png.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&png.stderr)
        );
        let bytes = std::fs::read(&shot).unwrap();
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{name}: screenshot too small"
        );
        // 390 CSS px wide: the PNG's IHDR width.
        assert_eq!(u32::from_be_bytes(bytes[16..20].try_into().unwrap()), 390);
    }
}
