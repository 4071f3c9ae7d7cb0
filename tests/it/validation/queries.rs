//! Bad query parameters are 400 problems naming the parameter.

use super::*;

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
