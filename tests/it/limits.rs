//! Abuse limits: a client that floods the service gets 429 problems; others do not.

use std::net::SocketAddr;

use crate::support::TestApp;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};

async fn get_from(
    app: &TestApp,
    path: &str,
    ip: [u8; 4],
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let mut req = Request::get(path).body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 50000))));
    let (status, headers, body) = app.raw(req).await;
    (status, headers, body.to_vec())
}

#[tokio::test]
async fn a_flooding_client_is_slowed_down_with_a_problem_and_others_are_served() {
    let app = TestApp::sqlite().await; // 50 req/s per client, bursts of 200
    let mut refused = None;
    for i in 0..400 {
        let (status, headers, body) = get_from(&app, "/api/v1/institutes", [203, 0, 113, 7]).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((i, headers, body));
            break;
        }
        assert_eq!(status, StatusCode::OK);
    }
    let (after, headers, body) = refused.expect("a flood of 400 requests is limited");
    assert!(
        after >= 200,
        "the burst allows 200 requests, refused after {after}"
    );
    assert_eq!(headers[header::RETRY_AFTER], "1");
    assert_eq!(headers[header::CONTENT_TYPE], "application/problem+json");
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["status"], 429);
    // Someone else is not affected.
    assert_eq!(
        get_from(&app, "/api/v1/institutes", [198, 51, 100, 1])
            .await
            .0,
        StatusCode::OK
    );
}
