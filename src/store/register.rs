//! The register: institutes, producers (with their status from the log), lots and API tokens.

use std::collections::HashMap;

use super::{LotRecord, NewToken, Result, Store, TokenRecord, conflict, on_pool};
use crate::domain::institute::Institute;
use crate::domain::producer::{NewProducer, Producer};
use crate::domain::{ProducerStatus, VatNumber};

/// A producer with its current status: the latest producer status entry, if any.
const PRODUCER_COLUMNS: &str = "SELECT p.id, p.name, p.legal_form, p.vat_number, p.website, p.created_at, \
     COALESCE((SELECT e.status FROM log_entries e WHERE e.kind = 'producer_status' AND e.subject = p.id \
               ORDER BY e.seq DESC LIMIT 1), 'accredited') AS status FROM producers p";

const LOT_COLUMNS: &str = "id, producer_id, institute_code AS institute, lot_code, product_name, \
     product_category, gtin, quantity, unit, produced_from, produced_to, serialised, certificate_id, created_at, label_secret";

/// A row of `institutes`.
#[derive(sqlx::FromRow)]
struct InstituteRow {
    code: String,
    name: String,
    kind: String,
    city: String,
    region: String,
}

impl From<InstituteRow> for Institute {
    fn from(r: InstituteRow) -> Self {
        Institute {
            code: r.code,
            name: r.name,
            kind: r.kind,
            city: r.city,
            region: r.region,
        }
    }
}

/// A row of [`PRODUCER_COLUMNS`]; the institutes are read apart.
#[derive(sqlx::FromRow)]
struct ProducerRow {
    id: String,
    name: String,
    legal_form: String,
    vat_number: VatNumber,
    website: Option<String>,
    created_at: String,
    status: ProducerStatus,
}

impl ProducerRow {
    fn with(self, institutes: Vec<String>) -> Producer {
        Producer {
            id: self.id,
            name: self.name,
            legal_form: self.legal_form,
            vat_number: self.vat_number,
            institutes,
            website: self.website,
            status: self.status,
            created_at: self.created_at,
        }
    }
}

