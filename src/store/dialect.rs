//! What really differs between SQLite and PostgreSQL: connecting, locking the log head,
//! SQLite's live backup and how a change to the database is noticed.

use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::{Pool, Result, Store, StoreError};

/// Which database a store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The database a `DATABASE_URL` names.
    fn of(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(url.to_owned()))
        }
    }

    /// Starts a transaction that will write. SQLite's `IMMEDIATE` takes the write lock
    /// now, so no other connection or process can write between our reads and the commit.
    pub(super) fn begin_write(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN",
        }
    }

    /// Appended to the read of the log head in a write transaction: PostgreSQL's row lock
    /// is held to the commit, so no other connection or process can append meanwhile
    /// (SQLite already holds its write lock).
    pub(super) fn lock_row(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }
}

/// A mark that changes whenever the database may have changed, for caches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeStamp {
    /// SQLite's WAL-index header (the first 48 bytes of the `-shm` file,
    /// <https://www.sqlite.org/walformat.html#the_wal_index_header>), rewritten on every
    /// committed write transaction by any connection of any process.
    WalIndex([u8; 48]),
    /// The log size (PostgreSQL, or SQLite without its WAL index): every status change
    /// and key event appends to the log.
    LogSize(u64),
}

impl Store {
    /// Opens the database `url` names (creating a SQLite file and its folder if needed)
    /// and brings its schema up to date. Migrations on PostgreSQL take its advisory lock,
    /// so several processes starting at once apply them once.
    ///
    /// # Errors
    /// An unsupported URL, a database that does not answer, or a failed migration.
    pub async fn connect(url: &str) -> Result<Self> {
        match Dialect::of(url)? {
            Dialect::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // FULL: a commit is on disk before issuance acknowledges it.
                    .synchronous(SqliteSynchronous::Full)
                    .busy_timeout(Duration::from_secs(30))
                    .foreign_keys(true);
                if let Some(parent) = options.get_filename().parent()
                    && !parent.as_os_str().is_empty()
                {
                    std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
                }
                let in_memory = url.contains(":memory:") || url.contains("mode=memory");
                if !in_memory && !options.get_filename().as_os_str().is_empty() {
                    super::files::make_private(options.get_filename()).map_err(sqlx::Error::Io)?;
                }
                let wal_index = wal_index_of(options.get_filename()).map(Arc::from);
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(options)
                    .await?;
                sqlx::migrate!("migrations/sqlite").run(&pool).await?;
                Ok(Self {
                    pool: Pool::Sqlite(pool),
                    wal_index,
                })
            }
            Dialect::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .connect(url)
                    .await?;
                sqlx::migrate!("migrations/postgres").run(&pool).await?;
                Ok(Self {
                    pool: Pool::Postgres(pool),
                    wal_index: None,
                })
            }
        }
    }

    pub(super) fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Postgres(_) => Dialect::Postgres,
        }
    }

    /// A consistent copy of a live SQLite database in a new file `path`, readable by its
    /// owner only (`VACUUM INTO`: readers and the writer carry on while it runs).
    ///
    /// # Errors
    /// The file cannot be written, or the store is on PostgreSQL (use `pg_dump`).
    pub async fn backup(&self, path: &Path) -> Result<()> {
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(StoreError::Unsupported(
                "backup copies SQLite databases; for PostgreSQL use pg_dump",
            ));
        };
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Corrupt("backup path is not UTF-8".into()))?;
        super::files::create_private(path).map_err(sqlx::Error::Io)?;
        if let Err(e) = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await
        {
            // Leave no empty file that looks like a backup.
            let _ = std::fs::remove_file(path);
            return Err(e.into());
        }
        Ok(())
    }

    /// A stamp that differs from an earlier one if the database may have changed since.
    /// On SQLite it is one `pread` of the WAL index and no query, so a row rewritten behind
    /// the service's back (with `sqlite3`) is seen too; on PostgreSQL it is the log size.
    ///
    /// # Errors
    /// The database does not answer.
    pub async fn change_stamp(&self) -> Result<ChangeStamp> {
        if let Some(path) = &self.wal_index {
            let mut header = [0u8; 48];
            if std::fs::File::open(path)
                .and_then(|f| f.read_exact_at(&mut header, 0))
                .is_ok()
            {
                return Ok(ChangeStamp::WalIndex(header));
            }
        }
        Ok(ChangeStamp::LogSize(self.log_size().await?))
    }
}

/// The WAL-index (`-shm`) file beside a SQLite database file, unless there is no file.
fn wal_index_of(db: &Path) -> Option<PathBuf> {
    (!db.as_os_str().is_empty()).then(|| super::files::beside(db, "-shm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wal_index_is_found_beside_a_sqlite_file_and_not_for_postgres() {
        let options = SqliteConnectOptions::from_str("sqlite://data/origine.db").unwrap();
        assert_eq!(
            wal_index_of(options.get_filename()).as_deref(),
            Some(Path::new("data/origine.db-shm"))
        );
        assert_eq!(Dialect::of("postgres://u@h/db").unwrap(), Dialect::Postgres);
        assert!(Dialect::of("mysql://u@h/db").is_err());
    }
}
