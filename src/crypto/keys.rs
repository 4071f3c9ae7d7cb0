//! Ed25519 signing keys on disk, their C2SP key IDs and the public keys document.
//!
//! A key lives in `keys/<name>.key` as a small JSON file readable by its owner only
//! (mode 0600). The service refuses to start on a key anyone else could read.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::bundle::{KeysDocument, PublicKeyEntry};
use crate::time_fmt;

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

/// What a `.key` file holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKeyFile {
    pub alg: String,
    /// The 32-byte Ed25519 seed, base64url without padding.
    pub seed: String,
    pub created_at: String,
    pub status: String,
    #[serde(default)]
    pub retired_at: Option<String>,
}

/// One loaded key.
#[derive(Debug, Clone)]
pub struct LoadedKey {
    pub signing: SigningKey,
    pub kid: String,
    pub created_at: String,
    pub status: String,
    pub retired_at: Option<String>,
}

/// All keys of the issuer; the newest active one signs.
#[derive(Debug, Clone)]
pub struct Keyring {
    /// The issuer name, which is also the log origin the key IDs are computed with.
    pub issuer: String,
    keys: Vec<LoadedKey>,
}

/// The C2SP signed-note key ID: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public_key)[:4]`, hex.
pub fn key_id(name: &str, public_key: &[u8; 32]) -> String {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([0x0A, 0x01]);
    h.update(public_key);
    HEXLOWER.encode(&h.finalize()[..4])
}

impl Keyring {
    /// Loads every `*.key` file in `dir`.
    ///
    /// # Errors
    /// A key readable by group or others, a malformed file, or no key at all.
    pub fn load(dir: &Path, issuer: &str) -> Result<Self, KeyError> {
        let io = |source| KeyError::Io {
            path: dir.display().to_string(),
            source,
        };
        let mut keys = Vec::new();
        let mut paths: Vec<PathBuf> = fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "key"))
            .collect();
        paths.sort();
        for path in paths {
            keys.push(load_key(&path, issuer)?);
        }
        if !keys.iter().any(|k| k.status == "active") {
            return Err(KeyError::NoKey(dir.display().to_string()));
        }
        keys.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        Ok(Self {
            issuer: issuer.to_owned(),
            keys,
        })
    }

    /// Loads the keys in `dir`, creating the directory and a first key if there is none.
    ///
    /// # Errors
    /// As [`Keyring::load`], or the key could not be written.
    pub fn load_or_create(dir: &Path, issuer: &str) -> Result<Self, KeyError> {
        match Self::load(dir, issuer) {
            Err(KeyError::NoKey(_)) | Err(KeyError::Io { .. }) => {
                generate(dir, issuer)?;
                Self::load(dir, issuer)
            }
            other => other,
        }
    }

    /// The key that signs new entries.
    pub fn active(&self) -> &LoadedKey {
        // `load` guarantees at least one active key; the newest one signs.
        self.keys
            .iter()
            .rev()
            .find(|k| k.status == "active")
            .unwrap_or(&self.keys[self.keys.len() - 1])
    }

    /// Signs `message` with the active key, returning `(kid, base64url signature)`.
    pub fn sign(&self, message: &[u8]) -> (String, String) {
        let key = self.active();
        let sig: Signature = key.signing.sign(message);
        (key.kid.clone(), BASE64URL_NOPAD.encode(&sig.to_bytes()))
    }

    /// The public keys document served at `/.well-known/origine-keys.json`.
    pub fn document(&self) -> KeysDocument {
        KeysDocument {
            issuer: self.issuer.clone(),
            keys: self
                .keys
                .iter()
                .map(|k| PublicKeyEntry {
                    kid: k.kid.clone(),
                    alg: "Ed25519".into(),
                    public_key: BASE64URL_NOPAD.encode(k.signing.verifying_key().as_bytes()),
                    not_before: k.created_at.clone(),
                    not_after: k.retired_at.clone(),
                    status: k.status.clone(),
                })
                .collect(),
        }
    }

    /// The verifying key for `kid`, if the ring has it.
    pub fn verifying_key(&self, kid: &str) -> Option<VerifyingKey> {
        self.keys
            .iter()
            .find(|k| k.kid == kid)
            .map(|k| k.signing.verifying_key())
    }
}

fn load_key(path: &Path, issuer: &str) -> Result<LoadedKey, KeyError> {
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
    let seed: [u8; 32] = BASE64URL_NOPAD
        .decode(file.seed.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| malformed("seed is not 32 bytes of base64url".into()))?;
    let signing = SigningKey::from_bytes(&seed);
    let kid = key_id(issuer, signing.verifying_key().as_bytes());
    Ok(LoadedKey {
        signing,
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
    let io = |source| KeyError::Io {
        path: dir.display().to_string(),
        source,
    };
    fs::create_dir_all(dir).map_err(io)?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
    let signing = SigningKey::from_bytes(&seed);
    let now = OffsetDateTime::now_utc();
    let file = SigningKeyFile {
        alg: "Ed25519".into(),
        seed: BASE64URL_NOPAD.encode(&seed),
        created_at: time_fmt::rfc3339(now),
        status: "active".into(),
        retired_at: None,
    };
    let public = signing.verifying_key().to_bytes();
    let kid = key_id(issuer, &public);
    let path = dir.join(format!("{}-{kid}.key", now.unix_timestamp()));
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(io)?;
    let json = serde_json::to_vec_pretty(&file).map_err(|e| KeyError::Malformed {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    out.write_all(&json).map_err(io)?;
    out.sync_all().map_err(io)?;
    Ok((kid, BASE64URL_NOPAD.encode(&public)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_matches_the_c2sp_signed_note_vector() {
        let vectors: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/vectors/c2sp-signed-note.json"))
                .unwrap();
        // vkey = "<name>+<hex kid>+<base64(0x01 ‖ public key)>"
        let vkey = vectors["verify"]["vkey"].as_str().unwrap();
        let parts: Vec<&str> = vkey.split('+').collect();
        let public = data_encoding::BASE64.decode(parts[2].as_bytes()).unwrap();
        assert_eq!(public[0], 1, "algorithm byte for Ed25519");
        let key: [u8; 32] = public[1..].try_into().unwrap();
        assert_eq!(key_id(parts[0], &key), parts[1]);
    }

    #[test]
    fn a_key_readable_by_others_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), "example.org/log").unwrap();
        let path = fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = Keyring::load(dir.path(), "example.org/log").unwrap_err();
        assert!(
            matches!(err, KeyError::Permissions { mode: 0o644, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("chmod 600"));
    }

    #[test]
    fn a_second_keygen_is_refused_and_signing_uses_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let (kid, _) = generate(dir.path(), "o/log").unwrap();
        assert!(matches!(
            generate(dir.path(), "o/log"),
            Err(KeyError::AlreadyExists { .. })
        ));
        let ring = Keyring::load(dir.path(), "o/log").unwrap();
        let (signed_kid, sig) = ring.sign(b"hello");
        assert_eq!(signed_kid, kid);
        let sig = Signature::from_slice(&BASE64URL_NOPAD.decode(sig.as_bytes()).unwrap()).unwrap();
        ring.verifying_key(&kid)
            .unwrap()
            .verify_strict(b"hello", &sig)
            .unwrap();
    }
}
