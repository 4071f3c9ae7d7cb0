//! A certificate bundle from outside (the CLI's `verify`, the verification report):
//! JSON parsing, the offline signature check and the inclusion-proof check must never
//! panic, whatever the bytes.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use origine::crypto::{Bundle, KeysDocument, check_bundle, check_inclusion};

static KEYS: LazyLock<KeysDocument> = LazyLock::new(origine_fuzz::keys_document);

fuzz_target!(|data: &[u8]| {
    let Ok(bundle) = serde_json::from_slice::<Bundle>(data) else {
        return;
    };
    let check = check_bundle(&bundle, &KEYS);
    if check.is_valid() {
        assert!(check.hash && check.signature);
    }
    let _ = check_inclusion(&bundle, &KEYS);
});
