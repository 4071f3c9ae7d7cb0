//! Who may do what: each endpoint's role rules, over HTTP through the real router.
//! A refused request is a problem document and changes nothing.

mod support;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::{Value, json};
use support::{Seed, TestApp, lot, problem_fields};

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
    body
}

// ---------------------------------------------------------------------------------------
// Authentication

#[tokio::test]
async fn a_request_without_a_valid_bearer_token_is_a_401_asking_for_one() {
    let w = World::new().await;
    let s = &w.seed;
    let mut endpoints = w.writes();
    endpoints.extend([
        (Method::GET, "/api/v1/lots".to_owned(), None),
        (Method::GET, format!("/api/v1/lots/{}", w.lot_id()), None),
        (
            Method::GET,
            format!("/api/v1/producers/{}/tokens", s.producer),
            None,
        ),
    ]);
    let before = snapshot(&w.app, s).await;
    let bad_headers = [
        None,
        Some("Bearer org_thisisnotatokenanyoneholds".to_owned()),
        Some("Bearer ".to_owned()),
        Some(format!("Basic {}", s.admin)),
        Some(s.admin.clone()),
        Some(format!("Bearer {}x", s.admin)),
    ];
    for (method, path, body) in &endpoints {
        for authorization in &bad_headers {
            let reply = send(
                &w.app,
                method.clone(),
                path,
                authorization.as_deref(),
                body.as_ref(),
            )
            .await;
            let what = format!("{method} {path} with {authorization:?}");
            assert_problem(&reply, StatusCode::UNAUTHORIZED, &what);
            assert_eq!(
                reply
                    .headers
                    .get(header::WWW_AUTHENTICATE)
                    .and_then(|v| v.to_str().ok()),
                Some("Bearer"),
                "{what}"
            );
        }
    }
    assert_eq!(
        snapshot(&w.app, s).await,
        before,
        "an unauthenticated request changed the register"
    );
}

#[tokio::test]
async fn public_endpoints_answer_without_a_token() {
    let w = World::new().await;
    let id = w.certificate_id();
    for path in [
        "/api/v1/institutes".to_owned(),
        "/api/v1/producers".to_owned(),
        format!("/api/v1/producers/{}", w.seed.producer),
        format!("/api/v1/certificates/{id}"),
        format!("/api/v1/verify/{id}"),
        format!("/c/{id}"),
        "/.well-known/origine-keys.json".to_owned(),
        "/healthz".to_owned(),
    ] {
        let reply = send(&w.app, Method::GET, &path, None, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.json);
    }
}

// ---------------------------------------------------------------------------------------
// Producers

#[tokio::test]
async fn a_producer_cannot_create_institutes_producers_tokens_or_change_a_status() {
    let w = World::new().await;
    let before = snapshot(&w.app, &w.seed).await;
    for (method, path, body) in w.writes() {
        if path == "/api/v1/lots" {
            continue;
        }
        let reply = as_token(
            &w.app,
            method.clone(),
            &path,
            &w.seed.producer_token,
            body.as_ref(),
        )
        .await;
        assert_problem(
            &reply,
            StatusCode::FORBIDDEN,
            &format!("producer {method} {path}"),
        );
    }
    assert_eq!(
        snapshot(&w.app, &w.seed).await,
        before,
        "a forbidden request changed the register"
    );
    let (_, report) = w
        .app
        .get(&format!("/api/v1/verify/{}", w.certificate_id()))
        .await;
    assert_eq!(report["status"], "valid", "{report}");
}

#[tokio::test]
async fn a_producer_cannot_register_a_lot_in_the_other_producers_institute() {
    let w = World::new().await;
    let before = snapshot(&w.app, &w.seed).await;
    let reply = as_token(
        &w.app,
        Method::POST,
        "/api/v1/lots",
        &w.seed.producer_token,
        Some(&padova_lot("NEW-1")),
    )
    .await;
    assert_problem(
        &reply,
        StatusCode::UNPROCESSABLE_ENTITY,
        "lot in the other institute",
    );
    assert_eq!(problem_fields(&reply.json), ["institute"]);
    assert_eq!(snapshot(&w.app, &w.seed).await, before);
}

