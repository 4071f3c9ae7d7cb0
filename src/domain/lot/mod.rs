//! Production lots and their social-impact claims, as a producer registers them.
//!
//! Claims are aggregates only (counts and hours): SPEC hard rule 1 forbids anything that
//! could identify a detained person, so there is no field for it to go in.
//!
//! This module checks the lot itself; `claims` checks the claims made about it.

mod claims;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;
use utoipa::ToSchema;

use super::gtin::Gtin;
use super::lot_code::LotCode;
use super::validation::{Checker, ValidationErrors};
use claims::parse_claims;

pub use claims::{Claims, ClaimsRequest, EMPLOYMENT, EvidenceRequest};

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
/// Largest lot.
pub const MAX_QUANTITY: u64 = 10_000_000;

/// `POST /api/v1/lots` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LotRequest {
    /// Code of the institute where the lot was made.
    pub institute: String,
    /// The product made.
    pub product: ProductRequest,
    /// The producer's own lot code, unique per producer.
    pub lot_code: String,
    /// How many `unit`s the lot holds, 1 to 10 000 000 ([`MAX_QUANTITY`]).
    pub quantity: u64,
    /// What `quantity` counts: one of [`UNITS`].
    pub unit: String,
    /// `YYYY-MM-DD`.
    pub produced_from: String,
    /// `YYYY-MM-DD`.
    pub produced_to: String,
    /// Each unit gets its own numbered label.
    #[serde(default)]
    pub serialised: bool,
    /// The social-impact claims about the lot.
    pub claims: ClaimsRequest,
}

/// The product of a lot.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductRequest {
    /// Shown on the certificate and the label: 2 to 200 characters.
    pub name: String,
    /// One of [`CATEGORIES`], e.g. `food`.
    pub category: String,
    /// GTIN-8/12/13/14 with a valid check digit.
    pub gtin: Option<String>,
}

/// The product as the certificate states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    /// The product name, trimmed.
    pub name: String,
    /// One of [`CATEGORIES`].
    pub category: String,
    /// The GTIN as the producer gave it (8, 12, 13 or 14 digits); absent when the product has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub gtin: Option<Gtin>,
}

/// A lot that passed every rule that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLot {
    /// Code of the institute where the lot was made, trimmed; that it exists is checked against the store.
    pub institute: String,
    /// The product, validated.
    pub product: Product,
    /// The producer's lot code; with a GTIN, at most 20 characters (GS1 AI 10).
    pub lot_code: LotCode,
    /// How many units, 1 to [`MAX_QUANTITY`].
    pub quantity: u64,
    /// One of [`UNITS`].
    pub unit: String,
    /// First day of production, `YYYY-MM-DD`, not in the future.
    pub produced_from: String,
    /// Last day of production, `YYYY-MM-DD`, not before `produced_from` nor in the future.
    pub produced_to: String,
    /// Whether each unit gets its own numbered label.
    pub serialised: bool,
    /// The validated claims.
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
        let gtin = match gtin.map(Gtin::parse).transpose() {
            Ok(gtin) => gtin,
            Err(message) => {
                c.add("product.gtin", message);
                None
            }
        };
        let lot_code = LotCode::parse(&req.lot_code);
        match &lot_code {
            Err(message) => c.add("lot_code", *message),
            // With a GTIN the code is printed as GS1 AI (10) on every unit label.
            Ok(code) if gtin.is_some() && code.as_str().len() > crate::domain::lot_code::MAX_AI10_LEN => c.add(
                "lot_code",
                "with a GTIN, the lot code is a GS1 AI (10) batch/lot number: at most 20 characters",
            ),
            Ok(_) => {}
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
        let Ok(lot_code) = lot_code else {
            return Err(c.into_errors());
        };
        c.finish(Self {
            institute,
            product: Product {
                name,
                category: req.product.category,
                gtin,
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