impl Store {
    /// Stores an institute; [`super::StoreError::Conflict`] if its code is taken.
    pub async fn insert_institute(&self, i: &Institute) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO institutes (code, name, kind, city, region, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&i.code)
            .bind(&i.name)
            .bind(&i.kind)
            .bind(&i.city)
            .bind(&i.region)
            .bind(crate::time_fmt::now())
            .execute(pool)
            .await
            .map_err(conflict("code"))?;
            Ok(())
        })
    }

    /// Every institute, by region and name.
    pub async fn institutes(&self) -> Result<Vec<Institute>> {
        let rows: Vec<InstituteRow> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT code, name, kind, city, region FROM institutes ORDER BY region, name",
            )
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Institute::from).collect())
    }

    /// The institute with this code.
    pub async fn institute(&self, code: &str) -> Result<Option<Institute>> {
        let row: Option<InstituteRow> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT code, name, kind, city, region FROM institutes WHERE code = $1")
                .bind(code)
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(Institute::from))
    }

    /// Stores a producer and its institutes, all or nothing; [`super::StoreError::Conflict`]
    /// if the VAT number is taken.
    pub async fn insert_producer(&self, id: &str, p: &NewProducer, created_at: &str) -> Result<()> {
        let begin = self.dialect().begin_write();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_with(begin).await?;
            sqlx::query(
                "INSERT INTO producers (id, name, legal_form, vat_number, website, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
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
        })
    }

    /// Producers with their current status (from the latest producer status entry).
    pub async fn producers(&self) -> Result<Vec<Producer>> {
        let (rows, links): (Vec<ProducerRow>, Vec<(String, String)>) = on_pool!(self, |pool| {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{PRODUCER_COLUMNS} ORDER BY p.name"
            )))
            .fetch_all(pool)
            .await?;
            let links = sqlx::query_as(
                "SELECT producer_id, institute_code FROM producer_institutes ORDER BY institute_code",
            )
            .fetch_all(pool)
            .await?;
            (rows, links)
        });
        let mut by_producer: HashMap<String, Vec<String>> = HashMap::new();
        for (p, i) in links {
            by_producer.entry(p).or_default().push(i);
        }
        Ok(rows
            .into_iter()
            .map(|row| {
                let institutes = by_producer.remove(&row.id).unwrap_or_default();
                row.with(institutes)
            })
            .collect())
    }

    /// A producer with its current status and institutes.
    pub async fn producer(&self, id: &str) -> Result<Option<Producer>> {
        on_pool!(self, |pool| {
            let Some(row): Option<ProducerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{PRODUCER_COLUMNS} WHERE p.id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?
            else {
                return Ok(None);
            };
            let institutes: Vec<(String,)> = sqlx::query_as(
                "SELECT institute_code FROM producer_institutes WHERE producer_id = $1 \
                 ORDER BY institute_code",
            )
            .bind(id)
            .fetch_all(pool)
            .await?;
            Ok(Some(
                row.with(institutes.into_iter().map(|(c,)| c).collect()),
            ))
        })
    }

    /// Stores an API token; [`super::StoreError::Conflict`] if its hash is taken.
    pub async fn insert_token(&self, t: &NewToken) -> Result<()> {
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO api_tokens (id, token_hash, role, producer_id, buyer_id, label, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&t.id)
            .bind(&t.token_hash)
            .bind(t.role)
            .bind(&t.producer_id)
            .bind(&t.buyer_id)
            .bind(&t.label)
            .bind(&t.created_at)
            .execute(pool)
            .await
            .map_err(conflict("token"))?;
            Ok(())
        })
    }

    /// The token whose secret has this hash.
    pub async fn token_by_hash(&self, token_hash: &str) -> Result<Option<TokenRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, role, producer_id, buyer_id, label, created_at FROM api_tokens WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Tokens of one producer, or all tokens.
    pub async fn tokens(&self, producer_id: Option<&str>) -> Result<Vec<TokenRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(
                "SELECT id, role, producer_id, buyer_id, label, created_at FROM api_tokens \
                 WHERE (CAST($1 AS TEXT) IS NULL OR producer_id = $1) ORDER BY created_at, id",
            )
            .bind(producer_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The lot a certificate certifies.
    pub async fn lot_by_certificate(&self, certificate_id: &str) -> Result<Option<LotRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE certificate_id = $1"
            )))
            .bind(certificate_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Lots with this lot code (any producer), for resolving GS1 Digital Links.
    pub async fn lots_by_code(&self, lot_code: &str) -> Result<Vec<LotRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE lot_code = $1"
            )))
            .bind(lot_code)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The lot a GS1 Digital Link names: the lot with this code of the producer that owns
    /// the GTIN (14 digits), so another producer's lot with the same GTIN and code (from
    /// before GTINs had owners) never takes over the owner's labels.
    pub async fn lot_by_link(&self, gtin14: &str, lot_code: &str) -> Result<Option<LotRecord>> {
        let lot: Option<LotRecord> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE lot_code = $1 AND producer_id = \
                 (SELECT producer_id FROM gtin_owners WHERE gtin = $2)"
            )))
            .bind(lot_code)
            .bind(gtin14)
            .fetch_optional(pool)
            .await?
        });
        Ok(lot.filter(|l| l.gtin.as_ref().is_some_and(|g| g.to_gtin14() == gtin14)))
    }

    /// The certified lots of a GTIN (14 digits): those of the producer that owns it, newest
    /// first, so a GTIN's product page lists only its owner's lots.
    pub async fn lots_by_gtin(&self, gtin14: &str) -> Result<Vec<LotRecord>> {
        let lots: Vec<LotRecord> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE producer_id = \
                 (SELECT producer_id FROM gtin_owners WHERE gtin = $1) \
                 ORDER BY created_at DESC, id"
            )))
            .bind(gtin14)
            .fetch_all(pool)
            .await?
        });
        Ok(lots
            .into_iter()
            .filter(|l| l.gtin.as_ref().is_some_and(|g| g.to_gtin14() == gtin14))
            .collect())
    }

    /// Lots of one producer, or all lots, newest first.
    pub async fn lots(&self, producer_id: Option<&str>) -> Result<Vec<LotRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE (CAST($1 AS TEXT) IS NULL OR producer_id = $1) \
                 ORDER BY created_at DESC, id"
            )))
            .bind(producer_id)
            .fetch_all(pool)
            .await?)
        })
    }

    /// The lot with this id.
    pub async fn lot(&self, id: &str) -> Result<Option<LotRecord>> {
        on_pool!(self, |pool| {
            Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {LOT_COLUMNS} FROM lots WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(pool)
            .await?)
        })
    }
}
