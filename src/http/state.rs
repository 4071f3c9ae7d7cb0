//! What every handler may use: the register, the keys, the issuer and the per-process
//! limits and caches, behind one cheap-to-clone handle.

use std::ops::Deref;
use std::sync::Arc;

use crate::crypto::KeyHandle;
use crate::service::audit::LastAudit;
use crate::service::issuer::Issuer;
use crate::service::report_cache::ReportCache;
use crate::store::Store;

use super::limits::{LoginLimits, RateLimiter};

/// Everything a request handler may use.
pub struct App {
    /// The register's database.
    pub store: Arc<Store>,
    /// The issuer's signing keys, reloaded when the keys directory changes.
    pub keys: Arc<KeyHandle>,
    /// The task that signs, chains and commits new log entries.
    pub issuer: Issuer,
    /// Public address of this service, without trailing slash; QR codes point here.
    pub base_url: String,
    /// Verifier keys of the witnesses whose cosignatures are accepted.
    pub witnesses: Vec<String>,
    /// The witnesses, groups and quorum of `ORIGINE_WITNESS_POLICY` (empty without one).
    pub policy: crate::log::policy::Policy,
    /// Request counts and timings, and what `/metrics` reads when scraped.
    pub metrics: super::metrics::Metrics,
    /// Networks whose peers may name the client (`ORIGINE_TRUSTED_PROXIES`).
    pub trusted_proxies: super::proxies::Trusted,
    /// Whether `/log/checkpoint` serves the latest checkpoint even before it meets the
    /// policy's quorum (`ORIGINE_WITNESS_FAIL_OPEN`, default true).
    pub fail_open: bool,
    /// Per-client request limits.
    pub limiter: RateLimiter,
    /// The server's latest audit of its own register.
    pub last_audit: LastAudit,
    /// Login attempts, per account and address and per address.
    pub login_limits: LoginLimits,
    /// Verification reports remembered until the database or the keys change.
    pub reports: ReportCache,
    /// The key buyers' webhook secrets are derived from.
    pub webhook_key: crate::service::notify::WebhookKey,
    /// Where credentials' bits are in the W3C status lists.
    pub status_lists: crate::service::status_lists::StatusLists,
}

/// Shared handle to [`App`], cheap to clone into each request.
#[derive(Clone)]
pub struct AppState(pub Arc<App>);

impl Deref for AppState {
    type Target = App;
    fn deref(&self) -> &App {
        &self.0
    }
}
