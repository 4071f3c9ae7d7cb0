//! The pages in a real browser: headless Debian Chromium driven through WebDriver
//! (chromedriver) at phone width. A producer logs in, registers a lot through the form
//! (first with mistakes), downloads its label sheet; an admin revokes a certificate
//! through the admin page; an auditor opens the dashboard; `/c/{id}` shows a valid, a
//! revoked and a suspicious (copied) label. Every screen is kept in `target/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// A chromedriver process on a free port, stopped when dropped.
struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    async fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Self { child, url };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("chromedriver did not listen on {port}");
    }

    /// A new headless Chromium at phone size (390×844 CSS px), Italian, downloading into
    /// `downloads`.
    async fn browser(&self, profile: &Path, downloads: &Path) -> Client {
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-first-run", "--hide-scrollbars", "--window-size=390,844",
                    "--lang=it-IT", format!("--user-data-dir={}", profile.display()),
                ],
                // Phone metrics: headless windows are at least 500 px wide otherwise.
                "mobileEmulation": {
                    "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 1.0, "touch": true},
                },
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                    "intl.accept_languages": "it-IT,it",
                },
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a WebDriver session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Saves what the browser shows; checks it is a PNG 390 px wide.
async fn screenshot(browser: &Client, name: &str) -> PathBuf {
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let png = browser.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
    assert_eq!(
        u32::from_be_bytes(png[16..20].try_into().unwrap()),
        390,
        "{name}: phone width"
    );
    let path = shots.join(format!("{name}.png"));
    std::fs::write(&path, &png).unwrap();
    path
}

