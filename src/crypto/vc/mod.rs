//! W3C Verifiable Credentials with eddsa-jcs-2022 Data Integrity proofs.
//!
//! Implements the `eddsa-jcs-2022` cryptosuite of the W3C Recommendation "Data Integrity
//! `EdDSA` Cryptosuites v1.0" with Ed25519 verification methods (`did:key`, or `did:web`
//! resolved from a DID document the caller has):
//!
//! * proof configuration: the proof options (the proof without `proofValue`), with the
//!   document's `@context` copied in when the document has one;
//! * hash data: `SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof))`;
//! * proof value: multibase base58btc (`z…`) of the Ed25519 signature over the hash data.
//!
//! Pure code: no network; a `did:web` document is fetched by the caller.
//!
//! `did_key` holds the key encodings (Multikey, `did:key`), `did_web` the issuer's DID and
//! its document, `status_list` W3C Bitstring Status Lists, `jose` the VC-JOSE envelope;
//! this module the proofs.

mod did_key;
pub mod did_web;
pub mod jose;
pub mod status_list;

#[cfg(test)]
mod tests;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub use did_key::{
    did_key, public_key_from_did_key, public_key_from_multibase, public_key_multibase,
    signing_key_from_multibase, verification_method,
};

/// The only proof type produced and accepted.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The only cryptosuite produced and accepted.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The only proof purpose accepted by [`verify_proof`].
pub const PROOF_PURPOSE: &str = "assertionMethod";

