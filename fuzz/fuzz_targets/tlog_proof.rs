//! C2SP tlog-proof files a buyer hands to `origine verify --proof`: parsing and verifying
//! must never panic, and whatever parses renders back to the same text.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use origine::log::merkle;
use origine::log::policy::Policy;
use origine::log::proof::TlogProof;

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    Policy::parse(&format!("log {}\nquorum none\n", origine_fuzz::issuer_vkey()))
        .expect("policy")
});

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Policy::parse(input);
    if let Ok(proof) = TlogProof::parse(input) {
        assert_eq!(proof.render(), input, "TlogProof::parse then render changed the text");
        let _ = proof.verify(&merkle::leaf_hash(b"entry"), &POLICY);
    }
});
