//! Server-rendered pages: the verification page a phone opens after a scan, and the home page.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::lang::Lang;
use super::render::Nav;
use super::render::{message_for, render};
use super::words::{employment_name, legal_form_name, period, readable_time, unit_name};
use crate::domain::{ReportStatus, SerialCheck, Subject};
use crate::http::caller::Viewer;
use crate::http::error::AppError;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::state::AppState;
use crate::service::report::{Report, StatusChangeView, report};

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    l: Lang,
    nav: Nav,
    id: String,
    seq: i64,
    /// `valid`, `suspended`, `revoked`, `suspicious` or `invalid`: the verdict's class.
    status: ReportStatus,
    verdict: Verdict,
    product: String,
    producer_id: String,
    producer: String,
    legal_form: &'static str,
    vat_number: String,
    institute: String,
    city: String,
    region: String,
    lot_code: String,
    quantity: u64,
    unit: String,
    produced: String,
    gtin: Option<String>,
    claims: Vec<String>,
    statement: Option<String>,
    /// The issue and every status change since, oldest first.
    history: Vec<HistoryRow>,
    /// The report's warnings as the API gives them (English, technical).
    warnings: Vec<String>,
}

/// The verdict in words: a title, a sign that does not rely on colour, what it means and,
/// when a check failed, what went wrong.
struct Verdict {
    title: &'static str,
    sign: &'static str,
    note: &'static str,
    problems: Vec<&'static str>,
}

impl Verdict {
    fn of(r: &Report, l: Lang) -> Self {
        // Whether the certificate's own status (not the producer's) decided the verdict.
        let own = r
            .status_history
            .iter()
            .rev()
            .find(|h| h.subject == Subject::Certificate)
            .is_some_and(|h| h.status == r.status.as_str());
        let (title, sign, note) = match r.status {
            ReportStatus::Valid => (
                l.s("Certificato valido", "Valid certificate"),
                "✓",
                l.s(
                    "Il certificato è autentico, è nel registro pubblico e il produttore è accreditato. Controllato adesso.",
                    "The certificate is genuine, it is in the public register and the producer is accredited. Checked just now.",
                ),
            ),
            ReportStatus::Suspended => (
                l.s("Certificato sospeso", "Certificate suspended"),
                "!",
                if own {
                    l.s(
                        "Per ora questo certificato non garantisce il prodotto. Il motivo è nella storia qui sotto.",
                        "For now this certificate does not vouch for the product. The reason is in the history below.",
                    )
                } else {
                    l.s(
                        "Il produttore è sospeso: per ora questo certificato non garantisce il prodotto.",
                        "The producer is suspended: for now this certificate does not vouch for the product.",
                    )
                },
            ),
            ReportStatus::Revoked => (
                l.s("Certificato revocato", "Certificate revoked"),
                "✗",
                if own {
                    l.s(
                        "Questo certificato non garantisce più il prodotto. Il motivo è nella storia qui sotto.",
                        "This certificate no longer vouches for the product. The reason is in the history below.",
                    )
                } else {
                    l.s(
                        "L'accreditamento del produttore è stato revocato: questo certificato non garantisce più il prodotto.",
                        "The producer's accreditation was revoked: this certificate no longer vouches for the product.",
                    )
                },
            ),
            ReportStatus::Suspicious => (
                l.s(
                    "Etichetta sospetta: potrebbe essere una copia",
                    "Suspicious label: it may have been copied",
                ),
                "!",
                l.s(
                    "Il certificato è autentico, ma questa etichetta numerata è stata letta troppe volte e in troppi posti: potrebbe essere stata copiata su prodotti falsi.",
                    "The certificate is genuine, but this numbered label has been scanned too often and in too many places: it may have been copied onto fake products.",
                ),
            ),
            ReportStatus::Invalid => (
                l.s("Certificato NON valido", "Certificate NOT valid"),
                "✗",
                l.s(
                    "Non fidarti di questa etichetta: il certificato non ha superato i controlli.",
                    "Do not trust this label: the certificate failed verification.",
                ),
            ),
        };
        let c = &r.checks;
        let mut problems = Vec::new();
        if !c.signature {
            problems.push(l.s(
                "La firma non corrisponde alle chiavi pubbliche di Origine.",
                "The signature does not match Origine's public keys.",
            ));
        }
        if !c.hash {
            problems.push(l.s(
                "Il contenuto del certificato è stato cambiato dopo la firma.",
                "The certificate's content was changed after it was signed.",
            ));
        }
        if !c.chain {
            problems.push(l.s(
                "Il certificato non è collegato correttamente al registro pubblico.",
                "The certificate is not correctly linked into the public register.",
            ));
        }
        if !c.inclusion {
            problems.push(l.s(
                "Il certificato manca dal registro pubblico firmato.",
                "The certificate is missing from the signed public register.",
            ));
        }
        match c.serial {
            SerialCheck::Unknown => problems.push(l.s(
                "Questa etichetta numerata non è stata stampata da Origine.",
                "This numbered label was not printed by Origine.",
            )),
            SerialCheck::OutOfRange => problems.push(l.s(
                "Il numero di questa etichetta non appartiene al lotto.",
                "This label's number does not belong to the lot.",
            )),
            _ => {}
        }
        Self {
            title,
            sign,
            note,
            problems,
        }
    }
}

/// One line of the status history, in words.
struct HistoryRow {
    when: String,
    /// What changed and how, e.g. "Certificato sospeso".
    what: &'static str,
    reason: String,
}

