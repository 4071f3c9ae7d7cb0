//! The GS1-Conformant resolver (standard 1.2) behind the `/01/…` URLs printed on labels:
//! a 307 to the default link (the verification page), the linkset on request, one link
//! type on request, CORS and `OPTIONS`; and the resolver description file.
//!
//! Programs that ask for `application/json` (and not HTML) still get the verification
//! report of a lot or unit directly, as before the resolver existed; see
//! docs/ARCHITECTURE.md, *GS1 resolver*.

mod description;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use super::error::{AppError, Problem};
use super::extract::{ApiQuery, Client};
use super::state::AppState;
use super::web::lang::Lang;
use crate::domain::digital_link::DigitalLink;
use crate::service::labels::UnitScan;
use crate::service::report::report;
use crate::service::resolution::{self, Choice, Entity, LINKSET_CONTEXT, Link};

pub use description::{__path_description, description};

/// Query parameters the resolver reads; any others are passed on with the redirect.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkQuery {
    /// The unit label's token (passed on to the verification page).
    pub t: Option<String>,
    /// `linkset` (or the deprecated `all`) for the linkset; a link type such as
    /// `gs1:certificationInfo` for a redirect to that link.
    #[serde(rename = "linkType")]
    #[param(rename = "linkType")]
    pub link_type: Option<String>,
}

const LINKSET: &str = "application/linkset+json";

