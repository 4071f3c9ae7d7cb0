//! `/api/v1/watchlist` (a buyer's own list, JSON and CSV) and `/api/v1/buyers` (admins
//! create buyer accounts and their tokens).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderName, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::Role;
use crate::domain::watch::{WatchList, WatchListRequest};
use crate::http::caller::Caller;
use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiJson, ApiPath, MAX_BODY, optional_json};
use crate::http::state::AppState;
use crate::service::accounts::{UserRequest, generate_password};
use crate::service::admin;
use crate::service::buyers::{self, WatchListView};

use super::producers::{NewTokenResponse, TokenRequest};

/// Your watch list with each item's current status (buyer).
#[utoipa::path(get, path = "/api/v1/watchlist", tag = "buyers",
    responses((status = 200, body = WatchListView), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn get(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<Json<WatchListView>, AppError> {
    let buyer = caller.buyer()?;
    Ok(Json(buyers::view(&app.store, buyer, &app.base_url).await?))
}

/// Replace your watch list: certificates and producers by id (buyer).
#[utoipa::path(put, path = "/api/v1/watchlist", tag = "buyers",
    request_body = WatchListRequest,
    responses((status = 200, body = WatchListView), (status = 403, body = Problem),
              (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn put(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<WatchListRequest>,
) -> Result<Json<WatchListView>, AppError> {
    let buyer = caller.buyer()?;
    buyers::replace(&app.store, buyer, WatchList::parse(request)?).await?;
    Ok(Json(buyers::view(&app.store, buyer, &app.base_url).await?))
}

/// Your watch list as CSV, safe to open in a spreadsheet (buyer).
#[utoipa::path(get, path = "/api/v1/watchlist.csv", tag = "buyers",
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = Problem)),
    security(("token" = [])))]
pub async fn get_csv(
    State(app): State<AppState>,
    caller: Caller,
) -> Result<([(HeaderName, &'static str); 2], String), AppError> {
    let buyer = caller.buyer()?;
    let view = buyers::view(&app.store, buyer, &app.base_url).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"watchlist.csv\"",
            ),
        ],
        buyers::to_csv(&view),
    ))
}

/// Replace your watch list from CSV: a header row naming an `id` column and optionally a
/// `kind` column, as the export writes it (buyer).
#[utoipa::path(put, path = "/api/v1/watchlist.csv", tag = "buyers",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = WatchListView), (status = 403, body = Problem),
              (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("token" = [])))]
pub async fn put_csv(
    State(app): State<AppState>,
    caller: Caller,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<WatchListView>, AppError> {
    let buyer = caller.buyer()?;
    let body = body.map_err(|_| AppError::TooLarge(MAX_BODY))?;
    let list = buyers::import_csv(&app.store, &body).await?;
    buyers::replace(&app.store, buyer, list).await?;
    Ok(Json(buyers::view(&app.store, buyer, &app.base_url).await?))
}

/// `POST /api/v1/buyers` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerRequest {
    /// The address the buyer logs in with and is e-mailed at.
    pub email: String,
}

/// A new buyer account: the password is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewBuyerResponse {
    /// The account's id (for `/api/v1/buyers/{id}/tokens`).
    pub id: String,
    /// The address, lower-cased.
    pub email: String,
    /// The first password, generated: shown this once.
    pub password: String,
}

/// Create a buyer account (admin); its first password is shown once.
#[utoipa::path(post, path = "/api/v1/buyers", tag = "buyers",
    request_body = BuyerRequest,
    responses((status = 201, body = NewBuyerResponse), (status = 403, body = Problem),
              (status = 422, body = Problem), (status = 503, body = Problem)),
    security(("token" = [])))]
pub async fn create(
    State(app): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<BuyerRequest>,
) -> Result<
    (
        StatusCode,
        [(HeaderName, &'static str); 1],
        Json<NewBuyerResponse>,
    ),
    AppError,
> {
    caller.require(&[Role::Admin])?;
    let password = generate_password();
    let user = admin::create_user(
        &app.store,
        caller.actor(),
        &UserRequest {
            email: request.email,
            password: password.clone(),
            role: Role::Buyer.as_str().to_owned(),
            producer_id: None,
        },
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(NewBuyerResponse {
            id: user.id,
            email: user.email,
            password,
        }),
    ))
}

/// Create an API token for a buyer account, by its id or email (admin); shown once.
#[utoipa::path(post, path = "/api/v1/buyers/{id}/tokens", tag = "buyers",
    params(("id" = String, Path)),
    request_body(content = Option<TokenRequest>, description = "optional label"),
    responses((status = 201, body = NewTokenResponse), (status = 403, body = Problem),
              (status = 404, body = Problem)),
    security(("token" = [])))]
pub async fn create_token(
    State(app): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<String>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<
    (
        StatusCode,
        [(HeaderName, &'static str); 1],
        Json<NewTokenResponse>,
    ),
    AppError,
> {
    caller.require(&[Role::Admin])?;
    let label = optional_json::<Option<TokenRequest>>(body)?.and_then(|r| r.label);
    let (token, record) =
        admin::create_buyer_token(&app.store, caller.actor(), &id, label.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        [(header::CACHE_CONTROL, "no-store")],
        Json(NewTokenResponse {
            token,
            id: record.id,
            producer_id: None,
        }),
    ))
}
