//! Revocation is final: once a certificate or a producer is revoked, no status change
//! follows it (409 naming `status`, nothing logged), by API and by the admin pages alike.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::web::Visitor;
use crate::support::{TestApp, problem_fields};

async fn refused_after_revocation(app: &TestApp) {
    let seed = app.seed().await;
    let body = app.issue(&seed.producer_token, "PAN-2026-11-A").await;
    let id = body["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let certificate = format!("/api/v1/certificates/{id}/status");
    let producer = format!("/api/v1/producers/{}/status", seed.other);
    for (path, revoke) in [(&certificate, "revoked"), (&producer, "revoked")] {
        let (status, body) = app
            .post(
                path,
                &seed.admin,
                json!({"status": revoke, "reason": "fraud"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let size = app.state.store.log_size().await.unwrap();
    for (path, word) in [
        (&certificate, "valid"),
        (&certificate, "suspended"),
        (&certificate, "revoked"),
        (&producer, "accredited"),
        (&producer, "suspended"),
    ] {
        let (status, body) = app
            .post(
                path,
                &seed.admin,
                json!({"status": word, "reason": "second thoughts"}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{path} → {word}: {body}");
        assert_eq!(problem_fields(&body), ["status"], "{body}");
    }
    assert_eq!(
        app.state.store.log_size().await.unwrap(),
        size,
        "nothing logged"
    );
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "revoked", "{report}");
    // A suspension is not final: it can be lifted.
    let body = app.issue(&seed.producer_token, "PAN-2026-11-B").await;
    let other = body["bundle"]["certificate"]["id"].as_str().unwrap();
    let path = format!("/api/v1/certificates/{other}/status");
    for word in ["suspended", "valid"] {
        let (status, body) = app
            .post(
                &path,
                &seed.admin,
                json!({"status": word, "reason": "check"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{word}: {body}");
    }
}

#[tokio::test]
async fn a_revoked_certificate_or_producer_cannot_be_set_back_on_sqlite() {
    refused_after_revocation(&TestApp::sqlite().await).await;
}

#[cfg_attr(not(origine_pg), ignore = "needs TEST_DATABASE_URL")]
#[tokio::test]
async fn a_revoked_certificate_or_producer_cannot_be_set_back_on_postgres() {
    refused_after_revocation(&TestApp::postgres().await).await;
}

#[tokio::test]
async fn the_admin_page_refuses_to_reinstate_a_revoked_certificate_next_to_the_status() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let body = app.issue(&seed.producer_token, "PAN-2026-11-A").await;
    let id = body["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let password = app.user("autorita@origine.example", "admin", None).await;
    let web = Visitor::new(&app);
    web.login("autorita@origine.example", &password).await;
    let change = |status: &'static str| {
        let id = id.clone();
        let web = &web;
        async move {
            web.submit(
                "/admin",
                "/admin/certificates/status",
                &[
                    ("certificate", &id),
                    ("status", status),
                    ("reason", "audit"),
                ],
            )
            .await
        }
    };
    assert_eq!(change("revoked").await.status, StatusCode::OK);
    let size = app.state.store.log_size().await.unwrap();
    let page = change("valid").await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.field_errors().keys().any(|k| k.ends_with("status")),
        "{}",
        page.body
    );
    assert_eq!(app.state.store.log_size().await.unwrap(), size);
}

/// A suspended or revoked producer kept printing labels with its token: now it can no more
/// print than issue, while the admin and the auditor still can (to check what was printed).
#[tokio::test]
async fn a_suspended_producer_can_neither_issue_nor_print() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let body = app.issue(&seed.producer_token, "PRINT-1").await;
    let lot = body["lot"]["id"].as_str().unwrap().to_owned();
    let sheet = format!("/api/v1/lots/{lot}/labels.pdf?layout=3x8&from=1&to=2");
    let single = format!("/api/v1/lots/{lot}/labels/1.png");
    let get = |path: String, token: String| {
        let app = &app;
        async move {
            app.call(axum::http::Method::GET, &path, Some(&token), None)
                .await
                .0
        }
    };
    assert_eq!(
        get(sheet.clone(), seed.producer_token.clone()).await,
        StatusCode::OK
    );
    for status in ["suspended", "revoked"] {
        let (code, body) = app
            .post(
                &format!("/api/v1/producers/{}/status", seed.producer),
                &seed.admin,
                json!({"status": status, "reason": "audit"}),
            )
            .await;
        assert_eq!(code, StatusCode::CREATED, "{body}");
        let (code, _) = app
            .post(
                "/api/v1/lots",
                &seed.producer_token,
                crate::support::lot("PRINT-2"),
            )
            .await;
        assert_eq!(code, StatusCode::FORBIDDEN, "{status}: no issuing");
        for path in [&sheet, &single] {
            assert_eq!(
                get(path.clone(), seed.producer_token.clone()).await,
                StatusCode::FORBIDDEN,
                "{status}: no printing {path}"
            );
            assert_eq!(get(path.clone(), seed.admin.clone()).await, StatusCode::OK);
        }
    }
}
