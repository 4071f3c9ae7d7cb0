//! Lots: every field of a lot request, each rule naming the field it breaks.

use super::*;

#[tokio::test]
async fn a_lot_in_an_institute_where_the_producer_does_not_work_is_rejected_naming_institute() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["institute"] = "cr-padova-due-palazzi".into();
    bad_lot(&app, &seed, body, &["institute"]).await;
}

#[tokio::test]
async fn a_lot_in_an_unknown_institute_is_rejected_naming_institute() {
    let (app, seed) = started().await;
    for code in ["cc-nowhere", ""] {
        let mut body = lot("L1");
        body["institute"] = code.into();
        bad_lot(&app, &seed, body, &["institute"]).await;
    }
}

#[tokio::test]
async fn zero_detained_workers_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = 0.into();
    bad_lot(&app, &seed, body, &["claims.detained_workers"]).await;
}

#[tokio::test]
async fn more_detained_than_total_workers_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = 9.into();
    body["claims"]["total_workers"] = 8.into();
    bad_lot(&app, &seed, body, &["claims.detained_workers"]).await;
    // As many detained as total workers is fine.
    let mut body = lot("L1");
    body["claims"]["detained_workers"] = 8.into();
    let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn zero_work_hours_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["claims"]["work_hours"] = 0.into();
    bad_lot(&app, &seed, body, &["claims.work_hours"]).await;
}

#[tokio::test]
async fn reversed_production_dates_are_rejected_naming_produced_to() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["produced_from"] = "2026-10-31".into();
    body["produced_to"] = "2026-10-01".into();
    bad_lot(&app, &seed, body, &["produced_to"]).await;
}

#[tokio::test]
async fn production_dates_in_the_future_are_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let soon = (time::OffsetDateTime::now_utc() + time::Duration::days(3)).date();
    let soon = format!(
        "{:04}-{:02}-{:02}",
        soon.year(),
        u8::from(soon.month()),
        soon.day()
    );
    let mut body = lot("L1");
    body["produced_to"] = soon.clone().into();
    bad_lot(&app, &seed, body, &["produced_to"]).await;
    let mut body = lot("L1");
    body["produced_from"] = soon.into();
    body["produced_to"] = "2999-12-31".into();
    bad_lot(&app, &seed, body, &["produced_from", "produced_to"]).await;
}

#[tokio::test]
async fn malformed_production_dates_are_rejected_naming_the_field() {
    let (app, seed) = started().await;
    for bad in [
        "1 ottobre 2026",
        "01/10/2026",
        "2026-13-01",
        "2026-02-30",
        "2026-10-01T00:00:00Z",
        "",
    ] {
        let mut body = lot("L1");
        body["produced_from"] = bad.into();
        bad_lot(&app, &seed, body, &["produced_from"]).await;
    }
}

#[tokio::test]
async fn a_quantity_of_zero_or_over_ten_million_is_rejected_naming_quantity() {
    let (app, seed) = started().await;
    for q in [0u64, 10_000_001] {
        let mut body = lot("L1");
        body["quantity"] = q.into();
        bad_lot(&app, &seed, body, &["quantity"]).await;
    }
    // The bounds themselves are fine.
    for (code, q) in [("Q-MIN", 1u64), ("Q-MAX", 10_000_000)] {
        let mut body = lot(code);
        body["quantity"] = q.into();
        let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!(created["bundle"]["certificate"]["lot"]["quantity"], q);
    }
}

#[tokio::test]
async fn a_gtin_with_a_wrong_check_digit_is_rejected_naming_product_gtin() {
    let (app, seed) = started().await;
    // The SPEC example 8012345678901 has a wrong check digit; 8012345678907 is right.
    for bad in ["8012345678901", "801234567890", "80123456789O7"] {
        let mut body = lot("L1");
        body["product"]["gtin"] = bad.into();
        bad_lot(&app, &seed, body, &["product.gtin"]).await;
    }
    let issued = app.issue(&seed.producer_token, "L1").await;
    assert_eq!(
        issued["bundle"]["certificate"]["product"]["gtin"],
        "8012345678907"
    );
}

#[tokio::test]
async fn an_employment_outside_the_list_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    for bad in ["volunteer", "Employee", ""] {
        let mut body = lot("L1");
        body["claims"]["employment"] = bad.into();
        bad_lot(&app, &seed, body, &["claims.employment"]).await;
    }
    for (i, ok) in ["employee", "apprentice", "traineeship", "self_employed"]
        .into_iter()
        .enumerate()
    {
        let mut body = lot(&format!("E{i}"));
        body["claims"]["employment"] = ok.into();
        let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
        assert_eq!(status, StatusCode::CREATED, "{ok}: {created}");
    }
}

