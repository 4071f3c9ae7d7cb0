//! After login only a path on this site is followed; anything else goes to the home page.

use axum::http::StatusCode;

use crate::support::TestApp;
use crate::support::web::Visitor;

#[tokio::test]
async fn login_never_redirects_off_site_nor_fails_on_control_characters() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app.user("pa@x.it", "producer", Some(&seed.producer)).await;
    for next in [
        "/\t/evil.example/",
        "/\u{b}/x",
        "/\n/evil.example/",
        "/ /evil.example/",
        "/\\evil.example/",
        "//evil.example/",
        "/a\\b",
        "/x\u{7f}",
        "/\u{202e}x",
    ] {
        let web = Visitor::new(&app);
        // The login page itself shows the form whatever `next` holds.
        let escaped: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let page = web.get(&format!("/login?next={escaped}")).await;
        assert_eq!(page.status, StatusCode::OK, "{next:?}: {}", page.body);
        let page = web
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "pa@x.it"),
                    ("password", &password),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            page.body
        );
        assert_eq!(page.location(), "/workspace", "{next:?}");
    }
    // A path on this site is still followed.
    let web = Visitor::new(&app);
    let page = web
        .submit(
            "/login",
            "/login",
            &[
                ("email", "pa@x.it"),
                ("password", &password),
                ("next", "/workspace/lots/new?x=1"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/workspace/lots/new?x=1");
}
