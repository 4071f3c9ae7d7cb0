//! Key events: rotations and withdrawals of the issuer's signing keys, logged and signed
//! like every other entry so the key history is itself append-only and auditable.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::certificate::IssuerRef;
use super::words::words;

/// `format` of a key event entry.
pub const KEY_FORMAT: &str = "origine/key/v1";

words! {
    /// What happened to a signing key.
    pub enum KeyEventKind {
        /// A new key signs from now on.
        Rotated = "rotated",
        /// Nothing the key signed is trusted.
        Withdrawn = "withdrawn",
    }
}

/// A key event before its place in the log is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEvent {
    /// Rotated or withdrawn.
    pub event: KeyEventKind,
    /// The key the event is about: the new key for a rotation, the withdrawn one for a withdrawal.
    pub kid: String,
    /// The key's public key, base64url without padding.
    pub public_key: String,
    /// For a rotation, the key it replaces.
    pub previous: Option<String>,
    /// Why, as the operator gave it.
    pub reason: String,
}

/// The signed body of a key event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KeyEntry {
    /// Always `origine/key/v1` ([`KEY_FORMAT`]).
    pub format: String,
    /// 0-based index of this entry in the log.
    pub seq: u64,
    /// Rotated or withdrawn.
    pub event: KeyEventKind,
    /// The key the event is about: the new key for a rotation, the withdrawn one for a withdrawal.
    pub kid: String,
    /// That key's Ed25519 public key, base64url without padding.
    pub public_key: String,
    /// For a rotation, the kid of the key it replaces; absent for a withdrawal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    /// Why, as the operator gave it.
    pub reason: String,
    /// When the event took effect: RFC 3339 UTC to the second.
    pub effective_at: String,
    /// The issuer and the key that signed this entry.
    pub issuer: IssuerRef,
    /// Hex hash of the previous log entry; 64 zeros for the first.
    pub prev: String,
}

impl KeyEvent {
    /// The body to sign once the log position is known.
    pub fn seal(&self, seq: u64, prev: &str, effective_at: &str, issuer: IssuerRef) -> KeyEntry {
        KeyEntry {
            format: KEY_FORMAT.to_owned(),
            seq,
            event: self.event,
            kid: self.kid.clone(),
            public_key: self.public_key.clone(),
            previous: self.previous.clone(),
            reason: self.reason.clone(),
            effective_at: effective_at.to_owned(),
            issuer,
            prev: prev.to_owned(),
        }
    }
}
