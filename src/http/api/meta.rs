//! Keys document, log entries, health, the OpenAPI description and the 404 fallback.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::crypto::KeysDocument;
use crate::crypto::jcs;
use crate::http::error::{AppError, Problem};
use crate::http::extract::ApiQuery;
use crate::http::state::AppState;

/// Most log entries per call.
const MAX_ENTRIES: u64 = 1000;

/// The issuer's public keys (public).
#[utoipa::path(get, path = "/.well-known/origine-keys.json", tag = "keys",
    responses((status = 200, body = KeysDocument)))]
pub async fn keys(State(app): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "public, max-age=300")],
        Json(app.keys.current().document()),
    )
}

/// Range of log entries.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntriesQuery {
    /// First index, inclusive.
    pub start: u64,
    /// Last index, exclusive; at most `start + 1000`.
    pub end: u64,
}

/// One log entry: `entry` is the JSON object whose JCS bytes are the Merkle leaf.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// 0-based position in the log.
    pub index: u64,
    /// Hex `SHA-256(0x00 ‖ JCS(entry))`.
    pub leaf_hash: String,
    /// The signed body: a certificate, status or key entry.
    #[schema(value_type = Object)]
    pub entry: Value,
    /// Hex SHA-256 of the entry's JCS bytes (what the next entry's `prev` names).
    pub hash: String,
    /// Ed25519 signature over the entry's JCS bytes, base64url without padding.
    pub signature: String,
    /// Hex C2SP key ID of the key that signed.
    pub kid: String,
}

/// Log entries in `[start, end)`.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntriesResponse {
    /// The entries in index order.
    pub entries: Vec<EntryView>,
}

/// Entries of the log (public).
#[utoipa::path(get, path = "/api/v1/log/entries", tag = "log",
    params(EntriesQuery),
    responses((status = 200, body = EntriesResponse), (status = 400, body = Problem)))]
pub async fn log_entries(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<EntriesQuery>,
) -> Result<Json<EntriesResponse>, AppError> {
    let size = app.store.log_size().await?;
    if q.start >= q.end {
        return Err(AppError::bad_field("end", "must be greater than start"));
    }
    if q.end - q.start > MAX_ENTRIES {
        return Err(AppError::bad_field(
            "end",
            format!("at most {MAX_ENTRIES} entries per call"),
        ));
    }
    if q.end > size {
        return Err(AppError::bad_field(
            "end",
            format!("the log has {size} entries"),
        ));
    }
    let entries = app
        .store
        .entries(q.start, q.end)
        .await?
        .into_iter()
        .map(|e| EntryView {
            index: e.seq,
            leaf_hash: data_encoding::HEXLOWER.encode(&jcs::leaf_hash(e.body.as_bytes())),
            entry: serde_json::from_str(&e.body).unwrap_or(Value::Null),
            hash: e.hash,
            signature: e.signature,
            kid: e.kid,
        })
        .collect();
    Ok(Json(EntriesResponse { entries }))
}

/// Health of the service.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` (a failing database is a 503 problem instead).
    pub status: String,
    /// Number of entries in the log.
    pub log_size: u64,
}

/// 200 when the database answers (public).
#[utoipa::path(get, path = "/healthz", tag = "meta",
    responses((status = 200, body = Health), (status = 503, body = Problem)))]
pub async fn healthz(State(app): State<AppState>) -> Result<Json<Health>, AppError> {
    app.store
        .ping()
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    let log_size = app
        .store
        .log_size()
        .await
        .map_err(|e| AppError::Unavailable(e.to_string()))?;
    Ok(Json(Health {
        status: "ok".into(),
        log_size,
    }))
}

/// The OpenAPI 3.1 description, generated from the handlers.
pub async fn openapi(doc: Arc<utoipa::openapi::OpenApi>) -> impl IntoResponse {
    Json(doc)
}

/// A method an endpoint does not have.
pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// Unknown paths get a problem document too.
pub async fn not_found() -> AppError {
    AppError::not_found("no such page or endpoint")
}
