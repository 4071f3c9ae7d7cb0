//! A buyer's watch list: replaced whole (JSON or CSV), read with each item's current
//! status (its webhooks are `service::webhooks`). Every operation takes the buyer's
//! account id, so a buyer can only ever reach its own list.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::watch::WatchList;
use crate::domain::{CertificateStatus, EntryKind, EntryStatus, Subject, ValidationErrors, ids};
use crate::store::{Store, StoreError};
use crate::{csv, time_fmt};

/// Why a buyer's operation did not happen. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum BuyerError {
    /// Bad input, each field named.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Not this buyer's, or not there: the field names the id.
    #[error("{detail}")]
    NotFound {
        /// The field holding the id.
        field: &'static str,
        /// What was not found.
        detail: String,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One watched certificate or producer, as it stands now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchedItem {
    /// `certificate` or `producer`.
    pub kind: Subject,
    /// Its id.
    pub id: String,
    /// The product's name (certificates) or the producer's.
    pub name: String,
    /// The producer's name.
    pub producer: String,
    /// The current status: `valid`, `suspended` or `revoked` for a certificate,
    /// `accredited`, `suspended` or `revoked` for a producer.
    pub status: String,
    /// The public page to check it on.
    pub url: String,
    /// When it was put on the list (RFC 3339).
    pub added_at: String,
}

/// A buyer's watch list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WatchListView {
    /// Certificates first, then producers.
    pub items: Vec<WatchedItem>,
}

/// Replaces the buyer's watch list; every id must exist.
///
/// # Errors
/// Each unknown id, named by its field; storage failures.
pub async fn replace(store: &Store, buyer_id: &str, list: WatchList) -> Result<(), BuyerError> {
    let mut missing = ValidationErrors(Vec::new());
    for (subject, id, field) in &list.0 {
        let exists = match subject {
            Subject::Certificate => store.certificate_entry(id).await?.is_some(),
            Subject::Producer => store.producer(id).await?.is_some(),
        };
        if !exists {
            missing.0.push(crate::domain::FieldError {
                field: field.clone(),
                message: format!("no {subject} with this id"),
            });
        }
    }
    if !missing.0.is_empty() {
        return Err(missing.into());
    }
    let items: Vec<_> = list.0.into_iter().map(|(s, id, _)| (s, id)).collect();
    store
        .replace_watch_list(buyer_id, &items, &time_fmt::now())
        .await?;
    Ok(())
}

/// The buyer's watch list with each item's current status.
///
/// # Errors
/// Storage failures, or a certificate body that does not read.
pub async fn view(
    store: &Store,
    buyer_id: &str,
    base_url: &str,
) -> Result<WatchListView, BuyerError> {
    let mut items = Vec::new();
    for item in store.watch_list(buyer_id).await? {
        let (name, producer, status, url) = match item.kind {
            Subject::Certificate => {
                let (product, producer) = certificate_names(store, &item.subject).await?;
                let status = store
                    .status_entries(EntryKind::CertificateStatus, &item.subject)
                    .await?
                    .last()
                    .and_then(|e| e.status)
                    .map_or(CertificateStatus::Valid.as_str(), EntryStatus::as_str);
                let url = format!("{base_url}/c/{}", item.subject);
                (product, producer, status.to_owned(), url)
            }
            Subject::Producer => {
                let producer = store.producer(&item.subject).await?;
                let name = producer
                    .as_ref()
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                let status = producer
                    .map(|p| p.status.as_str().to_owned())
                    .unwrap_or_default();
                let url = format!("{base_url}/producers/{}", item.subject);
                (name.clone(), name, status, url)
            }
        };
        items.push(WatchedItem {
            kind: item.kind,
            id: item.subject,
            name,
            producer,
            status,
            url,
            added_at: item.added_at,
        });
    }
    Ok(WatchListView { items })
}

/// The product's and the producer's names a certificate was issued with.
///
/// # Errors
/// Storage failures.
pub async fn certificate_names(store: &Store, id: &str) -> Result<(String, String), StoreError> {
    let Some(entry) = store.certificate_entry(id).await? else {
        return Ok((String::new(), String::new()));
    };
    let body: serde_json::Value = serde_json::from_str(&entry.body)
        .map_err(|e| StoreError::Corrupt(format!("certificate {id}: {e}")))?;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
    Ok((
        text(&body["product"]["name"]),
        text(&body["producer"]["name"]),
    ))
}

/// The watch list as CSV: `kind,id,name,producer,status,url,added_at`, every text cell
/// spreadsheet-safe. [`import_csv`] reads it back.
pub fn to_csv(view: &WatchListView) -> String {
    let mut out = csv::row(&[
        "kind", "id", "name", "producer", "status", "url", "added_at",
    ]);
    for i in &view.items {
        out.push_str(&csv::row(&[
            i.kind.as_str(),
            &i.id,
            &i.name,
            &i.producer,
            &i.status,
            &i.url,
            &i.added_at,
        ]));
    }
    out
}

/// Reads a watch list from CSV: a header row naming an `id` column and, optionally, a
/// `kind` column (`certificate` or `producer`; without it, each id is looked up as a
/// certificate, then as a producer). Other columns are ignored, so an export reads back.
///
/// # Errors
/// No `id` column, or a bad kind or id, named by its line (`lines[3].id`).
pub async fn import_csv(store: &Store, bytes: &[u8]) -> Result<WatchList, BuyerError> {
    use super::delivery::{cells, decode, separator};
    let text = decode(bytes);
    let sep = separator(&text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let header = lines.next().map(|(_, l)| cells(l, sep)).unwrap_or_default();
    let column = |name: &str| {
        header
            .iter()
            .position(|c| c.trim().eq_ignore_ascii_case(name))
    };
    let Some(id_column) = column("id") else {
        return Err(ValidationErrors::one("csv", "the first row must name an `id` column").into());
    };
    let kind_column = column("kind");
    let mut request = crate::domain::watch::WatchListRequest::default();
    let mut errors = ValidationErrors(Vec::new());
    for (n, line) in lines {
        let row = cells(line, sep);
        let field = |what: &str| format!("lines[{}].{what}", n + 1);
        let id = row
            .get(id_column)
            .map(|c| c.trim().to_ascii_lowercase())
            .unwrap_or_default();
        let kind = match kind_column.and_then(|k| row.get(k)).map(|k| k.trim()) {
            Some(word) => match Subject::parse(word) {
                Some(kind) => kind,
                None => {
                    errors.0.push(crate::domain::FieldError {
                        field: field("kind"),
                        message: "must be certificate or producer".into(),
                    });
                    continue;
                }
            },
            None if store.certificate_entry(&id).await?.is_some() => Subject::Certificate,
            None => Subject::Producer,
        };
        if !ids::is_valid_id(&id) {
            errors.0.push(crate::domain::FieldError {
                field: field("id"),
                message: "is not an id".into(),
            });
            continue;
        }
        match kind {
            Subject::Certificate => request.certificates.push(id),
            Subject::Producer => request.producers.push(id),
        }
    }
    if !errors.0.is_empty() {
        return Err(errors.into());
    }
    Ok(WatchList::parse(request)?)
}
