//! The HTTP edge: routing, extractors, error mapping, pages. Handlers call the domain and
//! services; they never write SQL.

pub mod error;
pub mod extract;

mod account_pages;
mod admin;
mod audit_page;
mod bulk_page;
mod certificates;
mod forms;
mod institutes;
mod labels;
pub mod limits;
mod log;
mod lots;
mod meta;
mod pages;
mod producers;
mod register;
pub mod session;
mod workspace;

use std::ops::Deref;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::crypto::KeyHandle;
use crate::service::issuer::Issuer;
use crate::store::Store;

/// Everything a request handler may use.
pub struct App {
    /// The register's database.
    pub store: Arc<Store>,
    /// The issuer's signing keys, reloaded when the keys directory changes.
    pub keys: Arc<KeyHandle>,
    /// The task that signs, chains and commits new log entries.
    pub issuer: Issuer,
    /// Public address of this service, without trailing slash; QR codes point here.
    pub base_url: String,
    /// Verifier keys of the witnesses whose cosignatures are accepted.
    pub witnesses: Vec<String>,
    /// Per-client request limits.
    pub limiter: limits::RateLimiter,
    /// The server's latest audit of its own register.
    pub last_audit: crate::service::audit::LastAudit,
    /// Failed logins, per email and per client address.
    pub login_limiter: limits::RateLimiter<String>,
    /// Verification reports remembered until the database or the keys change.
    pub reports: crate::service::report_cache::ReportCache,
}

/// Shared handle to [`App`], cheap to clone into each request.
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Origine",
        description = "Certificates for goods and services made in prison (\"made in carcere\"): register lots, verify labels, audit the log."
    ),
    paths(log::tile, labels::digital_link),
    components(schemas(error::Problem)),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The whole service: API, pages and the OpenAPI description generated from the handlers.
pub fn router(state: AppState) -> Router {
    let (api, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(institutes::create, institutes::list))
        .routes(routes!(producers::create, producers::list))
        .routes(routes!(producers::get_one))
        .routes(routes!(producers::create_token, producers::list_tokens))
        .routes(routes!(producers::set_status))
        .routes(routes!(lots::create, lots::list))
        .routes(routes!(lots::get_one))
        .routes(routes!(labels::sheet))
        .routes(routes!(labels::single))
        .routes(routes!(labels::scans))
        .routes(routes!(certificates::bundle))
        .routes(routes!(certificates::verify_one))
        .routes(routes!(certificates::verify_many))
        .routes(routes!(certificates::set_status))
        .routes(routes!(certificates::qr_png))
        .routes(routes!(certificates::qr_svg))
        .routes(routes!(certificates::credential))
        .routes(routes!(meta::keys))
        .routes(routes!(meta::log_entries))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(log::cosign))
        .routes(routes!(meta::healthz))
        .routes(routes!(pages::certificate))
        .split_for_parts();
    error::document_problems(&mut openapi);
    let openapi = Arc::new(openapi);
    Router::new()
        .merge(api)
        .route("/api/openapi.json", axum::routing::get(move || meta::openapi(openapi.clone())))
        .route("/", axum::routing::get(pages::home))
        // A handler that does nothing: liveness probes and the load baseline.
        .route("/livez", axum::routing::get(|| async { "ok" }))
        .route("/c", axum::routing::get(pages::lookup))
        .route("/verify", axum::routing::get(bulk_page::form).post(bulk_page::submit))
        .route("/login", axum::routing::get(account_pages::login_form).post(account_pages::login))
        .route("/logout", axum::routing::post(account_pages::logout))
        .route("/account", axum::routing::get(account_pages::account))
        .route("/account/password", axum::routing::post(account_pages::change_password))
        .route("/admin", axum::routing::get(admin::home))
        .route("/admin/institutes", axum::routing::post(admin::create_institute))
        .route("/admin/producers", axum::routing::post(admin::create_producer))
        .route("/admin/producers/status", axum::routing::post(admin::producer_status))
        .route("/admin/tokens", axum::routing::post(admin::create_token))
        .route("/admin/users", axum::routing::post(admin::create_user))
        .route("/admin/certificates/status", axum::routing::post(admin::certificate_status))
        .route("/audit", axum::routing::get(audit_page::dashboard))
        .route("/audit/impact.csv", axum::routing::get(audit_page::export))
        .route("/audit/impact.json", axum::routing::get(audit_page::export))
        .route("/audit/trail.csv", axum::routing::get(audit_page::trail_csv))
        .route("/workspace", axum::routing::get(workspace::home))
        .route("/workspace/lots/new", axum::routing::get(workspace::new_lot))
        .route("/workspace/lots", axum::routing::post(workspace::create_lot))
        .route("/workspace/lots/{id}", axum::routing::get(workspace::lot))
        .route("/producers", axum::routing::get(register::producers))
        .route("/producers/{id}", axum::routing::get(register::producer))
        .route("/feed.atom", axum::routing::get(register::feed))
        .route("/producers/{id}/feed.atom", axum::routing::get(register::producer_feed))
        .route("/tile/{*path}", axum::routing::get(log::tile))
        .route("/01/{*path}", axum::routing::get(labels::digital_link))
        .fallback(meta::not_found)
        .method_not_allowed_fallback(meta::method_not_allowed)
        .layer(axum::middleware::from_fn(session::remember_lang))
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits::rate_limit))
        .with_state(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(30),
        ))
        .layer(DefaultBodyLimit::max(extract::MAX_BODY))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
        ))
}
