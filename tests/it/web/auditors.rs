//! Auditors: read everything, change nothing; the dashboard with figures, charts, exports,
//! integrity and the trail.

use super::*;

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
