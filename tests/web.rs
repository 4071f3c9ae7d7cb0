//! The pages with accounts: login, sessions, CSRF, the producer workspace, the admin pages,
//! who may open what, escaping and language.

mod support;

use axum::http::{StatusCode, header};
use support::TestApp;
use support::web::{Page, Visitor};

const XSS: &str = "<script>alert(1)</script>";

fn assert_escaped(page: &Page, what: &str) {
    assert!(
        !page.body.contains("<script>"),
        "{what}: a raw <script> reached the page"
    );
    let csp = page
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{what}: CSP is {csp:?}");
}

/// A lot form as a producer fills it in, with `changes` applied.
fn lot_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("product.name", "Biscotti al farro"),
        ("product.category", "food"),
        ("product.gtin", "8012345678907"),
        ("institute", "cr-milano-opera"),
        ("lot_code", "WEB-1"),
        ("quantity", "48"),
        ("unit", "pcs"),
        ("produced_from", "2026-10-01"),
        ("produced_to", "2026-10-31"),
        ("serialised", "1"),
        ("claims.detained_workers", "6"),
        ("claims.total_workers", "8"),
        ("claims.work_hours", "960"),
        ("claims.training_hours", "120"),
        ("claims.employment", "employee"),
        ("claims.statement", ""),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

