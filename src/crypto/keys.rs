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
    /// The 32-byte Ed25519 seed, base64url without padding; erased when the key is retired.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// The public key, base64url without padding (kept after the seed is erased).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    pub created_at: String,
    /// `active`, `retired` or `withdrawn`.
    pub status: String,
    /// End of the key's validity: what it signed later is not trusted.
    #[serde(default)]
    pub retired_at: Option<String>,
}

/// One loaded key.
#[derive(Debug, Clone)]
pub struct LoadedKey {
    pub public: VerifyingKey,
    /// Present while the key may sign (active keys).
    pub signing: Option<SigningKey>,
    pub path: PathBuf,
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
    /// Index of the key that signs: the newest active key with its seed.
    active: usize,
    signer: SigningKey,
}

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
        keys.sort_by(|a, b| a.created_at.cmp(&b.created_at).then(a.path.cmp(&b.path)));
        let (active, signer) = keys
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, k)| {
                k.signing
                    .clone()
                    .filter(|_| k.status == "active")
                    .map(|s| (i, s))
            })
            .ok_or_else(|| KeyError::NoKey(dir.display().to_string()))?;
        Ok(Self {
            issuer: issuer.to_owned(),
            keys,
            active,
            signer,
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
        &self.keys[self.active]
    }

    /// The active key's signing half.
    pub fn signer(&self) -> &SigningKey {
        &self.signer
    }

    /// All keys, oldest first.
    pub fn keys(&self) -> &[LoadedKey] {
        &self.keys
    }

    /// Signs `message` with the active key, returning `(kid, base64url signature)`.
    pub fn sign(&self, message: &[u8]) -> (String, String) {
        let sig: Signature = self.signer().sign(message);
        (
            self.active().kid.clone(),
            BASE64URL_NOPAD.encode(&sig.to_bytes()),
        )
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
                    public_key: BASE64URL_NOPAD.encode(k.public.as_bytes()),
                    not_before: k.created_at.clone(),
                    not_after: k.retired_at.clone(),
                    status: k.status.clone(),
                })
                .collect(),
        }
    }

    /// Every key that is not withdrawn, with its kid.
    pub fn verifying_keys(&self) -> impl Iterator<Item = (&str, VerifyingKey)> {
        self.keys
            .iter()
            .filter(|k| k.status != "withdrawn")
            .map(|k| (k.kid.as_str(), k.public))
    }

    /// The verifying key for `kid`, if the ring has it.
    pub fn verifying_key(&self, kid: &str) -> Option<VerifyingKey> {
        self.keys.iter().find(|k| k.kid == kid).map(|k| k.public)
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

    #[test]
    fn a_retired_key_loses_its_seed_but_stays_in_the_document() {
        let dir = tempfile::tempdir().unwrap();
        let (old, _) = generate(dir.path(), "o/log").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let (new, _) = add_key(dir.path(), "o/log").unwrap();
        assert_eq!(
            Keyring::load(dir.path(), "o/log").unwrap().active().kid,
            new
        );
        end_key(dir.path(), "o/log", &old, "retired", "2030-01-01T00:00:00Z").unwrap();
        let ring = Keyring::load(dir.path(), "o/log").unwrap();
        let retired = ring.keys().iter().find(|k| k.kid == old).unwrap();
        assert!(retired.signing.is_none());
        let text = fs::read_to_string(&retired.path).unwrap();
        assert!(!text.contains("seed"), "{text}");
        assert_eq!(
            fs::metadata(&retired.path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        let doc = ring.document();
        let entry = doc.keys.iter().find(|k| k.kid == old).unwrap();
        assert_eq!(entry.status, "retired");
        assert_eq!(entry.not_after.as_deref(), Some("2030-01-01T00:00:00Z"));
    }
}
