//! Ed25519 keys as W3C Multikeys and `did:key` identifiers, the only verification methods
//! the proofs use.

use ed25519_dalek::SigningKey;

use super::VcError;

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key seed (`ed25519-priv`, varint 0x1300).
pub(super) const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// Multibase base58btc Multikey of an Ed25519 public key: `z` + base58btc(0xed 0x01 ‖ key),
/// i.e. `z6Mk…`.
#[must_use]
pub fn public_key_multibase(public_key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_PUB);
    bytes.extend_from_slice(public_key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The `did:key` of an Ed25519 public key: `did:key:z6Mk…`.
#[must_use]
pub fn did_key(public_key: &[u8; 32]) -> String {
    format!("did:key:{}", public_key_multibase(public_key))
}

/// The `did:key` verification method of an Ed25519 public key: `did:key:z6Mk…#z6Mk…`.
#[must_use]
pub fn verification_method(public_key: &[u8; 32]) -> String {
    let multikey = public_key_multibase(public_key);
    format!("did:key:{multikey}#{multikey}")
}

/// The Ed25519 public key in a `did:key:z…` or a verification method `did:key:z…#z…`.
///
/// # Errors
/// Not a `did:key`, a fragment other than the key's own multibase value, not base58btc,
/// or not an `ed25519-pub` multicodec key of 32 bytes.
pub fn public_key_from_did_key(did_or_vm: &str) -> Result<[u8; 32], VcError> {
    let invalid = || VcError::InvalidDidKey(did_or_vm.to_owned());
    let id = did_or_vm.strip_prefix("did:key:").ok_or_else(invalid)?;
    let id = match id.split_once('#') {
        Some((id, fragment)) if fragment == id => id,
        Some(_) => return Err(invalid()),
        None => id,
    };
    decode_multibase(id, ED25519_PUB).ok_or_else(invalid)
}

/// The Ed25519 public key of a multibase base58btc Multikey (`z6Mk…`), if it is one.
#[must_use]
pub fn public_key_from_multibase(multibase: &str) -> Option<[u8; 32]> {
    decode_multibase(multibase, ED25519_PUB)
}

/// An Ed25519 signing key from a multibase base58btc `ed25519-priv` Multikey
/// (`z` + base58btc(0x80 0x26 ‖ 32-byte seed)), as in the W3C test vectors.
///
/// # Errors
/// Not base58btc multibase, or not an `ed25519-priv` multicodec seed of 32 bytes.
pub fn signing_key_from_multibase(secret_key_multibase: &str) -> Result<SigningKey, VcError> {
    decode_multibase(secret_key_multibase, ED25519_PRIV)
        .map(|seed| SigningKey::from_bytes(&seed))
        .ok_or(VcError::InvalidPrivateKey)
}

/// Decodes `z` + base58btc(prefix ‖ 32 bytes).
fn decode_multibase(multibase: &str, prefix: [u8; 2]) -> Option<[u8; 32]> {
    let bytes = bs58::decode(multibase.strip_prefix('z')?).into_vec().ok()?;
    bytes.strip_prefix(&prefix)?.try_into().ok()
}
