//! The producer workspace: registering a lot through the form, downloading its labels, and
//! nothing of other producers.

use super::*;

#[tokio::test]
async fn a_producer_registers_a_lot_through_the_form_and_downloads_its_labels() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("ufficio@coop-uno.it", "producer", Some(&seed.producer))
        .await;
    let web = Visitor::new(&app);
    web.login("ufficio@coop-uno.it", &password).await;

    let form = web.get("/workspace/lots/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains("<option value=\"cr-milano-opera\" selected>"),
        "its one institute is preselected"
    );

    // Wrong values: every error next to its field, in Italian, the values kept, nothing made.
    let bad = lot_form(&[
        ("product.name", XSS),
        ("lot_code", ""),
        ("quantity", "dodici"),
        ("produced_to", "2026-09-01"),
        ("claims.detained_workers", "9"),
        ("product.gtin", "8012345678901"),
    ]);
    let page = web
        .submit("/workspace/lots/new", "/workspace/lots", &bad)
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let errors = page.field_errors();
    assert_eq!(errors["f-quantity"], "deve essere un numero intero");
    assert_eq!(
        errors["f-produced_to"],
        "non può essere prima dell&#39;inizio della produzione"
    );
    assert_eq!(
        errors["f-claims-detained_workers"],
        "non può superare il totale dei lavoratori"
    );
    assert!(
        errors.contains_key("f-lot_code") && errors.contains_key("f-product-gtin"),
        "{errors:?}"
    );
    assert!(
        !errors.contains_key("f-product-name"),
        "the name is fine: {errors:?}"
    );
    assert!(
        page.body
            .contains("value=\"&#60;script&#62;alert(1)&#60;/script&#62;\""),
        "value kept, escaped"
    );
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert_escaped(&page, "lot form with errors");
    assert_eq!(app.state.store.log_size().await.unwrap(), 0);

    // Right values: certified, then shown.
    let good = lot_form(&[("product.name", XSS)]);
    let page = web
        .submit("/workspace/lots/new", "/workspace/lots", &good)
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let lot_page = page.location().to_owned();
    assert!(lot_page.starts_with("/workspace/lots/"));
    let lot_id = lot_page.trim_start_matches("/workspace/lots/").to_owned();
    let lots = app.state.store.lots(Some(&seed.producer)).await.unwrap();
    assert_eq!(lots.len(), 1);
    assert_eq!(lots[0].id, lot_id);
    assert_eq!(lots[0].product_name, XSS);

    let page = web.get(&lot_page).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Certificato valido"));
    assert!(page.body.contains(&lots[0].certificate_id));
    assert_escaped(&page, "lot page");
    // Same lot code again: the error stands next to the lot code.
    let page = web
        .submit("/workspace/lots/new", "/workspace/lots", &good)
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        page.field_errors()["f-lot_code"],
        "hai già registrato un lotto con questo codice"
    );

    // The label links of the lot page work with the session.
    let pdf = web
        .get(&format!("/api/v1/lots/{lot_id}/labels.pdf?layout=3x8"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    let png = web
        .get(&format!("/api/v1/lots/{lot_id}/labels/1.png"))
        .await;
    assert_eq!(png.headers[header::CONTENT_TYPE], "image/png");

    let page = web.get("/workspace").await;
    assert!(page.body.contains("WEB-1") && page.body.contains(&lots[0].certificate_id));
    assert_escaped(&page, "workspace");
    let page = web.get(&format!("/c/{}", lots[0].certificate_id)).await;
    assert_escaped(&page, "certificate page");
}

#[tokio::test]
async fn a_producer_cannot_open_another_producers_pages() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let created = app.issue(&seed.producer_token, "MINE-1").await;
    let lot_id = created["lot"]["id"].as_str().unwrap();
    let password = app
        .user("ufficio@coop-due.it", "producer", Some(&seed.other))
        .await;
    let web = Visitor::new(&app);
    web.login("ufficio@coop-due.it", &password).await;

    let page = web.get(&format!("/workspace/lots/{lot_id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains("MINE-1"));
    for path in [
        format!("/api/v1/lots/{lot_id}/labels.pdf"),
        format!("/api/v1/lots/{lot_id}/labels/1.png"),
        format!("/api/v1/lots/{lot_id}/scans"),
        format!("/api/v1/lots/{lot_id}"),
    ] {
        assert_eq!(web.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(web.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/audit").await.status, StatusCode::FORBIDDEN);
    let page = web.get("/workspace").await;
    assert!(page.body.contains("Cooperativa Due") && !page.body.contains("MINE-1"));
}
