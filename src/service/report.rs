//! The verification report: every check SPEC names, computed from what the store holds.
//! A report says `valid` only when every check passed.

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::crypto::{Bundle, Keyring, check_bundle, jcs};
use crate::log::merkle;

use super::labels::{UnitScan, check_serial};
use crate::domain::{CertificateStatus, ProducerStatus, ReportStatus, SerialCheck, Subject};
use crate::store::{LogEntry, Result, Store};

/// Results of the individual checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Checks {
    /// The Ed25519 signature verifies under a key of the keys document that may verify it.
    pub signature: bool,
    /// `hash` is the SHA-256 of the body's JCS bytes.
    pub hash: bool,
    /// The body's `seq` is its log position and its `prev` the hash of the entry before.
    pub chain: bool,
    /// The entry is in the Merkle tree: of the latest checkpoint covering it, else of the
    /// tree as stored now.
    pub inclusion: bool,
    /// The producer's latest signed status is `accredited` (or it has none).
    pub producer_accredited: bool,
    /// `ok`, `not_serialised`, `unknown`, `out_of_range` or `suspicious`.
    pub serial: SerialCheck,
}

/// One status change, as history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatusChangeView {
    /// `certificate` or `producer`.
    pub subject: Subject,
    /// The status set: a certificate's or a producer's word.
    pub status: String,
    /// Why, as the admin wrote it for the public.
    pub reason: String,
    /// When it took effect: RFC 3339 UTC to the second.
    pub effective_at: String,
    /// The status entry's position in the log; the history is in this order.
    pub seq: u64,
}

/// `GET /api/v1/verify/{id}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Report {
    /// The certificate id asked about.
    pub id: String,
    /// `valid`, `suspended`, `revoked`; `suspicious` when the unit label looks copied;
    /// `invalid` when a check failed.
    pub status: ReportStatus,
    /// Each check on its own.
    pub checks: Checks,
    /// The signed certificate body, as stored.
    #[schema(value_type = Object)]
    pub certificate: Value,
    /// The certificate's and its producer's verified status entries, oldest first.
    pub status_history: Vec<StatusChangeView>,
    /// Every failed check and standing problem, in English sentences; empty when none.
    pub warnings: Vec<String>,
}

impl Report {
    /// True when the certificate can be trusted as it stands.
    pub fn is_valid(&self) -> bool {
        self.status == ReportStatus::Valid
    }
}

/// The bundle served for a stored entry.
pub fn bundle_of(entry: &LogEntry) -> Bundle {
    Bundle {
        certificate: serde_json::from_str(&entry.body).unwrap_or(Value::Null),
        hash: entry.hash.clone(),
        signature: entry.signature.clone(),
        kid: entry.kid.clone(),
        inclusion: None,
    }
}

/// Builds the report for certificate `id`, or `None` if there is no such certificate.
///
/// # Errors
/// Only storage failures; every problem with the certificate itself is a failed check.
pub async fn report(
    store: &Store,
    keys: &Keyring,
    id: &str,
    unit: Option<&UnitScan>,
) -> Result<Option<Report>> {
    build_report(store, &Trust::of(keys), id, unit).await
}

/// [`report`], against a keys document already built.
pub(crate) async fn build_report(
    store: &Store,
    trust: &Trust,
    id: &str,
    unit: Option<&UnitScan>,
) -> Result<Option<Report>> {
    let Some(entry) = store.certificate_entry(id).await? else {
        return Ok(None);
    };
    let document = &trust.document;
    let bundle = bundle_of(&entry);
    let key = trust.memo_key(&entry);
    let (check, chain, inclusion) = match remembered(&key) {
        Some(m) => (m.check, m.chain, m.inclusion),
        None => {
            let check = check_bundle(&bundle, document);
            let chain = chain_holds(store, &entry, &bundle.certificate).await?;
            let inclusion = inclusion_holds(store, &entry, document).await?;
            remember(
                key,
                Memo {
                    check: check.clone(),
                    chain,
                    inclusion,
                },
            );
            (check, chain, inclusion)
        }
    };
    let mut warnings = check.reasons.clone();
    let cert = &bundle.certificate;

    if !chain {
        warnings.push(format!("chain link broken at log entry {}", entry.seq));
    }
    if !inclusion {
        warnings.push(format!(
            "log entry {} is not in the signed Merkle tree",
            entry.seq
        ));
    }

    let mut history = signed_history(store, trust, Subject::Certificate, id, &mut warnings).await?;
    let producer_id = cert["producer"]["id"].as_str().unwrap_or_default();
    let producer_history =
        signed_history(store, trust, Subject::Producer, producer_id, &mut warnings).await?;
    // `None` when the latest signed entry names a status this version does not know.
    let producer_status = producer_history
        .last()
        .map_or(Some(ProducerStatus::Accredited), |s| {
            ProducerStatus::parse(&s.status)
        });
    let certificate_status = history.last().map_or(Some(CertificateStatus::Valid), |s| {
        CertificateStatus::parse(&s.status)
    });
    let producer_accredited = producer_status == Some(ProducerStatus::Accredited);
    if let Some(last) = producer_history.last()
        && !producer_accredited
    {
        warnings.push(format!("the producer is {}", last.status));
    }
    history.extend(producer_history);
    history.sort_by_key(|h| h.seq);

    let serial = match unit {
        None => SerialCheck::NotSerialised,
        Some(scan) => {
            let lot = store.lot_by_certificate(id).await?;
            check_serial(store, lot.as_ref(), id, scan, &mut warnings).await?
        }
    };
    let checks = Checks {
        signature: check.signature,
        hash: check.hash,
        chain,
        inclusion,
        producer_accredited,
        serial,
    };
    let integrity = checks.signature
        && checks.hash
        && checks.chain
        && checks.inclusion
        && serial.label_is_genuine();
    let status = match (certificate_status, producer_status) {
        (Some(c), Some(p)) if integrity => {
            if c == CertificateStatus::Revoked || p == ProducerStatus::Revoked {
                ReportStatus::Revoked
            } else if c == CertificateStatus::Suspended || p == ProducerStatus::Suspended {
                ReportStatus::Suspended
            } else if serial == SerialCheck::Suspicious {
                ReportStatus::Suspicious
            } else {
                ReportStatus::Valid
            }
        }
        // A failed check, or a status this version cannot read: nothing is vouched for.
        _ => ReportStatus::Invalid,
    };
    Ok(Some(Report {
        id: id.to_owned(),
        status,
        checks,
        certificate: bundle.certificate,
        status_history: history,
        warnings,
    }))
}

