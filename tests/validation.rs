//! Every validation rule, over HTTP through the real router: a bad request gets a problem
//! document naming the field, never a 5xx, and changes nothing.

mod support;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use support::{Seed, TestApp, lot, problem_fields};

/// A response: status, headers and body (JSON when it is JSON, `Null` otherwise).
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    raw: Bytes,
    json: Value,
}

/// Sends `body` as it is, with the given Content-Type (none when `None`).
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: impl Into<Body>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        req = req.header(header::CONTENT_TYPE, ct);
    }
    let (status, headers, raw) = app.raw(req.body(body.into()).expect("request")).await;
    let json = serde_json::from_slice(&raw).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        raw,
        json,
    }
}

/// Sends a JSON value.
async fn send_json(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &Value,
) -> Reply {
    let bytes = serde_json::to_vec(body).expect("json");
    send(app, method, path, token, Some("application/json"), bytes).await
}

/// Asserts an RFC 9457 problem with `status` that names exactly `fields` (any fields when `None`).
fn assert_problem(reply: &Reply, status: StatusCode, fields: Option<&[&str]>) {
    let text = String::from_utf8_lossy(&reply.raw);
    assert!(
        !reply.status.is_server_error(),
        "a client mistake got {}: {text}",
        reply.status
    );
    assert_eq!(reply.status, status, "{text}");
    assert_eq!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "{text}"
    );
    let p = &reply.json;
    assert_eq!(p["status"], status.as_u16(), "{text}");
    assert!(
        p["type"].is_string() && p["title"].is_string() && p["detail"].is_string(),
        "{text}"
    );
    if let Some(fields) = fields {
        assert_eq!(problem_fields(p), fields, "{text}");
        for e in p["errors"].as_array().expect("errors") {
            assert!(
                !e["message"].as_str().unwrap_or_default().is_empty(),
                "{text}"
            );
        }
    }
}

/// Everything a rejected request could have changed.
#[derive(Debug, PartialEq)]
struct Snapshot {
    lots: Value,
    log_size: Value,
    producers: Value,
    institutes: Value,
    tokens: Vec<Value>,
}

async fn snapshot(app: &TestApp, seed: &Seed) -> Snapshot {
    let (status, lots) = app
        .call(Method::GET, "/api/v1/lots", Some(&seed.admin), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{lots}");
    let (status, health) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK, "{health}");
    let (_, producers) = app.get("/api/v1/producers").await;
    let (_, institutes) = app.get("/api/v1/institutes").await;
    let mut tokens = Vec::new();
    for id in [&seed.producer, &seed.other] {
        let path = format!("/api/v1/producers/{id}/tokens");
        tokens.push(
            app.call(Method::GET, &path, Some(&seed.admin), None)
                .await
                .1,
        );
    }
    Snapshot {
        lots,
        log_size: health["log_size"].clone(),
        producers,
        institutes,
        tokens,
    }
}

/// Sends `body`, asserts the problem, and that the register is as it was.
async fn rejected(
    app: &TestApp,
    seed: &Seed,
    path: &str,
    token: &str,
    body: &Value,
    status: StatusCode,
    fields: &[&str],
) -> Reply {
    let before = snapshot(app, seed).await;
    let reply = send_json(app, Method::POST, path, Some(token), body).await;
    assert_problem(&reply, status, Some(fields));
    assert_eq!(
        snapshot(app, seed).await,
        before,
        "a rejected request changed the register"
    );
    reply
}

/// Posts a lot that must be rejected with a 422 naming exactly `fields`.
async fn bad_lot(app: &TestApp, seed: &Seed, body: Value, fields: &[&str]) {
    rejected(
        app,
        seed,
        "/api/v1/lots",
        &seed.producer_token,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        fields,
    )
    .await;
}

async fn started() -> (TestApp, Seed) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    (app, seed)
}

/// A certificate id issued for the seed's first producer.
async fn certificate(app: &TestApp, seed: &Seed) -> String {
    let issued = app.issue(&seed.producer_token, "L-STATUS").await;
    issued["bundle"]["certificate"]["id"]
        .as_str()
        .expect("certificate id")
        .to_owned()
}

fn institute(code: &str, region: &str) -> Value {
    json!({"code": code, "name": "Casa Circondariale di Prova", "kind": "casa_circondariale",
           "city": "Bollate", "region": region})
}

fn producer(vat: &str, institutes: Value) -> Value {
    json!({"name": "Cooperativa Tre", "legal_form": "cooperativa_sociale", "vat_number": vat,
           "institutes": institutes})
}

/// A VAT number with a valid check digit that the seed does not use.
const FREE_VAT: &str = "00488410010";

