//! The PostgreSQL store, for deployments with several server processes on one database.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use sqlx::postgres::PgPoolOptions;
use sqlx::{FromRow, PgPool, Row};

use sqlx::{Postgres, QueryBuilder};

use super::{
    AdminAction, INSERT_CHUNK, LogEntry, LotRecord, NewEntry, NewSession, NewToken, NewUser,
    Rejection, Result, ScanCounts, SealFn, SerialScans, SessionRecord, Store, StoreError,
    StoredCheckpoint, TokenRecord, TreeBatch, UserRecord, conflict, node_key, plan_append, to_hash,
};
use super::{Known, batch_producers};
use crate::domain::institute::Institute;
use crate::domain::producer::{NewProducer, Producer};
use crate::log::merkle::{self, Hash, NodeId};

/// PostgreSQL behind a connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

const PRODUCER_COLUMNS: &str = "SELECT p.id, p.name, p.legal_form, p.vat_number, p.website, p.created_at, \
     COALESCE((SELECT e.status FROM log_entries e WHERE e.kind = 'producer_status' AND e.subject = p.id \
               ORDER BY e.seq DESC LIMIT 1), 'accredited') AS status FROM producers p";

const ENTRY_COLUMNS: &str = "seq, kind, subject, status, body, hash, signature, kid";

const LOT_COLUMNS: &str = "id, producer_id, institute_code AS institute, lot_code, product_name, \
     product_category, gtin, quantity, unit, produced_from, produced_to, serialised, certificate_id, created_at, label_secret";

impl PgStore {
    /// Connects and migrates. Migrations take PostgreSQL's advisory lock, so several
    /// processes starting at once apply them once.
    ///
    /// # Errors
    /// The server does not answer, or a migration fails.
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        Ok(Self { pool })
    }
}

