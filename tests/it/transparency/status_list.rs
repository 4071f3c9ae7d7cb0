//! W3C Bitstring Status Lists: each credential's revocation and suspension bits follow the
//! log's status entries within seconds, and the lists are signed by a key of did.json.

use std::time::{Duration, Instant};

use super::*;
use origine::crypto::vc::{self, did_web, status_list};

async fn credential(app: &TestApp, id: &str) -> Value {
    let (status, vc) = app.get(&format!("/api/v1/certificates/{id}/vc")).await;
    assert_eq!(status, StatusCode::OK);
    vc
}

/// The bit of `entry` (a `BitstringStatusListEntry`) in the list it names, fetched now;
/// the list's proof is checked with the key from did.json.
async fn bit(app: &TestApp, entry: &Value) -> bool {
    let url = entry["statusListCredential"].as_str().unwrap();
    let path = url.strip_prefix(crate::support::BASE_URL).unwrap();
    let (status, headers, body) = app
        .raw(Request::get(path).body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=5")
    );
    let list: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(list["type"][1], "BitstringStatusListCredential");
    assert_eq!(
        list["credentialSubject"]["statusPurpose"],
        entry["statusPurpose"]
    );
    let (_, doc) = app.get("/.well-known/did.json").await;
    vc::verify_proof_with(&list, |m| did_web::assertion_key(&doc, m)).unwrap();
    let bits =
        status_list::decode(list["credentialSubject"]["encodedList"].as_str().unwrap()).unwrap();
    assert_eq!(bits.len() as u64, status_list::LIST_BITS / 8);
    let index: u64 = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    status_list::is_set(&bits, index)
}

/// Revocation and suspension bits of a credential.
async fn bits(app: &TestApp, vc: &Value) -> (bool, bool) {
    let entries = vc["credentialStatus"].as_array().unwrap();
    (bit(app, &entries[0]).await, bit(app, &entries[1]).await)
}

/// Sets the status and returns how long until both bits read `want`.
async fn change(
    app: &TestApp,
    admin: &str,
    id: &str,
    status: &str,
    vc: &Value,
    want: (bool, bool),
) -> Duration {
    let (code, _) = app
        .post(
            &format!("/api/v1/certificates/{id}/status"),
            admin,
            json!({"status": status, "reason": "test"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    let acknowledged = Instant::now();
    while bits(app, vc).await != want {
        assert!(
            acknowledged.elapsed() < Duration::from_secs(5),
            "{status}: bits not {want:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    acknowledged.elapsed()
}

#[tokio::test]
async fn status_bits_flip_within_seconds_and_reinstating_clears_suspension() {
    let (app, seed, issued) = app_with(3).await;
    let id = issued[1]["bundle"]["certificate"]["id"].as_str().unwrap();
    let vc = credential(&app, id).await;
    assert_eq!(bits(&app, &vc).await, (false, false));
    let mut taken = Vec::new();
    taken.push(change(&app, &seed.admin, id, "suspended", &vc, (false, true)).await);
    taken.push(change(&app, &seed.admin, id, "valid", &vc, (false, false)).await);
    taken.push(change(&app, &seed.admin, id, "revoked", &vc, (true, false)).await);
    // Revocation is final: the register refuses to reinstate, and the bit stays set.
    let (code, _) = app
        .post(
            &format!("/api/v1/certificates/{id}/status"),
            &seed.admin,
            json!({"status": "valid", "reason": "test"}),
        )
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert_eq!(bits(&app, &vc).await, (true, false));
    eprintln!("status change to flipped bit: {taken:?}");
    // The other credentials' bits did not move.
    for other in [&issued[0], &issued[2]] {
        let other = credential(&app, other["bundle"]["certificate"]["id"].as_str().unwrap()).await;
        assert_eq!(bits(&app, &other).await, (false, false));
    }
}

#[tokio::test]
async fn a_suspended_producer_suspends_its_credentials() {
    let (app, seed, issued) = app_with(1).await;
    let vc = credential(
        &app,
        issued[0]["bundle"]["certificate"]["id"].as_str().unwrap(),
    )
    .await;
    let path = format!("/api/v1/producers/{}/status", seed.producer);
    let (code, _) = app
        .post(
            &path,
            &seed.admin,
            json!({"status": "suspended", "reason": "audit"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    assert_eq!(bits(&app, &vc).await, (false, true));
    let (code, _) = app
        .post(
            &path,
            &seed.admin,
            json!({"status": "accredited", "reason": "audit done"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED);
    assert_eq!(bits(&app, &vc).await, (false, false));
}

#[tokio::test]
async fn indexes_do_not_follow_issuance_order_and_unknown_lists_are_404() {
    let (app, _, issued) = app_with(10).await;
    let mut indexes = Vec::new();
    for i in &issued {
        let vc = credential(&app, i["bundle"]["certificate"]["id"].as_str().unwrap()).await;
        indexes.push(
            vc["credentialStatus"][0]["statusListIndex"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .unwrap(),
        );
    }
    let mut sorted = indexes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), indexes.len());
    assert_ne!(sorted, indexes, "indexes follow issuance order");
    for path in [
        "/api/v1/status-lists/revocation/7",
        "/api/v1/status-lists/expiry/0",
    ] {
        let (status, _) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
#[cfg_attr(not(origine_pg), ignore = "needs TEST_DATABASE_URL")]
async fn status_bits_flip_on_postgresql_too() {
    let app = TestApp::postgres().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "PG-1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    let vc = credential(&app, id).await;
    change(&app, &seed.admin, id, "suspended", &vc, (false, true)).await;
    change(&app, &seed.admin, id, "revoked", &vc, (true, false)).await;
}