// ---------------------------------------------------------------------------------------
// Lots

#[tokio::test]
async fn a_lot_in_an_institute_where_the_producer_does_not_work_is_rejected_naming_institute() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["institute"] = "cr-padova-due-palazzi".into();
    bad_lot(&app, &seed, body, &["institute"]).await;
}

#[tokio::test]
async fn a_lot_in_an_unknown_institute_is_rejected_naming_institute() {
    let (app, seed) = started().await;
    for code in ["cc-nowhere", ""] {
        let mut body = lot("L1");
        body["institute"] = code.into();
        bad_lot(&app, &seed, body, &["institute"]).await;
    }
}

#[tokio::test]
async fn zero_detained_workers_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = 0.into();
    bad_lot(&app, &seed, body, &["claims.detained_workers"]).await;
}

#[tokio::test]
async fn more_detained_than_total_workers_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = 9.into();
    body["claims"]["total_workers"] = 8.into();
    bad_lot(&app, &seed, body, &["claims.detained_workers"]).await;
    // As many detained as total workers is fine.
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = 8.into();
    let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn zero_work_hours_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["work_hours"] = 0.into();
    bad_lot(&app, &seed, body, &["claims.work_hours"]).await;
}

#[tokio::test]
async fn reversed_production_dates_are_rejected_naming_produced_to() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["produced_from"] = "2026-10-31".into();
    body["produced_to"] = "2026-10-01".into();
    bad_lot(&app, &seed, body, &["produced_to"]).await;
}

#[tokio::test]
async fn production_dates_in_the_future_are_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::days(3)).date();
    let soon = format!(
        "{:04}-{:02}-{:02}",
        soon.year(),
        u8::from(soon.month()),
        soon.day()
    );
    let mut body = lot("L1");
    body["produced_to"] = soon.clone().into();
    bad_lot(&app, &seed, body, &["produced_to"]).await;
    let mut body = lot("L1");
    body["produced_from"] = soon.into();
    body["produced_to"] = "2999-12-31".into();
    bad_lot(&app, &seed, body, &["produced_from", "produced_to"]).await;
}

#[tokio::test]
async fn malformed_production_dates_are_rejected_naming_the_field() {
    let (app, seed) = started().await;
    for bad in [
        "1 ottobre 2026",
        "01/10/2026",
        "2026-13-01",
        "2026-02-30",
        "2026-10-01T00:00:00Z",
        "",
    ] {
        let mut body = lot("L1");
        body["produced_from"] = bad.into();
        bad_lot(&app, &seed, body, &["produced_from"]).await;
    }
}

#[tokio::test]
async fn a_quantity_of_zero_or_over_ten_million_is_rejected_naming_quantity() {
    let (app, seed) = started().await;
    for q in [0u64, 10_000_001] {
        let mut body = lot("L1");
        body["quantity"] = q.into();
        bad_lot(&app, &seed, body, &["quantity"]).await;
    }
    // The bounds themselves are fine.
    for (code, q) in [("Q-MIN", 1u64), ("Q-MAX", 10_000_000)] {
        let mut body = lot(code);
        body["quantity"] = q.into();
        let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["bundle"]["certificate"]["lot"]["quantity"], q);
    }
}

#[tokio::test]
async fn a_gtin_with_a_wrong_check_digit_is_rejected_naming_product_gtin() {
    let (app, seed) = started().await;
    // The SPEC example 8012345678901 has a wrong check digit; 8012345678907 is right.
    for bad in ["8012345678901", "801234567890", "80123456789O7"] {
        let mut body = lot("L1");
        body["product"]["gtin"] = bad.into();
        bad_lot(&app, &seed, body, &["product.gtin"]).await;
    }
    let issued = app.issue(&seed.producer_token, "L1").await;
    assert_eq!(
        issued["bundle"]["certificate"]["product"]["gtin"],
        "8012345678907"
    );
}

#[tokio::test]
async fn an_employment_outside_the_list_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    for bad in ["volunteer", "Employee", ""] {
        let mut body = lot("L1");
        body["claims"]["employment"] = bad.into();
        bad_lot(&app, &seed, body, &["claims.employment"]).await;
    }
    for (i, ok) in ["employee", "apprentice", "traineeship", "self_employed"]
        .into_iter()
        .enumerate()
    {
        let mut body = lot(&format!("E{i}"));
        body["claims"]["employment"] = ok.into();
        let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{ok}: {created}");
    }
}