#[tokio::test]
async fn an_over_long_product_name_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["product"]["name"] = "x".repeat(201).into();
    bad_lot(&app, &seed, body, &["product.name"]).await;
    // Lengths count characters, not bytes: 200 accented letters fit.
    let mut body = lot("L1");
    body["product"]["name"] = "è".repeat(200).into();
    let (status, created) = app.post("/api/v1/lots", &seed.producer_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn a_duplicate_lot_code_for_the_same_producer_is_a_409_naming_lot_code() {
    let (app, seed) = started().await;
    app.issue(&seed.producer_token, "BF-2026-11-A").await;
    let reply = rejected(
        &app,
        &seed,
        "/api/v1/lots",
        &seed.producer_token,
        &lot("BF-2026-11-A"),
        StatusCode::CONFLICT,
        &["lot_code"],
    )
    .await;
    assert_eq!(reply.json["status"], 409);
    // Surrounding spaces do not make it a different code.
    rejected(
        &app,
        &seed,
        "/api/v1/lots",
        &seed.producer_token,
        &lot(" BF-2026-11-A "),
        StatusCode::CONFLICT,
        &["lot_code"],
    )
    .await;
}

#[tokio::test]
async fn the_same_lot_code_for_another_producer_is_accepted() {
    let (app, seed) = started().await;
    app.issue(&seed.producer_token, "BF-2026-11-A").await;
    let mut body = lot("BF-2026-11-A");
    body["institute"] = "cr-padova-due-palazzi".into();
    // Its own GTIN: the first producer's GTIN belongs to the first producer.
    body["product"]["gtin"] = "8012345678914".into();
    let (status, created) = app.post("/api/v1/lots", &seed.other_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["lot"]["producer_id"], seed.other.as_str());
    assert_eq!(created["lot"]["lot_code"], "BF-2026-11-A");
}

#[tokio::test]
async fn an_evidence_sha256_that_is_not_hex_is_rejected_naming_the_field() {
    let (app, seed) = started().await;
    for bad in [
        "zz".repeat(32),
        "ab".repeat(31),
        "ab".repeat(33),
        String::new(),
    ] {
        let mut body = lot("L1");
        body["claims"]["evidence"][0]["sha256"] = bad.into();
        bad_lot(&app, &seed, body, &["claims.evidence[0].sha256"]).await;
    }
}

#[tokio::test]
async fn every_invalid_lot_field_is_named_in_one_problem() {
    let (app, seed) = started().await;
    let mut body = lot("L1");
    body["quantity"] = 0.into();
    body["product"]["gtin"] = "8012345678901".into();
    body["claims"]["work_hours"] = 0.into();
    body["claims"]["employment"] = "volunteer".into();
    bad_lot(
        &app,
        &seed,
        body,
        &[
            "product.gtin",
            "quantity",
            "claims.work_hours",
            "claims.employment",
        ],
    )
    .await;
}

/// With a GTIN the lot code is printed as GS1 AI (10), which holds 20 characters at most:
/// `NATALE-2026-BISCOTTI-01` (23) used to be accepted and then made labels nobody could
/// resolve. Without a GTIN the code is only Origine's, up to 64 characters.
#[tokio::test]
async fn a_lot_code_longer_than_gs1_ai_10_with_a_gtin_is_rejected_naming_lot_code() {
    let (app, seed) = started().await;
    bad_lot(&app, &seed, lot("NATALE-2026-BISCOTTI-01"), &["lot_code"]).await;
    app.issue(&seed.producer_token, "NATALE-2026-BISCOT01")
        .await;
    let mut without_gtin = lot("NATALE-2026-BISCOTTI-01");
    without_gtin["product"]
        .as_object_mut()
        .unwrap()
        .remove("gtin");
    let (status, body) = app
        .post("/api/v1/lots", &seed.producer_token, without_gtin)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// GTINs GS1 never allocates to a trade item (all zeros, restricted circulation, coupons,
/// the demonstration prefix 952) and partite IVA of an office that was never assigned are
/// refused, though their check digits are right.
#[tokio::test]
async fn identifiers_with_right_check_digits_but_no_allocation_are_rejected() {
    let (app, seed) = started().await;
    for gtin in [
        "00000000000000",
        "2012345678903",
        "9520000000004",
        "0512345678900",
    ] {
        let mut body = lot("L1");
        body["product"]["gtin"] = gtin.into();
        bad_lot(&app, &seed, body, &["product.gtin"]).await;
    }
    let (status, body) = app
        .post(
            "/api/v1/producers",
            &seed.admin,
            json!({"name": "Ufficio Inesistente", "legal_form": "srl",
                   "vat_number": "12345671106", "institutes": ["cr-milano-opera"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(problem_fields(&body), ["vat_number"], "{body}");
}