/// Resolves a GS1 Digital Link `/01/{gtin}[/10/{lot}[/21/{serial}]]` (public): a 307 to the
/// verification page (a GTIN alone: its product page) with the query string passed on;
/// the RFC 9264 linkset for `?linkType=linkset` or `Accept: application/linkset+json`;
/// a 307 to one link for `?linkType=gs1:…` (300 when several fit and nothing tells them
/// apart, 404 when there is none); the verification report for `Accept: application/json`.
#[utoipa::path(get, path = "/01/{path}", tag = "labels",
    params(("path" = String, Path, description = "`{gtin}[/10/{lot}[/21/{serial}]]`, percent-encoded; a trailing `/` is tolerated"), LinkQuery),
    responses(
        (status = 200, description = "the linkset; or, to `Accept: application/json`, the verification report of a lot or unit (the linkset of a GTIN)",
            content((Object = "application/linkset+json"), (Object = "application/json"))),
        (status = 300, description = "several links of the requested type fit equally: the linkset of those", content_type = "application/linkset+json", body = Object),
        (status = 307, description = "redirect to the default link, or to the requested link type"),
        (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn digital_link(
    State(app): State<AppState>,
    method: Method,
    uri: Uri,
    query: Result<ApiQuery<LinkQuery>, AppError>,
    client: Client,
    headers: HeaderMap,
    l: Lang,
) -> Response {
    let answer = match query {
        Ok(ApiQuery(q)) => resolve(&app, &method, &uri, q, client, &headers, l).await,
        Err(e) => Err(e),
    };
    let mut response = answer.unwrap_or_else(IntoResponse::into_response);
    cors(response.headers_mut());
    response
}

/// `OPTIONS` on a Digital Link: the methods and CORS headers, nothing else.
pub async fn options() -> Response {
    let mut response = (StatusCode::NO_CONTENT, [(header::ALLOW, METHODS)]).into_response();
    cors(response.headers_mut());
    response
}

const METHODS: &str = "GET, HEAD, OPTIONS";

/// CORS for any origin (the resolver is public and reads no cookie that matters), and
/// `Vary` so a cache never gives one visitor's language or media type to another.
pub(crate) fn cors(headers: &mut HeaderMap) {
    let set = [
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::ACCESS_CONTROL_ALLOW_METHODS, METHODS),
        (
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            "Accept, Accept-Language",
        ),
        (header::ACCESS_CONTROL_EXPOSE_HEADERS, "Link, Location"),
        (header::VARY, "Accept, Accept-Language, Cookie"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
}

async fn resolve(
    app: &AppState,
    method: &Method,
    uri: &Uri,
    q: LinkQuery,
    client: Client,
    headers: &HeaderMap,
    l: Lang,
) -> Result<Response, AppError> {
    // The raw path: a "/" inside a lot or serial arrives as %2F and must stay one.
    let path = uri.path();
    let path = path.strip_suffix('/').unwrap_or(path);
    let link =
        DigitalLink::parse_path(path).map_err(|e| AppError::bad_field("path", e.to_string()))?;
    let entity = resolution::entity(&app.store, &link)
        .await?
        .ok_or_else(|| {
            AppError::not_found(format!("Origine certified nothing at {}", link.path()))
        })?;
    let lang = l.code();
    let links = resolution::links(&app.base_url, &entity, lang);
    let anchor = resolution::anchor(&app.base_url, &entity);
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let linkset = |links: &[&Link], status: StatusCode| {
        let owned: Vec<Link> = links.iter().map(|&l| l.clone()).collect();
        let body = resolution::linkset(&anchor, &resolution::description(&entity), &owned);
        linkset_response(status, &body)
    };
    let all: Vec<&Link> = links.iter().collect();
    let passed = uri.query().filter(|q| !q.is_empty());
    match q.link_type.as_deref() {
        Some("linkset" | "all") => Ok(linkset(&all, StatusCode::OK)),
        Some(value) => {
            let rel = resolution::link_type(value).unwrap_or_else(|| value.to_owned());
            match resolution::choose(&links, &rel, lang, accept) {
                Choice::One(target) => redirect(&target.href, passed, &anchor),
                Choice::Many(fitting) => Ok(linkset(&fitting, StatusCode::MULTIPLE_CHOICES)),
                Choice::None => Err(AppError::not_found(format!(
                    "no link of type {value:?} for {}",
                    link.path()
                ))),
            }
        }
        None if accept.is_some_and(|a| a.contains(LINKSET)) => Ok(linkset(&all, StatusCode::OK)),
        None if accept
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html")) =>
        {
            json_answer(app, method, &entity, q.t, client, &links, &anchor).await
        }
        None => {
            let default = resolution::link_type("gs1:defaultLink").unwrap_or_default();
            let target = links
                .iter()
                .find(|l| l.rel == default)
                .ok_or_else(|| AppError::Internal("an entity without a default link".into()))?;
            redirect(&target.href, passed, &anchor)
        }
    }
}

/// What a program asking for JSON gets: the verification report of a lot or unit (a scan
/// is counted for a unit, except on `HEAD`), the linkset of a GTIN.
async fn json_answer(
    app: &AppState,
    method: &Method,
    entity: &Entity,
    token: Option<String>,
    client: Client,
    links: &[Link],
    anchor: &str,
) -> Result<Response, AppError> {
    let (lot, serial) = match entity {
        Entity::Product { .. } => {
            let body = resolution::linkset(anchor, &resolution::description(entity), links);
            return Ok(Json(body).into_response());
        }
        Entity::Lot(lot) => (lot, None),
        Entity::Unit { lot, serial } => (lot, Some(serial)),
    };
    let unit = serial.filter(|_| method != Method::HEAD).map(|s| UnitScan {
        serial: s.clone(),
        token,
        client: client.0,
    });
    let r = report(
        &app.store,
        &app.keys.current(),
        &lot.certificate_id,
        unit.as_ref(),
    )
    .await?
    .ok_or_else(|| AppError::not_found("the lot's certificate is missing"))?;
    Ok(Json(r).into_response())
}

/// A 307 to `href` with the request's whole query string passed on (standard 1.2, 2.12)
/// and a `Link` to the linkset.
fn redirect(href: &str, query: Option<&str>, anchor: &str) -> Result<Response, AppError> {
    let location = match query {
        Some(q) => format!("{href}{}{q}", if href.contains('?') { '&' } else { '?' }),
        None => href.to_owned(),
    };
    let location = HeaderValue::try_from(location)
        .map_err(|_| AppError::bad_field("query", "not a valid URI query"))?;
    let link = HeaderValue::try_from(format!(
        "<{anchor}?linkType=linkset>; rel=\"linkset\"; type=\"{LINKSET}\""
    ))
    .map_err(|_| AppError::Internal("a link header that is not a header".into()))?;
    Ok((
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, location), (header::LINK, link)],
    )
        .into_response())
}

fn linkset_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let context = format!(
        "<{LINKSET_CONTEXT}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\""
    );
    let mut response =
        (status, [(header::CONTENT_TYPE, LINKSET)], body.to_string()).into_response();
    if let Ok(v) = HeaderValue::try_from(context) {
        response.headers_mut().insert(header::LINK, v);
    }
    response
}
