//! Logging in and out, sessions, limits on failed logins, CSRF.

use super::*;

#[tokio::test]
async fn people_log_in_and_out_and_only_a_hash_of_the_session_is_stored() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("Ufficio@Coop-Uno.it", "producer", Some(&seed.producer))
        .await;
    let web = Visitor::new(&app);

    let page = web.get("/workspace").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/login?next=%2Fworkspace");

    let wrong = web
        .submit(
            "/login",
            "/login",
            &[
                ("email", "ufficio@coop-uno.it"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("Email o password non corretti"),
        "{}",
        wrong.body
    );
    let unknown = web
        .submit(
            "/login",
            "/login",
            &[
                ("email", "nobody@coop-uno.it"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(web.cookie("origine_session").is_none());

    let page = web
        .submit(
            "/login?next=%2Fworkspace%2Flots%2Fnew",
            "/login",
            &[
                ("email", "UFFICIO@coop-uno.it"),
                ("password", &password),
                ("next", "/workspace/lots/new"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/workspace/lots/new");
    let set_cookie = page
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set_cookie.starts_with("origine_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    let secret = web.cookie("origine_session").unwrap();
    // The store finds the session by the hash of the secret, never by the secret itself.
    let now = origine::time_fmt::now();
    assert!(
        app.state
            .store
            .session(&secret, &now)
            .await
            .unwrap()
            .is_none()
    );
    let hashed = origine::crypto::jcs::sha256_hex(secret.as_bytes());
    assert!(
        app.state
            .store
            .session(&hashed, &now)
            .await
            .unwrap()
            .is_some()
    );

    let page = web.get("/workspace").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cooperativa Uno"));

    // A login page may not send anyone to another site afterwards.
    let other = Visitor::new(&app);
    let page = other
        .submit(
            "/login",
            "/login",
            &[
                ("email", "ufficio@coop-uno.it"),
                ("password", &password),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/workspace");

    let page = web.submit("/workspace", "/logout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(web.cookie("origine_session").is_none());
    assert!(
        app.state
            .store
            .session(&hashed, &now)
            .await
            .unwrap()
            .is_none(),
        "session ended in the store"
    );
    assert_eq!(web.get("/workspace").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn failed_logins_are_limited_per_email() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("ufficio@coop-uno.it", "producer", Some(&seed.producer))
        .await;
    let other_password = app
        .user("ufficio@coop-due.it", "producer", Some(&seed.other))
        .await;
    let web = Visitor::new(&app);
    for _ in 0..5 {
        let page = web
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "ufficio@coop-uno.it"),
                    ("password", "guess-guess-guess"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits.
    let page = web
        .submit(
            "/login",
            "/login",
            &[("email", "ufficio@coop-uno.it"), ("password", &password)],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(page.headers.get(header::RETRY_AFTER).unwrap(), "60");
    assert!(web.cookie("origine_session").is_none());
    // Another account is not locked out by someone guessing this one.
    web.login("ufficio@coop-due.it", &other_password).await;
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("ufficio@coop-uno.it", "producer", Some(&seed.producer))
        .await;
    let web = Visitor::new(&app);

    // Login itself needs the token of the page that showed the form.
    let page = web
        .post_raw(
            "/login",
            &[("email", "ufficio@coop-uno.it"), ("password", &password)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("\"field\":\"csrf\""), "{}", page.body);
    assert!(web.cookie("origine_session").is_none());

    web.login("ufficio@coop-uno.it", &password).await;
    let fields = lot_form(&[]);
    let page = web.post_raw("/workspace/lots", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let mut forged = vec![("csrf", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")];
    forged.extend_from_slice(&fields);
    let page = web.post_raw("/workspace/lots", &forged).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        app.state
            .store
            .lots(Some(&seed.producer))
            .await
            .unwrap()
            .is_empty(),
        "no lot was made"
    );
    assert_eq!(
        app.state.store.log_size().await.unwrap(),
        0,
        "nothing entered the log"
    );

    // A forged logout does not end the session.
    let page = web.post_raw("/logout", &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/workspace").await.status, StatusCode::OK);

    // The API's writes never accept the session cookie in place of a token.
    let (status, _) = app
        .call(axum::http::Method::GET, "/api/v1/lots", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
