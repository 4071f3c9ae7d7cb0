//! Reading the log: its size, entries, the status feed, checkpoints and cosignatures.

use super::{LogEntry, Result, Store, StoreError, StoredCheckpoint, count, db_int, on_pool};
use crate::domain::{EntryKind, EntryStatus};

const ENTRY_COLUMNS: &str = "seq, kind, subject, status, body, hash, signature, kid";

/// A row of `log_entries` as read: its status is read by its kind.
#[derive(sqlx::FromRow)]
struct EntryRow {
    seq: i64,
    kind: EntryKind,
    subject: String,
    status: Option<String>,
    body: String,
    hash: String,
    signature: String,
    kid: String,
}

impl TryFrom<EntryRow> for LogEntry {
    type Error = StoreError;

    fn try_from(r: EntryRow) -> Result<Self> {
        let status = match (r.kind, r.status) {
            (EntryKind::Certificate, None) => None,
            (kind, Some(word)) => Some(EntryStatus::parse(kind, &word).ok_or_else(|| {
                StoreError::Corrupt(format!("log entry {} has the status {word:?}", r.seq))
            })?),
            (kind, None) => {
                return Err(StoreError::Corrupt(format!(
                    "{kind} entry {} has no status",
                    r.seq
                )));
            }
        };
        Ok(Self {
            seq: count(r.seq)?,
            kind: r.kind,
            subject: r.subject,
            status,
            body: r.body,
            hash: r.hash,
            signature: r.signature,
            kid: r.kid,
        })
    }
}

/// Entries as read, or the first that is corrupt.
fn entries(rows: Vec<EntryRow>) -> Result<Vec<LogEntry>> {
    rows.into_iter().map(LogEntry::try_from).collect()
}

impl Store {
    /// Number of entries in the log.
    pub async fn log_size(&self) -> Result<u64> {
        let (size,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT size FROM log_head WHERE id = 1")
                .fetch_one(pool)
                .await?
        });
        count(size)
    }

    /// Entries with `start <= seq < end`, in order.
    pub async fn entries(&self, start: u64, end: u64) -> Result<Vec<LogEntry>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq"
            )))
            .bind(db_int(start))
            .bind(db_int(end))
            .fetch_all(pool)
            .await?
        });
        entries(rows)
    }

    /// The entry that registered a certificate.
    pub async fn certificate_entry(&self, certificate_id: &str) -> Result<Option<LogEntry>> {
        let row: Option<EntryRow> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM log_entries \
                 WHERE subject = $1 AND kind = 'certificate' ORDER BY seq LIMIT 1"
            )))
            .bind(certificate_id)
            .fetch_optional(pool)
            .await?
        });
        row.map(LogEntry::try_from).transpose()
    }

    /// Status entries about `subject`, oldest first.
    pub async fn status_entries(&self, kind: EntryKind, subject: &str) -> Result<Vec<LogEntry>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE subject = $1 AND kind = $2 ORDER BY seq"
            )))
            .bind(subject)
            .bind(kind)
            .fetch_all(pool)
            .await?
        });
        entries(rows)
    }

    /// Up to `limit` status entries (certificates and producers) from `start` on, oldest
    /// first: what the buyers' notifications are made of.
    pub async fn status_entries_from(&self, start: u64, limit: u32) -> Result<Vec<LogEntry>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM log_entries \
                 WHERE kind IN ('certificate_status', 'producer_status') AND seq >= $1 \
                 ORDER BY seq LIMIT $2"
            )))
            .bind(db_int(start))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        entries(rows)
    }

    /// The latest status entries (certificates and producers), newest first; with a
    /// producer, only those about it and its certificates.
    pub async fn status_feed(
        &self,
        producer_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<LogEntry>> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {ENTRY_COLUMNS} FROM log_entries \
                 WHERE kind IN ('certificate_status', 'producer_status') \
                   AND (CAST($1 AS TEXT) IS NULL OR subject = $1 \
                        OR subject IN (SELECT certificate_id FROM lots WHERE producer_id = $1)) \
                 ORDER BY seq DESC LIMIT $2"
            )))
            .bind(producer_id)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        entries(rows)
    }

    /// Stores a checkpoint unless one of that size exists (several processes may sign the
    /// same size; Ed25519 is deterministic, so they sign the same note).
    pub async fn insert_checkpoint(&self, c: &StoredCheckpoint) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (size) DO NOTHING",
            )
            .bind(db_int(c.size))
            .bind(&c.root)
            .bind(&c.note)
            .bind(&c.created_at)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The checkpoint of the largest size.
    pub async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1",
            )
            .fetch_optional(pool)
            .await?)
        })
    }

    /// The checkpoint of `size`, if one was signed.
    pub async fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT size, root, note, created_at FROM checkpoints WHERE size = $1",
            )
            .bind(db_int(size))
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Every checkpoint, smallest first.
    pub async fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>> {
        on_pool!(self, |pool| {
            Ok(
                sqlx::query_as(
                    "SELECT size, root, note, created_at FROM checkpoints ORDER BY size",
                )
                .fetch_all(pool)
                .await?,
            )
        })
    }

    /// Stores (or replaces) a witness's cosignature line for checkpoint `size`.
    pub async fn add_cosignature(&self, size: u64, witness: &str, line: &str) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO cosignatures (size, witness, line, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (size, witness) \
                 DO UPDATE SET line = excluded.line, created_at = excluded.created_at",
            )
            .bind(db_int(size))
            .bind(witness)
            .bind(line)
            .bind(crate::time_fmt::now())
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Sizes of the checkpoints that have at least one cosignature, largest first.
    pub async fn cosigned_sizes(&self, limit: u64) -> Result<Vec<u64>> {
        let rows: Vec<(i64,)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT DISTINCT size FROM cosignatures ORDER BY size DESC LIMIT $1")
                .bind(db_int(limit))
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .filter_map(|(s,)| u64::try_from(s).ok())
            .collect())
    }

    /// Cosignature lines of checkpoint `size`, by witness name.
    pub async fn cosignatures(&self, size: u64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT line FROM cosignatures WHERE size = $1 ORDER BY witness")
                .bind(db_int(size))
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(l,)| l).collect())
    }
}
