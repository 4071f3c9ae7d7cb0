//! The language a page is written in: `?lang=it|en` (remembered in a cookie), else the
//! cookie, else the best of Italian and English in `Accept-Language`, else Italian.

use axum::extract::{FromRequestParts, Request};
use axum::http::{HeaderValue, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use cookie::{Cookie, SameSite};

use crate::http::caller::cookie;

/// Cookie remembering the language switch.
pub const LANG_COOKIE: &str = "origine_lang";

/// The language a page is written in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lang {
    /// Italian, the default.
    #[default]
    It,
    /// English.
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
}
