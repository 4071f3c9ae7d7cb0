//! Production lots and their social-impact claims, as a producer registers them.
//!
//! Claims are aggregates only (counts and hours): SPEC hard rule 1 forbids anything that
//! could identify a detained person, so there is no field for it to go in.

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;
use utoipa::ToSchema;

use super::gtin::Gtin;
use super::validation::{Checker, ValidationErrors};

/// Product categories.
pub const CATEGORIES: &[&str] = &[
    "food",
    "beverage",
    "textile",
    "clothing",
    "crafts",
    "furniture",
    "cosmetics",
    "printing",
    "agriculture",
    "services",
    "other",
];
/// Units a lot's quantity is counted in.
pub const UNITS: &[&str] = &["pcs", "kg", "g", "l", "ml", "m", "m2", "h", "service"];
/// Kinds of employment contract.
pub const EMPLOYMENT: &[&str] = &["employee", "apprentice", "traineeship", "self_employed"];
/// Largest lot.
pub const MAX_QUANTITY: u64 = 10_000_000;

/// `POST /api/v1/lots` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LotRequest {
    /// Code of the institute where the lot was made.
    pub institute: String,
    pub product: ProductRequest,
    /// The producer's own lot code, unique per producer.
    pub lot_code: String,
    pub quantity: u64,
    pub unit: String,
    /// `YYYY-MM-DD`.
    pub produced_from: String,
    /// `YYYY-MM-DD`.
    pub produced_to: String,
    /// Each unit gets its own numbered label.
    #[serde(default)]
    pub serialised: bool,
    pub claims: ClaimsRequest,
}

/// The product of a lot.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductRequest {
    pub name: String,
    pub category: String,
    /// GTIN-8/12/13/14 with a valid check digit.
    pub gtin: Option<String>,
}

/// Social-impact claims: aggregates, never about a person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimsRequest {
    pub detained_workers: u32,
    pub total_workers: u32,
    pub work_hours: u64,
    #[serde(default)]
    pub training_hours: u64,
    /// `employee`, `apprentice`, `traineeship` or `self_employed`.
    pub employment: String,
    pub statement: Option<String>,
    #[serde(default)]
    pub evidence: Vec<EvidenceRequest>,
}

/// A document backing the claims, named and fingerprinted (the document itself stays with the producer).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    pub label: String,
    /// Hex SHA-256 of the document.
    pub sha256: String,
}

/// The product as the certificate states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    pub name: String,
    pub category: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gtin: Option<String>,
}

/// The claims as the certificate states them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Claims {
    pub detained_workers: u32,
    pub total_workers: u32,
    pub work_hours: u64,
    pub training_hours: u64,
    pub employment: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceRequest>,
}

/// A lot that passed every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLot {
    pub institute: String,
    pub product: Product,
    pub lot_code: String,
    pub quantity: u64,
    pub unit: String,
    pub produced_from: String,
    pub produced_to: String,
    pub serialised: bool,
    pub claims: Claims,
}

fn parse_date(c: &mut Checker, field: &str, value: &str, latest: Date) -> Option<Date> {
    match Date::parse(value, format_description!("[year]-[month]-[day]")) {
        Ok(d) if d > latest => {
            c.add(field, "must not be in the future");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            c.add(field, "must be a date written YYYY-MM-DD");
            None
        }
    }
}

impl ValidLot {
    /// Validates a request. `latest` is the last date that is not in the future.
    ///
    /// # Errors
    /// Every invalid field, named by its path (`claims.work_hours`).
    pub fn parse(req: LotRequest, latest: Date) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let institute = req.institute.trim().to_owned();
        if institute.is_empty() {
            c.add("institute", "must not be empty");
        }
        let name = c.text("product.name", &req.product.name, 2, 200, false);
        c.one_of("product.category", &req.product.category, CATEGORIES);
        let gtin = req
            .product
            .gtin
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty());
        if let Some(Err(message)) = gtin.map(Gtin::parse) {
            c.add("product.gtin", message);
        }
        let lot_code = req.lot_code.trim().to_owned();
        if lot_code.is_empty()
            || lot_code.len() > 64
            || !lot_code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        {
            c.add(
                "lot_code",
                "must be 1 to 64 characters of A-Z, a-z, 0-9 and - _ . /",
            );
        }
        c.range("quantity", req.quantity, 1, MAX_QUANTITY);
        c.one_of("unit", &req.unit, UNITS);
        let from = parse_date(&mut c, "produced_from", &req.produced_from, latest);
        let to = parse_date(&mut c, "produced_to", &req.produced_to, latest);
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            c.add("produced_to", "must not be before produced_from");
        }
        let claims = parse_claims(&mut c, req.claims);
        c.finish(Self {
            institute,
            product: Product {
                name,
                category: req.product.category,
                gtin: gtin.map(str::to_owned),
            },
            lot_code,
            quantity: req.quantity,
            unit: req.unit,
            produced_from: req.produced_from,
            produced_to: req.produced_to,
            serialised: req.serialised,
            claims,
        })
    }
}

