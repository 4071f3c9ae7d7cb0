//! Storage: one [`Store`] over SQLite or PostgreSQL, each query written once.
//!
//! A method's body is written once inside `on_pool!`, which compiles it once per
//! database: the SQL uses `$N` placeholders (both drivers take them) and `CAST(… AS …)`
//! where PostgreSQL needs a type, and sqlx checks the binds and rows against each driver.
//! The few real differences (connecting, locking the log head, backup, the change stamp)
//! live in `dialect`.
//!
//! The log is append-only: [`Store::append`] is the only way in, and it runs as one
//! transaction that holds the log head locked (SQLite `BEGIN IMMEDIATE`, PostgreSQL
//! `SELECT … FOR UPDATE`), so several processes on one database still make one chain.
//!
//! - `records`: the row types;
//! - `register`: institutes, producers, lots and API tokens;
//! - `append`: the append transaction; `plan`: how a batch is decided (pure);
//! - `log`: reading entries, checkpoints and cosignatures;
//! - `tree`: the Merkle nodes;
//! - `scans`: unit labels and their scans;
//! - `accounts`: users, sessions and the admin trail;
//! - `buyers`: buyers' watch lists and webhooks; `outbox`: what is to be delivered to them;
//! - `words`: roles, statuses, kinds, GTINs and lot codes as TEXT.

mod accounts;
mod append;
mod buyers;
mod dialect;
mod files;
mod log;
mod outbox;
mod plan;
mod records;
mod register;
mod scans;
mod status_lists;
mod tree;
mod words;

use std::path::Path;
use std::sync::Arc;

use sqlx::{PgConnection, PgPool, SqliteConnection, SqlitePool};

use crate::log::merkle;

pub use buyers::{WatchItem, WebhookRecord};
pub use dialect::ChangeStamp;
pub use outbox::{AfterAttempt, Attempt, EMAIL_TARGET, NewNotification, Notification};
pub use records::*;
pub use status_lists::StatusMark;

/// Storage failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key is taken; the string names the field.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database failed or refused a query.
    #[error("database: {0}")]
    Database(sqlx::Error),
    /// Applying the migrations in `migrations/` failed.
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The stored tree is missing a node it must have, or holds a malformed one.
    #[error("Merkle tree: {0}")]
    Tree(#[from] merkle::MerkleError),
    /// A stored value that cannot be what it stands for: a negative count, a word this
    /// version does not know, a malformed tree node.
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The caller could not sign an entry; the whole batch is rolled back.
    #[error("sealing an entry failed: {0}")]
    Seal(String),
    /// `DATABASE_URL` starts with neither `sqlite:` nor `postgres://` (or `postgresql://`).
    #[error("unsupported DATABASE_URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
    /// The operation exists for the other database only.
    #[error("{0}")]
    Unsupported(&'static str),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            // A column that does not read back as its type (`try_from` a negative BIGINT,
            // an unknown word): the row is wrong, not the database.
            sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) => {
                Self::Corrupt(e.to_string())
            }
            e => Self::Database(e),
        }
    }
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database behind the service: SQLite or PostgreSQL, one connection pool. Cloning
/// is cheap (the pool is shared).
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// SQLite's WAL-index file (`-shm`), read for [`Store::change_stamp`].
    wal_index: Option<Arc<Path>>,
}

/// A connection pool of either database.
#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One connection of either database, lent to the helpers of a transaction.
enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

impl Conn<'_> {
    /// The same connection for a shorter while, to lend it again.
    fn reborrow(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl<'a> From<&'a mut SqliteConnection> for Conn<'a> {
    fn from(c: &'a mut SqliteConnection) -> Self {
        Conn::Sqlite(c)
    }
}

impl<'a> From<&'a mut PgConnection> for Conn<'a> {
    fn from(c: &'a mut PgConnection) -> Self {
        Conn::Postgres(c)
    }
}

/// Evaluates `$body` with `$pool` bound to the store's pool (`&SqlitePool` or `&PgPool`):
/// the body is written once and type-checked once per database.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}

/// Evaluates `$body` with `$conn` bound to a [`Conn`]'s connection (`&mut SqliteConnection`
/// or `&mut PgConnection`), like [`on_pool!`].
macro_rules! on_conn {
    ($c:expr, |$conn:ident| $body:expr) => {
        match $c {
            $crate::store::Conn::Sqlite($conn) => $body,
            $crate::store::Conn::Postgres($conn) => $body,
        }
    };
}

pub(crate) use {on_conn, on_pool};

/// Opens the database `url` names and brings its schema up to date.
///
/// # Errors
/// An unsupported URL, a database that does not answer, or a failed migration.
pub async fn connect(url: &str) -> Result<Arc<Store>> {
    Store::connect(url).await.map(Arc::new)
}

impl Store {
    /// Answers when the database does.
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }
}

/// Maps a unique-key violation to [`StoreError::Conflict`] naming `field`.
fn conflict(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Database(e),
    }
}

/// A count or position as the databases store it (`BIGINT`); values past `i64::MAX`
/// cannot exist, so they saturate and match nothing.
fn db_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A count or position as the databases return it; a negative one is corrupt data.
fn count(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("a stored count is negative: {n}")))
}

/// Rows per multi-row INSERT (well under both databases' parameter limits).
const INSERT_CHUNK: usize = 400;
