//! Every validation rule, over HTTP through the real router: a bad request gets a problem
//! document naming the field, never a 5xx, and changes nothing.

use crate::support::{Seed, TestApp, lot, problem_fields};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};

mod escaping;
mod institutes;
mod lots;
mod malformed;
mod producers;
mod queries;
mod status;

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
