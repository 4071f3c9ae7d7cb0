//! Institutes: codes, regions, duplicates.

use super::*;

#[tokio::test]
async fn an_institute_code_that_is_not_a_slug_is_rejected_naming_code() {
    let (app, seed) = started().await;
    for bad in [
        "Opera Milano",
        "CC-BOLLATE",
        "cc--bollate",
        "-cc-bollate",
        "cc-bollate-",
        "c",
        "cc_bollate",
    ] {
        let body = institute(bad, "Lombardia");
        rejected(
            &app,
            &seed,
            "/api/v1/institutes",
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["code"],
        )
        .await;
    }
}

#[tokio::test]
async fn an_institute_in_an_unknown_region_is_rejected_naming_region() {
    let (app, seed) = started().await;
    for bad in ["Bavaria", "", "Lombardy"] {
        let body = institute("cc-bollate", bad);
        rejected(
            &app,
            &seed,
            "/api/v1/institutes",
            &seed.admin,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            &["region"],
        )
        .await;
    }
}

#[tokio::test]
async fn a_duplicate_institute_code_is_a_409_naming_code() {
    let (app, seed) = started().await;
    let body = institute("cr-milano-opera", "Lombardia");
    rejected(
        &app,
        &seed,
        "/api/v1/institutes",
        &seed.admin,
        &body,
        StatusCode::CONFLICT,
        &["code"],
    )
    .await;
}