#[tokio::test]
async fn a_producer_lists_its_own_tokens_but_not_the_other_producers() {
    let w = World::new().await;
    let s = &w.seed;
    let own = as_token(
        &w.app,
        Method::GET,
        &format!("/api/v1/producers/{}/tokens", s.producer),
        &s.producer_token,
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json);
    let own = own.json.as_array().expect("a list").clone();
    assert!(!own.is_empty());
    assert!(
        own.iter().all(|t| t["producer_id"] == s.producer.as_str()),
        "{own:?}"
    );

    let theirs = as_token(
        &w.app,
        Method::GET,
        &format!("/api/v1/producers/{}/tokens", s.other),
        &s.producer_token,
        None,
    )
    .await;
    assert_problem(
        &theirs,
        StatusCode::FORBIDDEN,
        "the other producer's tokens",
    );
}

#[tokio::test]
async fn a_producer_sees_only_its_own_lots() {
    let w = World::new().await;
    let s = &w.seed;
    let second = w.app.issue(&s.producer_token, "MINE-2").await;
    let list = as_token(&w.app, Method::GET, "/api/v1/lots", &s.producer_token, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    let lots = list.json.as_array().expect("a list");
    let mut ids: Vec<&str> = lots.iter().map(|l| l["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let mut expected = vec![w.lot_id(), second["lot"]["id"].as_str().unwrap()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    assert!(
        lots.iter().all(|l| l["producer_id"] == s.producer.as_str()),
        "{lots:?}"
    );

    let own = as_token(
        &w.app,
        Method::GET,
        &format!("/api/v1/lots/{}", w.lot_id()),
        &s.producer_token,
        None,
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.json);
    assert_eq!(own.json["id"], w.lot_id());

    // Another producer's lot looks exactly like a lot that does not exist.
    let theirs = as_token(
        &w.app,
        Method::GET,
        &format!("/api/v1/lots/{}", w.other_lot_id()),
        &s.producer_token,
        None,
    )
    .await;
    assert_problem(&theirs, StatusCode::NOT_FOUND, "the other producer's lot");
    let missing = as_token(
        &w.app,
        Method::GET,
        "/api/v1/lots/nosuchlot",
        &s.producer_token,
        None,
    )
    .await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "an unknown lot");

    // And the other way round.
    let list = as_token(&w.app, Method::GET, "/api/v1/lots", &s.other_token, None).await;
    let lots = list.json.as_array().expect("a list");
    assert_eq!(lots.len(), 1, "{lots:?}");
    assert_eq!(lots[0]["id"], w.other_lot_id());
}

// ---------------------------------------------------------------------------------------
// Auditors

#[tokio::test]
async fn an_auditor_reads_every_lot_and_every_producers_tokens() {
    let w = World::new().await;
    let s = &w.seed;
    let auditor = w.app.token("auditor", None).await;
    let list = as_token(&w.app, Method::GET, "/api/v1/lots", &auditor, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.json);
    let mut ids: Vec<&str> = list
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    let mut expected = vec![w.lot_id(), w.other_lot_id()];
    expected.sort_unstable();
    assert_eq!(ids, expected);
    for id in [w.lot_id(), w.other_lot_id()] {
        let one = as_token(
            &w.app,
            Method::GET,
            &format!("/api/v1/lots/{id}"),
            &auditor,
            None,
        )
        .await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.json);
        assert_eq!(one.json["id"], id);
    }
    for producer in [&s.producer, &s.other] {
        let tokens = as_token(
            &w.app,
            Method::GET,
            &format!("/api/v1/producers/{producer}/tokens"),
            &auditor,
            None,
        )
        .await;
        assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
        let tokens = tokens.json.as_array().expect("a list");
        assert!(!tokens.is_empty());
        assert!(
            tokens.iter().all(|t| t["producer_id"] == producer.as_str()),
            "{tokens:?}"
        );
    }
}

#[tokio::test]
async fn an_auditor_cannot_change_anything() {
    let w = World::new().await;
    let auditor = w.app.token("auditor", None).await;
    let before = snapshot(&w.app, &w.seed).await;
    for (method, path, body) in w.writes() {
        let reply = as_token(&w.app, method.clone(), &path, &auditor, body.as_ref()).await;
        assert_problem(
            &reply,
            StatusCode::FORBIDDEN,
            &format!("auditor {method} {path}"),
        );
    }
    assert_eq!(
        snapshot(&w.app, &w.seed).await,
        before,
        "an auditor changed the register"
    );
}

