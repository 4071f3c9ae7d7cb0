//! Pages for signed-in users and the forms every page posts: the session a page needs
//! ([`SignedIn`]) and a form whose CSRF token checked out ([`CsrfForm`]).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use super::lang::Lang;
use super::render::{Nav, NavUser, PageError};
use crate::domain::Role;
use crate::http::caller::Viewer;
use crate::http::error::AppError;
use crate::http::extract::MAX_BODY;
use crate::http::state::AppState;
use crate::store::{SessionRecord, UserRecord};

/// A signed-in user; anyone else is sent to the login page and brought back after.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionRecord);

impl SignedIn {
    /// The account signed in.
    pub fn user(&self) -> &UserRecord {
        &self.0.user
    }

    /// The menu for this user.
    pub fn nav(&self) -> Nav {
        Nav {
            user: Some(NavUser {
                email: self.0.user.email.clone(),
                role: self.0.user.role,
                csrf: self.0.csrf.clone(),
            }),
        }
    }

    /// Lets only `roles` through.
    ///
    /// # Errors
    /// A 403 page for any other role.
    pub fn require(&self, lang: Lang, roles: &[Role]) -> Result<&UserRecord, PageError> {
        if roles.contains(&self.0.user.role) {
            Ok(&self.0.user)
        } else {
            Err(PageError::Forbidden(lang, self.nav()))
        }
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let viewer = Viewer::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match viewer.session {
            Some(session) => Ok(Self(session)),
            None => {
                let next = parts.uri.path_and_query().map_or("/", |p| p.as_str());
                let target = format!(
                    "/login?next={}",
                    form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
                );
                Err(Redirect::to(&target).into_response())
            }
        }
    }
}

/// A URL-encoded form whose CSRF token checked out. Every value is text; pages convert
/// and validate them so each error can stand next to its field.
#[derive(Debug, Clone)]
pub struct CsrfForm {
    /// Who sent the form.
    pub viewer: Viewer,
    fields: Vec<(String, String)>,
}

impl CsrfForm {
    /// The value of `name`, or "" when the form did not send it.
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value sent under `name` (checkboxes, multi-selects).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Reads the fields into `T` (for forms whose fields are all text).
    ///
    /// # Errors
    /// A 400 problem naming the field.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, AppError> {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.fields.iter().filter(|(k, _)| k != "csrf"))
            .finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            AppError::bad_field(
                if field == "." {
                    "form".to_owned()
                } else {
                    field
                },
                e.inner().to_string(),
            )
        })
    }
}

impl FromRequest<AppState> for CsrfForm {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = request.into_parts();
        let viewer = Viewer::from_request_parts(&mut parts, state).await?;
        let form = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            });
        if !form {
            return Err(AppError::UnsupportedMediaType(
                "send the form as application/x-www-form-urlencoded".into(),
            ));
        }
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge(MAX_BODY)
                } else {
                    AppError::bad_field("form", format!("could not read the form: {e}"))
                }
            })?;
        let fields = decode_form(&bytes)?;
        let sent = fields
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        viewer.check_csrf(sent)?;
        Ok(Self { viewer, fields })
    }
}

/// Decodes `application/x-www-form-urlencoded`, refusing (instead of replacing) anything
/// that is not UTF-8 once percent-decoded.
fn decode_form(bytes: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    let decode = |raw: &[u8], what: &str| -> Result<String, AppError> {
        let plus: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| AppError::bad_field(what.to_owned(), "is not valid UTF-8"))
    };
    bytes
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |&b| b == b'=');
            let key = decode(it.next().unwrap_or_default(), "form")?;
            let value = decode(it.next().unwrap_or_default(), &key)?;
            Ok((key, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_strictly() {
        let f = decode_form(b"a=1&product.name=Biscotti+al+farro&x=%C3%A8&empty=").unwrap();
        assert_eq!(f[1], ("product.name".into(), "Biscotti al farro".into()));
        assert_eq!(f[2].1, "è");
        assert_eq!(f[3].1, "");
        let e = decode_form(b"a=1&product.name=%FF").unwrap_err();
        assert_eq!(e.problem().errors[0].field, "product.name");
    }
}
