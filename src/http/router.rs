//! Every route of the service in one place: the JSON API (with its generated OpenAPI
//! description), the GS1 resolver, the log, and the pages; then the layers every
//! response passes through.

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::api::{
    self, buyers, certificates, credentials, institutes, labels, log, lots, meta, producers,
    webhooks,
};
use super::state::AppState;
use super::web::{
    account, admin, audit, bulk, buyer, certificate, directory, feed, lang, product, workspace,
};
use super::{error, extract, limits, metrics, proxies, resolver};

/// The whole service: API, pages and the OpenAPI description generated from the handlers.
pub fn router(state: AppState) -> Router {
    let https = state.base_url.starts_with("https://");
    let (api, mut openapi) = OpenApiRouter::with_openapi(api::ApiDoc::openapi())
        .routes(routes!(institutes::create, institutes::list))
        .routes(routes!(producers::create, producers::list))
        .routes(routes!(producers::get_one))
        .routes(routes!(producers::create_token, producers::list_tokens))
        .routes(routes!(producers::set_status))
        .routes(routes!(lots::create, lots::list))
        .routes(routes!(lots::get_one))
        .routes(routes!(lots::epcis))
        .routes(routes!(labels::sheet))
        .routes(routes!(labels::single))
        .routes(routes!(labels::scans))
        .routes(routes!(certificates::bundle))
        .routes(routes!(certificates::proof))
        .routes(routes!(certificates::verify_one))
        .routes(routes!(certificates::verify_many))
        .routes(routes!(certificates::set_status))
        .routes(routes!(certificates::qr_png))
        .routes(routes!(certificates::qr_svg))
        .routes(routes!(credentials::credential))
        .routes(routes!(credentials::status_list))
        .routes(routes!(credentials::did_document))
        .routes(routes!(credentials::ld_context))
        .routes(routes!(meta::keys))
        .routes(routes!(meta::log_entries))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::policy))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(log::cosign))
        .routes(routes!(buyers::create))
        .routes(routes!(buyers::create_token))
        .routes(routes!(buyers::get, buyers::put))
        .routes(routes!(buyers::get_csv, buyers::put_csv))
        .routes(routes!(webhooks::create, webhooks::list))
        .routes(routes!(webhooks::delete))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::test))
        .routes(routes!(meta::healthz))
        .routes(routes!(metrics::metrics))
        .routes(routes!(resolver::description))
        .routes(routes!(certificate::certificate))
        .split_for_parts();
    error::document_problems(&mut openapi);
    let openapi = Arc::new(openapi);
    let router = Router::new()
        .merge(api)
        .route("/api/openapi.json", get(move || meta::openapi(openapi.clone())))
        // A handler that does nothing: liveness probes and the load baseline.
        .route("/livez", get(|| async { "ok" }))
        .route("/tile/{*path}", get(log::tile))
        // The C2SP tlog-tiles prefix is `<base>/log`: the same tiles under it.
        .route("/log/tile/{*path}", get(log::tile))
        // GET (and so HEAD) and OPTIONS, as the GS1-Conformant resolver standard requires.
        .route(
            "/01/{*path}",
            get(resolver::digital_link).options(resolver::options),
        )
        .route("/products/{gtin}", get(product::product))
        // Pages.
        .route("/", get(certificate::home))
        .route("/c", get(certificate::lookup))
        .route("/verify", get(bulk::form).post(bulk::submit))
        .route("/producers", get(directory::producers))
        .route("/producers/{id}", get(directory::producer))
        .route("/feed.atom", get(feed::feed))
        .route("/producers/{id}/feed.atom", get(feed::producer_feed))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/account", get(account::account))
        .route("/account/password", post(account::change_password))
        .route("/workspace", get(workspace::home))
        .route("/workspace/lots/new", get(workspace::new_lot))
        .route("/workspace/lots", post(workspace::create_lot))
        .route("/workspace/lots/{id}", get(workspace::lot))
        .route("/buyer", get(buyer::home))
        .route("/admin", get(admin::home))
        .route("/admin/institutes", post(admin::create_institute))
        .route("/admin/producers", post(admin::create_producer))
        .route("/admin/producers/status", post(admin::producer_status))
        .route("/admin/tokens", post(admin::create_token))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/certificates/status", post(admin::certificate_status))
        .route("/audit", get(audit::dashboard))
        .route("/audit/impact.csv", get(audit::export))
        .route("/audit/impact.json", get(audit::export))
        .route("/audit/trail.csv", get(audit::trail_csv))
        .fallback(meta::not_found)
        .method_not_allowed_fallback(meta::method_not_allowed)
        .layer(axum::middleware::from_fn(lang::remember_lang))
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits::rate_limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        // Outside the limits: they count the client, not its proxy.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            proxies::client_address,
        ))
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
        // Links out (a producer's website) carry at most this site's origin, never a
        // page's path and query (a certificate id, a unit label's token).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ));
    // Behind https, browsers are told never to come back over plain http (a year).
    if https {
        router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        ))
    } else {
        router
    }
}
