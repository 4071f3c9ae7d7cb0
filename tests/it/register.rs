//! The public register of producers and the Atom feeds of status changes.

use std::process::Command;

use crate::support::TestApp;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

async fn text(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let (status, headers, body) = app
        .raw(Request::get(path).body(Body::empty()).unwrap())
        .await;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn the_register_lists_producers_with_their_status_and_escapes_names() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let evil = app
        .producer(
            &seed.admin,
            "<script>alert(1)</script> Coop",
            "00488410010",
            "cr-milano-opera",
        )
        .await;
    app.issue(&seed.producer_token, "REG-1").await;
    let (status, ct, html) = text(&app, "/producers").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"));
    assert!(html.contains("Cooperativa Uno") && html.contains("accreditato"));
    assert!(
        !html.contains("<script>alert(1)</script>"),
        "names must be escaped"
    );
    let (status, _, page) = text(&app, &format!("/producers/{}", seed.producer)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Biscotti al farro") && page.contains("REG-1"),
        "{page}"
    );
    let (_, _, evil_page) = text(&app, &format!("/producers/{evil}")).await;
    assert!(!evil_page.contains("<script>alert(1)</script>"));
    assert_eq!(
        text(&app, "/producers/nosuch").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn status_changes_appear_in_the_atom_feeds_newest_first() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "F-1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/certificates/{id}/status"),
        &seed.admin,
        json!({"status": "suspended", "reason": "check <pending> & co"}),
    )
    .await;
    app.post(
        &format!("/api/v1/producers/{}/status", seed.other),
        &seed.admin,
        json!({"status": "revoked", "reason": "closed"}),
    )
    .await;
    let (status, ct, feed) = text(&app, "/feed.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("application/atom+xml"));
    // Well-formed XML with two entries, the newest (the revocation) first, text escaped.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.xml");
    std::fs::write(&path, &feed).unwrap();
    let out = Command::new("python3")
        .arg("-c")
        .arg("import sys, xml.etree.ElementTree as E; t=E.parse(sys.argv[1]); ns={'a':'http://www.w3.org/2005/Atom'}; print('|'.join(e.find('a:content', ns).text for e in t.getroot().findall('a:entry', ns)))")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "closed|check <pending> & co"
    );
    // A producer's feed has only what concerns it and its certificates.
    let (_, _, mine) = text(&app, &format!("/producers/{}/feed.atom", seed.producer)).await;
    assert!(
        mine.contains("check &lt;pending&gt; &amp; co") && !mine.contains("closed"),
        "{mine}"
    );
}

#[tokio::test]
async fn feed_titles_name_the_product_and_producer_in_the_feeds_language() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "F-2").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/certificates/{id}/status"),
        &seed.admin,
        json!({"status": "suspended", "reason": "verifica"}),
    )
    .await;
    app.post(
        &format!("/api/v1/producers/{}/status", seed.other),
        &seed.admin,
        json!({"status": "suspended", "reason": "verifica"}),
    )
    .await;
    let (_, _, it) = text(&app, "/feed.atom").await;
    assert!(
        it.contains("<title>Produttore sospeso: Cooperativa Due</title>"),
        "{it}"
    );
    assert!(
        it.contains("<title>Sospeso: Biscotti al farro — Cooperativa Uno</title>"),
        "{it}"
    );
    let (_, _, en) = text(&app, "/feed.atom?lang=en").await;
    assert!(
        en.contains("<title>Producer suspended: Cooperativa Due</title>"),
        "{en}"
    );
    assert!(
        en.contains("<title>Suspended: Biscotti al farro — Cooperativa Uno</title>"),
        "{en}"
    );
    assert!(!en.contains("sospeso"), "{en}");
    for feed in [&it, &en] {
        let titles: Vec<&str> = feed
            .split("<title>")
            .skip(1)
            .filter_map(|t| t.split("</title>").next())
            .collect();
        assert!(titles.iter().all(|t| !t.contains(id)), "{feed}");
    }
    let (_, _, mine) = text(
        &app,
        &format!("/producers/{}/feed.atom?lang=en", seed.producer),
    )
    .await;
    assert!(mine.contains("Suspended: Biscotti al farro"), "{mine}");
}
