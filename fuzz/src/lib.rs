//! Fixed, valid fixtures shared by the fuzz targets: an issuer key from a fixed seed, its
//! keys document, a signed bundle with an inclusion proof, a cosigner key and a signed label.
//!
//! Everything is deterministic (fixed seeds, Ed25519 signing is deterministic), so a crash
//! input reproduces exactly, and `examples/make_seeds.rs` writes the same values as seeds.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use origine::crypto::label_token::SignedLabel;
use origine::crypto::{Bundle, Inclusion, KeysDocument, PublicKeyEntry, jcs, key_id};
use origine::log::{merkle, note};
use serde_json::json;

/// Issuer name: also the log origin and the checkpoint's note key name.
pub const ISSUER: &str = "origine.example.it/log";
/// Name of the witness whose cosignatures the checkpoint target checks.
pub const WITNESS: &str = "witness.example.org";

/// The issuer's signing key (fixed seed).
pub fn issuer_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// The issuer's public key.
pub fn issuer_public() -> VerifyingKey {
    issuer_key().verifying_key()
}

/// The witness's signing key (fixed seed).
pub fn witness_key() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32])
}

/// The issuer's C2SP verifier key (`log <vkey>` lines of policies).
pub fn issuer_vkey() -> String {
    note::format_vkey(ISSUER, note::ALG_ED25519, issuer_public().as_bytes())
}

/// The issuer key's kid, as `origine::crypto::key_id` computes it.
pub fn issuer_kid() -> String {
    key_id(ISSUER, issuer_public().as_bytes())
}

/// A valid keys document holding the issuer key, active since 2025.
pub fn keys_document() -> KeysDocument {
    KeysDocument {
        issuer: ISSUER.to_owned(),
        keys: vec![PublicKeyEntry {
            kid: issuer_kid(),
            alg: "Ed25519".to_owned(),
            public_key: BASE64URL_NOPAD.encode(issuer_public().as_bytes()),
            not_before: "2025-01-01T00:00:00Z".to_owned(),
            not_after: None,
            status: "active".to_owned(),
        }],
    }
}

/// A certificate body at log index `seq`, signed by the issuer key.
fn certificate(seq: u64) -> serde_json::Value {
    json!({
        "format": "origine/certificate/v1",
        "id": "abcdefghijklmnopqrst",
        "seq": seq,
        "issued_at": "2026-03-01T10:00:00Z",
        "issuer": { "name": ISSUER, "kid": issuer_kid() },
        "product": { "name": "Taralli", "category": "food" },
        "lot": { "code": "PAN-2026-03-A", "quantity": 100, "unit": "pcs",
                 "produced_from": "2026-02-01", "produced_to": "2026-02-20",
                 "serialised": true },
        "prev": jcs::ZERO_HASH,
    })
}

/// A signed checkpoint note (issuer signature plus a witness cosignature) for a tree of
/// `size` leaves with root `root`.
pub fn checkpoint_note(size: u64, root: merkle::Hash) -> String {
    let text = note::Checkpoint {
        origin: ISSUER.to_owned(),
        size,
        root,
        extensions: Vec::new(),
    }
    .body();
    let signature = note::sign(&text, ISSUER, &issuer_key()).expect("fixture note signs");
    let cosignature =
        note::cosign(&text, WITNESS, &witness_key(), 1_770_000_000).expect("fixture cosigns");
    note::Note {
        text,
        signatures: vec![signature, cosignature],
    }
    .render()
}

/// A valid bundle: entry 1 of a two-entry log, with its inclusion proof and checkpoint.
pub fn bundle() -> Bundle {
    let first = jcs::canonical(&certificate(0)).expect("fixture canonicalises");
    let body = certificate(1);
    let bytes = jcs::canonical(&body).expect("fixture canonicalises");
    let (left, right) = (merkle::leaf_hash(&first), merkle::leaf_hash(&bytes));
    let root = merkle::node_hash(&left, &right);
    Bundle {
        hash: jcs::sha256_hex(&bytes),
        signature: BASE64URL_NOPAD.encode(&issuer_key().sign(&bytes).to_bytes()),
        kid: issuer_kid(),
        certificate: body,
        inclusion: Some(Inclusion {
            index: 1,
            tree_size: 2,
            proof: vec![data_encoding::HEXLOWER.encode(&left)],
            checkpoint: checkpoint_note(2, root),
        }),
    }
}

/// A valid signed label, as carried in a QR code's URL fragment.
pub fn label() -> SignedLabel {
    SignedLabel {
        kid: issuer_kid(),
        certificate_id: "abcdefghijklmnopqrst".to_owned(),
        product: "Taralli all'olio".to_owned(),
        lot: "PAN-2026-03-A".to_owned(),
        serial: 42,
        producer: "Cooperativa Lavoro".to_owned(),
        issued: "2026-03-01".to_owned(),
    }
}

/// The fragment of [`label`] signed with the issuer key.
pub fn label_fragment() -> String {
    label().sign(&issuer_key()).expect("fixture label signs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_valid() {
        let doc = keys_document();
        let b = bundle();
        assert!(origine::crypto::check_bundle(&b, &doc).is_valid());
        origine::crypto::check_inclusion(&b, &doc).unwrap();
        let n = note::Note::parse(&b.inclusion.unwrap().checkpoint).unwrap();
        note::verify(&n, ISSUER, &issuer_public()).unwrap();
        note::verify_cosignature(&n, WITNESS, &witness_key().verifying_key()).unwrap();
        assert_eq!(
            SignedLabel::verify(&label_fragment(), &issuer_public()).unwrap(),
            label()
        );
    }
}
