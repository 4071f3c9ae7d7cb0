//! The buyers' outbox: notifications made from status entries, their delivery attempts,
//! and the cursor that says which entries were already fanned out.

use super::{Conn, Result, Store, count, db_int, on_conn, on_pool};

/// A notification to queue: one status entry for one destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    /// The message id every attempt carries (`webhook-id`).
    pub id: String,
    /// The buyer told.
    pub buyer_id: String,
    /// A webhook id, or [`EMAIL_TARGET`].
    pub target: String,
    /// The status entry it tells about.
    pub seq: u64,
    /// Its event type (`certificate.suspended` …).
    pub event_type: String,
    /// The JSON body every attempt sends.
    pub payload: String,
    /// When it was queued.
    pub created_at: String,
    /// Unix milliseconds.
    pub due_at: i64,
}

/// The target of a notification sent by e-mail to the buyer's address.
pub const EMAIL_TARGET: &str = "email";

/// A queued notification, as a sender reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Notification {
    /// The message id.
    pub id: String,
    /// The buyer told.
    pub buyer_id: String,
    /// A webhook id, or [`EMAIL_TARGET`].
    pub target: String,
    /// Its event type.
    pub event_type: String,
    /// The JSON body.
    pub payload: String,
    /// When it was queued.
    pub created_at: String,
    /// Attempts made so far.
    #[sqlx(try_from = "i64")]
    pub attempts: u64,
}

/// One attempt to deliver a notification.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct Attempt {
    /// The message id (`webhook-id`).
    pub notification_id: String,
    /// A webhook id, or [`EMAIL_TARGET`].
    #[serde(skip)]
    pub target: String,
    /// When it was made (RFC 3339).
    pub at: String,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<i64>,
    /// What went wrong, if anything.
    pub error: Option<String>,
    /// True when the receiver took it (2xx).
    pub delivered: bool,
}

/// What becomes of a notification after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAttempt {
    /// Delivered: never sent again.
    Delivered,
    /// Try again at this Unix millisecond.
    Retry(i64),
    /// Given up after too many attempts.
    Abandon,
}

impl Store {
    /// The first log seq not yet fanned out.
    pub async fn notification_cursor(&self) -> Result<u64> {
        let (next,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT next FROM notification_cursor WHERE id = 1")
                .fetch_one(pool)
                .await?
        });
        count(next)
    }

    /// Queues notifications and moves the cursor to `next`, in one transaction: an entry
    /// is passed only once its notifications are stored. A notification queued already
    /// (by another process) is left as it is, and the cursor never moves back.
    pub async fn queue_notifications(&self, queued: &[NewNotification], next: u64) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for n in queued {
                sqlx::query(
                    "INSERT INTO notifications (id, buyer_id, target, seq, event_type, payload, \
                     created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(&n.id)
                .bind(&n.buyer_id)
                .bind(&n.target)
                .bind(db_int(n.seq))
                .bind(&n.event_type)
                .bind(&n.payload)
                .bind(&n.created_at)
                .bind(n.due_at)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("UPDATE notification_cursor SET next = $1 WHERE id = 1 AND next < $1")
                .bind(db_int(next))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Takes up to `limit` notifications due at `now` (Unix ms) that no sender holds, and
    /// holds them until `until`: another process will not send them meanwhile.
    pub async fn claim_notifications(
        &self,
        now: i64,
        until: i64,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let due: Vec<(String,)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id FROM notifications WHERE delivered_at IS NULL AND abandoned_at IS NULL \
                 AND next_attempt_at <= $1 AND claimed_until <= $1 \
                 ORDER BY next_attempt_at, id LIMIT $2",
            )
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        let mut claimed = Vec::new();
        for (id,) in due {
            // Only one process wins the update; the others see no row.
            let row: Option<Notification> = on_pool!(self, |pool| {
                sqlx::query_as(
                    "UPDATE notifications SET claimed_until = $2 \
                     WHERE id = $1 AND claimed_until <= $3 AND delivered_at IS NULL \
                     RETURNING id, buyer_id, target, event_type, payload, created_at, attempts",
                )
                .bind(&id)
                .bind(until)
                .bind(now)
                .fetch_optional(pool)
                .await?
            });
            claimed.extend(row);
        }
        Ok(claimed)
    }

    /// Records an attempt and what follows it, in one transaction.
    pub async fn finish_attempt(&self, attempt: &Attempt, after: AfterAttempt) -> Result<()> {
        let (delivered, abandoned, next) = match after {
            AfterAttempt::Delivered => (Some(attempt.at.as_str()), None, 0),
            AfterAttempt::Retry(at) => (None, None, at),
            AfterAttempt::Abandon => (None, Some(attempt.at.as_str()), 0),
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            insert_attempt(Conn::from(&mut *tx), attempt).await?;
            sqlx::query(
                "UPDATE notifications SET attempts = attempts + 1, claimed_until = 0, \
                 delivered_at = $2, abandoned_at = $3, next_attempt_at = $4 WHERE id = $1",
            )
            .bind(&attempt.notification_id)
            .bind(delivered)
            .bind(abandoned)
            .bind(next)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// Records an attempt that belongs to no queued notification (a test send).
    pub async fn record_attempt(&self, attempt: &Attempt) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            insert_attempt(Conn::from(&mut *tx), attempt).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// The latest attempts for `target`, newest first.
    pub async fn attempts(&self, target: &str, limit: u32) -> Result<Vec<Attempt>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT notification_id, target, at, status_code, error, delivered \
                 FROM notification_attempts WHERE target = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(target)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?)
        })
    }
}

/// Inserts an attempt inside a transaction of either database.
async fn insert_attempt(conn: Conn<'_>, a: &Attempt) -> Result<()> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO notification_attempts (notification_id, target, at, status_code, \
             error, delivered) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&a.notification_id)
        .bind(&a.target)
        .bind(&a.at)
        .bind(a.status_code)
        .bind(&a.error)
        .bind(a.delivered)
        .execute(&mut *c)
        .await?;
    });
    Ok(())
}