#[tokio::test]
async fn an_over_long_product_name_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["product"]["name"] = "x".repeat(201).into();
    bad_lot(&app, &seed, body, &["product.name"]).await;
    // Lengths count characters, not bytes: 200 accented letters fit.
    let mut body = lot("L1");
    body["product"]["name"] = "è".repeat(200).into();
    let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn a_duplicate_lot_code_for_the_same_producer_is_a_409_naming_lot_code() {
    let (app, seed) = started().await;
    app.issue(&seed.producer_token, "BF-2026-11-A").await;
    let reply = rejected(
        &app,
        &seed,
        "/api/v1/lots",
        &seed.producer_token,
        &lot("BF-2026-11-A"),
        StatusCode::CONFLICT,
        &["lot_code"],
    )
    .await;
    assert_eq!(reply.json["status"], 409);
    // Surrounding spaces do not make it a different code.
    rejected(
        &app,
        &seed,
        "/api/v1/lots",
        &seed.producer_token,
        &lot(" BF-2026-11-A "),
        StatusCode::CONFLICT,
        &["lot_code"],
    )
    .await;
}

#[tokio::test]
async fn the_same_lot_code_for_another_producer_is_accepted() {
    let (app, seed) = started().await;
    app.issue(&seed.producer_token, "BF-2026-11-A").await;
    let mut body = lot("BF-2026-11-A");
    body["institute"] = "cr-padova-due-palazzi".into();
    let (status, created) = app.post("/api/v1/lots", &seed.other_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["lot"]["producer_id"], seed.other.as_str());
    assert_eq!(created["lot"]["lot_code"], "BF-2026-11-A");
}

#[tokio::test]
async fn an_evidence_sha256_that_is_not_hex_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    for bad in [
        "zz".repeat(32),
        "ab".repeat(31),
        "ab".repeat(33),
        String::new(),
    ] {
        let mut body = lot("L1");
        body["claims"]["evidence"][0]["sha256"] = bad.into();
        bad_lot(&app, &seed, body, &["claims.evidence[0].sha256"]).await;
    }
}

