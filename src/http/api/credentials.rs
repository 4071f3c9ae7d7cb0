//! Credentials other systems accept: the certificate as a UNTP Digital Conformity
//! Credential (JSON-LD with an eddsa-jcs-2022 proof, or VC-JOSE), the issuer's `did:web`
//! document, Origine's JSON-LD context and the W3C Bitstring Status Lists.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::certificates::unknown;
use crate::crypto::vc::{did_web, jose};
use crate::domain::StatusPurpose;
use crate::http::error::{AppError, Problem};
use crate::http::extract::ApiPath;
use crate::http::state::AppState;
use crate::service::credential::{self, CredentialError, context};
use crate::service::report::bundle_of;
use crate::service::status_lists;

impl From<CredentialError> for AppError {
    fn from(e: CredentialError) -> Self {
        match e {
            CredentialError::Store(e) => e.into(),
            CredentialError::Vc(e) => AppError::Internal(e.to_string()),
        }
    }
}

/// Whether the client asked for VC-JOSE: `application/vc+jwt` in `Accept`, not refused
/// with `q=0`.
fn wants_jwt(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|range| {
            let mut parts = range.split(';').map(str::trim);
            parts
                .next()
                .is_some_and(|m| m.eq_ignore_ascii_case(jose::MEDIA_TYPE))
                && !parts.any(|p| {
                    p.strip_prefix("q=")
                        .is_some_and(|q| q.parse::<f32>().is_ok_and(|q| q <= 0.0))
                })
        })
}

fn json_with(content_type: &'static str, cache: &'static str, value: &Value) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, cache),
            (header::VARY, "Accept"),
        ],
        value.to_string(),
    )
        .into_response()
}

/// The certificate as a UNTP Digital Conformity Credential 0.6.1 (W3C VC 2.0) issued by
/// `did:web`, with `BitstringStatusListEntry` statuses and an eddsa-jcs-2022 proof; with
/// `Accept: application/vc+jwt`, the same credential as a VC-JOSE compact JWS (public).
#[utoipa::path(get, path = "/api/v1/certificates/{id}/vc", tag = "verify",
    params(("id" = String, Path, description = "Certificate id")),
    responses(
        (status = 200, description = "The credential",
            content((Object = "application/vc"), (String = "application/vc+jwt"))),
        (status = 404, body = Problem)))]
pub async fn credential(
    State(app): State<AppState>,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let keys = app.keys.current();
    let entry = app
        .store
        .certificate_entry(&id)
        .await?
        .ok_or_else(|| unknown(&id))?;
    let position = app
        .status_lists
        .allocator(&app.store)
        .await?
        .position(entry.seq);
    let document = credential::document(&bundle_of(&entry), &app.base_url, &keys.issuer, position);
    if wants_jwt(&headers) {
        let jws = credential::jwt(&document, &app.base_url, &keys)?;
        return Ok((
            [
                (header::CONTENT_TYPE, jose::MEDIA_TYPE),
                (header::CACHE_CONTROL, "no-cache"),
                (header::VARY, "Accept"),
            ],
            jws,
        )
            .into_response());
    }
    let did = did_web::did_web(&app.base_url);
    let secured = credential::secure(&document, &did, &keys)?;
    Ok(json_with("application/vc", "no-cache", &secured))
}

/// The DID document of `did:web:<host>`: every issuer key that still verifies, as a
/// `Multikey` for assertions; a withdrawn key is no longer listed (public).
#[utoipa::path(get, path = "/.well-known/did.json", tag = "keys",
    responses((status = 200, description = "DID document", content_type = "application/did+json", body = Object)))]
pub async fn did_document(State(app): State<AppState>) -> Response {
    let keys = app.keys.current();
    let document = did_web::document(
        &did_web::did_web(&app.base_url),
        keys.verifying_keys()
            .map(|(kid, key)| (kid, key.to_bytes())),
    );
    json_with("application/did+json", "public, max-age=300", &document)
}

/// Origine's JSON-LD context: the terms its credentials use beyond VC 2.0 and UNTP DCC
/// 0.6.1 (public).
#[utoipa::path(get, path = "/contexts/origine/v1.jsonld", tag = "verify",
    responses((status = 200, description = "JSON-LD context", content_type = "application/ld+json", body = Object)))]
pub async fn ld_context(State(app): State<AppState>) -> Response {
    json_with(
        "application/ld+json",
        "public, max-age=86400",
        &context::document(&app.base_url),
    )
}

/// A W3C Bitstring Status List credential (`revocation` or `suspension`), signed, derived
/// from the log's status entries at the time of the request (public).
#[utoipa::path(get, path = "/api/v1/status-lists/{purpose}/{list}", tag = "status",
    params(("purpose" = String, Path, description = "`revocation` or `suspension`"),
           ("list" = u64, Path, description = "List number")),
    responses(
        (status = 200, description = "BitstringStatusListCredential", content_type = "application/vc", body = Object),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn status_list(
    State(app): State<AppState>,
    ApiPath((purpose, list)): ApiPath<(String, u64)>,
) -> Result<Response, AppError> {
    let purpose = StatusPurpose::parse(&purpose)
        .ok_or_else(|| AppError::not_found(format!("no status list purpose {purpose:?}")))?;
    let size = app.store.log_size().await?;
    if list > size / crate::crypto::vc::status_list::LIST_BITS {
        return Err(AppError::not_found(format!("no status list {list}")));
    }
    let keys = app.keys.current();
    let credential = status_lists::credential(
        &app.store,
        &app.status_lists,
        &keys,
        &app.base_url,
        purpose,
        list,
    )
    .await?;
    Ok(json_with(
        "application/vc",
        // Short: a status change shows in the list within seconds.
        "public, max-age=5",
        &credential,
    ))
}
