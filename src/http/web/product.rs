//! `/products/{gtin}`: a GTIN's product page, where a Digital Link naming only the GTIN
//! leads (its `gs1:pip`): the product and the lots its owner certified.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::lang::Lang;
use super::render::{Nav, message_for, render};
use super::words::{period, unit_name};
use crate::domain::LotCode;
use crate::domain::digital_link::DigitalLink;
use crate::http::caller::Viewer;
use crate::http::error::AppError;
use crate::http::extract::ApiPath;
use crate::http::state::AppState;

/// One certified lot of the product, in words.
struct LotLine {
    certificate_id: String,
    lot_code: LotCode,
    quantity: u64,
    unit: String,
    produced: String,
}

#[derive(Template)]
#[template(path = "product.html")]
struct ProductPage {
    l: Lang,
    nav: Nav,
    gtin: String,
    name: String,
    producer_id: String,
    producer: String,
    lots: Vec<LotLine>,
}

/// The product page of a GTIN (8, 12, 13 or 14 digits): its owner's certified lots,
/// newest first (public).
pub async fn product(
    State(app): State<AppState>,
    ApiPath(gtin): ApiPath<String>,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let link = DigitalLink::new(&gtin, None, None)
        .map_err(|e| AppError::bad_field("gtin", e.to_string()))?;
    let lots = app.store.lots_by_gtin(&link.gtin).await?;
    let Some(newest) = lots.first() else {
        return Ok(message_for(
            StatusCode::NOT_FOUND,
            l,
            Nav::from(&viewer),
            l.s("Prodotto non trovato", "Product not found"),
            l.s(
                "Origine non ha certificato lotti con questo GTIN.",
                "Origine has certified no lot with this GTIN.",
            ),
        ));
    };
    let producer_id = newest.producer_id.clone();
    let producer = app
        .store
        .producer(&producer_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let name = newest.product_name.clone();
    let lots = lots
        .into_iter()
        .map(|lot| LotLine {
            unit: match unit_name(l, &lot.unit) {
                "" => lot.unit.clone(),
                name => name.to_owned(),
            },
            produced: period(l, &lot.produced_from, &lot.produced_to),
            certificate_id: lot.certificate_id,
            lot_code: lot.lot_code,
            quantity: lot.quantity,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ProductPage {
            l,
            nav: Nav::from(&viewer),
            gtin: link.gtin,
            name,
            producer_id,
            producer,
            lots,
        },
    ))
}
