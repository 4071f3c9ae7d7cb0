//! The public register of producers (pages) and the Atom feeds of status changes that
//! buyers follow to learn of suspensions and revocations.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

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
