//! Who is asking: an API client with a bearer token ([`Caller`]), or a visitor of the
//! pages with or without a session ([`Viewer`]), and the cookies that carry sessions.
//!
//! - Session: the `origine_session` cookie holds a random secret; the store keeps only its
//!   SHA-256. `HttpOnly`, `SameSite=Lax`, and `Secure` when the public address is https.
//! - CSRF: a signed-in form sends back its session's token; a form shown before login
//!   (login itself, the retailer's CSV check) sends back the random `origine_csrf` cookie
//!   it was shown with (double submit). Any other POST is refused with a 403 problem.

use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, HeaderValue, header, request::Parts};
use cookie::{Cookie, SameSite};

use super::error::AppError;
use super::state::AppState;
use crate::crypto::jcs;
use crate::domain::{Role, ids};
use crate::service::accounts;
use crate::service::admin::Actor;
use crate::store::{SessionRecord, TokenRecord, UserRecord};

/// Cookie holding the session secret.
pub const SESSION_COOKIE: &str = "origine_session";
/// Cookie holding the CSRF token of forms shown before login.
pub const CSRF_COOKIE: &str = "origine_csrf";

/// The value of cookie `name` in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// A `Set-Cookie` value for one of this service's cookies.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_seconds: i64) -> HeaderValue {
    let cookie = Cookie::build((name.to_owned(), value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(state.base_url.starts_with("https://"))
        .same_site(if name == SESSION_COOKIE {
            SameSite::Lax
        } else {
            SameSite::Strict
        })
        .max_age(cookie::time::Duration::seconds(max_age_seconds))
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The caller of the API: a bearer token, or (for reading only) a signed-in user.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The token's record; for a signed-in user, one made from the account (its id, role, producer, and email as label).
    pub record: TokenRecord,
    /// How the admin action trail names this caller: `token:ID` or `user:EMAIL`.
    actor: Actor,
}

impl Caller {
    fn new(record: TokenRecord, actor: impl FnOnce(Role) -> Actor) -> Self {
        Self {
            actor: actor(record.role),
            record,
        }
    }

    /// Allows only the given roles.
    ///
    /// # Errors
    /// 403 for any other role.
    pub fn require(&self, roles: &[Role]) -> Result<&Self, AppError> {
        if roles.contains(&self.record.role) {
            Ok(self)
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(AppError::Forbidden(format!(
                "this needs the {} role; your token has {}",
                names.join(" or "),
                self.record.role
            )))
        }
    }

    /// Who this caller is, for services that record what it changes.
    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.record.role
    }

    /// The producer a producer token belongs to.
    pub fn producer_id(&self) -> Option<&str> {
        self.record.producer_id.as_deref()
    }

    /// The buyer account a buyer's token or session acts for.
    pub fn buyer_id(&self) -> Option<&str> {
        self.record.buyer_id.as_deref()
    }

    /// The buyer account this caller acts for.
    ///
    /// # Errors
    /// 403 for any role but `buyer`.
    pub fn buyer(&self) -> Result<&str, AppError> {
        match (self.record.role, self.buyer_id()) {
            (Role::Buyer, Some(id)) => Ok(id),
            _ => Err(AppError::Forbidden(format!(
                "this needs the buyer role; your token has {}",
                self.record.role
            ))),
        }
    }

    /// Admin and auditor see everything; a producer only its own organisation.
    pub fn may_read_producer(&self, producer_id: &str) -> bool {
        self.record.role.reads_everything() || self.producer_id() == Some(producer_id)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    /// A bearer token; or, for reading only (GET and HEAD, which change nothing and so need
    /// no CSRF token), the session of a signed-in user, so pages can link to API downloads.
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if let Some(token) = bearer {
            let record = state
                .issuer
                .directory()
                .token(&state.store, &jcs::sha256_hex(token.as_bytes()))
                .await?
                .ok_or(AppError::Unauthorized)?;
            let id = record.id.clone();
            return Ok(Self::new(record, |role| Actor::token(&id, role)));
        }
        let reading =
            parts.method == axum::http::Method::GET || parts.method == axum::http::Method::HEAD;
        if reading
            && parts.headers.contains_key(header::COOKIE)
            && let Some(session) = Viewer::from_request_parts(parts, state).await?.session
        {
            let user = session.user;
            let email = user.email.clone();
            let buyer_id = (user.role == Role::Buyer).then(|| user.id.clone());
            return Ok(Self::new(
                TokenRecord {
                    id: user.id,
                    role: user.role,
                    producer_id: user.producer_id,
                    buyer_id,
                    label: Some(user.email),
                    created_at: user.created_at,
                },
                |role| Actor::user(&email, role),
            ));
        }
        Err(AppError::Unauthorized)
    }
}

/// Who is looking at a page: a signed-in user, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    /// The session of a signed-in user; `None` for a visitor.
    pub session: Option<SessionRecord>,
    /// The CSRF cookie sent with the request, for forms shown before login.
    anon_csrf: Option<String>,
    /// The session cookie's secret, for logging out.
    pub secret: Option<String>,
}

impl Viewer {
    /// The signed-in user.
    pub fn user(&self) -> Option<&UserRecord> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// True for a signed-in user with `role`.
    pub fn is(&self, role: Role) -> bool {
        self.user().is_some_and(|u| u.role == role)
    }

    /// The token this visitor's forms must carry, and the cookie to set when a form shown
    /// before login needs a fresh one.
    pub fn form_token(&self, state: &AppState) -> (String, Option<HeaderValue>) {
        match (&self.session, &self.anon_csrf) {
            (Some(s), _) => (s.csrf.clone(), None),
            (None, Some(t)) => (t.clone(), None),
            (None, None) => {
                let token = ids::random_id(24);
                let cookie = set_cookie(state, CSRF_COOKIE, &token, 12 * 3600);
                (token, Some(cookie))
            }
        }
    }

    /// Checks the token a form sent back.
    ///
    /// # Errors
    /// [`AppError::Csrf`] when it is missing or not this visitor's.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        let expected = match (&self.session, &self.anon_csrf) {
            (Some(s), _) => Some(s.csrf.as_str()),
            (None, t) => t.as_deref(),
        };
        match (expected, sent) {
            (Some(e), Some(s)) if !e.is_empty() && constant_time_eq(e.as_bytes(), s.as_bytes()) => {
                Ok(())
            }
            _ => Err(AppError::Csrf),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(viewer) = parts.extensions.get::<Self>() {
            return Ok(viewer.clone());
        }
        let secret = cookie(&parts.headers, SESSION_COOKIE);
        let session = match &secret {
            Some(secret) => accounts::session(state.store.as_ref(), secret).await?,
            None => None,
        };
        let viewer = Self {
            session,
            anon_csrf: cookie(&parts.headers, CSRF_COOKIE).filter(|t| !t.is_empty()),
            secret,
        };
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_needs_the_visitors_token() {
        let anon = Viewer {
            anon_csrf: Some("abc".into()),
            ..Viewer::default()
        };
        assert!(anon.check_csrf(Some("abc")).is_ok());
        assert!(anon.check_csrf(Some("abd")).is_err());
        assert!(anon.check_csrf(None).is_err());
        assert!(Viewer::default().check_csrf(Some("")).is_err());
        assert!(Viewer::default().check_csrf(None).is_err());
    }
}