#[tokio::test]
async fn people_log_in_and_out_and_only_a_hash_of_the_session_is_stored() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("Ufficio@Coop-Uno.it", "producer", Some(&seed.producer))
        .await;
    let web = Visitor::new(&app);

    let page = web.get("/workspace").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.location(), "/login?next=%2Fworkspace");

    let wrong = web
        .submit(
            "/login",
            "/login",
            &[
                ("email", "ufficio@coop-uno.it"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("Email o password non corretti"),
        "{}",
        wrong.body
    );
    let unknown = web
        .submit(
            "/login",
            "/login",
            &[
                ("email", "nobody@coop-uno.it"),
                ("password", "not-the-password"),
            ],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(web.cookie("origine_session").is_none());

    let page = web
        .submit(
            "/login?next=%2Fworkspace%2Flots%2Fnew",
            "/login",
            &[
                ("email", "UFFICIO@coop-uno.it"),
                ("password", &password),
                ("next", "/workspace/lots/new"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/workspace/lots/new");
    let set_cookie = page
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set_cookie.starts_with("origine_session="), "{set_cookie}");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    let secret = web.cookie("origine_session").unwrap();
    // The store finds the session by the hash of the secret, never by the secret itself.
    let now = origine::time_fmt::now();
    assert!(
        app.state
            .store
            .session(&secret, &now)
            .await
            .unwrap()
            .is_none()
    );
    let hashed = origine::crypto::jcs::sha256_hex(secret.as_bytes());
    assert!(
        app.state
            .store
            .session(&hashed, &now)
            .await
            .unwrap()
            .is_some()
    );

    let page = web.get("/workspace").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Cooperativa Uno"));

    // A login page may not send anyone to another site afterwards.
    let other = Visitor::new(&app);
    let page = other
        .submit(
            "/login",
            "/login",
            &[
                ("email", "ufficio@coop-uno.it"),
                ("password", &password),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/workspace");

    let page = web.submit("/workspace", "/logout", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(web.cookie("origine_session").is_none());
    assert!(
        app.state
            .store
            .session(&hashed, &now)
            .await
            .unwrap()
            .is_none(),
        "session ended in the store"
    );
    assert_eq!(web.get("/workspace").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn failed_logins_are_limited_per_email() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("ufficio@coop-uno.it", "producer", Some(&seed.producer))
        .await;
    let other_password = app
        .user("ufficio@coop-due.it", "producer", Some(&seed.other))
        .await;
    let web = Visitor::new(&app);
    for _ in 0..5 {
        let page = web
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "ufficio@coop-uno.it"),
                    ("password", "guess-guess-guess"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits.
    let page = web
        .submit(
            "/login",
            "/login",
            &[("email", "ufficio@coop-uno.it"), ("password", &password)],
        )
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(page.headers.get(header::RETRY_AFTER).unwrap(), "60");
    assert!(web.cookie("origine_session").is_none());
    // Another account is not locked out by someone guessing this one.
    web.login("ufficio@coop-due.it", &other_password).await;
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let password = app
        .user("ufficio@coop-uno.it", "producer", Some(&seed.producer))
        .await;
    let web = Visitor::new(&app);

    // Login itself needs the token of the page that showed the form.
    let page = web
        .post_raw(
            "/login",
            &[("email", "ufficio@coop-uno.it"), ("password", &password)],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("\"field\":\"csrf\""), "{}", page.body);
    assert!(web.cookie("origine_session").is_none());

    web.login("ufficio@coop-uno.it", &password).await;
    let fields = lot_form(&[]);
    let page = web.post_raw("/workspace/lots", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    let mut forged = vec![("csrf", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")];
    forged.extend_from_slice(&fields);
    let page = web.post_raw("/workspace/lots", &forged).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        app.state
            .store
            .lots(Some(&seed.producer))
            .await
            .unwrap()
            .is_empty(),
        "no lot was made"
    );
    assert_eq!(
        app.state.store.log_size().await.unwrap(),
        0,
        "nothing entered the log"
    );

    // A forged logout does not end the session.
    let page = web.post_raw("/logout", &[]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/workspace").await.status, StatusCode::OK);

    // The API's writes never accept the session cookie in place of a token.
    let (status, _) = app
        .call(axum::http::Method::GET, "/api/v1/lots", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

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

#[tokio::test]
async fn an_auditor_reads_but_cannot_change_anything() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let created = app.issue(&seed.producer_token, "AUD-1").await;
    let certificate = created["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let password = app.user("ispettore@cnel.example", "auditor", None).await;
    let web = Visitor::new(&app);
    web.login("ispettore@cnel.example", &password).await;
    let size = app.state.store.log_size().await.unwrap();

    assert_eq!(web.get("/admin").await.status, StatusCode::FORBIDDEN);
    assert_eq!(web.get("/workspace").await.status, StatusCode::FORBIDDEN);
    let csrf = web.get("/account").await.csrf();
    for (path, fields) in [
        (
            "/admin/certificates/status",
            vec![
                ("certificate", certificate.as_str()),
                ("status", "revoked"),
                ("reason", "auditor tries"),
            ],
        ),
        (
            "/admin/producers/status",
            vec![
                ("producer", seed.producer.as_str()),
                ("status", "revoked"),
                ("reason", "auditor tries"),
            ],
        ),
        (
            "/admin/institutes",
            vec![
                ("code", "cc-roma"),
                ("name", "Roma"),
                ("kind", "casa_circondariale"),
                ("city", "Roma"),
                ("region", "Lazio"),
            ],
        ),
        (
            "/admin/users",
            vec![("email", "x@cnel.example"), ("role", "admin")],
        ),
        ("/admin/tokens", vec![("producer", seed.producer.as_str())]),
        ("/workspace/lots", lot_form(&[])),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let page = web.post_raw(path, &all).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}: {}", page.body);
    }
    assert_eq!(
        app.state.store.log_size().await.unwrap(),
        size,
        "the log did not move"
    );
    assert_eq!(app.state.store.institutes().await.unwrap().len(), 2);
    assert_eq!(app.state.store.users().await.unwrap().len(), 1);
    assert!(
        app.state
            .store
            .tokens(Some(&seed.producer))
            .await
            .unwrap()
            .len()
            == 1
    );
    // Reading is allowed, through the API with the session too.
    let page = web.get("/api/v1/lots").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("AUD-1"));
}

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
        .find(|p| p.vat_number == "00488410010")
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

#[tokio::test]
async fn pages_speak_the_visitors_language_and_remember_the_switch() {
    let app = TestApp::sqlite().await;
    let mut web = Visitor::new(&app);
    web.language = "en-GB,en;q=0.9";
    let page = web.get("/login").await;
    assert!(page.body.contains("<html lang=\"en\">") && page.body.contains(">Log in<"));
    assert_eq!(page.headers[header::VARY], "Accept-Language, Cookie");
    let page = web.get("/login?lang=it").await;
    assert!(page.body.contains("<html lang=\"it\">") && page.body.contains(">Accedi<"));
    assert_eq!(web.cookie("origine_lang").as_deref(), Some("it"));
    let page = web.get("/verify").await;
    assert!(
        page.body.contains("<html lang=\"it\">"),
        "the switch is remembered over the browser's language"
    );
    web.language = "de-DE";
    web.clear_cookies();
    assert!(
        web.get("/").await.body.contains("<html lang=\"it\">"),
        "Italian first"
    );
}

#[tokio::test]
async fn the_auditor_dashboard_shows_figures_charts_exports_integrity_and_the_trail() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    app.issue(&seed.producer_token, "IMP-1").await;
    app.issue(&seed.producer_token, "IMP-2").await;
    let password = app.user("ispettore@cnel.example", "auditor", None).await;
    let web = Visitor::new(&app);
    web.login("ispettore@cnel.example", &password).await;

    // The seed's lots were made in October 2026 at Milano Opera (Lombardia): 2 lots of 500
    // pieces, 6 detained workers and 960 work hours each.
    let page = web
        .get("/audit?from=2026-01&to=2026-12&group_by=region")
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("<th scope=\"row\">Lombardia</th><td class=\"num\">2</td><td class=\"num\">1000</td><td class=\"num\">12</td><td class=\"num\">6</td><td class=\"num\">1920</td>"), "{}", page.body);
    assert_eq!(page.body.matches("<svg").count(), 4, "four charts");
    assert!(page.body.contains("role=\"img\""));
    assert!(
        page.body.contains("accredit_producer") && page.body.contains("token:"),
        "trail shown"
    );
    assert!(page.body.contains("Ultimo audit del server"));
    assert_escaped(&page, "audit dashboard");

    let csv = web
        .get("/audit/impact.csv?from=2026-01&to=2026-12&group_by=month")
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines.len(),
        1 + 12 + 1,
        "header, twelve months, total: {}",
        csv.body
    );
    assert!(lines[10].starts_with("2026-10,"), "{}", lines[10]);
    let json = web
        .get("/audit/impact.json?from=2026-10&to=2026-10&group_by=producer")
        .await;
    let report: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(report["totals"]["work_hours"], 1920);
    assert_eq!(report["rows"][0]["key"], seed.producer.as_str());

    // A bad parameter: the page names it next to the filter, the export as a problem.
    let page = web.get("/audit?from=2026-13&to=2026-12").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.field_errors().contains_key("f-from"),
        "{:?}",
        page.field_errors()
    );
    let bad = web
        .get("/audit/impact.csv?from=2026-01&to=2026-12&group_by=colour")
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let problem: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(problem["errors"][0]["field"], "group_by");

    let trail = web.get("/audit/trail.csv").await;
    assert!(trail.body.starts_with("at,actor,action,subject,detail\r\n"));
    assert_eq!(trail.body.lines().count(), 1 + 6, "{}", trail.body);

    // Producers may not read it; nobody signed out may either.
    let stranger = Visitor::new(&app);
    assert_eq!(
        stranger
            .get("/audit/impact.json?from=2026-01&to=2026-12")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn the_certificate_page_and_the_register_speak_one_language_at_a_time() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let created = app.issue(&seed.producer_token, "LANG-1").await;
    let id = created["bundle"]["certificate"]["id"].as_str().unwrap();
    let certificate = format!("/c/{id}");
    let mut web = Visitor::new(&app);

    // No Accept-Language at all: Italian.
    web.language = "";
    let page = web.get(&certificate).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"it\">"), "{}", page.body);
    for text in [
        "<strong>Certificato valido</strong>",
        "6 persone detenute su 8 lavoratori",
        "960 ore di lavoro",
        "120 ore di formazione",
        "Tipo di contratto: lavoro dipendente",
        "dal 01/10/2026 al 31/10/2026",
        "500 pezzi",
        "Verificalo tu stesso",
    ] {
        assert!(page.body.contains(text), "{text:?} missing: {}", page.body);
    }
    for english in ["Valid certificate", "workers are detained", "class=\"en\""] {
        assert!(
            !page.body.contains(english),
            "{english:?} on the Italian page"
        );
    }
    let page = web.get("/producers").await;
    assert!(
        page.body.contains("<html lang=\"it\">")
            && page.body.contains("<h1>Registro dei produttori</h1>")
    );
    assert!(
        page.body
            .contains("<strong class=\"status-valid\">accreditato</strong>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Register of producers") && !page.body.contains("class=\"en\""));

    // A browser that prefers English.
    web.language = "en";
    let page = web.get(&certificate).await;
    assert!(page.body.contains("<html lang=\"en\">"), "{}", page.body);
    for text in [
        "<strong>Valid certificate</strong>",
        "6 of the 8 workers are detained",
        "960 hours of work",
        "120 hours of training",
        "Type of contract: employee",
        "from 01/10/2026 to 31/10/2026",
        "500 pieces",
        "Check it yourself",
    ] {
        assert!(page.body.contains(text), "{text:?} missing: {}", page.body);
    }
    for italian in ["Certificato valido", "persone detenute", "class=\"en\""] {
        assert!(
            !page.body.contains(italian),
            "{italian:?} on the English page"
        );
    }
    let page = web.get("/producers").await;
    assert!(
        page.body.contains("<html lang=\"en\">")
            && page.body.contains("<h1>Register of producers</h1>")
    );
    assert!(
        page.body
            .contains("<strong class=\"status-valid\">accredited</strong>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Registro dei produttori") && !page.body.contains("accreditato"));

    // A suspension reads as such in either language, with its reason.
    let (status, body) = app
        .post(
            &format!("/api/v1/certificates/{id}/status"),
            &seed.admin,
            serde_json::json!({"status": "suspended", "reason": "controllo del lotto"}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let page = web.get(&certificate).await;
    assert!(
        page.body
            .contains("<div class=\"verdict suspended\" role=\"status\"")
    );
    assert!(
        page.body.contains("<strong>Certificate suspended</strong>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Reason: controllo del lotto"),
        "{}",
        page.body
    );
    web.language = "";
    let page = web.get(&certificate).await;
    assert!(
        page.body.contains("<strong>Certificato sospeso</strong>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Motivo: controllo del lotto"),
        "{}",
        page.body
    );
}
