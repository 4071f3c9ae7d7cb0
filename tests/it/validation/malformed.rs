//! Malformed input: broken JSON, wrong types, unknown or missing fields, wrong content
//! types, oversized bodies, bad UTF-8, wrong methods.

use super::*;

/// Sends raw bytes as a lot and asserts the problem; nothing changes.
async fn bad_bytes(
    app: &TestApp,
    seed: &Seed,
    content_type: Option<&str>,
    bytes: Vec<u8>,
    status: StatusCode,
    fields: Option<&[&str]>,
) -> Reply {
    let before = snapshot(app, seed).await;
    let reply = send(
        app,
        Method::POST,
        "/api/v1/lots",
        Some(&seed.producer_token),
        content_type,
        bytes,
    )
    .await;
    assert_problem(&reply, status, fields);
    assert_eq!(
        snapshot(app, seed).await,
        before,
        "a rejected request changed the register"
    );
    reply
}

#[tokio::test]
async fn broken_json_is_a_400_problem() {
    let (app, seed) = started().await;
    let valid = serde_json::to_string(&lot("L1")).unwrap();
    for broken in [
        valid[..valid.len() - 1].to_owned(),
        valid.replacen(':', "", 1),
        "{\"institute\": 'cr-milano-opera'}".to_owned(),
        String::new(),
        "not json".to_owned(),
    ] {
        bad_bytes(
            &app,
            &seed,
            Some("application/json"),
            broken.into_bytes(),
            StatusCode::BAD_REQUEST,
            None,
        )
        .await;
    }
}

#[tokio::test]
async fn json_followed_by_trailing_garbage_is_a_400_problem() {
    let (app, seed) = started().await;
    let valid = serde_json::to_string(&lot("L1")).unwrap();
    for broken in [
        format!("{valid}}}"),
        format!("{valid} garbage"),
        format!("{valid}{valid}"),
    ] {
        bad_bytes(
            &app,
            &seed,
            Some("application/json"),
            broken.into_bytes(),
            StatusCode::BAD_REQUEST,
            None,
        )
        .await;
    }
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_a_422_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["quantity"] = "five".into();
    bad_lot(&app, &seed, body, &["quantity"]).await;
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = json!(6.5);
    bad_lot(&app, &seed, body, &["claims.detained_workers"]).await;
    let mut body = lot("L1");
    body["quantity"] = json!(-1);
    bad_lot(&app, &seed, body, &["quantity"]).await;
    let mut body = lot("L1");
    body["serialised"] = "yes".into();
    bad_lot(&app, &seed, body, &["serialised"]).await;
    let mut body = lot("L1");
    body["claims"]["evidence"][0]["label"] = json!(42);
    bad_lot(&app, &seed, body, &["claims.evidence[0].label"]).await;
}

#[tokio::test]
async fn an_unknown_field_is_a_422_naming_it() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["colour"] = "red".into();
    bad_lot(&app, &seed, body, &["colour"]).await;
    let mut body = lot("L1");
    body["claims"]["colour"] = "red".into();
    bad_lot(&app, &seed, body, &["claims.colour"]).await;
    // Claims about a person have no field to go in.
    let mut body = lot("L1");
    body["claims"]["worker_names"] = json!(["Mario Rossi"]);
    bad_lot(&app, &seed, body, &["claims.worker_names"]).await;
}

#[tokio::test]
async fn a_missing_field_is_a_422_naming_it() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body.as_object_mut().unwrap().remove("quantity");
    bad_lot(&app, &seed, body, &["quantity"]).await;
    let mut body = lot("L1");
    body["claims"].as_object_mut().unwrap().remove("employment");
    bad_lot(&app, &seed, body, &["claims.employment"]).await;
    let mut body = lot("L1");
    body["product"].as_object_mut().unwrap().remove("name");
    bad_lot(&app, &seed, body, &["product.name"]).await;
}

#[tokio::test]
async fn a_body_that_is_not_declared_json_is_a_415_problem() {
    let (app, seed) = started().await;
    let bytes = serde_json::to_vec(&lot("L1")).unwrap();
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data"),
        None,
    ] {
        bad_bytes(
            &app,
            &seed,
            ct,
            bytes.clone(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
        )
        .await;
    }
    // JSON with a charset parameter is still JSON.
    let reply = send(
        &app,
        Method::POST,
        "/api/v1/lots",
        Some(&seed.producer_token),
        Some("application/json; charset=utf-8"),
        bytes,
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json);
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_a_413_problem() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["statement"] = "x".repeat(1 << 20).into();
    let bytes = serde_json::to_vec(&body).unwrap();
    assert!(bytes.len() > 1 << 20);
    bad_bytes(
        &app,
        &seed,
        Some("application/json"),
        bytes,
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
    )
    .await;
}

