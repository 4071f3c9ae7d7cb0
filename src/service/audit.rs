//! `origine audit`: re-verifies the whole register from the stored bytes — every hash,
//! signature and chain link — and names each entry that fails.

use serde::Serialize;

use std::collections::HashMap;

use ed25519_dalek::{Signature, VerifyingKey};

use crate::crypto::bundle::{BAD_SIGNATURE, Prepared, prepare};
use crate::crypto::{Keyring, KeysDocument, jcs};
use crate::log::merkle::{self, Hash, NodeId};
use crate::log::note::{self, Checkpoint, Note};
use crate::store::{LogEntry, Result, Store, StoredCheckpoint};

use super::report::bundle_of;

/// Entries read per round trip.
const PAGE: u64 = 1000;

/// One entry that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFailure {
    /// The entry's position; for a tree node its first leaf, for a checkpoint its size,
    /// for the log the next position expected.
    pub seq: u64,
    /// The entry's kind, or `tree`, `checkpoint` or `log`.
    pub kind: String,
    /// What the entry is about (certificate or producer id, kid), `node L/N`, `size N`,
    /// or empty for the log.
    pub subject: String,
    /// What is wrong, in a sentence.
    pub reason: String,
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    /// Log entries read.
    pub entries: u64,
    /// Stored checkpoints checked.
    pub checkpoints: u64,
    /// Everything that failed, in the order found.
    pub failures: Vec<AuditFailure>,
}

impl AuditReport {
    /// True when nothing failed.
    pub fn is_clean(&self) -> bool {
        self.failures.is_empty()
    }
}

/// The last audit a running server made of its own register, for the auditor's
/// integrity panel.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRun {
    /// When it finished (RFC 3339).
    pub at: String,
    /// Log entries read; 0 when it could not run.
    pub entries: u64,
    /// Stored checkpoints checked; 0 when it could not run.
    pub checkpoints: u64,
    /// True when it ran and nothing failed.
    pub clean: bool,
    /// The first failures (at most 20) when not clean.
    pub failures: Vec<AuditFailure>,
    /// How many failures there were in all.
    pub failure_count: usize,
    /// How long it took, in milliseconds.
    pub millis: u128,
    /// Why the audit could not run at all (storage failure), if it could not.
    pub error: Option<String>,
}

/// Where the server keeps its latest [`AuditRun`].
pub type LastAudit = std::sync::Arc<std::sync::RwLock<Option<AuditRun>>>;

/// Runs [`audit`] now and then every `interval`, keeping the latest outcome in `last`.
pub fn spawn_auditor(
    store: std::sync::Arc<Store>,
    keys: std::sync::Arc<crate::crypto::KeyHandle>,
    interval: std::time::Duration,
    last: LastAudit,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let started = std::time::Instant::now();
            let outcome = audit(&store, &keys.current()).await;
            let run = match outcome {
                Ok(report) => {
                    if !report.is_clean() {
                        tracing::error!(
                            failures = report.failures.len(),
                            "the register failed its audit"
                        );
                    }
                    AuditRun {
                        at: crate::time_fmt::now(),
                        entries: report.entries,
                        checkpoints: report.checkpoints,
                        clean: report.is_clean(),
                        failure_count: report.failures.len(),
                        failures: report.failures.into_iter().take(20).collect(),
                        millis: started.elapsed().as_millis(),
                        error: None,
                    }
                }
                Err(e) => AuditRun {
                    at: crate::time_fmt::now(),
                    entries: 0,
                    checkpoints: 0,
                    clean: false,
                    failures: Vec::new(),
                    failure_count: 0,
                    millis: started.elapsed().as_millis(),
                    error: Some(e.to_string()),
                },
            };
            if let Ok(mut slot) = last.write() {
                *slot = Some(run);
            }
        }
    });
}

