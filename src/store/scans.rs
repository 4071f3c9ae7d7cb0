//! Unit labels and their scans: label secrets, daily salts, scan counts.

use super::{Result, ScanCounts, SerialScans, Store, StoreError, count, db_int, on_pool};

impl Store {
    /// Sets a lot's label secret unless it has one; returns the one in force.
    ///
    /// # Errors
    /// Database failures, or no such lot.
    pub async fn ensure_label_secret(&self, lot_id: &str, secret: &str) -> Result<String> {
        let (secret,): (Option<String>,) = on_pool!(self, |pool| {
            sqlx::query("UPDATE lots SET label_secret = $1 WHERE id = $2 AND label_secret IS NULL")
                .bind(secret)
                .bind(lot_id)
                .execute(pool)
                .await?;
            sqlx::query_as("SELECT label_secret FROM lots WHERE id = $1")
                .bind(lot_id)
                .fetch_one(pool)
                .await?
        });
        secret.ok_or_else(|| StoreError::Corrupt(format!("lot {lot_id} has no label secret")))
    }

    /// The salt of `day` (created on first use; every process gets the same one). Creating
    /// a day's salt deletes the earlier days': kept, they would let anyone holding the
    /// database hash every address and find which ones scanned.
    pub async fn daily_salt(&self, day: &str, fresh: &str) -> Result<String> {
        let (salt,): (String,) = on_pool!(self, |pool| {
            let created = sqlx::query(
                "INSERT INTO scan_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
            )
            .bind(day)
            .bind(fresh)
            .execute(pool)
            .await?
            .rows_affected();
            if created > 0 {
                sqlx::query("DELETE FROM scan_salts WHERE day < $1")
                    .bind(day)
                    .execute(pool)
                    .await?;
            }
            sqlx::query_as("SELECT salt FROM scan_salts WHERE day = $1")
                .bind(day)
                .fetch_one(pool)
                .await?
        });
        Ok(salt)
    }

    /// Counts one scan.
    pub async fn record_scan(
        &self,
        certificate_id: &str,
        serial: u64,
        day: &str,
        source: &str,
        token_ok: bool,
    ) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO scans (certificate_id, serial, day, source, token_ok, count) \
                 VALUES ($1, $2, $3, $4, $5, 1) \
                 ON CONFLICT (certificate_id, serial, day, source, token_ok) \
                 DO UPDATE SET count = scans.count + 1",
            )
            .bind(certificate_id)
            .bind(db_int(serial))
            .bind(day)
            .bind(source)
            .bind(token_ok)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Scan counts of one serial since `since_day` (inclusive).
    pub async fn scan_counts(
        &self,
        certificate_id: &str,
        serial: u64,
        since_day: &str,
    ) -> Result<ScanCounts> {
        let (total, sources, days, invalid): (Option<i64>, i64, i64, Option<i64>) =
            on_pool!(self, |pool| {
                sqlx::query_as(
                    "SELECT CAST(SUM(CASE WHEN token_ok THEN count ELSE 0 END) AS BIGINT), \
                            COUNT(DISTINCT CASE WHEN token_ok THEN day || ' ' || source END), \
                            COUNT(DISTINCT CASE WHEN token_ok THEN day END), \
                            CAST(SUM(CASE WHEN token_ok THEN 0 ELSE count END) AS BIGINT) \
                     FROM scans WHERE certificate_id = $1 AND serial = $2 AND day >= $3",
                )
                .bind(certificate_id)
                .bind(db_int(serial))
                .bind(since_day)
                .fetch_one(pool)
                .await?
            });
        Ok(ScanCounts {
            total: count(total.unwrap_or_default())?,
            sources: count(sources)?,
            days: count(days)?,
            invalid: count(invalid.unwrap_or_default())?,
        })
    }

    /// Distinct serials one source scanned on `day`, and its invalid-token attempts.
    pub async fn source_activity(
        &self,
        certificate_id: &str,
        source: &str,
        day: &str,
    ) -> Result<(u64, u64)> {
        let (serials, invalid): (i64, Option<i64>) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(DISTINCT serial), \
                        CAST(SUM(CASE WHEN token_ok THEN 0 ELSE count END) AS BIGINT) \
                 FROM scans WHERE certificate_id = $1 AND source = $2 AND day = $3",
            )
            .bind(certificate_id)
            .bind(source)
            .bind(day)
            .fetch_one(pool)
            .await?
        });
        Ok((count(serials)?, count(invalid.unwrap_or_default())?))
    }

    /// Per-serial scan counts of a certificate's lot, most scanned first.
    pub async fn lot_scans(&self, certificate_id: &str) -> Result<Vec<SerialScans>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT serial, \
                        CAST(SUM(CASE WHEN token_ok THEN count ELSE 0 END) AS BIGINT) AS scans, \
                        COUNT(DISTINCT CASE WHEN token_ok THEN day || ' ' || source END) AS sources, \
                        CAST(SUM(CASE WHEN token_ok THEN 0 ELSE count END) AS BIGINT) AS invalid \
                 FROM scans WHERE certificate_id = $1 \
                 GROUP BY serial ORDER BY scans DESC, serial LIMIT 1000",
            )
            .bind(certificate_id)
            .fetch_all(pool)
            .await?)
        })
    }
}
