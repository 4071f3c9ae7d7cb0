//! C2SP signed notes, checkpoints, cosignatures and verifier keys from outside (witnesses,
//! bundles): parsing and verifying must never panic, and whatever parses must render back
//! to the same text.
#![no_main]

use std::sync::LazyLock;

use ed25519_dalek::VerifyingKey;
use libfuzzer_sys::fuzz_target;
use origine::log::note;

static KEYS: LazyLock<(VerifyingKey, VerifyingKey)> = LazyLock::new(|| {
    (
        origine_fuzz::issuer_public(),
        origine_fuzz::witness_key().verifying_key(),
    )
});

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (issuer, witness) = &*KEYS;

    if let Ok(parsed) = note::Note::parse(input) {
        assert_eq!(
            parsed.render(),
            input,
            "Note::parse then render changed the note"
        );
        if let Ok(cp) = note::Checkpoint::parse(&parsed.text) {
            assert_eq!(
                cp.body(),
                parsed.text,
                "Checkpoint::parse then body changed the text"
            );
        }
        let _ = note::verify(&parsed, origine_fuzz::ISSUER, issuer);
        let _ = note::verify_cosignature(&parsed, origine_fuzz::WITNESS, witness);
        // Whatever signature lines we read, under the names they carry.
        for sig in &parsed.signatures {
            let _ = note::verify(&parsed, &sig.name, issuer);
            let _ = note::verify_cosignature(&parsed, &sig.name, witness);
        }
    }

    // The whole input as a checkpoint text, too.
    if let Ok(cp) = note::Checkpoint::parse(input) {
        assert_eq!(
            cp.body(),
            input,
            "Checkpoint::parse then body changed the text"
        );
    }

    if let Ok((name, alg, public_key)) = note::parse_vkey(input) {
        let again = note::format_vkey(&name, alg, &public_key);
        // The key ID may be written in upper case; nothing else may differ.
        assert!(again.eq_ignore_ascii_case(input), "{again:?} vs {input:?}");
        assert_eq!(note::parse_vkey(&again), Ok((name, alg, public_key)));
    }
    let _ = note::parse_skey(input);
});
