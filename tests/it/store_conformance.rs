//! One conformance suite for every store: SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set (reported as ignored otherwise).
//!
//! Each query of the store is written once for both databases, so the cases here look
//! for what the databases could still do differently: NULL parameters, booleans,
//! integer widths, ordering, `ON CONFLICT`, unique keys and multi-statement batches.

use std::collections::HashMap;
use std::sync::Arc;

use origine::crypto::jcs;
use origine::domain::institute::{Institute, InstituteRequest};
use origine::domain::producer::{NewProducer, ProducerRequest};
use origine::domain::{
    CertificateStatus, EntryKind, EntryStatus, Gtin, LotCode, ProducerStatus, Role,
};
use origine::log::merkle::{self, MemoryTree, NodeId};
use origine::store::{
    AdminAction, ChangeStamp, LotRecord, NewEntry, NewSession, NewToken, NewUser, Rejection,
    ScanCounts, Sealed, SerialScans, Store, StoreError, StoredCheckpoint,
};

/// A store, the URL it was opened with, and the folder its files live in.
struct Db {
    store: Arc<Store>,
    url: String,
    dir: tempfile::TempDir,
}

async fn sqlite_db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("data/t.db").display());
    Db {
        store: origine::store::connect(&url).await.unwrap(),
        url,
        dir,
    }
}

async fn pg_db() -> Db {
    let url = crate::support::fresh_pg_database().await;
    Db {
        store: origine::store::connect(&url).await.unwrap(),
        url,
        dir: tempfile::tempdir().unwrap(),
    }
}

/// Runs each case on a fresh SQLite store and a fresh PostgreSQL store. Cases in the
/// `store` list take the store; cases in the `db` list take the whole [`Db`].
macro_rules! conformance {
    (store: [$($name:ident),* $(,)?], db: [$($db_name:ident),* $(,)?] $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let db = super::sqlite_db().await;
                    super::$name(&db.store).await;
                }
            )*
            $(
                #[tokio::test]
                async fn $db_name() {
                    super::$db_name(&super::sqlite_db().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                #[cfg_attr(not(origine_pg), ignore = "set TEST_DATABASE_URL to run the PostgreSQL store tests")]
                async fn $name() {
                    let db = super::pg_db().await;
                    super::$name(&db.store).await;
                }
            )*
            $(
                #[tokio::test]
                #[cfg_attr(not(origine_pg), ignore = "set TEST_DATABASE_URL to run the PostgreSQL store tests")]
                async fn $db_name() {
                    super::$db_name(&super::pg_db().await).await;
                }
            )*
        }
    };
}

