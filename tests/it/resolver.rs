//! The GS1-Conformant resolver (standard 1.2): one test per rule of its conformance
//! statement (section 5) that Origine implements, named after the rule.

use crate::support::{BASE_URL, TestApp, lot};
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;

/// A serialised lot `PAN-1` of GTIN 08012345678907; returns the app and the lot's id.
async fn app_with_lot() -> (TestApp, Value) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let mut body = lot("PAN-1");
    body["quantity"] = 3.into();
    let (status, issued) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    (app, issued)
}

async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let (status, headers, body) = app.raw(req.body(Body::empty()).unwrap()).await;
    (status, headers, body.to_vec())
}

fn location(headers: &HeaderMap) -> String {
    headers[header::LOCATION].to_str().unwrap().to_owned()
}

const UNIT: &str = "/01/08012345678907/10/PAN-1/21/2";

#[tokio::test]
async fn rule_5_2_get_head_and_options_are_supported() {
    let (app, _) = app_with_lot().await;
    let (status, _, _) = send(&app, Method::GET, UNIT, &[]).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    let (status, headers, body) = send(&app, Method::HEAD, UNIT, &[]).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert!(headers.contains_key(header::LOCATION));
    assert!(body.is_empty());
    let (status, headers, _) = send(&app, Method::OPTIONS, UNIT, &[]).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(headers[header::ALLOW], "GET, HEAD, OPTIONS");
}

#[tokio::test]
async fn rule_5_4_cors_is_allowed_from_any_origin() {
    let (app, _) = app_with_lot().await;
    let origin = [("origin", "https://scanner.example")];
    for (method, path) in [
        (Method::GET, UNIT),
        (Method::OPTIONS, UNIT),
        (Method::GET, "/01/08012345678907/10/NOPE"),
        (Method::GET, "/.well-known/gs1resolver"),
    ] {
        let (_, headers, _) = send(&app, method, path, &origin).await;
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*", "{path}");
    }
    let (_, headers, _) = send(&app, Method::GET, UNIT, &origin).await;
    assert!(
        headers[header::ACCESS_CONTROL_EXPOSE_HEADERS]
            .to_str()
            .unwrap()
            .contains("Link")
    );
    assert_eq!(headers[header::VARY], "Accept, Accept-Language, Cookie");
}

#[tokio::test]
async fn rule_5_7_a_malformed_uri_is_a_400_problem_naming_the_path() {
    let (app, _) = app_with_lot().await;
    for path in [
        "/01/08012345678901/10/PAN-1",
        "/01/08012345678907/21/1/10/PAN-1",
        "/01/08012345678907/10/PAN%ZZ",
        "/01/08012345678907/17/261231",
    ] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(body["errors"][0]["field"], "path", "{body}");
    }
}

#[tokio::test]
async fn rule_5_8_a_valid_uri_naming_nothing_is_a_plain_404() {
    let (app, _) = app_with_lot().await;
    for path in ["/01/08012345678907/10/NOSUCHLOT/21/1", "/01/00000000000000"] {
        let (status, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["status"], 404);
    }
}

