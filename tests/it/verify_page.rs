//! `/verify`: a retailer pastes or uploads a delivery's codes and gets a table or a CSV.

use crate::support::TestApp;
use crate::support::web::Visitor;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

fn multipart(fields: &[(&str, Option<&str>, &str)]) -> (String, Vec<u8>) {
    let boundary = "----origine-test-boundary";
    let mut body = Vec::new();
    for (name, filename, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(value.as_bytes());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Opens the form (which sets the CSRF cookie) and posts `fields` with its token.
async fn post(
    app: &TestApp,
    fields: &[(&str, Option<&str>, &str)],
) -> (StatusCode, String, String) {
    let visitor = Visitor::new(app);
    let csrf = visitor.get("/verify").await.csrf();
    let mut all = vec![("csrf", None, csrf.as_str())];
    all.extend_from_slice(fields);
    let cookie = format!("origine_csrf={}", visitor.cookie("origine_csrf").unwrap());
    post_with(app, &cookie, &all).await
}

async fn post_with(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, Option<&str>, &str)],
) -> (StatusCode, String, String) {
    let (ct, body) = multipart(fields);
    let req = Request::post("/verify")
        .header(header::CONTENT_TYPE, ct)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap();
    let (status, headers, body) = app.raw(req).await;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, ct, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn a_delivery_csv_is_checked_as_a_table_and_as_csv() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let a = app.issue(&seed.producer_token, "D-1").await;
    let b = app.issue(&seed.producer_token, "D-2").await;
    let (ida, idb) = (
        a["bundle"]["certificate"]["id"].as_str().unwrap(),
        b["bundle"]["certificate"]["id"].as_str().unwrap(),
    );
    app.post(
        &format!("/api/v1/certificates/{idb}/status"),
        &seed.admin,
        serde_json::json!({"status": "revoked", "reason": "recall"}),
    )
    .await;
    let csv = format!("codice,prodotto\n{ida},biscotti\n{idb},biscotti\nnosuchcode1,?\n");
    let (status, ct, html) = post(
        &app,
        &[("codes", None, ""), ("file", Some("consegna.csv"), &csv)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(ct.starts_with("text/html"));
    assert!(html.contains("1 / 3"), "one of three valid: {html}");
    assert!(html.contains("revoked") && html.contains("not_found"));
    let (status, ct, out) = post(
        &app,
        &[
            ("codes", None, &format!("{ida}\n{idb}")),
            ("csv", None, "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "id,status,product,producer");
    assert!(
        lines[1].starts_with(&format!("{ida},valid,Biscotti al farro,")),
        "{out}"
    );
    assert!(lines[2].starts_with(&format!("{idb},revoked,")));
}

#[tokio::test]
async fn an_empty_or_garbage_submission_is_refused_on_the_page() {
    let app = TestApp::sqlite().await;
    let (status, _, html) = post(&app, &[("codes", None, "<script>alert(1)</script>\n")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("role=\"alert\"") && !html.contains("<script>alert(1)</script>"));
    let (status, _, _) = app
        .raw(Request::get("/verify").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_post_without_the_forms_token_is_refused() {
    let app = TestApp::sqlite().await;
    let codes = ("codes", None, "abcdefghijklmnopqrst");
    // No cookie, no token: a cross-site form post.
    let (status, ct, body) = post_with(&app, "", &[codes]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(ct, "application/problem+json");
    let problem: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(problem["errors"][0]["field"], "csrf");
    // A token that is not the one of this visitor's cookie.
    let (status, _, _) = post_with(
        &app,
        "origine_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        &[
            ("csrf", None, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            codes,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The same token in cookie and form passes.
    let (status, _, _) = post_with(
        &app,
        "origine_csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        &[
            ("csrf", None, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            codes,
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}
