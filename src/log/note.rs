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

use data_encoding::{BASE64, HEXLOWER, HEXLOWER_PERMISSIVE};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature type byte of plain Ed25519 note signatures.
pub const ALG_ED25519: u8 = 0x01;
/// Signature type byte of timestamped Ed25519 cosignatures (`cosignature/v1`).
pub const ALG_COSIGNATURE_V1: u8 = 0x04;
/// Largest number of signature lines a note may carry (the spec requires at least 16).
pub const MAX_SIGNATURES: usize = 100;
/// Largest accepted note, in bytes, text and signatures included.
pub const MAX_NOTE_SIZE: usize = 1 << 20;

/// Prefix of every signature line: U+2014 EM DASH and a space.
const SIG_PREFIX: &str = "\u{2014} ";
/// Header line of the message a `cosignature/v1` signs.
const COSIGNATURE_HEADER: &str = "cosignature/v1\n";
/// Prefix of private signer keys in the Go `sumdb/note` format.
const SKEY_PREFIX: &str = "PRIVATE+KEY+";
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

/// The text of a C2SP checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Log identity, non-empty (by convention a schema-less URL).
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 6962 Merkle tree root hash at `size`.
    pub root: [u8; 32],
    /// Optional extension lines, each non-empty and without the newline.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: `<origin>\n<size>\n<base64 root>\n` then one line per extension.
    ///
    /// The result only parses back if the origin and extensions are non-empty and contain
    /// no newline or control character.
    #[must_use]
    pub fn body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(&self.root)
        );
        for extension in &self.extensions {
            body.push_str(extension);
            body.push('\n');
        }
        body
    }

    /// Parses a checkpoint note text (the part of the note before the blank line).
    ///
    /// # Errors
    /// Text not ending in a newline or holding control characters, fewer than three lines,
    /// an empty line, an empty origin, a tree size that is not canonical decimal within
    /// `u64`, or a root hash that is not the standard base64 of 32 bytes.
    pub fn parse(body: &str) -> Result<Self, NoteError> {
        check_text(body)?;
        let lines: Vec<&str> = body[..body.len() - 1].split('\n').collect();
        if lines.len() < 3 {
            return Err(NoteError::CheckpointTooShort);
        }
        if lines[0].is_empty() {
            return Err(NoteError::EmptyOrigin);
        }
        if let Some(i) = lines.iter().position(|l| l.is_empty()) {
            return Err(NoteError::EmptyLine(i + 1));
        }
        let size = parse_decimal(lines[1])
            .ok_or_else(|| NoteError::InvalidTreeSize(lines[1].to_owned()))?;
        let root = decode_base64(lines[2])
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| NoteError::InvalidRootHash(lines[2].to_owned()))?;
        Ok(Self {
            origin: lines[0].to_owned(),
            size,
            root,
            extensions: lines[3..].iter().map(|l| (*l).to_owned()).collect(),
        })
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: String,
    /// The 4-byte key ID (big-endian uint32).
    pub key_id: [u8; 4],
    /// The bytes after the key ID: the signature proper (for cosignatures, timestamp ‖ signature).
    pub payload: Vec<u8>,
}

impl NoteSignature {
    /// The signature line, newline included: `— <name> <base64(key ID ‖ payload)>\n`.
    #[must_use]
    pub fn line(&self) -> String {
        let mut bytes = Vec::with_capacity(4 + self.payload.len());
        bytes.extend_from_slice(&self.key_id);
        bytes.extend_from_slice(&self.payload);
        format!("{SIG_PREFIX}{} {}\n", self.name, BASE64.encode(&bytes))
    }
}

