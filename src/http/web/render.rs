//! Turning a page into a response: templates, the menu every page carries, the short
//! message pages, and the errors of pages for signed-in users.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::lang::Lang;
use crate::domain::Role;
use crate::http::caller::Viewer;
use crate::http::error::AppError;

/// Renders a template as an HTML response.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => AppError::Internal(format!("template: {e}")).into_response(),
    }
}

/// What the menu of every page needs to know about the visitor.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    /// The signed-in user; `None` for a visitor.
    pub user: Option<NavUser>,
}

/// The signed-in user, as the menu shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    /// The sign-in address the menu shows.
    pub email: String,
    /// Which pages the menu links to.
    pub role: Role,
    /// For the logout form.
    pub csrf: String,
}

impl From<&Viewer> for Nav {
    fn from(viewer: &Viewer) -> Self {
        Self {
            user: viewer.session.as_ref().map(|s| NavUser {
                email: s.user.email.clone(),
                role: s.user.role,
                csrf: s.csrf.clone(),
            }),
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
    /// Any other error, answered as a problem document.
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
            Self::Forbidden(lang, nav) => message_for(
                StatusCode::FORBIDDEN,
                lang,
                nav,
                lang.s("Accesso negato", "Access denied"),
                lang.s(
                    "Il tuo account non può aprire questa pagina.",
                    "Your account cannot open this page.",
                ),
            ),
            Self::NotFound(lang, nav) => message_for(
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

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    l: Lang,
    nav: Nav,
    title: &'a str,
    text: &'a str,
}

/// A short page with a title and one paragraph, such as an error.
pub fn message_for(status: StatusCode, l: Lang, nav: Nav, title: &str, text: &str) -> Response {
    render(
        status,
        &MessagePage {
            l,
            nav,
            title,
            text,
        },
    )
}
