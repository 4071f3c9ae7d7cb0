//! Server-rendered pages: the verification page a phone opens after a scan, and the home page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::AppState;
use super::error::AppError;
use super::extract::{ApiPath, ApiQuery};
use super::session::{Lang, Nav, Viewer};
use crate::service::report::{Report, StatusChangeView, report};

/// Renders a template as an HTML response.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    l: Lang,
    nav: Nav,
    id: String,
    seq: i64,
    status: String,
    verdict_it: &'static str,
    verdict_en: &'static str,
    product: String,
    producer: String,
    legal_form: String,
    vat_number: String,
    institute: String,
    city: String,
    region: String,
    lot_code: String,
    quantity: u64,
    unit: String,
    produced_from: String,
    produced_to: String,
    gtin: Option<String>,
    detained_workers: u64,
    total_workers: u64,
    work_hours: u64,
    training_hours: u64,
    employment: String,
    employment_it: &'static str,
    statement: Option<String>,
    issued_at: String,
    history: Vec<HistoryRow>,
    warnings: Vec<String>,
}

/// One line of the status history, in words.
struct HistoryRow {
    when: String,
    what_it: &'static str,
    status_it: &'static str,
    status: String,
    reason: String,
}

impl HistoryRow {
    fn from_view(h: StatusChangeView) -> Self {
        Self {
            when: readable_time(&h.effective_at),
            what_it: if h.subject == "producer" {
                "produttore"
            } else {
                "certificato"
            },
            status_it: match h.status.as_str() {
                "valid" => "valido",
                "accredited" => "accreditato",
                "suspended" => "sospeso",
                "revoked" => "revocato",
                _ => "altro",
            },
            status: h.status,
            reason: h.reason,
        }
    }
}

/// `2026-11-24T09:30:00Z` as `24/11/2026 09:30 UTC`.
fn readable_time(rfc3339: &str) -> String {
    match (
        rfc3339.get(0..4),
        rfc3339.get(5..7),
        rfc3339.get(8..10),
        rfc3339.get(11..16),
    ) {
        (Some(y), Some(m), Some(d), Some(hm)) => format!("{d}/{m}/{y} {hm} UTC"),
        _ => rfc3339.to_owned(),
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    l: Lang,
    nav: Nav,
    title: &'a str,
    text: &'a str,
}

/// A short page with a title and one paragraph, such as an error.
pub fn message_for(status: StatusCode, l: Lang, nav: Nav, title: &str, text: &str) -> Response {
    render(
        status,
        &MessagePage {
            l,
            nav,
            title,
            text,
        },
    )
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Lang,
    nav: Nav,
}

fn verdict(status: &str) -> (&'static str, &'static str) {
    match status {
        "valid" => ("Certificato valido", "Valid certificate"),
        "suspended" => ("Certificato sospeso", "Certificate suspended"),
        "revoked" => ("Certificato revocato", "Certificate revoked"),
        "suspicious" => (
            "Etichetta sospetta: potrebbe essere una copia",
            "Suspicious label: it may have been copied",
        ),
        _ => (
            "Certificato NON valido",
            "Certificate NOT valid: it failed verification",
        ),
    }
}

fn employment_it(kind: &str) -> &'static str {
    match kind {
        "employee" => "lavoro dipendente",
        "apprentice" => "apprendistato",
        "traineeship" => "tirocinio",
        "self_employed" => "lavoro autonomo",
        _ => "altro",
    }
}

impl CertificatePage {
    fn from_report(r: Report, l: Lang, nav: Nav) -> Self {
        let c = &r.certificate;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let n = |v: &serde_json::Value| v.as_u64().unwrap_or_default();
        let (verdict_it, verdict_en) = verdict(&r.status);
        let employment = s(&c["claims"]["employment"]);
        Self {
            l,
            nav,
            seq: c["seq"].as_i64().unwrap_or_default(),
            status: r.status.clone(),
            verdict_it,
            verdict_en,
            product: s(&c["product"]["name"]),
            producer: s(&c["producer"]["name"]),
            legal_form: s(&c["producer"]["legal_form"]).replace('_', " "),
            vat_number: s(&c["producer"]["vat_number"]),
            institute: s(&c["institute"]["name"]),
            city: s(&c["institute"]["city"]),
            region: s(&c["institute"]["region"]),
            lot_code: s(&c["lot"]["code"]),
            quantity: n(&c["lot"]["quantity"]),
            unit: s(&c["lot"]["unit"]),
            produced_from: s(&c["lot"]["produced_from"]),
            produced_to: s(&c["lot"]["produced_to"]),
            gtin: c["product"]["gtin"].as_str().map(str::to_owned),
            detained_workers: n(&c["claims"]["detained_workers"]),
            total_workers: n(&c["claims"]["total_workers"]),
            work_hours: n(&c["claims"]["work_hours"]),
            training_hours: n(&c["claims"]["training_hours"]),
            employment_it: employment_it(&employment),
            employment,
            statement: c["claims"]["statement"].as_str().map(str::to_owned),
            issued_at: readable_time(&s(&c["issued_at"])),
            history: r
                .status_history
                .into_iter()
                .map(HistoryRow::from_view)
                .collect(),
            warnings: r.warnings,
            id: r.id,
        }
    }
}

/// The verification page a QR code points to (public, HTML).
#[utoipa::path(get, path = "/c/{id}", tag = "pages",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, content_type = "text/html", body = String)))]
pub async fn certificate(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(unit): ApiQuery<super::certificates::UnitQuery>,
    client: super::extract::Client,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let scan = unit.scan(client);
    if scan.is_none() {
        // Without a unit serial the page changes only with the database or the keys.
        if let Some(cached) = app
            .reports
            .report(&*app.store, &app.keys.current(), &id)
            .await?
        {
            if viewer.session.is_some() {
                return Ok(certificate_page(cached.report.clone(), l, &viewer));
            }
            let slot = usize::from(l == Lang::En);
            let html = cached.html(slot, |r| {
                CertificatePage::from_report(r.clone(), l, Nav::default())
                    .render()
                    .map(Bytes::from)
                    .unwrap_or_default()
            });
            if !html.is_empty() {
                return Ok(Html(html).into_response());
            }
            return Ok(certificate_page(cached.report.clone(), l, &viewer));
        }
    }
    Ok(
        match report(&*app.store, &app.keys.current(), &id, scan.as_ref()).await? {
            Some(r) => certificate_page(r, l, &viewer),
            None => message_for(
                StatusCode::NOT_FOUND,
                l,
                Nav::from(&viewer),
                l.s("Certificato non trovato", "Certificate not found"),
                l.s(
                    "Nessun certificato ha questo codice. Controlla di averlo scritto per intero.",
                    "No certificate has this code. Check that you typed all of it.",
                ),
            ),
        },
    )
}

/// The verification page for a report.
pub fn certificate_page(r: Report, l: Lang, viewer: &Viewer) -> Response {
    render(
        StatusCode::OK,
        &CertificatePage::from_report(r, l, Nav::from(viewer)),
    )
}

/// `/c?id=…` from the code form.
#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    id: String,
}

/// Sends the code form to the certificate's page.
pub async fn lookup(ApiQuery(q): ApiQuery<CodeQuery>) -> Response {
    let id: String =
        q.id.trim()
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
    Redirect::to(&format!("/c/{id}")).into_response()
}

/// The home page.
pub async fn home(l: Lang, viewer: Viewer) -> Response {
    render(
        StatusCode::OK,
        &HomePage {
            l,
            nav: Nav::from(&viewer),
        },
    )
}
