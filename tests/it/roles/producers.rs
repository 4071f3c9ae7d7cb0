//! Producers: only their own lots, tokens and institutes.

use super::*;

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
