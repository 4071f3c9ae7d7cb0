//! One conformance suite for every store: SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set (reported as ignored otherwise).

use std::sync::Arc;

use origine::crypto::jcs;
use origine::domain::institute::{Institute, InstituteRequest};
use origine::domain::producer::{NewProducer, ProducerRequest};
use origine::store::{
    AdminAction, LotRecord, NewEntry, NewSession, NewToken, NewUser, Rejection, Sealed, Store,
    StoreError,
};

async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("data/t.db").display());
    (origine::store::connect(&url).await.unwrap(), dir)
}

async fn pg_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let url = crate::support::fresh_pg_database().await;
    (
        origine::store::connect(&url).await.unwrap(),
        tempfile::tempdir().unwrap(),
    )
}

macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let (store, _dir) = super::sqlite_store().await;
                    super::$name(&*store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(origine_pg), ignore = "set TEST_DATABASE_URL to run the PostgreSQL store tests")]
                async fn $name() {
                    let (store, _dir) = super::pg_store().await;
                    super::$name(&*store).await;
                }
            )*
        }
    };
}

conformance!(
    institutes_round_trip_and_a_duplicate_code_conflicts,
    producers_keep_their_institutes_and_a_duplicate_vat_number_conflicts,
    tokens_are_found_by_hash_and_scoped_by_producer,
    appends_get_dense_seqs_chained_to_the_previous_hash,
    a_duplicate_lot_code_is_rejected_without_using_a_seq,
    producer_status_is_the_latest_status_entry,
    lots_are_listed_per_producer,
    the_status_feed_is_newest_first_and_scoped_by_producer,
    users_sessions_and_the_admin_trail,
);

fn institute(code: &str) -> Institute {
    Institute::parse(InstituteRequest {
        code: code.into(),
        name: format!("Istituto {code}"),
        kind: "casa_circondariale".into(),
        city: "Roma".into(),
        region: "Lazio".into(),
    })
    .unwrap()
}

fn producer(vat: &str, institutes: &[&str]) -> NewProducer {
    NewProducer::parse(ProducerRequest {
        name: format!("Cooperativa {vat}"),
        legal_form: "cooperativa_sociale".into(),
        vat_number: vat.into(),
        institutes: institutes.iter().map(|s| (*s).to_owned()).collect(),
        website: None,
    })
    .unwrap()
}

