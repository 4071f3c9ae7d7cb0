//! Admins: every write but registering lots.

use super::*;

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
