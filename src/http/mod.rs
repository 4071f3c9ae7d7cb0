//! The HTTP edge, split by audience: [`api`] (JSON for programs, RFC 9457 problems,
//! OpenAPI) and [`web`] (pages for people, sessions, CSRF, language), the GS1 Digital Link
//! [`resolver`] that printed labels point at, and [`router`], where every route is listed.
//! Handlers call services; they never write SQL.
//!
//! Shared by both audiences, and importing nothing from them: [`state`] (what handlers
//! use), [`caller`] (who is asking: a token or a session), [`extract`] (bodies, paths and
//! queries that fail as problems), [`error`] (the problems), [`limits`], [`metrics`] and [`proxies`]
//! (the client's address behind trusted reverse proxies).

pub mod api;
pub mod caller;
pub mod error;
pub mod extract;
pub mod limits;
pub mod metrics;
pub mod proxies;
pub mod resolver;
pub mod router;
pub mod state;
pub mod web;

pub use router::router;
pub use state::{App, AppState};
