//! HTML in names is stored as text and escaped wherever it is shown.

use super::*;

#[tokio::test]
async fn html_in_a_product_name_is_stored_as_text_and_escaped_on_the_page() {
    let (app, seed) = started().await;
    let script = "<script>alert(1)</script>";
    let mut body = lot("XSS-1");
    body["product"]["name"] = script.into();
    body["claims"]["statement"] = format!("{script} & \"quotes\"").into();
    let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["lot"]["product_name"], script);
    assert_eq!(created["bundle"]["certificate"]["product"]["name"], script);
    let lot_id = created["lot"]["id"].as_str().unwrap();
    let (_, stored) = app
        .call(
            Method::GET,
            &format!("/api/v1/lots/{lot_id}"),
            Some(&seed.producer_token),
            None,
        )
        .await;
    assert_eq!(stored["product_name"], script);

    let id = created["bundle"]["certificate"]["id"].as_str().unwrap();
    let page = send(
        &app,
        Method::GET,
        &format!("/c/{id}"),
        None,
        None,
        Body::empty(),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html")),
        "{:?}",
        page.headers
    );
    let csp = page
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("default-src") || csp.contains("script-src"),
        "no content-security-policy header: {csp:?}"
    );
    let html = String::from_utf8(page.raw.to_vec()).expect("the page is UTF-8");
    assert!(
        !html.contains(script),
        "the page carries the raw script tag"
    );
    assert!(!html.contains("<script"), "the page carries a script tag");
    let escaped = [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "&#60;script&#62;alert(1)&#60;/script&#62;",
    ];
    assert!(
        escaped.iter().any(|e| html.contains(e)),
        "the escaped name is not on the page"
    );
}
