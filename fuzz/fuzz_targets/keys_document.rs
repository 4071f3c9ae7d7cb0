//! A keys document from outside (`/.well-known/origine-keys.json`, fetched by the CLI):
//! parsing it and checking a fixed valid bundle against it must never panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use origine::crypto::{Bundle, KeysDocument, check_bundle, check_inclusion};

static BUNDLE: LazyLock<Bundle> = LazyLock::new(origine_fuzz::bundle);

fuzz_target!(|data: &[u8]| {
    let Ok(keys) = serde_json::from_slice::<KeysDocument>(data) else {
        return;
    };
    let _ = check_bundle(&BUNDLE, &keys);
    let _ = check_inclusion(&BUNDLE, &keys);
});
