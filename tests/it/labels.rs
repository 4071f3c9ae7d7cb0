//! Labels people print and scan: sheets whose every QR decodes, GS1 Digital Links, unit
//! tokens, offline-signed labels, scan counting and clone detection.

use std::net::SocketAddr;
use std::process::Command;

use crate::support::{TestApp, lot};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;

/// A serialised lot of 40 units with a GTIN; returns the app, seed and the 201 body.
async fn serialised() -> (TestApp, crate::support::Seed, Value) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let mut body = lot("PAN-2026/11");
    body["quantity"] = 40.into();
    body["product"]["name"] = "Panettone «tradizionale» già incartato".into();
    let (status, issued) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    (app, seed, issued)
}

async fn get_bytes(app: &TestApp, path: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut req = Request::get(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let (status, _, body) = app.raw(req.body(Body::empty()).unwrap()).await;
    (status, body.to_vec())
}

/// The QR code of each label slot of a PDF, in order: each slot is cropped out of its page
/// by pdftoppm at 300 dpi (from the layout's own geometry) and decoded by zbarimg.
fn decode_pdf(
    dir: &std::path::Path,
    pdf: &[u8],
    layout: origine::labels::Layout,
    count: usize,
) -> Vec<String> {
    let path = dir.join("sheet.pdf");
    std::fs::write(&path, pdf).unwrap();
    let px = |mm: f64| ((mm / 25.4) * 300.0).round() as i64;
    (0..count)
        .map(|i| {
            let page = (i / layout.per_page() + 1).to_string();
            let (x, y, w, h) = layout.slot(i % layout.per_page());
            let out = dir.join(format!("slot{i}"));
            let ok = Command::new("pdftoppm")
                .args(["-r", "300", "-png", "-singlefile", "-f", &page, "-l", &page])
                .args([
                    "-x",
                    &px(x).to_string(),
                    "-y",
                    &px(y).to_string(),
                    "-W",
                    &px(w).to_string(),
                    "-H",
                    &px(h).to_string(),
                ])
                .arg(&path)
                .arg(&out)
                .status()
                .unwrap()
                .success();
            assert!(ok);
            let decoded = Command::new("zbarimg")
                .args(["--raw", "-q"])
                .arg(out.with_extension("png"))
                .output()
                .unwrap();
            String::from_utf8(decoded.stdout).unwrap().trim().to_owned()
        })
        .collect()
}

/// Opens `path` as a browser does: a 307 from the resolver is followed once.
async fn follow(app: &TestApp, path: &str) -> (StatusCode, Vec<u8>) {
    let (status, headers, body) = app
        .raw(Request::get(path).body(Body::empty()).unwrap())
        .await;
    if status != StatusCode::TEMPORARY_REDIRECT {
        return (status, body.to_vec());
    }
    let target = headers[header::LOCATION].to_str().unwrap();
    let next = target.strip_prefix(crate::support::BASE_URL).unwrap();
    get_bytes(app, next, None).await
}

/// Scans a unit label URL as a phone at `ip` would, asking for the JSON report.
async fn scan(app: &TestApp, url: &str, ip: [u8; 4]) -> Value {
    let path = url.strip_prefix(crate::support::BASE_URL).unwrap();
    let mut req = Request::get(path)
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    let (status, _, body) = app.raw(req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)"
)]
async fn every_label_on_a_sheet_decodes_to_a_digital_link_that_verifies() {
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let (status, pdf) = get_bytes(
        &app,
        &format!("/api/v1/lots/{lot_id}/labels.pdf?layout=3x8&from=1&to=30"),
        Some(&seed.producer_token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let urls = decode_pdf(dir.path(), &pdf, origine::labels::Layout::A4x24, 30);
    for (n, url) in (1..=30).zip(urls) {
        assert!(
            url.starts_with(&format!(
                "{}/01/08012345678907/10/PAN-2026%2F11/21/{n}?t=",
                crate::support::BASE_URL
            )),
            "{url}"
        );
        let report = scan(&app, &url, [10, 0, 0, 1]).await;
        assert_eq!(report["checks"]["serial"], "ok", "{report}");
        assert_eq!(report["status"], "valid");
    }
    // Another producer cannot print them.
    let (status, _) = get_bytes(
        &app,
        &format!("/api/v1/lots/{lot_id}/labels.pdf"),
        Some(&seed.other_token),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
#[cfg_attr(not(origine_zbar), ignore = "needs zbarimg (zbar-tools)")]
async fn a_single_unit_label_png_and_svg_carry_the_units_link() {
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let (status, png) = get_bytes(
        &app,
        &format!("/api/v1/lots/{lot_id}/labels/7.png"),
        Some(&seed.producer_token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let path = app.dir.path().join("unit.png");
    std::fs::write(&path, png).unwrap();
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&path)
        .output()
        .unwrap();
    let url = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(url.contains("/21/7?t="), "{url}");
    let (status, svg) = get_bytes(
        &app,
        &format!("/api/v1/lots/{lot_id}/labels/7.svg"),
        Some(&seed.producer_token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(svg).unwrap().contains("<svg"));
    let (status, _) = get_bytes(
        &app,
        &format!("/api/v1/lots/{lot_id}/labels/41.png"),
        Some(&seed.producer_token),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// The URL of unit `n`, from the single-label SVG's embedded link (no decoder needed).
async fn unit_url(app: &TestApp, seed: &crate::support::Seed, lot_id: &str, n: u64) -> String {
    let lot: origine::store::LotRecord = app.state.store.lot(lot_id).await.unwrap().unwrap();
    let secret = origine::service::labels::lot_secret(&app.state.store, &lot)
        .await
        .unwrap();
    let token = origine::crypto::label_token::unit_token(&secret, &lot.certificate_id, n);
    let _ = seed;
    origine::service::labels::unit_url(crate::support::BASE_URL, &lot, n, &token)
}

#[tokio::test]
async fn serial_checks_say_ok_unknown_or_out_of_range() {
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let good = unit_url(&app, &seed, lot_id, 5).await;
    assert_eq!(
        scan(&app, &good, [10, 0, 0, 1]).await["checks"]["serial"],
        "ok"
    );
    // A forged token: a label for a serial Origine never printed.
    let forged = format!(
        "{}abcdefghijklmnop",
        good.split("?t=").next().unwrap().to_owned() + "?t="
    );
    let report = scan(&app, &forged, [10, 0, 0, 1]).await;
    assert_eq!(
        (
            report["checks"]["serial"].as_str(),
            report["status"].as_str()
        ),
        (Some("unknown"), Some("invalid"))
    );
    let no_token = good.split('?').next().unwrap();
    assert_eq!(
        scan(&app, no_token, [10, 0, 0, 1]).await["checks"]["serial"],
        "unknown"
    );
    let beyond = good.replace("/21/5?", "/21/41?");
    assert_eq!(
        scan(&app, &beyond, [10, 0, 0, 1]).await["checks"]["serial"],
        "out_of_range"
    );
    // The HTML page is what a phone gets without asking for JSON (after the resolver's 307).
    let path = good.strip_prefix(crate::support::BASE_URL).unwrap();
    let (status, html) = follow(&app, path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        String::from_utf8(html)
            .unwrap()
            .contains("Certificato valido")
    );
}

/// A serial is a string (GS1 AI 21): unit 1's genuine token under `/21/01`, `/21/001` or
/// `/21/+1` names no unit Origine labelled, says `unknown` and counts no scan of unit 1 —
/// as `origine verify --qr`, which compares the serial as text, says too.
#[tokio::test]
async fn a_serial_is_its_exact_text_not_a_number() {
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let certificate = issued["lot"]["certificate_id"].as_str().unwrap();
    let good = unit_url(&app, &seed, lot_id, 1).await;
    assert!(good.contains("/21/1?t="), "{good}");
    let scans_of_unit_1 = || async {
        app.state
            .store
            .scan_counts(certificate, 1, "2000-01-01")
            .await
            .unwrap()
            .total
    };
    for other in ["01", "001", "%2B1", "1.0"] {
        let url = good.replace("/21/1?", &format!("/21/{other}?"));
        let report = scan(&app, &url, [10, 0, 0, 2]).await;
        assert_eq!(
            (
                report["checks"]["serial"].as_str(),
                report["status"].as_str()
            ),
            (Some("unknown"), Some("invalid")),
            "{other}: {report}"
        );
    }
    assert_eq!(scans_of_unit_1().await, 0, "no scan of unit 1 was counted");
    assert_eq!(
        scan(&app, &good, [10, 0, 0, 2]).await["checks"]["serial"],
        "ok"
    );
    assert_eq!(scans_of_unit_1().await, 1);
    // The report API reads its `serial` parameter the same way.
    let token = good.split("?t=").nth(1).unwrap();
    for (serial, check) in [("1", "ok"), ("01", "unknown")] {
        let (status, report) = app
            .get(&format!(
                "/api/v1/verify/{certificate}?serial={serial}&t={token}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(report["checks"]["serial"], check, "{serial}");
    }
}

/// A label that cannot be made is a problem naming why, never a 500: a serialised lot
/// whose code is too long for a signed label's GS1 AI (10) field (a lot without a GTIN may
/// hold 64 characters) used to make `labels.pdf?signed=true` answer 500.
#[tokio::test]
async fn a_label_that_cannot_be_made_is_a_problem_never_a_500() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let mut body = lot("NATALE-2026-BISCOTTI-ARTIGIANALI-01");
    body["product"].as_object_mut().unwrap().remove("gtin");
    body["quantity"] = 10.into();
    let (status, issued) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let sheet =
        |query: &str| format!("/api/v1/lots/{lot_id}/labels.pdf?layout=3x8&from=1&to=3{query}");
    let (status, problem) =
        get_bytes(&app, &sheet("&signed=true"), Some(&seed.producer_token)).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&problem)
    );
    let problem: Value = serde_json::from_slice(&problem).unwrap();
    assert_eq!(
        crate::support::problem_fields(&problem),
        ["signed"],
        "{problem}"
    );
    let (status, pdf) = get_bytes(&app, &sheet(""), Some(&seed.producer_token)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
}

#[tokio::test]
async fn malformed_or_unknown_digital_links_are_problems() {
    let (app, _, _) = serialised().await;
    for (path, status) in [
        (
            "/01/08012345678901/10/PAN-2026%2F11/21/1",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/01/08012345678907/21/1/10/PAN-2026%2F11",
            StatusCode::BAD_REQUEST,
        ),
        ("/01/08012345678907/10/PAN%ZZ/21/1", StatusCode::BAD_REQUEST),
        (
            "/01/08012345678907/10/NOSUCHLOT/21/1",
            StatusCode::NOT_FOUND,
        ),
        // A GTIN alone resolves now (to its product page, resolver standard 1.2); a GTIN
        // nobody certified does not.
        ("/01/00000000000000", StatusCode::NOT_FOUND),
    ] {
        let (got, body) = app.get(path).await;
        assert_eq!(got, status, "{path}: {body}");
        assert_eq!(body["status"], status.as_u16());
    }
}

#[tokio::test]
async fn a_copied_label_is_flagged_suspicious_and_normal_use_is_not() {
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    // Normal: a jar scanned by a shop assistant and then twice at home.
    let jar = unit_url(&app, &seed, lot_id, 3).await;
    for ip in [[10, 0, 0, 1], [10, 0, 0, 2], [10, 0, 0, 2]] {
        assert_eq!(scan(&app, &jar, ip).await["checks"]["serial"], "ok");
    }
    // Copied: one genuine label printed on many fake jars, scanned all over.
    let copied = unit_url(&app, &seed, lot_id, 9).await;
    let mut last = Value::Null;
    for i in 0..40u8 {
        last = scan(&app, &copied, [172, 16, i, 1]).await;
    }
    assert_eq!(last["checks"]["serial"], "suspicious", "{last}");
    assert_eq!(last["status"], "suspicious");
    assert!(last["warnings"].to_string().contains("copied"));
    // The page says so too.
    let path = copied.strip_prefix(crate::support::BASE_URL).unwrap();
    let html = String::from_utf8(follow(&app, path).await.1).unwrap();
    assert!(html.to_lowercase().contains("sospett"), "{html}");
    // Enumeration: a script trying serials with made-up tokens gets nothing valid.
    for n in 1..=30 {
        let guess = jar
            .replace("/21/3?", &format!("/21/{n}?"))
            .split("?t=")
            .next()
            .unwrap()
            .to_owned()
            + "?t=aaaaaaaaaaaaaaaa";
        assert_eq!(
            scan(&app, &guess, [192, 168, 9, 9]).await["checks"]["serial"],
            "unknown"
        );
    }
    // The producer sees its scan statistics; nothing stored names an address.
    let (status, stats) = app
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/lots/{lot_id}/scans"),
            Some(&seed.producer_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stats["serials"][0]["serial"], 9);
    // 40 scans of the JSON report and one of the page.
    assert_eq!(stats["serials"][0]["scans"], 41);
    let (status, _) = app
        .call(
            axum::http::Method::GET,
            &format!("/api/v1/lots/{lot_id}/scans"),
            Some(&seed.other_token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let pool = sqlx::SqlitePool::connect(&app.config.database_url)
        .await
        .unwrap();
    let rows: Vec<(String,)> = sqlx::query_as("SELECT source FROM scans")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|(s,)| !s.contains('.') && s.len() == 24),
        "{rows:?}"
    );
}

#[tokio::test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)"
)]
async fn a_signed_label_verifies_offline_and_a_changed_one_does_not() {
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let (status, pdf) = get_bytes(
        &app,
        &format!("/api/v1/lots/{lot_id}/labels.pdf?layout=roll&from=12&to=12&signed=true"),
        Some(&seed.producer_token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let urls = decode_pdf(dir.path(), &pdf, origine::labels::Layout::Roll, 1);
    let url = &urls[0];
    assert!(url.contains("#ol1."), "{url}");
    let (_, keys) = app.get("/.well-known/origine-keys.json").await;
    let keys_path = dir.path().join("keys.json");
    std::fs::write(&keys_path, keys.to_string()).unwrap();
    let verify = |u: &str| {
        Command::new(crate::support::origine_bin())
            .args(["verify", "--qr", u, "--keys"])
            .arg(&keys_path)
            .output()
            .unwrap()
    };
    let out = verify(url);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("unit 12") && text.contains("Panettone"),
        "{text}"
    );
    // The visible serial changed to another unit: the signature no longer covers it.
    let out = verify(&url.replace("/21/12?", "/21/13?"));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A changed character of the signed fragment.
    let mut chars: Vec<char> = url.chars().collect();
    let last = chars.len() - 5;
    chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
    let out = verify(&chars.into_iter().collect::<String>());
    assert_ne!(out.status.code(), Some(0));
}

#[tokio::test]
async fn the_labels_command_writes_a_sheet() {
    let (app, _, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let out_path = app.dir.path().join("cli.pdf");
    let out = Command::new(crate::support::origine_bin())
        .args(["labels", lot_id, "--layout", "2x7", "--out"])
        .arg(&out_path)
        .env("DATABASE_URL", &app.config.database_url)
        .env("ORIGINE_KEYS_DIR", &app.config.keys_dir)
        .env("ORIGINE_BASE_URL", crate::support::BASE_URL)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(&out_path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("40 labels written"));
}

#[tokio::test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (zbar-tools) and pdftoppm (poppler-utils)"
)]
async fn a_sheet_of_every_layout_decodes_to_links_the_resolver_answers_307_then_200() {
    use origine::labels::Layout;
    let (app, seed, issued) = serialised().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for layout in [Layout::A4x24, Layout::A4x40, Layout::A4x14, Layout::Roll] {
        let count = layout.per_page().min(3);
        let (status, pdf) = get_bytes(
            &app,
            &format!(
                "/api/v1/lots/{lot_id}/labels.pdf?layout={}&from=1&to={count}",
                layout.name()
            ),
            Some(&seed.producer_token),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{}", layout.name());
        for url in decode_pdf(dir.path(), &pdf, layout, count) {
            let path = url.strip_prefix(crate::support::BASE_URL).unwrap();
            let (status, headers, _) = app
                .raw(Request::get(path).body(Body::empty()).unwrap())
                .await;
            assert_eq!(status, StatusCode::TEMPORARY_REDIRECT, "{url}");
            let target = headers[header::LOCATION].to_str().unwrap();
            let page = target.strip_prefix(crate::support::BASE_URL).unwrap();
            let (status, _, body) = app
                .raw(Request::get(page).body(Body::empty()).unwrap())
                .await;
            assert_eq!(status, StatusCode::OK, "{target}");
            assert!(String::from_utf8_lossy(&body).contains("<html"), "{target}");
        }
    }
}
