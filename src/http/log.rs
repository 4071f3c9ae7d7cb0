//! The transparency log over HTTP: checkpoint, proofs, witness cosignatures and the
//! C2SP tlog-tiles read API.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use data_encoding::HEXLOWER;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::error::{AppError, Problem};
use super::extract::{ApiJson, ApiQuery};
use crate::log::merkle;
use crate::log::note::{self, Note};
use crate::service::log as tlog;

/// The current signed checkpoint, as a C2SP signed note (public).
#[utoipa::path(get, path = "/log/checkpoint", tag = "log",
    responses((status = 200, content_type = "text/plain", body = String), (status = 503, body = Problem)))]
pub async fn checkpoint(State(app): State<AppState>) -> Result<Response, AppError> {
    let (_, text) = tlog::served_checkpoint(&*app.store)
        .await?
        .ok_or_else(|| AppError::Unavailable("no checkpoint published yet".into()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response())
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
    pub index: u64,
    pub tree_size: u64,
    pub leaf_hash: String,
    pub proof: Vec<String>,
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
    let proof = tlog::inclusion_proof(&*app.store, q.index, q.tree_size).await?;
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
    let root = tlog::root(&*app.store, q.tree_size).await?;
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
    pub first: u64,
    pub second: u64,
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
    let proof = tlog::consistency_proof(&*app.store, q.first, q.second).await?;
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
    let parsed = Note::parse(&req.checkpoint)
        .map_err(|e| AppError::bad_field("checkpoint", e.to_string()))?;
    let cp = note::Checkpoint::parse(&parsed.text)
        .map_err(|e| AppError::bad_field("checkpoint", e.to_string()))?;
    let stored = app.store.checkpoint(cp.size).await?.ok_or_else(|| {
        AppError::not_found(format!("no published checkpoint of size {}", cp.size))
    })?;
    if !stored.note.starts_with(&parsed.text)
        || stored.note.as_bytes().get(parsed.text.len()) != Some(&b'\n')
    {
        return Err(AppError::bad_field(
            "checkpoint",
            "this is not the checkpoint the log published at that size",
        ));
    }
    let mut accepted = 0;
    for vkey in &app.witnesses {
        let Ok((name, _, public)) = note::parse_vkey(vkey) else {
            continue;
        };
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public) else {
            continue;
        };
        if note::verify_cosignature(&parsed, &name, &key).is_ok() {
            let kid = note::cosignature_key_id(&name, &public);
            if let Some(sig) = parsed
                .signatures
                .iter()
                .find(|s| s.name == name && s.key_id == kid)
            {
                let line = Note {
                    text: String::new(),
                    signatures: vec![sig.clone()],
                }
                .render();
                let line = line.trim_start_matches('\n').to_owned();
                app.store.add_cosignature(cp.size, &name, &line).await?;
                accepted += 1;
            }
        }
    }
    if accepted == 0 {
        return Err(AppError::Forbidden(
            "no valid cosignature from a witness this log accepts".into(),
        ));
    }
    let (_, text) = tlog::served_checkpoint(&*app.store)
        .await?
        .ok_or_else(|| AppError::Internal("checkpoint vanished".into()))?;
    Ok((
        StatusCode::CREATED,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response())
}

/// Hashes per tile side (C2SP tlog-tiles: tiles of height 8).
const TILE_WIDTH: u64 = 256;

/// A parsed tile path: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`.
#[derive(Debug, PartialEq, Eq)]
struct TilePath {
    /// `None` for an entry bundle.
    level: Option<u8>,
    index: u64,
    width: u64,
}

impl TilePath {
    /// The `[start, end)` range of hashes or entries the tile holds; `None` past `u64`.
    fn span(&self) -> Option<(u64, u64)> {
        let start = self.index.checked_mul(TILE_WIDTH)?;
        Some((start, start.checked_add(self.width)?))
    }
}

fn parse_tile_path(path: &str) -> Option<TilePath> {
    let (level_part, rest) = path.split_once('/')?;
    let level = if level_part == "entries" {
        None
    } else {
        let l: u8 = level_part.parse().ok()?;
        if l > 63 || level_part != l.to_string() {
            return None;
        }
        Some(l)
    };
    let (index_part, width) = match rest.split_once(".p/") {
        Some((i, text)) => {
            let w: u64 = text.parse().ok()?;
            if w == 0 || w >= TILE_WIDTH || text != w.to_string() {
                return None;
            }
            (i, w)
        }
        None => (rest, TILE_WIDTH),
    };
    // N is written in groups of three digits, all but the last prefixed with "x".
    let groups: Vec<&str> = index_part.split('/').collect();
    let mut index: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        let digits = if i + 1 < groups.len() {
            g.strip_prefix('x')?
        } else {
            g
        };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        index = index
            .checked_mul(1000)?
            .checked_add(digits.parse::<u64>().ok()?)?;
    }
    Some(TilePath {
        level,
        index,
        width,
    })
}