conformance!(
    store: [
        institutes_round_trip_and_a_duplicate_code_conflicts,
        producers_keep_their_institutes_and_a_duplicate_vat_number_conflicts,
        tokens_are_found_by_hash_and_scoped_by_producer,
        appends_get_dense_seqs_chained_to_the_previous_hash,
        a_duplicate_lot_code_is_rejected_without_using_a_seq,
        producer_status_is_the_latest_status_entry,
        lots_are_listed_per_producer,
        the_status_feed_is_newest_first_and_scoped_by_producer,
        users_sessions_and_the_admin_trail,
        the_store_answers_a_ping,
        institutes_and_producers_are_listed_in_order,
        tokens_keep_null_labels_and_list_in_order_and_a_duplicate_hash_conflicts,
        lots_keep_every_field_and_are_found_by_certificate_and_code,
        lots_of_a_producer_that_is_not_accredited_are_rejected_in_the_batch,
        a_batch_larger_than_one_insert_is_written_whole,
        stored_nodes_are_the_tree_of_the_entries,
        checkpoints_are_stored_once_per_size_and_listed_in_order,
        a_cosignature_is_replaced_per_witness,
        label_secrets_are_set_once,
        daily_salts_are_kept_from_the_first_use,
        scans_are_counted_per_serial_source_and_day,
        the_status_feed_of_a_producer_without_entries_is_empty,
        a_session_hash_cannot_be_stored_twice,
        the_change_stamp_moves_after_an_append,
    ],
    db: [
        an_old_log_without_its_tree_is_caught_up_on_the_next_append,
        backup_copies_a_sqlite_database_and_is_refused_on_postgresql,
        the_change_stamp_is_the_wal_index_on_sqlite_and_the_log_size_on_postgresql,
        values_that_cannot_be_read_back_are_corrupt,
    ],
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

async fn with_producer(store: &Store) {
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
            lot_code: LotCode::parse(code).unwrap(),
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

async fn institutes_round_trip_and_a_duplicate_code_conflicts(store: &Store) {
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

async fn producers_keep_their_institutes_and_a_duplicate_vat_number_conflicts(store: &Store) {
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
    assert_eq!(p.status, ProducerStatus::Accredited);
    assert_eq!(p.vat_number.as_str(), "00743110157");
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

async fn tokens_are_found_by_hash_and_scoped_by_producer(store: &Store) {
    with_producer(store).await;
    for (id, role, producer) in [
        ("t1", Role::Admin, None),
        ("t2", Role::Producer, Some("p1")),
        ("t3", Role::Producer, Some("p2")),
    ] {
        store
            .insert_token(&NewToken {
                id: id.into(),
                token_hash: format!("hash-{id}"),
                role,
                producer_id: producer.map(str::to_owned),
                buyer_id: None,
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

async fn appends_get_dense_seqs_chained_to_the_previous_hash(store: &Store) {
    with_producer(store).await;
    let first = store
        .append(vec![lot_entry("p1", "A"), lot_entry("p1", "B")], &mut seal)
        .await
        .unwrap();
    let second = store
        .append(
            vec![NewEntry::status("cert-p1-A", CertificateStatus::Revoked)],
            &mut seal,
        )
        .await
        .unwrap();
    let seqs: Vec<u64> = first
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
        .status_entries(EntryKind::CertificateStatus, "cert-p1-A")
        .await
        .unwrap();
    assert_eq!(status.len(), 1);
    assert_eq!(
        status[0].status,
        Some(EntryStatus::Certificate(CertificateStatus::Revoked))
    );
    assert_eq!(store.entries(1, 2).await.unwrap()[0].seq, 1);
}

async fn a_duplicate_lot_code_is_rejected_without_using_a_seq(store: &Store) {
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

async fn producer_status_is_the_latest_status_entry(store: &Store) {
    with_producer(store).await;
    for status in [ProducerStatus::Suspended, ProducerStatus::Revoked] {
        store
            .append(vec![NewEntry::status("p1", status)], &mut seal)
            .await
            .unwrap();
    }
    assert_eq!(
        store.producer("p1").await.unwrap().unwrap().status,
        ProducerStatus::Revoked
    );
    let all = store.producers().await.unwrap();
    let p2 = all.iter().find(|p| p.id == "p2").unwrap();
    assert_eq!(p2.status, ProducerStatus::Accredited);
}

async fn lots_are_listed_per_producer(store: &Store) {
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

async fn the_status_feed_is_newest_first_and_scoped_by_producer(store: &Store) {
    with_producer(store).await;
    store
        .append(vec![lot_entry("p1", "A"), lot_entry("p2", "A")], &mut seal)
        .await
        .unwrap();
    let certificate = |subject: &str| NewEntry::status(subject, CertificateStatus::Suspended);
    store
        .append(
            vec![
                certificate("cert-p1-A"),
                NewEntry::status("p2", ProducerStatus::Suspended),
                certificate("cert-p2-A"),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    let all: Vec<u64> = store
        .status_feed(None, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(all, [4, 3, 2]);
    let p2: Vec<u64> = store
        .status_feed(Some("p2"), 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(p2, [4, 3]);
    assert_eq!(store.status_feed(None, 1).await.unwrap().len(), 1);
}

async fn users_sessions_and_the_admin_trail(store: &Store) {
    with_producer(store).await;
    let producer_id = store.producers().await.unwrap()[0].id.clone();
    let user = |id: &str, email: &str, role: Role, producer: Option<&str>| NewUser {
        id: id.into(),
        email: email.into(),
        password_hash: format!("$argon2id$hash-of-{id}"),
        role,
        producer_id: producer.map(str::to_owned),
        created_at: "2026-11-24T09:00:00Z".into(),
    };
    store
        .insert_user(&user(
            "u1",
            "ufficio@coop.example",
            Role::Producer,
            Some(&producer_id),
        ))
        .await
        .unwrap();
    store
        .insert_user(&user("u2", "audit@cnel.example", Role::Auditor, None))
        .await
        .unwrap();
    let taken = store
        .insert_user(&user("u3", "ufficio@coop.example", Role::Admin, None))
        .await;
    assert!(
        matches!(taken, Err(StoreError::Conflict("email"))),
        "{taken:?}"
    );
    // A producer account must name its producer, and only a producer account may.
    assert!(
        store
            .insert_user(&user("u4", "x@coop.example", Role::Producer, None))
            .await
            .is_err()
    );
    assert!(
        store
            .insert_user(&user(
                "u5",
                "y@coop.example",
                Role::Auditor,
                Some(&producer_id)
            ))
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

fn named_institute(code: &str, name: &str, region: &str) -> Institute {
    Institute::parse(InstituteRequest {
        code: code.into(),
        name: name.into(),
        kind: "casa_circondariale".into(),
        city: "Roma".into(),
        region: region.into(),
    })
    .unwrap()
}

/// A certificate entry for `lot` as given.
fn lot_of(lot: LotRecord) -> NewEntry {
    NewEntry::Certificate { lot: Box::new(lot) }
}

fn lot_record(producer: &str, code: &str) -> LotRecord {
    match lot_entry(producer, code) {
        NewEntry::Certificate { lot } => *lot,
        NewEntry::Status { .. } => unreachable!(),
    }
}

/// Appends `n` lots of `producer` with codes `{prefix}0`, `{prefix}1`, …
async fn append_lots(store: &Store, producer: &str, prefix: &str, n: usize) {
    let batch = (0..n)
        .map(|i| lot_entry(producer, &format!("{prefix}{i}")))
        .collect();
    for outcome in store.append(batch, &mut seal).await.unwrap() {
        outcome.unwrap();
    }
}

/// The tree of the log's entries, computed in memory from their bodies.
async fn tree_of_entries(store: &Store) -> MemoryTree {
    let size = store.log_size().await.unwrap();
    let mut tree = MemoryTree::new();
    for e in store.entries(0, size).await.unwrap() {
        tree.push(merkle::leaf_hash(e.body.as_bytes()));
    }
    tree
}

/// Asserts the stored nodes are exactly the nodes of the tree of the entries, fetched
/// in one call of more than one query's worth of ids.
async fn assert_stored_tree(store: &Store) {
    let tree = tree_of_entries(store).await;
    let expected: HashMap<NodeId, merkle::Hash> = tree.stored_nodes().collect();
    assert!(expected.len() > 200, "{} nodes", expected.len());
    let mut ids: Vec<NodeId> = expected.keys().copied().collect();
    // An id past the end is left out of the answer.
    ids.push(NodeId::new(0, tree.size() + 5));
    assert_eq!(store.nodes(&ids).await.unwrap(), expected);
}

async fn the_store_answers_a_ping(store: &Store) {
    store.ping().await.unwrap();
}

async fn institutes_and_producers_are_listed_in_order(store: &Store) {
    for (code, name, region) in [
        ("cc-b", "Beta", "Lazio"),
        ("cc-a", "Alfa", "Lombardia"),
        ("cc-c", "Alfa", "Lazio"),
    ] {
        store
            .insert_institute(&named_institute(code, name, region))
            .await
            .unwrap();
    }
    let codes: Vec<String> = store
        .institutes()
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.code)
        .collect();
    assert_eq!(codes, ["cc-c", "cc-b", "cc-a"], "by region, then name");
    for (id, name, vat, website) in [
        ("p-z", "Zeta Cooperativa", "00743110157", None),
        (
            "p-a",
            "Alfa Cooperativa",
            "00905811006",
            Some("https://alfa.example"),
        ),
        ("p-m", "Emme Cooperativa", "01234560157", None),
    ] {
        let producer = NewProducer::parse(ProducerRequest {
            name: name.into(),
            legal_form: "cooperativa_sociale".into(),
            vat_number: vat.into(),
            institutes: vec!["cc-a".into()],
            website: website.map(str::to_owned),
        })
        .unwrap();
        store
            .insert_producer(id, &producer, "2026-01-01T00:00:00Z")
            .await
            .unwrap();
    }
    let all = store.producers().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["p-a", "p-m", "p-z"], "by name");
    assert_eq!(all[0].website.as_deref(), Some("https://alfa.example"));
    assert_eq!(all[1].website, None);
    assert!(all.iter().all(|p| p.institutes == ["cc-a"]));
    assert!(store.producer("p-nobody").await.unwrap().is_none());
}

async fn tokens_keep_null_labels_and_list_in_order_and_a_duplicate_hash_conflicts(store: &Store) {
    with_producer(store).await;
    for (id, label, created_at) in [
        ("t2", Some("scanner"), "2026-01-02T00:00:00Z"),
        ("t1", None, "2026-01-02T00:00:00Z"),
        ("t0", None, "2026-01-01T00:00:00Z"),
    ] {
        store
            .insert_token(&NewToken {
                id: id.into(),
                token_hash: format!("hash-{id}"),
                role: Role::Producer,
                producer_id: Some("p1".into()),
                buyer_id: None,
                label: label.map(str::to_owned),
                created_at: created_at.into(),
            })
            .await
            .unwrap();
    }
    let tokens = store.tokens(Some("p1")).await.unwrap();
    let ids: Vec<&str> = tokens.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["t0", "t1", "t2"], "by creation, then id");
    assert_eq!(tokens[1].label, None);
    assert_eq!(tokens[2].label.as_deref(), Some("scanner"));
    assert!(store.tokens(Some("p2")).await.unwrap().is_empty());
    let again = store
        .insert_token(&NewToken {
            id: "t9".into(),
            token_hash: "hash-t1".into(),
            role: Role::Admin,
            producer_id: None,
            buyer_id: None,
            label: None,
            created_at: "2026-01-03T00:00:00Z".into(),
        })
        .await;
    assert!(
        matches!(again, Err(StoreError::Conflict("token"))),
        "{again:?}"
    );
}

async fn lots_keep_every_field_and_are_found_by_certificate_and_code(store: &Store) {
    with_producer(store).await;
    let big = LotRecord {
        gtin: Some(Gtin::parse("08012345678907").unwrap()),
        quantity: 10_000_000,
        serialised: true,
        label_secret: None,
        created_at: "2026-01-04T00:00:00Z".into(),
        ..lot_record("p1", "A")
    };
    let small = lot_record("p2", "A");
    let later = LotRecord {
        created_at: "2026-01-05T00:00:00Z".into(),
        ..lot_record("p2", "B")
    };
    store
        .append(
            vec![
                lot_of(big.clone()),
                lot_of(small.clone()),
                lot_of(later.clone()),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    assert_eq!(store.lot(&big.id).await.unwrap().as_ref(), Some(&big));
    assert_eq!(store.lot(&small.id).await.unwrap().as_ref(), Some(&small));
    assert_eq!(
        store
            .lot_by_certificate(&big.certificate_id)
            .await
            .unwrap()
            .as_ref(),
        Some(&big)
    );
    assert!(store.lot_by_certificate("cert-x").await.unwrap().is_none());
    assert!(store.lot("lot-x").await.unwrap().is_none());
    let mut by_code: Vec<String> = store
        .lots_by_code("A")
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect();
    by_code.sort();
    assert_eq!(by_code, [big.id.clone(), small.id.clone()]);
    assert!(store.lots_by_code("Z").await.unwrap().is_empty());
    let all: Vec<String> = store
        .lots(None)
        .await
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(all, [later.id, big.id, small.id], "newest first");
    // The certificate entry itself has no status: a NULL read back as None.
    assert_eq!(store.entries(0, 1).await.unwrap()[0].status, None);
}

async fn lots_of_a_producer_that_is_not_accredited_are_rejected_in_the_batch(store: &Store) {
    with_producer(store).await;
    store
        .append(
            vec![NewEntry::status("p1", ProducerStatus::Suspended)],
            &mut seal,
        )
        .await
        .unwrap();
    let out = store
        .append(
            vec![
                lot_entry("p1", "A"),
                lot_entry("p2", "A"),
                NewEntry::status("p2", ProducerStatus::Revoked),
                lot_entry("p2", "B"),
                NewEntry::status("p1", ProducerStatus::Accredited),
                lot_entry("p1", "C"),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    assert_eq!(
        out[0],
        Err(Rejection::ProducerNotAccredited(ProducerStatus::Suspended))
    );
    assert_eq!(out[1].as_ref().unwrap().seq, 1);
    assert_eq!(out[2].as_ref().unwrap().seq, 2);
    assert_eq!(
        out[3],
        Err(Rejection::ProducerNotAccredited(ProducerStatus::Revoked))
    );
    assert_eq!(out[4].as_ref().unwrap().seq, 3);
    assert_eq!(out[5].as_ref().unwrap().seq, 4);
    assert_eq!(store.log_size().await.unwrap(), 5);
    // Read back under the head lock by the next append.
    let next = store
        .append(vec![lot_entry("p2", "C"), lot_entry("p1", "D")], &mut seal)
        .await
        .unwrap();
    assert_eq!(
        next[0],
        Err(Rejection::ProducerNotAccredited(ProducerStatus::Revoked))
    );
    assert_eq!(next[1].as_ref().unwrap().seq, 5);
}

async fn a_batch_larger_than_one_insert_is_written_whole(store: &Store) {
    with_producer(store).await;
    append_lots(store, "p1", "L", 450).await;
    assert_eq!(store.log_size().await.unwrap(), 450);
    assert_eq!(store.lots(Some("p1")).await.unwrap().len(), 450);
    // Every code of a second batch as large is found taken.
    let again = (0..450)
        .map(|i| lot_entry("p1", &format!("L{i}")))
        .collect();
    let out = store.append(again, &mut seal).await.unwrap();
    assert!(out.iter().all(|o| *o == Err(Rejection::DuplicateLotCode)));
    assert_eq!(store.log_size().await.unwrap(), 450);
    assert_stored_tree(store).await;
}

async fn stored_nodes_are_the_tree_of_the_entries(store: &Store) {
    with_producer(store).await;
    // Several appends, so later ones start from the stored frontier.
    append_lots(store, "p1", "A", 3).await;
    append_lots(store, "p1", "B", 150).await;
    append_lots(store, "p2", "C", 1).await;
    append_lots(store, "p2", "D", 60).await;
    assert_stored_tree(store).await;
    let tree = tree_of_entries(store).await;
    let level = |l: u8| -> Vec<merkle::Hash> {
        tree.stored_nodes()
            .filter(|(id, _)| id.level == l)
            .map(|(_, h)| h)
            .collect()
    };
    assert_eq!(
        store.level_range(0, 0, tree.size()).await.unwrap(),
        level(0)
    );
    assert_eq!(
        store.level_range(1, 3, 7).await.unwrap(),
        level(1)[3..7].to_vec()
    );
    // Past the end, and an end beyond every index, read what is there.
    assert!(store.level_range(2, 1000, 2000).await.unwrap().is_empty());
    assert_eq!(store.level_range(6, 0, u64::MAX).await.unwrap(), level(6));
    assert!(store.nodes(&[]).await.unwrap().is_empty());
    assert_eq!(
        merkle::root(tree.size(), &tree).unwrap(),
        tree.root(),
        "the in-memory tree is complete"
    );
}

async fn checkpoints_are_stored_once_per_size_and_listed_in_order(store: &Store) {
    let checkpoint = |size: u64, root: &str| StoredCheckpoint {
        size,
        root: root.into(),
        note: format!("origine.test\n{size}\n{root}\n\n— sig\n"),
        created_at: "2026-01-01T00:00:00Z".into(),
    };
    assert!(store.latest_checkpoint().await.unwrap().is_none());
    for (size, root) in [(2, "r2"), (5, "r5"), (3, "r3"), (2, "other")] {
        store
            .insert_checkpoint(&checkpoint(size, root))
            .await
            .unwrap();
    }
    assert_eq!(
        store.checkpoint(2).await.unwrap(),
        Some(checkpoint(2, "r2")),
        "the first of a size is kept"
    );
    assert!(store.checkpoint(4).await.unwrap().is_none());
    assert!(store.checkpoint(u64::MAX).await.unwrap().is_none());
    assert_eq!(
        store.latest_checkpoint().await.unwrap(),
        Some(checkpoint(5, "r5"))
    );
    let sizes: Vec<u64> = store
        .checkpoints()
        .await
        .unwrap()
        .iter()
        .map(|c| c.size)
        .collect();
    assert_eq!(sizes, [2, 3, 5]);
}

async fn a_cosignature_is_replaced_per_witness(store: &Store) {
    store
        .insert_checkpoint(&StoredCheckpoint {
            size: 2,
            root: "r2".into(),
            note: "note".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
        })
        .await
        .unwrap();
    for (witness, line) in [("w-b", "b1"), ("w-a", "a1"), ("w-b", "b2")] {
        store.add_cosignature(2, witness, line).await.unwrap();
    }
    assert_eq!(store.cosignatures(2).await.unwrap(), ["a1", "b2"]);
    assert!(store.cosignatures(3).await.unwrap().is_empty());
    // A cosignature needs its checkpoint.
    assert!(store.add_cosignature(9, "w-a", "x").await.is_err());
    // The cosigned checkpoints, largest first, each once.
    for size in [5, 7] {
        store
            .insert_checkpoint(&StoredCheckpoint {
                size,
                root: format!("r{size}"),
                note: "note".into(),
                created_at: "2026-01-01T00:00:00Z".into(),
            })
            .await
            .unwrap();
    }
    store.add_cosignature(7, "w-a", "a7").await.unwrap();
    assert_eq!(store.cosigned_sizes(10).await.unwrap(), [7, 2]);
    assert_eq!(store.cosigned_sizes(1).await.unwrap(), [7]);
}

async fn label_secrets_are_set_once(store: &Store) {
    with_producer(store).await;
    let lot = LotRecord {
        label_secret: None,
        ..lot_record("p1", "A")
    };
    store.append(vec![lot_of(lot)], &mut seal).await.unwrap();
    let first = store.ensure_label_secret("lot-p1-A", "aa").await.unwrap();
    assert_eq!(first, "aa");
    let second = store.ensure_label_secret("lot-p1-A", "bb").await.unwrap();
    assert_eq!(second, "aa");
    assert_eq!(
        store.lot("lot-p1-A").await.unwrap().unwrap().label_secret,
        Some("aa".into())
    );
    assert!(store.ensure_label_secret("lot-x", "cc").await.is_err());
}

async fn daily_salts_are_kept_from_the_first_use(store: &Store) {
    assert_eq!(store.daily_salt("2026-01-01", "s1").await.unwrap(), "s1");
    assert_eq!(store.daily_salt("2026-01-01", "s2").await.unwrap(), "s1");
    assert_eq!(store.daily_salt("2026-01-02", "s3").await.unwrap(), "s3");
    // A new day's salt deletes the earlier days': yesterday's is gone, asking for it again
    // gets a new one (which the next new day deletes in turn).
    assert_eq!(store.daily_salt("2026-01-01", "s4").await.unwrap(), "s4");
    assert_eq!(store.daily_salt("2026-01-02", "s5").await.unwrap(), "s3");
    assert_eq!(store.daily_salt("2026-01-03", "s6").await.unwrap(), "s6");
    assert_eq!(store.daily_salt("2026-01-02", "s7").await.unwrap(), "s7");
}

async fn scans_are_counted_per_serial_source_and_day(store: &Store) {
    const CERT: &str = "cert-p1-A";
    const DAY1: &str = "2026-01-01";
    const DAY2: &str = "2026-01-02";
    // Wider than 32 bits.
    const WIDE: u64 = 1 << 40;
    for (serial, day, source, ok) in [
        (7, DAY1, "a", true),
        (7, DAY1, "a", true),
        (7, DAY1, "b", true),
        (7, DAY2, "a", true),
        (7, DAY1, "c", false),
        (7, DAY1, "c", false),
        (7, DAY1, "c", false),
        (WIDE, DAY2, "a", true),
    ] {
        store
            .record_scan(CERT, serial, day, source, ok)
            .await
            .unwrap();
    }
    assert_eq!(
        store.scan_counts(CERT, 7, DAY1).await.unwrap(),
        ScanCounts {
            total: 4,
            sources: 3,
            days: 2,
            invalid: 3
        }
    );
    assert_eq!(
        store.scan_counts(CERT, 7, DAY2).await.unwrap(),
        ScanCounts {
            total: 1,
            sources: 1,
            days: 1,
            invalid: 0
        }
    );
    assert_eq!(store.scan_counts(CERT, WIDE, DAY1).await.unwrap().total, 1);
    assert_eq!(
        store.scan_counts(CERT, 99, DAY1).await.unwrap(),
        ScanCounts::default(),
        "no scans: the sums are NULL"
    );
    assert_eq!(
        store.source_activity(CERT, "a", DAY1).await.unwrap(),
        (1, 0)
    );
    assert_eq!(
        store.source_activity(CERT, "c", DAY1).await.unwrap(),
        (1, 3)
    );
    assert_eq!(
        store.source_activity(CERT, "a", DAY2).await.unwrap(),
        (2, 0)
    );
    assert_eq!(
        store.source_activity(CERT, "z", DAY2).await.unwrap(),
        (0, 0)
    );
    assert_eq!(
        store.lot_scans(CERT).await.unwrap(),
        [
            SerialScans {
                serial: 7,
                scans: 4,
                sources: 3,
                invalid: 3
            },
            SerialScans {
                serial: WIDE,
                scans: 1,
                sources: 1,
                invalid: 0
            },
        ]
    );
    assert!(store.lot_scans("cert-x").await.unwrap().is_empty());
}

async fn the_status_feed_of_a_producer_without_entries_is_empty(store: &Store) {
    with_producer(store).await;
    store
        .append(vec![lot_entry("p1", "A"), lot_entry("p2", "A")], &mut seal)
        .await
        .unwrap();
    assert!(store.status_feed(None, 10).await.unwrap().is_empty());
    store
        .append(
            vec![NewEntry::status("cert-p2-A", CertificateStatus::Revoked)],
            &mut seal,
        )
        .await
        .unwrap();
    assert!(store.status_feed(Some("p1"), 10).await.unwrap().is_empty());
    assert!(
        store
            .status_feed(Some("nobody"), u32::MAX)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.status_feed(None, u32::MAX).await.unwrap().len(), 1);
    assert!(store.status_feed(None, 0).await.unwrap().is_empty());
}

async fn a_session_hash_cannot_be_stored_twice(store: &Store) {
    store
        .insert_user(&NewUser {
            id: "u1".into(),
            email: "audit@cnel.example".into(),
            password_hash: "$argon2id$x".into(),
            role: Role::Auditor,
            producer_id: None,
            created_at: "2026-11-24T09:00:00Z".into(),
        })
        .await
        .unwrap();
    let session = NewSession {
        id_hash: "s1".into(),
        user_id: "u1".into(),
        csrf: "c".into(),
        created_at: "2026-11-24T09:00:00Z".into(),
        expires_at: "2026-11-24T21:00:00Z".into(),
    };
    store.insert_session(&session).await.unwrap();
    let again = store.insert_session(&session).await;
    assert!(
        matches!(again, Err(StoreError::Conflict("session"))),
        "{again:?}"
    );
}

async fn the_change_stamp_moves_after_an_append(store: &Store) {
    with_producer(store).await;
    let before = store.change_stamp().await.unwrap();
    assert_eq!(
        store.change_stamp().await.unwrap(),
        before,
        "nothing changed"
    );
    store
        .append(vec![lot_entry("p1", "A")], &mut seal)
        .await
        .unwrap();
    assert_ne!(store.change_stamp().await.unwrap(), before);
}

async fn an_old_log_without_its_tree_is_caught_up_on_the_next_append(db: &Db) {
    let store = &*db.store;
    with_producer(store).await;
    append_lots(store, "p1", "A", 130).await;
    // As a database from before the tree existed: entries, no nodes.
    execute_behind_the_store(
        db,
        &[
            "DELETE FROM tree_nodes",
            "UPDATE log_head SET tree_size = 0",
        ],
    )
    .await;
    assert!(store.nodes(&[NodeId::new(0, 0)]).await.unwrap().is_empty());
    append_lots(store, "p2", "B", 3).await;
    assert_stored_tree(store).await;
}

/// Runs `statements` on the database directly, as an outside writer would.
async fn execute_behind_the_store(db: &Db, statements: &[&'static str]) {
    if db.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&db.url).await.unwrap();
        for sql in statements {
            sqlx::query(*sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
    } else {
        let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
        for sql in statements {
            sqlx::query(*sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
    }
}

async fn values_that_cannot_be_read_back_are_corrupt(db: &Db) {
    let store = &*db.store;
    with_producer(store).await;
    store
        .append(
            vec![
                lot_entry("p1", "A"),
                NewEntry::status("cert-p1-A", CertificateStatus::Suspended),
            ],
            &mut seal,
        )
        .await
        .unwrap();
    store
        .record_scan("cert-p1-A", 3, "2026-01-01", "a", true)
        .await
        .unwrap();
    execute_behind_the_store(
        db,
        &[
            "UPDATE log_entries SET status = 'accredited' WHERE seq = 1",
            "UPDATE scans SET count = -4",
            "INSERT INTO checkpoints (size, root, note, created_at) VALUES (-1, 'r', 'n', 't')",
        ],
    )
    .await;
    let corrupt = |what: &str, r: Result<(), StoreError>| {
        assert!(matches!(r, Err(StoreError::Corrupt(_))), "{what}: {r:?}");
    };
    // `accredited` is a producer's word, not a certificate's.
    corrupt("entries", store.entries(0, 2).await.map(drop));
    corrupt("status feed", store.status_feed(None, 10).await.map(drop));
    corrupt("lot scans", store.lot_scans("cert-p1-A").await.map(drop));
    corrupt(
        "scan counts",
        store
            .scan_counts("cert-p1-A", 3, "2026-01-01")
            .await
            .map(drop),
    );
    corrupt("checkpoints", store.checkpoints().await.map(drop));
    // What is intact still reads.
    assert_eq!(store.entries(0, 1).await.unwrap().len(), 1);
    assert!(store.lot("lot-p1-A").await.unwrap().is_some());
}

async fn backup_copies_a_sqlite_database_and_is_refused_on_postgresql(db: &Db) {
    let store = &*db.store;
    with_producer(store).await;
    append_lots(store, "p1", "A", 3).await;
    let path = db.dir.path().join("backup.db");
    if db.url.starts_with("sqlite:") {
        store.backup(&path).await.unwrap();
        let copy = Store::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap();
        assert_eq!(copy.log_size().await.unwrap(), 3);
        assert_eq!(
            copy.entries(0, 3).await.unwrap(),
            store.entries(0, 3).await.unwrap()
        );
        assert_eq!(
            copy.producers().await.unwrap(),
            store.producers().await.unwrap()
        );
    } else {
        let refused = store.backup(&path).await;
        assert!(
            matches!(refused, Err(StoreError::Unsupported(_))),
            "{refused:?}"
        );
        assert!(!path.exists());
    }
}

async fn the_change_stamp_is_the_wal_index_on_sqlite_and_the_log_size_on_postgresql(db: &Db) {
    let store = &*db.store;
    with_producer(store).await;
    let before = store.change_stamp().await.unwrap();
    if db.url.starts_with("sqlite:") {
        assert!(matches!(before, ChangeStamp::WalIndex(_)), "{before:?}");
        // Any committed write moves it, not only an append.
        store.daily_salt("2026-01-01", "s").await.unwrap();
        assert_ne!(store.change_stamp().await.unwrap(), before);
    } else {
        assert_eq!(before, ChangeStamp::LogSize(0));
        // Only the log moves it.
        store.daily_salt("2026-01-01", "s").await.unwrap();
        assert_eq!(store.change_stamp().await.unwrap(), before);
        store
            .append(vec![lot_entry("p1", "A")], &mut seal)
            .await
            .unwrap();
        assert_eq!(store.change_stamp().await.unwrap(), ChangeStamp::LogSize(1));
    }
}
