//! Authentication: which endpoints need a bearer token, and what a missing or bad one gets.

use super::*;

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
