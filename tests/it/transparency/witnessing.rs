//! The log pushes each new checkpoint to the witnesses of `ORIGINE_WITNESS_POLICY`
//! (C2SP tlog-witness) and serves their cosignatures; `/log/policy` says who they are.

use std::sync::Arc;
use std::time::{Duration, Instant};

use origine::log::policy::Policy;
use origine::service::witness;

use super::*;

/// A witness server on a bound port; it starts answering once it knows the log's key.
struct WitnessServer {
    url: String,
    vkey: String,
    listener: Option<tokio::net::TcpListener>,
    dir: tempfile::TempDir,
}

impl WitnessServer {
    async fn bind() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let vkey = witness::keygen(&dir.path().join("w.key"), "cnel.test/witness").unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        Self {
            url,
            vkey,
            listener: Some(listener),
            dir,
        }
    }

    /// Serves, witnessing the log whose current key `running` signs with.
    fn serve(&mut self, running: &origine::server::Running) {
        let keys = running.state.keys.current();
        let public = keys.signer().verifying_key().to_bytes();
        let vkey = note::format_vkey(&keys.issuer, note::ALG_ED25519, &public);
        let p = self.dir.path();
        std::fs::write(p.join("logs"), format!("log {vkey}\n")).unwrap();
        let witness =
            Arc::new(witness::open(&p.join("w.key"), &p.join("logs"), &p.join("state")).unwrap());
        let listener = self.listener.take().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, witness::server::router(witness))
                .await
                .unwrap();
        });
    }
}

async fn fetch(url: String) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let mut res = ureq::get(&url)
            .config()
            .http_status_as_error(false)
            .build()
            .call()
            .unwrap();
        let bytes = res.body_mut().read_to_vec().unwrap();
        (
            res.status().as_u16(),
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    })
    .await
    .unwrap()
}

