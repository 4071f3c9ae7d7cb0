//! The append transaction: lock the log head, read what the batch is decided on, write the
//! entries, lots and tree nodes, move the head.

use std::collections::{HashMap, HashSet};

use sqlx::QueryBuilder;

use super::plan::{Known, batch_producers, plan_append};
use super::tree::{TreeBatch, catch_up_tree, fetch_nodes, node_key};
use super::{
    Conn, INSERT_CHUNK, LogEntry, LotRecord, NewEntry, Rejection, Result, SealFn, Store, count,
    db_int, on_conn, on_pool,
};
use crate::domain::{EntryKind, EntryStatus, Gtin, LotCode, ProducerStatus};

impl Store {
    /// Appends a batch in one transaction: each entry gets the next `seq` and is sealed
    /// with the hash of the one before it. Nothing is visible until the commit returns.
    ///
    /// # Errors
    /// Database failures, or `seal` failing (the whole batch is rolled back).
    pub async fn append(
        &self,
        batch: Vec<NewEntry>,
        seal: &mut SealFn<'_>,
    ) -> Result<Vec<Result<LogEntry, Rejection>>> {
        let dialect = self.dialect();
        on_pool!(self, |pool| {
            // The head stays locked to the commit (see `Dialect::begin_write`, `lock_row`).
            let mut tx = pool.begin_with(dialect.begin_write()).await?;
            let (size, last_hash, tree_size): (i64, String, i64) =
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT size, last_hash, tree_size FROM log_head WHERE id = 1{}",
                    dialect.lock_row()
                )))
                .fetch_one(&mut *tx)
                .await?;
            let (size, tree_size) = (count(size)?, count(tree_size)?);
            let mut tree = TreeBatch::default();
            catch_up_tree(Conn::from(&mut *tx), &mut tree, tree_size, size).await?;
            // The batch's leaves need, as left siblings, only the roots of the tree so far.
            let frontier = tree.missing_frontier(size);
            if !frontier.is_empty() {
                tree.seed(fetch_nodes(Conn::from(&mut *tx), &frontier).await?);
            }
            let known = Known {
                taken: taken_lot_codes(Conn::from(&mut *tx), &batch).await?,
                producer_status: producer_statuses(Conn::from(&mut *tx), &batch).await?,
                revoked: revoked_subjects(Conn::from(&mut *tx), &batch).await?,
                gtin_owners: gtin_owners(Conn::from(&mut *tx), &batch).await?,
            };
            let plan = plan_append(&batch, size, last_hash, known, &mut tree, seal)?;
            let now = crate::time_fmt::now();
            for chunk in plan.rows.chunks(INSERT_CHUNK) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO log_entries \
                     (seq, kind, subject, status, body, hash, signature, kid, created_at) ",
                );
                q.push_values(chunk, |mut b, r| {
                    let e = &r.entry;
                    b.push_bind(db_int(e.seq))
                        .push_bind(e.kind)
                        .push_bind(e.subject.clone())
                        .push_bind(e.status.map(EntryStatus::as_str))
                        .push_bind(e.body.clone())
                        .push_bind(e.hash.clone())
                        .push_bind(e.signature.clone())
                        .push_bind(e.kid.clone())
                        .push_bind(now.clone());
                });
                q.build().execute(&mut *tx).await?;
            }
            let certified: Vec<&LotRecord> = plan.rows.iter().filter_map(|r| r.lot).collect();
            for chunk in certified.chunks(INSERT_CHUNK) {
                let mut q = QueryBuilder::new(
                    "INSERT INTO lots (id, producer_id, institute_code, lot_code, product_name, \
                     product_category, gtin, quantity, unit, produced_from, produced_to, serialised, \
                     certificate_id, created_at, label_secret) ",
                );
                q.push_values(chunk, |mut b, lot| {
                    b.push_bind(lot.id.clone())
                        .push_bind(lot.producer_id.clone())
                        .push_bind(lot.institute.clone())
                        .push_bind(lot.lot_code.clone())
                        .push_bind(lot.product_name.clone())
                        .push_bind(lot.product_category.clone())
                        .push_bind(lot.gtin.clone())
                        .push_bind(db_int(lot.quantity))
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
            for chunk in plan.new_gtin_owners.chunks(INSERT_CHUNK) {
                let mut q = QueryBuilder::new("INSERT INTO gtin_owners (gtin, producer_id) ");
                q.push_values(chunk, |mut b, (gtin, producer)| {
                    b.push_bind(gtin.clone()).push_bind(producer.clone());
                });
                q.build().execute(&mut *tx).await?;
            }
            for chunk in tree.new.chunks(INSERT_CHUNK) {
                let mut q = QueryBuilder::new("INSERT INTO tree_nodes (level, idx, hash) ");
                q.push_values(chunk, |mut b, (id, hash)| {
                    let (level, idx) = node_key(*id);
                    b.push_bind(level).push_bind(idx).push_bind(hash.to_vec());
                });
                q.build().execute(&mut *tx).await?;
            }
            sqlx::query(
                "UPDATE log_head SET size = $1, last_hash = $2, tree_size = $1 WHERE id = 1",
            )
            .bind(db_int(plan.size))
            .bind(&plan.last_hash)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(plan.outcomes)
        })
    }
}

