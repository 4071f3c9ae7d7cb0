//! Key files on disk: reading one (refusing it if others can read it), writing a new key,
//! and ending a key's validity.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{KeyError, Keyring, LoadedKey, key_id};
use crate::time_fmt;

/// What a `.key` file holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKeyFile {
    /// Always `Ed25519`; any other value is refused.
    pub alg: String,
    /// The 32-byte Ed25519 seed, base64url without padding; erased when the key is retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// The public key, base64url without padding (kept after the seed is erased).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// When the key was made: RFC 3339 UTC, its `not_before`.
    pub created_at: String,
    /// `active`, `retired` or `withdrawn`.
    pub status: String,
    /// End of the key's validity: what it signed later is not trusted.
    #[serde(default)]
    pub retired_at: Option<String>,
}

pub(super) fn load_key(path: &Path, issuer: &str) -> Result<LoadedKey, KeyError> {
    let shown = path.display().to_string();
    let io = |source| KeyError::Io {
        path: shown.clone(),
        source,
    };
    let mode = fs::metadata(path).map_err(io)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions {
            path: shown,
            mode: mode & 0o777,
        });
    }
    let malformed = |message: String| KeyError::Malformed {
        path: shown.clone(),
        message,
    };
    let text = fs::read_to_string(path).map_err(io)?;
    let file: SigningKeyFile = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    if file.alg != "Ed25519" {
        return Err(malformed(format!("unsupported alg {:?}", file.alg)));
    }
    let decode32 = |text: &str, what: &str| -> Result<[u8; 32], KeyError> {
        BASE64URL_NOPAD
            .decode(text.as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| malformed(format!("{what} is not 32 bytes of base64url")))
    };
    let signing = match &file.seed {
        Some(seed) => Some(SigningKey::from_bytes(&decode32(seed, "seed")?)),
        None => None,
    };
    let public = match (&signing, &file.public_key) {
        (Some(s), _) => s.verifying_key(),
        (None, Some(pk)) => VerifyingKey::from_bytes(&decode32(pk, "public_key")?)
            .map_err(|_| malformed("public_key is not an Ed25519 point".into()))?,
        (None, None) => return Err(malformed("neither seed nor public_key".into())),
    };
    let kid = key_id(issuer, public.as_bytes());
    Ok(LoadedKey {
        public,
        signing,
        path: path.to_owned(),
        kid,
        created_at: file.created_at,
        status: file.status,
        retired_at: file.retired_at,
    })
}

/// Creates a new active key in `dir` and returns its kid and base64url public key.
///
/// # Errors
/// An active key already exists, or the file could not be written with mode 0600.
pub fn generate(dir: &Path, issuer: &str) -> Result<(String, String), KeyError> {
    if let Ok(ring) = Keyring::load(dir, issuer) {
        return Err(KeyError::AlreadyExists {
            dir: dir.display().to_string(),
            kid: ring.active().kid.clone(),
        });
    }
    add_key(dir, issuer)
}

/// Writes a new active key beside any others (the newest active key signs).
///
/// # Errors
/// The file could not be written with mode 0600.
pub fn add_key(dir: &Path, issuer: &str) -> Result<(String, String), KeyError> {
    let io = |source| KeyError::Io {
        path: dir.display().to_string(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let signing = SigningKey::from_bytes(&seed);
    let now = OffsetDateTime::now_utc();
    let public = signing.verifying_key().to_bytes();
    let file = SigningKeyFile {
        alg: "Ed25519".into(),
        seed: Some(BASE64URL_NOPAD.encode(&seed)),
        public_key: Some(BASE64URL_NOPAD.encode(&public)),
        created_at: time_fmt::rfc3339(now),
        status: "active".into(),
        retired_at: None,
    };
    let kid = key_id(issuer, &public);
    // Nanoseconds in the name order keys made within one second.
    let path = dir.join(format!("{}-{kid}.key", now.unix_timestamp_nanos()));
    write_key_file(&path, &file, true)?;
    Ok((kid, BASE64URL_NOPAD.encode(&public)))
}

/// Writes a key file with mode 0600: a new one, or replacing one atomically.
fn write_key_file(path: &Path, file: &SigningKeyFile, new: bool) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.display().to_string(),
        source,
    };
    let json = serde_json::to_vec_pretty(file).map_err(|e| KeyError::Malformed {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    let target = if new {
        path.to_owned()
    } else {
        path.with_extension("key.tmp")
    };
    let mut options = OpenOptions::new();
    options.write(true).mode(0o600);
    if new {
        options.create_new(true);
    } else {
        options.create(true).truncate(true);
    }
    let mut out = options.open(&target).map_err(io)?;
    out.write_all(&json).map_err(io)?;
    out.sync_all().map_err(io)?;
    if !new {
        fs::rename(&target, path).map_err(io)?;
    }
    Ok(())
}

/// Ends a key's validity at `at` with `status` (`retired` or `withdrawn`) and erases its
/// seed, so it can never sign again.
///
/// # Errors
/// No key with that kid, or the file cannot be rewritten.
pub fn end_key(
    dir: &Path,
    issuer: &str,
    kid: &str,
    status: &str,
    at: &str,
) -> Result<(), KeyError> {
    let ring = Keyring::load(dir, issuer)?;
    let key = ring
        .keys()
        .iter()
        .find(|k| k.kid == kid)
        .ok_or_else(|| KeyError::NoKey(format!("{} (no key {kid})", dir.display())))?;
    let file = SigningKeyFile {
        alg: "Ed25519".into(),
        seed: None,
        public_key: Some(BASE64URL_NOPAD.encode(key.public.as_bytes())),
        created_at: key.created_at.clone(),
        status: status.to_owned(),
        retired_at: Some(key.retired_at.clone().unwrap_or_else(|| at.to_owned())),
    };
    write_key_file(&key.path, &file, false)
}
