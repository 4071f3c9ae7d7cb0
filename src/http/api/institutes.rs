//! `/api/v1/institutes`: the prisons producers work in.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::domain::Role;
use crate::domain::institute::{Institute, InstituteRequest};
use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::ApiJson;
use crate::http::state::AppState;
use crate::service::admin;

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
    caller.require(&[Role::Admin])?;
    let institute = admin::create_institute(&app.store, caller.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(institute)))
}

/// List institutes (public).
#[utoipa::path(get, path = "/api/v1/institutes", tag = "register",
    responses((status = 200, body = [Institute])))]
pub async fn list(State(app): State<AppState>) -> Result<Json<Vec<Institute>>, AppError> {
    Ok(Json(app.store.institutes().await?))
}
