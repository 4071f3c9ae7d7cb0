//! Storage: one [`Store`] trait with a SQLite and a PostgreSQL implementation.
//!
//! The log is append-only: [`Store::append`] is the only way in, and it runs as one
//! transaction that holds the log head locked (SQLite `BEGIN IMMEDIATE`, PostgreSQL
//! `SELECT … FOR UPDATE`), so several processes on one database still make one chain.

mod postgres;
mod sqlite;

use std::collections::HashMap;

use async_trait::async_trait;

use crate::domain::institute::Institute;
use crate::domain::producer::{NewProducer, Producer};
use crate::log::merkle::{self, Hash, NodeId};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Storage failures.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key is taken; the string names the field.
    #[error("{0} already exists")]
    Conflict(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The stored tree is missing a node it must have, or holds a malformed one.
    #[error("Merkle tree: {0}")]
    Tree(#[from] merkle::MerkleError),
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The caller could not sign an entry; the whole batch is rolled back.
    #[error("sealing an entry failed: {0}")]
    Seal(String),
    #[error("unsupported DATABASE_URL {0:?}: use sqlite://PATH or postgres://…")]
    UnsupportedUrl(String),
}

/// Shorthand for store results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Roles an API token or user can have.
pub const ROLES: &[&str] = &["admin", "auditor", "producer"];

/// A token to store: only the hash of its secret is kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: String,
    pub token_hash: String,
    pub role: String,
    pub producer_id: Option<String>,
    pub label: Option<String>,
    pub created_at: String,
}

/// A stored token, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: String,
    pub role: String,
    pub producer_id: Option<String>,
    pub label: Option<String>,
    pub created_at: String,
}

/// A web account to store.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    /// Lower-cased.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    pub role: String,
    pub producer_id: Option<String>,
    pub created_at: String,
}

/// A stored account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub role: String,
    pub producer_id: Option<String>,
    pub created_at: String,
}

/// A session to store: the cookie secret itself is never kept, only its SHA-256.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id_hash: String,
    pub user_id: String,
    /// The token every form of this session must send back.
    pub csrf: String,
    pub created_at: String,
    pub expires_at: String,
}

/// A live session and whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf: String,
    pub expires_at: String,
}

/// One change made with admin rights: who, what, to what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AdminAction {
    pub at: String,
    /// `user:EMAIL`, `token:ID` or `cli`.
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

/// A lot as stored beside its certificate, for listings and workspaces.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct LotRecord {
    pub id: String,
    pub producer_id: String,
    pub institute: String,
    pub lot_code: String,
    pub product_name: String,
    pub product_category: String,
    pub gtin: Option<String>,
    pub quantity: i64,
    pub unit: String,
    pub produced_from: String,
    pub produced_to: String,
    pub serialised: bool,
    pub certificate_id: String,
    pub created_at: String,
    /// Hex secret the unit label tokens are derived from; never leaves the server.
    #[serde(skip)]
    pub label_secret: Option<String>,
}

/// Scan counts of one unit label (or of a whole lot), over a window of days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ScanCounts {
    /// Scans with a valid token.
    pub total: u64,
    /// Distinct salted sources (a source is counted once per day).
    pub sources: u64,
    /// Distinct days with scans.
    pub days: u64,
    /// Attempts with a missing or wrong token.
    pub invalid: u64,
}

/// Scans of one serial, for a producer's statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct SerialScans {
    pub serial: i64,
    pub scans: i64,
    pub sources: i64,
    pub invalid: i64,
}

/// One entry of the log, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LogEntry {
    pub seq: i64,
    /// `certificate`, `certificate_status`, `producer_status` or `key`.
    pub kind: String,
    /// Certificate id, producer id or kid the entry is about.
    pub subject: String,
    /// For status entries, the new status.
    pub status: Option<String>,
    /// The JCS bytes of the signed body, as text.
    pub body: String,
    pub hash: String,
    pub signature: String,
    pub kid: String,
}

/// Something to append to the log.
#[derive(Debug, Clone)]
pub enum NewEntry {
    /// A lot and its certificate.
    Certificate { lot: Box<LotRecord> },
    /// A status change of a certificate or producer.
    Status {
        kind: &'static str,
        subject: String,
        status: String,
    },
}

