//! The issuer as `did:web` (W3C CCG "did:web Method Specification"): its DID, the DID
//! document served at `/.well-known/did.json`, and reading a key back out of one.
//!
//! The document lists every key that still verifies (active and retired, not withdrawn) as
//! a `Multikey`, each with the fragment of its kid, for `assertionMethod`.

use serde_json::{Value, json};

use super::{VcError, public_key_from_multibase, public_key_multibase};

/// The `@context` of the DID document: DID Core 1.0 and the Multikey vocabulary.
pub const DID_CONTEXT: [&str; 2] = [
    "https://www.w3.org/ns/did/v1",
    "https://w3id.org/security/multikey/v1",
];

/// The `did:web` of a base URL's host: `https://origine.example:8443/x` →
/// `did:web:origine.example%3A8443`. The method encodes a port's colon as `%3A`.
///
/// Only the host and port are used: the DID document is served at the host's root
/// (`/.well-known/did.json`), which is where `did:web:<host>` resolves.
#[must_use]
pub fn did_web(base_url: &str) -> String {
    let authority = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    // Userinfo has no place in a DID; keep what follows it.
    let host = authority.rsplit('@').next().unwrap_or_default();
    format!("did:web:{}", host.to_ascii_lowercase().replace(':', "%3A"))
}

/// The verification method id of key `kid` in the DID document of `did`: `<did>#<kid>`.
#[must_use]
pub fn method_id(did: &str, kid: &str) -> String {
    format!("{did}#{kid}")
}

/// The DID document of `did` listing `keys` (kid, Ed25519 public key), each as a
/// `Multikey` usable for assertions (credential proofs and JWS).
pub fn document<'a>(did: &str, keys: impl IntoIterator<Item = (&'a str, [u8; 32])>) -> Value {
    let methods: Vec<Value> = keys
        .into_iter()
        .map(|(kid, public)| {
            json!({
                "id": method_id(did, kid),
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase(&public),
            })
        })
        .collect();
    let ids: Vec<Value> = methods.iter().map(|m| m["id"].clone()).collect();
    json!({
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    })
}

/// The Ed25519 key of verification method `method` in DID document `document`, if the
/// document lists it as an `assertionMethod` `Multikey`.
///
/// # Errors
/// [`VcError::UnknownVerificationMethod`] when the document does not list it so, or its
/// key is not an Ed25519 Multikey.
pub fn assertion_key(document: &Value, method: &str) -> Result<[u8; 32], VcError> {
    let unknown = || VcError::UnknownVerificationMethod(method.to_owned());
    let did = document["id"].as_str().ok_or_else(unknown)?;
    // A reference may be absolute (`did#kid`) or relative to the document (`#kid`).
    let absolute = |id: &str| {
        if id.starts_with('#') {
            format!("{did}{id}")
        } else {
            id.to_owned()
        }
    };
    let listed = document["assertionMethod"].as_array().is_some_and(|ids| {
        ids.iter()
            .filter_map(Value::as_str)
            .any(|id| absolute(id) == method)
    });
    if !listed {
        return Err(unknown());
    }
    document["verificationMethod"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["id"].as_str().map(absolute).as_deref() == Some(method))
        .filter(|m| m["type"] == "Multikey")
        .and_then(|m| m["publicKeyMultibase"].as_str())
        .and_then(public_key_from_multibase)
        .ok_or_else(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_did_is_the_host_with_a_port_percent_encoded() {
        assert_eq!(
            did_web("https://origine.example"),
            "did:web:origine.example"
        );
        assert_eq!(did_web("http://Origine.test/"), "did:web:origine.test");
        assert_eq!(
            did_web("http://127.0.0.1:8080/base/path"),
            "did:web:127.0.0.1%3A8080"
        );
    }

    #[test]
    fn a_listed_key_resolves_and_an_unlisted_one_does_not() {
        let did = "did:web:origine.example";
        let doc = document(did, [("aa11", [7u8; 32])]);
        assert_eq!(
            assertion_key(&doc, "did:web:origine.example#aa11").unwrap(),
            [7u8; 32]
        );
        assert!(assertion_key(&doc, "did:web:origine.example#bb22").is_err());
        assert!(assertion_key(&doc, "did:web:elsewhere.example#aa11").is_err());
        let mut no_assertion = doc.clone();
        no_assertion["assertionMethod"] = json!([]);
        assert!(assertion_key(&no_assertion, "did:web:origine.example#aa11").is_err());
    }
}
