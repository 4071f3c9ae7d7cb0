//! `/api/v1/institutes`: the prisons producers work in.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;
use super::error::{AppError, Problem};
use super::extract::{ApiJson, Caller};
use crate::domain::institute::{Institute, InstituteRequest};
use crate::service::trail;

/// Register an institute (admin).
#[utoipa::path(post, path = "/api/v1/institutes", tag = "register",
    request_body = InstituteRequest,
    responses((status = 201, body = Institute), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<InstituteRequest>,
) -> Result<(StatusCode, Json<Institute>), AppError> {
    caller.require(&["admin"])?;
    let institute = Institute::parse(req)?;
    app.store.insert_institute(&institute).await?;
    trail::record(
        &*app.store,
        caller.actor(),
        "create_institute",
        &institute.code,
        &institute.name,
    )
    .await;
    Ok((StatusCode::CREATED, Json(institute)))
}

/// List institutes (public).
#[utoipa::path(get, path = "/api/v1/institutes", tag = "register",
    responses((status = 200, body = [Institute])))]
pub async fn list(State(app): State<AppState>) -> Result<Json<Vec<Institute>>, AppError> {
    Ok(Json(app.store.institutes().await?))
}