/// Waits (at most 40 s) until `/log/checkpoint` of `base` has at least `size` entries and
/// meets `policy`'s quorum; returns how long it took.
async fn until_witnessed(base: &str, policy: &Policy, size: u64) -> Duration {
    let start = Instant::now();
    loop {
        let (status, text) = fetch(format!("{base}/log/checkpoint")).await;
        if status == 200 {
            let served = Note::parse(&text).unwrap();
            let cp = Checkpoint::parse(&served.text).unwrap();
            if cp.size >= size && policy.quorum_met(&served) {
                return start.elapsed();
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(40),
            "not witnessed after 40 s: {text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A log served on a real port whose `ORIGINE_WITNESS_POLICY` names `witness` (quorum: it),
/// with an admin-made producer token; checkpoints every second.
struct WitnessedLog {
    log: origine::server::Running,
    config: origine::config::Config,
    base: String,
    producer: String,
    _dir: tempfile::TempDir,
}

impl WitnessedLog {
    async fn start(witness: &WitnessServer, fail_open: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let policy_path = dir.path().join("witnesses.policy");
        std::fs::write(
            &policy_path,
            format!(
                "witness cnel {} {}\nquorum cnel\n",
                witness.vkey, witness.url
            ),
        )
        .unwrap();
        let db = format!("sqlite://{}", dir.path().join("log.db").display());
        let mut config = crate::support::config(&db, &dir);
        config.base_url = None;
        config.checkpoint_seconds = 1;
        config.witness_policy = Some(policy_path);
        config.witness_fail_open = fail_open;
        let log = origine::server::spawn(&config).await.unwrap();
        let base = format!("http://{}", log.addr);
        let admin = origine::service::tokens::create(&log.state.store, Role::Admin, None, None)
            .await
            .unwrap()
            .0;
        let producer = TestApp::over(&log, config.clone())
            .producer_token_for_seed(&admin)
            .await;
        Self {
            log,
            config,
            base,
            producer,
            _dir: dir,
        }
    }

    fn app(&self) -> TestApp {
        TestApp::over(&self.log, self.config.clone())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_with_a_witness_policy_serves_a_cosigned_checkpoint_within_seconds() {
    let mut witness = WitnessServer::bind().await;
    let w = WitnessedLog::start(&witness, true).await;
    witness.serve(&w.log);
    let base = w.base.clone();

    // The log's policy: its own key with its tiles prefix, the witness, the quorum.
    let (status, text) = fetch(format!("{base}/log/policy")).await;
    assert_eq!(status, 200);
    let served = Policy::parse(&text).unwrap();
    assert_eq!(served.logs.len(), 1);
    assert_eq!(
        served.logs[0].url.as_deref(),
        Some(format!("{base}/log").as_str())
    );
    assert_eq!(served.witnesses[0].vkey, witness.vkey);
    assert_eq!(served.quorum.as_deref(), Some("cnel"));

    w.app().issue(&w.producer, "W1").await;
    let took = until_witnessed(&base, &served, 1).await;
    println!("cosigned checkpoint served {took:?} after the issuance");

    // The tiles are under the same prefix.
    let (status, _) = fetch(format!("{base}/log/tile/entries/000.p/1")).await;
    assert_eq!(status, 200);
}

/// A witness that is down delays nothing: issuance and checkpoints go on, and the
/// cosignature follows once it answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_witness_that_is_down_delays_only_its_own_cosignature() {
    let mut witness = WitnessServer::bind().await;
    let w = WitnessedLog::start(&witness, true).await;
    let (app, producer, base) = (w.app(), w.producer.clone(), w.base.clone());
    // The witness's port is bound but nobody answers: connections wait, then time out.
    app.issue(&producer, "D1").await;
    let none = Policy::parse("quorum none\n").unwrap();
    until_witnessed(&base, &none, 1).await;
    app.issue(&producer, "D2").await;
    until_witnessed(&base, &none, 2).await;
    let (_, text) = fetch(format!("{base}/log/checkpoint")).await;
    assert!(!text.contains("cnel.test/witness"), "{text}");
    // Now it answers; its cosignature arrives with the retries.
    witness.serve(&w.log);
    let policy = Policy::parse(&fetch(format!("{base}/log/policy")).await.1).unwrap();
    until_witnessed(&base, &policy, 2).await;
}

/// A log that restarts does not know what the witness last cosigned: its first push says
/// `old 0`, the witness answers 409 with its size, and the log pushes again from there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_409_resyncs_the_log_to_the_witness_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut witness = WitnessServer::bind().await;
    let db = format!("sqlite://{}", dir.path().join("log.db").display());
    let mut config = crate::support::config(&db, &dir);
    config.base_url = None;
    config.checkpoint_seconds = 1;
    // First without a policy: the witness cosigns by pulling, so its state is at 3.
    let quiet = origine::server::spawn(&config).await.unwrap();
    let quiet_base = format!("http://{}", quiet.addr);
    let admin = origine::service::tokens::create(&quiet.state.store, Role::Admin, None, None)
        .await
        .unwrap()
        .0;
    let app = TestApp::over(&quiet, config.clone());
    let producer = app.producer_token_for_seed(&admin).await;
    for code in ["R1", "R2", "R3"] {
        app.issue(&producer, code).await;
    }
    let none = Policy::parse("quorum none\n").unwrap();
    until_witnessed(&quiet_base, &none, 3).await;
    witness.serve(&quiet);
    let p = witness.dir.path().to_owned();
    let pulled = tokio::task::spawn_blocking(move || {
        let w = witness::open(&p.join("w.key"), &p.join("logs"), &p.join("pull-state")).unwrap();
        witness::cosign_from(&quiet_base, &w, false).unwrap()
    });
    assert!(matches!(
        pulled.await.unwrap(),
        witness::Outcome::Cosigned(_)
    ));
    // The served witness has its own state: bring it to 3 with one push by hand.
    let (status, _, _) = {
        let cp = tlog::served_checkpoint(&quiet.state.store)
            .await
            .unwrap()
            .unwrap()
            .0;
        let body = witness::AddCheckpoint {
            old: 0,
            proof: vec![],
            note: Note::parse(&cp.note).unwrap(),
        }
        .render();
        let url = format!("{}/add-checkpoint", witness.url);
        tokio::task::spawn_blocking(move || {
            let res = ureq::post(&url).send(body).unwrap();
            (res.status().as_u16(), (), ())
        })
        .await
        .unwrap()
    };
    assert_eq!(status, 200);

    // Now an instance with the policy, which starts at `old 0`.
    let policy_path = dir.path().join("witnesses.policy");
    std::fs::write(
        &policy_path,
        format!(
            "witness cnel {} {}\nquorum cnel\n",
            witness.vkey, witness.url
        ),
    )
    .unwrap();
    config.witness_policy = Some(policy_path);
    let pushing = origine::server::spawn(&config).await.unwrap();
    let base = format!("http://{}", pushing.addr);
    let policy = Policy::parse(&fetch(format!("{base}/log/policy")).await.1).unwrap();
    TestApp::over(&pushing, config.clone())
        .issue(&producer, "R4")
        .await;
    until_witnessed(&base, &policy, 4).await;
}

/// With `ORIGINE_WITNESS_FAIL_OPEN=false`, `/log/checkpoint` (and the tlog-proofs made
/// against it) serve only a checkpoint whose cosignatures meet the policy's quorum: none
/// while the witness is down, the cosigned one once it answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_closed_serves_only_checkpoints_that_meet_the_quorum() {
    let mut witness = WitnessServer::bind().await;
    let w = WitnessedLog::start(&witness, false).await;
    let (app, producer, base, log) = (w.app(), w.producer.clone(), w.base.clone(), &w.log);
    let issued = app.issue(&producer, "Q1").await;
    let id = issued["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Published, but not witnessed: nothing is served as witnessed.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        log.state
            .store
            .latest_checkpoint()
            .await
            .unwrap()
            .unwrap()
            .size
            >= 1
    );
    let (status, _) = fetch(format!("{base}/log/checkpoint")).await;
    assert_eq!(status, 503);
    let (status, _) = fetch(format!("{base}/api/v1/certificates/{id}/proof")).await;
    assert_eq!(status, 503);
    witness.serve(log);
    let policy = Policy::parse(&fetch(format!("{base}/log/policy")).await.1).unwrap();
    until_witnessed(&base, &policy, 1).await;
    let (status, proof) = fetch(format!("{base}/api/v1/certificates/{id}/proof")).await;
    assert_eq!(status, 200, "{proof}");
    let proof = origine::log::proof::TlogProof::parse(&proof).unwrap();
    assert!(policy.quorum_met(&proof.checkpoint));
}
