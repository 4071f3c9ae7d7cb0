//! The transparency log over HTTP: checkpoint, proofs, witness cosignatures and the
//! C2SP tlog-tiles read API.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::{AppError, Problem};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery};
use crate::http::state::AppState;
use crate::log::tiles::{TILE_WIDTH, parse_tile_path};
use crate::log::{merkle, note};
use crate::service::log::{self as tlog, CosignError};

/// The current signed checkpoint, as a C2SP signed note (public).
#[utoipa::path(get, path = "/log/checkpoint", tag = "log",
    responses((status = 200, content_type = "text/plain", body = String), (status = 503, body = Problem)))]
pub async fn checkpoint(State(app): State<AppState>) -> Result<Response, AppError> {
    let (_, text) = tlog::witnessed_checkpoint(&app.store, &app.policy, app.fail_open)
        .await?
        .ok_or_else(|| {
            AppError::Unavailable(if app.fail_open {
                "no checkpoint published yet".into()
            } else {
                "no checkpoint has met the witness quorum yet".into()
            })
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response())
}

/// The log's C2SP tlog-policy: its own `log` line for each key that still verifies, the
/// witnesses it pushes checkpoints to, and the quorum (`quorum none` without witnesses).
#[utoipa::path(get, path = "/log/policy", tag = "log",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn policy(State(app): State<AppState>) -> Response {
    let keys = app.keys.current();
    let vkeys: Vec<String> = keys
        .verifying_keys()
        .map(|(_, key)| note::format_vkey(&keys.issuer, note::ALG_ED25519, key.as_bytes()))
        .collect();
    let text = crate::service::witnessing::served_policy(&vkeys, &app.base_url, &app.policy);
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        text,
    )
        .into_response()
}

/// Inclusion proof query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InclusionQuery {
    /// Index of the entry.
    pub index: u64,
    /// Size of the tree to prove against.
    pub tree_size: u64,
}

/// An RFC 9162 inclusion proof (hex hashes).
#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionResponse {
    /// 0-based index of the entry proved.
    pub index: u64,
    /// Size of the tree the proof is against.
    pub tree_size: u64,
    /// Hex `SHA-256(0x00 ‖ JCS(entry))` of the entry.
    pub leaf_hash: String,
    /// Hex sibling hashes from the leaf up, as RFC 9162 §2.1.3 orders them.
    pub proof: Vec<String>,
    /// Hex root hash of the tree of `tree_size` entries.
    pub root: String,
}

fn hex_all(hashes: &[merkle::Hash]) -> Vec<String> {
    hashes.iter().map(|h| HEXLOWER.encode(h)).collect()
}

/// Inclusion proof of entry `index` in the tree of `tree_size` entries (public).
#[utoipa::path(get, path = "/api/v1/log/proof/inclusion", tag = "log",
    params(InclusionQuery),
    responses((status = 200, body = InclusionResponse), (status = 400, body = Problem)))]
pub async fn inclusion(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionResponse>, AppError> {
    let size = app.store.log_size().await?;
    if q.tree_size == 0 || q.tree_size > size {
        return Err(AppError::bad_field(
            "tree_size",
            format!("must be between 1 and the log size {size}"),
        ));
    }
    if q.index >= q.tree_size {
        return Err(AppError::bad_field("index", "must be less than tree_size"));
    }
    let proof = tlog::inclusion_proof(&app.store, q.index, q.tree_size).await?;
    let leaf = app
        .store
        .nodes(&[merkle::NodeId {
            level: 0,
            index: q.index,
        }])
        .await?
        .into_values()
        .next()
        .ok_or_else(|| AppError::Internal("leaf missing from the stored tree".into()))?;
    let root = tlog::root(&app.store, q.tree_size).await?;
    Ok(Json(InclusionResponse {
        index: q.index,
        tree_size: q.tree_size,
        leaf_hash: HEXLOWER.encode(&leaf),
        proof: hex_all(&proof),
        root: HEXLOWER.encode(&root),
    }))
}

/// Consistency proof query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyQuery {
    /// Size of the older tree (at least 1).
    pub first: u64,
    /// Size of the newer tree.
    pub second: u64,
}

