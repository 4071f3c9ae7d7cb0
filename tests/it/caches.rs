//! What each process remembers (tokens, producers, reports) never outlives the change
//! that should end it: a second service on the same database stands in for another
//! process, with its own issuer and its own memory.

use crate::support::{TestApp, lot};
use axum::http::StatusCode;
use serde_json::json;

/// Another service process on `app`'s database and keys.
async fn another_process(app: &TestApp) -> TestApp {
    let state = origine::server::build(&app.config, crate::support::BASE_URL.into())
        .await
        .expect("second service starts");
    TestApp {
        router: origine::http::router(state.clone()),
        state,
        config: app.config.clone(),
        dir: tempfile::tempdir().expect("temp dir"),
    }
}

/// The verification page of certificate `id`.
async fn page(app: &TestApp, id: &str) -> (StatusCode, axum::body::Bytes) {
    let req = axum::http::Request::get(format!("/c/{id}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, body) = app.raw(req).await;
    (status, body)
}

async fn suspension_elsewhere_stops_issuance_here(app: TestApp) {
    let seed = app.seed().await;
    // This process now remembers the token and the producer as accredited.
    app.issue(&seed.producer_token, "BEFORE").await;
    let other = another_process(&app).await;
    let (status, body) = other
        .post(
            &format!("/api/v1/producers/{}/status", seed.producer),
            &seed.admin,
            json!({"status": "suspended", "reason": "inspection pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, body) = app
        .post("/api/v1/lots", &seed.producer_token, lot("AFTER"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("suspended"),
        "{body}"
    );

    // Reinstated elsewhere: this process issues again at once.
    let (status, _) = other
        .post(
            &format!("/api/v1/producers/{}/status", seed.producer),
            &seed.admin,
            json!({"status": "accredited", "reason": "inspection passed"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    app.issue(&seed.producer_token, "AGAIN").await;
    let audit = origine::service::audit::audit(&app.state.store, &app.state.keys.current())
        .await
        .unwrap();
    assert!(audit.is_clean(), "{:?}", audit.failures);
}

#[tokio::test]
async fn a_producer_suspended_by_another_process_cannot_issue_here_on_sqlite() {
    suspension_elsewhere_stops_issuance_here(TestApp::sqlite().await).await;
}

#[tokio::test]
#[cfg_attr(
    not(origine_pg),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn a_producer_suspended_by_another_process_cannot_issue_here_on_postgres() {
    suspension_elsewhere_stops_issuance_here(TestApp::postgres().await).await;
}

#[tokio::test]
async fn a_suspension_in_this_process_stops_its_next_issuance() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    app.issue(&seed.producer_token, "BEFORE").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/producers/{}/status", seed.producer),
            &seed.admin,
            json!({"status": "revoked", "reason": "accreditation withdrawn"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = app
        .post("/api/v1/lots", &seed.producer_token, lot("AFTER"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("revoked"),
        "{body}"
    );
}

async fn revocation_elsewhere_is_in_the_next_report_here(app: TestApp) {
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "L1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "valid");
    let (status, first_page) = page(&app, id).await;
    assert_eq!(status, StatusCode::OK);

    let other = another_process(&app).await;
    let (status, _) = other
        .post(
            &format!("/api/v1/certificates/{id}/status"),
            &seed.admin,
            json!({"status": "revoked", "reason": "claims not supported"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "revoked", "{report}");
    let (_, revoked_page) = page(&app, id).await;
    assert_ne!(
        first_page, revoked_page,
        "the page shows the revocation too"
    );

    // A producer suspension elsewhere reaches the report of its certificates as well.
    let issued = app.issue(&seed.producer_token, "L2").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "valid");
    let (status, _) = other
        .post(
            &format!("/api/v1/producers/{}/status", seed.producer),
            &seed.admin,
            json!({"status": "suspended", "reason": "inspection pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "suspended", "{report}");
}

#[tokio::test]
async fn a_revocation_by_another_process_is_in_the_next_report_here_on_sqlite() {
    revocation_elsewhere_is_in_the_next_report_here(TestApp::sqlite().await).await;
}

#[tokio::test]
#[cfg_attr(
    not(origine_pg),
    ignore = "set TEST_DATABASE_URL to run PostgreSQL tests"
)]
async fn a_revocation_by_another_process_is_in_the_next_report_here_on_postgres() {
    revocation_elsewhere_is_in_the_next_report_here(TestApp::postgres().await).await;
}

#[tokio::test]
async fn on_sqlite_a_row_rewritten_behind_the_service_is_seen_by_the_next_report() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "L1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "valid");

    let pool = sqlx::SqlitePool::connect(&app.config.database_url)
        .await
        .unwrap();
    let (original,): (String,) = sqlx::query_as("SELECT body FROM log_entries WHERE seq = 0")
        .fetch_one(&pool)
        .await
        .unwrap();
    let tampered = original.replace("\"work_hours\":960", "\"work_hours\":961");
    assert_ne!(tampered, original);
    for body in [&tampered, &original] {
        sqlx::query("UPDATE log_entries SET body = ? WHERE seq = 0")
            .bind(body)
            .execute(&pool)
            .await
            .unwrap();
        let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
        let expected = if body == &original {
            "valid"
        } else {
            "invalid"
        };
        assert_eq!(report["status"], expected, "{report}");
    }
}
