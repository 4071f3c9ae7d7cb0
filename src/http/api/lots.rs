//! `/api/v1/lots`: a producer registers a lot and gets its certificate in one step.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::crypto::Bundle;
use crate::domain::Role;
use crate::domain::lot::{LotRequest, ValidLot};
use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::state::AppState;
use crate::service::register::register_lot;
use crate::service::report::bundle_of;
use crate::store::LotRecord;

/// A registered lot and its signed certificate.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotCreated {
    /// The lot as stored; `lot.id` names it in later calls.
    pub lot: LotRecord,
    /// The lot's signed certificate, as `GET /api/v1/certificates/{id}` serves it.
    pub bundle: Bundle,
}

/// Register and certify a lot (producer).
#[utoipa::path(post, path = "/api/v1/lots", tag = "lots",
    request_body = LotRequest,
    responses((status = 201, body = LotCreated), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<LotRequest>,
) -> Result<(StatusCode, Json<LotCreated>), AppError> {
    caller.require(&[Role::Producer])?;
    let lot = ValidLot::parse(req, crate::time_fmt::latest_production_date())?;
    let producer_id = caller.producer_id().unwrap_or_default();
    let (record, entry) = register_lot(&app.store, &app.issuer, producer_id, lot).await?;
    Ok((
        StatusCode::CREATED,
        Json(LotCreated {
            lot: record,
            bundle: bundle_of(&entry),
        }),
    ))
}

/// Lots: a producer sees its own, admin and auditor see all.
#[utoipa::path(get, path = "/api/v1/lots", tag = "lots",
    responses((status = 200, body = [LotRecord]), (status = 401, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<LotRecord>>, AppError> {
    let scope = if caller.role() == Role::Producer {
        caller.producer_id()
    } else {
        None
    };
    Ok(Json(app.store.lots(scope).await?))
}

/// One lot: its producer, admin or auditor.
#[utoipa::path(get, path = "/api/v1/lots/{id}", tag = "lots",
    params(("id" = String, Path)),
    responses((status = 200, body = LotRecord), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn get_one(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<LotRecord>, AppError> {
    match app.store.lot(&id).await? {
        // Another producer's lot is reported as absent, not forbidden, so ids cannot be probed.
        Some(lot) if caller.may_read_producer(&lot.producer_id) => Ok(Json(lot)),
        _ => Err(AppError::not_found(format!("no lot with id {id:?}"))),
    }
}

/// The lot's events as an EPCIS 2.0 document (JSON-LD), public like its certificate: the
/// commissioning of its units or quantity, linked to the certificate. It says nothing the
/// signed certificate does not, and carries no label token.
#[utoipa::path(get, path = "/api/v1/lots/{id}/epcis", tag = "lots",
    params(("id" = String, Path)),
    responses((status = 200, description = "EPCISDocument", content_type = "application/ld+json", body = Object),
              (status = 404, body = Problem)))]
pub async fn epcis(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    let lot = app
        .store
        .lot(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no lot with id {id:?}")))?;
    let document = crate::service::epcis::document(&app.base_url, &lot, &crate::time_fmt::now());
    Ok((
        [
            (header::CONTENT_TYPE, "application/ld+json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        document.to_string(),
    )
        .into_response())
}
