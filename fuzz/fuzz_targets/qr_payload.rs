//! The signed label in a QR code's URL fragment (`origine verify --qr URL`): parsing and
//! verifying must never panic; whatever parses must sign back to a label that parses the
//! same.
#![no_main]

use std::sync::LazyLock;

use ed25519_dalek::{SigningKey, VerifyingKey};
use libfuzzer_sys::fuzz_target;
use origine::crypto::label_token::SignedLabel;

static KEYS: LazyLock<(SigningKey, VerifyingKey)> =
    LazyLock::new(|| (origine_fuzz::issuer_key(), origine_fuzz::issuer_public()));

fuzz_target!(|data: &[u8]| {
    let Ok(fragment) = std::str::from_utf8(data) else {
        return;
    };
    let (signing, public) = &*KEYS;
    if let Ok((label, _signature, signed)) = SignedLabel::parse(fragment) {
        assert!(signed.starts_with(origine::crypto::label_token::DOMAIN));
        // `parse` accepts only what `sign` produces, so signing the label again must work
        // and give back the same label.
        let resigned = label.sign(signing).expect("a parsed label must sign again");
        let (again, _, signed_again) =
            SignedLabel::parse(&resigned).expect("re-signed label parses");
        assert_eq!(again, label);
        assert_eq!(signed_again, signed);
    }
    if let Ok(label) = SignedLabel::verify(fragment, public) {
        // Ed25519 signing is deterministic: the only fragment that verifies under the
        // fixture key is the one it produces.
        assert_eq!(label.sign(signing).as_deref(), Ok(fragment));
    }
});