/// The signed form of a [`NewEntry`], made by the caller once its `seq` and `prev` are known.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub body: String,
    pub hash: String,
    pub signature: String,
    pub kid: String,
}

/// Why one entry of a batch was not appended (the rest of the batch still is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("lot_code is already used by this producer")]
    DuplicateLotCode,
    /// The producer's latest status entry, read inside the append, is not `accredited`.
    #[error("the producer is {0}: it cannot certify new lots")]
    ProducerNotAccredited(String),
}

/// Signs entry `i` of a batch given its `seq` and the hash of the entry before it.
pub type SealFn<'a> =
    dyn FnMut(usize, u64, &str) -> std::result::Result<Sealed, String> + Send + 'a;

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCheckpoint {
    pub size: i64,
    /// Hex root hash.
    pub root: String,
    /// The signed note (checkpoint body, blank line, the log's signature line).
    pub note: String,
    pub created_at: String,
}

/// What both databases must do. [`tests/it/store_conformance.rs`] holds them to it.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Answers when the database does.
    async fn ping(&self) -> Result<()>;

    async fn insert_institute(&self, institute: &Institute) -> Result<()>;
    async fn institutes(&self) -> Result<Vec<Institute>>;
    async fn institute(&self, code: &str) -> Result<Option<Institute>>;

    async fn insert_producer(
        &self,
        id: &str,
        producer: &NewProducer,
        created_at: &str,
    ) -> Result<()>;
    /// Producers with their current status (from the latest producer status entry).
    async fn producers(&self) -> Result<Vec<Producer>>;
    async fn producer(&self, id: &str) -> Result<Option<Producer>>;

    async fn insert_token(&self, token: &NewToken) -> Result<()>;
    async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>>;
    /// Tokens of one producer, or all tokens.
    async fn tokens(&self, producer_id: Option<&str>) -> Result<Vec<TokenRecord>>;

    /// Appends a batch in one transaction: each entry gets the next `seq` and is sealed
    /// with the hash of the one before it. Nothing is visible until the commit returns.
    async fn append(
        &self,
        batch: Vec<NewEntry>,
        seal: &mut SealFn<'_>,
    ) -> Result<Vec<Result<LogEntry, Rejection>>>;
    /// Number of entries in the log.
    async fn log_size(&self) -> Result<u64>;
    /// Entries with `start <= seq < end`, in order.
    async fn entries(&self, start: u64, end: u64) -> Result<Vec<LogEntry>>;
    async fn certificate_entry(&self, certificate_id: &str) -> Result<Option<LogEntry>>;
    /// Status entries about `subject`, oldest first.
    async fn status_entries(&self, kind: &str, subject: &str) -> Result<Vec<LogEntry>>;

    /// Stored Merkle nodes among `ids` (absent ones are left out).
    async fn nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>>;
    /// Hashes of the stored nodes at `level` with `start <= idx < end`, in order.
    async fn level_range(&self, level: u8, start: u64, end: u64) -> Result<Vec<Hash>>;

    /// Stores a checkpoint unless one of that size exists (several processes may sign the
    /// same size; Ed25519 is deterministic, so they sign the same note).
    async fn insert_checkpoint(&self, checkpoint: &StoredCheckpoint) -> Result<()>;
    async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>>;
    async fn checkpoint(&self, size: u64) -> Result<Option<StoredCheckpoint>>;
    /// Every checkpoint, smallest first.
    async fn checkpoints(&self) -> Result<Vec<StoredCheckpoint>>;
    /// Stores (or replaces) a witness's cosignature line for checkpoint `size`.
    async fn add_cosignature(&self, size: u64, witness: &str, line: &str) -> Result<()>;
    /// Cosignature lines of checkpoint `size`, by witness name.
    async fn cosignatures(&self, size: u64) -> Result<Vec<String>>;

    /// The lot a certificate certifies.
    async fn lot_by_certificate(&self, certificate_id: &str) -> Result<Option<LotRecord>>;
    /// Lots with this lot code (any producer), for resolving GS1 Digital Links.
    async fn lots_by_code(&self, lot_code: &str) -> Result<Vec<LotRecord>>;
    /// Sets a lot's label secret unless it has one; returns the one in force.
    async fn ensure_label_secret(&self, lot_id: &str, secret: &str) -> Result<String>;
    /// The salt of `day` (created on first use; every process gets the same one).
    async fn daily_salt(&self, day: &str, fresh: &str) -> Result<String>;
    /// Counts one scan.
    async fn record_scan(
        &self,
        certificate_id: &str,
        serial: u64,
        day: &str,
        source: &str,
        token_ok: bool,
    ) -> Result<()>;
    /// Scan counts of one serial since `since_day` (inclusive).
    async fn scan_counts(
        &self,
        certificate_id: &str,
        serial: u64,
        since_day: &str,
    ) -> Result<ScanCounts>;
    /// Distinct serials one source scanned on `day`, and its invalid-token attempts.
    async fn source_activity(
        &self,
        certificate_id: &str,
        source: &str,
        day: &str,
    ) -> Result<(u64, u64)>;
    /// Per-serial scan counts of a certificate's lot, most scanned first.
    async fn lot_scans(&self, certificate_id: &str) -> Result<Vec<SerialScans>>;

    /// The latest status entries (certificates and producers), newest first; with a
    /// producer, only those about it and its certificates.
    async fn status_feed(&self, producer_id: Option<&str>, limit: u32) -> Result<Vec<LogEntry>>;

    /// Lots of one producer, or all lots, newest first.
    async fn lots(&self, producer_id: Option<&str>) -> Result<Vec<LotRecord>>;
    async fn lot(&self, id: &str) -> Result<Option<LotRecord>>;

    async fn insert_user(&self, user: &NewUser) -> Result<()>;
    /// The account with this (lower-cased) email and its password hash.
    async fn user_credentials(&self, email: &str) -> Result<Option<(UserRecord, String)>>;
    async fn users(&self) -> Result<Vec<UserRecord>>;
    /// Replaces a password hash and ends every session of that account.
    async fn set_password(&self, user_id: &str, password_hash: &str) -> Result<()>;
    /// Stores a session, dropping sessions that expired before `session.created_at`.
    async fn insert_session(&self, session: &NewSession) -> Result<()>;
    /// The session with this hash, unless it expired before `now`.
    async fn session(&self, id_hash: &str, now: &str) -> Result<Option<SessionRecord>>;
    async fn delete_session(&self, id_hash: &str) -> Result<()>;

    /// Adds a line to the admin action trail.
    async fn record_action(&self, action: &AdminAction) -> Result<()>;
    /// The latest admin actions, newest first.
    async fn admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>>;
}

