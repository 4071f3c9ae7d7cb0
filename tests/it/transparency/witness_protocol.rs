//! `origine witness serve` as C2SP tlog-witness: every status the spec gives, the state
//! across a restart, concurrent submissions that cannot roll it back, and malformed bodies
//! that change nothing.

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, header};
use data_encoding::BASE64;
use ed25519_dalek::SigningKey;
use origine::log::merkle::{EMPTY_ROOT, MemoryTree};
use origine::service::witness::{self, AddCheckpoint, Witness};
use tower::ServiceExt;

use super::*;

const ORIGIN: &str = "origine.test/log";

/// A log kept in memory, signing its checkpoints with a fixed key.
struct Log {
    key: SigningKey,
    tree: MemoryTree,
}

impl Log {
    fn new(seed: u8) -> Self {
        Self {
            key: SigningKey::from_bytes(&[seed; 32]),
            tree: MemoryTree::new(),
        }
    }

    fn vkey(&self) -> String {
        note::format_vkey(
            ORIGIN,
            note::ALG_ED25519,
            self.key.verifying_key().as_bytes(),
        )
    }

    fn grow_to(&mut self, size: u64) {
        while self.tree.size() < size {
            let n = self.tree.size();
            self.tree
                .push(merkle::leaf_hash(format!("entry {n}").as_bytes()));
        }
    }

    /// The signed checkpoint of the first `size` entries.
    fn checkpoint(&self, size: u64) -> Note {
        let prefix: MemoryTree = (0..size)
            .map(|n| merkle::leaf_hash(format!("entry {n}").as_bytes()))
            .collect();
        signed(&self.key, size, prefix.root(), &[])
    }

    fn request(&self, old: u64, size: u64) -> String {
        let proof = if old == 0 || old == size {
            Vec::new()
        } else {
            merkle::consistency_proof(old, size, &self.tree).unwrap()
        };
        AddCheckpoint {
            old,
            proof,
            note: self.checkpoint(size),
        }
        .render()
    }
}

fn signed(key: &SigningKey, size: u64, root: Hash, extensions: &[&str]) -> Note {
    let text = Checkpoint {
        origin: ORIGIN.into(),
        size,
        root,
        extensions: extensions.iter().map(|e| (*e).to_owned()).collect(),
    }
    .body();
    Note {
        signatures: vec![note::sign(&text, ORIGIN, key).unwrap()],
        text,
    }
}

struct Served {
    dir: tempfile::TempDir,
    vkey: String,
    witness: Option<Arc<Witness>>,
}

impl Served {
    fn start(log: &Log) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vkey = witness::keygen(&dir.path().join("w.key"), "cnel.test/witness").unwrap();
        std::fs::write(
            dir.path().join("logs"),
            format!("# witnessed\nlog {}\n", log.vkey()),
        )
        .unwrap();
        let mut served = Self {
            dir,
            vkey,
            witness: None,
        };
        served.restart();
        served
    }

    fn restart(&mut self) {
        self.witness = None; // releases the state directory's lock
        let p = self.dir.path();
        self.witness = Some(Arc::new(
            witness::open(&p.join("w.key"), &p.join("logs"), &p.join("state")).unwrap(),
        ));
    }

    async fn post(&self, body: impl Into<Bytes>) -> (StatusCode, HeaderMap, String) {
        let router = witness::server::router(self.witness.clone().unwrap());
        let res = router
            .oneshot(
                Request::post("/add-checkpoint")
                    .body(Body::from(body.into()))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
    }

    fn witnessed(&self) -> u64 {
        self.witness
            .as_ref()
            .unwrap()
            .witnessed(ORIGIN)
            .unwrap()
            .size
    }
}

/// A 200's body is the witness's cosignature line, valid over the checkpoint it was given.
fn assert_cosigned(served: &Served, checkpoint: &Note, answer: &(StatusCode, HeaderMap, String)) {
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.2);
    assert!(answer.2.starts_with("— cnel.test/witness ") && answer.2.ends_with('\n'));
    let cosigned = Note::parse(&format!("{}{}", checkpoint.render(), answer.2)).unwrap();
    let (name, _, public) = note::parse_vkey(&served.vkey).unwrap();
    let key = ed25519_dalek::VerifyingKey::from_bytes(&public).unwrap();
    note::verify_cosignature(&cosigned, &name, &key).unwrap();
}

