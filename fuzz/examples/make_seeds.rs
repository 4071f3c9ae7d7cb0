//! Writes the seed inputs under `fuzz/seeds/<target>/` from the fixtures.
//!
//! Run from the repository root: `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds`.

use std::fs;
use std::path::Path;

use origine::log::{merkle, note};

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(target);
    fs::create_dir_all(&dir).expect("create seeds directory");
    fs::write(dir.join(name), bytes).expect("write seed");
}

fn main() {
    let bundle = origine_fuzz::bundle();
    write(
        "bundle",
        "valid.json",
        &serde_json::to_vec_pretty(&bundle).expect("bundle serialises"),
    );
    let mut no_proof = bundle.clone();
    no_proof.inclusion = None;
    write(
        "bundle",
        "no_inclusion.json",
        &serde_json::to_vec(&no_proof).expect("bundle serialises"),
    );

    write(
        "keys_document",
        "valid.json",
        &serde_json::to_vec_pretty(&origine_fuzz::keys_document()).expect("keys serialise"),
    );

    let checkpoint = bundle
        .inclusion
        .as_ref()
        .expect("fixture has a proof")
        .checkpoint
        .clone();
    write("checkpoint_note", "checkpoint.txt", checkpoint.as_bytes());
    write(
        "checkpoint_note",
        "vkey.txt",
        note::format_vkey(
            origine_fuzz::ISSUER,
            note::ALG_ED25519,
            origine_fuzz::issuer_public().as_bytes(),
        )
        .as_bytes(),
    );
    write(
        "checkpoint_note",
        "witness_vkey.txt",
        note::format_vkey(
            origine_fuzz::WITNESS,
            note::ALG_COSIGNATURE_V1,
            origine_fuzz::witness_key().verifying_key().as_bytes(),
        )
        .as_bytes(),
    );

    write(
        "qr_payload",
        "valid.txt",
        origine_fuzz::label_fragment().as_bytes(),
    );

    write("digital_link", "gtin.txt", b"/01/08012345678907");
    write(
        "digital_link",
        "lot_serial.txt",
        b"/01/8012345678907/10/PAN-2026%2F11-A/21/1999",
    );

    write(
        "lot_json",
        "valid.json",
        br#"{"institute":"RM-REBIBBIA","product":{"name":"Taralli pugliesi","category":"food","gtin":"8012345678907"},"lot_code":"PAN-2026-03-A","quantity":100,"unit":"pcs","produced_from":"2026-02-01","produced_to":"2026-02-20","serialised":true,"claims":{"detained_workers":4,"total_workers":6,"work_hours":320,"training_hours":40,"employment":"employee","statement":"Made in the bakery.","evidence":[{"label":"Payroll summary","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]}}"#,
    );

    // Mode byte, index 5, size 13, then leaf, root and a proof of three zero hashes.
    let mut merkle_seed = vec![1u8];
    merkle_seed.extend_from_slice(&5u64.to_le_bytes());
    merkle_seed.extend_from_slice(&13u64.to_le_bytes());
    merkle_seed.extend_from_slice(&merkle::leaf_hash(&5u64.to_le_bytes()));
    merkle_seed.extend_from_slice(&merkle::EMPTY_ROOT);
    merkle_seed.extend_from_slice(&[0u8; 32 * 3]);
    write("merkle_proofs", "small_tree.bin", &merkle_seed);
    let mut huge = vec![0u8];
    huge.extend_from_slice(&(u64::MAX - 1).to_le_bytes());
    huge.extend_from_slice(&u64::MAX.to_le_bytes());
    huge.extend_from_slice(&[0u8; 32 * 4]);
    write("merkle_proofs", "huge_sizes.bin", &huge);
}
