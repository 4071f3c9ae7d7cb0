//! Rotating and withdrawing the issuer's keys: the key files change and a signed key event
//! goes into the log, in that order of safety (a failed log write undoes the new key).

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};

use crate::config::Config;
use crate::crypto::{KeyHandle, Keyring, keys};
use crate::domain::key_event::{KeyEvent, KeyEventKind};
use crate::store::{self, LogEntry, NewEntry, Store};

use super::admin::Actor;
use super::issuer::{Draft, Issuer};
use super::trail;

/// How long a retired key stays valid after a rotation, so batches other server
/// processes were already signing with it (they reload keys before each batch) still verify.
pub const ROTATION_GRACE: Duration = Duration::from_secs(10);

async fn log_event(
    config: &Config,
    ring: Keyring,
    event: KeyEvent,
) -> anyhow::Result<(Arc<Store>, LogEntry)> {
    let store = store::connect(&config.database_url).await?;
    let handle = Arc::new(KeyHandle::new(&config.keys_dir, ring));
    let issuer = Issuer::start(store.clone(), handle);
    let entry = NewEntry::status(event.kid.clone(), event.event);
    let logged = issuer.issue(entry, Draft::Key(event)).await?;
    Ok((store, logged))
}

/// Creates a new signing key, logs the rotation, retires the old key, and records who did
/// it in the trail. Returns `(old kid, new kid, log entry)`.
///
/// # Errors
/// Not an admin, no usable key, or the database or key files cannot be written.
pub async fn rotate(
    config: &Config,
    actor: &Actor,
    reason: &str,
) -> anyhow::Result<(String, String, LogEntry)> {
    actor.require_admin()?;
    let origin = config.log_origin();
    let old = Keyring::load(&config.keys_dir, &origin)?
        .active()
        .kid
        .clone();
    let (new, public_key) = keys::add_key(&config.keys_dir, &origin)?;
    let ring = Keyring::load(&config.keys_dir, &origin)?;
    let new_path = ring.active().path.clone();
    let event = KeyEvent {
        event: KeyEventKind::Rotated,
        kid: new.clone(),
        public_key,
        previous: Some(old.clone()),
        reason: reason.to_owned(),
    };
    let (store, entry) = match log_event(config, ring, event).await {
        Ok(logged) => logged,
        Err(e) => {
            // Nothing was logged: the new key must not sign anything either.
            let _ = std::fs::remove_file(&new_path);
            return Err(e.context("logging the rotation failed; the new key was removed"));
        }
    };
    let until = time::OffsetDateTime::now_utc() + ROTATION_GRACE;
    keys::end_key(
        &config.keys_dir,
        &origin,
        &old,
        "retired",
        &crate::time_fmt::rfc3339(until),
    )
    .context("the rotation is logged but the old key file could not be retired")?;
    let detail = format!("{old} retired, {new} signs: {reason}");
    trail::record(&store, &actor.to_string(), "rotate_key", &new, &detail).await;
    Ok((old, new, entry))
}

/// Withdraws a key: everything it signed stops verifying. The active key cannot be
/// withdrawn (rotate first). Who did it is recorded in the trail.
///
/// # Errors
/// Not an admin, unknown or active kid, or the database or key files cannot be written.
pub async fn withdraw(
    config: &Config,
    actor: &Actor,
    kid: &str,
    reason: &str,
) -> anyhow::Result<LogEntry> {
    actor.require_admin()?;
    let origin = config.log_origin();
    let ring = Keyring::load(&config.keys_dir, &origin)?;
    if ring.active().kid == kid {
        bail!("key {kid} is the active signing key: run `origine keys rotate` first");
    }
    let Some(key) = ring.keys().iter().find(|k| k.kid == kid) else {
        bail!("no key {kid} in {}", config.keys_dir.display());
    };
    let event = KeyEvent {
        event: KeyEventKind::Withdrawn,
        kid: kid.to_owned(),
        public_key: data_encoding::BASE64URL_NOPAD.encode(key.public.as_bytes()),
        previous: None,
        reason: reason.to_owned(),
    };
    let (store, entry) = log_event(config, ring, event).await?;
    keys::end_key(
        &config.keys_dir,
        &origin,
        kid,
        "withdrawn",
        &crate::time_fmt::now(),
    )?;
    trail::record(&store, &actor.to_string(), "withdraw_key", kid, reason).await;
    Ok(entry)
}