#[tokio::test]
async fn every_invalid_lot_field_is_named_in_one_problem() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["quantity"] = 0.into();
    body["product"]["gtin"] = "8012345678901".into();
    body["claims"]["work_hours"] = 0.into();
    body["claims"]["employment"] = "volunteer".into();
    bad_lot(
        &app,
        &seed,
        body,
        &[
            "product.gtin",
            "quantity",
            "claims.work_hours",
            "claims.employment",
        ],
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Producers

#[tokio::test]
async fn a_producer_with_a_wrong_vat_check_digit_is_rejected_naming_vat_number() {
    let (app, seed) = started().await;
    for bad in ["00488410011", "IT00488410011", "0048841001", "ABCDEFGHIJK"] {
        let body = producer(bad, json!(["cr-milano-opera"]));
        rejected(
            &app,
            &seed,
            "/api/v1/producers",
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["vat_number"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_producer_in_an_unknown_institute_is_rejected_naming_institutes_0() {
    let (app, seed) = started().await;
    let body = producer(FREE_VAT, json!(["cc-nowhere"]));
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["institutes[0]"],
    )
    .await;
}

#[tokio::test]
async fn an_unknown_institute_is_named_by_its_position_in_the_request() {
    let (app, seed) = started().await;
    // The unknown code sorts before the known one; the problem must still point at index 1.
    let body = producer(FREE_VAT, json!(["cr-milano-opera", "aa-nowhere"]));
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["institutes[1]"],
    )
    .await;
    // A repeated code before it must not shift the index either.
    let body = producer(
        FREE_VAT,
        json!(["cr-milano-opera", "cr-milano-opera", "zz-nowhere"]),
    );
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["institutes[2]"],
    )
    .await;
}

#[tokio::test]
async fn a_producer_with_an_unknown_legal_form_is_rejected_naming_legal_form() {
    let (app, seed) = started().await;
    let mut body = producer(FREE_VAT, json!(["cr-milano-opera"]));
    body["legal_form"] = "gmbh".into();
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["legal_form"],
    )
    .await;
}

#[tokio::test]
async fn a_duplicate_vat_number_is_a_409_naming_vat_number() {
    let (app, seed) = started().await;
    // The seed's first producer has 00743110157; the IT prefix and spaces do not make it new.
    for vat in ["00743110157", "IT00743110157", "0074 3110 157"] {
        let body = producer(vat, json!(["cr-milano-opera"]));
        rejected(
            &app,
            &seed,
            "/api/v1/producers",
            &seed.admin,
            &body,
            StatusCode::CONFLICT,
            &["vat_number"],
        )
        .await;
    }
}

// ---------------------------------------------------------------------------------------
// Institutes

#[tokio::test]
async fn an_institute_code_that_is_not_a_slug_is_rejected_naming_code() {
    let (app, seed) = started().await;
    for bad in [
        "Opera Milano",
        "CC-BOLLATE",
        "cc--bollate",
        "-cc-bollate",
        "cc-bollate-",
        "c",
        "cc_bollate",
    ] {
        let body = institute(bad, "Lombardia");
        rejected(
            &app,
            &seed,
            "/api/v1/institutes",
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["code"],
        )
        .await;
    }
}

#[tokio::test]
async fn an_institute_in_an_unknown_region_is_rejected_naming_region() {
    let (app, seed) = started().await;
    for bad in ["Bavaria", "", "Lombardy"] {
        let body = institute("cc-bollate", bad);
        rejected(
            &app,
            &seed,
            "/api/v1/institutes",
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["region"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_duplicate_institute_code_is_a_409_naming_code() {
    let (app, seed) = started().await;
    let body = institute("cr-milano-opera", "Lombardia");
    rejected(
        &app,
        &seed,
        "/api/v1/institutes",
        &seed.admin,
        &body,
        StatusCode::CONFLICT,
        &["code"],
    )
    .await;
}

// ---------------------------------------------------------------------------------------
// Status changes

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

// ---------------------------------------------------------------------------------------
// Malformed input

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

// ---------------------------------------------------------------------------------------
// HTML in names

#[tokio::test]
async fn html_in_a_product_name_is_stored_as_text_and_escaped_on_the_page() {
    let (app, seed) = started().await;
    let script = "<script>alert(1)</script>";
    let mut body = lot("XSS-1");
    body["product"]["name"] = script.into();
    body["claims"]["statement"] = format!("{script} & \"quotes\"").into();
    let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["lot"]["product_name"], script);
    assert_eq!(created["bundle"]["certificate"]["product"]["name"], script);
    let lot_id = created["lot"]["id"].as_str().unwrap();
    let (_, stored) = app
        .call(
            Method::GET,
            &format!("/api/v1/lots/{lot_id}"),
            Some(&seed.producer_token),
            None,
        )
        .await;
    assert_eq!(stored["product_name"], script);

    let id = created["bundle"]["certificate"]["id"].as_str().unwrap();
    let page = send(
        &app,
        Method::GET,
        &format!("/c/{id}"),
        None,
        None,
        Body::empty(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html")),
        "{:?}",
        page.headers
    );
    let csp = page
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("default-src") || csp.contains("script-src"),
        "no content-security-policy header: {csp:?}"
    );
    let html = String::from_utf8(page.raw.to_vec()).expect("the page is UTF-8");
    assert!(
        !html.contains(script),
        "the page carries the raw script tag"
    );
    assert!(!html.contains("<script"), "the page carries a script tag");
    let escaped = [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
    ];
    assert!(
        escaped.iter().any(|e| html.contains(e)),
        "the escaped name is not on the page"
    );
}

// ---------------------------------------------------------------------------------------
// Bad queries

async fn bad_query(app: &TestApp, path: &str, allowed: &[&str]) {
    let reply = send(app, Method::GET, path, None, None, Body::empty()).await;
    assert_problem(&reply, StatusCode::BAD_REQUEST, None);
    let fields = problem_fields(&reply.json);
    assert!(
        !fields.is_empty() && fields.iter().all(|f| allowed.contains(&f.as_str())),
        "{path}: expected a problem naming {allowed:?}, got {}",
        reply.json
    );
}

#[tokio::test]
async fn a_serial_that_is_not_a_number_is_a_400_naming_serial() {
    let (app, seed) = started().await;
    let id = certificate(&app, &seed).await;
    for q in ["abc", "-1", "1.5", ""] {
        bad_query(
            &app,
            &format!("/api/v1/verify/{id}?serial={q}"),
            &["serial"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_reversed_or_oversized_log_range_is_a_400_naming_the_parameter() {
    let (app, seed) = started().await;
    app.issue(&seed.producer_token, "L1").await;
    bad_query(&app, "/api/v1/log/entries?start=5&end=2", &["start", "end"]).await;
    bad_query(&app, "/api/v1/log/entries?start=0&end=5000", &["end"]).await;
    bad_query(&app, "/api/v1/log/entries?start=0", &["end"]).await;
    bad_query(&app, "/api/v1/log/entries?end=1", &["start"]).await;
    bad_query(&app, "/api/v1/log/entries?start=x&end=1", &["start"]).await;
    bad_query(&app, "/api/v1/log/entries?start=-1&end=1", &["start"]).await;
    // The one entry there is can be read.
    let (status, body) = app.get("/api/v1/log/entries?start=0&end=1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["entries"].as_array().map(Vec::len), Some(1));
}
