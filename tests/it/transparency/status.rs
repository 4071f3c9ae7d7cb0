//! Status lifecycle: suspension and reinstatement are history, not edits.

use super::*;

#[tokio::test]
async fn suspension_then_reinstatement_is_history_and_the_certificate_is_valid_again() {
    let (app, seed, issued) = app_with(1).await;
    let id = issued[0]["bundle"]["certificate"]["id"].as_str().unwrap();
    for (status, reason) in [
        ("suspended", "inspection pending"),
        ("valid", "inspection passed"),
    ] {
        let (code, _) = app
            .post(
                &format!("/api/v1/certificates/{id}/status"),
                &seed.admin,
                json!({"status": status, "reason": reason}),
            )
            .await;
        assert_eq!(code, StatusCode::CREATED);
        let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
        assert_eq!(report["status"], status);
    }
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    let history: Vec<&str> = report["status_history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["suspended", "valid"]);
    // The producer's revocation wins over the certificate's own status, and nothing is rewritten.
    app.post(
        &format!("/api/v1/producers/{}/status", seed.producer),
        &seed.admin,
        json!({"status": "revoked", "reason": "fraud"}),
    )
    .await;
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "revoked");
    assert_eq!(report["certificate"], issued[0]["bundle"]["certificate"]);
    let page = app
        .raw(
            Request::get(format!("/c/{id}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .2;
    let page = String::from_utf8_lossy(&page);
    assert!(
        page.contains("Certificato revocato") && page.contains("fraud"),
        "{page}"
    );
}
