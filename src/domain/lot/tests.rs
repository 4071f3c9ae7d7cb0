//! Lot requests: the spec example is valid, and each broken rule is reported by field.

use time::macros::date;

use super::*;

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