fn parse_claims(c: &mut Checker, req: ClaimsRequest) -> Claims {
    c.range("claims.total_workers", req.total_workers.into(), 1, 100_000);
    if req.detained_workers < 1 {
        c.add("claims.detained_workers", "must be at least 1");
    } else if req.detained_workers > req.total_workers {
        c.add("claims.detained_workers", "must not exceed total_workers");
    }
    c.range("claims.work_hours", req.work_hours, 1, 100_000_000);
    c.range("claims.training_hours", req.training_hours, 0, 100_000_000);
    c.one_of("claims.employment", &req.employment, EMPLOYMENT);
    let statement = req
        .statement
        .as_deref()
        .map(|s| c.text("claims.statement", s, 0, 2000, true))
        .filter(|s| !s.is_empty());
    if req.evidence.len() > 20 {
        c.add("claims.evidence", "must list at most 20 documents");
    }
    let evidence = req
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let label = c.text(
                &format!("claims.evidence[{i}].label"),
                &e.label,
                1,
                200,
                false,
            );
            let sha256 = e.sha256.trim().to_ascii_lowercase();
            if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                c.add(
                    format!("claims.evidence[{i}].sha256"),
                    "must be 64 hex digits",
                );
            }
            EvidenceRequest { label, sha256 }
        })
        .collect();
    Claims {
        detained_workers: req.detained_workers,
        total_workers: req.total_workers,
        work_hours: req.work_hours,
        training_hours: req.training_hours,
        employment: req.employment,
        statement,
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn request() -> serde_json::Value {
        serde_json::json!({
            "institute": "cr-milano-opera",
            "product": {"name": "Biscotti al farro", "category": "food", "gtin": "8012345678907"},
            "lot_code": "BF-2026-11-A", "quantity": 500, "unit": "pcs",
            "produced_from": "2026-10-01", "produced_to": "2026-10-31", "serialised": true,
            "claims": {"detained_workers": 6, "total_workers": 8, "work_hours": 960,
                       "training_hours": 120, "employment": "employee",
                       "statement": "Prodotto nel laboratorio interno",
                       "evidence": [{"label": "payroll summary Oct 2026", "sha256": "AB".repeat(32)}]}
        })
    }

    fn parse(v: serde_json::Value) -> Result<ValidLot, ValidationErrors> {
        ValidLot::parse(serde_json::from_value(v).unwrap(), date!(2026 - 11 - 24))
    }

    fn fields(v: serde_json::Value) -> Vec<String> {
        parse(v)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn the_spec_example_lot_is_valid_with_a_correct_gtin() {
        let lot = parse(request()).unwrap();
        assert_eq!(lot.claims.evidence[0].sha256, "ab".repeat(32));
    }

    #[test]
    fn more_detained_than_total_workers_is_rejected() {
        let mut v = request();
        v["claims"]["detained_workers"] = 9.into();
        assert_eq!(fields(v), ["claims.detained_workers"]);
    }

    #[test]
    fn zero_detained_workers_and_zero_hours_are_rejected() {
        let mut v = request();
        v["claims"]["detained_workers"] = 0.into();
        v["claims"]["work_hours"] = 0.into();
        assert_eq!(fields(v), ["claims.detained_workers", "claims.work_hours"]);
    }

    #[test]
    fn reversed_and_future_dates_are_rejected() {
        let mut v = request();
        v["produced_from"] = "2026-10-31".into();
        v["produced_to"] = "2026-10-01".into();
        assert_eq!(fields(v), ["produced_to"]);
        let mut v = request();
        v["produced_to"] = "2026-11-25".into();
        assert_eq!(fields(v), ["produced_to"]);
        let mut v = request();
        v["produced_from"] = "1 ottobre".into();
        assert_eq!(fields(v), ["produced_from"]);
    }

    #[test]
    fn quantity_outside_bounds_is_rejected() {
        for q in [0u64, MAX_QUANTITY + 1] {
            let mut v = request();
            v["quantity"] = q.into();
            assert_eq!(fields(v), ["quantity"]);
        }
    }

    #[test]
    fn a_gtin_with_a_wrong_check_digit_is_rejected() {
        let mut v = request();
        v["product"]["gtin"] = "8012345678901".into();
        assert_eq!(fields(v), ["product.gtin"]);
    }

    #[test]
    fn unknown_employment_unit_category_and_long_strings_are_rejected() {
        let mut v = request();
        v["claims"]["employment"] = "volunteer".into();
        v["unit"] = "barrels".into();
        v["product"]["category"] = "weapons".into();
        v["product"]["name"] = "x".repeat(201).into();
        v["lot_code"] = "lot code with spaces".into();
        v["claims"]["evidence"][0]["sha256"] = "xyz".into();
        assert_eq!(
            fields(v),
            [
                "product.name",
                "product.category",
                "lot_code",
                "unit",
                "claims.employment",
                "claims.evidence[0].sha256"
            ]
        );
    }
}
