//! Logging in and out, and the account page (password change).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::lang::Lang;
use super::render::Nav;
use super::render::render;
use super::session::{CsrfForm, SignedIn};
use crate::domain::Role;
use crate::http::caller::{SESSION_COOKIE, Viewer, set_cookie};
use crate::http::error::AppError;
use crate::http::extract::{ApiQuery, Client};
use crate::http::state::AppState;
use crate::service::accounts::{self, AccountError, SESSION_HOURS};
use crate::store::UserRecord;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    l: Lang,
    nav: Nav,
    csrf: String,
    next: String,
    email: String,
    error: Option<&'static str>,
}

/// `?next=` of the login page.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
}

/// Only a path on this site is followed after login, never another origin: it starts with
/// one `/` (not `//` or `/\`, which browsers read as another host) and holds only visible
/// ASCII without backslashes, since browsers drop tabs and newlines before reading a URL
/// and a `Location` header cannot carry control characters.
fn safe_next(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let local =
        !rest.starts_with(['/', '\\']) && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    local.then_some(next)
}

/// Where each role starts.
pub fn home_of(user: &UserRecord) -> &'static str {
    match user.role {
        Role::Producer => "/workspace",
        Role::Admin => "/admin",
        Role::Auditor => "/audit",
        Role::Buyer => "/buyer",
    }
}

fn login_page(
    app: &AppState,
    l: Lang,
    viewer: &Viewer,
    next: &str,
    email: &str,
    status: StatusCode,
    error: Option<&'static str>,
) -> Response {
    let (csrf, cookie) = viewer.form_token(app);
    let mut response = render(
        status,
        &LoginPage {
            l,
            nav: Nav::from(viewer),
            csrf,
            next: safe_next(next).unwrap_or_default().to_owned(),
            email: email.to_owned(),
            error,
        },
    );
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `GET /login`.
pub async fn login_form(
    State(app): State<AppState>,
    l: Lang,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<NextQuery>,
) -> Response {
    if let Some(user) = viewer.user() {
        return Redirect::to(home_of(user)).into_response();
    }
    let next = q.next.unwrap_or_default();
    login_page(&app, l, &viewer, &next, "", StatusCode::OK, None)
}

/// `POST /login`: attempts are limited per account and client address and per address
/// (see [`LoginLimits`](crate::http::limits::LoginLimits)), so guessing a password takes
/// days while the real user, elsewhere, still logs in; the page does not say whether the
/// email exists.
pub async fn login(
    State(app): State<AppState>,
    l: Lang,
    client: Client,
    form: CsrfForm,
) -> Result<Response, AppError> {
    let (email, password, next) = (form.get("email"), form.get("password"), form.get("next"));
    let account = email.trim().to_lowercase();
    // Requests without a client address (in-process callers) are limited per account only.
    let address = (client.0 != "unknown").then_some(client.0.as_str());
    // Counted before the password is checked, so concurrent guesses cannot all be tried.
    if !app.login_limits.attempt(&account, address) {
        let mut response = login_page(
            &app,
            l,
            &form.viewer,
            next,
            email,
            StatusCode::TOO_MANY_REQUESTS,
            Some(l.s(
                "Troppi tentativi non riusciti. Riprova fra qualche minuto.",
                "Too many failed attempts. Try again in a few minutes.",
            )),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return Ok(response);
    }
    let login = accounts::login(app.store.as_ref(), email, password).await;
    if !matches!(login, Ok(None)) {
        // Only a wrong password counts: a success, or a password never checked, is given back.
        app.login_limits.give_back(&account, address);
    }
    let Some(login) = login.map_err(AppError::from)? else {
        tracing::info!(client = %client.0, "failed login");
        return Ok(login_page(
            &app,
            l,
            &form.viewer,
            next,
            email,
            StatusCode::UNAUTHORIZED,
            Some(l.s("Email o password non corretti.", "Wrong email or password.")),
        ));
    };
    let target = safe_next(next).unwrap_or_else(|| home_of(&login.session.user));
    let mut response = Redirect::to(target).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&app, SESSION_COOKIE, &login.secret, SESSION_HOURS * 3600),
    );
    Ok(response)
}

/// `POST /logout`.
pub async fn logout(State(app): State<AppState>, form: CsrfForm) -> Result<Response, AppError> {
    if let Some(secret) = &form.viewer.secret {
        accounts::logout(app.store.as_ref(), secret).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&app, SESSION_COOKIE, "", 0));
    Ok(response)
}

struct PasswordField {
    name: &'static str,
    label: &'static str,
    autocomplete: &'static str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Lang,
    nav: Nav,
    csrf: String,
    email: String,
    role: Role,
    fields: Vec<PasswordField>,
}

fn account_page(
    l: Lang,
    me: &SignedIn,
    status: StatusCode,
    errors: &[crate::domain::FieldError],
) -> Response {
    let error = |name: &str| {
        errors
            .iter()
            .find(|e| e.field == name)
            .map(|e| super::forms::message(l, &e.message))
    };
    let fields = vec![
        PasswordField {
            name: "current_password",
            label: l.s("Password attuale", "Current password"),
            autocomplete: "current-password",
            error: error("current_password"),
        },
        PasswordField {
            name: "new_password",
            label: l.s(
                "Nuova password (almeno 10 caratteri)",
                "New password (at least 10 characters)",
            ),
            autocomplete: "new-password",
            error: error("new_password"),
        },
    ];
    render(
        status,
        &AccountPage {
            l,
            nav: me.nav(),
            csrf: me.0.csrf.clone(),
            email: me.user().email.clone(),
            role: me.user().role,
            fields,
        },
    )
}

/// `GET /account`.
pub async fn account(l: Lang, me: SignedIn) -> Response {
    account_page(l, &me, StatusCode::OK, &[])
}

/// `POST /account/password`: on success every session of the account ends, this one too.
pub async fn change_password(
    State(app): State<AppState>,
    l: Lang,
    me: SignedIn,
    form: CsrfForm,
) -> Result<Response, AppError> {
    match accounts::change_password(
        app.store.as_ref(),
        me.user(),
        form.get("current_password"),
        form.get("new_password"),
    )
    .await
    {
        Ok(()) => {
            let mut response = Redirect::to("/login").into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(&app, SESSION_COOKIE, "", 0));
            Ok(response)
        }
        Err(AccountError::Invalid(v)) => {
            Ok(account_page(l, &me, StatusCode::UNPROCESSABLE_ENTITY, &v.0))
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            safe_next("/workspace/lots/new"),
            Some("/workspace/lots/new")
        );
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "",
            "javascript:alert(1)",
            "/\t/evil.example/",
            "/\u{b}/x",
            "/ /evil.example",
            "/a\\b",
            "/\u{a0}x",
            "/x\u{7f}",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }
}