#[tokio::test]
async fn the_witness_answers_every_status_of_the_spec() {
    let mut log = Log::new(1);
    log.grow_to(12);
    let served = Served::start(&log);

    // 200: the first checkpoint, from the empty tree.
    let answer = served.post(log.request(0, 5)).await;
    assert_cosigned(&served, &log.checkpoint(5), &answer);
    assert_eq!(served.witnessed(), 5);
    // 200: the same checkpoint again, and one that extends it with a proof.
    assert_eq!(served.post(log.request(5, 5)).await.0, StatusCode::OK);
    let answer = served.post(log.request(5, 12)).await;
    assert_cosigned(&served, &log.checkpoint(12), &answer);

    // 409 with the size: the old size is not what the witness last cosigned.
    let (status, headers, body) = served.post(log.request(5, 12)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(headers[header::CONTENT_TYPE], "text/x.tlog.size");
    assert_eq!(body, "12\n");
    // 409: the same size with another root (a fork).
    let fork = signed(&log.key, 12, [9; 32], &[]);
    let fork = AddCheckpoint {
        old: 12,
        proof: vec![],
        note: fork,
    }
    .render();
    assert_eq!(served.post(fork).await.0, StatusCode::CONFLICT);
    // 400: an old size above the checkpoint's.
    let shrunk = AddCheckpoint {
        old: 13,
        proof: vec![],
        note: log.checkpoint(12),
    }
    .render();
    assert_eq!(served.post(shrunk).await.0, StatusCode::BAD_REQUEST);
    // 404: a log this witness was not configured with, even signed by the right key.
    let other = Checkpoint {
        origin: "other.test/log".into(),
        size: 3,
        root: [1; 32],
        extensions: vec![],
    }
    .body();
    let other = Note {
        signatures: vec![note::sign(&other, "other.test/log", &log.key).unwrap()],
        text: other,
    };
    let other = AddCheckpoint {
        old: 0,
        proof: vec![],
        note: other,
    }
    .render();
    assert_eq!(served.post(other).await.0, StatusCode::NOT_FOUND);
    // 403: the configured origin, signed by a key the witness does not trust.
    let impostor = Log::new(2);
    let mut forged = impostor.checkpoint(12);
    forged.text = log.checkpoint(12).text;
    let forged = AddCheckpoint {
        old: 12,
        proof: vec![],
        note: forged,
    }
    .render();
    assert_eq!(served.post(forged).await.0, StatusCode::FORBIDDEN);
    // 403: an extension line added after the log signed.
    let mut extended = log.checkpoint(12);
    extended.text.push_str("added later\n");
    let extended = AddCheckpoint {
        old: 12,
        proof: vec![],
        note: extended,
    }
    .render();
    assert_eq!(served.post(extended).await.0, StatusCode::FORBIDDEN);
    // 422: a consistency proof that does not verify.
    log.grow_to(20);
    let mut bad = AddCheckpoint::parse(log.request(12, 20).as_bytes()).unwrap();
    bad.proof[0][0] ^= 1;
    assert_eq!(
        served.post(bad.render()).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(served.witnessed(), 12, "no refusal changed the state");
    assert_eq!(served.post(log.request(12, 20)).await.0, StatusCode::OK);
}

/// The size-0 fault: a checkpoint of the empty tree whose root is not SHA-256("") was
/// cosigned. It is a fork of the empty tree, refused with 409, whatever the proof.
#[tokio::test]
async fn an_empty_checkpoint_must_have_the_empty_root() {
    let log = Log::new(1);
    let served = Served::start(&log);
    for root in [[0u8; 32], [7; 32]] {
        let body = AddCheckpoint {
            old: 0,
            proof: vec![],
            note: signed(&log.key, 0, root, &[]),
        }
        .render();
        assert_eq!(served.post(body).await.0, StatusCode::CONFLICT);
    }
    let empty = AddCheckpoint {
        old: 0,
        proof: vec![],
        note: signed(&log.key, 0, EMPTY_ROOT, &[]),
    }
    .render();
    assert_eq!(served.post(empty).await.0, StatusCode::OK);
    // From the empty tree a proof must be empty.
    let mut log = log;
    log.grow_to(4);
    let padded = log.request(0, 4).replacen(
        "old 0\n",
        &format!("old 0\n{}\n", BASE64.encode(&[0u8; 32])),
        1,
    );
    assert_eq!(
        served.post(padded).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(served.witnessed(), 0);
}

#[tokio::test]
async fn malformed_requests_are_400_and_change_nothing() {
    let mut log = Log::new(1);
    log.grow_to(8);
    let served = Served::start(&log);
    assert_eq!(served.post(log.request(0, 3)).await.0, StatusCode::OK);
    let good = log.request(3, 8);
    let hash_line = format!("{}\n", BASE64.encode(&[1u8; 32]));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "64 proof lines",
            good.replacen("old 3\n", &format!("old 3\n{}", hash_line.repeat(64)), 1)
                .into_bytes(),
        ),
        (
            "a bad base64 line",
            good.replacen("old 3\n", "old 3\n!!!not base64!!!\n", 1)
                .into_bytes(),
        ),
        (
            "a hash of 31 bytes",
            good.replacen(
                "old 3\n",
                &format!("old 3\n{}\n", BASE64.encode(&[1u8; 31])),
                1,
            )
            .into_bytes(),
        ),
        ("no blank line", good.replacen("\n\n", "\n", 1).into_bytes()),
        ("no old line", good.replacen("old 3\n", "", 1).into_bytes()),
        (
            "old with a leading zero",
            good.replacen("old 3", "old 03", 1).into_bytes(),
        ),
        (
            "old not a number",
            good.replacen("old 3", "old three", 1).into_bytes(),
        ),
        (
            "not UTF-8",
            [b"old 3\n\n".as_slice(), &[0xff, 0xfe]].concat(),
        ),
        (
            "a 1 MiB body",
            format!("{good}{}", "x".repeat(1 << 20)).into_bytes(),
        ),
        ("empty", Vec::new()),
        (
            "no signature",
            format!("old 3\n\n{}\n", log.checkpoint(8).text).into_bytes(),
        ),
    ];
    for (case, body) in cases {
        let (status, _, text) = served.post(body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}: {text}");
        assert_eq!(served.witnessed(), 3, "{case} changed the state");
    }
    assert_eq!(served.post(good).await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_state_survives_a_restart_and_one_directory_serves_one_witness() {
    let mut log = Log::new(1);
    log.grow_to(9);
    let mut served = Served::start(&log);
    assert_eq!(served.post(log.request(0, 6)).await.0, StatusCode::OK);
    let p = served.dir.path().to_owned();
    let second = witness::open(&p.join("w.key"), &p.join("logs"), &p.join("state"));
    assert!(second.unwrap_err().to_string().contains("in use"));
    served.restart();
    let (status, _, body) = served.post(log.request(0, 9)).await;
    assert_eq!((status, body.as_str()), (StatusCode::CONFLICT, "6\n"));
    assert_eq!(served.post(log.request(6, 9)).await.0, StatusCode::OK);
    // What is on disk is the log's signed note, readable by hand, and nothing else.
    let files: Vec<_> = std::fs::read_dir(p.join("state"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "lock")
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let stored = std::fs::read_to_string(p.join("state").join(&files[0])).unwrap();
    assert_eq!(stored, log.checkpoint(9).render());
}

/// The spec's race: two submissions against the same old size. One wins; the other gets
/// 409 and cannot take the state back to its smaller tree.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_submissions_cannot_roll_the_state_back() {
    let mut log = Log::new(1);
    log.grow_to(400);
    let served = Arc::new(Served::start(&log));
    let mut old = 0;
    for round in 0..20u64 {
        let small = old + 1 + round % 3;
        let large = small + 5;
        let (a, b) = tokio::join!(
            served.post(log.request(old, small)),
            served.post(log.request(old, large)),
        );
        let ok: Vec<u64> = [(a.0, small), (b.0, large)]
            .into_iter()
            .filter(|(s, _)| *s == StatusCode::OK)
            .map(|(_, size)| size)
            .collect();
        assert_eq!(
            ok.len(),
            1,
            "round {round}: exactly one wins ({} / {})",
            a.0,
            b.0
        );
        assert_eq!(served.witnessed(), ok[0], "round {round}");
        for answer in [&a, &b] {
            if answer.0 != StatusCode::OK {
                assert_eq!(answer.0, StatusCode::CONFLICT);
                assert_eq!(answer.2, format!("{}\n", ok[0]));
            }
        }
        old = ok[0];
    }
}

/// The rename fault: a log that renamed itself once used to wipe the witness's memory, so a
/// fork it had refused was then cosigned. The witness knows logs only by the origins it was
/// configured with: a renamed log is unknown (404) and the refused fork stays refused.
#[tokio::test]
async fn a_log_that_renames_itself_learns_nothing_and_wipes_nothing() {
    let mut log = Log::new(1);
    log.grow_to(10);
    let served = Served::start(&log);
    assert_eq!(served.post(log.request(0, 10)).await.0, StatusCode::OK);
    let renamed = |size: u64, root: Hash| {
        let text = Checkpoint {
            origin: "origine.test/log-v2".into(),
            size,
            root,
            extensions: vec![],
        }
        .body();
        let note = Note {
            signatures: vec![note::sign(&text, "origine.test/log-v2", &log.key).unwrap()],
            text,
        };
        AddCheckpoint {
            old: 0,
            proof: vec![],
            note,
        }
        .render()
    };
    assert_eq!(
        served.post(renamed(3, [4; 32])).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        served.witnessed(),
        10,
        "the configured log's state is intact"
    );
    // A fork of the configured log, before and after the rename attempt: refused.
    let fork = AddCheckpoint {
        old: 10,
        proof: vec![],
        note: signed(&log.key, 10, [8; 32], &[]),
    }
    .render();
    assert_eq!(served.post(fork).await.0, StatusCode::CONFLICT);
    assert_eq!(served.witnessed(), 10);
}