/// The (producer, lot code) pairs of the batch's lots that are already registered.
async fn taken_lot_codes(
    mut conn: Conn<'_>,
    batch: &[NewEntry],
) -> Result<HashSet<(String, LotCode)>> {
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
        let rows: Vec<(String, LotCode)> = on_conn!(conn.reborrow(), |c| {
            let mut q = QueryBuilder::new(
                "SELECT producer_id, lot_code FROM lots WHERE (producer_id, lot_code) IN (",
            );
            q.push_values(chunk, |mut b, (p, code)| {
                b.push_bind(p.to_string()).push_bind(code.to_string());
            });
            q.push(")");
            q.build_query_as().fetch_all(c).await?
        });
        taken.extend(rows);
    }
    Ok(taken)
}

/// The latest status of the batch's producers that have status entries, read under the
/// head lock: what a certificate of theirs is decided on.
async fn producer_statuses(
    mut conn: Conn<'_>,
    batch: &[NewEntry],
) -> Result<HashMap<String, ProducerStatus>> {
    let mut out = HashMap::new();
    for chunk in batch_producers(batch).chunks(INSERT_CHUNK) {
        let rows: Vec<(String, ProducerStatus)> = on_conn!(conn.reborrow(), |c| {
            let mut q = QueryBuilder::new(
                "SELECT e.subject, e.status FROM log_entries e \
                 WHERE e.kind = 'producer_status' AND e.seq = (SELECT MAX(s.seq) FROM log_entries s \
                 WHERE s.kind = 'producer_status' AND s.subject = e.subject) AND e.subject IN (",
            );
            let mut ids = q.separated(", ");
            for id in chunk {
                ids.push_bind(id.to_string());
            }
            q.push(")");
            q.build_query_as().fetch_all(c).await?
        });
        out.extend(rows);
    }
    Ok(out)
}

/// The subjects of the batch's certificate and producer status entries that have a
/// revocation in the log, read under the head lock: revocation is final.
async fn revoked_subjects(mut conn: Conn<'_>, batch: &[NewEntry]) -> Result<HashSet<String>> {
    let mut subjects: Vec<&str> = batch
        .iter()
        .filter_map(|e| match e {
            NewEntry::Status { subject, status } if status.kind() != EntryKind::Key => {
                Some(subject.as_str())
            }
            _ => None,
        })
        .collect();
    subjects.sort_unstable();
    subjects.dedup();
    let mut out = HashSet::new();
    for chunk in subjects.chunks(INSERT_CHUNK) {
        let rows: Vec<(String,)> = on_conn!(conn.reborrow(), |c| {
            let mut q = QueryBuilder::new(
                "SELECT DISTINCT subject FROM log_entries \
                 WHERE kind IN ('certificate_status', 'producer_status') \
                 AND status = 'revoked' AND subject IN (",
            );
            let mut ids = q.separated(", ");
            for id in chunk {
                ids.push_bind(id.to_string());
            }
            q.push(")");
            q.build_query_as().fetch_all(c).await?
        });
        out.extend(rows.into_iter().map(|(s,)| s));
    }
    Ok(out)
}

/// Who owns each GTIN (14 digits) of the batch's lots, for those that have an owner: the
/// producer that certified it first.
async fn gtin_owners(mut conn: Conn<'_>, batch: &[NewEntry]) -> Result<HashMap<String, String>> {
    let mut gtins: Vec<String> = batch
        .iter()
        .filter_map(|e| match e {
            NewEntry::Certificate { lot } => lot.gtin.as_ref().map(Gtin::to_gtin14),
            NewEntry::Status { .. } => None,
        })
        .collect();
    gtins.sort_unstable();
    gtins.dedup();
    let mut out = HashMap::new();
    for chunk in gtins.chunks(INSERT_CHUNK) {
        let rows: Vec<(String, String)> = on_conn!(conn.reborrow(), |c| {
            let mut q =
                QueryBuilder::new("SELECT gtin, producer_id FROM gtin_owners WHERE gtin IN (");
            let mut list = q.separated(", ");
            for gtin in chunk {
                list.push_bind(gtin.clone());
            }
            q.push(")");
            q.build_query_as().fetch_all(c).await?
        });
        out.extend(rows);
    }
    Ok(out)
}