async fn with_producer(store: &dyn Store) {
    store.insert_institute(&institute("cc-roma")).await.unwrap();
    store
        .insert_producer(
            "p1",
            &producer("00743110157", &["cc-roma"]),
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap();
    store
        .insert_producer(
            "p2",
            &producer("00905811006", &["cc-roma"]),
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap();
}

fn lot_entry(producer: &str, code: &str) -> NewEntry {
    NewEntry::Certificate {
        lot: Box::new(LotRecord {
            id: format!("lot-{producer}-{code}"),
            producer_id: producer.into(),
            institute: "cc-roma".into(),
            lot_code: code.into(),
            product_name: "Pane".into(),
            product_category: "food".into(),
            gtin: None,
            quantity: 10,
            unit: "pcs".into(),
            produced_from: "2026-01-01".into(),
            produced_to: "2026-01-02".into(),
            serialised: false,
            certificate_id: format!("cert-{producer}-{code}"),
            created_at: "2026-01-03T00:00:00Z".into(),
            label_secret: Some("00".repeat(32)),
        }),
    }
}

/// A seal that writes `{seq, prev}` as the body, so the chain can be checked.
fn seal(_: usize, seq: u64, prev: &str) -> Result<Sealed, String> {
    let body = format!(r#"{{"prev":"{prev}","seq":{seq}}}"#);
    Ok(Sealed {
        hash: jcs::sha256_hex(body.as_bytes()),
        body,
        signature: "sig".into(),
        kid: "kid".into(),
    })
}

async fn institutes_round_trip_and_a_duplicate_code_conflicts(store: &dyn Store) {
    store.insert_institute(&institute("cc-roma")).await.unwrap();
    assert_eq!(
        store.institute("cc-roma").await.unwrap(),
        Some(institute("cc-roma"))
    );
    assert_eq!(store.institutes().await.unwrap().len(), 1);
    assert!(store.institute("nope").await.unwrap().is_none());
    assert!(matches!(
        store.insert_institute(&institute("cc-roma")).await,
        Err(StoreError::Conflict("code"))
    ));
}

async fn producers_keep_their_institutes_and_a_duplicate_vat_number_conflicts(store: &dyn Store) {
    store.insert_institute(&institute("cc-roma")).await.unwrap();
    store
        .insert_institute(&institute("cr-opera"))
        .await
        .unwrap();
    store
        .insert_producer(
            "p1",
            &producer("00743110157", &["cr-opera", "cc-roma"]),
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap();
    let p = store.producer("p1").await.unwrap().unwrap();
    assert_eq!(p.institutes, ["cc-roma", "cr-opera"]);
    assert_eq!(p.status, "accredited");
    assert_eq!(p.vat_number, "00743110157");
    assert!(matches!(
        store
            .insert_producer(
                "p2",
                &producer("IT00743110157", &["cc-roma"]),
                "2026-01-01T00:00:00Z"
            )
            .await,
        Err(StoreError::Conflict("vat_number"))
    ));
    // The failed insert left nothing behind.
    assert_eq!(store.producers().await.unwrap().len(), 1);
}

async fn tokens_are_found_by_hash_and_scoped_by_producer(store: &dyn Store) {
    with_producer(store).await;
    for (id, role, producer) in [
        ("t1", "admin", None),
        ("t2", "producer", Some("p1")),
        ("t3", "producer", Some("p2")),
    ] {
        store
            .insert_token(&NewToken {
                id: id.into(),
                token_hash: format!("hash-{id}"),
                role: role.into(),
                producer_id: producer.map(str::to_owned),
                label: None,
                created_at: "2026-01-01T00:00:00Z".into(),
            })
            .await
            .unwrap();
    }
    let t = store.token_by_hash("hash-t2").await.unwrap().unwrap();
    assert_eq!(
        (t.id.as_str(), t.role.as_str(), t.producer_id.as_deref()),
        ("t2", "producer", Some("p1"))
    );
    assert!(store.token_by_hash("t2").await.unwrap().is_none());
    assert_eq!(store.tokens(Some("p1")).await.unwrap().len(), 1);
    assert_eq!(store.tokens(None).await.unwrap().len(), 3);
}

async fn appends_get_dense_seqs_chained_to_the_previous_hash(store: &dyn Store) {
    with_producer(store).await;
    let first = store
        .append(vec![lot_entry("p1", "A"), lot_entry("p1", "B")], &mut seal)
        .await
        .unwrap();
    let second = store
        .append(
            vec![NewEntry::Status {
                kind: "certificate_status",
                subject: "cert-p1-A".into(),
                status: "revoked".into(),
            }],
            &mut seal,
        )
        .await
        .unwrap();
    let seqs: Vec<i64> = first
        .iter()
        .chain(&second)
        .map(|r| r.as_ref().unwrap().seq)
        .collect();
    assert_eq!(seqs, [0, 1, 2]);
    assert_eq!(store.log_size().await.unwrap(), 3);
    let entries = store.entries(0, 3).await.unwrap();
    let mut prev = jcs::ZERO_HASH.to_owned();
    for e in &entries {
        let body: serde_json::Value = serde_json::from_str(&e.body).unwrap();
        assert_eq!(body["prev"], prev.as_str());
        prev = e.hash.clone();
    }
    assert_eq!(
        store
            .certificate_entry("cert-p1-B")
            .await
            .unwrap()
            .unwrap()
            .seq,
        1
    );
    assert!(
        store
            .certificate_entry("cert-p1-Z")
            .await
            .unwrap()
            .is_none()
    );
    let status = store
        .status_entries("certificate_status", "cert-p1-A")
        .await
        .unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].status.as_deref(), Some("revoked"));
    assert_eq!(store.entries(1, 2).await.unwrap()[0].seq, 1);
}

async fn a_duplicate_lot_code_is_rejected_without_using_a_seq(store: &dyn Store) {
    with_producer(store).await;
    store
        .append(vec![lot_entry("p1", "A")], &mut seal)
        .await
        .unwrap();
    let out = store
        .append(
            vec![
                lot_entry("p1", "A"),
                lot_entry("p1", "B"),
                lot_entry("p1", "B"),
                lot_entry("p2", "A"),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    assert_eq!(out[0], Err(Rejection::DuplicateLotCode));
    assert_eq!(out[1].as_ref().unwrap().seq, 1);
    assert_eq!(out[2], Err(Rejection::DuplicateLotCode));
    // The same code is fine for another producer.
    assert_eq!(out[3].as_ref().unwrap().seq, 2);
    assert_eq!(store.log_size().await.unwrap(), 3);
}

async fn producer_status_is_the_latest_status_entry(store: &dyn Store) {
    with_producer(store).await;
    for status in ["suspended", "revoked"] {
        store
            .append(
                vec![NewEntry::Status {
                    kind: "producer_status",
                    subject: "p1".into(),
                    status: status.into(),
                }],
                &mut seal,
            )
            .await
            .unwrap();
    }
    assert_eq!(
        store.producer("p1").await.unwrap().unwrap().status,
        "revoked"
    );
    let all = store.producers().await.unwrap();
    let p2 = all.iter().find(|p| p.id == "p2").unwrap();
    assert_eq!(p2.status, "accredited");
}

async fn lots_are_listed_per_producer(store: &dyn Store) {
    with_producer(store).await;
    store
        .append(
            vec![
                lot_entry("p1", "A"),
                lot_entry("p2", "A"),
                lot_entry("p2", "B"),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    assert_eq!(store.lots(Some("p1")).await.unwrap().len(), 1);
    assert_eq!(store.lots(Some("p2")).await.unwrap().len(), 2);
    assert_eq!(store.lots(None).await.unwrap().len(), 3);
    let lot = store.lot("lot-p2-B").await.unwrap().unwrap();
    assert_eq!(
        (lot.lot_code.as_str(), lot.quantity, lot.serialised),
        ("B", 10, false)
    );
}

async fn the_status_feed_is_newest_first_and_scoped_by_producer(store: &dyn Store) {
    with_producer(store).await;
    store
        .append(vec![lot_entry("p1", "A"), lot_entry("p2", "A")], &mut seal)
        .await
        .unwrap();
    let status = |kind: &'static str, subject: &str| NewEntry::Status {
        kind,
        subject: subject.into(),
        status: "suspended".into(),
    };
    store
        .append(
            vec![
                status("certificate_status", "cert-p1-A"),
                status("producer_status", "p2"),
                status("certificate_status", "cert-p2-A"),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    let all: Vec<i64> = store
        .status_feed(None, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(all, [4, 3, 2]);
    let p2: Vec<i64> = store
        .status_feed(Some("p2"), 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(p2, [4, 3]);
    assert_eq!(store.status_feed(None, 1).await.unwrap().len(), 1);
}

async fn users_sessions_and_the_admin_trail(store: &dyn Store) {
    with_producer(store).await;
    let producer_id = store.producers().await.unwrap()[0].id.clone();
    let user = |id: &str, email: &str, role: &str, producer: Option<&str>| NewUser {
        id: id.into(),
        email: email.into(),
        password_hash: format!("$argon2id$hash-of-{id}"),
        role: role.into(),
        producer_id: producer.map(str::to_owned),
        created_at: "2026-11-24T09:00:00Z".into(),
    };
    store
        .insert_user(&user(
            "u1",
            "ufficio@coop.example",
            "producer",
            Some(&producer_id),
        ))
        .await
        .unwrap();
    store
        .insert_user(&user("u2", "audit@cnel.example", "auditor", None))
        .await
        .unwrap();
    let taken = store
        .insert_user(&user("u3", "ufficio@coop.example", "admin", None))
        .await;
    assert!(
        matches!(taken, Err(StoreError::Conflict("email"))),
        "{taken:?}"
    );
    // A producer account must name its producer, and only a producer account may.
    assert!(
        store
            .insert_user(&user("u4", "x@coop.example", "producer", None))
            .await
            .is_err()
    );
    assert!(
        store
            .insert_user(&user("u5", "y@coop.example", "auditor", Some(&producer_id)))
            .await
            .is_err()
    );
    let (found, hash) = store
        .user_credentials("ufficio@coop.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (found.id.as_str(), found.role.as_str(), hash.as_str()),
        ("u1", "producer", "$argon2id$hash-of-u1")
    );
    assert_eq!(found.producer_id.as_deref(), Some(producer_id.as_str()));
    assert!(
        store
            .user_credentials("nobody@coop.example")
            .await
            .unwrap()
            .is_none()
    );
    let emails: Vec<String> = store
        .users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    assert_eq!(emails, ["audit@cnel.example", "ufficio@coop.example"]);

    let session = |hash: &str, user: &str, created: &str, expires: &str| NewSession {
        id_hash: hash.into(),
        user_id: user.into(),
        csrf: format!("csrf-{hash}"),
        created_at: created.into(),
        expires_at: expires.into(),
    };
    store
        .insert_session(&session(
            "s-old",
            "u1",
            "2026-11-24T00:00:00Z",
            "2026-11-24T08:00:00Z",
        ))
        .await
        .unwrap();
    store
        .insert_session(&session(
            "s1",
            "u1",
            "2026-11-24T09:00:00Z",
            "2026-11-24T21:00:00Z",
        ))
        .await
        .unwrap();
    let live = store
        .session("s1", "2026-11-24T10:00:00Z")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (live.user.email.as_str(), live.csrf.as_str()),
        ("ufficio@coop.example", "csrf-s1")
    );
    assert!(
        store
            .session("s1", "2026-11-24T21:00:01Z")
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store
            .session("s-old", "2026-11-24T07:00:00Z")
            .await
            .unwrap()
            .is_none(),
        "dropped when s1 was stored"
    );
    store
        .insert_session(&session(
            "s2",
            "u1",
            "2026-11-24T09:30:00Z",
            "2026-11-24T21:30:00Z",
        ))
        .await
        .unwrap();
    store.delete_session("s2").await.unwrap();
    assert!(
        store
            .session("s2", "2026-11-24T10:00:00Z")
            .await
            .unwrap()
            .is_none()
    );
    // A new password ends every session of the account.
    store.set_password("u1", "$argon2id$new").await.unwrap();
    assert!(
        store
            .session("s1", "2026-11-24T10:00:00Z")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .user_credentials("ufficio@coop.example")
            .await
            .unwrap()
            .unwrap()
            .1,
        "$argon2id$new"
    );

    for (i, action) in ["create_institute", "accredit_producer", "producer_status"]
        .iter()
        .enumerate()
    {
        store
            .record_action(&AdminAction {
                at: format!("2026-11-24T09:0{i}:00Z"),
                actor: "user:admin@origine.example".into(),
                action: (*action).into(),
                subject: format!("s{i}"),
                detail: "<b>detail</b>".into(),
            })
            .await
            .unwrap();
    }
    let trail = store.admin_actions(2).await.unwrap();
    assert_eq!(trail.len(), 2);
    assert_eq!(
        (trail[0].action.as_str(), trail[1].action.as_str()),
        ("producer_status", "accredit_producer")
    );
    assert_eq!(store.admin_actions(u32::MAX).await.unwrap().len(), 3);
}
