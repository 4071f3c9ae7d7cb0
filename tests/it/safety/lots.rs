//! A GTIN belongs to the producer that first certified it: another producer's lot with
//! that GTIN is refused (409 naming `product.gtin`), so printed unit labels keep resolving
//! to the lot that printed them.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{BASE_URL, TestApp, lot, problem_fields};

/// The Digital Link of unit `n` of a lot, with its label token.
async fn unit_url(app: &TestApp, lot_id: &str, n: u64) -> String {
    let lot = app.state.store.lot(lot_id).await.unwrap().unwrap();
    let secret = origine::service::labels::lot_secret(&app.state.store, &lot)
        .await
        .unwrap();
    let token = origine::crypto::label_token::unit_token(&secret, &lot.certificate_id, n);
    origine::service::labels::unit_url(BASE_URL, &lot, n, &token)
}

/// The JSON report a label's link resolves to, or the status it fails with.
async fn resolve(app: &TestApp, url: &str) -> Result<Value, StatusCode> {
    let req = Request::get(url.strip_prefix(BASE_URL).unwrap())
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = app.raw(req).await;
    if status == StatusCode::OK {
        Ok(serde_json::from_slice(&body).unwrap())
    } else {
        Err(status)
    }
}

async fn labels_keep_resolving_to_the_lot_that_printed_them(app: TestApp) {
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "PAN-2026-11-A").await;
    let lot_a = issued["lot"]["id"].as_str().unwrap();
    let label = unit_url(&app, lot_a, 1).await;
    assert!(
        label.contains("/01/08012345678907/10/PAN-2026-11-A/21/1?t="),
        "{label}"
    );
    let report = resolve(&app, &label).await.unwrap();
    assert_eq!(
        (
            report["status"].as_str(),
            report["checks"]["serial"].as_str()
        ),
        (Some("valid"), Some("ok"))
    );

    // Producer B (another institute) tries A's GTIN, with A's lot code or another, in
    // any of the GTIN's lengths.
    let size = app.state.store.log_size().await.unwrap();
    for (gtin, code) in [
        ("8012345678907", "PAN-2026-11-A"),
        ("08012345678907", "PAN-2026-11-A"),
        ("8012345678907", "B-OWN-LOT"),
    ] {
        let mut body = lot(code);
        body["institute"] = "cr-padova-due-palazzi".into();
        body["product"]["gtin"] = gtin.into();
        let (status, problem) = app.post("/api/v1/lots", &seed.other_token, body).await;
        assert_eq!(status, StatusCode::CONFLICT, "{gtin} {code}: {problem}");
        assert_eq!(problem_fields(&problem), ["product.gtin"], "{problem}");
    }
    assert_eq!(
        app.state.store.log_size().await.unwrap(),
        size,
        "nothing logged"
    );
    assert!(
        app.state
            .store
            .lots(Some(&seed.other))
            .await
            .unwrap()
            .is_empty()
    );

    // B's own GTIN is B's; A keeps certifying with its own.
    let mut body = lot("PAN-2026-11-A");
    body["institute"] = "cr-padova-due-palazzi".into();
    body["product"]["gtin"] = "8012345678914".into();
    let (status, problem) = app.post("/api/v1/lots", &seed.other_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{problem}");
    app.issue(&seed.producer_token, "PAN-2026-11-B").await;

    // A's label still resolves to A's lot, also once B is revoked.
    let (status, body) = app
        .post(
            &format!("/api/v1/producers/{}/status", seed.other),
            &seed.admin,
            json!({"status": "revoked", "reason": "tried another producer's GTIN"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let report = resolve(&app, &label).await.unwrap();
    assert_eq!(report["status"], "valid", "{report}");
    assert_eq!(report["certificate"]["lot"]["code"], "PAN-2026-11-A");
    assert_eq!(
        report["certificate"]["producer"]["id"],
        seed.producer.as_str()
    );
}

#[tokio::test]
async fn another_producer_cannot_take_over_a_gtin_and_its_labels_on_sqlite() {
    labels_keep_resolving_to_the_lot_that_printed_them(TestApp::sqlite().await).await;
}

#[cfg_attr(not(origine_pg), ignore = "needs TEST_DATABASE_URL")]
#[tokio::test]
async fn another_producer_cannot_take_over_a_gtin_and_its_labels_on_postgres() {
    labels_keep_resolving_to_the_lot_that_printed_them(TestApp::postgres().await).await;
}
