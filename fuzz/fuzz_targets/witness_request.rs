//! C2SP tlog-witness `add-checkpoint` bodies from anyone on the network: parsing must never
//! panic, what parses renders back to the same bytes, and the witness answers every body
//! with one of the spec's refusals or a cosignature, never a panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use origine::service::witness::{self, AddCheckpoint, Witness};

static WITNESS: LazyLock<(tempfile::TempDir, Witness)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let key = dir.path().join("w.key");
    witness::keygen(&key, origine_fuzz::WITNESS).expect("witness key");
    let logs = dir.path().join("logs");
    std::fs::write(&logs, format!("log {}\n", origine_fuzz::issuer_vkey())).expect("logs file");
    let w = witness::open(&key, &logs, &dir.path().join("state")).expect("witness");
    (dir, w)
});

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = AddCheckpoint::parse(data) {
        assert_eq!(
            request.render().as_bytes(),
            data,
            "AddCheckpoint::parse then render changed the body"
        );
    }
    let (_, w) = &*WITNESS;
    let _ = w.add_checkpoint(data).expect("the state directory works");
});
