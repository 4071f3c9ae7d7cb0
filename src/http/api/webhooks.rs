//! `/api/v1/webhooks`: a buyer's webhooks (Standard Webhooks), their delivery log and a
//! test send. Another buyer's webhook answers 404, as if it did not exist.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode, header};

use crate::domain::watch::WebhookRequest;
use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiJson, ApiPath};
use crate::http::state::AppState;
use crate::service::webhooks::{self as service, NewWebhook};
use crate::store::{Attempt, WebhookRecord};

/// Add a webhook (buyer): every status change of what you watch is posted to `url`,
/// signed with the secret returned here, once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "buyers",
    request_body = WebhookRequest,
    responses((status = 201, body = NewWebhook), (status = 403, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<WebhookRequest>,
) -> Result<
    (
        StatusCode,
        [(HeaderName, &'static str); 1],
        Json<NewWebhook>,
    ),
    AppError,
> {
    let buyer = caller.buyer()?;
    let created = service::create_webhook(&app.store, &app.webhook_key, buyer, request).await?;
    // The secret is shown once: no cache may keep a copy.
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(created),
    ))
}

/// Your webhooks, without secrets (buyer).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "buyers",
    responses((status = 200, body = [WebhookRecord]), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn list(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<WebhookRecord>>, AppError> {
    let buyer = caller.buyer()?;
    Ok(Json(app.store.webhooks(buyer).await?))
}

/// Delete one of your webhooks, with what it still had to deliver (buyer).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "buyers",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, AppError> {
    let buyer = caller.buyer()?;
    service::delete_webhook(&app.store, buyer, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The delivery log of one of your webhooks: the latest 100 attempts, newest first (buyer).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "buyers",
    params(("id" = String, Path)),
    responses((status = 200, body = [Attempt]), (status = 403, body = Problem),
              (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn deliveries(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Vec<Attempt>>, AppError> {
    let buyer = caller.buyer()?;
    Ok(Json(service::deliveries(&app.store, buyer, &id).await?))
}

/// Send a `webhook.test` event to one of your webhooks now; the answer says how it went
/// and the attempt is in the delivery log (buyer).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "buyers",
    params(("id" = String, Path)),
    responses((status = 200, body = Attempt), (status = 403, body = Problem),
              (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn test(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Attempt>, AppError> {
    let buyer = caller.buyer()?;
    Ok(Json(
        service::test_send(&app.store, &app.webhook_key, buyer, &id).await?,
    ))
}