/// Audits every entry of the log.
///
/// # Errors
/// Only storage failures; every problem in the data is an [`AuditFailure`].
pub async fn audit(store: &Store, keys: &Keyring) -> Result<AuditReport> {
    let document = keys.document();
    let size = store.log_size().await?;
    let mut report = AuditReport::default();
    let mut prev_hash = jcs::ZERO_HASH.to_owned();
    let mut expected_seq: u64 = 0;
    let mut start = 0;
    let mut tree = Frontier::default();
    let checkpoints = store.checkpoints().await?;
    let mut next_checkpoint = checkpoints.iter().peekable();
    // Checkpoints of the empty tree come before any entry.
    while let Some(cp) = next_checkpoint.next_if(|c| c.size == 0) {
        check_checkpoint(&mut report, keys, cp, &tree);
    }
    while start < size {
        let entries = store.entries(start, (start + PAGE).min(size)).await?;
        if entries.is_empty() {
            break;
        }
        let checked = check_entries(&entries, &document);
        for (entry, checked) in entries.iter().zip(checked) {
            let mut fail = |reason: String| {
                report.failures.push(AuditFailure {
                    seq: entry.seq,
                    kind: entry.kind.to_string(),
                    subject: entry.subject.clone(),
                    reason,
                });
            };
            if entry.seq != expected_seq {
                fail(format!(
                    "expected entry {expected_seq}, found {}",
                    entry.seq
                ));
            }
            expected_seq = entry.seq + 1;
            if checked.hash != entry.hash {
                fail("stored hash does not match the stored bytes".into());
            }
            if checked.seq != Some(entry.seq) {
                fail(format!(
                    "body says seq {:?}, stored at {}",
                    checked.seq, entry.seq
                ));
            }
            if checked.prev.as_deref() != Some(prev_hash.as_str()) {
                fail("chain link broken: prev is not the hash of the previous entry".into());
            }
            for problem in checked.problems {
                fail(problem);
            }
            prev_hash = checked.hash;
            report.entries += 1;
        }
        // Recompute the tree from the stored bytes and compare every stored node with it.
        let mut made = Vec::new();
        for entry in &entries {
            made.extend(tree.push(merkle::leaf_hash(entry.body.as_bytes()))?);
            while let Some(cp) = next_checkpoint.next_if(|c| c.size == entry.seq + 1) {
                check_checkpoint(&mut report, keys, cp, &tree);
            }
        }
        let ids: Vec<NodeId> = made.iter().map(|(id, _)| *id).collect();
        let stored = store.nodes(&ids).await?;
        for (id, hash) in made {
            let reason = match stored.get(&id) {
                Some(h) if *h == hash => continue,
                Some(_) => "stored tree node differs from the hash recomputed from the entries",
                None => "stored tree node is missing",
            };
            report.failures.push(AuditFailure {
                seq: id.index << id.level,
                kind: "tree".into(),
                subject: format!("node {}/{}", id.level, id.index),
                reason: reason.into(),
            });
        }
        start += entries.len() as u64;
    }
    for cp in next_checkpoint {
        report.failures.push(AuditFailure {
            seq: cp.size,
            kind: "checkpoint".into(),
            subject: format!("size {}", cp.size),
            reason: format!(
                "signed for {} entries but the log has {}",
                cp.size, report.entries
            ),
        });
    }
    if report.entries != size {
        report.failures.push(AuditFailure {
            seq: expected_seq,
            kind: "log".into(),
            subject: String::new(),
            reason: format!("log head says {size} entries, found {}", report.entries),
        });
    }
    Ok(report)
}

/// The right edge of the tree being recomputed: just the nodes later appends can need.
#[derive(Debug, Default)]
struct Frontier {
    size: u64,
    nodes: HashMap<NodeId, Hash>,
}

impl Frontier {
    /// Appends a leaf; returns the nodes it completes.
    fn push(&mut self, leaf: Hash) -> Result<Vec<(NodeId, Hash)>> {
        let made = merkle::append(self.size, leaf, &self.nodes)?;
        self.nodes.extend(made.iter().copied());
        self.size += 1;
        let keep = merkle::root_needs(self.size);
        self.nodes.retain(|id, _| keep.contains(id));
        Ok(made)
    }

    fn root(&self) -> Option<Hash> {
        merkle::root(self.size, &self.nodes).ok()
    }
}

