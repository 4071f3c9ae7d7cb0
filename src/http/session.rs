//! What the pages know about their visitor: language, session, and the CSRF token every
//! form carries.
//!
//! - Language: `?lang=it|en` (remembered in a cookie), else the cookie, else the best of
//!   Italian and English in `Accept-Language`, else Italian.
//! - Session: the `origine_session` cookie holds a random secret; the store keeps only its
//!   SHA-256. `HttpOnly`, `SameSite=Lax`, and `Secure` when the public address is https.
//! - CSRF: a signed-in form sends back its session's token; a form shown before login
//!   (login itself, the retailer's CSV check) sends back the random `origine_csrf` cookie
//!   it was shown with (double submit). Any other POST is refused with a 403 problem.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::AppError;
use super::extract::MAX_BODY;
use crate::domain::ids;
use crate::service::accounts;
use crate::store::{SessionRecord, UserRecord};

/// Cookie holding the session secret.
pub const SESSION_COOKIE: &str = "origine_session";
/// Cookie holding the CSRF token of forms shown before login.
pub const CSRF_COOKIE: &str = "origine_csrf";
/// Cookie remembering the language switch.
pub const LANG_COOKIE: &str = "origine_lang";

/// The language a page is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    It,
    En,
}

impl Lang {
    /// Picks the text in this language; templates write `{{ l.s("Accedi", "Log in") }}`.
    pub fn s(&self, it: &'static str, en: &'static str) -> &'static str {
        match self {
            Self::It => it,
            Self::En => en,
        }
    }

    /// `it` or `en`, for `<html lang>`.
    pub fn code(&self) -> &'static str {
        self.s("it", "en")
    }

    /// The other language, for the switch.
    pub fn other(&self) -> Self {
        match self {
            Self::It => Self::En,
            Self::En => Self::It,
        }
    }

    /// The switch's label, in the language it switches to.
    pub fn other_name(&self) -> &'static str {
        self.s("English", "Italiano")
    }

    fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "it" => Some(Self::It),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The best of Italian and English in an `Accept-Language` value (RFC 9110 §12.5.4).
    pub fn from_accept_language(value: &str) -> Option<Self> {
        let mut best: Option<(f32, Self)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            if let Some(lang) = Self::parse(primary)
                && q > 0.0
                && best.is_none_or(|(b, _)| q > b)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    fn from_parts(parts: &Parts) -> Self {
        query_lang(parts.uri.query())
            .or_else(|| cookie(&parts.headers, LANG_COOKIE).and_then(|c| Self::parse(&c)))
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Self::from_accept_language)
            })
            .unwrap_or_default()
    }
}

fn query_lang(query: Option<&str>) -> Option<Lang> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v))
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::from_parts(parts))
    }
}

/// Remembers `?lang=` in a cookie and marks pages as varying by language and session.
pub async fn remember_lang(request: Request, next: Next) -> Response {
    let chosen = query_lang(request.uri().query());
    let mut response = next.run(request).await;
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if html {
        response.headers_mut().insert(
            header::VARY,
            HeaderValue::from_static("Accept-Language, Cookie"),
        );
    }
    if let Some(lang) = chosen {
        let cookie = Cookie::build((LANG_COOKIE, lang.code()))
            .path("/")
            .max_age(cookie::time::Duration::days(365))
            .same_site(SameSite::Lax)
            .build();
        if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

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

/// What the menu of every page needs to know about the visitor.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub user: Option<NavUser>,
}

/// The signed-in user, as the menu shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub email: String,
    pub role: String,
    /// For the logout form.
    pub csrf: String,
}

impl From<&Viewer> for Nav {
    fn from(viewer: &Viewer) -> Self {
        Self {
            user: viewer.session.as_ref().map(|s| NavUser {
                email: s.user.email.clone(),
                role: s.user.role.clone(),
                csrf: s.csrf.clone(),
            }),
        }
    }
}

/// Who is looking at a page: a signed-in user, or nobody.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
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
    pub fn is(&self, role: &str) -> bool {
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

/// A signed-in user; anyone else is sent to the login page and brought back after.
#[derive(Debug, Clone)]
pub struct SignedIn(pub SessionRecord);

impl SignedIn {
    pub fn user(&self) -> &UserRecord {
        &self.0.user
    }

    /// The menu for this user.
    pub fn nav(&self) -> Nav {
        Nav {
            user: Some(NavUser {
                email: self.0.user.email.clone(),
                role: self.0.user.role.clone(),
                csrf: self.0.csrf.clone(),
            }),
        }
    }

    /// Lets only `roles` through.
    ///
    /// # Errors
    /// A 403 page for any other role.
    pub fn require(&self, lang: Lang, roles: &[&str]) -> Result<&UserRecord, PageError> {
        if roles.contains(&self.0.user.role.as_str()) {
            Ok(&self.0.user)
        } else {
            Err(PageError::Forbidden(lang, self.nav()))
        }
    }
}

/// Why a page for signed-in users cannot be shown: rendered as a page, not a problem.
#[derive(Debug)]
pub enum PageError {
    /// The user's role may not open it (403).
    Forbidden(Lang, Nav),
    /// Absent, or not this user's (404; the two are not told apart).
    NotFound(Lang, Nav),
    App(AppError),
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        Self::App(e)
    }
}

impl From<crate::store::StoreError> for PageError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::App(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            Self::Forbidden(lang, nav) => super::pages::message_for(
                StatusCode::FORBIDDEN,
                lang,
                nav,
                lang.s("Accesso negato", "Access denied"),
                lang.s(
                    "Il tuo account non può aprire questa pagina.",
                    "Your account cannot open this page.",
                ),
            ),
            Self::NotFound(lang, nav) => super::pages::message_for(
                StatusCode::NOT_FOUND,
                lang,
                nav,
                lang.s("Non trovato", "Not found"),
                lang.s(
                    "Questa pagina non esiste, o non è tua.",
                    "This page does not exist, or is not yours.",
                ),
            ),
            Self::App(e) => e.into_response(),
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
    fn accept_language_picks_the_best_of_italian_and_english() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("de-DE, it;q=0.8, en;q=0.5"),
            Some(Lang::It)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.3, it-IT;q=0.9"),
            Some(Lang::It)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn forms_decode_strictly() {
        let f = decode_form(b"a=1&product.name=Biscotti+al+farro&x=%C3%A8&empty=").unwrap();
        assert_eq!(f[1], ("product.name".into(), "Biscotti al farro".into()));
        assert_eq!(f[2].1, "è");
        assert_eq!(f[3].1, "");
        let e = decode_form(b"a=1&product.name=%FF").unwrap_err();
        assert_eq!(e.problem().errors[0].field, "product.name");
    }

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
