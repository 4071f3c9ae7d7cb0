//! `/.well-known/gs1resolver`: the resolver description file of GS1-Conformant Resolver
//! 1.2, section 3 (it validates against GS1's description-file schema).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::cors;
use crate::http::state::AppState;
use crate::service::resolution::{GS1_VOC, LINKSET_CONTEXT};

/// The resolver description file (public): the resolver's root, its one primary key (GTIN,
/// AI 01), the link type namespace it recognises, that `linkset` is never the default link
/// type, and the JSON-LD context for its linksets.
#[utoipa::path(get, path = "/.well-known/gs1resolver", tag = "labels",
    responses((status = 200, description = "GS1 resolver description file", content_type = "application/json", body = Object)))]
pub async fn description(State(app): State<AppState>) -> Response {
    let body = json!({
        "name": "Origine",
        "resolverRoot": app.base_url.trim_end_matches('/'),
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": false,
        "jsonLdContextLocation": LINKSET_CONTEXT,
    });
    let mut response = (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.to_string(),
    )
        .into_response();
    cors(response.headers_mut());
    response
}
