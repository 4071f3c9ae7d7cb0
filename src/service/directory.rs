//! Per-process memory of API tokens, producers and institutes, so that registering a lot
//! needs no query before the issuer sees it.
//!
//! The rules that keep it honest:
//!
//! - **Producer status is never taken from memory alone.** The issuer's transaction reads
//!   each producer's latest status entry under the log head lock and refuses a certificate
//!   of a producer that is not accredited (see `store::plan_append`). So a suspension or
//!   revocation committed by *any* process stops issuance for every process at once. The
//!   status remembered here only lets a request be refused early; a remembered refusal is
//!   re-read from the store before it is given.
//! - **This process forgets a producer** as soon as its issuer commits a status entry
//!   about it (`Issuer`), so its own pages and refusals are immediate.
//! - **Everything else expires after [`TTL`].** Tokens, producers' names and institute
//!   lists, and institutes cannot be changed through the service today; if a later change
//!   adds editing or token revocation in another process, this process sees it within
//!   [`TTL`], and should also call the matching `forget_*` method in its own process.
//! - Only found rows are remembered (an unknown token is looked up every time), and each
//!   map is cleared when it reaches [`CAPACITY`], so memory stays bounded.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::domain::institute::Institute;
use crate::domain::producer::Producer;
use crate::store::{Result, Store, TokenRecord};

/// How long a remembered row is trusted.
pub const TTL: Duration = Duration::from_secs(10);

/// Most rows remembered per kind before that memory is cleared.
pub const CAPACITY: usize = 10_000;

/// A map whose entries expire.
#[derive(Debug)]
struct Remembered<K, V> {
    rows: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K, V> Default for Remembered<K, V> {
    fn default() -> Self {
        Self {
            rows: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Remembered<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        let rows = self.rows.lock().ok()?;
        rows.get(key)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, key: K, value: V) {
        if let Ok(mut rows) = self.rows.lock() {
            if rows.len() >= CAPACITY {
                rows.clear();
            }
            rows.insert(key, (Instant::now(), value));
        }
    }

    fn forget(&self, key: &K) {
        if let Ok(mut rows) = self.rows.lock() {
            rows.remove(key);
        }
    }
}

/// Tokens by hash, producers by id and institutes by code, as recently read.
#[derive(Debug, Default)]
pub struct Directory {
    tokens: Remembered<String, TokenRecord>,
    producers: Remembered<String, Arc<Producer>>,
    institutes: Remembered<String, Arc<Institute>>,
}

impl Directory {
    /// The token with this hash.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn token(&self, store: &Store, token_hash: &str) -> Result<Option<TokenRecord>> {
        let key = token_hash.to_owned();
        if let Some(t) = self.tokens.get(&key) {
            return Ok(Some(t));
        }
        let found = store.token_by_hash(token_hash).await?;
        if let Some(t) = &found {
            self.tokens.put(key, t.clone());
        }
        Ok(found)
    }

    /// The producer `id`. An accredited status may be up to [`TTL`] old (the issuer
    /// re-checks it); any other status is read from the store.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn producer(&self, store: &Store, id: &str) -> Result<Option<Arc<Producer>>> {
        let key = id.to_owned();
        if let Some(p) = self.producers.get(&key)
            && p.is_accredited()
        {
            return Ok(Some(p));
        }
        let found = store.producer(id).await?.map(Arc::new);
        if let Some(p) = &found {
            self.producers.put(key, p.clone());
        }
        Ok(found)
    }

    /// The institute `code`.
    ///
    /// # Errors
    /// Storage failures.
    pub async fn institute(&self, store: &Store, code: &str) -> Result<Option<Arc<Institute>>> {
        let key = code.to_owned();
        if let Some(i) = self.institutes.get(&key) {
            return Ok(Some(i));
        }
        let found = store.institute(code).await?.map(Arc::new);
        if let Some(i) = &found {
            self.institutes.put(key, i.clone());
        }
        Ok(found)
    }

    /// Drops what is remembered about producer `id` (its status changed).
    pub fn forget_producer(&self, id: &str) {
        self.producers.forget(&id.to_owned());
    }

    /// Drops a token (for a future revocation in this process).
    pub fn forget_token(&self, token_hash: &str) {
        self.tokens.forget(&token_hash.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_rows_expire_and_can_be_forgotten() {
        let r: Remembered<String, u32> = Remembered::default();
        r.put("a".into(), 1);
        assert_eq!(r.get(&"a".into()), Some(1));
        r.forget(&"a".into());
        assert_eq!(r.get(&"a".into()), None);
        r.rows
            .lock()
            .unwrap()
            .insert("b".into(), (Instant::now() - TTL, 2));
        assert_eq!(r.get(&"b".into()), None, "an expired row is not used");
    }

    #[test]
    fn memory_is_bounded() {
        let r: Remembered<usize, usize> = Remembered::default();
        for i in 0..CAPACITY + 5 {
            r.put(i, i);
        }
        assert!(r.rows.lock().unwrap().len() <= CAPACITY);
    }
}
