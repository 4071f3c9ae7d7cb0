//! Tests of signed notes, checkpoints, keys and cosignatures against the C2SP and Go
//! `sumdb/note` vectors, one submodule per spec; the fixtures they share are here.

use ed25519_dalek::SigningKey;
use serde_json::Value;

use super::*;

mod checkpoint;
mod cosignature;
mod keys;
mod properties;
mod signed;

const VECTORS: &str = include_str!("../../../tests/vectors/c2sp-signed-note.json");

fn vectors() -> Value {
    serde_json::from_str(VECTORS).unwrap()
}

fn field<'a>(v: &'a Value, case: &str, name: &str) -> &'a str {
    v[case][name].as_str().unwrap()
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn checkpoint() -> Checkpoint {
    Checkpoint {
        origin: "example.com/log".to_owned(),
        size: 20_852_163,
        root: [7; 32],
        extensions: vec![],
    }
}
