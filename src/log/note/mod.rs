//! C2SP signed notes, checkpoints and cosignatures.
//!
//! * [c2sp.org/signed-note](https://c2sp.org/signed-note): a UTF-8 text ending in a
//!   newline, a blank line, then signature lines `— <key name> <base64(key ID ‖ signature)>`.
//!   Ed25519 key IDs are `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]` and the signature
//!   covers the note text (final newline included, blank line excluded).
//! * [c2sp.org/tlog-checkpoint](https://c2sp.org/tlog-checkpoint): a note whose text is
//!   `<origin>\n<tree size>\n<base64 root hash>\n` plus optional extension lines.
//! * [c2sp.org/tlog-cosignature](https://c2sp.org/tlog-cosignature) (`cosignature/v1`):
//!   key ID `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ public key)[:4]`, signature payload
//!   `timestamp (u64 big-endian) ‖ Ed25519 signature` over
//!   `cosignature/v1\ntime <timestamp>\n<checkpoint text>`.
//!
//! Pure code: parsing, rendering, signing and verification only.
//!
//! The module is split by spec: `signed` (signed-note parse, render, sign, verify),
//! `checkpoint` (the tlog-checkpoint body), `keys` (key names, key IDs, verifier and signer
//! keys) and `cosignature` (tlog-cosignature/v1).

mod checkpoint;
mod cosignature;
mod keys;
mod signed;

#[cfg(test)]
mod tests;

use data_encoding::BASE64;

pub use checkpoint::{Checkpoint, parse_decimal};
pub use cosignature::{cosign, cosignature_message, verify_cosignature};
pub use keys::{
    KeyName, cosignature_key_id, ed25519_key_id, format_vkey, key_id, parse_skey, parse_vkey,
};
pub use signed::{Note, NoteSignature, sign, verify};

/// Signature type byte of plain Ed25519 note signatures.
pub const ALG_ED25519: u8 = 0x01;
/// Signature type byte of timestamped Ed25519 cosignatures (`cosignature/v1`).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// Largest number of signature lines a note may carry (the spec requires at least 16).
pub const MAX_SIGNATURES: usize = 100;
/// Largest accepted note, in bytes, text and signatures included.
pub const MAX_NOTE_SIZE: usize = 1 << 20;
/// Length of an Ed25519 signature in bytes.
const ED25519_SIGNATURE_LEN: usize = 64;

/// Why a note, checkpoint, key or signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note or text exceeds [`MAX_NOTE_SIZE`].
    #[error("note is {size} bytes, more than the {max}-byte limit")]
    TooLarge {
        /// Size of the rejected input.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// An ASCII control character other than newline appears.
    #[error("note contains an ASCII control character other than newline")]
    ControlCharacter,
    /// The text is empty or does not end with a newline.
    #[error("note text is empty or does not end with a newline")]
    TextNotTerminated,
    /// No blank line separates the text from the signatures.
    #[error("no blank line separates the note text from its signatures")]
    MissingBlankLine,
    /// Nothing follows the blank line.
    #[error("note has no signature lines")]
    NoSignatures,
    /// The last signature line has no final newline.
    #[error("the last signature line does not end with a newline")]
    SignatureNotTerminated,
    /// A signature line (1-based) does not start with `— `.
    #[error("signature line {0} does not start with an em dash (U+2014) and a space")]
    MissingDash(usize),
    /// A signature line (1-based) is not `— <key name> <signature>`.
    #[error("signature line {0} is not \"\u{2014} <key name> <base64 signature>\"")]
    MalformedSignatureLine(usize),
    /// A signature line (1-based) holds invalid standard base64.
    #[error("signature line {0} is not valid standard base64")]
    InvalidBase64(usize),
    /// A signature line (1-based) decodes to fewer than 5 bytes.
    #[error("signature line {0} is shorter than a key ID and a signature")]
    SignatureTooShort(usize),
    /// More than [`MAX_SIGNATURES`] signature lines.
    #[error("note has more than {0} signature lines")]
    TooManySignatures(usize),
    /// A key name is empty or contains whitespace, a control character or `+`.
    #[error(
        "invalid key name {0:?}: it must be non-empty, with no spaces, control characters or '+'"
    )]
    InvalidKeyName(String),
    /// A checkpoint has fewer than three lines.
    #[error("checkpoint has fewer than three lines")]
    CheckpointTooShort,
    /// A checkpoint's origin line is empty.
    #[error("checkpoint origin is empty")]
    EmptyOrigin,
    /// A checkpoint line (1-based) is empty.
    #[error("checkpoint line {0} is empty")]
    EmptyLine(usize),
    /// The tree size line is not canonical decimal fitting in 64 bits.
    #[error(
        "checkpoint tree size {0:?} is not a decimal number without leading zeroes that fits in 64 bits"
    )]
    InvalidTreeSize(String),
    /// The root hash line is not the base64 of 32 bytes.
    #[error("checkpoint root hash {0:?} is not the standard base64 encoding of 32 bytes")]
    InvalidRootHash(String),
    /// No signature line carries this key's name and key ID.
    #[error("no signature from key {name} ({key_id})")]
    NoSignature {
        /// Key name.
        name: String,
        /// Hex key ID.
        key_id: String,
    },
    /// A signature line carries this key's name and key ID but does not verify.
    #[error("signature from key {name} ({key_id}) does not verify")]
    InvalidSignature {
        /// Key name.
        name: String,
        /// Hex key ID.
        key_id: String,
    },
    /// A cosignature timestamp above 2^63 - 1.
    #[error("cosignature timestamp {0} exceeds 2^63 - 1")]
    TimestampOutOfRange(u64),
    /// A verifier key string is malformed.
    #[error("malformed verifier key: {0}")]
    MalformedVkey(&'static str),
    /// A private signer key string is malformed.
    #[error("malformed signer key: {0}")]
    MalformedSkey(&'static str),
    /// The key ID in a key string does not match its name and key.
    #[error("key ID {found} does not match the key (expected {expected})")]
    KeyIdMismatch {
        /// Key ID computed from the name and key.
        expected: String,
        /// Key ID written in the key string.
        found: String,
    },
    /// A signature type other than Ed25519 (0x01) or cosignature/v1 (0x04).
    #[error("unsupported signature type 0x{0:02x}")]
    UnsupportedAlgorithm(u8),
    /// The 32 bytes are not a valid Ed25519 public key.
    #[error("invalid Ed25519 public key")]
    InvalidPublicKey,
}

/// Standard padded base64, in its one canonical form. `BASE64.decode` alone also accepts
/// concatenated padded blocks (`AA==AA==`), a second spelling of the same bytes.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    BASE64
        .decode(s.as_bytes())
        .ok()
        .filter(|bytes| BASE64.encode(bytes) == s)
}
