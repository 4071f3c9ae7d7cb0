//! Starting the service: database, keys, issuer, router, listener, graceful shutdown.

pub mod connections;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::crypto::{KeyHandle, Keyring};
use crate::http::{App, AppState, router};
use crate::service::issuer::Issuer;
use crate::store;

/// Opens the database and keys and starts the issuer. `base_url` overrides the configured one.
///
/// # Errors
/// The database cannot be opened or migrated, or the keys are missing or unsafe.
pub async fn build(config: &Config, base_url: String) -> anyhow::Result<AppState> {
    let store = store::connect(&config.database_url)
        .await
        .with_context(|| format!("opening database {}", redact(&config.database_url)))?;
    let ring = Keyring::load_or_create(&config.keys_dir, &config.log_origin())?;
    let keys = Arc::new(KeyHandle::new(&config.keys_dir, ring));
    // An empty append brings the Merkle tree up to the log (databases from before it).
    store
        .append(Vec::new(), &mut |_, _, _| Err("nothing to seal".into()))
        .await?;
    let policy = config.witness_policy()?;
    let mut witnesses = config.witnesses.clone();
    witnesses.extend(policy.witnesses.iter().map(|w| w.vkey.clone()));
    let issuer = Issuer::start(store.clone(), keys.clone());
    crate::service::log::spawn_checkpointer(
        store.clone(),
        keys.clone(),
        config.checkpoint_interval(),
        crate::service::witnessing::spawn(store.clone(), &policy, config.checkpoint_interval()),
    );
    let webhook_key = crate::service::notify::WebhookKey::load_or_create(&config.keys_dir)?;
    crate::service::notify::Notifier {
        store: store.clone(),
        key: webhook_key.clone(),
        base_url: base_url.clone(),
        mailer: config.mailer()?,
    }
    .spawn();
    let last_audit = crate::service::audit::LastAudit::default();
    crate::service::audit::spawn_auditor(
        store.clone(),
        keys.clone(),
        std::time::Duration::from_secs(config.audit_seconds.max(1)),
        last_audit.clone(),
    );
    Ok(AppState(Arc::new(App {
        last_audit,
        store,
        keys,
        issuer,
        base_url,
        witnesses,
        policy,
        fail_open: config.witness_fail_open,
        trusted_proxies: config.trusted_proxies.clone(),
        metrics: crate::http::metrics::Metrics::new(),
        limiter: crate::http::limits::RateLimiter::new(config.rate_limit),
        login_limits: crate::http::limits::LoginLimits::default(),
        reports: crate::service::report_cache::ReportCache::new(),
        status_lists: crate::service::status_lists::StatusLists::default(),
        webhook_key,
    })))
}

/// A running server, for tests and tools that need its address.
pub struct Running {
    /// The address bound, with the port the system picked when asked for port 0.
    pub addr: SocketAddr,
    /// The state the server's handlers share: store, keys, issuer, caches.
    pub state: AppState,
    /// The serving task; it ends with the server's I/O error, if any.
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Binds `config.bind` (port 0 picks a free port) and serves in the background.
///
/// # Errors
/// As [`build`], or the address cannot be bound.
pub async fn spawn(config: &Config) -> anyhow::Result<Running> {
    let listener = TcpListener::bind(&config.bind)
        .await
        .with_context(|| format!("binding {}", config.bind))?;
    let addr = listener.local_addr()?;
    let base_url = config
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{addr}"))
        .trim_end_matches('/')
        .to_owned();
    let state = build(config, base_url).await?;
    let app = router(state.clone());
    let limits = connections::Limits {
        max_connections: config.max_connections,
        header_timeout: Duration::from_secs(config.header_timeout_seconds.max(1)),
    };
    let task = tokio::spawn(connections::serve(listener, app, limits, shutdown_signal()));
    Ok(Running { addr, state, task })
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before the server exits.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// A database URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}
