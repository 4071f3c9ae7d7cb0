//! The public register of producers (pages) and the Atom feeds of status changes that
//! buyers follow to learn of suspensions and revocations.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::lang::Lang;
use super::render::Nav;
use super::render::render;
use super::words::{legal_form_name, period, readable_time};
use super::words::{status_name, unit_name};
use crate::domain::producer::Producer;
use crate::domain::{EntryKind, LotCode, ProducerStatus, VatNumber};
use crate::http::caller::Viewer;
use crate::http::error::AppError;
use crate::http::extract::ApiPath;
use crate::http::state::AppState;
use crate::store::LogEntry;

/// Entries in a feed.
const FEED_LENGTH: u32 = 50;

struct ProducerRow {
    id: String,
    name: String,
    /// The status in the page's language.
    status: &'static str,
    /// The verdict class of the status: `valid`, `suspended` or `revoked`.
    class: &'static str,
    /// Names of its institutes, with city.
    institutes: String,
}

#[derive(Template)]
#[template(path = "producers.html")]
struct ProducersPage {
    l: Lang,
    nav: Nav,
    producers: Vec<ProducerRow>,
}

/// One certified lot, in words.
struct LotLine {
    certificate_id: String,
    product_name: String,
    lot_code: LotCode,
    quantity: u64,
    unit: String,
    produced: String,
}

/// One status change of the producer.
struct StatusLine {
    when: String,
    status: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "producer.html")]
struct ProducerPage {
    l: Lang,
    nav: Nav,
    id: String,
    name: String,
    legal_form: &'static str,
    vat_number: VatNumber,
    institutes: String,
    website: Option<String>,
    verdict: &'static str,
    note: &'static str,
    verdict_class: &'static str,
    history: Vec<StatusLine>,
    lots: Vec<LotLine>,
}

/// The verdict class of a producer's status.
fn class_of(status: ProducerStatus) -> &'static str {
    match status {
        ProducerStatus::Accredited => "valid",
        ProducerStatus::Suspended => "suspended",
        ProducerStatus::Revoked => "revoked",
    }
}

/// `/producers`: the register of producers with their status.
pub async fn producers(
    State(app): State<AppState>,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let institutes: HashMap<String, String> = app
        .store
        .institutes()
        .await?
        .into_iter()
        .map(|i| (i.code, format!("{}, {}", i.name, i.city)))
        .collect();
    let producers = app
        .store
        .producers()
        .await?
        .into_iter()
        .map(|p: Producer| ProducerRow {
            status: status_name(l, p.status.as_str()),
            class: class_of(p.status),
            institutes: p
                .institutes
                .iter()
                .map(|code| institutes.get(code).unwrap_or(code).as_str())
                .collect::<Vec<_>>()
                .join("; "),
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ProducersPage {
            l,
            nav: Nav::from(&viewer),
            producers,
        },
    ))
}

