//! Webhooks: a watched certificate's status change is posted, signed, within seconds;
//! failures are retried with backoff and the event arrives exactly once; bad input and
//! another buyer's webhook change nothing.

use super::*;

#[tokio::test]
async fn watched_suspension_reaches_the_webhook_signed_within_seconds() {
    let app = TestApp::sqlite().await;
    let (seed, id, token) = watching(&app).await;
    let receiver = Receiver::start(Vec::new()).await;
    let (hook, secret) = add_webhook(&app, &token, &receiver.url).await;

    set_status(&app, &seed.admin, &id, "suspended").await;
    let acknowledged = Instant::now();
    let got = receiver.wait_for(1, Duration::from_secs(5)).await;
    let latency = got[0].at - acknowledged;
    eprintln!("status change to webhook delivery: {latency:?}");
    assert!(latency < Duration::from_secs(3), "{latency:?}");

    check_signature(&got[0], &secret);
    assert!(header(&got[0], "webhook-id").starts_with("msg_"));
    let event: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(event["type"], "certificate.suspended");
    assert_eq!(event["data"]["id"], id.as_str());
    assert_eq!(event["data"]["status"], "suspended");
    assert_eq!(event["data"]["reason"], "verifica in corso");
    assert_eq!(event["data"]["product"], "Biscotti al farro");
    assert_eq!(event["data"]["producer"], "Cooperativa Uno");

    // The delivery log shows it; reinstating is the next event.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, log) = app
        .call(
            Method::GET,
            &format!("/api/v1/webhooks/{hook}/deliveries"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log[0]["delivered"], true, "{log}");
    assert_eq!(log[0]["status_code"], 200);
    set_status(&app, &seed.admin, &id, "valid").await;
    let got = receiver.wait_for(2, Duration::from_secs(5)).await;
    let event: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_eq!(event["type"], "certificate.reinstated");
    check_signature(&got[1], &secret);
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_event_exactly_once() {
    let app = TestApp::sqlite().await;
    let (seed, id, token) = watching(&app).await;
    let receiver = Receiver::start(vec![500, 503]).await;
    let (hook, secret) = add_webhook(&app, &token, &receiver.url).await;

    set_status(&app, &seed.admin, &id, "revoked").await;
    let got = receiver.wait_for(3, Duration::from_secs(10)).await;
    // Backoff: about 1 s, then about 2 s.
    let first_wait = got[1].at - got[0].at;
    let second_wait = got[2].at - got[1].at;
    eprintln!("retries after {first_wait:?} and {second_wait:?}");
    assert!(first_wait >= Duration::from_millis(900), "{first_wait:?}");
    assert!(
        second_wait >= Duration::from_millis(1900),
        "{second_wait:?}"
    );
    let ids: Vec<String> = got.iter().map(|r| header(r, "webhook-id")).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    for r in &got {
        check_signature(r, &secret);
    }
    // Delivered on the third attempt: never sent again.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(receiver.received().len(), 3);
    let (_, log) = app
        .call(
            Method::GET,
            &format!("/api/v1/webhooks/{hook}/deliveries"),
            Some(&token),
            None,
        )
        .await;
    let delivered: Vec<bool> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["delivered"].as_bool().unwrap())
        .collect();
    assert_eq!(delivered, [true, false, false], "{log}");
    assert_eq!(log[1]["status_code"], 503);
    assert_eq!(log[2]["error"], "HTTP 500");
}

#[tokio::test]
async fn the_test_send_is_signed_and_logged() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let (_, token) = buyer(&app, &seed.admin, "acquisti@bottega.example").await;
    let receiver = Receiver::start(Vec::new()).await;
    let (hook, secret) = add_webhook(&app, &token, &receiver.url).await;
    let (status, attempt) = app
        .post(&format!("/api/v1/webhooks/{hook}/test"), &token, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{attempt}");
    assert_eq!(attempt["delivered"], true);
    let got = receiver.received();
    assert_eq!(got.len(), 1);
    check_signature(&got[0], &secret);
    let event: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(event["type"], "webhook.test");
    let (_, list) = app
        .call(Method::GET, "/api/v1/webhooks", Some(&token), None)
        .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert!(list[0].get("secret").is_none(), "{list}");
}

#[tokio::test]
async fn bad_webhooks_get_a_problem_naming_the_field_and_change_nothing() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let (_, token) = buyer(&app, &seed.admin, "uno@bottega.example").await;
    for (body, status, field) in [
        (json!({"url": "ftp://shop.example/hook"}), 422, "url"),
        (json!({"url": "javascript:alert(1)"}), 422, "url"),
        (json!({"url": "not a url"}), 422, "url"),
        (json!({"url": 5}), 422, "url"),
        (json!({}), 422, "url"),
        (
            json!({"url": "https://shop.example/", "extra": 1}),
            422,
            "extra",
        ),
    ] {
        let (code, problem) = app.post("/api/v1/webhooks", &token, body.clone()).await;
        assert_eq!(code.as_u16(), status, "{body}: {problem}");
        assert_eq!(problem_fields(&problem), [field], "{body}: {problem}");
    }
    let req = axum::http::Request::post("/api/v1/webhooks")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"url\": "))
        .unwrap();
    let (code, headers, body) = app.raw(req).await;
    assert_eq!(code, StatusCode::BAD_REQUEST);
    assert_eq!(headers["content-type"], "application/problem+json");
    let problem: Value = serde_json::from_slice(&body).unwrap();
    // The JSON breaks off where `url`'s value should be.
    assert_eq!(problem_fields(&problem), ["url"]);
    let (_, list) = app
        .call(Method::GET, "/api/v1/webhooks", Some(&token), None)
        .await;
    assert_eq!(list, json!([]));

    // Only buyers have webhooks.
    let (code, _) = app
        .post(
            "/api/v1/webhooks",
            &seed.producer_token,
            json!({"url": "https://shop.example/"}),
        )
        .await;
    assert_eq!(code, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_buyers_webhook_is_not_found_and_stays() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let (_, mine) = buyer(&app, &seed.admin, "uno@bottega.example").await;
    let (_, theirs) = buyer(&app, &seed.admin, "due@bottega.example").await;
    let (hook, _) = add_webhook(&app, &theirs, "https://due.example/hook").await;
    for (method, path) in [
        (Method::DELETE, format!("/api/v1/webhooks/{hook}")),
        (Method::GET, format!("/api/v1/webhooks/{hook}/deliveries")),
        (Method::POST, format!("/api/v1/webhooks/{hook}/test")),
    ] {
        let (code, problem) = app.call(method.clone(), &path, Some(&mine), None).await;
        assert_eq!(code, StatusCode::NOT_FOUND, "{method} {path}: {problem}");
        assert_eq!(problem_fields(&problem), ["id"]);
    }
    let (_, list) = app
        .call(Method::GET, "/api/v1/webhooks", Some(&mine), None)
        .await;
    assert_eq!(list, json!([]));
    let (_, list) = app
        .call(Method::GET, "/api/v1/webhooks", Some(&theirs), None)
        .await;
    assert_eq!(list[0]["id"], hook.as_str());
    let (code, _) = app
        .call(
            Method::DELETE,
            &format!("/api/v1/webhooks/{hook}"),
            Some(&theirs),
            None,
        )
        .await;
    assert_eq!(code, StatusCode::NO_CONTENT);
}

#[tokio::test]
#[cfg_attr(not(origine_pg), ignore = "needs TEST_DATABASE_URL")]
async fn on_postgres_a_watched_suspension_reaches_the_webhook() {
    let app = TestApp::postgres().await;
    let (seed, id, token) = watching(&app).await;
    let receiver = Receiver::start(vec![500]).await;
    let (_, secret) = add_webhook(&app, &token, &receiver.url).await;
    set_status(&app, &seed.admin, &id, "suspended").await;
    let got = receiver.wait_for(2, Duration::from_secs(10)).await;
    check_signature(&got[1], &secret);
    assert_eq!(header(&got[0], "webhook-id"), header(&got[1], "webhook-id"));
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(receiver.received().len(), 2);
}
