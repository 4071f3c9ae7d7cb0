//! The stored Merkle tree: fetching nodes, and the nodes an append transaction makes.

use std::collections::HashMap;

use sqlx::QueryBuilder;

use super::{Conn, Result, Store, StoreError, count, db_int, on_conn, on_pool};
use crate::log::merkle::{self, Hash, NodeId};

/// Node ids per query when fetching (two parameters each).
const FETCH_CHUNK: usize = 200;

/// Merkle bookkeeping inside one append transaction: the nodes this batch makes.
#[derive(Debug, Default)]
pub(super) struct TreeBatch {
    made: HashMap<NodeId, Hash>,
    pub(super) new: Vec<(NodeId, Hash)>,
}

impl TreeBatch {
    /// Adds nodes already in the database that later leaves need as left siblings.
    pub(super) fn seed(&mut self, nodes: HashMap<NodeId, Hash>) {
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
    pub(super) fn missing_frontier(&self, size: u64) -> Vec<NodeId> {
        merkle::root_needs(size)
            .into_iter()
            .filter(|id| !self.made.contains_key(id))
            .collect()
    }

    /// Adds leaf `n` given the fetched nodes it was missing.
    pub(super) fn push(
        &mut self,
        n: u64,
        leaf: Hash,
        mut fetched: HashMap<NodeId, Hash>,
    ) -> Result<()> {
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

/// A node's key as stored: `(level, idx)`.
pub(super) fn node_key(id: NodeId) -> (i64, i64) {
    (i64::from(id.level), db_int(id.index))
}

fn to_hash(bytes: &[u8]) -> Result<Hash> {
    bytes.try_into().map_err(|_| {
        StoreError::Corrupt(format!("stored tree node is {} bytes, not 32", bytes.len()))
    })
}

impl Store {
    /// Stored Merkle nodes among `ids` (absent ones are left out).
    ///
    /// # Errors
    /// Database failures, or a stored node that is not 32 bytes.
    pub async fn nodes(&self, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        on_pool!(self, |pool| {
            let mut conn = pool.acquire().await?;
            let mut out = HashMap::new();
            for chunk in ids.chunks(FETCH_CHUNK) {
                out.extend(fetch_nodes(Conn::from(&mut *conn), chunk).await?);
            }
            Ok(out)
        })
    }

    /// Hashes of the stored nodes at `level` with `start <= idx < end`, in order.
    ///
    /// # Errors
    /// Database failures, or a stored node that is not 32 bytes.
    pub async fn level_range(&self, level: u8, start: u64, end: u64) -> Result<Vec<Hash>> {
        let rows: Vec<(Vec<u8>,)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT hash FROM tree_nodes WHERE level = $1 AND idx >= $2 AND idx < $3 ORDER BY idx",
            )
            .bind(i64::from(level))
            .bind(db_int(start))
            .bind(db_int(end))
            .fetch_all(pool)
            .await?
        });
        rows.iter().map(|(h,)| to_hash(h)).collect()
    }
}

/// Fetches the stored nodes among `ids` (at most [`FETCH_CHUNK`]) in one query.
pub(super) async fn fetch_nodes(conn: Conn<'_>, ids: &[NodeId]) -> Result<HashMap<NodeId, Hash>> {
    let rows: Vec<(i64, i64, Vec<u8>)> = on_conn!(conn, |conn| {
        let mut q =
            QueryBuilder::new("SELECT level, idx, hash FROM tree_nodes WHERE (level, idx) IN (");
        q.push_values(ids, |mut b, id| {
            let (level, idx) = node_key(*id);
            b.push_bind(level).push_bind(idx);
        });
        q.push(")");
        q.build_query_as().fetch_all(conn).await?
    });
    rows.into_iter()
        .map(|(level, idx, hash)| {
            let level = u8::try_from(level)
                .map_err(|_| StoreError::Corrupt(format!("stored tree node has level {level}")))?;
            let id = NodeId {
                level,
                index: count(idx)?,
            };
            Ok((id, to_hash(&hash)?))
        })
        .collect()
}

/// Adds leaf `n` (the JCS bytes `body`) to the batch's tree, fetching missing siblings.
async fn add_leaf(conn: Conn<'_>, tree: &mut TreeBatch, n: u64, body: &[u8]) -> Result<()> {
    let missing = tree.missing(n);
    let fetched = if missing.is_empty() {
        HashMap::new()
    } else {
        fetch_nodes(conn, &missing).await?
    };
    tree.push(n, merkle::leaf_hash(body), fetched)
}

/// Brings the tree up to the log's size (databases from before the tree existed).
pub(super) async fn catch_up_tree(
    mut conn: Conn<'_>,
    tree: &mut TreeBatch,
    mut from: u64,
    to: u64,
) -> Result<()> {
    while from < to {
        let end = from.saturating_add(1000).min(to);
        let rows: Vec<(i64, String)> = on_conn!(conn.reborrow(), |c| {
            sqlx::query_as(
                "SELECT seq, body FROM log_entries WHERE seq >= $1 AND seq < $2 ORDER BY seq",
            )
            .bind(db_int(from))
            .bind(db_int(end))
            .fetch_all(c)
            .await?
        });
        for (seq, body) in rows {
            add_leaf(conn.reborrow(), tree, count(seq)?, body.as_bytes()).await?;
        }
        from = end;
    }
    Ok(())
}
