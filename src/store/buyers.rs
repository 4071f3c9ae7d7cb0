//! Buyers: their accounts, watch lists and webhooks.

use super::{Result, Store, UserRecord, on_pool};
use crate::domain::Subject;

/// One certificate or producer on a buyer's watch list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WatchItem {
    /// Certificate or producer.
    pub kind: Subject,
    /// Its id.
    pub subject: String,
    /// When it was put on the list.
    pub added_at: String,
}

/// A buyer's webhook (its secret is derived, never stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct WebhookRecord {
    /// Its id, which its secret is derived from.
    pub id: String,
    /// The buyer account it belongs to.
    #[serde(skip)]
    pub buyer_id: String,
    /// Where events are posted.
    pub url: String,
    /// When it was added (RFC 3339).
    pub created_at: String,
}

impl Store {
    /// The buyer account with this id or (lower-cased) email.
    pub async fn buyer_account(&self, id_or_email: &str) -> Result<Option<UserRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, email, role, producer_id, created_at FROM users \
                 WHERE (id = $1 OR email = $1) AND role = 'buyer'",
            )
            .bind(id_or_email)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Replaces a buyer's watch list with `items`, in one transaction.
    pub async fn replace_watch_list(
        &self,
        buyer_id: &str,
        items: &[(Subject, String)],
        now: &str,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM watch_items WHERE buyer_id = $1")
                .bind(buyer_id)
                .execute(&mut *tx)
                .await?;
            for chunk in items.chunks(super::INSERT_CHUNK) {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO watch_items (buyer_id, kind, subject, added_at) ",
                );
                insert.push_values(chunk, |mut row, (kind, subject)| {
                    row.push_bind(buyer_id)
                        .push_bind(*kind)
                        .push_bind(subject.as_str())
                        .push_bind(now);
                });
                insert.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// A buyer's watch list, certificates first, each in the order it was added.
    pub async fn watch_list(&self, buyer_id: &str) -> Result<Vec<WatchItem>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT kind, subject, added_at FROM watch_items WHERE buyer_id = $1 \
                 ORDER BY kind, added_at, subject",
            )
            .bind(buyer_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The buyers watching `subject`.
    pub async fn watchers(&self, kind: Subject, subject: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT buyer_id FROM watch_items WHERE subject = $1 AND kind = $2 ORDER BY buyer_id",
            )
            .bind(subject)
            .bind(kind)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(|(b,)| b).collect())
    }

    /// Stores a webhook.
    pub async fn insert_webhook(&self, w: &WebhookRecord) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO webhooks (id, buyer_id, url, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(&w.id)
            .bind(&w.buyer_id)
            .bind(&w.url)
            .bind(&w.created_at)
            .execute(pool)
            .await
            .map_err(super::conflict("id"))?;
            Ok(())
        })
    }

    /// A buyer's webhooks, oldest first.
    pub async fn webhooks(&self, buyer_id: &str) -> Result<Vec<WebhookRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, buyer_id, url, created_at FROM webhooks WHERE buyer_id = $1 \
                 ORDER BY created_at, id",
            )
            .bind(buyer_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// One webhook, if it is this buyer's.
    pub async fn webhook(&self, buyer_id: &str, id: &str) -> Result<Option<WebhookRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, buyer_id, url, created_at FROM webhooks WHERE id = $1 AND buyer_id = $2",
            )
            .bind(id)
            .bind(buyer_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Deletes a buyer's webhook with what it still had to deliver; false if it was not
    /// this buyer's. Its delivery log goes too.
    pub async fn delete_webhook(&self, buyer_id: &str, id: &str) -> Result<bool> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let gone = sqlx::query("DELETE FROM webhooks WHERE id = $1 AND buyer_id = $2")
                .bind(id)
                .bind(buyer_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
            if gone {
                sqlx::query("DELETE FROM notifications WHERE target = $1 AND buyer_id = $2")
                    .bind(id)
                    .bind(buyer_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM notification_attempts WHERE target = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(gone)
        })
    }
}
