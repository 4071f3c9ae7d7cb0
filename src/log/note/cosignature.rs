//! C2SP tlog-cosignature/v1: timestamped Ed25519 cosignatures of a checkpoint by a witness.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::checkpoint::Checkpoint;
use super::keys::{KeyName, cosignature_key_id};
use super::signed::{NoteSignature, invalid_signature, matching, no_signature};
use super::{ED25519_SIGNATURE_LEN, Note, NoteError};

/// Header line of the message a `cosignature/v1` signs.
const COSIGNATURE_HEADER: &str = "cosignature/v1\n";

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
    let name = KeyName::parse(name)?;
    Checkpoint::parse(checkpoint_text)?;
    check_timestamp(timestamp)?;
    let signature = key.sign(cosignature_message(checkpoint_text, timestamp).as_bytes());
    let mut payload = Vec::with_capacity(8 + ED25519_SIGNATURE_LEN);
    payload.extend_from_slice(&timestamp.to_be_bytes());
    payload.extend_from_slice(&signature.to_bytes());
    Ok(NoteSignature {
        key_id: cosignature_key_id(&name, key.verifying_key().as_bytes()),
        name,
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

fn check_timestamp(timestamp: u64) -> Result<(), NoteError> {
    if timestamp > i64::MAX as u64 {
        Err(NoteError::TimestampOutOfRange(timestamp))
    } else {
        Ok(())
    }
}
