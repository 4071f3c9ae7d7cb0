//! Extractors whose every failure is a problem naming the field: JSON bodies, paths,
//! queries, and the client's address.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use serde::de::DeserializeOwned;

use super::error::AppError;

/// Largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

/// A JSON request body; every way it can be wrong is a problem naming the field.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|mime| {
                mime == "application/json"
                    || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !json {
            return Err(AppError::UnsupportedMediaType(
                "send the body as JSON with Content-Type: application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge(MAX_BODY)
            } else {
                AppError::BadRequest {
                    detail: format!("could not read the request body: {e}"),
                    errors: Vec::new(),
                }
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Parses JSON from outside, naming the field of the first error.
///
/// # Errors
/// A 400 problem for broken JSON or JSON that is not I-JSON (a repeated member name, a lone
/// surrogate), a 422 for a wrong type, unknown or missing field.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    // I-JSON first: a repeated member name, a lone surrogate or an inexact integer is a 400
    // naming where it is, whatever `T` would have made of it.
    crate::ijson::check(bytes).map_err(|e| AppError::BadRequest {
        detail: format!("the body is not valid I-JSON (RFC 7493): {e}"),
        errors: vec![crate::domain::FieldError {
            field: if e.path.is_empty() {
                "body".to_owned()
            } else {
                e.path.clone()
            },
            message: e.message,
        }],
    })?;
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut *de);
    // Anything after the first JSON value (a second object, stray bytes) is an error too.
    if result.is_ok()
        && let Err(e) = de.end()
    {
        return Err(AppError::BadRequest {
            detail: format!("the body is not valid JSON: {e}"),
            errors: vec![crate::domain::FieldError {
                field: "body".to_owned(),
                message: "unexpected data after the JSON value".to_owned(),
            }],
        });
    }
    result.map_err(|e| {
        let inner = e.inner();
        let message = inner.to_string();
        let mut field = e.path().to_string();
        if field == "." {
            field.clear();
        }
        // serde reports a missing field at its parent (an unknown one at itself); name the field.
        if let Some(rest) = message.strip_prefix("missing field `")
            && let Some(name) = rest.split('`').next()
        {
            field = if field.is_empty() {
                name.to_owned()
            } else {
                format!("{field}.{name}")
            };
        }
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned();
        if inner.is_data() {
            let field = if field.is_empty() {
                "body".to_owned()
            } else {
                field
            };
            AppError::Validation(crate::domain::ValidationErrors::one(field, message))
        } else {
            AppError::BadRequest {
                detail: format!("the body is not valid JSON: {inner}"),
                errors: vec![crate::domain::FieldError {
                    field: if field.is_empty() {
                        "body".to_owned()
                    } else {
                        field
                    },
                    message,
                }],
            }
        }
    })
}

/// A path parameter; one that cannot be decoded (e.g. invalid UTF-8) is a 400 problem.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|e| AppError::bad_field("path", e.body_text()))
    }
}

/// An optional JSON body: empty means `T::default()`.
///
/// # Errors
/// As [`ApiJson`], when a body is present.
pub fn optional_json<T: DeserializeOwned + Default>(
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<T, AppError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(MAX_BODY)
        } else {
            AppError::BadRequest {
                detail: format!("could not read the request body: {e}"),
                errors: Vec::new(),
            }
        }
    })?;
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse(&body)
    }
}

/// Query parameters; a malformed query is a 400 problem naming the parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        let query = parts.uri.query().unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let field = e.path().to_string();
                let message = e.inner().to_string();
                let field = match message
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                {
                    Some(name) => name.to_owned(),
                    None if field == "." => "query".to_owned(),
                    None => field,
                };
                AppError::bad_field(field, message)
            })
    }
}

/// The client's address, as far as this server can see it (for salted scan counting only;
/// it is never stored).
#[derive(Debug, Clone)]
pub struct Client(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(Client(addr))
    }
}
