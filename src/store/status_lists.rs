//! What the W3C status lists are derived from: the status entries bearing on the
//! certificates of a range of the log, and the shared secret that places their bits.

use super::{Result, Store, StoreError, count, db_int, on_pool};
use crate::domain::{EntryKind, EntryStatus};

/// One status entry bearing on a certificate: its own, or its producer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMark {
    /// The log index of the certificate's entry.
    pub certificate_seq: u64,
    /// The status the entry records.
    pub status: EntryStatus,
}

impl Store {
    /// Every status entry about a certificate whose own entry has `start <= seq < end`, or
    /// about its producer, oldest first.
    ///
    /// # Errors
    /// Database failures, or a status word the entry's kind does not have.
    pub async fn status_marks(&self, start: u64, end: u64) -> Result<Vec<StatusMark>> {
        let rows: Vec<(i64, i64, EntryKind, String)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT s.seq, c.seq, s.kind, s.status FROM log_entries s \
                 JOIN log_entries c ON c.subject = s.subject AND c.kind = 'certificate' \
                 WHERE s.kind = 'certificate_status' AND c.seq >= $1 AND c.seq < $2 \
                 UNION ALL \
                 SELECT s.seq, c.seq, s.kind, s.status FROM log_entries s \
                 JOIN lots l ON l.producer_id = s.subject \
                 JOIN log_entries c ON c.subject = l.certificate_id AND c.kind = 'certificate' \
                 WHERE s.kind = 'producer_status' AND c.seq >= $1 AND c.seq < $2 \
                 ORDER BY 1",
            )
            .bind(db_int(start))
            .bind(db_int(end))
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(seq, certificate_seq, kind, word)| {
                let status = EntryStatus::parse(kind, &word).ok_or_else(|| {
                    StoreError::Corrupt(format!("log entry {seq} has the status {word:?}"))
                })?;
                Ok(StatusMark {
                    certificate_seq: count(certificate_seq)?,
                    status,
                })
            })
            .collect()
    }

    /// The secret called `name`, made `fresh` on first use (every process gets the same).
    ///
    /// # Errors
    /// Database failures.
    pub async fn service_secret(&self, name: &str, fresh: &str) -> Result<String> {
        let (secret,): (String,) = on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO service_secrets (name, secret) VALUES ($1, $2) \
                 ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(fresh)
            .execute(pool)
            .await?;
            sqlx::query_as("SELECT secret FROM service_secrets WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(secret)
    }
}
