//! Language: the visitor's, remembered on a switch, one at a time on each page.

use super::*;

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