async fn text_of(browser: &Client, css: &str) -> String {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

async fn fill(browser: &Client, id: &str, value: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

async fn choose(browser: &Client, id: &str, value: &str) {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("{id}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

/// Date inputs take typed dates in the browser's locale; the value is set directly.
async fn set_date(browser: &Client, id: &str, value: &str) {
    browser
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![json!(id), json!(value)],
        )
        .await
        .unwrap();
}

/// Clicks a form's button and waits for the answer to load (a new document).
async fn submit(browser: &Client, action: &str) {
    browser
        .execute("window.originePageBefore = true;", vec![])
        .await
        .unwrap();
    browser
        .find(Locator::Css(&format!("form[action='{action}'] button")))
        .await
        .unwrap_or_else(|e| panic!("{action}: {e}"))
        .click()
        .await
        .unwrap();
    for _ in 0..100 {
        let old = browser
            .execute(
                "return document.readyState === 'complete' && window.originePageBefore !== true;",
                vec![],
            )
            .await
            .map(|v| v == json!(true))
            .unwrap_or(false);
        if old {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{action}: no answer loaded");
}

async fn login(browser: &Client, base: &str, email: &str, password: &str) {
    browser.goto(&format!("{base}/login")).await.unwrap();
    fill(browser, "email", email).await;
    fill(browser, "password", password).await;
    let typed = browser
        .find(Locator::Id("email"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(typed.as_deref(), Some(email));
    submit(browser, "/login").await;
}

async fn logout(browser: &Client) {
    submit(browser, "/logout").await;
}

/// Waits for a finished download in `dir`.
async fn downloaded(dir: &Path) -> PathBuf {
    for _ in 0..100 {
        let done = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "pdf"));
        if let Some(path) = done {
            return path;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing was downloaded into {}", dir.display());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(origine_chromedriver),
    ignore = "needs chromium and chromedriver (Debian packages chromium, chromium-driver)"
)]
async fn producer_admin_and_auditor_work_through_the_pages_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("b.db").display());
    let mut config = crate::support::config(&db, &dir);
    config.base_url = None;
    config.rate_limit = 0;
    let running = origine::server::spawn(&config).await.unwrap();
    let base = format!("http://{}", running.addr);
    let app = crate::support::TestApp::over(&running, config);
    let seed = app.seed().await;
    let producer_password = app
        .user("ufficio@coop-uno.it", "producer", Some(&seed.producer))
        .await;
    let admin_password = app.user("autorita@origine.example", "admin", None).await;
    let auditor_password = app.user("ispettore@cnel.example", "auditor", None).await;

    let driver = Driver::start().await;
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let browser = driver
        .browser(&dir.path().join("profile"), &downloads)
        .await;

    // The producer logs in and lands in its workspace.
    login(&browser, &base, "ufficio@coop-uno.it", &producer_password).await;
    assert_eq!(
        browser.current_url().await.unwrap().path(),
        "/workspace",
        "{}",
        browser.source().await.unwrap()
    );
    assert!(text_of(&browser, "h1").await.contains("Cooperativa Uno"));
    screenshot(&browser, "workspace").await;

    // The lot form, first with mistakes: errors next to the fields, values kept.
    browser
        .goto(&format!("{base}/workspace/lots/new"))
        .await
        .unwrap();
    fill(&browser, "f-product-name", "<script>alert(1)</script>").await;
    choose(&browser, "f-product-category", "food").await;
    fill(&browser, "f-lot_code", "BROWSER-1").await;
    fill(&browser, "f-quantity", "0").await;
    set_date(&browser, "f-produced_from", "2026-10-01").await;
    set_date(&browser, "f-produced_to", "2026-10-31").await;
    browser
        .find(Locator::Id("f-serialised"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&browser, "f-claims-detained_workers", "6").await;
    fill(&browser, "f-claims-total_workers", "8").await;
    fill(&browser, "f-claims-work_hours", "960").await;
    choose(&browser, "f-claims-employment", "employee").await;
    submit(&browser, "/workspace/lots").await;
    assert_eq!(
        text_of(&browser, "#f-quantity-error").await,
        "deve essere fra 1 e 10000000"
    );
    let kept = browser
        .find(Locator::Id("f-product-name"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("<script>alert(1)</script>"));
    screenshot(&browser, "lot-form-errors").await;
    fill(&browser, "f-quantity", "48").await;
    submit(&browser, "/workspace/lots").await;

    // The lot is certified; the name stays text (no script ran, no alert is open).
    assert!(
        browser
            .current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/workspace/lots/")
    );
    assert_eq!(
        text_of(&browser, ".verdict strong").await,
        "Certificato valido"
    );
    assert_eq!(text_of(&browser, "h1").await, "<script>alert(1)</script>");
    assert!(browser.get_alert_text().await.is_err(), "no alert dialog");
    screenshot(&browser, "lot").await;
    let certificate = text_of(&browser, "dd a code").await;

    // The label sheet downloads as a PDF with one page of 24 labels per 24 units.
    browser
        .find(Locator::Css("a[href$='labels.pdf?layout=3x8']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let sheet = downloaded(&downloads).await;
    let pdf = std::fs::read(&sheet).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    // 48 labels on 3×8 sheets are two pages (pdfinfo is in poppler-utils, as CI installs).
    if let Ok(info) = Command::new("pdfinfo").arg(&sheet).output() {
        let info = String::from_utf8_lossy(&info.stdout).to_string();
        assert!(
            info.lines()
                .any(|l| l.starts_with("Pages:") && l.ends_with(" 2")),
            "{info}"
        );
    }

    // The QR target, valid.
    browser
        .goto(&format!("{base}/c/{certificate}"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&browser, ".verdict strong").await,
        "Certificato valido"
    );
    screenshot(&browser, "c-valid").await;

    // The admin revokes it through the admin page.
    browser.goto(&format!("{base}/workspace")).await.unwrap();
    logout(&browser).await;
    login(&browser, &base, "autorita@origine.example", &admin_password).await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/admin");
    fill(&browser, "f-c-certificate", &certificate).await;
    choose(&browser, "f-c-status", "revoked").await;
    fill(
        &browser,
        "f-c-reason",
        "Richiamo del lotto: etichette errate",
    )
    .await;
    submit(&browser, "/admin/certificates/status").await;
    assert!(
        text_of(&browser, "p.notice")
            .await
            .contains("revocato: Richiamo del lotto")
    );
    screenshot(&browser, "admin").await;
    browser
        .goto(&format!("{base}/c/{certificate}"))
        .await
        .unwrap();
    assert_eq!(
        text_of(&browser, ".verdict strong").await,
        "Certificato revocato"
    );
    assert!(
        browser
            .source()
            .await
            .unwrap()
            .contains("Richiamo del lotto")
    );
    screenshot(&browser, "c-revoked").await;

    // A copied unit label of another lot: scanned from 40 places, then by this phone.
    let copied = app.issue(&seed.producer_token, "B-COPIED").await;
    let lot = app
        .state
        .store
        .lot(copied["lot"]["id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    let secret = origine::service::labels::lot_secret(&app.state.store, &lot)
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
    browser.goto(&format!("{base}{unit}")).await.unwrap();
    assert!(
        text_of(&browser, ".verdict strong")
            .await
            .starts_with("Etichetta sospetta")
    );
    screenshot(&browser, "c-suspicious").await;

    // The auditor reads the dashboard.
    browser.goto(&format!("{base}/admin")).await.unwrap();
    logout(&browser).await;
    login(&browser, &base, "ispettore@cnel.example", &auditor_password).await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/audit");
    browser
        .goto(&format!(
            "{base}/audit?from=2026-01&to=2026-12&group_by=month"
        ))
        .await
        .unwrap();
    let charts = browser
        .find_all(Locator::Css("figure.chart svg[role='img']"))
        .await
        .unwrap();
    assert_eq!(charts.len(), 4);
    screenshot(&browser, "audit").await;
    browser
        .execute(
            "document.querySelector('figure.chart').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&browser, "audit-charts").await;
    browser
        .goto(&format!(
            "{base}/audit?from=2026-01&to=2026-12&group_by=institute"
        ))
        .await
        .unwrap();
    browser
        .execute(
            "document.querySelector('figure.chart').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&browser, "audit-bars").await;

    browser.close().await.unwrap();
}
