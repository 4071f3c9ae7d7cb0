//! Verification reports remembered per process, served again only while nothing they
//! depend on can have changed.
//!
//! A report (without a unit serial) is a function of the certificate's log entry, the
//! status entries about it and its producer, and the keys document. An entry is filed
//! under a **stamp** read *before* the report is built ([`Store::change_stamp`]), and
//! served only while a fresh stamp is equal:
//!
//! - **SQLite:** the WAL-index header of the database (the first 48 bytes of its `-shm`
//!   file, <https://www.sqlite.org/walformat.html#the_wal_index_header>). SQLite rewrites
//!   it on every committed write transaction, by any connection of any process, so a
//!   status change, a key event, a checkpoint, a scan — or a row rewritten behind the
//!   service's back with `sqlite3` — ends every remembered report. Reading it is one
//!   `pread`; no query.
//! - **PostgreSQL** (or SQLite without its WAL index): the log size, one query per
//!   request. Every status change and key event appends to the log, so it is seen by
//!   every process at once; a row rewritten in place with SQL (which the service never
//!   does) is not seen until the log grows — `origine audit` is the check for that.
//! - **The keys document** is part of the stamp, so a rotation or withdrawal picked up by
//!   this process ends the reports checked against the old keys.
//!
//! Reports of unit labels (`?serial=`) are never remembered: each one counts a scan and
//! may change the scan verdict. Unknown ids are not remembered either, and the memory is
//! bounded by [`CAPACITY`] entries.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Bytes;

use crate::crypto::Keyring;
use crate::store::{ChangeStamp, Result, Store};

use super::report::{Report, Trust, build_report};

/// Most reports remembered.
pub const CAPACITY: usize = 4096;

/// A report with its JSON, and its HTML page once one was asked for.
#[derive(Debug)]
pub struct CachedReport {
    /// The report as computed.
    pub report: Report,
    /// The report serialised, as `GET /api/v1/verify/{id}` sends it.
    pub json: Bytes,
    /// The page as a visitor who is not signed in sees it, one per page language. Pages
    /// of signed-in users carry their own menu and CSRF token and are never remembered.
    html: [OnceLock<Bytes>; 2],
}

impl CachedReport {
    /// The anonymous page in language `slot` (0 Italian, 1 English), rendered by `render`
    /// the first time, then remembered with the report.
    pub fn html(&self, slot: usize, render: impl FnOnce(&Report) -> Bytes) -> Bytes {
        self.html[slot.min(1)]
            .get_or_init(|| render(&self.report))
            .clone()
    }
}

struct Entry {
    db: ChangeStamp,
    keys: [u8; 32],
    report: Arc<CachedReport>,
}

/// Reports by certificate id, and the keys document they were checked against.
#[derive(Default)]
pub struct ReportCache {
    trust: Mutex<Option<(Arc<Keyring>, Arc<Trust>)>>,
    entries: Mutex<HashMap<String, Entry>>,
}

impl ReportCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The report of certificate `id` (no unit serial), or `None` if there is none.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn report(
        &self,
        store: &Store,
        keys: &Arc<Keyring>,
        id: &str,
    ) -> Result<Option<Arc<CachedReport>>> {
        // Read before building: a change after this point makes the next stamp differ.
        let db = store.change_stamp().await?;
        let trust = self.trust(keys);
        if let Some(hit) = self.entries.lock().ok().and_then(|m| {
            m.get(id)
                .filter(|e| e.db == db && e.keys == trust.fingerprint)
                .map(|e| e.report.clone())
        }) {
            return Ok(Some(hit));
        }
        let Some(report) = build_report(store, &trust, id, None).await? else {
            return Ok(None);
        };
        let json = Bytes::from(serde_json::to_vec(&report).unwrap_or_default());
        let cached = Arc::new(CachedReport {
            report,
            json,
            html: [OnceLock::new(), OnceLock::new()],
        });
        if let Ok(mut m) = self.entries.lock() {
            if m.len() >= CAPACITY
                && !m.contains_key(id)
                && let Some(victim) = m.keys().next().cloned()
            {
                m.remove(&victim);
            }
            m.insert(
                id.to_owned(),
                Entry {
                    db,
                    keys: trust.fingerprint,
                    report: cached.clone(),
                },
            );
        }
        Ok(Some(cached))
    }

    /// The keys document of `keys` and its digest, built once per keyring.
    fn trust(&self, keys: &Arc<Keyring>) -> Arc<Trust> {
        let Ok(mut slot) = self.trust.lock() else {
            return Arc::new(Trust::of(keys));
        };
        match &*slot {
            Some((ring, trust)) if Arc::ptr_eq(ring, keys) => trust.clone(),
            _ => {
                let trust = Arc::new(Trust::of(keys));
                *slot = Some((keys.clone(), trust.clone()));
                trust
            }
        }
    }
}
