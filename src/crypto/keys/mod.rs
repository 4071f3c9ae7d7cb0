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
    /// A key file readable by group or others.
    #[error(
        "key file {path} is readable by group or others (mode {mode:o}); run `chmod 600 {path}`"
    )]
    Permissions {
        /// The key file.
        path: String,
        /// Its Unix permission bits.
        mode: u32,
    },
    /// A key file that cannot be read as a key.
    #[error("key file {path}: {message}")]
    Malformed {
        /// The key file.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// No active key with its seed in the directory (or no key of the kid asked for); the
    /// string names the directory.
    #[error("no signing key in {0}; create one with `origine keygen`")]
    NoKey(String),
    /// An active key is already there, so none was made; `origine keys rotate` adds one.
    #[error("an active signing key already exists in {dir} (kid {kid})")]
    AlreadyExists {
        /// The keys directory.
        dir: String,
        /// The active key's kid.
        kid: String,
    },
    /// Reading or writing the keys directory failed.
    #[error("keys directory {path}: {source}")]
    Io {
        /// The directory or file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The operating system's random source failed while making a key.
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
