//! The GS1 Digital Link resolver: the `/01/…` URLs printed on unit labels lead to the
//! verification page, or to the JSON report for programs.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::caller::Viewer;
use super::error::{AppError, Problem};
use super::extract::{ApiQuery, Client};
use super::state::AppState;
use super::web::certificate::certificate_page;
use super::web::lang::Lang;
use crate::domain::digital_link::DigitalLink;
use crate::service::labels::UnitScan;
use crate::service::report::{Report, report};

/// The unit label token a Digital Link carries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// The unit label's token.
    pub t: Option<String>,
}

/// Resolves a GS1 Digital Link (`/01/{gtin}/10/{lot}/21/{serial}`) to the verification
/// page, or to the JSON report with `Accept: application/json` (public).
#[utoipa::path(get, path = "/01/{path}", tag = "labels",
    params(("path" = String, Path, description = "`{gtin}/10/{lot}/21/{serial}`"), LinkQuery),
    responses((status = 200, description = "verification page, or the report when asked for JSON",
                  content((String = "text/html"), (Report = "application/json"))),
              (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn digital_link(
    State(app): State<AppState>,
    uri: axum::http::Uri,
    ApiQuery(q): ApiQuery<LinkQuery>,
    client: Client,
    headers: HeaderMap,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    // The raw path: a "/" inside a lot or serial arrives as %2F and must stay one.
    let link = DigitalLink::parse_path(uri.path())
        .map_err(|e| AppError::bad_field("path", e.to_string()))?;
    let lot_code = link.lot.clone().ok_or_else(|| {
        AppError::not_found("a GTIN alone does not name a lot: the link needs /10/{lot}")
    })?;
    // The GTIN's owner's lot: a label resolves to the lot that printed it.
    let lot = app
        .store
        .lot_by_link(&link.gtin, &lot_code)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no lot {lot_code:?} of GTIN {}", link.gtin)))?;
    let unit = match &link.serial {
        Some(s) => Some(UnitScan {
            serial: s.clone(),
            token: q.t,
            client: client.0,
        }),
        None => None,
    };
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    let keys = app.keys.current();
    let r = report(&app.store, &keys, &lot.certificate_id, unit.as_ref())
        .await?
        .ok_or_else(|| AppError::not_found("the lot's certificate is missing"))?;
    if wants_json {
        Ok(Json(r).into_response())
    } else {
        Ok(certificate_page(r, l, &viewer))
    }
}
