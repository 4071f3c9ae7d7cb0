//! Issuance cost per certificate, against raw Ed25519 signing of the same bytes measured
//! beside it (the machine is shared, so compare the ratio, not the times).
//!
//! - `raw_sign`: Ed25519 over a certificate's JCS bytes, nothing else (the floor).
//! - `seal`: what the issuer does per entry before the database: build the body for its
//!   `seq`/`prev`, take the JCS bytes, hash and sign them.
//! - `register_and_commit`: a batch of lots registered concurrently through
//!   `service::register::register_lot` into a temporary SQLite file — directory lookups,
//!   the issuer's group commit (sign, chain, Merkle nodes, one transaction, fsync), replies.
//!
//! Run with `cargo bench --bench issuance`.
// In a benchmark an unwrap that fails is the report we want.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey};
use origine::crypto::{KeyHandle, Keyring, jcs};
use origine::domain::certificate::{CertificateDraft, IssuerRef};
use origine::domain::institute::{Institute, InstituteRequest};
use origine::domain::lot::{LotRequest, ValidLot};
use origine::domain::producer::{NewProducer, ProducerRequest};
use origine::service::issuer::Issuer;
use origine::service::register::register_lot;
use origine::store::Store;
use serde_json::json;

/// Certificates per measured batch (the load runs see batches of 10–30 with 32 clients).
const BATCH: usize = 32;

fn lot(code: &str) -> ValidLot {
    let req: LotRequest = serde_json::from_value(json!({
        "institute": "cr-milano-opera",
        "product": {"name": "Biscotti al farro", "category": "food", "gtin": "8012345678907"},
        "lot_code": code, "quantity": 500, "unit": "pcs",
        "produced_from": "2026-10-01", "produced_to": "2026-10-31", "serialised": true,
        "claims": {"detained_workers": 6, "total_workers": 8, "work_hours": 960,
                   "training_hours": 120, "employment": "employee"}
    }))
    .expect("lot request");
    ValidLot::parse(req, origine::time_fmt::latest_production_date()).expect("valid lot")
}

struct Setup {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    issuer: Issuer,
    keys: Arc<Keyring>,
    producer: String,
    institute: Institute,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = origine::store::connect(&url).await.expect("store");
    let ring = Keyring::load_or_create(&dir.path().join("keys"), "bench.test/log").expect("keys");
    let keys = Arc::new(ring.clone());
    let handle = Arc::new(KeyHandle::new(&dir.path().join("keys"), ring));
    let institute = Institute::parse(InstituteRequest {
        code: "cr-milano-opera".into(),
        name: "Casa di Reclusione Milano Opera".into(),
        kind: "casa_di_reclusione".into(),
        city: "Opera (MI)".into(),
        region: "Lombardia".into(),
    })
    .expect("institute");
    store.insert_institute(&institute).await.expect("institute");
    let producer = NewProducer::parse(ProducerRequest {
        name: "Cooperativa Uno".into(),
        legal_form: "cooperativa_sociale".into(),
        vat_number: "00743110157".into(),
        institutes: vec!["cr-milano-opera".into()],
        website: None,
    })
    .expect("producer");
    let id = origine::domain::ids::short_id();
    store
        .insert_producer(&id, &producer, &origine::time_fmt::now())
        .await
        .expect("producer");
    let issuer = Issuer::start(store.clone(), handle);
    Setup {
        _dir: dir,
        store,
        issuer,
        keys,
        producer: id,
        institute,
    }
}

fn issuance(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let s = rt.block_on(setup());
    let producer = rt
        .block_on(s.store.producer(&s.producer))
        .expect("store")
        .expect("producer");
    let draft = CertificateDraft::new("c".repeat(20), &lot("SAMPLE"), &producer, &s.institute);
    let issuer_ref = IssuerRef {
        name: s.keys.issuer.clone(),
        kid: s.keys.active().kid.clone(),
    };
    let bytes = jcs::canonical(&draft.seal(
        7,
        jcs::ZERO_HASH,
        "2026-11-24T04:00:00Z",
        issuer_ref.clone(),
    ))
    .expect("jcs");
    let raw = SigningKey::from_bytes(&[7u8; 32]);

    let mut g = c.benchmark_group("issuance");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("raw_sign", |b| {
        b.iter(|| {
            for _ in 0..BATCH {
                black_box(raw.sign(black_box(&bytes)));
            }
        });
    });
    g.bench_function("seal", |b| {
        b.iter(|| {
            let mut prev = jcs::ZERO_HASH.to_owned();
            for seq in 0..BATCH as u64 {
                let body = draft.seal(seq, &prev, "2026-11-24T04:00:00Z", issuer_ref.clone());
                let bytes = jcs::canonical(&body).expect("jcs");
                prev = jcs::sha256_hex(&bytes);
                black_box(s.keys.sign(&bytes));
            }
        });
    });
    let mut n = 0u64;
    g.bench_function("register_and_commit", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut tasks = tokio::task::JoinSet::new();
                for _ in 0..BATCH {
                    n += 1;
                    let (store, issuer, producer) =
                        (s.store.clone(), s.issuer.clone(), s.producer.clone());
                    let lot = lot(&format!("B-{n}"));
                    tasks.spawn(async move {
                        register_lot(&store, &issuer, &producer, lot)
                            .await
                            .expect("registered")
                    });
                }
                while let Some(done) = tasks.join_next().await {
                    black_box(done.expect("task"));
                }
            });
        });
    });
    g.finish();
}

criterion_group!(benches, issuance);
criterion_main!(benches);
