//! `origine audit`: re-verifies the whole register from the stored bytes — every hash,
//! signature and chain link — and names each entry that fails.

use serde::Serialize;
use serde_json::Value;

use std::collections::HashMap;

use crate::crypto::{Keyring, check_bundle, jcs};
use crate::log::merkle::{self, Hash, NodeId};
use crate::log::note::{self, Checkpoint, Note};
use crate::store::{Result, Store, StoredCheckpoint};

use super::report::bundle_of;

/// Entries read per round trip.
const PAGE: u64 = 1000;

/// One entry that failed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFailure {
    pub seq: i64,
    pub kind: String,
    pub subject: String,
    pub reason: String,
}

/// The outcome of an audit.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditReport {
    pub entries: u64,
    pub checkpoints: u64,
    pub failures: Vec<AuditFailure>,
}

impl AuditReport {
    /// True when nothing failed.
    pub fn is_clean(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Audits every entry of the log.
///
/// # Errors
/// Only storage failures; every problem in the data is an [`AuditFailure`].
pub async fn audit(store: &dyn Store, keys: &Keyring) -> Result<AuditReport> {
    let document = keys.document();
    let size = store.log_size().await?;
    let mut report = AuditReport::default();
    let mut prev_hash = jcs::ZERO_HASH.to_owned();
    let mut expected_seq: i64 = 0;
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
        for entry in &entries {
            let mut fail = |reason: String| {
                report.failures.push(AuditFailure {
                    seq: entry.seq,
                    kind: entry.kind.clone(),
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
            let actual_hash = jcs::sha256_hex(entry.body.as_bytes());
            if actual_hash != entry.hash {
                fail("stored hash does not match the stored bytes".into());
            }
            let bundle = bundle_of(entry);
            match &bundle.certificate {
                Value::Null => fail("stored body is not JSON".into()),
                body => {
                    if jcs::canonical(body).ok().as_deref() != Some(entry.body.as_bytes()) {
                        fail("stored body is not in canonical (JCS) form".into());
                    }
                    if body["seq"].as_i64() != Some(entry.seq) {
                        fail(format!(
                            "body says seq {}, stored at {}",
                            body["seq"], entry.seq
                        ));
                    }
                    if body["prev"].as_str() != Some(prev_hash.as_str()) {
                        fail(
                            "chain link broken: prev is not the hash of the previous entry".into(),
                        );
                    }
                }
            }
            let check = check_bundle(&bundle, &document);
            if !check.signature {
                fail(check.reasons.join("; "));
            }
            prev_hash = actual_hash;
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
                seq: i64::try_from(id.index << id.level).unwrap_or(i64::MAX),
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
            if body.origin != keys.issuer || Some(body.size) != u64::try_from(cp.size).ok() {
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
