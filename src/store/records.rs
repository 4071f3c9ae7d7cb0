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
    /// Random id: 16 characters of lower-case base32, shown in listings and the admin trail.
    pub id: String,
    /// Hex SHA-256 of the bearer token; the token itself is shown once and never stored.
    pub token_hash: String,
    /// What the token may do.
    pub role: Role,
    /// The producer a `producer` token acts for; absent for other roles.
    pub producer_id: Option<String>,
    /// The buyer account a buyer token belongs to.
    pub buyer_id: Option<String>,
    /// The admin's note on what the token is for, up to 100 characters; absent when none.
    pub label: Option<String>,
    /// When it was created: RFC 3339 UTC to the second.
    pub created_at: String,
}

/// A stored token, without its hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TokenRecord {
    /// Random id: 16 characters of lower-case base32.
    pub id: String,
    /// What the token may do.
    pub role: Role,
    /// The producer a `producer` token acts for; absent for other roles.
    pub producer_id: Option<String>,
    /// The buyer account a buyer token belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_id: Option<String>,
    /// The admin's note on what the token is for; absent when none.
    pub label: Option<String>,
    /// When it was created: RFC 3339 UTC to the second.
    pub created_at: String,
}

/// A web account to store.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Random id: 16 characters of lower-case base32.
    pub id: String,
    /// Lower-cased.
    pub email: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// What the account may do.
    pub role: Role,
    /// The producer a `producer` account acts for; absent for other roles.
    pub producer_id: Option<String>,
    /// When it was created: RFC 3339 UTC to the second.
    pub created_at: String,
}

/// A stored account, without its password hash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct UserRecord {
    /// Random id: 16 characters of lower-case base32.
    pub id: String,
    /// The sign-in address, lower-cased.
    pub email: String,
    /// What the account may do.
    pub role: Role,
    /// The producer a `producer` account acts for; absent for other roles.
    pub producer_id: Option<String>,
    /// When it was created: RFC 3339 UTC to the second.
    pub created_at: String,
}

/// A session to store: the cookie secret itself is never kept, only its SHA-256.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Hex SHA-256 of the session cookie's secret.
    pub id_hash: String,
    /// Id of the account signed in.
    pub user_id: String,
    /// The token every form of this session must send back.
    pub csrf: String,
    /// When the session began: RFC 3339 UTC to the second.
    pub created_at: String,
    /// When it ends: RFC 3339 UTC to the second.
    pub expires_at: String,
}

/// A live session and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    /// The account signed in.
    #[sqlx(flatten)]
    pub user: UserRecord,
    /// The token every form of this session must send back.
    pub csrf: String,
    /// When the session ends: RFC 3339 UTC to the second.
    pub expires_at: String,
}

/// One change made with admin rights: who, what, to what.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct AdminAction {
    /// When: RFC 3339 UTC to the second.
    pub at: String,
    /// `user:EMAIL`, `token:ID` or `cli`.
    pub actor: String,
    /// What was done, e.g. `create_institute`, `create_token`, `certificate_status`, `rotate_key`.
    pub action: String,
    /// What it was done to: an institute code, producer or certificate id, email, kid.
    pub subject: String,
    /// A line for the auditor, e.g. the new status and its reason.
    pub detail: String,
}

/// A lot as stored beside its certificate, for listings and workspaces.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct LotRecord {
    /// Random id: 16 characters of lower-case base32, the `{id}` of `/api/v1/lots/{id}`.
    pub id: String,
    /// The producer that registered the lot.
    pub producer_id: String,
    /// Code of the institute where it was made.
    pub institute: String,
    /// The producer's lot code, unique per producer.
    #[schema(value_type = String)]
    pub lot_code: LotCode,
    /// The product name as certified.
    pub product_name: String,
    /// One of [`CATEGORIES`](crate::domain::lot::CATEGORIES).
    pub product_category: String,
    /// The product's GTIN as the producer gave it; absent when it has none.
    #[schema(value_type = Option<String>)]
    pub gtin: Option<Gtin>,
    /// How many `unit`s the lot holds, 1 to 10 000 000.
    #[sqlx(try_from = "i64")]
    pub quantity: u64,
    /// What `quantity` counts, e.g. `pcs` or `kg`.
    pub unit: String,
    /// First day of production, `YYYY-MM-DD`.
    pub produced_from: String,
    /// Last day of production, `YYYY-MM-DD`.
    pub produced_to: String,
    /// Whether each unit has its own numbered label (serials 1 to `quantity`).
    pub serialised: bool,
    /// Id of the lot's certificate.
    pub certificate_id: String,
    /// When the lot was registered: RFC 3339 UTC to the second.
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
    /// The unit number the scans named.
    #[sqlx(try_from = "i64")]
    pub serial: u64,
    /// Scans with a valid token, all time.
    #[sqlx(try_from = "i64")]
    pub scans: u64,
    /// Distinct salted sources with a valid token, each counted once per day.
    #[sqlx(try_from = "i64")]
    pub sources: u64,
    /// Attempts with a missing or wrong token.
    #[sqlx(try_from = "i64")]
    pub invalid: u64,
}

/// One entry of the log, exactly as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// 0-based position in the log.
    pub seq: u64,
    /// What the entry records.
    pub kind: EntryKind,
    /// Certificate id, producer id or kid the entry is about.
    pub subject: String,
    /// For status and key entries, the status they record (of the entry's kind).
    pub status: Option<EntryStatus>,
    /// The JCS bytes of the signed body, as text.
    pub body: String,
    /// Hex SHA-256 of `body`.
    pub hash: String,
    /// Ed25519 signature over `body`, base64url without padding.
    pub signature: String,
    /// Hex C2SP key ID of the key that signed.
    pub kid: String,
}

/// Something to append to the log.
#[derive(Debug, Clone)]
pub enum NewEntry {
    /// A lot and its certificate.
    Certificate {
        /// The lot, whose `certificate_id` names the certificate to sign.
        lot: Box<LotRecord>,
    },
    /// A status change of a certificate or producer, or a key event; its kind is the
    /// status's.
    Status {
        /// Certificate id, producer id or kid the status is about.
        subject: String,
        /// The status to record; its kind is the entry's kind.
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
    /// The JCS bytes of the signed body, as text.
    pub body: String,
    /// Hex SHA-256 of `body`.
    pub hash: String,
    /// Ed25519 signature over `body`, base64url without padding.
    pub signature: String,
    /// Hex C2SP key ID of the key that signed.
    pub kid: String,
}

/// Why one entry of a batch was not appended (the rest of the batch still is).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The producer already has a lot with this `lot_code`.
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
    /// Number of entries the checkpoint covers.
    #[sqlx(try_from = "i64")]
    pub size: u64,
    /// Hex root hash.
    pub root: String,
    /// The signed note (checkpoint body, blank line, the log's signature line).
    pub note: String,
    /// When it was stored: RFC 3339 UTC to the second.
    pub created_at: String,
}
