//! The transparency log: checkpoints, proofs, tiles, status lifecycle, key rotation,
//! the witness and the W3C credential.

use std::process::Command;

use crate::support::{TestApp, lot};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use data_encoding::HEXLOWER;
use origine::domain::{EntryKind, Role};
use origine::log::merkle::{self, Hash};
use origine::log::note::{self, Checkpoint, Note};
use origine::service::log as tlog;
use serde_json::{Value, json};

mod audit;
mod checkpoints;
mod credential;
mod keys;
mod offline_proof;
mod proofs;
mod status;
mod status_list;
mod witness;
mod witness_protocol;
mod witnessing;

fn hashes(v: &Value) -> Vec<Hash> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            HEXLOWER
                .decode(h.as_str().unwrap().as_bytes())
                .unwrap()
                .try_into()
                .unwrap()
        })
        .collect()
}

fn hash(v: &Value) -> Hash {
    HEXLOWER
        .decode(v.as_str().unwrap().as_bytes())
        .unwrap()
        .try_into()
        .unwrap()
}

async fn app_with(n: usize) -> (TestApp, crate::support::Seed, Vec<Value>) {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let mut issued = Vec::new();
    for i in 0..n {
        issued.push(app.issue(&seed.producer_token, &format!("L-{i}")).await);
    }
    (app, seed, issued)
}

async fn checkpoint_text(app: &TestApp) -> String {
    let (status, _, body) = app
        .raw(Request::get("/log/checkpoint").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    String::from_utf8(body.to_vec()).unwrap()
}