/// A signed note: its text and its signature lines, verified or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, final newline included, blank line excluded.
    pub text: String,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Parses a signed note without verifying any signature.
    ///
    /// The text is everything up to and including the newline before the last blank line.
    ///
    /// # Errors
    /// A note larger than [`MAX_NOTE_SIZE`], holding ASCII control characters other than
    /// newline, without a blank line, without signatures or final newline, with more than
    /// [`MAX_SIGNATURES`] signatures, or with a malformed signature line.
    pub fn parse(note: &str) -> Result<Self, NoteError> {
        check_size(note.len())?;
        check_no_controls(note)?;
        let split = note.rfind("\n\n").ok_or(NoteError::MissingBlankLine)?;
        let (text, sigs) = (&note[..=split], &note[split + 2..]);
        if sigs.is_empty() {
            return Err(NoteError::NoSignatures);
        }
        let Some(sigs) = sigs.strip_suffix('\n') else {
            return Err(NoteError::SignatureNotTerminated);
        };
        let mut signatures = Vec::new();
        for (i, line) in sigs.split('\n').enumerate() {
            let n = i + 1;
            if n > MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures(MAX_SIGNATURES));
            }
            signatures.push(parse_signature_line(line, n)?);
        }
        Ok(Self {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The note as text: the text, a blank line, then the signature lines.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + 100 * self.signatures.len());
        out.push_str(&self.text);
        out.push('\n');
        for signature in &self.signatures {
            out.push_str(&signature.line());
        }
        out
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

/// Signs a note text with an Ed25519 key (signature type 0x01).
///
/// # Errors
/// An invalid key name, or a text that is empty, does not end in a newline, holds ASCII
/// control characters other than newline, or exceeds [`MAX_NOTE_SIZE`].
pub fn sign(text: &str, name: &str, key: &SigningKey) -> Result<NoteSignature, NoteError> {
    check_name(name)?;
    check_text(text)?;
    let signature = key.sign(text.as_bytes());
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: ed25519_key_id(name, key.verifying_key().as_bytes()),
        payload: signature.to_bytes().to_vec(),
    })
}

/// Checks that the note carries a valid Ed25519 signature from the key `name`/`key`.
///
/// Signatures from other keys (another name or another key ID) are ignored. As the spec
/// recommends, the note is rejected if any signature line with this name and key ID
/// fails to verify, even when another one succeeds.
///
/// # Errors
/// [`NoteError::NoSignature`] when no line matches the key,
/// [`NoteError::InvalidSignature`] when a matching line does not verify.
pub fn verify(note: &Note, name: &str, key: &VerifyingKey) -> Result<(), NoteError> {
    let id = ed25519_key_id(name, key.as_bytes());
    let mut verified = false;
    for signature in matching(note, name, id) {
        let bytes = <[u8; ED25519_SIGNATURE_LEN]>::try_from(signature.payload.as_slice())
            .map_err(|_| invalid_signature(name, id))?;
        key.verify_strict(note.text.as_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| invalid_signature(name, id))?;
        verified = true;
    }
    if verified {
        Ok(())
    } else {
        Err(no_signature(name, id))
    }
}

/// The message a `cosignature/v1` signs: `cosignature/v1\ntime <timestamp>\n<checkpoint text>`.
#[must_use]
pub fn cosignature_message(checkpoint_text: &str, timestamp: u64) -> String {
    format!("{COSIGNATURE_HEADER}time {timestamp}\n{checkpoint_text}")
}

/// Cosigns a checkpoint text (`cosignature/v1`, signature type 0x04) at `timestamp`
/// (POSIX seconds).
///
/// # Errors
/// An invalid key name, a text that is not a valid checkpoint, or a timestamp above 2^63 - 1.
pub fn cosign(
    checkpoint_text: &str,
    name: &str,
    key: &SigningKey,
    timestamp: u64,
) -> Result<NoteSignature, NoteError> {
    check_name(name)?;
    Checkpoint::parse(checkpoint_text)?;
    check_timestamp(timestamp)?;
    let signature = key.sign(cosignature_message(checkpoint_text, timestamp).as_bytes());
    let mut payload = Vec::with_capacity(8 + ED25519_SIGNATURE_LEN);
    payload.extend_from_slice(&timestamp.to_be_bytes());
    payload.extend_from_slice(&signature.to_bytes());
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: cosignature_key_id(name, key.verifying_key().as_bytes()),
        payload,
    })
}

