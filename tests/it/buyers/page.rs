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
