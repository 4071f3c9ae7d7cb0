//! A visitor of the pages: keeps cookies like a browser, reads the CSRF token out of the
//! form it was shown, and posts forms the way a browser does.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};

use super::TestApp;
use origine::service::accounts::{self, UserRequest};

/// One response, as a browser would see it.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect points.
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no csrf field on the page: {}", self.body))
            + marker.len();
        self.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// The text of every element with `class="error"` (errors next to fields), keyed by
    /// the field id they describe.
    pub fn field_errors(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for part in self.body.split("<p class=\"error\" id=\"").skip(1) {
            let (id, rest) = part.split_once("\">").unwrap_or_default();
            let text = rest.split("</p>").next().unwrap_or_default();
            out.insert(id.trim_end_matches("-error").to_owned(), text.to_owned());
        }
        out
    }
}

/// A browser-like visitor of one test service.
pub struct Visitor<'a> {
    app: &'a TestApp,
    cookies: Mutex<BTreeMap<String, String>>,
    /// Sent as `Accept-Language`; empty sends no such header.
    pub language: &'static str,
}

impl<'a> Visitor<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            cookies: Mutex::new(BTreeMap::new()),
            language: "it-IT,it;q=0.9",
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&self, headers: &HeaderMap) {
        let mut jar = self.cookies.lock().unwrap();
        for value in headers.get_all(header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            let expired = text.contains("Max-Age=0");
            if expired || value.is_empty() {
                jar.remove(name);
            } else {
                jar.insert(name.to_owned(), value.to_owned());
            }
        }
    }

    /// The value of a cookie the service set.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().unwrap().get(name).cloned()
    }

    /// Forgets every cookie (a new browser).
    pub fn clear_cookies(&self) {
        self.cookies.lock().unwrap().clear();
    }

    async fn send(&self, req: axum::http::request::Builder, body: Body) -> Page {
        let mut req = req.header(header::COOKIE, self.cookie_header());
        if !self.language.is_empty() {
            req = req.header(header::ACCEPT_LANGUAGE, self.language);
        }
        let req = req.body(body).unwrap();
        let (status, headers, bytes) = self.app.raw(req).await;
        self.keep_cookies(&headers);
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.send(Request::get(path), Body::empty()).await
    }

    /// Posts URL-encoded `fields` as they are (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            Body::from(body),
        )
        .await
    }

    /// Opens `form_page`, then posts `fields` to `action` with the page's CSRF token.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let page = self.get(form_page).await;
        assert_eq!(page.status, StatusCode::OK, "{form_page}: {}", page.body);
        let csrf = page.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(action, &all).await
    }

    /// Logs in through the login form; panics unless it redirects.
    pub async fn login(&self, email: &str, password: &str) -> Page {
        let page = self
            .submit(
                "/login",
                "/login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "login failed: {}",
            page.body
        );
        page
    }
}

impl TestApp {
    /// Creates an account directly through the service (as `origine admin create-user`).
    pub async fn user(&self, email: &str, role: &str, producer: Option<&str>) -> String {
        let password = format!("password-of-{role}-{}", email.len());
        accounts::create_user(
            &self.state.store,
            &UserRequest {
                email: email.to_owned(),
                password: password.clone(),
                role: role.to_owned(),
                producer_id: producer.map(str::to_owned),
            },
        )
        .await
        .expect("user created");
        password
    }
}
