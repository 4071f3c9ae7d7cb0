//! The one error type of the HTTP edge, rendered as RFC 9457 problem details.
//!
//! Policy: a client's mistake gets a 4xx that says what to fix (and names the field for
//! validation); a server fault gets a 500 or 503 whose details go to the log, never to
//! the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{FieldError, ValidationErrors};
use crate::service::admin::AdminError;
use crate::service::issuer::IssueError;
use crate::service::register::RegisterError;
use crate::store::{Rejection, StoreError};

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase, e.g. `Unprocessable Entity`.
    pub title: String,
    /// The HTTP status code, the same as the response's.
    pub status: u16,
    /// What went wrong, in a sentence for the client; never a server fault's cause.
    pub detail: String,
    /// Each invalid field and why (validation, conflicts, csrf); omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Media type of every error response.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Completes the OpenAPI description generated from the handlers' annotations with what
/// they all share: problem documents are listed as `application/problem+json` (what
/// [`AppError`] sends), and each operation lists the problems the shared extractors and
/// middleware answer with: 401 ([`Caller`](super::extract::Caller)) where a token is
/// required; 400, 413, 415 and 422 ([`ApiJson`](super::extract::ApiJson)) where a JSON body
/// is read; 400 ([`ApiPath`](super::extract::ApiPath), [`ApiQuery`](super::extract::ApiQuery))
/// where parameters are; 429 (rate limiting) everywhere.
pub fn document_problems(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{Content, Ref, RefOr, ResponseBuilder};

    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    PROBLEM_JSON,
                    Content::new(Some(Ref::from_schema_name("Problem"))),
                )
                .build(),
        )
    };
    let is_problem = |content: &RefOr<Content>| {
        matches!(content, RefOr::T(Content { schema: Some(RefOr::Ref(r)), .. })
            if r.ref_location == "#/components/schemas/Problem")
    };
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            for response in op.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    response.content = std::mem::take(&mut response.content)
                        .into_iter()
                        .map(|(media, content)| {
                            if media == "application/json" && is_problem(&content) {
                                (PROBLEM_JSON.to_owned(), content)
                            } else {
                                (media, content)
                            }
                        })
                        .collect();
                }
            }
            let mut shared = Vec::new();
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                shared.push(("401", "missing or unknown API token"));
            }
            if let Some(RefOr::T(body)) = &op.request_body {
                shared.extend([
                    ("400", "the body is not valid JSON"),
                    ("413", "the body is too large"),
                    ("422", "a field is missing, unknown, or of the wrong type"),
                ]);
                // An optional body is read whatever its Content-Type (`optional_json`).
                if body.required == Some(utoipa::openapi::Required::True) {
                    shared.push(("415", "the body is not sent as application/json"));
                }
            }
            if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                shared.push(("400", "a parameter cannot be decoded"));
            }
            shared.push(("429", "too many requests from this client"));
            for (status, description) in shared {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 422: fields that fail the rules, each named.
    #[error("invalid request")]
    Validation(#[from] ValidationErrors),
    /// 400: a request that cannot be read (bad JSON, parameter, or path).
    #[error("{detail}")]
    BadRequest {
        /// What is wrong, for the problem's `detail`.
        detail: String,
        /// The fields at fault, if any can be named.
        errors: Vec<FieldError>,
    },
    /// 401 with `WWW-Authenticate: Bearer`: no token, or one the store does not know.
    #[error("missing or unknown API token")]
    Unauthorized,
    /// 403: the caller is known but may not do this; the string says why.
    #[error("{0}")]
    Forbidden(String),
    /// A form came without the token of the page that showed it.
    #[error(
        "the form's csrf token is missing or does not match; reload the page and send it again"
    )]
    Csrf,
    /// 404: the string names what was not found.
    #[error("{0}")]
    NotFound(String),
    /// Something the request names by a field is not there (or not the caller's).
    #[error("{detail}")]
    NotFoundField {
        /// The field that names it.
        field: &'static str,
        /// What is missing.
        detail: String,
    },
    /// 405.
    #[error("this endpoint does not accept that method")]
    MethodNotAllowed,
    /// 429: the client's rate limit is spent.
    #[error("too many requests from this client; slow down")]
    TooManyRequests,
    /// 409: a unique value is taken or the register's state forbids the change.
    #[error("{detail}")]
    Conflict {
        /// The field at fault, e.g. `vat_number` or `lot_code`.
        field: &'static str,
        /// What conflicts, for the problem's `detail`.
        detail: String,
    },
    /// 413: the body is over the limit, in bytes.
    #[error("request body is larger than {0} bytes")]
    TooLarge(usize),
    /// 415: the string says which media type was expected.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 503 with `Retry-After: 5`: the database is busy or unreachable; the cause goes to
    /// the log only.
    #[error("the service cannot answer right now")]
    Unavailable(String),
    /// 500: a server fault; the cause goes to the log, never to the client.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// A 404 for `what`.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound(what.into())
    }

    /// A 400 naming one field.
    pub fn bad_field(field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::BadRequest {
            detail: message.clone(),
            errors: vec![FieldError {
                field: field.into(),
                message,
            }],
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) | Self::Csrf => StatusCode::FORBIDDEN,
            Self::NotFound(_) | Self::NotFoundField { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::Validation(_) => "validation",
            Self::BadRequest { .. } => "bad-request",
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::Csrf => "csrf",
            Self::NotFound(_) | Self::NotFoundField { .. } => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::TooManyRequests => "too-many-requests",
            Self::Conflict { .. } => "conflict",
            Self::TooLarge(_) => "too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status();
        let errors = match self {
            Self::Validation(v) => v.0.clone(),
            Self::BadRequest { errors, .. } => errors.clone(),
            Self::Conflict { field, detail } | Self::NotFoundField { field, detail } => {
                vec![FieldError {
                    field: (*field).to_owned(),
                    message: detail.clone(),
                }]
            }
            Self::Csrf => vec![FieldError {
                field: "csrf".to_owned(),
                message: "missing or does not match this session".to_owned(),
            }],
            _ => Vec::new(),
        };
        let detail = match self {
            Self::Validation(v) => format!("{v}"),
            other => other.to_string(),
        };
        Problem {
            kind: format!("urn:origine:problem:{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(cause) => tracing::error!(%cause, "internal error"),
            Self::Unavailable(cause) => tracing::warn!(%cause, "service unavailable"),
            _ => {}
        }
        let status = self.status();
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if matches!(self, Self::Unauthorized) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        // Busy or briefly unreachable: worth asking again in a moment.
        if matches!(self, Self::Unavailable(_)) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(field) => Self::Conflict {
                field,
                detail: format!("{field} is already registered"),
            },
            StoreError::Database(sqlx::Error::PoolTimedOut | sqlx::Error::Io(_)) => {
                Self::Unavailable(e.to_string())
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<crate::service::labels::LabelDataError> for AppError {
    fn from(e: crate::service::labels::LabelDataError) -> Self {
        use crate::service::labels::LabelDataError;
        match e {
            LabelDataError::Unsignable(_) => Self::Validation(
                crate::domain::ValidationErrors::one("signed", e.to_string()),
            ),
            LabelDataError::Store(e) => e.into(),
        }
    }
}

/// A label that cannot be drawn is the request's or the lot's problem, never a 500, except
/// when the drawing itself fails.
impl From<crate::labels::LabelError> for AppError {
    fn from(e: crate::labels::LabelError) -> Self {
        use crate::labels::LabelError;
        let field = match &e {
            LabelError::Empty | LabelError::TooMany(_) => "to",
            LabelError::UrlTooLong { .. } | LabelError::TooDense { .. } => "layout",
            LabelError::Dpi(_) => "dpi",
            LabelError::Font(_) | LabelError::Png(_) => return Self::Internal(e.to_string()),
        };
        Self::Validation(crate::domain::ValidationErrors::one(field, e.to_string()))
    }
}

impl From<crate::service::accounts::AccountError> for AppError {
    fn from(e: crate::service::accounts::AccountError) -> Self {
        use crate::service::accounts::AccountError;
        use crate::service::passwords::HashError;
        match e {
            AccountError::Invalid(v) => Self::Validation(v),
            AccountError::Store(e) => e.into(),
            AccountError::Hash(e @ HashError::Busy) => Self::Unavailable(e.to_string()),
            AccountError::Hash(e) => Self::Internal(e.to_string()),
        }
    }
}

impl From<AdminError> for AppError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Forbidden(role) => {
                Self::Forbidden(format!("this needs the admin role; your token has {role}"))
            }
            AdminError::NotFound(what) => Self::not_found(what),
            AdminError::NotAllowed(why) => Self::Forbidden(why),
            AdminError::Invalid(v) => Self::Validation(v),
            AdminError::Account(e) => e.into(),
            AdminError::Issue(e) => e.into(),
            AdminError::Store(e) => e.into(),
        }
    }
}

impl From<crate::service::buyers::BuyerError> for AppError {
    fn from(e: crate::service::buyers::BuyerError) -> Self {
        use crate::service::buyers::BuyerError;
        match e {
            BuyerError::Invalid(v) => Self::Validation(v),
            BuyerError::NotFound { field, detail } => Self::NotFoundField { field, detail },
            BuyerError::Store(e) => e.into(),
        }
    }
}

impl From<RegisterError> for AppError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Invalid(v) => Self::Validation(v),
            RegisterError::NotAllowed(why) => Self::Forbidden(why),
            RegisterError::Issue(e) => e.into(),
            RegisterError::Store(e) => e.into(),
        }
    }
}

impl From<IssueError> for AppError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::Rejected(Rejection::DuplicateLotCode) => Self::Conflict {
                field: "lot_code",
                detail: "this producer has already registered a lot with this lot_code".into(),
            },
            IssueError::Rejected(rejection @ Rejection::ProducerNotAccredited(_)) => {
                Self::Forbidden(rejection.to_string())
            }
            IssueError::Rejected(rejection @ Rejection::GtinOfAnotherProducer) => Self::Conflict {
                field: "product.gtin",
                detail: rejection.to_string(),
            },
            IssueError::Rejected(rejection @ Rejection::Revoked) => Self::Conflict {
                field: "status",
                detail: rejection.to_string(),
            },
            IssueError::Store(cause) => Self::Unavailable(cause),
            IssueError::Closed => Self::Unavailable("issuer stopped".into()),
        }
    }
}
