//! `/api/v1/producers`: the public directory of producers, their tokens and status.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::crypto::Bundle;
use crate::domain::Role;
use crate::domain::producer::{Producer, ProducerRequest};
use crate::domain::status::{StatusRequest, Subject};
use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiJson, ApiPath, optional_json};
use crate::http::state::AppState;
use crate::service::admin;
use crate::service::report::bundle_of;
use crate::store::TokenRecord;

/// Accredit a producer (admin).
#[utoipa::path(post, path = "/api/v1/producers", tag = "register",
    request_body = ProducerRequest,
    responses((status = 201, body = Producer), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<ProducerRequest>,
) -> Result<(StatusCode, Json<Producer>), AppError> {
    caller.require(&[Role::Admin])?;
    let created = admin::accredit_producer(&app.store, caller.actor(), req).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// The directory of producers, with their status (public).
#[utoipa::path(get, path = "/api/v1/producers", tag = "register",
    responses((status = 200, body = [Producer])))]
pub async fn list(State(app): State<AppState>) -> Result<Json<Vec<Producer>>, AppError> {
    Ok(Json(app.store.producers().await?))
}

/// One producer (public).
#[utoipa::path(get, path = "/api/v1/producers/{id}", tag = "register",
    params(("id" = String, Path)),
    responses((status = 200, body = Producer), (status = 404, body = Problem)))]
pub async fn get_one(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Producer>, AppError> {
    app.store
        .producer(&id)
        .await?
        .map(Json)
        .ok_or_else(|| AppError::not_found(format!("no producer with id {id:?}")))
}

/// Optional body of a token request.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for, e.g. "workspace laptop".
    pub label: Option<String>,
}

/// A new token: the secret is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenResponse {
    /// The bearer token, `org_` and 43 base64url characters; only its hash is kept.
    pub token: String,
    /// The token's id, for listings and the admin trail.
    pub id: String,
    /// The producer the token acts for.
    pub producer_id: Option<String>,
}

/// Create an API token for a producer (admin). The token is shown once.
#[utoipa::path(post, path = "/api/v1/producers/{id}/tokens", tag = "auth",
    params(("id" = String, Path)),
    request_body(content = Option<TokenRequest>, description = "optional label"),
    responses((status = 201, body = NewTokenResponse), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn create_token(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<
    (
        StatusCode,
        [(HeaderName, &'static str); 1],
        Json<NewTokenResponse>,
    ),
    AppError,
> {
    caller.require(&[Role::Admin])?;
    app.store
        .producer(&id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no producer with id {id:?}")))?;
    // The body is optional: an empty one, or `null`, means "no label".
    let label = optional_json::<Option<TokenRequest>>(body)?.and_then(|r| r.label);
    let (token, record) = admin::create_token(
        &app.store,
        caller.actor(),
        Role::Producer,
        Some(&id),
        label.as_deref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        // The token is shown once: no cache may keep a copy.
        [(header::CACHE_CONTROL, "no-store")],
        Json(NewTokenResponse {
            token,
            id: record.id,
            producer_id: record.producer_id,
        }),
    ))
}

/// List a producer's tokens, without secrets (admin, auditor, or that producer).
#[utoipa::path(get, path = "/api/v1/producers/{id}/tokens", tag = "auth",
    params(("id" = String, Path)),
    responses((status = 200, body = [TokenRecord]), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn list_tokens(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<TokenRecord>>, AppError> {
    if !caller.may_read_producer(&id) {
        return Err(AppError::Forbidden(
            "a producer sees only its own tokens".into(),
        ));
    }
    Ok(Json(app.store.tokens(Some(&id)).await?))
}

/// Suspend, revoke or reinstate a producer, with a reason (admin): a signed log entry.
#[utoipa::path(post, path = "/api/v1/producers/{id}/status", tag = "status",
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
        Subject::Producer,
        &id,
        req,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(bundle_of(&logged))))
}