/// `/producers/{id}`: one producer, its institutes and certified lots.
pub async fn producer(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let p = app
        .store
        .producer(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no producer with id {id:?}")))?;
    let mut names = Vec::new();
    for code in &p.institutes {
        names.push(app.store.institute(code).await?.map_or_else(
            || code.clone(),
            |i| format!("{}, {}, {}", i.name, i.city, i.region),
        ));
    }
    let history = app
        .store
        .status_entries(EntryKind::ProducerStatus, &p.id)
        .await?
        .iter()
        .map(|e| {
            let body: serde_json::Value = serde_json::from_str(&e.body).unwrap_or_default();
            let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
            StatusLine {
                when: readable_time(&text("effective_at")),
                status: status_name(l, body["status"].as_str().unwrap_or_default()),
                reason: text("reason"),
            }
        })
        .collect();
    let lots = app
        .store
        .lots(Some(&p.id))
        .await?
        .into_iter()
        .map(|lot| LotLine {
            unit: match unit_name(l, &lot.unit) {
                "" => lot.unit.clone(),
                name => name.to_owned(),
            },
            produced: period(l, &lot.produced_from, &lot.produced_to),
            certificate_id: lot.certificate_id,
            product_name: lot.product_name,
            lot_code: lot.lot_code,
            quantity: lot.quantity,
        })
        .collect();
    let (verdict, note) = match p.status {
        ProducerStatus::Accredited => (
            l.s("Produttore accreditato", "Accredited producer"),
            l.s(
                "Può certificare i lotti che produce negli istituti penitenziari.",
                "It may certify the lots it makes in prison.",
            ),
        ),
        ProducerStatus::Suspended => (
            l.s("Produttore sospeso", "Producer suspended"),
            l.s(
                "Finché è sospeso non può certificare nuovi lotti, e i suoi certificati risultano sospesi.",
                "While it is suspended it cannot certify new lots, and its certificates show as suspended.",
            ),
        ),
        ProducerStatus::Revoked => (
            l.s("Produttore revocato", "Producer revoked"),
            l.s(
                "Non può più certificare lotti, e i suoi certificati risultano revocati.",
                "It can no longer certify lots, and its certificates show as revoked.",
            ),
        ),
    };
    Ok(render(
        StatusCode::OK,
        &ProducerPage {
            l,
            nav: Nav::from(&viewer),
            verdict,
            note,
            verdict_class: class_of(p.status),
            history,
            lots,
            institutes: names.join("; "),
            legal_form: legal_form_name(l, &p.legal_form),
            id: p.id,
            name: p.name,
            vat_number: p.vat_number,
            website: p.website,
        },
    ))
}

/// Escapes text for XML content and attributes.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// An Atom feed (RFC 4287) of status entries.
fn atom(base: &str, self_path: &str, title: &str, entries: &[LogEntry]) -> Response {
    let updated = entries
        .first()
        .and_then(|e| serde_json::from_str::<serde_json::Value>(&e.body).ok())
        .and_then(|b| b["effective_at"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n\
         <id>{base}{self_path}</id>\n<title>{}</title>\n<updated>{}</updated>\n\
         <link rel=\"self\" href=\"{base}{self_path}\"/>\n<author><name>Origine</name></author>\n",
        xml(title),
        xml(&updated)
    );
    for e in entries {
        let body: serde_json::Value = serde_json::from_str(&e.body).unwrap_or_default();
        let (what, link) = if e.kind == EntryKind::ProducerStatus {
            ("Produttore", format!("{base}/producers/{}", e.subject))
        } else {
            ("Certificato", format!("{base}/c/{}", e.subject))
        };
        let status = body["status"].as_str().unwrap_or_default();
        let at = body["effective_at"].as_str().unwrap_or_default();
        out.push_str(&format!(
            "<entry>\n<id>{base}/api/v1/log/entries?start={seq}&amp;end={next}</id>\n\
             <title>{} {}: {} ({})</title>\n<updated>{}</updated>\n<link href=\"{}\"/>\n\
             <content type=\"text\">{}</content>\n</entry>\n",
            what,
            xml(&e.subject),
            status_name(Lang::It, status),
            xml(status),
            xml(at),
            xml(&link),
            xml(body["reason"].as_str().unwrap_or_default()),
            seq = e.seq,
            next = e.seq + 1,
        ));
    }
    out.push_str("</feed>\n");
    (
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        out,
    )
        .into_response()
}

/// `/feed.atom`: status changes in the whole register.
pub async fn feed(State(app): State<AppState>) -> Result<Response, AppError> {
    let entries = app.store.status_feed(None, FEED_LENGTH).await?;
    Ok(atom(
        &app.base_url,
        "/feed.atom",
        "Origine — variazioni di stato",
        &entries,
    ))
}

/// `/producers/{id}/feed.atom`: status changes of one producer and its certificates.
pub async fn producer_feed(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    let p = app
        .store
        .producer(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no producer with id {id:?}")))?;
    let entries = app.store.status_feed(Some(&p.id), FEED_LENGTH).await?;
    Ok(atom(
        &app.base_url,
        &format!("/producers/{}/feed.atom", p.id),
        &format!("Origine — {}", p.name),
        &entries,
    ))
}
