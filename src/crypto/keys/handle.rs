//! The keyring as the running service holds it, reloaded when the keys directory changes.

use std::fs;
use std::path::{Path, PathBuf};

use super::Keyring;

/// The issuer's keys as the running service sees them: reloaded when the keys directory
/// changes (after `origine keys rotate` or `withdraw`), without a restart.
#[derive(Debug)]
pub struct KeyHandle {
    dir: PathBuf,
    current: std::sync::RwLock<std::sync::Arc<Keyring>>,
    fingerprint: std::sync::Mutex<Vec<(PathBuf, std::time::SystemTime, u64)>>,
}

impl KeyHandle {
    /// Wraps a loaded keyring read from `dir`.
    pub fn new(dir: &Path, ring: Keyring) -> Self {
        Self {
            dir: dir.to_owned(),
            current: std::sync::RwLock::new(std::sync::Arc::new(ring)),
            fingerprint: std::sync::Mutex::new(fingerprint(dir)),
        }
    }

    /// The keyring now in force.
    pub fn current(&self) -> std::sync::Arc<Keyring> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Re-reads the keys directory if any key file changed; keeps the old keys on error.
    pub fn reload_if_changed(&self) {
        let now = fingerprint(&self.dir);
        let Ok(mut seen) = self.fingerprint.lock() else {
            return;
        };
        if *seen == now {
            return;
        }
        let issuer = self.current().issuer.clone();
        match Keyring::load(&self.dir, &issuer) {
            Ok(ring) => {
                tracing::info!(kid = %ring.active().kid, "signing keys reloaded");
                if let Ok(mut cur) = self.current.write() {
                    *cur = std::sync::Arc::new(ring);
                }
                *seen = now;
            }
            Err(e) => {
                tracing::error!(error = %e, "keys directory changed but cannot be loaded; keeping the old keys")
            }
        }
    }
}

fn fingerprint(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime, u64)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.path(), m.modified().ok()?, m.len()))
        })
        .collect();
    out.sort();
    out
}
