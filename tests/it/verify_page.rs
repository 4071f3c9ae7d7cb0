//! `/verify`: a retailer pastes or uploads a delivery's codes and gets a table or a CSV.

use crate::support::TestApp;
use crate::support::web::Visitor;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

fn multipart<V: AsRef<[u8]>>(fields: &[(&str, Option<&str>, V)]) -> (String, Vec<u8>) {
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
        body.extend_from_slice(value.as_ref());
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Opens the form (which sets the CSRF cookie) and posts `fields` with its token.
async fn post<V: AsRef<[u8]>>(
    app: &TestApp,
    fields: &[(&str, Option<&str>, V)],
) -> (StatusCode, String, String) {
    let visitor = Visitor::new(app);
    let csrf = visitor.get("/verify").await.csrf();
    let mut all: Vec<(&str, Option<&str>, &[u8])> = vec![("csrf", None, csrf.as_bytes())];
    all.extend(fields.iter().map(|(n, f, v)| (*n, *f, v.as_ref())));
    let cookie = format!("origine_csrf={}", visitor.cookie("origine_csrf").unwrap());
    post_with(app, &cookie, &all).await
}

async fn post_with<V: AsRef<[u8]>>(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, Option<&str>, V)],
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
    // In the page's language (Italian by default), not the API's words.
    assert!(
        html.contains("revocato") && html.contains("certificato inesistente"),
        "{html}"
    );
    assert!(
        !html.contains(">revoked<") && !html.contains("not_found"),
        "{html}"
    );
    let (status, ct, out) = post(
        &app,
        &[
            ("codes", None, format!("{ida}\n{idb}").as_str()),
            ("csv", None, "1"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let lines: Vec<&str> = out.lines().collect();
    // A byte-order mark first, so Excel reads UTF-8; the codes as given, then Origine's columns.
    assert_eq!(
        lines[0],
        "\u{feff}codice,origine_id,origine_status,esito,product,producer"
    );
    assert!(
        lines[1].starts_with(&format!("{ida},{ida},valid,valido,Biscotti al farro,")),
        "{out}"
    );
    assert!(lines[2].starts_with(&format!("{idb},{idb},revoked,revocato,")));
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

/// A delivery with a valid certificate whose lot has a GTIN, and a revoked one.
async fn delivery() -> (TestApp, crate::support::Seed, String, String) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let a = app.issue(&seed.producer_token, "PAN-1").await;
    let b = app.issue(&seed.producer_token, "PAN-2").await;
    let (ida, idb) = (
        a["bundle"]["certificate"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        b["bundle"]["certificate"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    app.post(
        &format!("/api/v1/certificates/{idb}/status"),
        &seed.admin,
        serde_json::json!({"status": "revoked", "reason": "recall"}),
    )
    .await;
    (app, seed, ida, idb)
}

/// Scanner output (unit label URLs with their fragment, Digital Link URIs, page links) and
/// lot codes are codes too; what is not understood is said, line by line, never dropped.
#[tokio::test]
async fn pasted_scanner_output_and_lot_codes_are_understood_and_the_rest_is_named() {
    let (app, _, ida, _) = delivery().await;
    let pasted = format!(
        "https://origine.test/01/08012345678907/10/PAN-1/21/3?t=abcdefgh#ol1.xyz\n\
         https://origine.test/01/8012345678907/10/PAN-2\n\
         https://origine.test/c/{ida}\n\
         PAN-1\n\
         Tutto a posto, grazie\n\
         https://origine.test/01/08012345678907/10/NON-CERTIFICATO\n"
    );
    let (status, _, html) = post(&app, &[("codes", None, &pasted)]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("3 / 6"), "three valid of six lines: {html}");
    assert_eq!(html.matches("revocato").count(), 1, "{html}");
    assert!(html.contains("2 righe non riconosciute"), "{html}");
    assert!(
        html.contains("Tutto a posto, grazie") && html.contains("non riconosciuto"),
        "{html}"
    );
    assert!(
        html.contains("etichetta GS1 di un lotto non certificato"),
        "{html}"
    );
}

/// Excel's "CSV UTF-8" starts with a byte-order mark: the first code used to be lost.
#[tokio::test]
async fn a_byte_order_mark_does_not_hide_the_first_code() {
    let (app, _, ida, idb) = delivery().await;
    let file = format!("\u{feff}{ida}\n{idb}\n");
    let (status, _, html) = post(&app, &[("file", Some("consegna.csv"), &file)]).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("1 / 2"), "{html}");
    assert!(html.contains(&format!("/c/{ida}")), "{html}");
}

/// An Italian Excel CSV: `;`-separated, Windows-1252, with a header and the retailer's own
/// columns. It is read as a table, answered on the page in Italian, and the CSV download
/// keeps the retailer's columns and separator; a product name holding `;=` stays one cell.
#[tokio::test]
async fn an_italian_excel_csv_keeps_its_columns_separator_and_language() {
    let (app, seed, ida, idb) = delivery().await;
    let mut body = crate::support::lot("PAN-3");
    body["product"]["name"] = "Biscotti;=cmd|'/C calc'!A0".into();
    let (status, c) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let idc = c["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bytes = b"Articolo;Codice;Quantit\xe0\r\n".to_vec();
    bytes.extend_from_slice(
        format!("Biscotti;{ida};12\r\nTorte;{idb};3\r\nPanettoni;{idc};1\r\n").as_bytes(),
    );
    let (status, ct, out) = post(
        &app,
        &[
            ("file", Some("consegna.csv"), bytes.as_slice()),
            ("csv", None, b"1".as_slice()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert!(ct.starts_with("text/csv"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}Articolo;Codice;Quantità;origine_id;origine_status;esito;product;producer"
    );
    assert!(
        lines[1].starts_with(&format!("Biscotti;{ida};12;{ida};valid;valido;")),
        "{out}"
    );
    assert!(
        lines[2].starts_with(&format!("Torte;{idb};3;{idb};revoked;revocato;")),
        "{out}"
    );
    // The product name is one quoted cell: Excel splitting on `;` finds no formula.
    assert!(
        lines[3].contains(";\"Biscotti;=cmd|'/C calc'!A0\";"),
        "{out}"
    );
    let (status, _, html) = post(&app, &[("file", Some("consegna.csv"), bytes.as_slice())]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("valido") && html.contains("revocato"),
        "{html}"
    );
}
