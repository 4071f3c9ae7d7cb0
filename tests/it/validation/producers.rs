//! Producers: VAT numbers, legal forms, institutes they work in.

use super::*;

#[tokio::test]
async fn a_producer_with_a_wrong_vat_check_digit_is_rejected_naming_vat_number() {
    let (app, seed) = started().await;
    for bad in ["00488410011", "IT00488410011", "0048841001", "ABCDEFGHIJK"] {
        let body = producer(bad, json!(["cr-milano-opera"]));
        rejected(
            &app,
            &seed,
            "/api/v1/producers",
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["vat_number"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_producer_in_an_unknown_institute_is_rejected_naming_institutes_0() {
    let (app, seed) = started().await;
    let body = producer(FREE_VAT, json!(["cc-nowhere"]));
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["institutes[0]"],
    )
    .await;
}

#[tokio::test]
async fn an_unknown_institute_is_named_by_its_position_in_the_request() {
    let (app, seed) = started().await;
    // The unknown code sorts before the known one; the problem must still point at index 1.
    let body = producer(FREE_VAT, json!(["cr-milano-opera", "aa-nowhere"]));
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["institutes[1]"],
    )
    .await;
    // A repeated code before it must not shift the index either.
    let body = producer(
        FREE_VAT,
        json!(["cr-milano-opera", "cr-milano-opera", "zz-nowhere"]),
    );
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["institutes[2]"],
    )
    .await;
}

#[tokio::test]
async fn a_producer_with_an_unknown_legal_form_is_rejected_naming_legal_form() {
    let (app, seed) = started().await;
    let mut body = producer(FREE_VAT, json!(["cr-milano-opera"]));
    body["legal_form"] = "gmbh".into();
    rejected(
        &app,
        &seed,
        "/api/v1/producers",
        &seed.admin,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        &["legal_form"],
    )
    .await;
}

#[tokio::test]
async fn a_duplicate_vat_number_is_a_409_naming_vat_number() {
    let (app, seed) = started().await;
    // The seed's first producer has 00743110157; the IT prefix and spaces do not make it new.
    for vat in ["00743110157", "IT00743110157", "0074 3110 157"] {
        let body = producer(vat, json!(["cr-milano-opera"]));
        rejected(
            &app,
            &seed,
            "/api/v1/producers",
            &seed.admin,
            &body,
            StatusCode::CONFLICT,
            &["vat_number"],
        )
        .await;
    }
}