#[tokio::test]
async fn an_oversized_token_request_body_is_a_413_problem_too() {
    let (app, seed) = started().await;
    let path = format!("/api/v1/producers/{}/tokens", seed.producer);
    let big = serde_json::to_vec(&json!({"label": "x".repeat(1 << 20)})).unwrap();
    let before = snapshot(&app, &seed).await;
    let reply = send(
        &app,
        Method::POST,
        &path,
        Some(&seed.admin),
        Some("application/json"),
        big,
    )
    .await;
    assert_problem(&reply, StatusCode::PAYLOAD_TOO_LARGE, None);
    assert_eq!(snapshot(&app, &seed).await, before);
}

#[tokio::test]
async fn invalid_utf8_inside_a_json_string_is_a_400_problem() {
    let (app, seed) = started().await;
    let text = serde_json::to_string(&lot("L1")).unwrap();
    let at = text.find("Biscotti").unwrap();
    let mut bytes = text.into_bytes();
    bytes[at] = 0xFF;
    bytes[at + 1] = 0xFE;
    bad_bytes(
        &app,
        &seed,
        Some("application/json"),
        bytes,
        StatusCode::BAD_REQUEST,
        None,
    )
    .await;
}

#[tokio::test]
async fn a_json_array_or_scalar_instead_of_an_object_is_a_client_error_problem() {
    let (app, seed) = started().await;
    for body in [
        json!([lot("L1")]),
        json!([]),
        json!("lot"),
        json!(null),
        json!(42),
    ] {
        let reply = bad_bytes(
            &app,
            &seed,
            Some("application/json"),
            serde_json::to_vec(&body).unwrap(),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        )
        .await;
        assert!(!problem_fields(&reply.json).is_empty(), "{}", reply.json);
    }
}

#[tokio::test]
async fn a_path_segment_that_is_not_utf8_is_a_problem() {
    let (app, seed) = started().await;
    for path in [
        "/api/v1/lots/%FF",
        "/api/v1/certificates/%FF",
        "/api/v1/verify/%C3%28",
    ] {
        let reply = send(
            &app,
            Method::GET,
            path,
            Some(&seed.admin),
            None,
            Body::empty(),
        )
        .await;
        assert!(reply.status.is_client_error(), "{path}: {}", reply.status);
        assert_eq!(
            reply
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json"),
            "{path}: {}",
            String::from_utf8_lossy(&reply.raw)
        );
    }
}

#[tokio::test]
async fn a_method_an_endpoint_does_not_have_is_a_405_problem() {
    let (app, seed) = started().await;
    for (method, path) in [
        (Method::DELETE, "/api/v1/lots"),
        (Method::PUT, "/api/v1/institutes"),
        (Method::POST, "/healthz"),
    ] {
        let reply = send(
            &app,
            method.clone(),
            path,
            Some(&seed.admin),
            None,
            Body::empty(),
        )
        .await;
        assert_problem(&reply, StatusCode::METHOD_NOT_ALLOWED, None);
    }
}

/// JSON two readers could read differently (I-JSON, RFC 7493) is a 400 naming the member:
/// a repeated name at any depth, never last-wins or first-wins; a lone surrogate; an
/// integer past 2^53.
#[tokio::test]
async fn json_that_two_readers_could_read_differently_is_a_400_naming_the_member() {
    let (app, seed) = started().await;
    let valid = serde_json::to_string(&lot("L1")).unwrap();
    assert!(valid.starts_with('{') && valid.contains("\"claims\":{"));
    let cases = [
        (valid.replacen('{', "{\"lot_code\":\"L2\",", 1), "lot_code"),
        (
            valid.replacen("\"claims\":{", "\"claims\":{\"detained_workers\":1,", 1),
            "claims.detained_workers",
        ),
        (
            valid.replacen("\"claims\":{", "\"claims\":{\"x\":1,\"x\":2,", 1),
            "claims.x",
        ),
        (
            valid.replacen("Biscotti", "Biscotti \\ud800", 1),
            "product.name",
        ),
        (valid.replacen('{', "{\"n\":9007199254740993,", 1), "n"),
    ];
    for (body, field) in cases {
        assert_ne!(body, valid);
        bad_bytes(
            &app,
            &seed,
            Some("application/json"),
            body.into_bytes(),
            StatusCode::BAD_REQUEST,
            Some(&[field]),
        )
        .await;
    }
}
