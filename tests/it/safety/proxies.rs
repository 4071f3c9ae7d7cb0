//! Behind a reverse proxy every client looked like the proxy: one client's burst rate-limited
//! everyone. With `ORIGINE_TRUSTED_PROXIES` the limits count the client the proxy names, and
//! a client outside the trusted networks cannot name itself someone else.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};

use crate::support::{BASE_URL, TestApp};

async fn get(app: &TestApp, peer: [u8; 4], forwarded_for: Option<&str>) -> StatusCode {
    let mut req = Request::get("/healthz");
    if let Some(f) = forwarded_for {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((peer, 40000))));
    app.raw(req).await.0
}

#[tokio::test]
async fn limits_count_the_client_a_trusted_proxy_names_and_nobody_else_can_name_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("o.db").display());
    let mut config = crate::support::config(&url, &dir);
    config.rate_limit = 1; // a burst of 4
    config.trusted_proxies =
        origine::http::proxies::Trusted(origine::http::proxies::parse_list("10.0.0.0/8").unwrap());
    let state = origine::server::build(&config, BASE_URL.into())
        .await
        .unwrap();
    let app = TestApp {
        router: origine::http::router(state.clone()),
        state,
        config,
        dir,
    };
    let proxy = [10, 0, 0, 1];
    let statuses: Vec<StatusCode> = {
        let mut v = Vec::new();
        for _ in 0..6 {
            v.push(get(&app, proxy, Some("198.51.100.7")).await);
        }
        v
    };
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        4,
        "{statuses:?}"
    );
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    // Another client behind the same proxy is not held back by the first.
    assert_eq!(get(&app, proxy, Some("198.51.100.8")).await, StatusCode::OK);
    // A client outside the trusted networks claiming to be someone else is counted as itself.
    let outsider = [203, 0, 113, 9];
    for i in 0..4 {
        assert_eq!(
            get(&app, outsider, Some(&format!("192.0.2.{i}"))).await,
            StatusCode::OK
        );
    }
    assert_eq!(
        get(&app, outsider, Some("192.0.2.200")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}
