//! `/buyer`: a buyer's watch list with each item's current status, in Italian or English.
//! The list is changed through the API (`PUT /api/v1/watchlist`, or its CSV form).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::lang::Lang;
use super::render::{Nav, PageError, render};
use super::session::SignedIn;
use super::words::status_name;
use crate::domain::{Role, Subject};
use crate::http::state::AppState;
use crate::service::buyers::{self, WatchedItem};

/// One row of the page: the item and its status in the page's language.
struct Row {
    item: WatchedItem,
    status: &'static str,
    /// True when the status is not the one that can be relied on.
    alert: bool,
}

#[derive(Template)]
#[template(path = "buyer.html")]
struct BuyerPage {
    l: Lang,
    nav: Nav,
    email: String,
    certificates: Vec<Row>,
    producers: Vec<Row>,
}

/// `GET /buyer`: the signed-in buyer's watch list.
pub async fn home(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    let me = user.require(l, &[Role::Buyer])?;
    let view = buyers::view(&app.store, &me.id, &app.base_url)
        .await
        .map_err(crate::http::error::AppError::from)?;
    let (mut certificates, mut producers) = (Vec::new(), Vec::new());
    for item in view.items {
        let row = Row {
            status: status_name(l, &item.status),
            alert: !matches!(item.status.as_str(), "valid" | "accredited"),
            item,
        };
        match row.item.kind {
            Subject::Certificate => certificates.push(row),
            Subject::Producer => producers.push(row),
        }
    }
    Ok(render(
        StatusCode::OK,
        &BuyerPage {
            l,
            nav: user.nav(),
            email: me.email.clone(),
            certificates,
            producers,
        },
    ))
}
