//! Who may do what: each endpoint's role rules, over HTTP through the real router.
//! A refused request is a problem document and changes nothing.

use crate::support::{Seed, TestApp, lot, problem_fields};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use origine::domain::Role;
use serde_json::{Value, json};

mod admins;
mod auditors;
mod authentication;
mod producers;
mod tokens;

/// A response: status, headers and JSON body (`Null` when it is not JSON).
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

/// Sends `body` as JSON (or nothing) with a raw `Authorization` header (none when `None`).
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    authorization: Option<&str>,
    body: Option<&Value>,
) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(a) = authorization {
        req = req.header(header::AUTHORIZATION, a);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::to_vec(b).expect("json"))),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let (status, headers, raw) = app.raw(req).await;
    Reply {
        status,
        headers,
        json: serde_json::from_slice(&raw).unwrap_or(Value::Null),
    }
}

/// Sends with `Authorization: Bearer {token}`.
async fn as_token(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Reply {
    send(app, method, path, Some(&format!("Bearer {token}")), body).await
}

fn assert_problem(reply: &Reply, status: StatusCode, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.json);
    assert_eq!(
        reply
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json"),
        "{what}"
    );
    assert_eq!(
        reply.json["status"],
        status.as_u16(),
        "{what}: {}",
        reply.json
    );
    assert!(
        reply.json["type"].is_string() && reply.json["title"].is_string(),
        "{what}: {}",
        reply.json
    );
    assert!(reply.json["detail"].is_string(), "{what}: {}", reply.json);
}

/// Everything a refused request could have changed.
#[derive(Debug, PartialEq)]
struct Snapshot {
    lots: Value,
    log_size: Value,
    producers: Value,
    institutes: Value,
    tokens: Vec<Value>,
}

async fn snapshot(app: &TestApp, seed: &Seed) -> Snapshot {
    let lots = as_token(app, Method::GET, "/api/v1/lots", &seed.admin, None).await;
    assert_eq!(lots.status, StatusCode::OK);
    let (_, health) = app.get("/healthz").await;
    let (_, producers) = app.get("/api/v1/producers").await;
    let (_, institutes) = app.get("/api/v1/institutes").await;
    let mut tokens = Vec::new();
    for id in [&seed.producer, &seed.other] {
        let path = format!("/api/v1/producers/{id}/tokens");
        tokens.push(
            as_token(app, Method::GET, &path, &seed.admin, None)
                .await
                .json,
        );
    }
    Snapshot {
        lots: lots.json,
        log_size: health["log_size"].clone(),
        producers,
        institutes,
        tokens,
    }
}

/// A fresh service with the seed, one lot (and certificate) per producer.
struct World {
    app: TestApp,
    seed: Seed,
    /// The first producer's lot.
    lot: Value,
    /// The other producer's lot.
    other_lot: Value,
}

impl World {
    async fn new() -> Self {
        let app = TestApp::sqlite().await;
        let seed = app.seed().await;
        let lot = app.issue(&seed.producer_token, "MINE-1").await;
        let (status, other_lot) = app
            .post("/api/v1/lots", &seed.other_token, padova_lot("THEIRS-1"))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{other_lot}");
        Self {
            app,
            seed,
            lot,
            other_lot,
        }
    }

    fn lot_id(&self) -> &str {
        self.lot["lot"]["id"].as_str().unwrap()
    }

    fn other_lot_id(&self) -> &str {
        self.other_lot["lot"]["id"].as_str().unwrap()
    }

    fn certificate_id(&self) -> &str {
        self.lot["bundle"]["certificate"]["id"].as_str().unwrap()
    }

    /// Every request that changes something, each with a body that would be accepted from an admin
    /// (or, for lots, from the first producer).
    fn writes(&self) -> Vec<(Method, String, Option<Value>)> {
        let s = &self.seed;
        vec![
            (
                Method::POST,
                "/api/v1/institutes".into(),
                Some(
                    json!({"code": "cc-bollate", "name": "Casa Circondariale di Bollate",
                            "kind": "casa_circondariale", "city": "Bollate", "region": "Lombardia"}),
                ),
            ),
            (
                Method::POST,
                "/api/v1/producers".into(),
                Some(
                    json!({"name": "Cooperativa Tre", "legal_form": "cooperativa_sociale",
                            "vat_number": "00488410010", "institutes": ["cr-milano-opera"]}),
                ),
            ),
            (
                Method::POST,
                format!("/api/v1/producers/{}/tokens", s.producer),
                None,
            ),
            (
                Method::POST,
                format!("/api/v1/producers/{}/tokens", s.other),
                None,
            ),
            (
                Method::POST,
                format!("/api/v1/producers/{}/status", s.producer),
                Some(json!({"status": "suspended", "reason": "inspection pending"})),
            ),
            (
                Method::POST,
                format!("/api/v1/certificates/{}/status", self.certificate_id()),
                Some(json!({"status": "revoked", "reason": "claims could not be substantiated"})),
            ),
            (Method::POST, "/api/v1/lots".into(), Some(lot("NEW-1"))),
        ]
    }
}

/// A valid lot for the other producer's institute.
fn padova_lot(code: &str) -> Value {
    let mut body = lot(code);
    body["institute"] = "cr-padova-due-palazzi".into();
    // A GTIN belongs to the producer that certified it first: the other producer has its own.
    body["product"]["gtin"] = OTHER_GTIN.into();
    body
}

/// The other producer's own GTIN (`lot()` carries the first producer's).
const OTHER_GTIN: &str = "8012345678914";