/// Why a proof could not be created or verified.
#[derive(Debug, thiserror::Error)]
pub enum VcError {
    /// The named value is not a JSON object.
    #[error("{0} is not a JSON object")]
    NotAnObject(&'static str),
    /// [`add_proof`] was given a document that already has a proof.
    #[error("the document already has a proof")]
    AlreadySecured,
    /// [`verify_proof`] was given a document without a proof.
    #[error("the document has no proof")]
    MissingProof,
    /// The proof is an array (a proof set), which is not supported.
    #[error("proof sets (an array of proofs) are not supported")]
    ProofSet,
    /// A required proof field is absent or not a string.
    #[error("the proof has no string {0:?}")]
    MissingField(&'static str),
    /// A proof field has a value other than the one required.
    #[error("proof {field} is {found:?}, expected {expected:?}")]
    UnexpectedValue {
        /// The field.
        field: &'static str,
        /// The required value.
        expected: &'static str,
        /// The value found.
        found: String,
    },
    /// The proof options passed to [`add_proof`] already hold a `proofValue`.
    #[error("the proof options already contain a proofValue")]
    ProofValueInOptions,
    /// `created` is not an RFC 3339 / XML Schema date-time with time zone.
    #[error("proof created {0:?} is not a date-time with a time zone")]
    InvalidCreated(String),
    /// A malformed `did:key` (or not an Ed25519 one).
    #[error("{0:?} is not an Ed25519 did:key or did:key verification method")]
    InvalidDidKey(String),
    /// A malformed multibase Ed25519 private key.
    #[error("not a multibase base58btc Ed25519 private key")]
    InvalidPrivateKey,
    /// `verificationMethod` is a `did:key` for another key than the signing key.
    #[error("the verificationMethod does not name the signing key")]
    KeyMismatch,
    /// The proof's `@context` is not a prefix of the document's `@context`.
    #[error("the document @context does not start with the proof @context")]
    ContextMismatch,
    /// `proofValue` is not the base58btc multibase of 64 bytes.
    #[error("proofValue is not the multibase base58btc encoding of a 64-byte signature")]
    InvalidProofValue,
    /// The public key in the verification method is not a valid Ed25519 point.
    #[error("the verification method's public key is not a valid Ed25519 key")]
    InvalidPublicKey,
    /// JCS canonicalization failed.
    #[error("JSON canonicalization failed: {0}")]
    Canonicalization(#[from] serde_json::Error),
    /// The signature does not verify.
    #[error("the proof signature does not verify")]
    InvalidSignature,
    /// The verification method is not one the DID document lists for assertions.
    #[error("verification method {0:?} is not an assertion key of the DID document")]
    UnknownVerificationMethod(String),
}

/// The eddsa-jcs-2022 proof configuration: the proof options, checked, with `@context`
/// set to the document's `@context` when the document has one.
///
/// # Errors
/// A document or options that are not objects, options holding a `proofValue`, a `type`
/// other than `DataIntegrityProof`, a `cryptosuite` other than `eddsa-jcs-2022`, or an
/// invalid `created`.
pub fn proof_config(document: &Value, proof_options: Value) -> Result<Value, VcError> {
    config_map(document, proof_options).map(Value::Object)
}

fn config_map(document: &Value, proof_options: Value) -> Result<Map<String, Value>, VcError> {
    let document = document
        .as_object()
        .ok_or(VcError::NotAnObject("document"))?;
    let Value::Object(mut options) = proof_options else {
        return Err(VcError::NotAnObject("proof options"));
    };
    if options.contains_key("proofValue") {
        return Err(VcError::ProofValueInOptions);
    }
    check_options(&options)?;
    if let Some(context) = document.get("@context") {
        options.insert("@context".to_owned(), context.clone());
    }
    Ok(options)
}

/// eddsa-jcs-2022 hash data: `SHA-256(JCS(proof config)) ‖ SHA-256(JCS(unsecured document))`.
///
/// # Errors
/// Values JCS cannot represent.
pub fn hash_data(unsecured_document: &Value, proof_config: &Value) -> Result<[u8; 64], VcError> {
    hash(unsecured_document, proof_config)
}

fn hash<D: Serialize + ?Sized, C: Serialize + ?Sized>(
    unsecured_document: &D,
    proof_config: &C,
) -> Result<[u8; 64], VcError> {
    let proof_hash = Sha256::digest(serde_jcs::to_vec(proof_config)?);
    let document_hash = Sha256::digest(serde_jcs::to_vec(unsecured_document)?);
    let mut out = [0u8; 64];
    out[..32].copy_from_slice(&proof_hash);
    out[32..].copy_from_slice(&document_hash);
    Ok(out)
}

/// Signs a document with an eddsa-jcs-2022 Data Integrity proof.
///
/// `proof_options` must hold `type: DataIntegrityProof`, `cryptosuite: eddsa-jcs-2022`,
/// a `verificationMethod` and a `proofPurpose` (and typically `created`). The returned
/// document is `document` plus `proof`: the proof configuration (options with the
/// document's `@context`) and its `proofValue`.
///
/// # Errors
/// A document that is not an object or already has a proof, invalid proof options, a
/// `did:key` verification method naming another key, or a canonicalization failure.
pub fn add_proof(
    document: &Value,
    proof_options: Value,
    key: &SigningKey,
) -> Result<Value, VcError> {
    let unsecured = document
        .as_object()
        .ok_or(VcError::NotAnObject("document"))?;
    if unsecured.contains_key("proof") {
        return Err(VcError::AlreadySecured);
    }
    let mut proof = config_map(document, proof_options)?;
    let method = string_field(&proof, "verificationMethod")?;
    string_field(&proof, "proofPurpose")?;
    if method.starts_with("did:key:")
        && public_key_from_did_key(method)? != key.verifying_key().to_bytes()
    {
        return Err(VcError::KeyMismatch);
    }
    let signature = key.sign(&hash(unsecured, &proof)?);
    let proof_value = format!("z{}", bs58::encode(signature.to_bytes()).into_string());
    proof.insert("proofValue".to_owned(), Value::String(proof_value));
    let mut secured = unsecured.clone();
    secured.insert("proof".to_owned(), Value::Object(proof));
    Ok(Value::Object(secured))
}

/// Verifies the eddsa-jcs-2022 proof of a secured document whose `verificationMethod` is a
/// `did:key`, which gives the public key.
///
/// # Errors
/// As [`verify_proof_with`].
pub fn verify_proof(secured: &Value) -> Result<(), VcError> {
    verify_proof_with(secured, public_key_from_did_key)
}

/// Verifies the eddsa-jcs-2022 proof of a secured document, taking the public key of its
/// `verificationMethod` from `resolve` (for `did:web`, [`did_web::assertion_key`] over the
/// fetched DID document).
///
/// The proof must be a single object with `type: DataIntegrityProof`,
/// `cryptosuite: eddsa-jcs-2022`, `proofPurpose: assertionMethod` and a
/// `verificationMethod`. As the specification says, when the proof has an `@context` the
/// document's `@context` must start with it, and the hash covers the document with the
/// proof's `@context`.
///
/// # Errors
/// Any structural problem above, a method `resolve` refuses, an invalid key or proof
/// value, a canonicalization failure, or a signature that does not verify.
pub fn verify_proof_with(
    secured: &Value,
    resolve: impl FnOnce(&str) -> Result<[u8; 32], VcError>,
) -> Result<(), VcError> {
    let secured = secured
        .as_object()
        .ok_or(VcError::NotAnObject("document"))?;
    let proof = match secured.get("proof") {
        None => return Err(VcError::MissingProof),
        Some(Value::Object(proof)) => proof,
        Some(Value::Array(_)) => return Err(VcError::ProofSet),
        Some(_) => return Err(VcError::NotAnObject("proof")),
    };
    check_options(proof)?;
    expect(proof, "proofPurpose", PROOF_PURPOSE)?;
    let proof_value = string_field(proof, "proofValue")?;
    let signature = proof_value
        .strip_prefix('z')
        .and_then(|b58| bs58::decode(b58).into_vec().ok())
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or(VcError::InvalidProofValue)?;
    let public_key = resolve(string_field(proof, "verificationMethod")?)?;
    let key = VerifyingKey::from_bytes(&public_key).map_err(|_| VcError::InvalidPublicKey)?;

    let mut unsecured = secured.clone();
    unsecured.remove("proof");
    let mut options = proof.clone();
    options.remove("proofValue");
    if let Some(proof_context) = options.get("@context") {
        let document_context = unsecured.get("@context").ok_or(VcError::ContextMismatch)?;
        if !as_list(document_context).starts_with(as_list(proof_context)) {
            return Err(VcError::ContextMismatch);
        }
        unsecured.insert("@context".to_owned(), proof_context.clone());
    }
    key.verify_strict(
        &hash(&unsecured, &options)?,
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| VcError::InvalidSignature)
}

/// Checks `type`, `cryptosuite` and `created` of proof options or a proof.
fn check_options(options: &Map<String, Value>) -> Result<(), VcError> {
    expect(options, "type", PROOF_TYPE)?;
    expect(options, "cryptosuite", CRYPTOSUITE)?;
    if let Some(created) = options.get("created") {
        let created = created.as_str().ok_or(VcError::MissingField("created"))?;
        OffsetDateTime::parse(created, &Rfc3339)
            .map_err(|_| VcError::InvalidCreated(created.to_owned()))?;
    }
    Ok(())
}

fn expect(
    object: &Map<String, Value>,
    field: &'static str,
    expected: &'static str,
) -> Result<(), VcError> {
    let found = string_field(object, field)?;
    if found == expected {
        Ok(())
    } else {
        Err(VcError::UnexpectedValue {
            field,
            expected,
            found: found.to_owned(),
        })
    }
}

fn string_field<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
) -> Result<&'a str, VcError> {
    object
        .get(field)
        .and_then(Value::as_str)
        .ok_or(VcError::MissingField(field))
}

/// A JSON-LD `@context` as a list: an array's items, or the single value.
fn as_list(context: &Value) -> &[Value] {
    match context {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    }
}
