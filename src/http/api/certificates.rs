//! Certificates: bundle, verification reports, status changes and QR codes.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::crypto::Bundle;
use crate::domain::Role;
use crate::domain::ValidationErrors;
use crate::domain::status::{StatusRequest, Subject};
use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::state::AppState;
use crate::service::admin;
use crate::service::report::{Report, bundle_of, report};

/// Most ids in one bulk verification.
const MAX_BULK: usize = 1000;

/// The 404 problem of an unknown certificate id.
pub(super) fn unknown(id: &str) -> AppError {
    AppError::not_found(format!("no certificate with id {id:?}"))
}

/// The certificate bundle: signed body, hash, signature and key id (public).
#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "verify",
    params(("id" = String, Path)),
    responses((status = 200, body = Bundle), (status = 404, body = Problem)))]
pub async fn bundle(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Bundle>, AppError> {
    let entry = app
        .store
        .certificate_entry(&id)
        .await?
        .ok_or_else(|| unknown(&id))?;
    Ok(Json(
        crate::service::log::bundle_with_inclusion(&app.store, &entry).await?,
    ))
}

/// A C2SP tlog-proof of the certificate's log entry against the latest checkpoint, with
/// its cosignatures: keep it beside the bundle and check both offline with
/// `origine verify BUNDLE --proof FILE --policy FILE` (public).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/proof", tag = "verify",
    params(("id" = String, Path, description = "Certificate id")),
    responses((status = 200, content_type = "text/plain", body = String), (status = 404, body = Problem), (status = 503, body = Problem)))]
pub async fn proof(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, AppError> {
    let entry = app
        .store
        .certificate_entry(&id)
        .await?
        .ok_or_else(|| unknown(&id))?;
    let proof = crate::service::log::tlog_proof(&app.store, &entry, &app.policy, app.fail_open)
        .await?
        .ok_or_else(|| {
            AppError::Unavailable(
                "no checkpoint covers this certificate yet; try again in a few seconds".into(),
            )
        })?;
    let disposition = format!("attachment; filename=\"{id}.tlog-proof\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-cache".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        proof.render(),
    )
        .into_response())
}

/// Unit label parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Serial of the unit, for serialised lots: its digits exactly as printed (`1`; `01`
    /// names no unit Origine labelled).
    #[serde(default, deserialize_with = "digits")]
    #[param(pattern = r"^[0-9]{1,20}$")]
    pub serial: Option<String>,
    /// The unit label's token.
    pub t: Option<String>,
}

/// A serial query value: 1 to 20 ASCII digits (the text is kept; see `domain::serial`).
fn digits<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = String::deserialize(d)?;
    if (1..=20).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(Some(value))
    } else {
        Err(serde::de::Error::custom(
            "must be the unit's serial as printed: 1 to 20 digits",
        ))
    }
}

impl UnitQuery {
    /// The scan to check and count, when a unit label was scanned.
    pub fn scan(
        self,
        client: crate::http::extract::Client,
    ) -> Option<crate::service::labels::UnitScan> {
        self.serial.map(|serial| crate::service::labels::UnitScan {
            serial,
            token: self.t,
            client: client.0,
        })
    }
}

/// The verification report (public).
#[utoipa::path(get, path = "/api/v1/verify/{id}", tag = "verify",
    params(("id" = String, Path), UnitQuery),
    responses((status = 200, body = Report), (status = 404, body = Problem)))]
pub async fn verify_one(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(unit): ApiQuery<UnitQuery>,
    client: crate::http::extract::Client,
) -> Result<Response, AppError> {
    let Some(scan) = unit.scan(client) else {
        // Without a unit serial the report changes only with the database or the keys.
        let cached = app
            .reports
            .report(&app.store, &app.keys.current(), &id)
            .await?
            .ok_or_else(|| unknown(&id))?;
        return Ok((
            [(header::CONTENT_TYPE, "application/json")],
            cached.json.clone(),
        )
            .into_response());
    };
    report(&app.store, &app.keys.current(), &id, Some(&scan))
        .await?
        .map(|r| Json(r).into_response())
        .ok_or_else(|| unknown(&id))
}

/// Bulk verification request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// Up to 1000 certificate ids.
    #[schema(min_items = 1, max_items = 1000)]
    pub ids: Vec<String>,
}

/// One answer of a bulk verification: a report, or why there is none.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum BulkItem {
    /// The verification report of a known certificate.
    Report(Report),
    /// No certificate has this id.
    Missing {
        /// The id as asked for, trimmed.
        id: String,
        /// Why there is no report: `no certificate with this id`.
        error: String,
    },
}

/// Bulk verification response, in the order of the request.
#[derive(Debug, Serialize, ToSchema)]
pub struct BulkResponse {
    /// One item per requested id, in the same order.
    pub reports: Vec<BulkItem>,
}

/// Verify many certificates at once, e.g. a whole delivery (public).
#[utoipa::path(post, path = "/api/v1/verify", tag = "verify",
    request_body = BulkRequest,
    responses((status = 200, body = BulkResponse), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn verify_many(
    State(app): State<AppState>,
    ApiJson(req): ApiJson<BulkRequest>,
) -> Result<Json<BulkResponse>, AppError> {
    if req.ids.is_empty() || req.ids.len() > MAX_BULK {
        return Err(ValidationErrors::one(
            "ids",
            format!("must list 1 to {MAX_BULK} certificate ids"),
        )
        .into());
    }
    let mut reports = Vec::with_capacity(req.ids.len());
    for id in req.ids {
        let id = id.trim().to_owned();
        reports.push(
            match report(&app.store, &app.keys.current(), &id, None).await? {
                Some(r) => BulkItem::Report(r),
                None => BulkItem::Missing {
                    id,
                    error: "no certificate with this id".into(),
                },
            },
        );
    }
    Ok(Json(BulkResponse { reports }))
}

/// Suspend, revoke or reinstate a certificate, with a reason (admin): a signed log entry.
#[utoipa::path(post, path = "/api/v1/certificates/{id}/status", tag = "status",
    params(("id" = String, Path)),
    request_body = StatusRequest,
    responses((status = 201, body = Bundle), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn set_status(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiJson(req): ApiJson<StatusRequest>,
) -> Result<(StatusCode, Json<Bundle>), AppError> {
    caller.require(&[Role::Admin])?;
    let (_, logged) = admin::change_status(
        &app.store,
        &app.issuer,
        caller.actor(),
        Subject::Certificate,
        &id,
        req,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(bundle_of(&logged))))
}

/// The address a certificate's QR code carries.
pub fn page_url(app: &AppState, id: &str) -> String {
    format!("{}/c/{id}", app.base_url)
}

async fn known(app: &AppState, id: &str) -> Result<(), AppError> {
    app.store
        .certificate_entry(id)
        .await?
        .map(|_| ())
        .ok_or_else(|| unknown(id))
}

/// QR code (PNG) pointing at the certificate's page (public).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/qr.png", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = Problem)))]
pub async fn qr_png(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, AppError> {
    known(&app, &id).await?;
    let png =
        crate::qr::png(&page_url(&app, &id), 8).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        png,
    ))
}

/// QR code (SVG) pointing at the certificate's page (public).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/qr.svg", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = Problem)))]
pub async fn qr_svg(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<impl IntoResponse, AppError> {
    known(&app, &id).await?;
    let svg =
        crate::qr::svg(&page_url(&app, &id)).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        svg,
    ))
}
