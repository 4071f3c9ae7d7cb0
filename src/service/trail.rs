//! The trail of admin actions the CNEL auditor reads: who changed what, when, by any route
//! (pages, API, command line). A failure to write the trail fails the request that caused
//! it only after the change itself committed, so it is logged loudly instead of hidden.

use crate::store::{AdminAction, Store};
use crate::time_fmt;

/// Records one admin action; `actor` is `user:EMAIL`, `token:ID` or `cli`.
pub async fn record(store: &Store, actor: &str, action: &str, subject: &str, detail: &str) {
    let entry = AdminAction {
        at: time_fmt::now(),
        actor: actor.to_owned(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        detail: detail.to_owned(),
    };
    if let Err(e) = store.record_action(&entry).await {
        tracing::error!(error = %e, action, subject, "could not record an admin action in the trail");
    }
}
