//! Security headers: secrets shown once are never cached, links out carry no path, and
//! an https service pins browsers to https.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::support::web::{Page, Visitor};
use crate::support::{self, TestApp};

fn header_of(page: &Page, name: header::HeaderName) -> &str {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn pages_showing_a_new_token_or_password_are_not_stored_by_any_cache() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app.user("autorita@origine.example", "admin", None).await;
    let web = Visitor::new(&app);
    web.login("autorita@origine.example", &password).await;

    let page = web
        .submit("/admin", "/admin/tokens", &[("producer", &seed.producer)])
        .await;
    assert!(page.body.contains("class=\"secret\""), "{}", page.body);
    assert_eq!(header_of(&page, header::CACHE_CONTROL), "no-store");

    let page = web
        .submit(
            "/admin",
            "/admin/users",
            &[
                ("email", "nuovo@coop-uno.it"),
                ("role", "producer"),
                ("producer_id", &seed.producer),
            ],
        )
        .await;
    assert!(page.body.contains("class=\"secret\""), "{}", page.body);
    assert_eq!(header_of(&page, header::CACHE_CONTROL), "no-store");

    // The API's new token too.
    let req = Request::post(format!("/api/v1/producers/{}/tokens", seed.producer))
        .header(header::AUTHORIZATION, format!("Bearer {}", seed.admin))
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = app.raw(req).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
}

#[tokio::test]
async fn every_response_sends_a_referrer_policy_and_hsts_only_behind_https() {
    let app = TestApp::sqlite().await;
    let web = Visitor::new(&app);
    for path in [
        "/",
        "/login",
        "/producers",
        "/api/v1/institutes",
        "/nowhere",
    ] {
        let page = web.get(path).await;
        assert_eq!(
            header_of(&page, header::REFERRER_POLICY),
            "strict-origin-when-cross-origin",
            "{path}"
        );
        assert!(
            page.headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .is_none(),
            "{path}: HSTS over http"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("origine.db").display());
    let config = support::config(&url, &dir);
    let state = origine::server::build(&config, "https://origine.test".into())
        .await
        .unwrap();
    let router = origine::http::router(state);
    for path in ["/", "/api/v1/institutes", "/nowhere"] {
        let res = tower::ServiceExt::oneshot(
            router.clone(),
            Request::get(path).body(Body::empty()).unwrap(),
        )
        .await
        .unwrap();
        let hsts = res
            .headers()
            .get(header::STRICT_TRANSPORT_SECURITY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(hsts.starts_with("max-age="), "{path}: {hsts:?}");
        assert!(
            res.headers().contains_key(header::REFERRER_POLICY),
            "{path}"
        );
    }
}
