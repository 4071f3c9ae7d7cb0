//! Registering a lot: the rules that need the store, then signing and committing.

use crate::domain::certificate::CertificateDraft;
use crate::domain::lot::ValidLot;
use crate::domain::{ValidationErrors, ids};
use crate::store::{LogEntry, LotRecord, NewEntry, Store, StoreError};

use super::issuer::{Draft, IssueError, Issuer};

/// Why a lot was not registered. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// Fields that fail the rules, each named (an institute the producer does not work in
    /// included).
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// The producer does not exist or is not accredited; the string says which.
    #[error("{0}")]
    NotAllowed(String),
    /// The certificate was not appended to the log.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// Storage failed, or a unique value is taken ([`StoreError::Conflict`]).
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Accredits a producer in the institutes it names; unknown institute codes are named by
/// their position in the request.
///
/// # Errors
/// Invalid fields, unknown institutes, a VAT number already registered, storage failures.
pub async fn accredit_producer(
    store: &Store,
    request: crate::domain::producer::ProducerRequest,
) -> Result<crate::domain::producer::Producer, RegisterError> {
    let requested = request.institutes.clone();
    let producer = crate::domain::producer::NewProducer::parse(request)?;
    let mut unknown = Vec::new();
    for (i, code) in requested.iter().enumerate() {
        if store.institute(code.trim()).await?.is_none() {
            unknown.push(crate::domain::FieldError {
                field: format!("institutes[{i}]"),
                message: format!("no institute with code {code:?}"),
            });
        }
    }
    if !unknown.is_empty() {
        return Err(ValidationErrors(unknown).into());
    }
    let id = ids::short_id();
    store
        .insert_producer(&id, &producer, &crate::time_fmt::now())
        .await?;
    store
        .producer(&id)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a producer vanished after its insert".into()).into())
}

/// Registers `lot` for `producer_id` and certifies it; returns once committed.
///
/// # Errors
/// The producer is not accredited or does not work in the institute, the lot code is
/// taken, or storage failed.
pub async fn register_lot(
    store: &Store,
    issuer: &Issuer,
    producer_id: &str,
    lot: ValidLot,
) -> Result<(LotRecord, LogEntry), RegisterError> {
    let directory = issuer.directory();
    let producer = directory
        .producer(store, producer_id)
        .await?
        .ok_or_else(|| RegisterError::NotAllowed("this producer does not exist".into()))?;
    if !producer.is_accredited() {
        return Err(RegisterError::NotAllowed(format!(
            "the producer is {}: it cannot certify new lots",
            producer.status
        )));
    }
    let institute = match directory.institute(store, &lot.institute).await? {
        Some(i) if producer.institutes.contains(&i.code) => i,
        Some(_) => {
            return Err(ValidationErrors::one(
                "institute",
                "the producer does not work in this institute",
            )
            .into());
        }
        None => {
            return Err(ValidationErrors::one("institute", "no institute with this code").into());
        }
    };
    let certificate_id = ids::certificate_id();
    let record = LotRecord {
        id: ids::short_id(),
        producer_id: producer.id.clone(),
        institute: institute.code.clone(),
        lot_code: lot.lot_code.clone(),
        product_name: lot.product.name.clone(),
        product_category: lot.product.category.clone(),
        gtin: lot.product.gtin.clone(),
        quantity: lot.quantity,
        unit: lot.unit.clone(),
        produced_from: lot.produced_from.clone(),
        produced_to: lot.produced_to.clone(),
        serialised: lot.serialised,
        certificate_id: certificate_id.clone(),
        created_at: crate::time_fmt::now(),
        label_secret: Some(ids::random_hex(32)),
    };
    let draft = CertificateDraft::new(certificate_id, &lot, &producer, &institute);
    let entry = issuer
        .issue(
            NewEntry::Certificate {
                lot: Box::new(record.clone()),
            },
            Draft::Certificate(Box::new(draft)),
        )
        .await?;
    Ok((record, entry))
}