/// A stored checkpoint must be signed by the issuer and name the root recomputed here.
fn check_checkpoint(
    report: &mut AuditReport,
    keys: &Keyring,
    cp: &StoredCheckpoint,
    tree: &Frontier,
) {
    report.checkpoints += 1;
    let mut fail = |reason: String| {
        report.failures.push(AuditFailure {
            seq: cp.size,
            kind: "checkpoint".into(),
            subject: format!("size {}", cp.size),
            reason,
        });
    };
    let Ok(parsed) = Note::parse(&cp.note) else {
        return fail("stored checkpoint is not a signed note".into());
    };
    let signed = keys
        .verifying_keys()
        .any(|(_, key)| note::verify(&parsed, &keys.issuer, &key).is_ok());
    if !signed {
        fail("checkpoint signature does not verify under the issuer's keys".into());
    }
    match Checkpoint::parse(&parsed.text) {
        Ok(body) => {
            let recomputed = tree.root();
            if body.origin != keys.issuer || body.size != cp.size {
                fail("checkpoint names another log or size".into());
            } else if recomputed != Some(body.root) {
                fail("checkpoint root differs from the root recomputed from the entries".into());
            } else if cp.root != data_encoding::HEXLOWER.encode(&body.root) {
                fail("stored root column differs from the signed checkpoint".into());
            }
        }
        Err(e) => fail(format!("checkpoint body: {e}")),
    }
}

/// What can be checked of one entry without knowing the entries before it.
#[derive(Debug, Default)]
struct Checked {
    /// Hex SHA-256 of the stored bytes.
    hash: String,
    seq: Option<u64>,
    prev: Option<String>,
    problems: Vec<String>,
}

/// Checks a page of entries on every core: canonical form, key and signature (verified as
/// one Ed25519 batch per core, entry by entry only if the batch fails).
fn check_entries(entries: &[LogEntry], document: &KeysDocument) -> Vec<Checked> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = entries.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = entries
            .chunks(chunk)
            .map(|c| (c.len(), scope.spawn(move || check_chunk(c, document))))
            .collect();
        handles
            .into_iter()
            .flat_map(|(len, h)| {
                h.join().unwrap_or_else(|_| {
                    (0..len)
                        .map(|_| Checked {
                            problems: vec!["the audit could not check this entry".into()],
                            ..Checked::default()
                        })
                        .collect()
                })
            })
            .collect()
    })
}

fn check_chunk(entries: &[LogEntry], document: &KeysDocument) -> Vec<Checked> {
    let mut out = Vec::with_capacity(entries.len());
    let mut batch: Vec<(usize, Prepared)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let bundle = bundle_of(entry);
        let mut checked = Checked {
            hash: jcs::sha256_hex(entry.body.as_bytes()),
            seq: bundle.certificate["seq"].as_u64(),
            prev: bundle.certificate["prev"].as_str().map(str::to_owned),
            problems: Vec::new(),
        };
        if bundle.certificate.is_null() {
            checked.problems.push("stored body is not JSON".into());
        }
        let prepared = prepare(&bundle, document);
        if !bundle.certificate.is_null() && prepared.bytes != entry.body.as_bytes() {
            checked
                .problems
                .push("stored body is not in canonical (JCS) form".into());
        }
        if prepared.signed.is_none() {
            // No usable key or signature: say why.
            checked.problems.extend(
                prepared
                    .reasons
                    .iter()
                    .filter(|r| !r.starts_with("hash"))
                    .cloned(),
            );
        } else {
            batch.push((i, prepared));
        }
        out.push(checked);
    }
    let signed: Vec<(&[u8], Signature, VerifyingKey)> = batch
        .iter()
        .filter_map(|(_, p)| p.signed.map(|(sig, key)| (p.bytes.as_slice(), sig, key)))
        .collect();
    let messages: Vec<&[u8]> = signed.iter().map(|(m, _, _)| *m).collect();
    let signatures: Vec<Signature> = signed.iter().map(|(_, s, _)| *s).collect();
    let keys: Vec<VerifyingKey> = signed.iter().map(|(_, _, k)| *k).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_err() {
        for (i, p) in &batch {
            if let Some((sig, key)) = p.signed
                && key.verify_strict(&p.bytes, &sig).is_err()
            {
                out[*i].problems.push(BAD_SIGNATURE.into());
            }
        }
    }
    out
}