/// Checks that the note carries a valid `cosignature/v1` from the cosigner `name`/`key` and
/// returns its timestamp.
///
/// Signatures from other keys are ignored; any matching line that fails rejects the note.
/// With several valid matching lines, the timestamp of the first is returned.
///
/// # Errors
/// [`NoteError::NoSignature`] when no line matches the cosigner,
/// [`NoteError::InvalidSignature`] when a matching line is not 72 bytes, has a timestamp
/// above 2^63 - 1, or does not verify.
pub fn verify_cosignature(note: &Note, name: &str, key: &VerifyingKey) -> Result<u64, NoteError> {
    let id = cosignature_key_id(name, key.as_bytes());
    let mut first = None;
    for signature in matching(note, name, id) {
        let invalid = || invalid_signature(name, id);
        let (time, sig) = signature
            .payload
            .split_first_chunk::<8>()
            .ok_or_else(invalid)?;
        let sig = <[u8; ED25519_SIGNATURE_LEN]>::try_from(sig).map_err(|_| invalid())?;
        let timestamp = u64::from_be_bytes(*time);
        check_timestamp(timestamp).map_err(|_| invalid())?;
        key.verify_strict(
            cosignature_message(&note.text, timestamp).as_bytes(),
            &Signature::from_bytes(&sig),
        )
        .map_err(|_| invalid_signature(name, id))?;
        first.get_or_insert(timestamp);
    }
    first.ok_or_else(|| no_signature(name, id))
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
pub fn parse_vkey(vkey: &str) -> Result<(String, u8, [u8; 32]), NoteError> {
    let (name, rest) = vkey
        .split_once('+')
        .ok_or(NoteError::MalformedVkey("expected <name>+<key ID>+<key>"))?;
    let (hex, b64) = rest
        .split_once('+')
        .ok_or(NoteError::MalformedVkey("expected <name>+<key ID>+<key>"))?;
    check_name(name)?;
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
    check_key_id(key_id(name, alg, &public_key), found)?;
    Ok((name.to_owned(), alg, public_key))
}

/// Parses a Go `sumdb/note` private key
/// `PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ 32-byte seed)>`, checking the key ID.
///
/// # Errors
/// A malformed string or name, a signature type other than 0x01, or a key ID that does
/// not match the name and derived public key.
pub fn parse_skey(skey: &str) -> Result<(String, SigningKey), NoteError> {
    let rest = skey
        .strip_prefix(SKEY_PREFIX)
        .ok_or(NoteError::MalformedSkey("missing PRIVATE+KEY+ prefix"))?;
    let (name, rest) = rest
        .split_once('+')
        .ok_or(NoteError::MalformedSkey("expected <name>+<key ID>+<key>"))?;
    let (hex, b64) = rest
        .split_once('+')
        .ok_or(NoteError::MalformedSkey("expected <name>+<key ID>+<key>"))?;
    check_name(name)?;
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
    check_key_id(ed25519_key_id(name, key.verifying_key().as_bytes()), found)?;
    Ok((name.to_owned(), key))
}

fn parse_signature_line(line: &str, n: usize) -> Result<NoteSignature, NoteError> {
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or(NoteError::MissingDash(n))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(NoteError::MalformedSignatureLine(n))?;
    check_name(name)?;
    if b64.is_empty() {
        return Err(NoteError::MalformedSignatureLine(n));
    }
    let bytes = decode_base64(b64).ok_or(NoteError::InvalidBase64(n))?;
    if bytes.len() < 5 {
        return Err(NoteError::SignatureTooShort(n));
    }
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: [bytes[0], bytes[1], bytes[2], bytes[3]],
        payload: bytes[4..].to_vec(),
    })
}

fn matching<'a>(
    note: &'a Note,
    name: &'a str,
    id: [u8; 4],
) -> impl Iterator<Item = &'a NoteSignature> {
    note.signatures
        .iter()
        .filter(move |s| s.name == name && s.key_id == id)
}

fn no_signature(name: &str, id: [u8; 4]) -> NoteError {
    NoteError::NoSignature {
        name: name.to_owned(),
        key_id: HEXLOWER.encode(&id),
    }
}

