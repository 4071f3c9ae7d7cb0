//! Bidirectional controls (U+202E and the like) reorder the text around them on public
//! pages, so every free-text field refuses them with a 422 naming the field and nothing
//! is written — by API and by form alike.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::web::Visitor;
use crate::support::{TestApp, lot, problem_fields};

/// The controls of Unicode's `Bidi_Control` property.
const BIDI: [char; 12] = [
    '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

fn with(c: char) -> String {
    format!("Cooperativa {c}oipmeS")
}

#[tokio::test]
async fn the_api_refuses_bidi_controls_in_every_free_text_field() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let body = app.issue(&seed.producer_token, "PAN-2026-11-A").await;
    let certificate = body["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let size = app.state.store.log_size().await.unwrap();
    let producers = app.state.store.producers().await.unwrap().len();
    for c in BIDI {
        let institute = json!({"code": "cc-roma", "name": "Casa Circondariale Roma",
            "kind": "casa_circondariale", "city": "Roma", "region": "Lazio"});
        let producer = json!({"name": "Cooperativa Tre", "legal_form": "cooperativa_sociale",
            "vat_number": "01234560157", "institutes": ["cr-milano-opera"],
            "website": "https://coop-tre.example/"});
        let mut cases: Vec<(&str, String, Value, &str)> = Vec::new();
        for (field, path) in [("name", "/name"), ("city", "/city")] {
            let mut v = institute.clone();
            *v.pointer_mut(path).unwrap() = with(c).into();
            cases.push(("/api/v1/institutes", seed.admin.clone(), v, field));
        }
        for (field, value) in [
            ("name", with(c)),
            ("website", format!("https://coop-tre.example/{c}x")),
        ] {
            let mut v = producer.clone();
            v[field] = value.into();
            cases.push(("/api/v1/producers", seed.admin.clone(), v, field));
        }
        for (field, path) in [
            ("product.name", "/product/name"),
            ("claims.statement", "/claims/statement"),
            ("claims.evidence[0].label", "/claims/evidence/0/label"),
        ] {
            let mut v = lot(&format!("BIDI-{}", u32::from(c)));
            *v.pointer_mut(path).unwrap() = with(c).into();
            cases.push(("/api/v1/lots", seed.producer_token.clone(), v, field));
        }
        let status_path = format!("/api/v1/certificates/{certificate}/status");
        cases.push((
            &status_path,
            seed.admin.clone(),
            json!({"status": "suspended", "reason": with(c)}),
            "reason",
        ));
        let token_path = format!("/api/v1/producers/{}/tokens", seed.producer);
        cases.push((
            &token_path,
            seed.admin.clone(),
            json!({"label": with(c)}),
            "label",
        ));
        for (path, token, body, field) in cases {
            let (status, problem) = app.post(path, &token, body).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "U+{:04X} in {field} of {path}: {problem}",
                u32::from(c)
            );
            assert_eq!(problem_fields(&problem), [field], "{problem}");
        }
    }
    assert_eq!(
        app.state.store.log_size().await.unwrap(),
        size,
        "nothing logged"
    );
    assert_eq!(app.state.store.producers().await.unwrap().len(), producers);
    assert!(
        app.state
            .store
            .institute("cc-roma")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn forms_refuse_bidi_controls_next_to_the_field() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app.user("pa@x.it", "producer", Some(&seed.producer)).await;
    let web = Visitor::new(&app);
    web.login("pa@x.it", &password).await;
    let name = with('\u{202E}');
    let page = web
        .submit(
            "/workspace/lots/new",
            "/workspace/lots",
            &[
                ("product.name", name.as_str()),
                ("product.category", "food"),
                ("institute", "cr-milano-opera"),
                ("lot_code", "WEB-1"),
                ("quantity", "48"),
                ("unit", "pcs"),
                ("produced_from", "2026-10-01"),
                ("produced_to", "2026-10-31"),
                ("claims.detained_workers", "6"),
                ("claims.total_workers", "8"),
                ("claims.work_hours", "960"),
                ("claims.training_hours", "120"),
                ("claims.employment", "employee"),
                ("claims.statement", ""),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let errors = page.field_errors();
    assert!(
        errors
            .iter()
            .any(|(id, text)| id == "f-product-name" && text.contains("U+202E")),
        "{errors:?}"
    );
    assert!(
        app.state
            .store
            .lots(Some(&seed.producer))
            .await
            .unwrap()
            .is_empty()
    );

    let admin_password = app.user("autorita@origine.example", "admin", None).await;
    let admin = Visitor::new(&app);
    admin
        .login("autorita@origine.example", &admin_password)
        .await;
    let page = admin
        .submit(
            "/admin",
            "/admin/producers",
            &[
                ("name", name.as_str()),
                ("legal_form", "cooperativa_sociale"),
                ("vat_number", "01234560157"),
                ("institutes", "cr-milano-opera"),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.field_errors().contains_key("f-p-name"),
        "{:?}",
        page.field_errors()
    );
    assert_eq!(app.state.store.producers().await.unwrap().len(), 2);
}
