//! The admin pages: accrediting, suspending, creating accounts, each leaving a trail.

use super::*;

#[tokio::test]
async fn admin_pages_accredit_suspend_create_accounts_and_leave_a_trail() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app.user("autorita@origine.example", "admin", None).await;
    let web = Visitor::new(&app);
    web.login("autorita@origine.example", &password).await;
    assert_eq!(web.get("/admin").await.status, StatusCode::OK);

    let page = web
        .submit(
            "/admin",
            "/admin/institutes",
            &[
                ("code", "cc-roma-rebibbia"),
                ("name", "Casa Circondariale Roma Rebibbia"),
                ("kind", "casa_circondariale"),
                ("city", "Roma"),
                ("region", "Lazio"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        app.state
            .store
            .institute("cc-roma-rebibbia")
            .await
            .unwrap()
            .is_some()
    );

    // A wrong VAT number: the error is next to it and nothing is accredited.
    let producer_fields = |vat: &'static str| {
        vec![
            ("name", XSS),
            ("legal_form", "cooperativa_sociale"),
            ("vat_number", vat),
            ("institutes", "cc-roma-rebibbia"),
            ("institutes", "cr-milano-opera"),
        ]
    };
    let page = web
        .submit(
            "/admin",
            "/admin/producers",
            &producer_fields("00488410011"),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.field_errors().contains_key("f-p-vat_number"),
        "{:?}",
        page.field_errors()
    );
    assert!(
        page.body.contains("value=\"cc-roma-rebibbia\" checked"),
        "ticked institutes kept"
    );
    assert_eq!(app.state.store.producers().await.unwrap().len(), 2);
    let page = web
        .submit(
            "/admin",
            "/admin/producers",
            &producer_fields("00488410010"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_escaped(&page, "admin page");
    let made = app
        .state
        .store
        .producers()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.vat_number.as_str() == "00488410010")
        .expect("accredited");
    assert_eq!(made.institutes.len(), 2);

    // An account for it: the first password is shown once and works.
    let page = web
        .submit(
            "/admin",
            "/admin/users",
            &[
                ("email", "nuova@coop.example"),
                ("role", "producer"),
                ("producer_id", &made.id),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let shown = page
        .body
        .split("<p class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(shown.len(), 20);
    let newcomer = Visitor::new(&app);
    newcomer.login("nuova@coop.example", &shown).await;
    assert_escaped(
        &newcomer.get("/workspace").await,
        "new producer's workspace",
    );

    // Suspension with a reason: a signed log entry, public, and no new lots.
    let size = app.state.store.log_size().await.unwrap();
    let page = web
        .submit(
            "/admin",
            "/admin/producers/status",
            &[
                ("producer", &made.id),
                ("status", "suspended"),
                ("reason", "verifica in corso"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(app.state.store.log_size().await.unwrap(), size + 1);
    let public = web.get(&format!("/producers/{}", made.id)).await;
    assert!(public.body.contains("sospeso"), "{}", public.body);
    assert_escaped(&public, "public producer page");
    let page = newcomer
        .submit(
            "/workspace/lots/new",
            "/workspace/lots",
            &lot_form(&[("institute", "cc-roma-rebibbia")]),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("suspended"), "{}", page.body);

    // A status without a reason is refused next to the field.
    let page = web
        .submit(
            "/admin",
            "/admin/producers/status",
            &[
                ("producer", &seed.producer),
                ("status", "revoked"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.field_errors().contains_key("f-ps-reason"));

    // A token for it, shown once.
    let page = web
        .submit(
            "/admin",
            "/admin/tokens",
            &[("producer", &made.id), ("label", "gestionale")],
        )
        .await;
    let token = page
        .body
        .split("<p class=\"secret\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(token.starts_with("org_"));

    let trail = app.state.store.admin_actions(50).await.unwrap();
    let actions: Vec<&str> = trail.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create_token",
            "producer_status",
            "create_user",
            "accredit_producer",
            "create_institute",
            // The seed's, made through the API with the admin token.
            "create_token",
            "create_token",
            "accredit_producer",
            "accredit_producer",
            "create_institute",
            "create_institute",
        ]
    );
    assert!(
        trail[..5]
            .iter()
            .all(|a| a.actor == "user:autorita@origine.example")
    );
    assert!(trail[5..].iter().all(|a| a.actor.starts_with("token:")));
    assert_eq!(trail[1].detail, "suspended: verifica in corso");
    assert!(web.get("/admin").await.body.contains("verifica in corso"));
}
