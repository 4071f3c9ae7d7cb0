//! Auditors: read everything, change nothing.

use super::*;

#[tokio::test]
async fn an_auditor_reads_every_lot_and_every_producers_tokens() {
    let w = World::new().await;
    let s = &w.seed;
    let auditor = w.app.token(Role::Auditor, None).await;
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
    let auditor = w.app.token(Role::Auditor, None).await;
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
