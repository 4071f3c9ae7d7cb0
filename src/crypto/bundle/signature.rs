//! The offline check of a bundle's signature: JCS hash, key ID, key validity at signing
//! time, and Ed25519 verification, split so the audit can verify signatures in a batch.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signature, VerifyingKey};

use super::{Bundle, BundleCheck, KeysDocument};
use crate::crypto::jcs;
use crate::crypto::keys::key_id;

/// Everything about a bundle except the signature arithmetic, so that many signatures can
/// be verified in one batch (the audit) or one by one ([`check_bundle`]).
#[derive(Debug)]
pub struct Prepared {
    /// The JCS bytes the signature must cover.
    pub bytes: Vec<u8>,
    /// `hash` equals SHA-256 of `bytes`.
    pub hash: bool,
    /// Problems found so far.
    pub reasons: Vec<String>,
    /// The signature and the key it must verify under, when both are usable.
    pub signed: Option<(Signature, VerifyingKey)>,
}

/// Canonicalises, hashes and finds the usable key for `bundle`.
pub fn prepare(bundle: &Bundle, keys: &KeysDocument) -> Prepared {
    let mut reasons = Vec::new();
    let bytes = match jcs::canonical(&bundle.certificate) {
        Ok(b) => b,
        Err(e) => {
            return Prepared {
                bytes: Vec::new(),
                hash: false,
                reasons: vec![format!("certificate cannot be canonicalised: {e}")],
                signed: None,
            };
        }
    };
    let hash = jcs::sha256_hex(&bytes) == bundle.hash.to_ascii_lowercase();
    if !hash {
        reasons.push("hash does not match the certificate's JCS bytes".to_owned());
    }
    let body_kid = bundle.certificate["issuer"]["kid"].as_str();
    if body_kid.is_some_and(|k| k != bundle.kid) {
        reasons.push(format!(
            "certificate names key {} but the bundle is signed with {}",
            body_kid.unwrap_or_default(),
            bundle.kid
        ));
    }
    let signed = match usable_key(bundle, keys) {
        Ok(key) => {
            let sig = BASE64URL_NOPAD
                .decode(bundle.signature.as_bytes())
                .ok()
                .and_then(|b| Signature::from_slice(&b).ok());
            if sig.is_none() {
                reasons.push("signature is not 64 bytes of base64url".into());
            }
            sig.map(|sig| (sig, key))
        }
        Err(reason) => {
            reasons.push(reason);
            None
        }
    };
    Prepared {
        bytes,
        hash,
        reasons,
        signed,
    }
}

/// The message every bundle signature must fail with when it does not verify.
pub const BAD_SIGNATURE: &str = "signature does not verify over the certificate's JCS bytes";

/// Checks `bundle` against the keys in `keys`, offline.
pub fn check_bundle(bundle: &Bundle, keys: &KeysDocument) -> BundleCheck {
    let Prepared {
        bytes,
        hash,
        mut reasons,
        signed,
    } = prepare(bundle, keys);
    let signature = signed.is_some_and(|(sig, key)| key.verify_strict(&bytes, &sig).is_ok());
    if signed.is_some() && !signature {
        reasons.push(BAD_SIGNATURE.into());
    }
    BundleCheck {
        hash,
        signature,
        reasons,
    }
}

/// Finds the key for the bundle's kid and checks it may vouch for this entry.
fn usable_key(bundle: &Bundle, keys: &KeysDocument) -> Result<VerifyingKey, String> {
    let entry = keys
        .keys
        .iter()
        .find(|k| k.kid == bundle.kid)
        .ok_or_else(|| format!("key {} is not in the issuer's keys document", bundle.kid))?;
    if entry.alg != "Ed25519" {
        return Err(format!(
            "key {} has unsupported alg {}",
            entry.kid, entry.alg
        ));
    }
    let public: [u8; 32] = BASE64URL_NOPAD
        .decode(entry.public_key.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("key {} is not a 32-byte base64url public key", entry.kid))?;
    if key_id(&keys.issuer, &public) != entry.kid {
        return Err(format!(
            "key {} does not match its public key and issuer {:?}",
            entry.kid, keys.issuer
        ));
    }
    if entry.status == "withdrawn" {
        return Err(format!(
            "key {} has been withdrawn: nothing it signed can be trusted",
            entry.kid
        ));
    }
    // Certificates carry `issued_at`, status entries `effective_at`; RFC 3339 UTC strings
    // with the same shape compare correctly as text.
    let signed_at = bundle.certificate["issued_at"]
        .as_str()
        .or_else(|| bundle.certificate["effective_at"].as_str());
    if let Some(at) = signed_at {
        if at < entry.not_before.as_str() {
            return Err(format!(
                "signed at {at}, before key {} was valid",
                entry.kid
            ));
        }
        if entry.not_after.as_deref().is_some_and(|end| at > end) {
            return Err(format!(
                "signed at {at}, after key {} was retired",
                entry.kid
            ));
        }
    }
    VerifyingKey::from_bytes(&public)
        .map_err(|_| format!("key {} is not a valid Ed25519 point", entry.kid))
}