/// An RFC 9162 consistency proof (hex hashes).
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyResponse {
    /// Size of the older tree.
    pub first: u64,
    /// Size of the newer tree.
    pub second: u64,
    /// Hex hashes of the RFC 9162 §2.1.4 consistency proof; empty when the sizes are equal.
    pub proof: Vec<String>,
}

/// Consistency proof between two tree sizes (public).
#[utoipa::path(get, path = "/api/v1/log/proof/consistency", tag = "log",
    params(ConsistencyQuery),
    responses((status = 200, body = ConsistencyResponse), (status = 400, body = Problem)))]
pub async fn consistency(
    State(app): State<AppState>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyResponse>, AppError> {
    let size = app.store.log_size().await?;
    if q.second > size {
        return Err(AppError::bad_field(
            "second",
            format!("must not exceed the log size {size}"),
        ));
    }
    if q.first == 0 || q.first > q.second {
        return Err(AppError::bad_field("first", "must be between 1 and second"));
    }
    let proof = tlog::consistency_proof(&app.store, q.first, q.second).await?;
    Ok(Json(ConsistencyResponse {
        first: q.first,
        second: q.second,
        proof: hex_all(&proof),
    }))
}

/// A witness's cosignature of a published checkpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CosignatureRequest {
    /// The checkpoint note as the witness cosigned it: the checkpoint text and its
    /// signature lines, including the witness's cosignature line.
    pub checkpoint: String,
}

/// Publishes a witness cosignature (public; only configured witnesses are accepted).
#[utoipa::path(post, path = "/api/v1/log/cosignatures", tag = "log",
    request_body = CosignatureRequest,
    responses((status = 201, content_type = "text/plain", body = String), (status = 400, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn cosign(
    State(app): State<AppState>,
    ApiJson(req): ApiJson<CosignatureRequest>,
) -> Result<Response, AppError> {
    tlog::accept_cosignatures(&app.store, &app.witnesses, &req.checkpoint)
        .await
        .map_err(|e| match e {
            CosignError::Malformed(_) | CosignError::NotPublished => {
                AppError::bad_field("checkpoint", e.to_string())
            }
            CosignError::Unknown(_) => AppError::not_found(e.to_string()),
            CosignError::NoWitness => AppError::Forbidden(e.to_string()),
            CosignError::Store(e) => e.into(),
        })?;
    let (_, text) = tlog::served_checkpoint(&app.store)
        .await?
        .ok_or_else(|| AppError::Internal("checkpoint vanished".into()))?;
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response())
}

/// A tile of the C2SP tlog-tiles API: hash tiles `/tile/<L>/<N>[.p/<W>]` and entry
/// bundles `/tile/entries/<N>[.p/<W>]` (public; full tiles are immutable).
#[utoipa::path(get, path = "/tile/{path}", tag = "log",
    params(("path" = String, Path, description = "`<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, N in x-prefixed groups of three digits",
        pattern = r"^(entries|[0-9]+)/(x[0-9]{3}/)*[0-9]{3}(\.p/[0-9]+)?$")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn tile(
    State(app): State<AppState>,
    ApiPath(path): ApiPath<String>,
) -> Result<Response, AppError> {
    let t = parse_tile_path(&path)
        .ok_or_else(|| AppError::bad_field("path", "not a tlog-tiles path"))?;
    let body = tlog::tile(&app.store, &t).await?.ok_or_else(|| {
        AppError::not_found(match t.level {
            Some(_) => "this tile is not complete yet",
            None => "these entries are not in the log yet",
        })
    })?;
    let cache = if t.width == TILE_WIDTH {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=60"
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response())
}
