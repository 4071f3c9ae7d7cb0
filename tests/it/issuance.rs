//! A lot certified over HTTP, end to end: issued, chained, verified, shown.

use crate::support::{TestApp, lot};
use axum::http::{Method, StatusCode};
use serde_json::Value;

#[tokio::test]
async fn a_certificate_issued_over_http_verifies_and_chains() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let first = app.issue(&seed.producer_token, "BF-2026-11-A").await;
    let second = app.issue(&seed.producer_token, "BF-2026-11-B").await;

    let cert = &first["bundle"]["certificate"];
    assert_eq!(cert["format"], "origine/certificate/v1");
    assert_eq!(cert["seq"], 0);
    assert_eq!(cert["prev"], "0".repeat(64));
    assert_eq!(cert["lot"]["code"], "BF-2026-11-A");
    assert_eq!(cert["claims"]["detained_workers"], 6);
    assert_eq!(first["lot"]["certificate_id"], cert["id"]);
    // The second entry names the hash of the first.
    assert_eq!(second["bundle"]["certificate"]["seq"], 1);
    assert_eq!(
        second["bundle"]["certificate"]["prev"],
        first["bundle"]["hash"]
    );

    let id = cert["id"].as_str().unwrap();
    assert!(id.len() <= 24 && id.bytes().all(|b| b.is_ascii_alphanumeric()));
    let (status, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["status"], "valid", "{report}");
    for check in [
        "signature",
        "hash",
        "chain",
        "inclusion",
        "producer_accredited",
    ] {
        assert_eq!(report["checks"][check], true, "{check}: {report}");
    }
    assert_eq!(report["checks"]["serial"], "not_serialised");

    let (status, bundle) = app.get(&format!("/api/v1/certificates/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bundle, first["bundle"]);
}

#[tokio::test]
async fn revoking_a_certificate_is_a_signed_log_entry_and_the_report_says_revoked() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "L1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();

    let (status, entry) = app
        .post(
            &format!("/api/v1/certificates/{id}/status"),
            &seed.admin,
            serde_json::json!({"status": "revoked", "reason": "claims could not be substantiated"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    assert_eq!(entry["certificate"]["format"], "origine/status/v1");
    assert_eq!(entry["certificate"]["prev"], issued["bundle"]["hash"]);

    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "revoked");
    assert_eq!(
        report["status_history"][0]["reason"],
        "claims could not be substantiated"
    );
    // Revocation changes the status, not the certificate: every integrity check still passes.
    assert_eq!(report["checks"]["signature"], true);
}

#[tokio::test]
async fn a_suspended_producer_makes_its_certificates_report_suspended() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "L1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let (status, _) = app
        .post(
            &format!("/api/v1/producers/{}/status", seed.producer),
            &seed.admin,
            serde_json::json!({"status": "suspended", "reason": "inspection pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, report) = app.get(&format!("/api/v1/verify/{id}")).await;
    assert_eq!(report["status"], "suspended");
    assert_eq!(report["checks"]["producer_accredited"], false);
    // And it can no longer certify lots.
    let (status, body) = app
        .post("/api/v1/lots", &seed.producer_token, lot("L2"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

#[tokio::test]
async fn bulk_verify_answers_each_id_in_order() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let a = app.issue(&seed.producer_token, "A").await;
    let id = a["bundle"]["certificate"]["id"].as_str().unwrap();
    let (status, body) = app
        .call(
            axum::http::Method::POST,
            "/api/v1/verify",
            None,
            Some(serde_json::json!({"ids": [id, "nosuchcertificate"]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["reports"][0]["status"], "valid");
    assert_eq!(body["reports"][1]["id"], "nosuchcertificate");
    assert!(body["reports"][1]["error"].is_string());
    let too_many: Vec<String> = (0..1001).map(|i| format!("id{i}")).collect();
    let (status, body) = app
        .call(
            axum::http::Method::POST,
            "/api/v1/verify",
            None,
            Some(serde_json::json!({"ids": too_many})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(crate::support::problem_fields(&body), ["ids"]);
}

#[tokio::test]
async fn an_unknown_certificate_is_a_404_problem() {
    let app = TestApp::sqlite().await;
    let (status, body) = app.get("/api/v1/verify/doesnotexist").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
    assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
}

#[tokio::test]
async fn the_keys_document_lists_the_signing_key_with_its_c2sp_kid() {
    let app = TestApp::sqlite().await;
    let (status, doc) = app.get("/.well-known/origine-keys.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["issuer"], "origine.test/log");
    let key = &doc["keys"][0];
    assert_eq!(key["alg"], "Ed25519");
    assert_eq!(key["status"], "active");
    assert_eq!(key["not_after"], Value::Null);
    let public: [u8; 32] = data_encoding::BASE64URL_NOPAD
        .decode(key["public_key"].as_str().unwrap().as_bytes())
        .unwrap()
        .try_into()
        .unwrap();
    assert_eq!(
        key["kid"],
        origine::crypto::key_id("origine.test/log", &public)
    );
}

#[tokio::test]
async fn healthz_answers_and_openapi_describes_every_endpoint() {
    let app = TestApp::sqlite().await;
    let (status, health) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["status"], "ok");
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/institutes",
        "/api/v1/producers",
        "/api/v1/producers/{id}",
        "/api/v1/producers/{id}/tokens",
        "/api/v1/lots",
        "/api/v1/certificates/{id}",
        "/api/v1/verify/{id}",
        "/api/v1/verify",
        "/api/v1/certificates/{id}/status",
        "/api/v1/certificates/{id}/qr.png",
        "/api/v1/certificates/{id}/qr.svg",
        "/c/{id}",
        "/.well-known/origine-keys.json",
        "/api/v1/log/entries",
        "/healthz",
    ] {
        assert!(
            doc["paths"][path].is_object(),
            "{path} missing from OpenAPI"
        );
    }
}

/// A real response's words are among those the document publishes: the schema is what a
/// generated client validates against.
#[tokio::test]
async fn openapi_word_schemas_accept_real_responses() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let (_, doc) = app.get("/api/openapi.json").await;
    let schemas = &doc["components"]["schemas"];
    let admin = Some(seed.admin.as_str());
    let path = format!("/api/v1/producers/{}", seed.producer);
    let (status, one) = app.call(Method::GET, &path, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    let path = format!("/api/v1/producers/{}/tokens", seed.producer);
    let (status, tokens) = app.call(Method::GET, &path, admin, None).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    assert!(!tokens.as_array().unwrap().is_empty());
    let listed = |schema: &str, word: &Value| {
        let words = schemas[schema]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}"));
        assert!(words.contains(word), "{word} is not in {schema}: {words:?}");
    };
    listed("ProducerStatus", &one["status"]);
    for token in tokens.as_array().unwrap() {
        listed("Role", &token["role"]);
    }
}
