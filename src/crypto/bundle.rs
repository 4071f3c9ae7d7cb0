//! The certificate bundle and the keys document, and the offline check that ties them:
//! hash of the JCS bytes, key ID, key validity and Ed25519 signature.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::jcs;
use super::keys::key_id;

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
    pub tree_size: u64,
    /// Hex hashes, leaf to root.
    pub proof: Vec<String>,
    /// The C2SP signed note of the checkpoint (with any witness cosignatures).
    pub checkpoint: String,
}

/// The issuer's public keys, as served at `/.well-known/origine-keys.json`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct KeysDocument {
    pub issuer: String,
    pub keys: Vec<PublicKeyEntry>,
}

/// One public key and its validity.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PublicKeyEntry {
    pub kid: String,
    pub alg: String,
    /// The 32-byte Ed25519 public key, base64url without padding.
    pub public_key: String,
    pub not_before: String,
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
