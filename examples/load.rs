//! Load generator: starts a real Origine server and measures, in one run, each figure
//! against a baseline measured beside it (the machine is shared and noisy, so only ratios
//! are comparable between runs).
//!
//! ```sh
//! cargo run --release --example load                 # SQLite in a temp dir
//! DATABASE_URL=postgres://… cargo run --release --example load
//! LOAD_SECONDS=10 cargo run --release --example load
//! ```
//!
//! 1. Issuance: certificates committed per second with 32 concurrent clients, against the
//!    raw Ed25519 signing rate of the same certificate bytes on one core.
//! 2. Verification: req/s and p99 latency of `GET /api/v1/verify/{id}` and `GET /c/{id}`
//!    with 64 connections, against `GET /livez` (a handler that does nothing).
// In a load run an unwrap that fails is the report we want.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use ed25519_dalek::{Signer, SigningKey};
use origine::config::Config;
use serde_json::{Value, json};

fn seconds() -> Duration {
    Duration::from_secs(
        std::env::var("LOAD_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(5),
    )
}

fn lot(code: &str) -> String {
    json!({
        "institute": "cr-milano-opera",
        "product": {"name": "Biscotti al farro", "category": "food", "gtin": "8012345678907"},
        "lot_code": code, "quantity": 500, "unit": "pcs",
        "produced_from": "2026-10-01", "produced_to": "2026-10-31", "serialised": true,
        "claims": {"detained_workers": 6, "total_workers": 8, "work_hours": 960,
                   "training_hours": 120, "employment": "employee"}
    })
    .to_string()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn post(agent: &ureq::Agent, url: &str, token: &str, body: String) -> (u16, Value) {
    let mut res = agent
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body)
        .expect("server answers");
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Runs `clients` threads calling `work` until the time is up; returns per-request latencies.
fn hammer(
    clients: usize,
    duration: Duration,
    work: impl Fn(&ureq::Agent, usize, u64) -> bool + Send + Sync + 'static,
) -> Vec<Duration> {
    let work = Arc::new(work);
    let stop = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (work, stop) = (work.clone(), stop.clone());
            std::thread::spawn(move || {
                let agent = agent();
                let mut latencies = Vec::new();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    assert!(work(&agent, c, i), "request failed");
                    latencies.push(t.elapsed());
                    i += 1;
                }
                latencies
            })
        })
        .collect();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    handles
        .into_iter()
        .flat_map(|h| h.join().expect("client thread"))
        .collect()
}

