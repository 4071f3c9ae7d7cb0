//! Watch lists: replaced whole, read back with current statuses, exported and imported as
//! CSV; each buyer sees only its own, and bad input changes nothing.

use super::*;

async fn list(app: &TestApp, token: &str) -> Value {
    let (status, body) = app
        .call(Method::GET, "/api/v1/watchlist", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn put(app: &TestApp, token: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::PUT, "/api/v1/watchlist", Some(token), Some(body))
        .await
}

#[tokio::test]
async fn a_watch_list_shows_each_items_current_status() {
    let app = TestApp::sqlite().await;
    let (seed, id, token) = watching(&app).await;
    let (status, body) = put(
        &app,
        &token,
        json!({"certificates": [id], "producers": [seed.producer]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = list(&app, &token).await["items"].clone();
    assert_eq!(items.as_array().unwrap().len(), 2, "{items}");
    assert_eq!(items[0]["kind"], "certificate");
    assert_eq!(items[0]["status"], "valid");
    assert_eq!(items[0]["name"], "Biscotti al farro");
    assert_eq!(items[0]["producer"], "Cooperativa Uno");
    assert_eq!(items[1]["kind"], "producer");
    assert_eq!(items[1]["status"], "accredited");
    set_status(&app, &seed.admin, &id, "suspended").await;
    let items = list(&app, &token).await["items"].clone();
    assert_eq!(items[0]["status"], "suspended");
}

#[tokio::test]
async fn a_watch_list_exports_to_csv_and_reads_back() {
    let app = TestApp::sqlite().await;
    let (seed, id, token) = watching(&app).await;
    put(
        &app,
        &token,
        json!({"certificates": [id], "producers": [seed.producer]}),
    )
    .await;
    let req = axum::http::Request::get("/api/v1/watchlist.csv")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, headers, csv) = app.raw(req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    assert!(
        csv.starts_with("kind,id,name,producer,status,url,added_at\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("certificate,{id},Biscotti al farro,")),
        "{csv}"
    );

    put(&app, &token, json!({})).await;
    assert_eq!(list(&app, &token).await["items"], json!([]));
    let import = |body: String| {
        axum::http::Request::put("/api/v1/watchlist.csv")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "text/csv")
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let (status, _, _) = app.raw(import(csv)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list(&app, &token).await["items"].as_array().unwrap().len(),
        2
    );

    // A list of codes with no kind column: each is looked up.
    let (status, _, _) = app.raw(import(format!("id\n{id}\n"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list(&app, &token).await["items"][0]["id"], id.as_str());

    for (csv, field) in [
        ("code\nabc\n".to_owned(), "csv"),
        (format!("kind;id\nlot;{id}\n"), "lines[2].kind"),
        ("kind,id\ncertificate,NOT AN ID\n".to_owned(), "lines[2].id"),
        (
            "kind,id\ncertificate,aaaaaaaaaaaaaaaaaaaa\n".to_owned(),
            "certificates[0]",
        ),
    ] {
        let (status, _, body) = app.raw(import(csv.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{csv}");
        let problem: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(problem_fields(&problem), [field], "{csv}: {problem}");
    }
    assert_eq!(
        list(&app, &token).await["items"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn another_buyers_watch_list_is_invisible() {
    let app = TestApp::sqlite().await;
    let (seed, _, token) = watching(&app).await;
    let (_, other) = buyer(&app, &seed.admin, "altro@negozio.example").await;
    assert_eq!(list(&app, &other).await["items"], json!([]));
    assert_eq!(
        list(&app, &token).await["items"].as_array().unwrap().len(),
        1
    );
    // Roles without a watch list are refused, and a buyer changes nothing in the register.
    for role_token in [&seed.admin, &seed.producer_token] {
        let (status, _) = app
            .call(Method::GET, "/api/v1/watchlist", Some(role_token), None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let (status, _) = app
        .post("/api/v1/lots", &token, crate::support::lot("BF-X"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &format!("/api/v1/producers/{}/status", seed.producer),
            &token,
            json!({"status": "suspended", "reason": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bad_watch_lists_get_a_problem_naming_the_field_and_change_nothing() {
    let app = TestApp::sqlite().await;
    let (_, _, token) = watching(&app).await;
    for (body, field) in [
        (json!({"certificates": "abc"}), "certificates"),
        (json!({"certificates": [1]}), "certificates[0]"),
        (json!({"producers": ["Bad Id!"]}), "producers[0]"),
        (
            json!({"certificates": ["aaaaaaaaaaaaaaaaaaaa"]}),
            "certificates[0]",
        ),
        (json!({"lots": []}), "lots"),
    ] {
        let (status, problem) = put(&app, &token, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem_fields(&problem), [field], "{body}: {problem}");
    }
    let req = axum::http::Request::put("/api/v1/watchlist")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"certificates\": [}"))
        .unwrap();
    let (status, _, _) = app.raw(req).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        list(&app, &token).await["items"].as_array().unwrap().len(),
        1
    );
}
