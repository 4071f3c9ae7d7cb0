//! Signed-note keys: validated key names, key IDs, and the text forms of verifier keys
//! (`<name>+<key ID>+<key>`) and Go `sumdb/note` signer keys.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use data_encoding::{BASE64, HEXLOWER, HEXLOWER_PERMISSIVE};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::{ALG_COSIGNATURE_V1, ALG_ED25519, NoteError, decode_base64};

/// Prefix of private signer keys in the Go `sumdb/note` format.
const SKEY_PREFIX: &str = "PRIVATE+KEY+";

/// A signed-note key name, valid by construction: non-empty, with no Unicode whitespace and
/// no `+` (c2sp.org/signed-note), and no ASCII control character either, since no note may
/// hold one. Names are parsed into it wherever they enter: signature lines, verifier and
/// signer keys, and the names [`sign`](super::sign) and [`cosign`](super::cosign) are given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyName(String);

impl KeyName {
    /// Checks a key name.
    ///
    /// # Errors
    /// [`NoteError::InvalidKeyName`] if `name` is empty or holds whitespace, a `+` or an
    /// ASCII control character.
    pub fn parse(name: &str) -> Result<Self, NoteError> {
        let valid = !name.is_empty()
            && !name
                .chars()
                .any(|c| c == '+' || c.is_whitespace() || c < ' ');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(NoteError::InvalidKeyName(name.to_owned()))
        }
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for KeyName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for KeyName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for KeyName {
    type Err = NoteError;

    fn from_str(name: &str) -> Result<Self, NoteError> {
        Self::parse(name)
    }
}

impl PartialEq<str> for KeyName {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for KeyName {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for KeyName {
    fn eq(&self, other: &String) -> bool {
        self.0 == *other
    }
}

impl PartialEq<KeyName> for str {
    fn eq(&self, other: &KeyName) -> bool {
        *self == other.0
    }
}

impl PartialEq<KeyName> for &str {
    fn eq(&self, other: &KeyName) -> bool {
        **self == other.0
    }
}

impl PartialEq<KeyName> for String {
    fn eq(&self, other: &KeyName) -> bool {
        *self == other.0
    }
}

impl From<KeyName> for String {
    fn from(name: KeyName) -> Self {
        name.0
    }
}

/// Ed25519 note key ID: `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]`.
#[must_use]
pub fn ed25519_key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    key_id(name, ALG_ED25519, public_key)
}

/// `cosignature/v1` key ID: `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]`.
#[must_use]
pub fn cosignature_key_id(name: &str, public_key: &[u8; 32]) -> [u8; 4] {
    key_id(name, ALG_COSIGNATURE_V1, public_key)
}

/// Key ID for any signature type: `SHA-256(name ‖ 0x0A ‖ alg ‖ public key)[:4]`.
#[must_use]
pub fn key_id(name: &str, alg: u8, public_key: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', alg]);
    h.update(public_key);
    let digest = h.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// Formats a verifier key: `<name>+<hex key ID>+<base64(alg ‖ public key)>`.
///
/// `alg` is [`ALG_ED25519`] for note signers or [`ALG_COSIGNATURE_V1`] for cosigners.
#[must_use]
pub fn format_vkey(name: &str, alg: u8, public_key: &[u8; 32]) -> String {
    let mut material = Vec::with_capacity(33);
    material.push(alg);
    material.extend_from_slice(public_key);
    format!(
        "{name}+{}+{}",
        HEXLOWER.encode(&key_id(name, alg, public_key)),
        BASE64.encode(&material)
    )
}

/// Parses a verifier key `<name>+<hex key ID>+<base64(alg ‖ public key)>` into its name,
/// signature type and Ed25519 public key, checking that the key ID matches.
///
/// # Errors
/// A malformed string or name, a signature type other than 0x01 or 0x04, an invalid
/// Ed25519 public key, or a key ID that does not match the name and key.
pub fn parse_vkey(vkey: &str) -> Result<(KeyName, u8, [u8; 32]), NoteError> {
    let (name, rest) = vkey
        .split_once('+')
        .ok_or(NoteError::MalformedVkey("expected <name>+<key ID>+<key>"))?;
    let (hex, b64) = rest
        .split_once('+')
        .ok_or(NoteError::MalformedVkey("expected <name>+<key ID>+<key>"))?;
    let name = KeyName::parse(name)?;
    let found = parse_hex_id(hex).ok_or(NoteError::MalformedVkey(
        "key ID is not 8 hexadecimal digits",
    ))?;
    let material =
        decode_base64(b64).ok_or(NoteError::MalformedVkey("key is not valid standard base64"))?;
    let (&alg, public_key) = material
        .split_first()
        .ok_or(NoteError::MalformedVkey("key is empty"))?;
    if alg != ALG_ED25519 && alg != ALG_COSIGNATURE_V1 {
        return Err(NoteError::UnsupportedAlgorithm(alg));
    }
    let public_key = <[u8; 32]>::try_from(public_key)
        .map_err(|_| NoteError::MalformedVkey("Ed25519 public key is not 32 bytes"))?;
    VerifyingKey::from_bytes(&public_key).map_err(|_| NoteError::InvalidPublicKey)?;
    check_key_id(key_id(&name, alg, &public_key), found)?;
    Ok((name, alg, public_key))
}

/// Parses a Go `sumdb/note` private key
/// `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ 32-byte seed)>`, checking the key ID.
///
/// # Errors
/// A malformed string or name, a signature type other than 0x01, or a key ID that does
/// not match the name and derived public key.
pub fn parse_skey(skey: &str) -> Result<(KeyName, SigningKey), NoteError> {
    let rest = skey
        .strip_prefix(SKEY_PREFIX)
        .ok_or(NoteError::MalformedSkey("missing PRIVATE+KEY+ prefix"))?;
    let (name, rest) = rest
        .split_once('+')
        .ok_or(NoteError::MalformedSkey("expected <name>+<key ID>+<key>"))?;
    let (hex, b64) = rest
        .split_once('+')
        .ok_or(NoteError::MalformedSkey("expected <name>+<key ID>+<key>"))?;
    let name = KeyName::parse(name)?;
    let found = parse_hex_id(hex).ok_or(NoteError::MalformedSkey(
        "key ID is not 8 hexadecimal digits",
    ))?;
    let material =
        decode_base64(b64).ok_or(NoteError::MalformedSkey("key is not valid standard base64"))?;
    let (&alg, seed) = material
        .split_first()
        .ok_or(NoteError::MalformedSkey("key is empty"))?;
    if alg != ALG_ED25519 {
        return Err(NoteError::UnsupportedAlgorithm(alg));
    }
    let seed = <[u8; 32]>::try_from(seed)
        .map_err(|_| NoteError::MalformedSkey("Ed25519 seed is not 32 bytes"))?;
    let key = SigningKey::from_bytes(&seed);
    check_key_id(ed25519_key_id(&name, key.verifying_key().as_bytes()), found)?;
    Ok((name, key))
}

fn check_key_id(expected: [u8; 4], found: [u8; 4]) -> Result<(), NoteError> {
    if expected == found {
        Ok(())
    } else {
        Err(NoteError::KeyIdMismatch {
            expected: HEXLOWER.encode(&expected),
            found: HEXLOWER.encode(&found),
        })
    }
}

fn parse_hex_id(hex: &str) -> Option<[u8; 4]> {
    if hex.len() != 8 {
        return None;
    }
    HEXLOWER_PERMISSIVE
        .decode(hex.as_bytes())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
}
