//! `POST /api/v1/lots` bodies: the HTTP edge's JSON parser (which names the failing field)
//! and the lot validation must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use origine::domain::lot::{LotRequest, ValidLot};
use time::macros::date;

fuzz_target!(|data: &[u8]| {
    let direct = serde_json::from_slice::<LotRequest>(data);
    let edge = origine::http::extract::parse::<LotRequest>(data);
    // Both parsers read the same JSON: they must agree on whether it is a lot request.
    assert_eq!(
        direct.is_ok(),
        edge.is_ok(),
        "serde_json: {:?}, http::extract::parse: {:?}",
        direct.as_ref().err(),
        edge.as_ref().err()
    );
    if let Err(e) = &edge {
        let _ = e.to_string();
    }
    if let Ok(req) = direct {
        if let Ok(lot) = ValidLot::parse(req, date!(2026 - 06 - 01)) {
            assert!(lot.quantity >= 1 && lot.quantity <= origine::domain::lot::MAX_QUANTITY);
            assert!(lot.claims.detained_workers <= lot.claims.total_workers);
        }
    }
});
