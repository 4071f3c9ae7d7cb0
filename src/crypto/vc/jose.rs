//! VC-JOSE (W3C "Securing Verifiable Credentials using JOSE and COSE"): a credential as a
//! compact JWS signed with Ed25519 (`alg` `EdDSA`, RFC 8037).
//!
//! The protected header carries `alg`, `kid` (a verification method of the issuer's DID
//! document), `typ: vc+jwt` and `cty: vc`, as the specification says; the payload is the
//! credential's JCS bytes, so the same credential always gives the same payload.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Value, json};

use super::VcError;

/// The media type of a credential secured with JOSE.
pub const MEDIA_TYPE: &str = "application/vc+jwt";

/// The compact JWS `header.payload.signature` of `credential`, signed by `key` as `kid`.
///
/// # Errors
/// A credential JCS cannot represent.
pub fn sign(credential: &Value, kid: &str, key: &SigningKey) -> Result<String, VcError> {
    let header = json!({"alg": "EdDSA", "kid": kid, "typ": "vc+jwt", "cty": "vc"});
    let signing_input = format!(
        "{}.{}",
        BASE64URL_NOPAD.encode(&serde_jcs::to_vec(&header)?),
        BASE64URL_NOPAD.encode(&serde_jcs::to_vec(credential)?)
    );
    let signature = key.sign(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        BASE64URL_NOPAD.encode(&signature.to_bytes())
    ))
}

/// The protected header and payload of a compact JWS whose signature `public_key`
/// verifies; the caller checks the header (its `kid` names the key it resolved).
///
/// # Errors
/// Not three base64url parts of JSON objects, a header that is not `EdDSA`, or a signature
/// that does not verify.
pub fn verify(jws: &str, public_key: &[u8; 32]) -> Result<(Value, Value), VcError> {
    let mut parts = jws.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(VcError::NotAnObject("compact JWS"));
    };
    let object = |part: &str, what: &'static str| -> Result<Value, VcError> {
        let bytes = BASE64URL_NOPAD
            .decode(part.as_bytes())
            .map_err(|_| VcError::NotAnObject(what))?;
        let value: Value =
            crate::ijson::from_slice(&bytes).map_err(|_| VcError::NotAnObject(what))?;
        value
            .is_object()
            .then_some(value)
            .ok_or(VcError::NotAnObject(what))
    };
    let header_value = object(header, "JWS header")?;
    if header_value["alg"] != "EdDSA" {
        return Err(VcError::UnexpectedValue {
            field: "alg",
            expected: "EdDSA",
            found: header_value["alg"].to_string(),
        });
    }
    let signature = BASE64URL_NOPAD
        .decode(signature.as_bytes())
        .ok()
        .and_then(|s| <[u8; 64]>::try_from(s).ok())
        .ok_or(VcError::InvalidProofValue)?;
    let key = VerifyingKey::from_bytes(public_key).map_err(|_| VcError::InvalidPublicKey)?;
    key.verify_strict(
        format!("{header}.{payload}").as_bytes(),
        &Signature::from_bytes(&signature),
    )
    .map_err(|_| VcError::InvalidSignature)?;
    Ok((header_value, object(payload, "JWS payload")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_credential_verifies_and_a_changed_one_does_not() {
        let key = SigningKey::from_bytes(&[9; 32]);
        let public = key.verifying_key().to_bytes();
        let jws = sign(&json!({"id": "urn:x", "n": 1}), "did:web:a#k", &key).unwrap();
        let (header, payload) = verify(&jws, &public).unwrap();
        assert_eq!(header["typ"], "vc+jwt");
        assert_eq!(header["cty"], "vc");
        assert_eq!(payload["n"], 1);
        let other = sign(&json!({"id": "urn:x", "n": 2}), "did:web:a#k", &key).unwrap();
        let spliced = format!(
            "{}.{}",
            other.rsplit_once('.').unwrap().0,
            jws.rsplit_once('.').unwrap().1
        );
        assert!(verify(&spliced, &public).is_err());
        assert!(verify(&jws, &[1; 32]).is_err());
    }
}
