//! `/buyer`: the signed-in buyer's watch list with current statuses, in Italian and
//! English; other roles get a 403 page, and a buyer's session reads its list on the API.

use super::*;
use crate::support::web::Visitor;

#[tokio::test]
async fn the_buyer_page_shows_the_watch_list_with_current_statuses() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "BF-PAGE").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let password = app.user("negozio@bottega.example", "buyer", None).await;
    let visitor = Visitor::new(&app);
    let landed = visitor.login("negozio@bottega.example", &password).await;
    assert_eq!(landed.location(), "/buyer");
    let empty = visitor.get("/buyer").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty.body.contains("Nessun certificato sorvegliato."),
        "{}",
        empty.body
    );

    // The session reads the list on the API too; the list is set with a token.
    let account = app
        .state
        .store
        .buyer_account("negozio@bottega.example")
        .await
        .unwrap()
        .unwrap();
    let (token, _) =
        origine::service::tokens::create_for_buyer(&app.state.store, &account.id, None)
            .await
            .unwrap();
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/v1/watchlist",
            Some(&token),
            Some(json!({"certificates": [id], "producers": [seed.producer]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    set_status(&app, &seed.admin, id, "suspended").await;

    let page = visitor.get("/buyer").await;
    assert!(page.body.contains("Biscotti al farro"), "{}", page.body);
    assert!(
        page.body
            .contains("<strong class=\"alert\">sospeso</strong>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("accreditato"), "{}", page.body);
    let english = visitor.get("/buyer?lang=en").await;
    assert!(english.body.contains("Watch list"), "{}", english.body);
    assert!(
        english
            .body
            .contains("<strong class=\"alert\">suspended</strong>")
    );
    let csv = visitor.get("/api/v1/watchlist.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains(id));

    // Other roles may not open it.
    let producer = app
        .user("ufficio@coop.example", "producer", Some(&seed.producer))
        .await;
    let other = Visitor::new(&app);
    other.login("ufficio@coop.example", &producer).await;
    assert_eq!(other.get("/buyer").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn admins_create_buyer_accounts_and_tokens_on_the_admin_page() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app.user("capo@origine.example", "admin", None).await;
    let web = Visitor::new(&app);
    web.login("capo@origine.example", &password).await;
    let page = web
        .submit(
            "/admin",
            "/admin/users",
            &[("email", "negozio@bottega.example"), ("role", "buyer")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = web
        .submit(
            "/admin",
            "/admin/tokens",
            &[
                ("producer", &seed.producer),
                ("buyer", "nessuno@bottega.example"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.field_errors().contains_key("f-t-buyer"),
        "{}",
        page.body
    );
    let page = web
        .submit(
            "/admin",
            "/admin/tokens",
            &[
                ("producer", &seed.producer),
                ("buyer", "negozio@bottega.example"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = page
        .body
        .split("<p class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    let (status, body) = app
        .call(Method::GET, "/api/v1/watchlist", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"], json!([]));
}

#[tokio::test]
async fn the_command_line_creates_buyer_tokens() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    buyer(&app, &seed.admin, "negozio@bottega.example").await;
    let out = app
        .command()
        .args(["admin", "create-key", "--role", "buyer", "--buyer"])
        .arg("negozio@bottega.example")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let (status, _) = app
        .call(Method::GET, "/api/v1/watchlist", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let out = app
        .command()
        .args(["admin", "create-key", "--role", "buyer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--buyer"));
}
