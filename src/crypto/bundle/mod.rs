//! The certificate bundle and the keys document, and the offline check that ties them:
//! hash of the JCS bytes, key ID, key validity and Ed25519 signature.
//!
//! `signature` checks the signed body against the keys document; `inclusion` checks its
//! Merkle inclusion proof against a signed checkpoint.

mod inclusion;
mod signature;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

pub use inclusion::check_inclusion;
pub use signature::{BAD_SIGNATURE, Prepared, check_bundle, prepare};

/// A signed log entry as served and verified: the body and what proves it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Bundle {
    /// The signed body (a certificate, or a status entry).
    #[schema(value_type = Object)]
    pub certificate: Value,
    /// Hex SHA-256 of the body's JCS bytes.
    pub hash: String,
    /// Ed25519 signature over the body's JCS bytes, base64url without padding.
    pub signature: String,
    /// Key ID of the signing key.
    pub kid: String,
    /// Proof that the entry is in the log, once a signed checkpoint covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inclusion: Option<Inclusion>,
}

/// An RFC 9162 inclusion proof of a bundle's entry, against a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Inclusion {
    /// The entry's index in the log (its `seq`).
    pub index: u64,
    /// Size of the checkpoint's tree, which the proof is against.
    pub tree_size: u64,
    /// Hex hashes, leaf to root.
    pub proof: Vec<String>,
    /// The C2SP signed note of the checkpoint (with any witness cosignatures).
    pub checkpoint: String,
}

/// The issuer's public keys, as served at `/.well-known/origine-keys.json`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeysDocument {
    /// The issuer name, which is also the log origin the kids are computed with.
    pub issuer: String,
    /// Every key the issuer has had, oldest first; withdrawn ones included, marked so.
    pub keys: Vec<PublicKeyEntry>,
}

/// One public key and its validity.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicKeyEntry {
    /// Hex C2SP key ID: `SHA-256(issuer ‖ 0x0A ‖ 0x01 ‖ public_key)[:4]`, 8 hex digits.
    pub kid: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The 32-byte Ed25519 public key, base64url without padding.
    pub public_key: String,
    /// When the key was created: what it signed earlier is not trusted (RFC 3339 UTC).
    pub not_before: String,
    /// When it was retired: what it signed later is not trusted; `null` while it is active.
    pub not_after: Option<String>,
    /// `active`, `retired` or `withdrawn`.
    pub status: String,
}

/// What the offline check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleCheck {
    /// `hash` equals SHA-256 of the JCS bytes of the body.
    pub hash: bool,
    /// The signature verifies under a usable key of the document.
    pub signature: bool,
    /// Every reason the bundle is not valid, in words a person can act on.
    pub reasons: Vec<String>,
}

impl BundleCheck {
    /// True when every check passed.
    pub fn is_valid(&self) -> bool {
        self.hash && self.signature && self.reasons.is_empty()
    }
}