impl HistoryRow {
    fn from_view(h: StatusChangeView, l: Lang) -> Self {
        let producer = h.subject == Subject::Producer;
        let what = match (producer, h.status.as_str()) {
            (true, "accredited") => l.s("Produttore accreditato", "Producer accredited"),
            (true, "suspended") => l.s("Produttore sospeso", "Producer suspended"),
            (true, "revoked") => l.s("Produttore revocato", "Producer revoked"),
            (true, _) => l.s("Stato del produttore cambiato", "Producer's status changed"),
            (false, "valid") => l.s("Certificato di nuovo valido", "Certificate valid again"),
            (false, "suspended") => l.s("Certificato sospeso", "Certificate suspended"),
            (false, "revoked") => l.s("Certificato revocato", "Certificate revoked"),
            (false, _) => l.s(
                "Stato del certificato cambiato",
                "Certificate's status changed",
            ),
        };
        Self {
            when: readable_time(&h.effective_at),
            what,
            reason: h.reason,
        }
    }
}

/// The certificate's issue and the status changes of it and of its producer, oldest first.
fn history(l: Lang, issued_at: &str, changes: Vec<StatusChangeView>) -> Vec<HistoryRow> {
    let mut rows = vec![(
        issued_at.to_owned(),
        HistoryRow {
            when: readable_time(issued_at),
            what: l.s("Certificato emesso", "Certificate issued"),
            reason: String::new(),
        },
    )];
    rows.extend(
        changes
            .into_iter()
            .map(|h| (h.effective_at.clone(), HistoryRow::from_view(h, l))),
    );
    // RFC 3339 times in UTC sort as text; the sort is stable, so at equal times the issue
    // comes first and changes keep the order of the log.
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The social impact a certificate claims, as sentences in the page's language.
fn claims_in_words(
    l: Lang,
    detained: u64,
    total: u64,
    work_hours: u64,
    training_hours: u64,
    employment: &str,
) -> Vec<String> {
    let workers = match (l, total, detained) {
        (Lang::It, 0, _) => "Nessun lavoratore dichiarato".to_owned(),
        (Lang::It, _, 1) => format!("1 persona detenuta su {total} {}", it_workers(total)),
        (Lang::It, _, d) => format!("{d} persone detenute su {total} {}", it_workers(total)),
        (Lang::En, 0, _) => "No workers declared".to_owned(),
        (Lang::En, 1, 1) => "The one worker is detained".to_owned(),
        (Lang::En, 1, _) => "The one worker is not detained".to_owned(),
        (Lang::En, _, 1) => format!("1 of the {total} workers is detained"),
        (Lang::En, _, d) => format!("{d} of the {total} workers are detained"),
    };
    let hours = |n: u64, it: &str, en: &str| match (l, n) {
        (Lang::It, 1) => format!("1 ora di {it}"),
        (Lang::It, n) => format!("{n} ore di {it}"),
        (Lang::En, 1) => format!("1 hour of {en}"),
        (Lang::En, n) => format!("{n} hours of {en}"),
    };
    vec![
        workers,
        hours(work_hours, "lavoro", "work"),
        hours(training_hours, "formazione", "training"),
        format!(
            "{}: {}",
            l.s("Tipo di contratto", "Type of contract"),
            employment_name(l, employment).to_lowercase()
        ),
    ]
}

fn it_workers(n: u64) -> &'static str {
    if n == 1 { "lavoratore" } else { "lavoratori" }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Lang,
    nav: Nav,
}

impl CertificatePage {
    fn from_report(r: Report, l: Lang, nav: Nav) -> Self {
        let c = &r.certificate;
        let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let n = |v: &serde_json::Value| v.as_u64().unwrap_or_default();
        let unit = s(&c["lot"]["unit"]);
        let claims = &c["claims"];
        Self {
            l,
            nav,
            verdict: Verdict::of(&r, l),
            seq: c["seq"].as_i64().unwrap_or_default(),
            status: r.status,
            product: s(&c["product"]["name"]),
            producer_id: s(&c["producer"]["id"]),
            producer: s(&c["producer"]["name"]),
            legal_form: legal_form_name(
                l,
                c["producer"]["legal_form"].as_str().unwrap_or_default(),
            ),
            vat_number: s(&c["producer"]["vat_number"]),
            institute: s(&c["institute"]["name"]),
            city: s(&c["institute"]["city"]),
            region: s(&c["institute"]["region"]),
            lot_code: s(&c["lot"]["code"]),
            quantity: n(&c["lot"]["quantity"]),
            unit: match unit_name(l, &unit) {
                "" => unit,
                name => name.to_owned(),
            },
            produced: period(
                l,
                c["lot"]["produced_from"].as_str().unwrap_or_default(),
                c["lot"]["produced_to"].as_str().unwrap_or_default(),
            ),
            gtin: c["product"]["gtin"].as_str().map(str::to_owned),
            claims: claims_in_words(
                l,
                n(&claims["detained_workers"]),
                n(&claims["total_workers"]),
                n(&claims["work_hours"]),
                n(&claims["training_hours"]),
                claims["employment"].as_str().unwrap_or_default(),
            ),
            statement: claims["statement"]
                .as_str()
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned),
            history: history(l, &s(&c["issued_at"]), r.status_history),
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
    ApiQuery(unit): ApiQuery<crate::http::api::certificates::UnitQuery>,
    client: crate::http::extract::Client,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let scan = unit.scan(client);
    if scan.is_none() {
        // Without a unit serial the page changes only with the database or the keys.
        if let Some(cached) = app
            .reports
            .report(&app.store, &app.keys.current(), &id)
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
        match report(&app.store, &app.keys.current(), &id, scan.as_ref()).await? {
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
