//! The key webhook secrets are derived from: 32 random bytes in `webhooks.secret` in the
//! keys directory (mode 0600), beside the signing keys and never in the database.

use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Arc;

use data_encoding::BASE64URL_NOPAD;

use crate::crypto::webhook;

/// File name of the key in the keys directory.
pub const FILE: &str = "webhooks.secret";

/// The service's webhook key; cheap to clone, never printed.
#[derive(Clone)]
pub struct WebhookKey(Arc<[u8; 32]>);

impl std::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookKey(…)")
    }
}

impl WebhookKey {
    /// Reads the key from `dir`, creating it on first use (every process sharing the keys
    /// directory reads the same one).
    ///
    /// # Errors
    /// The file cannot be read or written, or does not hold 32 bytes.
    pub fn load_or_create(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(FILE);
        fs::create_dir_all(dir)?;
        if !path.exists() {
            let mut fresh = [0u8; 32];
            getrandom::fill(&mut fresh).map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
            // Written whole under another name, then linked into place: another process
            // never reads a half-written key, and the first link wins.
            let tmp = dir.join(format!("{FILE}.{}.tmp", crate::domain::ids::short_id()));
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            file.write_all(BASE64URL_NOPAD.encode(&fresh).as_bytes())?;
            file.sync_all()?;
            let linked = fs::hard_link(&tmp, &path);
            let _ = fs::remove_file(&tmp);
            match linked {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(anyhow::anyhow!("{}: {e}", path.display()));
                }
                _ => {}
            }
        }
        let text = fs::read_to_string(&path)?;
        let bytes = BASE64URL_NOPAD
            .decode(text.trim().as_bytes())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| anyhow::anyhow!("{} does not hold a 32-byte key", path.display()))?;
        Ok(Self(Arc::new(bytes)))
    }

    /// The `whsec_…` secret of a webhook.
    pub fn secret(&self, webhook_id: &str) -> String {
        webhook::secret_for(self.0.as_slice(), webhook_id)
    }
}