/// Opens the database `url` names and brings its schema up to date.
///
/// # Errors
/// An unsupported URL, a database that does not answer, or a failed migration.
pub async fn connect(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PgStore::connect(url).await?))
    } else {
        Err(StoreError::UnsupportedUrl(url.to_owned()))
    }
}

/// Maps a unique-key violation to [`StoreError::Conflict`] naming `field`.
fn conflict(field: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match e.as_database_error() {
        Some(d) if d.is_unique_violation() => StoreError::Conflict(field),
        _ => StoreError::Database(e),
    }
}

/// Merkle bookkeeping inside one append transaction: the nodes this batch makes.
#[derive(Debug, Default)]
pub(crate) struct TreeBatch {
    made: HashMap<NodeId, Hash>,
    new: Vec<(NodeId, Hash)>,
}

impl TreeBatch {
    /// Adds nodes already in the database that later leaves need as left siblings.
    fn seed(&mut self, nodes: HashMap<NodeId, Hash>) {
        self.made.extend(nodes);
    }

    /// Left siblings leaf `n` needs that this batch has not made (to fetch from the database).
    fn missing(&self, n: u64) -> Vec<NodeId> {
        merkle::append_needs(n)
            .into_iter()
            .filter(|id| !self.made.contains_key(id))
            .collect()
    }

    /// The roots of the tree of `size` leaves that this batch does not hold yet.
    fn missing_frontier(&self, size: u64) -> Vec<NodeId> {
        merkle::root_needs(size)
            .into_iter()
            .filter(|id| !self.made.contains_key(id))
            .collect()
    }

