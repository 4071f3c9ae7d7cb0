//! The offline check of a bundle's inclusion proof against the signed checkpoint it carries.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::VerifyingKey;

use super::{Bundle, KeysDocument};
use crate::crypto::jcs;

/// Checks a bundle's inclusion proof offline: the checkpoint is signed by a usable key of
/// the document, names the issuer's log, and its root covers the entry's leaf.
/// Returns the verified checkpoint note.
///
/// # Errors
/// A reason in words when anything does not hold.
pub fn check_inclusion(
    bundle: &Bundle,
    keys: &KeysDocument,
) -> Result<crate::log::note::Note, String> {
    use crate::log::{merkle, note};
    let inc = bundle
        .inclusion
        .as_ref()
        .ok_or("the bundle carries no inclusion proof")?;
    let parsed = note::Note::parse(&inc.checkpoint).map_err(|e| format!("checkpoint: {e}"))?;
    let signed = keys
        .keys
        .iter()
        .filter(|k| k.status != "withdrawn")
        .any(|k| {
            BASE64URL_NOPAD
                .decode(k.public_key.as_bytes())
                .ok()
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .and_then(|pk| VerifyingKey::from_bytes(&pk).ok())
                .is_some_and(|vk| note::verify(&parsed, &keys.issuer, &vk).is_ok())
        });
    if !signed {
        return Err("the checkpoint is not signed by a valid key of the issuer".into());
    }
    let cp = note::Checkpoint::parse(&parsed.text).map_err(|e| format!("checkpoint: {e}"))?;
    if cp.origin != keys.issuer {
        return Err(format!(
            "the checkpoint is for log {:?}, not {:?}",
            cp.origin, keys.issuer
        ));
    }
    if cp.size != inc.tree_size {
        return Err("the proof's tree size differs from the checkpoint's".into());
    }
    if bundle.certificate["seq"].as_u64() != Some(inc.index) {
        return Err("the proof is for another log index than the certificate's seq".into());
    }
    let proof: Vec<merkle::Hash> = inc
        .proof
        .iter()
        .map(|h| {
            data_encoding::HEXLOWER_PERMISSIVE
                .decode(h.as_bytes())
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| format!("proof hash {h:?} is not 32 bytes of hex"))
        })
        .collect::<Result<_, _>>()?;
    let bytes = jcs::canonical(&bundle.certificate).map_err(|e| e.to_string())?;
    merkle::verify_inclusion(
        inc.index,
        inc.tree_size,
        &merkle::leaf_hash(&bytes),
        &proof,
        &cp.root,
    )
    .map_err(|e| format!("inclusion proof does not verify: {e}"))?;
    Ok(parsed)
}
