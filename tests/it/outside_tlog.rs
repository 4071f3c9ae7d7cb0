//! Origine's transparency log read and written by an implementation we did not write:
//! Cloudflare's `signed_note` and `tlog_tiles` (a port of Go's `sumdb/note` and
//! `sumdb/tlog`). They verify Origine's checkpoint signature, authenticate its tiles
//! against the checkpoint, and check its tlog-proofs; the other way round, Origine's
//! witness and proof verifier accept notes and proofs they made.

use std::collections::HashMap;
use std::sync::Mutex;

use data_encoding::BASE64;
use ed25519_dalek::SigningKey;
use origine::domain::Role;
use origine::log::note::{self, Note};
use origine::log::policy::Policy;
use origine::log::proof::TlogProof;
use origine::service::witness;
use signed_note::{StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::{HashReader, Tile, TileHashReader, TileReader};

use crate::support::TestApp;

fn get(url: &str) -> (u16, Vec<u8>) {
    let mut res = ureq::get(url)
        .config()
        .http_status_as_error(false)
        .build()
        .call()
        .unwrap();
    (
        res.status().as_u16(),
        res.body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()
            .unwrap(),
    )
}

/// Reads Origine's tiles over HTTP at the C2SP tlog-tiles paths under `<base>/log`.
struct Tiles {
    base: String,
    fetched: Mutex<usize>,
}

impl TileReader for Tiles {
    fn height(&self) -> u8 {
        8
    }

    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, tlog_tiles::Error> {
        tiles
            .iter()
            .map(|t| {
                // The Go path is `tile/<H>/<L>/<N>[.p/<W>]`; C2SP drops the height.
                let path = t.path();
                let c2sp = path.strip_prefix("tile/8/").expect("height 8");
                let (status, body) = get(&format!("{}/log/tile/{c2sp}", self.base));
                *self.fetched.lock().unwrap() += 1;
                if status == 200 {
                    Ok(body)
                } else {
                    Err(tlog_tiles::Error::InvalidTile)
                }
            })
            .collect()
    }

    fn save_tiles(&self, _: &[Tile], _: &[Vec<u8>]) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudflare_tlog_reads_origine_checkpoints_tiles_and_proofs() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("log.db").display());
    let mut config = crate::support::config(&db, &dir);
    config.base_url = None;
    config.checkpoint_seconds = 3600;
    let log = origine::server::spawn(&config).await.unwrap();
    let base = format!("http://{}", log.addr);
    let admin = origine::service::tokens::create(&log.state.store, Role::Admin, None, None)
        .await
        .unwrap()
        .0;
    let app = TestApp::over(&log, config.clone());
    let producer = app.producer_token_for_seed(&admin).await;
    let mut ids = Vec::new();
    // More than one full tile of 256 entries, so the tiles have two levels.
    for i in 0..300 {
        let body = app.issue(&producer, &format!("T-{i}")).await;
        ids.push(
            body["bundle"]["certificate"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    origine::service::log::publish_checkpoint(&log.state.store, &log.state.keys.current())
        .await
        .unwrap();
    let keys = log.state.keys.current();
    let vkey = note::format_vkey(
        &keys.issuer,
        note::ALG_ED25519,
        keys.signer().verifying_key().as_bytes(),
    );
    let checked = tokio::task::spawn_blocking(move || {
        // The checkpoint: signed_note verifies the log's signature with our vkey.
        let (status, text) = get(&format!("{base}/log/checkpoint"));
        assert_eq!(status, 200);
        let parsed = signed_note::Note::from_bytes(&text).unwrap();
        let verifier = StandardVerifier::new(&vkey).unwrap();
        let (verified, _) = parsed
            .verify(&VerifierList::new(vec![Box::new(verifier)]))
            .unwrap();
        assert_eq!(verified.len(), 1);
        let cp = tlog_tiles::Checkpoint::from_bytes(parsed.text()).unwrap();
        assert!(cp.size() >= 300);

        // The tiles: tlog_tiles authenticates every tile it reads against the checkpoint.
        let tiles = Tiles {
            base: base.clone(),
            fetched: Mutex::new(0),
        };
        let reader = TileHashReader::new(cp.size(), *cp.hash(), &tiles);
        let root = tlog_tiles::tree_hash(cp.size(), &reader).unwrap();
        assert_eq!(root, *cp.hash());
        assert!(*tiles.fetched.lock().unwrap() >= 2, "tiles of two levels");

        // A tlog-proof of a certificate: tlog_tiles checks it, and proves the same record
        // from the tiles to the same proof.
        for id in [&ids[0], &ids[150], &ids[299]] {
            let (status, proof) = get(&format!("{base}/api/v1/certificates/{id}/proof"));
            assert_eq!(status, 200);
            let proof = TlogProof::parse(std::str::from_utf8(&proof).unwrap()).unwrap();
            let (_, bundle) = get(&format!("{base}/api/v1/certificates/{id}"));
            let bundle: serde_json::Value = serde_json::from_slice(&bundle).unwrap();
            let record = origine::crypto::jcs::canonical(&bundle["certificate"]).unwrap();
            let leaf = tlog_tiles::record_hash(&record);
            let theirs: Vec<tlog_tiles::Hash> =
                proof.proof.iter().map(|h| tlog_tiles::Hash(*h)).collect();
            tlog_tiles::check_record(&theirs, cp.size(), *cp.hash(), proof.index, leaf).unwrap();
            let proved = tlog_tiles::prove_record(cp.size(), proof.index, &reader).unwrap();
            assert_eq!(proved, theirs);
            // One changed hash and they refuse it too.
            let mut bad = theirs.clone();
            bad[0].0[0] ^= 1;
            assert!(
                tlog_tiles::check_record(&bad, cp.size(), *cp.hash(), proof.index, leaf).is_err()
            );
        }
        cp.size()
    })
    .await
    .unwrap();
    assert!(checked >= 300);
}

/// Stored hashes of a tree built by tlog_tiles, for its own proofs.
struct Stored(Mutex<HashMap<u64, tlog_tiles::Hash>>);

impl HashReader for Stored {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        let map = self.0.lock().unwrap();
        indexes
            .iter()
            .map(|i| {
                map.get(i)
                    .copied()
                    .ok_or(tlog_tiles::Error::IndexesNotInTree)
            })
            .collect()
    }
}

impl Stored {
    /// Appends `n` records `record <i>` the way a Go/Cloudflare log writes them.
    fn grown_to(n: u64) -> Self {
        let stored = Self(Mutex::new(HashMap::new()));
        for i in 0..n {
            let hashes =
                tlog_tiles::stored_hashes(i, format!("record {i}").as_bytes(), &stored).unwrap();
            let start = tlog_tiles::stored_hash_index(0, i);
            let mut map = stored.0.lock().unwrap();
            for (k, h) in hashes.into_iter().enumerate() {
                map.insert(start + k as u64, h);
            }
        }
        stored
    }
}

/// A checkpoint of `size` records signed by signed_note with a Go-format signer key.
fn their_checkpoint(seed: [u8; 32], origin: &str, size: u64, root: tlog_tiles::Hash) -> String {
    let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
    let mut material = vec![1u8];
    material.extend_from_slice(&public);
    let id = signed_note::key_id(origin, &material);
    let mut secret = vec![1u8];
    secret.extend_from_slice(&seed);
    let skey = format!("PRIVATE+KEY+{origin}+{id:08x}+{}", BASE64.encode(&secret));
    let signer = StandardSigner::new(&skey).unwrap();
    let text = tlog_tiles::Checkpoint::new(origin, size, root, "")
        .unwrap()
        .to_bytes();
    let mut n = signed_note::Note::new(&text, &[]).unwrap();
    n.add_sigs(&[&signer]).unwrap();
    String::from_utf8(n.to_bytes()).unwrap()
}

#[test]
fn origines_witness_and_verifier_accept_what_cloudflare_tlog_makes() {
    let origin = "cloudflare.test/log";
    let seed = [5u8; 32];
    let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
    let vkey = note::format_vkey(origin, note::ALG_ED25519, &public);
    let stored = Stored::grown_to(70);
    let root_at = |n| tlog_tiles::tree_hash(n, &stored).unwrap();

    // The witness: their checkpoint of 20, then of 70 with their consistency proof.
    let dir = tempfile::tempdir().unwrap();
    witness::keygen(&dir.path().join("w.key"), "cnel.test/witness").unwrap();
    std::fs::write(dir.path().join("logs"), format!("log {vkey}\n")).unwrap();
    let w = witness::open(
        &dir.path().join("w.key"),
        &dir.path().join("logs"),
        &dir.path().join("state"),
    )
    .unwrap();
    let first = format!(
        "old 0\n\n{}",
        their_checkpoint(seed, origin, 20, root_at(20))
    );
    w.add_checkpoint(first.as_bytes()).unwrap().unwrap();
    let proof = tlog_tiles::prove_tree(70, 20, &stored).unwrap();
    let mut body = "old 20\n".to_owned();
    for h in &proof {
        body.push_str(&BASE64.encode(&h.0));
        body.push('\n');
    }
    body.push('\n');
    body.push_str(&their_checkpoint(seed, origin, 70, root_at(70)));
    let line = w.add_checkpoint(body.as_bytes()).unwrap().unwrap();
    assert!(line.starts_with("— cnel.test/witness "));
    // Their next proof with its first hash left out is refused as inconsistent.
    let mut tampered = "old 70\n".to_owned();
    let proof_90 = Stored::grown_to(90);
    let good_90 = tlog_tiles::prove_tree(90, 70, &proof_90).unwrap();
    for h in good_90.iter().skip(1) {
        tampered.push_str(&BASE64.encode(&h.0));
        tampered.push('\n');
    }
    tampered.push('\n');
    tampered.push_str(&their_checkpoint(
        seed,
        origin,
        90,
        tlog_tiles::tree_hash(90, &proof_90).unwrap(),
    ));
    assert!(matches!(
        w.add_checkpoint(tampered.as_bytes()).unwrap(),
        Err(witness::Refusal::Inconsistent { .. })
    ));

    // Origine's tlog-proof verifier: their record proof against their checkpoint.
    let note_text = their_checkpoint(seed, origin, 70, root_at(70));
    let record_proof = tlog_tiles::prove_record(70, 33, &stored).unwrap();
    let proof = TlogProof {
        extra: None,
        index: 33,
        proof: record_proof.iter().map(|h| h.0).collect(),
        checkpoint: Note::parse(&note_text).unwrap(),
    };
    let policy = Policy::parse(&format!("log {vkey}\nquorum none\n")).unwrap();
    let leaf = tlog_tiles::record_hash(b"record 33").0;
    proof.verify(&leaf, &policy).unwrap();
    assert!(
        proof
            .verify(&tlog_tiles::record_hash(b"record 34").0, &policy)
            .is_err()
    );
}
