//! Tests against the W3C eddsa-jcs-2022 test vectors, plus tampering and bad inputs.

use data_encoding::HEXLOWER;
use serde_json::json;

use super::did_key::ED25519_PRIV;
use super::*;

/// The text of a file of the W3C test vectors.
macro_rules! vector {
    ($file:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/vectors/w3c-eddsa-jcs-2022/",
            $file
        ))
    };
}

mod tampering;

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
