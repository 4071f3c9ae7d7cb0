//! W3C Verifiable Credentials with eddsa-jcs-2022 Data Integrity proofs.
//!
//! Implements the `eddsa-jcs-2022` cryptosuite of the W3C Recommendation "Data Integrity
//! `EdDSA` Cryptosuites v1.0" with `did:key` Ed25519 verification methods:
//!
//! * proof configuration: the proof options (the proof without `proofValue`), with the
//!   document's `@context` copied in when the document has one;
//! * hash data: `SHA-256(JCS(proof configuration)) ‖ SHA-256(JCS(document without proof))`;
//! * proof value: multibase base58btc (`z…`) of the Ed25519 signature over the hash data.
//!
//! Pure code: no network, no DID resolution other than `did:key`.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The only proof type produced and accepted.
pub const PROOF_TYPE: &str = "DataIntegrityProof";
/// The only cryptosuite produced and accepted.
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
/// The only proof purpose accepted by [`verify_proof`].
pub const PROOF_PURPOSE: &str = "assertionMethod";

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key seed (`ed25519-priv`, varint 0x1300).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

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
}

/// Multibase base58btc Multikey of an Ed25519 public key: `z` + base58btc(0xed 0x01 ‖ key),
/// i.e. `z6Mk…`.
#[must_use]
pub fn public_key_multibase(public_key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&ED25519_PUB);
    bytes.extend_from_slice(public_key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The `did:key` of an Ed25519 public key: `did:key:z6Mk…`.
#[must_use]
pub fn did_key(public_key: &[u8; 32]) -> String {
    format!("did:key:{}", public_key_multibase(public_key))
}

/// The `did:key` verification method of an Ed25519 public key: `did:key:z6Mk…#z6Mk…`.
#[must_use]
pub fn verification_method(public_key: &[u8; 32]) -> String {
    let multikey = public_key_multibase(public_key);
    format!("did:key:{multikey}#{multikey}")
}

/// The Ed25519 public key in a `did:key:z…` or a verification method `did:key:z…#z…`.
///
/// # Errors
/// Not a `did:key`, a fragment other than the key's own multibase value, not base58btc,
/// or not an `ed25519-pub` multicodec key of 32 bytes.
pub fn public_key_from_did_key(did_or_vm: &str) -> Result<[u8; 32], VcError> {
    let invalid = || VcError::InvalidDidKey(did_or_vm.to_owned());
    let id = did_or_vm.strip_prefix("did:key:").ok_or_else(invalid)?;
    let id = match id.split_once('#') {
        Some((id, fragment)) if fragment == id => id,
        Some(_) => return Err(invalid()),
        None => id,
    };
    decode_multibase(id, ED25519_PUB).ok_or_else(invalid)
}

/// An Ed25519 signing key from a multibase base58btc `ed25519-priv` Multikey
/// (`z` + base58btc(0x80 0x26 ‖ 32-byte seed)), as in the W3C test vectors.
///
/// # Errors
/// Not base58btc multibase, or not an `ed25519-priv` multicodec seed of 32 bytes.
pub fn signing_key_from_multibase(secret_key_multibase: &str) -> Result<SigningKey, VcError> {
    decode_multibase(secret_key_multibase, ED25519_PRIV)
        .map(|seed| SigningKey::from_bytes(&seed))
        .ok_or(VcError::InvalidPrivateKey)
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

/// Verifies the eddsa-jcs-2022 proof of a secured document.
///
/// The proof must be a single object with `type: DataIntegrityProof`,
/// `cryptosuite: eddsa-jcs-2022`, `proofPurpose: assertionMethod` and a `did:key`
/// `verificationMethod`, which gives the public key. As the specification says, when the
/// proof has an `@context` the document's `@context` must start with it, and the hash
/// covers the document with the proof's `@context`.
///
/// # Errors
/// Any structural problem above, an invalid key or proof value, a canonicalization
/// failure, or a signature that does not verify.
pub fn verify_proof(secured: &Value) -> Result<(), VcError> {
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
    let public_key = public_key_from_did_key(string_field(proof, "verificationMethod")?)?;
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

/// Decodes `z` + base58btc(prefix ‖ 32 bytes).
fn decode_multibase(multibase: &str, prefix: [u8; 2]) -> Option<[u8; 32]> {
    let bytes = bs58::decode(multibase.strip_prefix('z')?).into_vec().ok()?;
    bytes.strip_prefix(&prefix)?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use data_encoding::HEXLOWER;
    use serde_json::json;

    macro_rules! vector {
        ($file:literal) => {
            include_str!(concat!("../../tests/vectors/w3c-eddsa-jcs-2022/", $file))
        };
    }

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    fn key_pair() -> (SigningKey, String) {
        let pair = json(vector!("keyPair.json"));
        let secret = pair["privateKeyMultibase"].as_str().unwrap();
        let public = pair["publicKeyMultibase"].as_str().unwrap().to_owned();
        (signing_key_from_multibase(secret).unwrap(), public)
    }

    #[test]
    fn vector_key_and_did_key() {
        let (key, public) = key_pair();
        let pk = key.verifying_key().to_bytes();
        assert_eq!(public_key_multibase(&pk), public);
        assert_eq!(did_key(&pk), format!("did:key:{public}"));
        assert!(did_key(&pk).starts_with("did:key:z6Mk"));
        let config = json(vector!("proofConfigJCS.json"));
        let method = config["verificationMethod"].as_str().unwrap();
        assert_eq!(verification_method(&pk), method);
        assert_eq!(public_key_from_did_key(method).unwrap(), pk);
        assert_eq!(public_key_from_did_key(&did_key(&pk)).unwrap(), pk);
    }

    #[test]
    fn intermediate_values_match_the_vectors() {
        let (key, _) = key_pair();
        let unsigned = json(vector!("unsigned.json"));
        let mut options = json(vector!("proofConfigJCS.json"));
        // The configuration gets the document's @context even when the options lack it.
        options.as_object_mut().unwrap().remove("@context");
        let config = proof_config(&unsigned, options).unwrap();
        assert_eq!(config, json(vector!("proofConfigJCS.json")));

        let canon_proof = String::from_utf8(serde_jcs::to_vec(&config).unwrap()).unwrap();
        assert_eq!(canon_proof, vector!("proofCanonJCS.txt").trim_end());
        let canon_doc = String::from_utf8(serde_jcs::to_vec(&unsigned).unwrap()).unwrap();
        assert_eq!(canon_doc, vector!("canonDocJCS.txt").trim_end());
        assert_eq!(
            HEXLOWER.encode(&Sha256::digest(canon_proof.as_bytes())),
            vector!("proofHashJCS.txt").trim()
        );
        assert_eq!(
            HEXLOWER.encode(&Sha256::digest(canon_doc.as_bytes())),
            vector!("docHashJCS.txt").trim()
        );
        let hash = hash_data(&unsigned, &config).unwrap();
        assert_eq!(
            HEXLOWER.encode(&hash),
            vector!("combinedHashJCS.txt").trim()
        );
        let signature = key.sign(&hash);
        assert_eq!(
            HEXLOWER.encode(&signature.to_bytes()),
            vector!("sigHexJCS.txt").trim()
        );
    }

    #[test]
    fn signing_reproduces_the_vector() {
        let (key, _) = key_pair();
        let unsigned = json(vector!("unsigned.json"));
        let signed = json(vector!("signedJCS.json"));
        let expected = vector!("sigBTC58JCS.txt").trim();
        let options = json(vector!("proofConfigJCS.json"));
        let mut without_context = options.clone();
        without_context.as_object_mut().unwrap().remove("@context");
        for options in [options, without_context] {
            let secured = add_proof(&unsigned, options, &key).unwrap();
            assert_eq!(secured["proof"]["proofValue"], expected);
            assert_eq!(secured, signed);
            verify_proof(&secured).unwrap();
        }
    }

    #[test]
    fn vector_verifies() {
        verify_proof(&json(vector!("signedJCS.json"))).unwrap();
    }

    /// Changes a JSON value, whatever its kind.
    fn tamper(value: &mut Value) {
        match value {
            Value::String(s) => s.push('x'),
            Value::Array(items) => items.push(json!("x")),
            Value::Object(map) => {
                map.insert("x".to_owned(), json!("x"));
            }
            Value::Number(n) => *value = json!(n.as_f64().unwrap() + 1.0),
            Value::Bool(b) => *b = !*b,
            Value::Null => *value = json!(0),
        }
    }

    #[test]
    fn any_change_fails() {
        let signed = json(vector!("signedJCS.json"));
        let fields: Vec<String> = signed.as_object().unwrap().keys().cloned().collect();
        for field in fields.iter().filter(|f| *f != "proof") {
            let mut changed = signed.clone();
            if field == "@context" {
                // Appending to @context is allowed by the spec; changing an entry is not.
                tamper(&mut changed["@context"][0]);
            } else {
                tamper(&mut changed[field.as_str()]);
            }
            assert!(verify_proof(&changed).is_err(), "changed {field}");

            let mut removed = signed.clone();
            removed.as_object_mut().unwrap().remove(field);
            assert!(verify_proof(&removed).is_err(), "removed {field}");
        }
        let mut nested = signed.clone();
        nested["credentialSubject"]["alumniOf"] = json!("The School of Counter-Examples");
        assert!(matches!(
            verify_proof(&nested),
            Err(VcError::InvalidSignature)
        ));
        let mut added = signed.clone();
        added["extra"] = json!(true);
        assert!(matches!(
            verify_proof(&added),
            Err(VcError::InvalidSignature)
        ));
        let mut context = signed.clone();
        context["@context"][1] = json!("https://example.org/other/v1");
        assert!(matches!(
            verify_proof(&context),
            Err(VcError::ContextMismatch)
        ));

        let proof_fields: Vec<String> = signed["proof"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        for field in &proof_fields {
            let mut changed = signed.clone();
            tamper(&mut changed["proof"][field.as_str()]);
            assert!(verify_proof(&changed).is_err(), "changed proof.{field}");

            let mut removed = signed.clone();
            removed["proof"].as_object_mut().unwrap().remove(field);
            assert!(verify_proof(&removed).is_err(), "removed proof.{field}");
        }
        let mut added = signed.clone();
        added["proof"]["expires"] = json!("2030-01-01T00:00:00Z");
        assert!(matches!(
            verify_proof(&added),
            Err(VcError::InvalidSignature)
        ));
        let mut created = signed.clone();
        created["proof"]["created"] = json!("2023-02-24T23:36:39Z");
        assert!(matches!(
            verify_proof(&created),
            Err(VcError::InvalidSignature)
        ));

        // A valid signature value from another key.
        let other = SigningKey::from_bytes(&[9; 32]);
        let mut vm = signed.clone();
        vm["proof"]["verificationMethod"] =
            json!(verification_method(other.verifying_key().as_bytes()));
        assert!(matches!(verify_proof(&vm), Err(VcError::InvalidSignature)));
        // One flipped signature byte.
        let proof_value = signed["proof"]["proofValue"].as_str().unwrap();
        let mut signature = bs58::decode(&proof_value[1..]).into_vec().unwrap();
        signature[0] ^= 1;
        let mut flipped = signed.clone();
        flipped["proof"]["proofValue"] =
            json!(format!("z{}", bs58::encode(signature).into_string()));
        assert!(matches!(
            verify_proof(&flipped),
            Err(VcError::InvalidSignature)
        ));

        let mut purpose = signed.clone();
        purpose["proof"]["proofPurpose"] = json!("authentication");
        assert!(matches!(
            verify_proof(&purpose),
            Err(VcError::UnexpectedValue {
                field: "proofPurpose",
                ..
            })
        ));
        let mut suite = signed.clone();
        suite["proof"]["cryptosuite"] = json!("eddsa-rdfc-2022");
        assert!(matches!(
            verify_proof(&suite),
            Err(VcError::UnexpectedValue {
                field: "cryptosuite",
                ..
            })
        ));
        let mut set = signed.clone();
        set["proof"] = json!([signed["proof"].clone()]);
        assert!(matches!(verify_proof(&set), Err(VcError::ProofSet)));
        let mut none = signed.clone();
        none.as_object_mut().unwrap().remove("proof");
        assert!(matches!(verify_proof(&none), Err(VcError::MissingProof)));
    }

    #[test]
    fn round_trip_with_a_fresh_key_and_no_context() {
        let key = SigningKey::from_bytes(&[42; 32]);
        let document = json!({"id": "urn:example:1", "n": 1.5, "list": [true, null, "é"]});
        let options = json!({
            "type": PROOF_TYPE,
            "cryptosuite": CRYPTOSUITE,
            "created": "2025-06-01T12:00:00Z",
            "verificationMethod": verification_method(key.verifying_key().as_bytes()),
            "proofPurpose": PROOF_PURPOSE,
        });
        let secured = add_proof(&document, options.clone(), &key).unwrap();
        assert!(secured["proof"].get("@context").is_none());
        verify_proof(&secured).unwrap();
        let mut changed = secured.clone();
        changed["n"] = json!(2);
        assert!(matches!(
            verify_proof(&changed),
            Err(VcError::InvalidSignature)
        ));
        // A single-string @context is kept as a string.
        let mut document = document;
        document["@context"] = json!("https://www.w3.org/ns/credentials/v2");
        let secured = add_proof(&document, options, &key).unwrap();
        assert_eq!(secured["proof"]["@context"], document["@context"]);
        verify_proof(&secured).unwrap();
    }

    #[test]
    fn add_proof_rejects_bad_options() {
        let (key, _) = key_pair();
        let unsigned = json(vector!("unsigned.json"));
        let options = json(vector!("proofConfigJCS.json"));
        let with = |field: &str, value: Value| {
            let mut o = options.clone();
            o[field] = value;
            o
        };
        assert!(matches!(
            add_proof(
                &unsigned,
                with("cryptosuite", json!("eddsa-rdfc-2022")),
                &key
            ),
            Err(VcError::UnexpectedValue {
                field: "cryptosuite",
                ..
            })
        ));
        assert!(matches!(
            add_proof(&unsigned, with("type", json!("Ed25519Signature2020")), &key),
            Err(VcError::UnexpectedValue { field: "type", .. })
        ));
        assert!(matches!(
            add_proof(&unsigned, with("proofValue", json!("z1")), &key),
            Err(VcError::ProofValueInOptions)
        ));
        assert!(matches!(
            add_proof(&unsigned, with("created", json!("yesterday")), &key),
            Err(VcError::InvalidCreated(_))
        ));
        let other = SigningKey::from_bytes(&[9; 32]);
        assert!(matches!(
            add_proof(&unsigned, options.clone(), &other),
            Err(VcError::KeyMismatch)
        ));
        let mut no_method = options.clone();
        no_method
            .as_object_mut()
            .unwrap()
            .remove("verificationMethod");
        assert!(matches!(
            add_proof(&unsigned, no_method, &key),
            Err(VcError::MissingField("verificationMethod"))
        ));
        let signed = json(vector!("signedJCS.json"));
        assert!(matches!(
            add_proof(&signed, options.clone(), &key),
            Err(VcError::AlreadySecured)
        ));
        assert!(matches!(
            add_proof(&json!([1]), options, &key),
            Err(VcError::NotAnObject("document"))
        ));
    }

    #[test]
    fn did_key_errors() {
        let pk = SigningKey::from_bytes(&[9; 32]).verifying_key().to_bytes();
        let did = did_key(&pk);
        let multikey = public_key_multibase(&pk);
        let other = public_key_multibase(&[1; 32]);
        let secret = {
            let mut bytes = ED25519_PRIV.to_vec();
            bytes.extend_from_slice(&[9; 32]);
            format!("z{}", bs58::encode(bytes).into_string())
        };
        for bad in [
            String::new(),
            multikey.clone(),
            format!("did:web:{multikey}"),
            format!("did:key:{}", &multikey[1..]),
            format!("did:key:m{}", &multikey[1..]),
            format!("{did}#{other}"),
            format!("{did}#"),
            format!("did:key:{secret}"),
            format!("{did}0"),
        ] {
            assert!(
                matches!(
                    public_key_from_did_key(&bad),
                    Err(VcError::InvalidDidKey(_))
                ),
                "{bad:?}"
            );
        }
        assert_eq!(
            signing_key_from_multibase(&secret).unwrap().to_bytes(),
            [9; 32]
        );
        assert!(matches!(
            signing_key_from_multibase(&multikey),
            Err(VcError::InvalidPrivateKey)
        ));
    }
}
