//! How an append batch is decided, signed and hashed: pure, the same for every database.

use std::collections::{HashMap, HashSet};

use super::tree::TreeBatch;
use super::{LogEntry, LotRecord, NewEntry, Rejection, Result, SealFn, StoreError};
use crate::domain::{EntryKind, EntryStatus, LotCode, ProducerStatus};
use crate::log::merkle;

/// A row of `log_entries` to insert, and the lot it certifies (for certificates).
pub(super) struct PlannedEntry<'a> {
    pub entry: LogEntry,
    pub lot: Option<&'a LotRecord>,
}

/// What one append transaction writes.
pub(super) struct Plan<'a> {
    pub outcomes: Vec<Result<LogEntry, Rejection>>,
    pub rows: Vec<PlannedEntry<'a>>,
    pub size: u64,
    pub last_hash: String,
    /// GTINs (14 digits) first certified in this batch, and their producer.
    pub new_gtin_owners: Vec<(String, String)>,
}

/// What an append reads under the head lock before it decides.
pub(super) struct Known {
    /// (producer, lot code) pairs of the batch's lots already registered.
    pub taken: HashSet<(String, LotCode)>,
    /// Latest status of the batch's producers that have a status entry (others are
    /// accredited).
    pub producer_status: HashMap<String, ProducerStatus>,
    /// Subjects of the batch's status entries that have been revoked (revocation is final).
    pub revoked: HashSet<String>,
    /// Owners of the batch's GTINs (14 digits) that already have one.
    pub gtin_owners: HashMap<String, String>,
}

/// Producers whose certificates are in `batch`, for reading their status.
pub(super) fn batch_producers(batch: &[NewEntry]) -> Vec<&str> {
    let mut ids: Vec<&str> = batch
        .iter()
        .filter_map(|e| match e {
            NewEntry::Certificate { lot } => Some(lot.producer_id.as_str()),
            NewEntry::Status { .. } => None,
        })
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Decides, signs and hashes a batch in log order, the same for every database: duplicate
/// lot codes, lots with another producer's GTIN, lots of producers that are not accredited
/// (as of this transaction, and of the status entries earlier in the batch) and status changes of a revoked certificate or
/// producer are rejected without using a `seq`; each
/// accepted entry is sealed with the hash of the one before it and added to the tree.
pub(super) fn plan_append<'a>(
    batch: &'a [NewEntry],
    mut size: u64,
    mut last_hash: String,
    known: Known,
    tree: &mut TreeBatch,
    seal: &mut SealFn<'_>,
) -> Result<Plan<'a>> {
    let Known {
        taken: existing,
        mut producer_status,
        mut revoked,
        mut gtin_owners,
    } = known;
    let mut new_gtin_owners = Vec::new();
    let mut taken = HashSet::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rows = Vec::with_capacity(batch.len());
    for (i, item) in batch.iter().enumerate() {
        match item {
            NewEntry::Certificate { lot } => {
                if let Some(&status) = producer_status
                    .get(&lot.producer_id)
                    .filter(|s| **s != ProducerStatus::Accredited)
                {
                    outcomes.push(Err(Rejection::ProducerNotAccredited(status)));
                    continue;
                }
                let gtin = lot.gtin.as_ref().map(crate::domain::Gtin::to_gtin14);
                let owner = gtin.as_ref().and_then(|g| gtin_owners.get(g));
                if owner.is_some_and(|p| *p != lot.producer_id) {
                    outcomes.push(Err(Rejection::GtinOfAnotherProducer));
                    continue;
                }
                let key = (lot.producer_id.clone(), lot.lot_code.clone());
                if existing.contains(&key) || !taken.insert(key) {
                    outcomes.push(Err(Rejection::DuplicateLotCode));
                    continue;
                }
                if let Some(gtin) = gtin
                    && !gtin_owners.contains_key(&gtin)
                {
                    gtin_owners.insert(gtin.clone(), lot.producer_id.clone());
                    new_gtin_owners.push((gtin, lot.producer_id.clone()));
                }
            }
            NewEntry::Status { subject, status } if status.kind() != EntryKind::Key => {
                if revoked.contains(subject) {
                    outcomes.push(Err(Rejection::Revoked));
                    continue;
                }
                if status.is_revocation() {
                    revoked.insert(subject.clone());
                }
                if let EntryStatus::Producer(status) = status {
                    producer_status.insert(subject.clone(), *status);
                }
            }
            NewEntry::Status { .. } => {}
        }
        let sealed = seal(i, size, &last_hash).map_err(StoreError::Seal)?;
        tree.push(
            size,
            merkle::leaf_hash(sealed.body.as_bytes()),
            HashMap::new(),
        )?;
        let (kind, subject, status, lot) = match item {
            NewEntry::Certificate { lot } => (
                EntryKind::Certificate,
                lot.certificate_id.clone(),
                None,
                Some(&**lot),
            ),
            NewEntry::Status { subject, status } => {
                (status.kind(), subject.clone(), Some(*status), None)
            }
        };
        let entry = LogEntry {
            seq: size,
            kind,
            subject,
            status,
            body: sealed.body,
            hash: sealed.hash,
            signature: sealed.signature,
            kid: sealed.kid,
        };
        last_hash = entry.hash.clone();
        size += 1;
        outcomes.push(Ok(entry.clone()));
        rows.push(PlannedEntry { entry, lot });
    }
    Ok(Plan {
        outcomes,
        rows,
        size,
        last_hash,
        new_gtin_owners,
    })
}