fn summary(name: &str, mut latencies: Vec<Duration>, duration: Duration) -> (f64, Duration) {
    latencies.sort();
    let rate = latencies.len() as f64 / duration.as_secs_f64();
    let p99 = latencies
        .get(latencies.len() * 99 / 100)
        .copied()
        .unwrap_or_default();
    println!(
        "{name:<34} {rate:>10.0} req/s   p50 {:>8.2?}   p99 {p99:>8.2?}",
        latencies
            .get(latencies.len() / 2)
            .copied()
            .unwrap_or_default()
    );
    (rate, p99)
}

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let database_url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("load.db").display()));
    let config = Config {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".into(),
        base_url: None,
        keys_dir: dir.path().join("keys"),
        log_origin: Some("load.test/log".into()),
        checkpoint_seconds: 3,
        witnesses: Vec::new(),
        witness_policy: None,
        witness_fail_open: true,
        trusted_proxies: origine::http::proxies::Trusted::default(),
        max_connections: 512,
        header_timeout_seconds: 10,
        // The load run measures throughput, not the abuse limit.
        rate_limit: 0,
        audit_seconds: 3600,
        smtp_url: None,
        smtp_from: None,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let running = runtime.block_on(origine::server::spawn(&config))?;
    let base = format!("http://{}", running.addr);
    let store = running.state.store.clone();
    let admin = runtime
        .block_on(origine::service::tokens::create(
            &store,
            origine::domain::Role::Admin,
            None,
            None,
        ))?
        .0;
    let agent = agent();
    post(&agent, &format!("{base}/api/v1/institutes"), &admin, json!({"code": "cr-milano-opera", "name": "Casa di Reclusione Milano Opera", "kind": "casa_di_reclusione", "city": "Opera (MI)", "region": "Lombardia"}).to_string());
    let (_, producer) = post(&agent, &format!("{base}/api/v1/producers"), &admin, json!({"name": "Cooperativa Uno", "legal_form": "cooperativa_sociale", "vat_number": "00743110157", "institutes": ["cr-milano-opera"]}).to_string());
    let (_, token) = post(
        &agent,
        &format!(
            "{base}/api/v1/producers/{}/tokens",
            producer["id"].as_str().unwrap_or_default()
        ),
        &admin,
        String::new(),
    );
    let token = token["token"].as_str().unwrap_or_default().to_owned();
    let duration = seconds();
    println!(
        "Origine load run: {} on {}, {} s per measurement, {} cores",
        if database_url.starts_with("sqlite") {
            "SQLite"
        } else {
            "PostgreSQL"
        },
        base,
        duration.as_secs(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // Baseline 1: raw Ed25519 signing of a certificate's JCS bytes, one core.
    let (_, first) = post(
        &agent,
        &format!("{base}/api/v1/lots"),
        &token,
        lot("WARMUP"),
    );
    let bytes = origine::crypto::jcs::canonical(&first["bundle"]["certificate"])?;
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed() < duration {
        for _ in 0..100 {
            std::hint::black_box(key.sign(std::hint::black_box(&bytes)));
        }
        n += 100;
    }
    let sign_rate = n as f64 / t.elapsed().as_secs_f64();
    println!(
        "{:<34} {sign_rate:>10.0} sig/s",
        "baseline: raw Ed25519 signing"
    );

    let issue_url = format!("{base}/api/v1/lots");
    let tok = token.clone();
    let latencies = hammer(32, duration, move |agent, c, i| {
        post(agent, &issue_url, &tok, lot(&format!("L-{c}-{i}"))).0 == 201
    });
    let (issue_rate, _) = summary("issuance, 32 clients", latencies, duration);
    println!("  issuance / raw signing = {:.2}", issue_rate / sign_rate);

    let ids: Arc<Vec<String>> = Arc::new(
        runtime
            .block_on(store.entries(0, 1000))?
            .into_iter()
            .filter(|e| e.kind == origine::domain::EntryKind::Certificate)
            .map(|e| e.subject)
            .collect(),
    );
    let get = |path: Arc<dyn Fn(usize, u64) -> String + Send + Sync>| {
        let base = base.clone();
        move |agent: &ureq::Agent, c: usize, i: u64| {
            agent
                .get(&format!("{base}{}", path(c, i)))
                .call()
                .map(|r| r.status().as_u16() == 200)
                .unwrap_or(false)
        }
    };
    let (trivial, _) = summary(
        "baseline: GET /livez, 64 conns",
        hammer(64, duration, get(Arc::new(|_, _| "/livez".to_owned()))),
        duration,
    );
    let v_ids = ids.clone();
    let (verify, verify_p99) = summary(
        "GET /api/v1/verify/{id}, 64 conns",
        hammer(
            64,
            duration,
            get(Arc::new(move |c, i| {
                format!(
                    "/api/v1/verify/{}",
                    v_ids[(c * 7919 + i as usize) % v_ids.len()]
                )
            })),
        ),
        duration,
    );
    let p_ids = ids.clone();
    let (page, page_p99) = summary(
        "GET /c/{id}, 64 conns",
        hammer(
            64,
            duration,
            get(Arc::new(move |c, i| {
                format!("/c/{}", p_ids[(c * 7919 + i as usize) % p_ids.len()])
            })),
        ),
        duration,
    );
    println!(
        "  verify / trivial = {:.2} (p99 {verify_p99:.2?}), page / trivial = {:.2} (p99 {page_p99:.2?})",
        verify / trivial,
        page / trivial
    );

    // 3. Audit of everything issued above, against one-by-one signature verification.
    let public = key.verifying_key();
    let signature = key.sign(&bytes);
    let t = Instant::now();
    let mut n = 0u64;
    while t.elapsed() < duration {
        for _ in 0..100 {
            std::hint::black_box(
                public
                    .verify_strict(std::hint::black_box(&bytes), &signature)
                    .is_ok(),
            );
        }
        n += 100;
    }
    let verify_rate = n as f64 / t.elapsed().as_secs_f64();
    println!(
        "{:<34} {verify_rate:>10.0} sig/s",
        "baseline: Ed25519 verify, 1 core"
    );
    let keys = running.state.keys.current();
    let t = Instant::now();
    let report = runtime.block_on(origine::service::audit::audit(&store, &keys))?;
    let audit_rate = report.entries as f64 / t.elapsed().as_secs_f64();
    println!(
        "{:<34} {audit_rate:>10.0} entries/s ({} entries, clean: {})",
        "origine audit",
        report.entries,
        report.is_clean()
    );
    println!(
        "  audit / single-core verify = {:.2}",
        audit_rate / verify_rate
    );
    println!(
        "peak RSS of this process (server + clients): {} MiB",
        peak_rss_mib()
    );
    Ok(())
}

/// Peak resident set size of this process, from /proc (Linux).
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}