fn producer_from_row(row: &sqlx::postgres::PgRow, institutes: Vec<String>) -> Result<Producer> {
    Ok(Producer {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        legal_form: row.try_get("legal_form")?,
        vat_number: row.try_get("vat_number")?,
        website: row.try_get("website")?,
        created_at: row.try_get("created_at")?,
        status: row.try_get("status")?,
        institutes,
    })
}

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_institute(&self, i: &Institute) -> Result<()> {
        sqlx::query("INSERT INTO institutes (code, name, kind, city, region, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&i.code)
            .bind(&i.name)
            .bind(&i.kind)
            .bind(&i.city)
            .bind(&i.region)
            .bind(crate::time_fmt::now())
            .execute(&self.pool)
            .await
            .map_err(conflict("code"))?;
        Ok(())
    }

    async fn institutes(&self) -> Result<Vec<Institute>> {
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT code, name, kind, city, region FROM institutes ORDER BY region, name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(code, name, kind, city, region)| Institute {
                code,
                name,
                kind,
                city,
                region,
            })
            .collect())
    }

    async fn institute(&self, code: &str) -> Result<Option<Institute>> {
        let row: Option<(String, String, String, String, String)> =
            sqlx::query_as("SELECT code, name, kind, city, region FROM institutes WHERE code = $1")
                .bind(code)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(code, name, kind, city, region)| Institute {
            code,
            name,
            kind,
            city,
            region,
        }))
    }

    async fn insert_producer(&self, id: &str, p: &NewProducer, created_at: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("INSERT INTO producers (id, name, legal_form, vat_number, website, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(&p.name)
            .bind(&p.legal_form)
            .bind(p.vat_number.as_str())
            .bind(&p.website)
            .bind(created_at)
            .execute(&mut *tx)
            .await
            .map_err(conflict("vat_number"))?;
        for code in &p.institutes {
            sqlx::query(
                "INSERT INTO producer_institutes (producer_id, institute_code) VALUES ($1, $2)",
            )
            .bind(id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn producers(&self) -> Result<Vec<Producer>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PRODUCER_COLUMNS} ORDER BY p.name"
        )))
        .fetch_all(&self.pool)
        .await?;
        let links: Vec<(String, String)> = sqlx::query_as(
            "SELECT producer_id, institute_code FROM producer_institutes ORDER BY institute_code",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_producer: HashMap<String, Vec<String>> = HashMap::new();
        for (p, i) in links {
            by_producer.entry(p).or_default().push(i);
        }
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                producer_from_row(row, by_producer.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    async fn producer(&self, id: &str) -> Result<Option<Producer>> {
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{PRODUCER_COLUMNS} WHERE p.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let institutes: Vec<(String,)> = sqlx::query_as(
            "SELECT institute_code FROM producer_institutes WHERE producer_id = $1 ORDER BY institute_code",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        producer_from_row(&row, institutes.into_iter().map(|(c,)| c).collect()).map(Some)
    }

    async fn insert_token(&self, t: &NewToken) -> Result<()> {
        sqlx::query("INSERT INTO api_tokens (id, token_hash, role, producer_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&t.id)
            .bind(&t.token_hash)
            .bind(&t.role)
            .bind(&t.producer_id)
            .bind(&t.label)
            .bind(&t.created_at)
            .execute(&self.pool)
            .await
            .map_err(conflict("token"))?;
        Ok(())
    }

    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, role, producer_id, label, created_at FROM api_tokens WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn tokens(&self, producer_id: Option<&str>) -> Result<Vec<TokenRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, role, producer_id, label, created_at FROM api_tokens \
             WHERE ($1::text IS NULL OR producer_id = $1) ORDER BY created_at, id",
        )
        .bind(producer_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn append(
        &self,
        batch: Vec<NewEntry>,
        seal: &mut SealFn<'_>,
    ) -> Result<Vec<Result<LogEntry, Rejection>>> {
        // The row lock on the head is held to the commit, so no other connection or
        // process can append between reading the head and committing.
        let mut tx = self.pool.begin().await?;
        let (size, last_hash, tree_size): (i64, String, i64) = sqlx::query_as(
            "SELECT size, last_hash, tree_size FROM log_head WHERE id = 1 FOR UPDATE",
        )
        .fetch_one(&mut *tx)
        .await?;
        let mut tree = TreeBatch::default();
        catch_up_tree(&mut tx, &mut tree, tree_size, size).await?;
        // The batch's leaves need, as left siblings, only the roots of the tree so far.
        let frontier = tree.missing_frontier(u64::try_from(size).unwrap_or_default());
        if !frontier.is_empty() {
            let nodes = fetch_nodes(&mut tx, &frontier).await?;
            tree.seed(nodes);
        }
        let known = Known {
            taken: taken_lot_codes(&mut tx, &batch).await?,
            producer_status: producer_statuses(&mut tx, &batch).await?,
        };
        let plan = plan_append(&batch, size, last_hash, known, &mut tree, seal)?;
        let now = crate::time_fmt::now();
        for chunk in plan.rows.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO log_entries (seq, kind, subject, status, body, hash, signature, kid, created_at) ",
            );
            q.push_values(chunk, |mut b, r| {
                let e = &r.entry;
                b.push_bind(e.seq)
                    .push_bind(e.kind.clone())
                    .push_bind(e.subject.clone())
                    .push_bind(e.status.clone())
                    .push_bind(e.body.clone())
                    .push_bind(e.hash.clone())
                    .push_bind(e.signature.clone())
                    .push_bind(e.kid.clone())
                    .push_bind(now.clone());
            });
            q.build().execute(&mut *tx).await?;
        }
        let certified: Vec<(i64, &LotRecord)> = plan
            .rows
            .iter()
            .filter_map(|r| r.lot.map(|l| (r.entry.seq, l)))
            .collect();
        for chunk in certified.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO lots (id, producer_id, institute_code, lot_code, product_name, product_category, \
                 gtin, quantity, unit, produced_from, produced_to, serialised, certificate_id, created_at, label_secret) ",
            );
            q.push_values(chunk, |mut b, (_, lot)| {
                b.push_bind(lot.id.clone())
                    .push_bind(lot.producer_id.clone())
                    .push_bind(lot.institute.clone())
                    .push_bind(lot.lot_code.clone())
                    .push_bind(lot.product_name.clone())
                    .push_bind(lot.product_category.clone())
                    .push_bind(lot.gtin.clone())
                    .push_bind(lot.quantity)
                    .push_bind(lot.unit.clone())
                    .push_bind(lot.produced_from.clone())
                    .push_bind(lot.produced_to.clone())
                    .push_bind(lot.serialised)
                    .push_bind(lot.certificate_id.clone())
                    .push_bind(lot.created_at.clone())
                    .push_bind(lot.label_secret.clone());
            });
            q.build().execute(&mut *tx).await?;
        }
        for chunk in tree.new.chunks(INSERT_CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new("INSERT INTO tree_nodes (level, idx, hash) ");
            q.push_values(chunk, |mut b, (id, hash)| {
                let (level, idx) = node_key(*id);
                b.push_bind(level).push_bind(idx).push_bind(hash.to_vec());
            });
            q.build().execute(&mut *tx).await?;
        }
        sqlx::query("UPDATE log_head SET size = $1, last_hash = $2, tree_size = $1 WHERE id = 1")
            .bind(plan.size)
            .bind(&plan.last_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(plan.outcomes)
    }

    async fn log_size(&self) -> Result<u64> {
        let (size,): (i64,) = sqlx::query_as("SELECT size FROM log_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(size).unwrap_or_default())
    }

    async fn entries(&self, start: u64, end: u64) -> Result<Vec<LogEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq"
        )))
        .bind(i64::try_from(start).unwrap_or(i64::MAX))
        .bind(i64::try_from(end).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn certificate_entry(&self, certificate_id: &str) -> Result<Option<LogEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE subject = $1 AND kind = 'certificate' ORDER BY seq LIMIT 1"
        )))
        .bind(certificate_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn status_entries(&self, kind: &str, subject: &str) -> Result<Vec<LogEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries WHERE subject = $1 AND kind = $2 ORDER BY seq"
        )))
        .bind(subject)
        .bind(kind)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut conn = self.pool.acquire().await?;
        let mut out = HashMap::new();
        // Bounded statements: at most 200 nodes (400 parameters) per query.
        for chunk in ids.chunks(200) {
            out.extend(fetch_nodes(&mut conn, chunk).await?);
        }
        Ok(out)
    }

    async fn level_range(&self, level: u8, start: u64, end: u64) -> Result<Vec<Hash>> {
        let rows: Vec<(Vec<u8>,)> = sqlx::query_as(
            "SELECT hash FROM tree_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx",
        )
        .bind(i64::from(level))
        .bind(i64::try_from(start).unwrap_or(i64::MAX))
        .bind(i64::try_from(end).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|(h,)| to_hash(h)).collect()
    }

    async fn insert_checkpoint(&self, c: &StoredCheckpoint) -> Result<()> {
        sqlx::query(
            "INSERT INTO checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (size) DO NOTHING",
        )
        .bind(c.size)
        .bind(&c.root)
        .bind(&c.note)
        .bind(&c.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>> {
        Ok(sqlx::query_as(
            "SELECT size, root, note, created_at FROM checkpoints ORDER BY size DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>> {
        Ok(
            sqlx::query_as("SELECT size, root, note, created_at FROM checkpoints WHERE size = $1")
                .bind(i64::try_from(size).unwrap_or(i64::MAX))
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>> {
        Ok(
            sqlx::query_as("SELECT size, root, note, created_at FROM checkpoints ORDER BY size")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn add_cosignature(&self, size: u64, witness: &str, line: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO cosignatures (size, witness, line, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line, created_at = excluded.created_at",
        )
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(witness)
        .bind(line)
        .bind(crate::time_fmt::now())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn cosignatures(&self, size: u64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT line FROM cosignatures WHERE size = $1 ORDER BY witness")
                .bind(i64::try_from(size).unwrap_or(i64::MAX))
                .fetch_all(&self.pool)
                .await?;
        Ok(rows.into_iter().map(|(l,)| l).collect())
    }

    async fn lot_by_certificate(&self, certificate_id: &str) -> Result<Option<LotRecord>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {LOT_COLUMNS} FROM lots WHERE certificate_id = $1"
        )))
        .bind(certificate_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn lots_by_code(&self, lot_code: &str) -> Result<Vec<LotRecord>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {LOT_COLUMNS} FROM lots WHERE lot_code = $1"
        )))
        .bind(lot_code)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn ensure_label_secret(&self, lot_id: &str, secret: &str) -> Result<String> {
        sqlx::query("UPDATE lots SET label_secret = $1 WHERE id = $2 AND label_secret IS NULL")
            .bind(secret)
            .bind(lot_id)
            .execute(&self.pool)
            .await?;
        let (secret,): (Option<String>,) =
            sqlx::query_as("SELECT label_secret FROM lots WHERE id = $1")
                .bind(lot_id)
                .fetch_one(&self.pool)
                .await?;
        secret.ok_or_else(|| StoreError::Corrupt(format!("lot {lot_id} has no label secret")))
    }

    async fn daily_salt(&self, day: &str, fresh: &str) -> Result<String> {
        sqlx::query(
            "INSERT INTO scan_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
        )
        .bind(day)
        .bind(fresh)
        .execute(&self.pool)
        .await?;
        let (salt,): (String,) = sqlx::query_as("SELECT salt FROM scan_salts WHERE day = $1")
            .bind(day)
            .fetch_one(&self.pool)
            .await?;
        Ok(salt)
    }

    async fn record_scan(
        &self,
        certificate_id: &str,
        serial: u64,
        day: &str,
        source: &str,
        token_ok: bool,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO scans (certificate_id, serial, day, source, token_ok, count) VALUES ($1, $2, $3, $4, $5, 1) \
             ON CONFLICT (certificate_id, serial, day, source, token_ok) DO UPDATE SET count = scans.count + 1",
        )
        .bind(certificate_id)
        .bind(i64::try_from(serial).unwrap_or(i64::MAX))
        .bind(day)
        .bind(source)
        .bind(token_ok)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn scan_counts(
        &self,
        certificate_id: &str,
        serial: u64,
        since_day: &str,
    ) -> Result<ScanCounts> {
        let (total, sources, days, invalid): (Option<i64>, i64, i64, Option<i64>) = sqlx::query_as(
            "SELECT CAST(SUM(CASE WHEN token_ok THEN count ELSE 0 END) AS BIGINT), \
                    COUNT(DISTINCT CASE WHEN token_ok THEN day || ' ' || source END), \
                    COUNT(DISTINCT CASE WHEN token_ok THEN day END), \
                    CAST(SUM(CASE WHEN token_ok THEN 0 ELSE count END) AS BIGINT) \
             FROM scans WHERE certificate_id = $1 AND serial = $2 AND day >= $3",
        )
        .bind(certificate_id)
        .bind(i64::try_from(serial).unwrap_or(i64::MAX))
        .bind(since_day)
        .fetch_one(&self.pool)
        .await?;
        let n = |v: i64| u64::try_from(v).unwrap_or_default();
        Ok(ScanCounts {
            total: n(total.unwrap_or_default()),
            sources: n(sources),
            days: n(days),
            invalid: n(invalid.unwrap_or_default()),
        })
    }

    async fn source_activity(
        &self,
        certificate_id: &str,
        source: &str,
        day: &str,
    ) -> Result<(u64, u64)> {
        let (serials, invalid): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(DISTINCT serial), CAST(SUM(CASE WHEN token_ok THEN 0 ELSE count END) AS BIGINT) \
             FROM scans WHERE certificate_id = $1 AND source = $2 AND day = $3",
        )
        .bind(certificate_id)
        .bind(source)
        .bind(day)
        .fetch_one(&self.pool)
        .await?;
        Ok((
            u64::try_from(serials).unwrap_or_default(),
            u64::try_from(invalid.unwrap_or_default()).unwrap_or_default(),
        ))
    }

    async fn lot_scans(&self, certificate_id: &str) -> Result<Vec<SerialScans>> {
        Ok(sqlx::query_as(
            "SELECT serial, \
                    CAST(SUM(CASE WHEN token_ok THEN count ELSE 0 END) AS BIGINT) AS scans, \
                    COUNT(DISTINCT CASE WHEN token_ok THEN day || ' ' || source END) AS sources, \
                    CAST(SUM(CASE WHEN token_ok THEN 0 ELSE count END) AS BIGINT) AS invalid \
             FROM scans WHERE certificate_id = $1 GROUP BY serial ORDER BY scans DESC, serial LIMIT 1000",
        )
        .bind(certificate_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn status_feed(&self, producer_id: Option<&str>, limit: u32) -> Result<Vec<LogEntry>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM log_entries \
             WHERE kind IN ('certificate_status', 'producer_status') \
               AND ($1::text IS NULL OR subject = $1 \
                    OR subject IN (SELECT certificate_id FROM lots WHERE producer_id = $1)) \
             ORDER BY seq DESC LIMIT $2"
        )))
        .bind(producer_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    async fn lots(&self, producer_id: Option<&str>) -> Result<Vec<LotRecord>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {LOT_COLUMNS} FROM lots WHERE ($1::text IS NULL OR producer_id = $1) ORDER BY created_at DESC, id"
        )))
        .bind(producer_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn lot(&self, id: &str) -> Result<Option<LotRecord>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {LOT_COLUMNS} FROM lots WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn insert_user(&self, u: &NewUser) -> Result<()> {
        sqlx::query("INSERT INTO users (id, email, password_hash, role, producer_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&u.id)
            .bind(&u.email)
            .bind(&u.password_hash)
            .bind(&u.role)
            .bind(&u.producer_id)
            .bind(&u.created_at)
            .execute(&self.pool)
            .await
            .map_err(conflict("email"))?;
        Ok(())
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<(UserRecord, String)>> {
        let row = sqlx::query(
            "SELECT id, email, role, producer_id, created_at, password_hash FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((UserRecord::from_row(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    async fn users(&self) -> Result<Vec<UserRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, email, role, producer_id, created_at FROM users ORDER BY email",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_session(&self, s: &NewSession) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(&s.created_at)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&s.id_hash)
            .bind(&s.user_id)
            .bind(&s.csrf)
            .bind(&s.created_at)
            .bind(&s.expires_at)
            .execute(&self.pool)
            .await
            .map_err(conflict("session"))?;
        Ok(())
    }

    async fn session(&self, id_hash: &str, now: &str) -> Result<Option<SessionRecord>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.role, u.producer_id, u.created_at, s.csrf, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at >= $2",
        )
        .bind(id_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(SessionRecord {
                user: UserRecord::from_row(&row)?,
                csrf: row.try_get("csrf")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn delete_session(&self, id_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn record_action(&self, a: &AdminAction) -> Result<()> {
        sqlx::query("INSERT INTO admin_actions (at, actor, action, subject, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(&a.at)
            .bind(&a.actor)
            .bind(&a.action)
            .bind(&a.subject)
            .bind(&a.detail)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>> {
        Ok(sqlx::query_as(
            "SELECT at, actor, action, subject, detail FROM admin_actions ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }
}

/// Adds leaf `n` (the JCS bytes `body`) to the batch's tree, fetching missing siblings.
async fn add_leaf(
    conn: &mut sqlx::PgConnection,
    tree: &mut TreeBatch,
    n: i64,
    body: &[u8],
) -> Result<()> {
    let n = u64::try_from(n).unwrap_or_default();
    let missing = tree.missing(n);
    let fetched = if missing.is_empty() {
        HashMap::new()
    } else {
        fetch_nodes(&mut *conn, &missing).await?
    };
    tree.push(n, merkle::leaf_hash(body), fetched)
}

/// Brings the tree up to the log's size (databases from before the tree existed).
async fn catch_up_tree(
    conn: &mut sqlx::PgConnection,
    tree: &mut TreeBatch,
    mut from: i64,
    to: i64,
) -> Result<()> {
    while from < to {
        let end = (from + 1000).min(to);
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT seq, body FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq",
        )
        .bind(from)
        .bind(end)
        .fetch_all(&mut *conn)
        .await?;
        for (seq, body) in rows {
            add_leaf(&mut *conn, tree, seq, body.as_bytes()).await?;
        }
        from = end;
    }
    Ok(())
}

/// Fetches the stored nodes among `ids` in one query.
async fn fetch_nodes(
    conn: &mut sqlx::PgConnection,
    ids: &[NodeId],
) -> Result<HashMap<NodeId, Hash>> {
    let mut sql =
        String::from("SELECT level, idx, hash FROM tree_nodes WHERE (level, idx) IN (VALUES ");
    for i in 0..ids.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${}::bigint, ${}::bigint)", 2 * i + 1, 2 * i + 2));
    }
    sql.push(')');
    let mut query = sqlx::query_as::<_, (i64, i64, Vec<u8>)>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        let (level, idx) = node_key(*id);
        query = query.bind(level).bind(idx);
    }
    query
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(level, idx, hash)| {
            let id = NodeId {
                level: u8::try_from(level).unwrap_or(u8::MAX),
                index: u64::try_from(idx).unwrap_or_default(),
            };
            Ok((id, to_hash(&hash)?))
        })
        .collect()
}

/// The (producer, lot code) pairs of the batch's lots that are already registered.
async fn taken_lot_codes(
    conn: &mut sqlx::PgConnection,
    batch: &[NewEntry],
) -> Result<HashSet<(String, String)>> {
    let wanted: Vec<(&str, &str)> = batch
        .iter()
        .filter_map(|e| match e {
            NewEntry::Certificate { lot } => {
                Some((lot.producer_id.as_str(), lot.lot_code.as_str()))
            }
            NewEntry::Status { .. } => None,
        })
        .collect();
    let mut taken = HashSet::new();
    for chunk in wanted.chunks(INSERT_CHUNK) {
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT producer_id, lot_code FROM lots WHERE (producer_id, lot_code) IN (",
        );
        q.push_values(chunk, |mut b, (p, c)| {
            b.push_bind(p.to_string()).push_bind(c.to_string());
        });
        q.push(")");
        let rows: Vec<(String, String)> = q.build_query_as().fetch_all(&mut *conn).await?;
        taken.extend(rows);
    }
    Ok(taken)
}

/// The latest status of the batch's producers that have status entries, read under the
/// head lock: what a certificate of theirs is decided on.
async fn producer_statuses(
    conn: &mut sqlx::PgConnection,
    batch: &[NewEntry],
) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    for chunk in batch_producers(batch).chunks(INSERT_CHUNK) {
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT e.subject, e.status FROM log_entries e \
             WHERE e.kind = 'producer_status' AND e.seq = (SELECT MAX(s.seq) FROM log_entries s \
             WHERE s.kind = 'producer_status' AND s.subject = e.subject) AND e.subject IN (",
        );
        let mut ids = q.separated(", ");
        for id in chunk {
            ids.push_bind(id.to_string());
        }
        q.push(")");
        let rows: Vec<(String, Option<String>)> = q.build_query_as().fetch_all(&mut *conn).await?;
        out.extend(rows.into_iter().map(|(p, s)| (p, s.unwrap_or_default())));
    }
    Ok(out)
}