fn invalid_signature(name: &str, id: [u8; 4]) -> NoteError {
    NoteError::InvalidSignature {
        name: name.to_owned(),
        key_id: HEXLOWER.encode(&id),
    }
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

/// Standard padded base64, in its one canonical form. `BASE64.decode` alone also accepts
/// concatenated padded blocks (`AA==AA==`), a second spelling of the same bytes.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    BASE64
        .decode(s.as_bytes())
        .ok()
        .filter(|bytes| BASE64.encode(bytes) == s)
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

/// ASCII decimal without sign or leading zeroes (except `0` itself), within `u64`.
fn parse_decimal(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}

fn check_name(name: &str) -> Result<(), NoteError> {
    let valid = !name.is_empty()
        && !name
            .chars()
            .any(|c| c == '+' || c.is_whitespace() || c < ' ');
    if valid {
        Ok(())
    } else {
        Err(NoteError::InvalidKeyName(name.to_owned()))
    }
}

fn check_size(size: usize) -> Result<(), NoteError> {
    if size > MAX_NOTE_SIZE {
        Err(NoteError::TooLarge {
            size,
            max: MAX_NOTE_SIZE,
        })
    } else {
        Ok(())
    }
}

fn check_no_controls(s: &str) -> Result<(), NoteError> {
    if s.bytes().any(|b| b < 0x20 && b != b'\n') {
        Err(NoteError::ControlCharacter)
    } else {
        Ok(())
    }
}

/// A note text: within the size limit, no control characters but newline, ending in `\n`.
fn check_text(text: &str) -> Result<(), NoteError> {
    check_size(text.len())?;
    check_no_controls(text)?;
    if text.ends_with('\n') {
        Ok(())
    } else {
        Err(NoteError::TextNotTerminated)
    }
}

fn check_timestamp(timestamp: u64) -> Result<(), NoteError> {
    if timestamp > i64::MAX as u64 {
        Err(NoteError::TimestampOutOfRange(timestamp))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    const VECTORS: &str = include_str!("../../tests/vectors/c2sp-signed-note.json");

    fn vectors() -> Value {
        serde_json::from_str(VECTORS).unwrap()
    }

    fn field<'a>(v: &'a Value, case: &str, name: &str) -> &'a str {
        v[case][name].as_str().unwrap()
    }

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            origin: "example.com/log".to_owned(),
            size: 20_852_163,
            root: [7; 32],
            extensions: vec![],
        }
    }

    #[test]
    fn spec_vector_verifies() {
        let v = vectors();
        let (name, alg, public) = parse_vkey(field(&v, "verify", "vkey")).unwrap();
        assert_eq!((name.as_str(), alg), ("example.com/foo", ALG_ED25519));
        let text = field(&v, "verify", "note");
        let note = Note::parse(text).unwrap();
        assert_eq!(note.text, "This is an example message.\n");
        assert_eq!(note.signatures.len(), 1);
        assert_eq!(note.render(), text);
        let key = VerifyingKey::from_bytes(&public).unwrap();
        verify(&note, &name, &key).unwrap();
        assert_eq!(
            format_vkey(&name, alg, &public),
            field(&v, "verify", "vkey")
        );
        assert_eq!(
            HEXLOWER.encode(&ed25519_key_id(&name, &public)),
            crate::crypto::keys::key_id(&name, &public)
        );
    }

    #[test]
    fn go_vector_signature_is_reproduced() {
        let v = vectors();
        let (name, key) = parse_skey(field(&v, "sign", "skey")).unwrap();
        assert_eq!(name, "PeterNeumann");
        let text = field(&v, "sign", "text");
        let signature = sign(text, &name, &key).unwrap();
        assert_eq!(HEXLOWER.encode(&signature.key_id), "c74f20a3");
        assert_eq!(signature.line(), field(&v, "sign", "signature_line"));
        let note = Note {
            text: text.to_owned(),
            signatures: vec![signature],
        };
        assert_eq!(Note::parse(&note.render()).unwrap(), note);
        verify(&note, &name, &key.verifying_key()).unwrap();
    }

    #[test]
    fn changed_text_fails() {
        let v = vectors();
        let (name, _, public) = parse_vkey(field(&v, "verify", "vkey")).unwrap();
        let key = VerifyingKey::from_bytes(&public).unwrap();
        let good = Note::parse(field(&v, "verify", "note")).unwrap();
        for i in 0..good.text.len() - 1 {
            let mut bytes = good.text.clone().into_bytes();
            bytes[i] ^= 0x01;
            let mut note = good.clone();
            note.text = String::from_utf8(bytes).unwrap();
            assert!(matches!(
                verify(&note, &name, &key),
                Err(NoteError::InvalidSignature { .. })
            ));
        }
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let text = "hello\n";
        let (me, other) = (key(1), key(2));
        let mine = sign(text, "example.com/me", &me).unwrap();
        let same_name_other_key = sign(text, "example.com/me", &other).unwrap();
        let other_name = sign(text, "example.com/other", &other).unwrap();
        let note = Note {
            text: text.to_owned(),
            signatures: vec![same_name_other_key.clone(), other_name.clone(), mine],
        };
        let note = Note::parse(&note.render()).unwrap();
        verify(&note, "example.com/me", &me.verifying_key()).unwrap();
        verify(&note, "example.com/other", &other.verifying_key()).unwrap();

        let only_unknown = Note {
            text: text.to_owned(),
            signatures: vec![same_name_other_key, other_name],
        };
        assert_eq!(
            verify(&only_unknown, "example.com/me", &me.verifying_key()),
            Err(NoteError::NoSignature {
                name: "example.com/me".to_owned(),
                key_id: HEXLOWER.encode(&ed25519_key_id(
                    "example.com/me",
                    me.verifying_key().as_bytes()
                )),
            })
        );
        // A wrong name with the right key is an unknown key too.
        assert!(matches!(
            verify(&only_unknown, "example.com/you", &me.verifying_key()),
            Err(NoteError::NoSignature { .. })
        ));
    }

    #[test]
    fn a_bad_signature_from_a_known_key_rejects_the_note() {
        let text = "hello\n";
        let me = key(1);
        let good = sign(text, "me", &me).unwrap();
        let mut bad = good.clone();
        bad.payload[10] ^= 1;
        let mut short = good.clone();
        short.payload.truncate(63);
        for bad in [bad, short] {
            let note = Note {
                text: text.to_owned(),
                signatures: vec![good.clone(), bad],
            };
            assert!(matches!(
                verify(&note, "me", &me.verifying_key()),
                Err(NoteError::InvalidSignature { .. })
            ));
        }
    }

    #[test]
    fn malformed_notes_are_errors() {
        let good = "text\n\n\u{2014} name AAAAAAE=\n";
        assert!(Note::parse(good).is_ok());
        let cases: &[(&str, NoteError)] = &[
            (
                "text\n\u{2014} name AAAAAAE=\n",
                NoteError::MissingBlankLine,
            ),
            (
                "text\n\n\u{2014} name AAAAAAE=",
                NoteError::SignatureNotTerminated,
            ),
            ("text\n\n", NoteError::NoSignatures),
            (
                "text\n\n\u{2014} name AAAA*AE=\n",
                NoteError::InvalidBase64(1),
            ),
            (
                "text\n\n\u{2014} name AAAAAAE\n",
                NoteError::InvalidBase64(1),
            ),
            (
                "text\n\n\u{2014} name AAAAAA==\n",
                NoteError::SignatureTooShort(1),
            ),
            ("text\n\n- name AAAAAAE=\n", NoteError::MissingDash(1)),
            (
                "text\n\n\u{2013} name AAAAAAE=\n",
                NoteError::MissingDash(1),
            ),
            ("text\n\n\u{2014}name AAAAAAE=\n", NoteError::MissingDash(1)),
            (
                "text\n\n\u{2014} name\n",
                NoteError::MalformedSignatureLine(1),
            ),
            (
                "text\n\n\u{2014} name \n",
                NoteError::MalformedSignatureLine(1),
            ),
            (
                "text\n\n\u{2014}  AAAAAAE=\n",
                NoteError::InvalidKeyName(String::new()),
            ),
            (
                "text\n\n\u{2014} a+b AAAAAAE=\n",
                NoteError::InvalidKeyName("a+b".to_owned()),
            ),
            (
                "text\n\n\u{2014} name AAAAAAE=\n\u{2014} name AAAAAAE= extra\n",
                NoteError::InvalidBase64(2),
            ),
            (
                "te\txt\n\n\u{2014} name AAAAAAE=\n",
                NoteError::ControlCharacter,
            ),
            (
                "text\r\n\n\u{2014} name AAAAAAE=\n",
                NoteError::ControlCharacter,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(Note::parse(input).as_ref(), Err(expected), "{input:?}");
        }
        let many = format!(
            "text\n\n{}",
            "\u{2014} name AAAAAAE=\n".repeat(MAX_SIGNATURES)
        );
        assert_eq!(Note::parse(&many).unwrap().signatures.len(), MAX_SIGNATURES);
        let too_many = format!("{many}\u{2014} name AAAAAAE=\n");
        assert_eq!(
            Note::parse(&too_many),
            Err(NoteError::TooManySignatures(MAX_SIGNATURES))
        );
        let huge = format!("{}\n\n\u{2014} name AAAAAAE=\n", "a".repeat(MAX_NOTE_SIZE));
        assert!(matches!(
            Note::parse(&huge),
            Err(NoteError::TooLarge { .. })
        ));
    }

    #[test]
    fn text_may_contain_blank_lines() {
        let me = key(3);
        let text = "a\n\nb\n\n";
        let note = Note {
            text: text.to_owned(),
            signatures: vec![sign(text, "me", &me).unwrap()],
        };
        let parsed = Note::parse(&note.render()).unwrap();
        assert_eq!(parsed, note);
        verify(&parsed, "me", &me.verifying_key()).unwrap();
    }

    #[test]
    fn sign_rejects_bad_input() {
        let me = key(1);
        assert_eq!(
            sign("no newline", "me", &me),
            Err(NoteError::TextNotTerminated)
        );
        assert_eq!(sign("", "me", &me), Err(NoteError::TextNotTerminated));
        assert_eq!(sign("a\tb\n", "me", &me), Err(NoteError::ControlCharacter));
        for name in ["", "a b", "a+b", "a\u{a0}b", "a\u{1}b"] {
            assert_eq!(
                sign("ok\n", name, &me),
                Err(NoteError::InvalidKeyName(name.to_owned()))
            );
        }
    }

    #[test]
    fn checkpoint_round_trip() {
        let mut cp = checkpoint();
        let body = cp.body();
        assert_eq!(
            body,
            format!("example.com/log\n20852163\n{}\n", BASE64.encode(&[7; 32]))
        );
        assert_eq!(Checkpoint::parse(&body).unwrap(), cp);
        cp.extensions = vec!["ext one".to_owned(), "— two".to_owned()];
        assert_eq!(Checkpoint::parse(&cp.body()).unwrap(), cp);
        for size in [0, 1, u64::MAX] {
            cp.size = size;
            assert_eq!(Checkpoint::parse(&cp.body()).unwrap(), cp);
        }

        // The C2SP example checkpoint.
        let example =
            "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        let parsed = Checkpoint::parse(example).unwrap();
        assert_eq!(parsed.origin, "example.com/behind-the-sofa");
        assert_eq!(parsed.size, 20_852_163);
        assert_eq!(parsed.body(), example);
    }

    #[test]
    fn checkpoint_rejects_bad_input() {
        let root = BASE64.encode(&[7; 32]);
        let body = |origin: &str, size: &str, root: &str| format!("{origin}\n{size}\n{root}\n");
        assert_eq!(
            Checkpoint::parse(&body("o", "", &root)),
            Err(NoteError::EmptyLine(2))
        );
        for size in [
            "01",
            "00",
            "-1",
            "+1",
            " 1",
            "1 ",
            "1.0",
            "0x10",
            "18446744073709551616",
            "١",
        ] {
            assert_eq!(
                Checkpoint::parse(&body("o", size, &root)),
                Err(NoteError::InvalidTreeSize(size.to_owned())),
                "{size:?}"
            );
        }
        let short = BASE64.encode(&[7; 31]);
        let long = BASE64.encode(&[7; 33]);
        let url = data_encoding::BASE64URL.encode(&[0xff; 32]);
        let unpadded = root.trim_end_matches('=').to_owned();
        for bad in [&short, &long, &url, &unpadded, &"not base64!".to_owned()] {
            assert_eq!(
                Checkpoint::parse(&body("o", "1", bad)),
                Err(NoteError::InvalidRootHash(bad.clone()))
            );
        }
        assert_eq!(
            Checkpoint::parse(&body("", "1", &root)),
            Err(NoteError::EmptyOrigin)
        );
        assert_eq!(
            Checkpoint::parse(&format!("o\n1\n{root}\next\n\nmore\n")),
            Err(NoteError::EmptyLine(5))
        );
        assert_eq!(
            Checkpoint::parse(&format!("o\n1\n{root}")),
            Err(NoteError::TextNotTerminated)
        );
        assert_eq!(
            Checkpoint::parse("o\n1\n"),
            Err(NoteError::CheckpointTooShort)
        );
        assert_eq!(Checkpoint::parse(""), Err(NoteError::TextNotTerminated));
    }

    #[test]
    fn signed_checkpoint_round_trip() {
        let log = key(4);
        let cp = checkpoint();
        let signature = sign(&cp.body(), &cp.origin, &log).unwrap();
        let rendered = Note {
            text: cp.body(),
            signatures: vec![signature],
        }
        .render();
        let note = Note::parse(&rendered).unwrap();
        verify(&note, "example.com/log", &log.verifying_key()).unwrap();
        assert_eq!(Checkpoint::parse(&note.text).unwrap(), cp);
    }

    #[test]
    fn cosignature_round_trip() {
        let (log, witness) = (key(4), key(5));
        let cp = checkpoint();
        let text = cp.body();
        let note = Note {
            text: text.clone(),
            signatures: vec![
                sign(&text, &cp.origin, &log).unwrap(),
                cosign(&text, "witness.example/w1", &witness, 1_679_315_147).unwrap(),
            ],
        };
        let cosig = &note.signatures[1];
        assert_eq!(cosig.payload.len(), 72);
        assert_eq!(cosig.payload[..8], 1_679_315_147u64.to_be_bytes());
        assert_eq!(
            cosig.key_id,
            cosignature_key_id("witness.example/w1", witness.verifying_key().as_bytes())
        );
        let note = Note::parse(&note.render()).unwrap();
        assert_eq!(
            verify_cosignature(&note, "witness.example/w1", &witness.verifying_key()),
            Ok(1_679_315_147)
        );
        verify(&note, &cp.origin, &log.verifying_key()).unwrap();
        // Domain separation: the cosignature is not a plain note signature and vice versa.
        assert!(matches!(
            verify(&note, "witness.example/w1", &witness.verifying_key()),
            Err(NoteError::NoSignature { .. })
        ));
        assert!(matches!(
            verify_cosignature(&note, &cp.origin, &log.verifying_key()),
            Err(NoteError::NoSignature { .. })
        ));

        // The message is exactly what the spec shows.
        assert_eq!(
            cosignature_message(&text, 1_679_315_147),
            format!("cosignature/v1\ntime 1679315147\n{text}")
        );
        let vk = format_vkey(
            "witness.example/w1",
            ALG_COSIGNATURE_V1,
            witness.verifying_key().as_bytes(),
        );
        assert_eq!(
            parse_vkey(&vk).unwrap(),
            (
                "witness.example/w1".to_owned(),
                ALG_COSIGNATURE_V1,
                witness.verifying_key().to_bytes()
            )
        );
    }

    #[test]
    fn cosignature_fails_on_other_checkpoint_or_timestamp() {
        let witness = key(5);
        let cp = checkpoint();
        let cosig = cosign(&cp.body(), "w", &witness, 1000).unwrap();

        let mut other = cp.clone();
        other.size += 1;
        let moved = Note {
            text: other.body(),
            signatures: vec![cosig.clone()],
        };
        assert!(matches!(
            verify_cosignature(&moved, "w", &witness.verifying_key()),
            Err(NoteError::InvalidSignature { .. })
        ));

        let mut retimed = cosig.clone();
        retimed.payload[..8].copy_from_slice(&1001u64.to_be_bytes());
        let note = Note {
            text: cp.body(),
            signatures: vec![retimed],
        };
        assert!(matches!(
            verify_cosignature(&note, "w", &witness.verifying_key()),
            Err(NoteError::InvalidSignature { .. })
        ));

        let mut huge = cosig.clone();
        huge.payload[..8].copy_from_slice(&u64::MAX.to_be_bytes());
        let note = Note {
            text: cp.body(),
            signatures: vec![huge],
        };
        assert!(matches!(
            verify_cosignature(&note, "w", &witness.verifying_key()),
            Err(NoteError::InvalidSignature { .. })
        ));

        assert_eq!(
            cosign(&cp.body(), "w", &witness, 1 << 63),
            Err(NoteError::TimestampOutOfRange(1 << 63))
        );
        assert_eq!(
            cosign("not\na checkpoint\nroot\n", "w", &witness, 1).unwrap_err(),
            NoteError::InvalidTreeSize("a checkpoint".to_owned())
        );
    }

    #[test]
    fn concatenated_padded_base64_is_refused() {
        // Two padded blocks (`Bw==` + ...) decode to the right bytes but are not their one
        // standard encoding: `BASE64.decode` alone accepts them.
        let split = |bytes: &[u8]| {
            format!(
                "{}{}",
                BASE64.encode(&bytes[..1]),
                BASE64.encode(&bytes[1..])
            )
        };
        let root = split(&[7; 32]);
        assert_eq!(BASE64.decode(root.as_bytes()).unwrap(), [7; 32]);
        assert_eq!(
            Checkpoint::parse(&format!("o\n1\n{root}\n")),
            Err(NoteError::InvalidRootHash(root.clone()))
        );
        let sig = sign("t\n", "me", &key(1)).unwrap();
        let bytes = [sig.key_id.as_slice(), &sig.payload].concat();
        let note = format!("t\n\n\u{2014} me {}\n", split(&bytes));
        assert_eq!(Note::parse(&note), Err(NoteError::InvalidBase64(1)));
        let public = key(1).verifying_key().to_bytes();
        let material = [&[ALG_ED25519][..], &public].concat();
        let id = HEXLOWER.encode(&ed25519_key_id("me", &public));
        assert_eq!(
            parse_vkey(&format!("me+{id}+{}", split(&material))),
            Err(NoteError::MalformedVkey("key is not valid standard base64"))
        );
    }

    #[test]
    fn vkey_errors() {
        let public = key(6).verifying_key().to_bytes();
        let good = format_vkey("me", ALG_ED25519, &public);
        assert_eq!(parse_vkey(&good).unwrap(), ("me".to_owned(), 1, public));
        let upper = {
            let (name, rest) = good.split_once('+').unwrap();
            let (hex, key) = rest.split_once('+').unwrap();
            format!("{name}+{}+{key}", hex.to_uppercase())
        };
        assert!(parse_vkey(&upper).is_ok());

        let renamed = good.replacen("me+", "you+", 1);
        assert!(matches!(
            parse_vkey(&renamed),
            Err(NoteError::KeyIdMismatch { .. })
        ));
        let mut other_alg = vec![0x02];
        other_alg.extend_from_slice(&public);
        let hex = HEXLOWER.encode(&key_id("me", 0x02, &public));
        assert_eq!(
            parse_vkey(&format!("me+{hex}+{}", BASE64.encode(&other_alg))),
            Err(NoteError::UnsupportedAlgorithm(0x02))
        );
        for bad in [
            "",
            "me",
            "me+0102",
            "me+010203+AQ==",
            "me+0102030g+AQ==",
            "me+01020304+!!",
        ] {
            assert!(
                matches!(parse_vkey(bad), Err(NoteError::MalformedVkey(_))),
                "{bad:?}"
            );
        }
        assert!(matches!(
            parse_vkey(&format!("+{}", &good[3..])),
            Err(NoteError::InvalidKeyName(_))
        ));
        assert!(matches!(
            parse_skey(
                "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
            ),
            Err(NoteError::KeyIdMismatch { .. })
        ));
        assert!(matches!(
            parse_skey("PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"),
            Err(NoteError::MalformedSkey(_))
        ));
    }

    /// Well-formed notes: text lines, a blank line, signature lines of at least 5 bytes.
    fn well_formed_note() -> impl Strategy<Value = String> {
        (
            prop::collection::vec("[a-zA-Z0-9 /+=\u{2014}\u{e9}]{0,20}", 1..4),
            prop::collection::vec(
                (
                    "[a-z./\u{e9}]{1,12}",
                    prop::collection::vec(any::<u8>(), 5..80),
                ),
                1..4,
            ),
        )
            .prop_map(|(lines, signatures)| {
                let mut note = String::new();
                for line in lines {
                    note.push_str(&line);
                    note.push('\n');
                }
                note.push('\n');
                for (name, bytes) in signatures {
                    let line = NoteSignature {
                        name,
                        key_id: [bytes[0], bytes[1], bytes[2], bytes[3]],
                        payload: bytes[4..].to_vec(),
                    };
                    note.push_str(&line.line());
                }
                note
            })
    }

    proptest! {
        #[test]
        fn well_formed_notes_round_trip(note in well_formed_note()) {
            let parsed = Note::parse(&note).unwrap();
            prop_assert_eq!(parsed.render(), note.as_str());
        }

        #[test]
        fn mutated_notes_never_panic(
            note in well_formed_note(),
            position in any::<prop::sample::Index>(),
            ch in any::<char>(),
            delete in any::<bool>(),
        ) {
            let mut chars: Vec<char> = note.chars().collect();
            let i = position.index(chars.len() + 1);
            if delete && i < chars.len() {
                chars.remove(i);
            } else {
                chars.insert(i, ch);
            }
            let mutated: String = chars.into_iter().collect();
            if let Ok(parsed) = Note::parse(&mutated) {
                prop_assert_eq!(parsed.render(), mutated.as_str());
            }
        }

        #[test]
        fn parse_never_panics(s in any::<String>()) {
            let _ = Note::parse(&s);
            let _ = Checkpoint::parse(&s);
        }

        #[test]
        fn parse_never_panics_near_valid_notes(
            s in "([a-z +/=\u{2014}\u{2013}]|\n|\t|A|AAAA|\u{2014} |\n\n){0,60}"
        ) {
            if let Ok(note) = Note::parse(&s) {
                // Whatever parses renders back to the very same bytes.
                prop_assert_eq!(note.render(), s.as_str());
            }
            let _ = Checkpoint::parse(&s);
        }
    }
}
