//! Login attempts are limited per (account, client address) and per address, counted
//! before the password is checked: an attacker cannot lock the real user out from
//! another address, and concurrent guesses cannot all be tried.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};

use crate::support::TestApp;
use crate::support::web::Visitor;

/// The login form's CSRF cookie and field, as a browser gets them.
async fn form_token(app: &TestApp) -> (String, String) {
    let web = Visitor::new(app);
    let page = web.get("/login").await;
    (
        web.cookie("origine_csrf").expect("csrf cookie"),
        page.csrf(),
    )
}

/// Posts the login form from `ip`; returns the status.
async fn login_from(app: &TestApp, ip: [u8; 4], email: &str, password: &str) -> StatusCode {
    let (cookie, csrf) = form_token(app).await;
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .finish();
    let mut req = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, format!("origine_csrf={cookie}"))
        .body(Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    app.raw(req).await.0
}

const ATTACKER: [u8; 4] = [203, 0, 113, 66];
const USER: [u8; 4] = [198, 51, 100, 7];

#[tokio::test]
async fn an_attackers_failures_do_not_lock_the_real_user_out_from_another_address() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app.user("pa@x.it", "producer", Some(&seed.producer)).await;
    let start = std::time::Instant::now();
    for _ in 0..5 {
        let status = login_from(&app, ATTACKER, "pa@x.it", "guess-guess-guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(&app, ATTACKER, "pa@x.it", &password).await,
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker's address waits, even with the right password"
    );
    assert_eq!(
        login_from(&app, USER, "pa@x.it", &password).await,
        StatusCode::SEE_OTHER,
        "the real user, elsewhere, logs in"
    );
    // Spraying many accounts from one address meets the address's own limit.
    let mut refused = 0;
    for i in 0..30 {
        let status = login_from(&app, ATTACKER, &format!("u{i}@x.it"), "guess-guess").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    // The address had 20 tries and used 6; one more comes back every 3 s, and each guess
    // is a password hash (slow on a loaded machine): count those that came back.
    let refilled = (start.elapsed().as_secs_f64() / 3.0).ceil() as usize;
    assert!(
        refused >= 1 && refused + refilled >= 16,
        "{refused} of 30 sprayed guesses refused, {refilled} tries refilled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_guesses_cannot_all_be_tried() {
    let app = Arc::new(TestApp::sqlite().await);
    let seed = app.seed().await;
    app.user("pa@x.it", "producer", Some(&seed.producer)).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..20 {
        let app = app.clone();
        guesses.spawn(async move {
            login_from(&app, ATTACKER, "pa@x.it", &format!("guess-number-{i}")).await
        });
    }
    let statuses = guesses.join_all().await;
    let count = |wanted| statuses.iter().filter(|s| **s == wanted).count();
    assert_eq!(
        (
            count(StatusCode::UNAUTHORIZED),
            count(StatusCode::TOO_MANY_REQUESTS)
        ),
        (5, 15),
        "{statuses:?}"
    );
}
