//! The JSON API under `/api/v1`, the keys document and the transparency log: bearer
//! tokens, RFC 9457 problems, and an OpenAPI description generated from the handlers.

pub mod buyers;
pub mod certificates;
pub mod credentials;
pub mod institutes;
pub mod labels;
pub mod log;
pub mod lots;
pub mod meta;
pub mod producers;
pub mod webhooks;

use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

use super::error;

/// The parts of the OpenAPI description not generated from a route.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Origine",
        description = "Certificates for goods and services made in prison (\"made in carcere\"): register lots, verify labels, audit the log."
    ),
    paths(log::tile, super::resolver::digital_link),
    components(schemas(error::Problem)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

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
