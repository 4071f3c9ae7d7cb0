//! Status changes: the status value and the reason.

use super::*;

#[tokio::test]
async fn an_unknown_status_value_is_rejected_naming_status() {
    let (app, seed) = started().await;
    let id = certificate(&app, &seed).await;
    let path = format!("/api/v1/certificates/{id}/status");
    for bad in ["expired", "accredited", "REVOKED", ""] {
        let body = json!({"status": bad, "reason": "inspection pending"});
        rejected(
            &app,
            &seed,
            &path,
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["status"],
        )
        .await;
    }
    // A producer is accredited, not valid.
    let path = format!("/api/v1/producers/{}/status", seed.producer);
    let body = json!({"status": "valid", "reason": "inspection pending"});
    rejected(
        &app,
        &seed,
        &path,
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["status"],
    )
    .await;
}

#[tokio::test]
async fn a_missing_or_short_reason_is_rejected_naming_reason() {
    let (app, seed) = started().await;
    let id = certificate(&app, &seed).await;
    for path in [
        format!("/api/v1/certificates/{id}/status"),
        format!("/api/v1/producers/{}/status", seed.producer),
    ] {
        for body in [
            json!({"status": "suspended"}),
            json!({"status": "suspended", "reason": ""}),
            json!({"status": "suspended", "reason": "ab"}),
            json!({"status": "suspended", "reason": "   "}),
            json!({"status": "suspended", "reason": "x".repeat(501)}),
        ] {
            rejected(
                &app,
                &seed,
                &path,
                &seed.admin,
                &body,
                StatusCode::UNPROCESSABLE_ENTITY,
                &["reason"],
            )
            .await;
        }
    }
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "valid", "{report}");
}
