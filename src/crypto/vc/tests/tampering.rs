//! Changing any part of a signed credential, or of its proof, makes verification fail.

use serde_json::json;

use super::*;

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
    flipped["proof"]["proofValue"] = json!(format!("z{}", bs58::encode(signature).into_string()));
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
