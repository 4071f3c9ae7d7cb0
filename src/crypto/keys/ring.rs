//! All of the issuer's loaded keys: the active one signs, every key not withdrawn verifies,
//! and together they make the public keys document.

use std::fs;
use std::path::{Path, PathBuf};

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::KeyError;
use super::file::{generate, load_key};
use crate::crypto::bundle::{KeysDocument, PublicKeyEntry};

/// One loaded key.
#[derive(Debug, Clone)]
pub struct LoadedKey {
    /// The Ed25519 public key.
    pub public: VerifyingKey,
    /// Present while the key may sign (active keys).
    pub signing: Option<SigningKey>,
    /// The `.key` file it was read from.
    pub path: PathBuf,
    /// Hex C2SP key ID under the issuer name: 8 hex digits.
    pub kid: String,
    /// When the key was made: RFC 3339 UTC.
    pub created_at: String,
    /// `active`, `retired` or `withdrawn`.
    pub status: String,
    /// When it stopped signing: RFC 3339 UTC; `None` while it is active.
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