#[tokio::test]
async fn rule_5_13_and_2_10_the_linkset_is_rfc_9264_json_with_the_gs1_context() {
    let (app, issued) = app_with_lot().await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    for (path, accept) in [
        (format!("{UNIT}?linkType=linkset"), "text/html"),
        (UNIT.to_owned(), "application/linkset+json"),
    ] {
        let (status, headers, body) = send(&app, Method::GET, &path, &[("accept", accept)]).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers[header::CONTENT_TYPE], "application/linkset+json");
        assert!(headers[header::LINK].to_str().unwrap().contains(
            "<https://ref.gs1.org/standards/resolver/linkset-context>; rel=\"http://www.w3.org/ns/json-ld#context\""
        ));
        let set: Value = serde_json::from_slice(&body).unwrap();
        let links = &set["linkset"][0];
        assert_eq!(links["anchor"], format!("{BASE_URL}{UNIT}"));
        let hrefs = |rel: &str| -> Vec<String> {
            links[format!("https://gs1.org/voc/{rel}")]
                .as_array()
                .unwrap_or_else(|| panic!("{rel} in {links}"))
                .iter()
                .map(|l| l["href"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            hrefs("defaultLink"),
            [format!("{BASE_URL}/c/{id}?serial=2&lang=it")]
        );
        let info = hrefs("certificationInfo");
        assert!(
            info.contains(&format!("{BASE_URL}/api/v1/certificates/{id}")),
            "{info:?}"
        );
        assert!(info.contains(&format!("{BASE_URL}/api/v1/certificates/{id}/vc")));
        assert!(hrefs("pip").contains(&format!("{BASE_URL}/products/08012345678907?lang=en")));
        assert_eq!(
            hrefs("traceability"),
            [format!("{BASE_URL}/api/v1/lots/{lot_id}/epcis")]
        );
        for targets in links
            .as_object()
            .unwrap()
            .values()
            .filter_map(Value::as_array)
        {
            for t in targets {
                assert!(t["title"].is_string() && t["type"].is_string(), "{t}");
            }
        }
    }
}

#[tokio::test]
async fn rule_5_14_and_5_12_one_default_link_also_typed_as_certification_info() {
    let (app, _) = app_with_lot().await;
    let (_, _, body) = send(
        &app,
        Method::GET,
        &format!("{UNIT}?linkType=linkset"),
        &[("accept-language", "en")],
    )
    .await;
    let set: Value = serde_json::from_slice(&body).unwrap();
    let links = &set["linkset"][0];
    let default = links["https://gs1.org/voc/defaultLink"].as_array().unwrap();
    assert_eq!(default.len(), 1);
    assert_eq!(default[0]["hreflang"], serde_json::json!(["en"]));
    let info = links["https://gs1.org/voc/certificationInfo"]
        .as_array()
        .unwrap();
    assert!(info.iter().any(|l| l["href"] == default[0]["href"]));
}

#[tokio::test]
async fn rule_5_16_every_level_has_a_default_link() {
    let (app, issued) = app_with_lot().await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    for (path, want) in [
        (
            "/01/08012345678907",
            format!("{BASE_URL}/products/08012345678907?lang=it"),
        ),
        (
            "/01/8012345678907",
            format!("{BASE_URL}/products/08012345678907?lang=it"),
        ),
        (
            "/01/08012345678907/10/PAN-1",
            format!("{BASE_URL}/c/{id}?lang=it"),
        ),
        (UNIT, format!("{BASE_URL}/c/{id}?serial=2&lang=it")),
    ] {
        let (status, headers, _) = send(&app, Method::GET, path, &[]).await;
        assert_eq!(status, StatusCode::TEMPORARY_REDIRECT, "{path}");
        assert_eq!(location(&headers), want, "{path}");
        assert!(
            headers[header::LINK]
                .to_str()
                .unwrap()
                .ends_with("rel=\"linkset\"; type=\"application/linkset+json\"")
        );
        let (status, _, _) = send(&app, Method::GET, &want.replace(BASE_URL, ""), &[]).await;
        assert_eq!(status, StatusCode::OK, "{want}");
    }
}

#[tokio::test]
async fn rule_5_17_a_requested_link_type_redirects_to_that_link() {
    let (app, _) = app_with_lot().await;
    let (status, headers, _) = send(
        &app,
        Method::GET,
        &format!("{UNIT}?linkType=gs1:pip"),
        &[("accept-language", "en")],
    )
    .await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert!(
        location(&headers).starts_with(&format!("{BASE_URL}/products/08012345678907?lang=en&"))
    );
    let full = "https://ref.gs1.org/voc/traceability";
    let (status, headers, _) =
        send(&app, Method::GET, &format!("{UNIT}?linkType={full}"), &[]).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert!(
        location(&headers).contains("/epcis?linkType="),
        "{}",
        location(&headers)
    );
}

#[tokio::test]
async fn rule_5_18_a_link_type_that_is_not_there_is_a_404() {
    let (app, _) = app_with_lot().await;
    for lt in ["gs1:epil", "gs1:certificationInfo"] {
        let (status, _, _) = send(
            &app,
            Method::GET,
            &format!("/01/08012345678907?linkType={lt}"),
            &[],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{lt}");
    }
}

#[tokio::test]
async fn rule_2_6_3_an_undecidable_choice_is_a_300_with_the_fitting_links() {
    let (app, _) = app_with_lot().await;
    let path = format!("{UNIT}?linkType=gs1:certificationInfo");
    let (status, headers, body) = send(&app, Method::GET, &path, &[("accept", "*/*")]).await;
    assert_eq!(status, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(headers[header::CONTENT_TYPE], "application/linkset+json");
    let set: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        set["linkset"][0]["https://gs1.org/voc/certificationInfo"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // The media type decides when the client says what it wants.
    let (status, headers, _) =
        send(&app, Method::GET, &path, &[("accept", "application/vc")]).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    assert!(location(&headers).contains("/vc?"));
}

#[tokio::test]
async fn rule_5_19_the_whole_query_string_is_passed_on() {
    let (app, _) = app_with_lot().await;
    let (_, headers, _) = send(&app, Method::GET, &format!("{UNIT}?t=abc&17=261231"), &[]).await;
    assert!(
        location(&headers).ends_with("?serial=2&lang=it&t=abc&17=261231"),
        "{}",
        location(&headers)
    );
}

#[tokio::test]
async fn rule_5_20_the_default_link_is_in_the_visitors_language() {
    let (app, _) = app_with_lot().await;
    let (_, headers, _) = send(
        &app,
        Method::GET,
        UNIT,
        &[("accept-language", "en-GB,en;q=0.9")],
    )
    .await;
    assert!(location(&headers).contains("lang=en"));
    let (_, headers, _) = send(&app, Method::GET, UNIT, &[("accept-language", "it-IT")]).await;
    assert!(location(&headers).contains("lang=it"));
}

#[tokio::test]
async fn rule_5_21_and_5_22_the_description_file_is_at_the_well_known_place() {
    let app = TestApp::sqlite().await;
    let (status, body) = app.get("/.well-known/gs1resolver").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["resolverRoot"], BASE_URL);
    assert_eq!(body["supportedPrimaryKeys"], serde_json::json!(["01"]));
    assert_eq!(body["supportedLinkType"][0]["prefix"], "gs1:");
    assert_eq!(body["linkTypeDefaultCanBeLinkset"], false);
}

#[tokio::test]
async fn rule_5_25_a_trailing_slash_is_tolerated() {
    let (app, _) = app_with_lot().await;
    let (status, a, _) = send(&app, Method::GET, &format!("{UNIT}/"), &[]).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    let (_, b, _) = send(&app, Method::GET, UNIT, &[]).await;
    assert_eq!(location(&a), location(&b));
}

#[tokio::test]
async fn a_redirect_then_the_page_counts_one_scan() {
    let (app, issued) = app_with_lot().await;
    let lot_id = issued["lot"]["id"].as_str().unwrap();
    let record = app.state.store.lot(lot_id).await.unwrap().unwrap();
    let secret = origine::service::labels::lot_secret(&app.state.store, &record)
        .await
        .unwrap();
    let token = origine::crypto::label_token::unit_token(&secret, &record.certificate_id, 2);
    let url = origine::service::labels::unit_url(BASE_URL, &record, 2, &token);
    let path = url.strip_prefix(BASE_URL).unwrap();
    let (status, headers, _) = send(&app, Method::GET, path, &[]).await;
    assert_eq!(status, StatusCode::TEMPORARY_REDIRECT);
    let (status, _, page) = send(
        &app,
        Method::GET,
        &location(&headers).replace(BASE_URL, ""),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("<html"));
    let scans = app
        .state
        .store
        .lot_scans(&record.certificate_id)
        .await
        .unwrap();
    let total: u64 = scans.iter().map(|s| s.scans).sum();
    assert_eq!(total, 1, "{scans:?}");
}
