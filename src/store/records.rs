//! The rows the store reads and writes: records of the register, the log, scans and accounts.
//!
//! Counts and positions are `u64` here and `BIGINT` in the databases; words (roles,
//! statuses, kinds) and validated values (GTIN, lot code) are their domain types here and
//! TEXT there. Both are converted once, where rows are read and bound: a stored value that
//! does not convert back is [`super::StoreError::Corrupt`].

use crate::domain::{EntryKind, EntryStatus, Gtin, LotCode, ProducerStatus, Role};

/// A token to store: only the hash of its secret is kept.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub id: String,
    pub token_hash: String,
    pub role: Role,
    pub producer_id: Option<String>,
    /// The buyer account a buyer token belongs to.
    pub buyer_id: Option<String>,
    pub label: Option<String>,
    pub created_at: String,
}

/// A stored token, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TokenRecord {
    pub id: String,
    pub role: Role,
    pub producer_id: Option<String>,
    /// The buyer account a buyer token belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
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
    pub role: Role,
    pub producer_id: Option<String>,
    pub created_at: String,
}

/// A stored account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub role: Role,
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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    #[sqlx(flatten)]
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
    #[schema(value_type = String)]
    pub lot_code: LotCode,
    pub product_name: String,
    pub product_category: String,
    #[schema(value_type = Option<String>)]
    pub gtin: Option<Gtin>,
    #[sqlx(try_from = "i64")]
    pub quantity: u64,
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
    #[sqlx(try_from = "i64")]
    pub serial: u64,
    #[sqlx(try_from = "i64")]
    pub scans: u64,
    #[sqlx(try_from = "i64")]
    pub sources: u64,
    #[sqlx(try_from = "i64")]
    pub invalid: u64,
}

/// One entry of the log, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub seq: u64,
    pub kind: EntryKind,
    /// Certificate id, producer id or kid the entry is about.
    pub subject: String,
    /// For status and key entries, the status they record (of the entry's kind).
    pub status: Option<EntryStatus>,
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
    /// A status change of a certificate or producer, or a key event; its kind is the
    /// status's.
    Status {
        subject: String,
        status: EntryStatus,
    },
}

impl NewEntry {
    /// The status change of `subject` (a certificate or producer id) to `status`.
    pub fn status(subject: impl Into<String>, status: impl Into<EntryStatus>) -> Self {
        Self::Status {
            subject: subject.into(),
            status: status.into(),
        }
    }
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
    ProducerNotAccredited(ProducerStatus),
    /// The lot's GTIN belongs to another producer, which certified a lot with it first.
    #[error("this GTIN belongs to another producer, which certified it first")]
    GtinOfAnotherProducer,
    /// The certificate or producer was revoked: revocation is final, so no status entry
    /// may follow it.
    #[error("revocation is final: this was revoked and its status cannot change again")]
    Revoked,
}

/// Signs entry `i` of a batch given its `seq` and the hash of the entry before it.
pub type SealFn<'a> =
    dyn FnMut(usize, u64, &str) -> std::result::Result<Sealed, String> + Send + 'a;

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredCheckpoint {
    #[sqlx(try_from = "i64")]
    pub size: u64,
    /// Hex root hash.
    pub root: String,
    /// The signed note (checkpoint body, blank line, the log's signature line).
    pub note: String,
    pub created_at: String,
}