/// A tile of the C2SP tlog-tiles API: hash tiles `/tile/<L>/<N>[.p/<W>]` and entry
/// bundles `/tile/entries/<N>[.p/<W>]` (public; full tiles are immutable).
#[utoipa::path(get, path = "/tile/{path}", tag = "log",
    params(("path" = String, Path, description = "`<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, N in x-prefixed groups of three digits",
        pattern = r"^(entries|[0-9]+)/(x[0-9]{3}/)*[0-9]{3}(\.p/[0-9]+)?$")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn tile(
    State(app): State<AppState>,
    super::extract::ApiPath(path): super::extract::ApiPath<String>,
) -> Result<Response, AppError> {
    let t = parse_tile_path(&path)
        .ok_or_else(|| AppError::bad_field("path", "not a tlog-tiles path"))?;
    let size = app.store.log_size().await?;
    let (start, end) = t
        .span()
        .ok_or_else(|| AppError::not_found("no such tile"))?;
    let body = match t.level {
        Some(level) => {
            // Level L tiles hold the nodes at tree level 8L; they exist once complete.
            let tree_level = u32::from(level) * 8;
            let available = size.checked_shr(tree_level).unwrap_or(0);
            if end > available {
                return Err(AppError::not_found("this tile is not complete yet"));
            }
            let hashes = app
                .store
                .level_range(u8::try_from(tree_level).unwrap_or(u8::MAX), start, end)
                .await?;
            if hashes.len() as u64 != t.width {
                return Err(AppError::Internal("stored tree is missing nodes".into()));
            }
            hashes.concat()
        }
        None => {
            if end > size {
                return Err(AppError::not_found("these entries are not in the log yet"));
            }
            let mut out = Vec::new();
            for e in app.store.entries(start, end).await? {
                let len = u16::try_from(e.body.len())
                    .map_err(|_| AppError::Internal("entry over 64 KiB".into()))?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(e.body.as_bytes());
            }
            out
        }
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_paths_follow_the_c2sp_encoding() {
        assert_eq!(
            parse_tile_path("0/000"),
            Some(TilePath {
                level: Some(0),
                index: 0,
                width: 256
            })
        );
        assert_eq!(
            parse_tile_path("1/x001/x234/067.p/8"),
            Some(TilePath {
                level: Some(1),
                index: 1_234_067,
                width: 8
            })
        );
        assert_eq!(
            parse_tile_path("entries/x001/002"),
            Some(TilePath {
                level: None,
                index: 1002,
                width: 256
            })
        );
        for bad in [
            "",
            "0",
            "0/1",
            "0/0001",
            "0/x001",
            "a/000",
            "0/000.p/0",
            "0/000.p/256",
            "01/000",
            "0/001/002",
        ] {
            assert_eq!(parse_tile_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn tiles_past_u64_have_no_span() {
        // The last full tile that fits: index * 256 + 256 would be 2^64.
        let last = parse_tile_path("0/x072/x057/x594/x037/x927/935").unwrap();
        assert_eq!(last.span(), None);
        let partial = parse_tile_path("0/x072/x057/x594/x037/x927/935.p/255").unwrap();
        assert_eq!(partial.span(), Some((u64::MAX - 255, u64::MAX)));
        assert_eq!(
            parse_tile_path("entries/x018/x446/x744/x073/x709/x551/615")
                .unwrap()
                .span(),
            None
        );
    }
}
