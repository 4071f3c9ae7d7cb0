//! `origine audit`: re-verifies the whole register from the stored bytes — every hash,
//! signature and chain link — and names each entry that fails.

use serde::Serialize;
use serde_json::Value;

use crate::crypto::{Keyring, check_bundle, jcs};
use crate::store::{Result, Store};

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
        start += entries.len() as u64;
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
