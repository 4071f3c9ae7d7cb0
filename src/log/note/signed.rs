//! C2SP signed notes: parsing and rendering a note, signing its text and verifying a
//! signature line against a known key.

use data_encoding::{BASE64, HEXLOWER};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::keys::{KeyName, ed25519_key_id};
use super::{ED25519_SIGNATURE_LEN, MAX_NOTE_SIZE, MAX_SIGNATURES, NoteError, decode_base64};

/// Prefix of every signature line: U+2014 EM DASH and a space.
const SIG_PREFIX: &str = "\u{2014} ";

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    /// Key name.
    pub name: KeyName,
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

/// Signs a note text with an Ed25519 key (signature type 0x01).
///
/// # Errors
/// An invalid key name, or a text that is empty, does not end in a newline, holds ASCII
/// control characters other than newline, or exceeds [`MAX_NOTE_SIZE`].
pub fn sign(text: &str, name: &str, key: &SigningKey) -> Result<NoteSignature, NoteError> {
    let name = KeyName::parse(name)?;
    check_text(text)?;
    let signature = key.sign(text.as_bytes());
    Ok(NoteSignature {
        key_id: ed25519_key_id(&name, key.verifying_key().as_bytes()),
        name,
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

/// Parses signature line number `n` (1-based): `— <key name> <base64(key ID ‖ payload)>`.
fn parse_signature_line(line: &str, n: usize) -> Result<NoteSignature, NoteError> {
    let rest = line
        .strip_prefix(SIG_PREFIX)
        .ok_or(NoteError::MissingDash(n))?;
    let (name, b64) = rest
        .split_once(' ')
        .ok_or(NoteError::MalformedSignatureLine(n))?;
    let name = KeyName::parse(name)?;
    if b64.is_empty() {
        return Err(NoteError::MalformedSignatureLine(n));
    }
    let bytes = decode_base64(b64).ok_or(NoteError::InvalidBase64(n))?;
    if bytes.len() < 5 {
        return Err(NoteError::SignatureTooShort(n));
    }
    Ok(NoteSignature {
        name,
        key_id: [bytes[0], bytes[1], bytes[2], bytes[3]],
        payload: bytes[4..].to_vec(),
    })
}

/// The signature lines whose key name and key ID are those of the key being checked.
pub(super) fn matching<'a>(
    note: &'a Note,
    name: &'a str,
    id: [u8; 4],
) -> impl Iterator<Item = &'a NoteSignature> {
    note.signatures
        .iter()
        .filter(move |s| s.name.as_str() == name && s.key_id == id)
}

pub(super) fn no_signature(name: &str, id: [u8; 4]) -> NoteError {
    NoteError::NoSignature {
        name: name.to_owned(),
        key_id: HEXLOWER.encode(&id),
    }
}

pub(super) fn invalid_signature(name: &str, id: [u8; 4]) -> NoteError {
    NoteError::InvalidSignature {
        name: name.to_owned(),
        key_id: HEXLOWER.encode(&id),
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
pub(super) fn check_text(text: &str) -> Result<(), NoteError> {
    check_size(text.len())?;
    check_no_controls(text)?;
    if text.ends_with('\n') {
        Ok(())
    } else {
        Err(NoteError::TextNotTerminated)
    }
}