/// The chain: the body names its own position and the hash of the entry before it.
async fn chain_holds(store: &Store, entry: &LogEntry, cert: &Value) -> Result<bool> {
    let expected_prev = if entry.seq == 0 {
        Some(jcs::ZERO_HASH.to_owned())
    } else {
        let seq = entry.seq - 1;
        store
            .entries(seq, seq + 1)
            .await?
            .first()
            .map(|p| jcs::sha256_hex(p.body.as_bytes()))
    };
    Ok(cert["seq"].as_u64() == Some(entry.seq)
        && expected_prev.is_some()
        && cert["prev"].as_str() == expected_prev.as_deref())
}

/// What was found about an entry's own bytes, remembered per process: the entry's body,
/// hash, signature and kid, and the keys document, are the key, so a changed byte or a
/// withdrawn key is a different key and is checked afresh. Links to other entries (the
/// chain, the tree) are checked the first time; `origine audit` re-checks everything.
#[derive(Debug, Clone)]
struct Memo {
    check: crate::crypto::BundleCheck,
    chain: bool,
    inclusion: bool,
}

/// Entries remembered before the memory is cleared.
const MEMO_CAPACITY: usize = 200_000;

static MEMO: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<[u8; 32], Memo>>> =
    std::sync::LazyLock::new(Default::default);

/// The keys document a report checks against, and its digest.
pub(crate) struct Trust {
    document: crate::crypto::KeysDocument,
    pub(crate) fingerprint: [u8; 32],
}

impl Trust {
    pub(crate) fn of(keys: &Keyring) -> Self {
        use sha2::{Digest, Sha256};
        let document = keys.document();
        let fingerprint = Sha256::digest(serde_json::to_vec(&document).unwrap_or_default()).into();
        Self {
            document,
            fingerprint,
        }
    }

    /// What an entry's remembered checks are filed under: its bytes and these keys.
    fn memo_key(&self, entry: &LogEntry) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [&entry.body, &entry.hash, &entry.signature, &entry.kid] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(self.fingerprint);
        h.update(entry.seq.to_be_bytes());
        h.finalize().into()
    }
}

fn remembered(key: &[u8; 32]) -> Option<Memo> {
    MEMO.lock().ok()?.get(key).cloned()
}

fn remember(key: [u8; 32], memo: Memo) {
    if let Ok(mut m) = MEMO.lock() {
        if m.len() >= MEMO_CAPACITY {
            m.clear();
        }
        m.insert(key, memo);
    }
}

/// The entry's leaf is in the log's Merkle tree: against the latest signed checkpoint when
/// one covers it, else against the root of the tree as stored now.
async fn inclusion_holds(
    store: &Store,
    entry: &LogEntry,
    document: &crate::crypto::KeysDocument,
) -> Result<bool> {
    let bundle = super::log::bundle_with_inclusion(store, entry).await?;
    if bundle.inclusion.is_some() {
        return Ok(crate::crypto::check_inclusion(&bundle, document).is_ok());
    }
    let index = entry.seq;
    let size = store.log_size().await?;
    if index >= size {
        return Ok(false);
    }
    let root = super::log::root(store, size).await?;
    let proof = super::log::inclusion_proof(store, index, size).await?;
    let leaf = merkle::leaf_hash(entry.body.as_bytes());
    Ok(merkle::verify_inclusion(index, size, &leaf, &proof, &root).is_ok())
}

/// Status entries about `subject` whose signature verifies; others are reported and ignored.
async fn signed_history(
    store: &Store,
    trust: &Trust,
    about: Subject,
    subject: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<StatusChangeView>> {
    let mut out = Vec::new();
    for entry in store.status_entries(about.entry_kind(), subject).await? {
        let bundle = bundle_of(&entry);
        let key = trust.memo_key(&entry);
        let valid = match remembered(&key) {
            Some(m) => m.check.is_valid(),
            None => {
                let check = check_bundle(&bundle, &trust.document);
                let valid = check.is_valid();
                remember(
                    key,
                    Memo {
                        check,
                        chain: true,
                        inclusion: true,
                    },
                );
                valid
            }
        };
        if !valid {
            warnings.push(format!(
                "status entry {} does not verify and is ignored",
                entry.seq
            ));
            continue;
        }
        let body = &bundle.certificate;
        out.push(StatusChangeView {
            subject: about,
            status: body["status"].as_str().unwrap_or_default().to_owned(),
            reason: body["reason"].as_str().unwrap_or_default().to_owned(),
            effective_at: body["effective_at"].as_str().unwrap_or_default().to_owned(),
            seq: entry.seq,
        });
    }
    Ok(out)
}
