//! Ed25519 signing keys on disk, their C2SP key IDs and the public keys document.
//!
//! A key lives in `keys/<name>.key` as a small JSON file readable by its owner only
//! (mode 0600). The service refuses to start on a key anyone else could read.
//!
//! `file` reads and writes the key files, `ring` is the issuer's loaded keys, and `handle`
//! reloads them in the running service when the directory changes.

mod file;
mod handle;
mod ring;

#[cfg(test)]
mod tests;

use data_encoding::HEXLOWER;
use sha2::{Digest, Sha256};

pub use file::{SigningKeyFile, add_key, end_key, generate};
pub use handle::KeyHandle;
pub use ring::{Keyring, LoadedKey};

/// Why keys could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "key file {path} is readable by group or others (mode {mode:o}); run `chmod 600 {path}`"
    )]
    Permissions { path: String, mode: u32 },
    #[error("key file {path}: {message}")]
    Malformed { path: String, message: String },
    #[error("no signing key in {0}; create one with `origine keygen`")]
    NoKey(String),
    #[error("an active signing key already exists in {dir} (kid {kid})")]
    AlreadyExists { dir: String, kid: String },
    #[error("keys directory {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("random number generator failed: {0}")]
    Random(String),
}

/// The C2SP signed-note key ID: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public_key)[:4]`, hex.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, 0x01]);
    h.update(public_key);
    HEXLOWER.encode(&h.finalize()[..4])
}