    /// Adds leaf `n` given the fetched nodes it was missing.
    fn push(&mut self, n: u64, leaf: Hash, mut fetched: HashMap<NodeId, Hash>) -> Result<()> {
        for id in merkle::append_needs(n) {
            if let Some(h) = self.made.get(&id) {
                fetched.insert(id, *h);
            }
        }
        for (id, hash) in merkle::append(n, leaf, &fetched)? {
            self.made.insert(id, hash);
            self.new.push((id, hash));
        }
        Ok(())
    }
}

fn node_key(id: NodeId) -> (i64, i64) {
    (
        i64::from(id.level),
        i64::try_from(id.index).unwrap_or(i64::MAX),
    )
}

fn to_hash(bytes: &[u8]) -> Result<Hash> {
    bytes.try_into().map_err(|_| {
        StoreError::Corrupt(format!("stored tree node is {} bytes, not 32", bytes.len()))
    })
}

/// A row of `log_entries` to insert, and the lot it certifies (for certificates).
pub(crate) struct PlannedEntry<'a> {
    pub entry: LogEntry,
    pub lot: Option<&'a LotRecord>,
}

/// What one append transaction writes.
pub(crate) struct Plan<'a> {
    pub outcomes: Vec<Result<LogEntry, Rejection>>,
    pub rows: Vec<PlannedEntry<'a>>,
    pub size: i64,
    pub last_hash: String,
}

/// What an append reads under the head lock before it decides.
pub(crate) struct Known {
    /// (producer, lot code) pairs of the batch's lots already registered.
    pub taken: std::collections::HashSet<(String, String)>,
    /// Latest status of the batch's producers that have a status entry (others are
    /// accredited).
    pub producer_status: HashMap<String, String>,
}

/// Producers whose certificates are in `batch`, for reading their status.
pub(crate) fn batch_producers(batch: &[NewEntry]) -> Vec<&str> {
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
/// lot codes and lots of producers that are not accredited (as of this transaction, and of
/// the status entries earlier in the batch) are rejected without using a `seq`; each
/// accepted entry is sealed with the hash of the one before it and added to the tree.
pub(crate) fn plan_append<'a>(
    batch: &'a [NewEntry],
    mut size: i64,
    mut last_hash: String,
    known: Known,
    tree: &mut TreeBatch,
    seal: &mut SealFn<'_>,
) -> Result<Plan<'a>> {
    let Known {
        taken: existing,
        mut producer_status,
    } = known;
    let mut taken = std::collections::HashSet::new();
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut rows = Vec::with_capacity(batch.len());
    for (i, item) in batch.iter().enumerate() {
        match item {
            NewEntry::Certificate { lot } => {
                if let Some(status) = producer_status
                    .get(&lot.producer_id)
                    .filter(|s| *s != "accredited")
                {
                    outcomes.push(Err(Rejection::ProducerNotAccredited(status.clone())));
                    continue;
                }
                let key = (lot.producer_id.clone(), lot.lot_code.clone());
                if existing.contains(&key) || !taken.insert(key) {
                    outcomes.push(Err(Rejection::DuplicateLotCode));
                    continue;
                }
            }
            NewEntry::Status {
                kind: "producer_status",
                subject,
                status,
            } => {
                producer_status.insert(subject.clone(), status.clone());
            }
            NewEntry::Status { .. } => {}
        }
        let seq = u64::try_from(size).unwrap_or_default();
        let sealed = seal(i, seq, &last_hash).map_err(StoreError::Seal)?;
        tree.push(
            seq,
            merkle::leaf_hash(sealed.body.as_bytes()),
            HashMap::new(),
        )?;
        let (kind, subject, status, lot) = match item {
            NewEntry::Certificate { lot } => (
                "certificate",
                lot.certificate_id.clone(),
                None,
                Some(&**lot),
            ),
            NewEntry::Status {
                kind,
                subject,
                status,
            } => (*kind, subject.clone(), Some(status.clone()), None),
        };
        let entry = LogEntry {
            seq: size,
            kind: kind.to_owned(),
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
    })
}

/// Rows per multi-row INSERT (well under both databases' parameter limits).
pub(crate) const INSERT_CHUNK: usize = 400;
