//! Tests of key IDs against the C2SP vector, file permissions, key generation and retirement.

use std::fs;
use std::os::unix::fs::PermissionsExt;

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::Signature;

use super::*;

#[test]
fn key_id_matches_the_c2sp_signed_note_vector() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/vectors/c2sp-signed-note.json")).unwrap();
    // vkey = "<name>+<hex kid>+<base64(0x01 ‖ public key)>"
    let vkey = vectors["verify"]["vkey"].as_str().unwrap();
    let parts: Vec<&str> = vkey.split('+').collect();
    let public = data_encoding::BASE64.decode(parts[2].as_bytes()).unwrap();
    assert_eq!(public[0], 1, "algorithm byte for Ed25519");
    let key: [u8; 32] = public[1..].try_into().unwrap();
    assert_eq!(key_id(parts[0], &key), parts[1]);
}

#[test]
fn a_key_readable_by_others_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), "example.org/log").unwrap();
    let path = fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    let err = Keyring::load(dir.path(), "example.org/log").unwrap_err();
    assert!(
        matches!(err, KeyError::Permissions { mode: 0o644, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("chmod 600"));
}

#[test]
fn a_second_keygen_is_refused_and_signing_uses_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (kid, _) = generate(dir.path(), "o/log").unwrap();
    assert!(matches!(
        generate(dir.path(), "o/log"),
        Err(KeyError::AlreadyExists { .. })
    ));
    let ring = Keyring::load(dir.path(), "o/log").unwrap();
    let (signed_kid, sig) = ring.sign(b"hello");
    assert_eq!(signed_kid, kid);
    let sig = Signature::from_slice(&BASE64URL_NOPAD.decode(sig.as_bytes()).unwrap()).unwrap();
    ring.verifying_key(&kid)
        .unwrap()
        .verify_strict(b"hello", &sig)
        .unwrap();
}

#[test]
fn a_retired_key_loses_its_seed_but_stays_in_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _) = generate(dir.path(), "o/log").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (new, _) = add_key(dir.path(), "o/log").unwrap();
    assert_eq!(
        Keyring::load(dir.path(), "o/log").unwrap().active().kid,
        new
    );
    end_key(dir.path(), "o/log", &old, "retired", "2030-01-01T00:00:00Z").unwrap();
    let ring = Keyring::load(dir.path(), "o/log").unwrap();
    let retired = ring.keys().iter().find(|k| k.kid == old).unwrap();
    assert!(retired.signing.is_none());
    let text = fs::read_to_string(&retired.path).unwrap();
    assert!(!text.contains("seed"), "{text}");
    assert_eq!(
        fs::metadata(&retired.path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let doc = ring.document();
    let entry = doc.keys.iter().find(|k| k.kid == old).unwrap();
    assert_eq!(entry.status, "retired");
    assert_eq!(entry.not_after.as_deref(), Some("2030-01-01T00:00:00Z"));
}