// ---------------------------------------------------------------------------------------
// Admins

#[tokio::test]
async fn an_admin_cannot_register_a_lot_because_lots_belong_to_producers() {
    let w = World::new().await;
    let before = snapshot(&w.app, &w.seed).await;
    let reply = as_token(
        &w.app,
        Method::POST,
        "/api/v1/lots",
        &w.seed.admin,
        Some(&lot("ADMIN-1")),
    )
    .await;
    assert_problem(&reply, StatusCode::FORBIDDEN, "admin POST /api/v1/lots");
    assert_eq!(snapshot(&w.app, &w.seed).await, before);
}

#[tokio::test]
async fn an_admin_may_do_every_write_a_producer_and_an_auditor_may_not() {
    // The writes the refusal tests use are valid: refused for the role, not for the body.
    let w = World::new().await;
    // Lots first: suspending the producer later stops it from certifying.
    for (method, path, body) in w.writes().into_iter().rev() {
        let token = if path == "/api/v1/lots" {
            &w.seed.producer_token
        } else {
            &w.seed.admin
        };
        let reply = as_token(&w.app, method.clone(), &path, token, body.as_ref()).await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{method} {path}: {}",
            reply.json
        );
    }
}

#[tokio::test]
async fn a_token_for_an_unknown_producer_is_a_404() {
    let w = World::new().await;
    let before = snapshot(&w.app, &w.seed).await;
    let reply = as_token(
        &w.app,
        Method::POST,
        "/api/v1/producers/nosuchproducer/tokens",
        &w.seed.admin,
        None,
    )
    .await;
    assert_problem(
        &reply,
        StatusCode::NOT_FOUND,
        "token for an unknown producer",
    );
    let reply = as_token(
        &w.app,
        Method::POST,
        "/api/v1/producers/nosuchproducer/tokens",
        &w.seed.admin,
        Some(&json!({"label": "laptop"})),
    )
    .await;
    assert_problem(
        &reply,
        StatusCode::NOT_FOUND,
        "token with a label for an unknown producer",
    );
    assert_eq!(snapshot(&w.app, &w.seed).await, before);
}

// ---------------------------------------------------------------------------------------
// Token secrecy

#[tokio::test]
async fn the_token_list_never_contains_secrets_or_hashes() {
    let w = World::new().await;
    let s = &w.seed;
    let path = format!("/api/v1/producers/{}/tokens", s.producer);
    let created = as_token(
        &w.app,
        Method::POST,
        &path,
        &s.admin,
        Some(&json!({"label": "workspace laptop"})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json);
    let secret = created.json["token"]
        .as_str()
        .expect("the token, shown once")
        .to_owned();
    // The new token works.
    let mine = as_token(&w.app, Method::GET, "/api/v1/lots", &secret, None).await;
    assert_eq!(mine.status, StatusCode::OK);

    let secrets = [secret.as_str(), s.producer_token.as_str()];
    let hashes: Vec<String> = secrets
        .iter()
        .map(|t| {
            use sha2::Digest;
            data_encoding::HEXLOWER.encode(&sha2::Sha256::digest(t.as_bytes()))
        })
        .collect();
    let auditor = w.app.token("auditor", None).await;
    for reader in [&s.admin, &auditor, &s.producer_token] {
        let list = as_token(&w.app, Method::GET, &path, reader, None).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.json);
        let tokens = list.json.as_array().expect("a list");
        assert!(tokens.len() >= 2, "{tokens:?}");
        assert!(
            tokens.iter().any(|t| t["label"] == "workspace laptop"),
            "{tokens:?}"
        );
        for t in tokens {
            for key in t.as_object().expect("an object").keys() {
                assert!(
                    ["id", "role", "producer_id", "label", "created_at"].contains(&key.as_str()),
                    "unexpected field {key:?} in {t}"
                );
                assert!(
                    !key.contains("hash") && !key.contains("secret") && key != "token",
                    "{t}"
                );
            }
        }
        let text = list.json.to_string();
        for needle in secrets
            .iter()
            .copied()
            .chain(hashes.iter().map(String::as_str))
        {
            assert!(
                !text.contains(needle),
                "the token list leaks a secret or its hash: {text}"
            );
        }
        assert!(
            !text.contains("org_"),
            "the token list carries a token: {text}"
        );
    }
}
