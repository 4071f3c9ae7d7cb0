//! Labels: printable sheets and single unit labels for a lot, and its scan statistics.

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::state::AppState;
use crate::labels::{self, Layout};
use crate::service::labels::{MAX_LABELS, label_data};
use crate::store::{LotRecord, SerialScans};

/// The lot `id` if the caller may see it (its producer, admin, auditor).
async fn readable_lot(app: &AppState, caller: &Caller, id: &str) -> Result<LotRecord, AppError> {
    match app.store.lot(id).await? {
        Some(lot) if caller.may_read_producer(&lot.producer_id) => Ok(lot),
        _ => Err(AppError::not_found(format!("no lot with id {id:?}"))),
    }
}

/// The lot `id` if the caller may print its labels: as [`readable_lot`], and a producer only
/// while it is accredited — a suspended or revoked producer can print no more labels than
/// it can issue certificates.
async fn printable_lot(app: &AppState, caller: &Caller, id: &str) -> Result<LotRecord, AppError> {
    let lot = readable_lot(app, caller, id).await?;
    if caller.role() == crate::domain::Role::Producer {
        let accredited = app
            .store
            .producer(&lot.producer_id)
            .await?
            .is_some_and(|p| p.is_accredited());
        if !accredited {
            return Err(AppError::Forbidden(
                "this producer is suspended or revoked: it cannot print labels".into(),
            ));
        }
    }
    Ok(lot)
}

async fn names(app: &AppState, lot: &LotRecord) -> Result<(String, String), AppError> {
    let producer = app
        .store
        .producer(&lot.producer_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let institute = app
        .store
        .institute(&lot.institute)
        .await?
        .map(|i| i.name)
        .unwrap_or_default();
    Ok((producer, institute))
}

/// Which labels to print.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SheetQuery {
    /// `3x8` (default), `4x10`, `2x7` or `roll`.
    #[param(pattern = "^(3x8|4x10|2x7|roll)$")]
    pub layout: Option<String>,
    /// First serial (default 1).
    #[param(minimum = 1)]
    pub from: Option<u64>,
    /// Last serial (default the lot's quantity, at most 20,000 labels per request).
    #[param(minimum = 1)]
    pub to: Option<u64>,
    /// Add the offline-checkable signed fragment to each unit's QR.
    #[serde(default)]
    pub signed: bool,
}

/// A PDF sheet of the lot's labels (its producer, admin or auditor).
#[utoipa::path(get, path = "/api/v1/lots/{id}/labels.pdf", tag = "labels",
    params(("id" = String, Path), SheetQuery),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 400, body = Problem),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn sheet(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<SheetQuery>,
) -> Result<Response, AppError> {
    let layout = match q.layout.as_deref() {
        None => Layout::A4x24,
        Some(name) => Layout::parse(name)
            .ok_or_else(|| AppError::bad_field("layout", "must be 3x8, 4x10, 2x7 or roll"))?,
    };
    let lot = printable_lot(&app, &caller, &id).await?;
    let quantity = lot.quantity;
    let from = q.from.unwrap_or(1);
    let to = q.to.unwrap_or(quantity);
    if from == 0 || from > quantity {
        return Err(AppError::bad_field(
            "from",
            format!("must be between 1 and {quantity}"),
        ));
    }
    if to < from || to > quantity {
        return Err(AppError::bad_field(
            "to",
            format!("must be between from and {quantity}"),
        ));
    }
    if to - from + 1 > MAX_LABELS {
        return Err(AppError::bad_field(
            "to",
            format!("at most {MAX_LABELS} labels per sheet request"),
        ));
    }
    let (producer, institute) = names(&app, &lot).await?;
    let data = label_data(
        &app.store,
        &app.keys.current(),
        &app.base_url,
        &lot,
        &producer,
        &institute,
        from..=to,
        q.signed,
    )
    .await?;
    let pdf = tokio::task::spawn_blocking(move || labels::pdf(layout, &data, &mut |_| {}))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let filename = format!(
        "origine-{}-{}.pdf",
        lot.lot_code
            .as_str()
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
        layout.name()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// One unit's label as PNG (300 dpi) or SVG: `{serial}.png` or `{serial}.svg`.
#[utoipa::path(get, path = "/api/v1/lots/{id}/labels/{file}", tag = "labels",
    params(("id" = String, Path),
        ("file" = String, Path, description = "`17.png` or `17.svg`", pattern = r"^[0-9]+\.(png|svg)$")),
    responses((status = 200, content((Vec<u8> = "image/png"), (String = "image/svg+xml"))),
              (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn single(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath((id, file)): ApiPath<(String, String)>,
) -> Result<Response, AppError> {
    let (serial, ext) = file
        .rsplit_once('.')
        .ok_or_else(|| AppError::bad_field("file", "must be SERIAL.png or SERIAL.svg"))?;
    let serial = crate::domain::serial::unit_number(serial).ok_or_else(|| {
        AppError::bad_field(
            "file",
            "the serial must be a unit number as printed: 1, 2, 3, … without leading zeros",
        )
    })?;
    let lot = printable_lot(&app, &caller, &id).await?;
    let quantity = lot.quantity;
    if serial == 0 || serial > quantity {
        return Err(AppError::bad_field(
            "file",
            format!("serial must be between 1 and {quantity}"),
        ));
    }
    let (producer, institute) = names(&app, &lot).await?;
    let data = label_data(
        &app.store,
        &app.keys.current(),
        &app.base_url,
        &lot,
        &producer,
        &institute,
        serial..=serial,
        false,
    )
    .await?;
    let label = data
        .first()
        .ok_or_else(|| AppError::Internal("no label".into()))?;
    match ext {
        "png" => {
            let png = labels::png(label, 300)?;
            Ok(([(header::CONTENT_TYPE, "image/png")], png).into_response())
        }
        "svg" => {
            let svg = labels::svg(label)?;
            Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
        }
        _ => Err(AppError::bad_field("file", "must end in .png or .svg")),
    }
}

/// Scan statistics of a lot's unit labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotScans {
    /// The lot's id.
    pub lot: String,
    /// Id of the lot's certificate, which its unit labels point at.
    pub certificate_id: String,
    /// Per serial, most scanned first (at most 1000).
    pub serials: Vec<SerialScans>,
}

/// Scan statistics per unit of a lot (its producer, admin or auditor).
#[utoipa::path(get, path = "/api/v1/lots/{id}/scans", tag = "labels",
    params(("id" = String, Path)),
    responses((status = 200, body = LotScans), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn scans(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<LotScans>, AppError> {
    let lot = readable_lot(&app, &caller, &id).await?;
    Ok(Json(LotScans {
        serials: app.store.lot_scans(&lot.certificate_id).await?,
        lot: lot.id,
        certificate_id: lot.certificate_id,
    }))
}
