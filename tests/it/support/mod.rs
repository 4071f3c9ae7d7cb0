//! Shared test harness: a fresh service on its own database and keys for every test.
#![allow(dead_code)]

pub mod process;
pub mod web;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tempfile::TempDir;
use tower::ServiceExt;

use origine::config::Config;
use origine::domain::Role;
use origine::http::{AppState, router};
use origine::service::tokens;

/// The `origine` binary under test.
///
/// Cargo sets `CARGO_BIN_EXE_origine` only for the root package's own test targets, and these
/// tests are a package of their own. They find the binary where cargo puts it: this test
/// binary is `target/<profile>/deps/it-<hash>`, the program is `target/<profile>/origine`.
/// `cargo test` builds it first, for the root package's test target `it` (tests/binary.rs).
pub fn origine_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test binary's own path");
        let bin = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test binary is in target/<profile>/deps")
            .join(format!("origine{}", std::env::consts::EXE_SUFFIX));
        assert!(
            bin.is_file(),
            "{} is missing: run the tests with `cargo test` from the repository root, \
             which builds it",
            bin.display()
        );
        bin
    })
}

/// The base URL test services pretend to live at.
pub const BASE_URL: &str = "http://origine.test";

/// A service under test, driven in-process through its router.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub config: Config,
    pub dir: TempDir,
}

/// The PostgreSQL server tests may use, if any.
pub fn pg_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Creates an empty PostgreSQL database for one test and returns its URL.
pub async fn fresh_pg_database() -> String {
    use sqlx::Executor;
    let base = pg_url().expect("TEST_DATABASE_URL is set for PostgreSQL tests");
    let name = format!("origine_test_{}", origine::domain::ids::short_id());
    let pool = sqlx::PgPool::connect(&base)
        .await
        .expect("PostgreSQL answers at TEST_DATABASE_URL");
    pool.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await
        .expect("create test database");
    pool.close().await;
    let (prefix, rest) = base
        .rsplit_once('/')
        .expect("TEST_DATABASE_URL has a database name");
    let query = rest
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{prefix}/{name}{query}")
}

/// Settings for a service on `database_url` with keys in `dir`.
pub fn config(database_url: &str, dir: &TempDir) -> Config {
    Config {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".into(),
        base_url: Some(BASE_URL.into()),
        keys_dir: dir.path().join("keys"),
        log_origin: None,
        checkpoint_seconds: 3,
        witnesses: Vec::new(),
        witness_policy: None,
        witness_fail_open: true,
        trusted_proxies: origine::http::proxies::Trusted::default(),
        max_connections: 512,
        header_timeout_seconds: 10,
        rate_limit: 50,
        audit_seconds: 3600,
        smtp_url: None,
        smtp_from: None,
    }
}

impl TestApp {
    /// A service on a new SQLite file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("data/origine.db").display());
        Self::start(url, dir).await
    }

    /// A service on a new SQLite file, with settings changed by `adjust`.
    pub async fn sqlite_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("data/origine.db").display());
        let mut config = config(&url, &dir);
        adjust(&mut config);
        Self::start_with(config, dir).await
    }

    /// A service on a new PostgreSQL database.
    pub async fn postgres() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        Self::start(fresh_pg_database().await, dir).await
    }

    async fn start(url: String, dir: TempDir) -> Self {
        let config = config(&url, &dir);
        Self::start_with(config, dir).await
    }

    async fn start_with(config: Config, dir: TempDir) -> Self {
        let state = origine::server::build(&config, BASE_URL.into())
            .await
            .expect("service starts");
        Self {
            router: router(state.clone()),
            state,
            config,
            dir,
        }
    }

    /// Drives a server already listening (from `origine::server::spawn`) in-process too.
    pub fn over(running: &origine::server::Running, config: Config) -> Self {
        Self {
            router: router(running.state.clone()),
            state: running.state.clone(),
            config,
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The `origine` binary, set up for this service's database, keys and base URL.
    pub fn command(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(origine_bin());
        cmd.env("DATABASE_URL", &self.config.database_url)
            .env("ORIGINE_KEYS_DIR", &self.config.keys_dir)
            .env("ORIGINE_BASE_URL", BASE_URL)
            .env("RUST_LOG", "warn");
        cmd
    }

    /// Sends a request and returns status, headers and body.
    pub async fn raw(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Bytes) {
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.expect("body").to_bytes();
        (status, headers, body)
    }

    /// Sends JSON (or nothing) with an optional token; returns status and JSON body
    /// (`Value::Null` when the body is not JSON).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(&b).expect("json"))),
            None => req.body(Body::empty()),
        }
        .expect("request");
        let (status, _, bytes) = self.raw(req).await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None, None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// A new API token with `role`.
    pub async fn token(&self, role: Role, producer: Option<&str>) -> String {
        tokens::create(&self.state.store, role, producer, Some("test"))
            .await
            .expect("token")
            .0
    }

    /// An admin, two institutes, and two producers (one per institute) with their tokens.
    pub async fn seed(&self) -> Seed {
        let admin = self.token(Role::Admin, None).await;
        for (code, name, city, region) in [
            (
                "cr-milano-opera",
                "Casa di Reclusione Milano Opera",
                "Opera (MI)",
                "Lombardia",
            ),
            (
                "cr-padova-due-palazzi",
                "Casa di Reclusione Padova Due Palazzi",
                "Padova",
                "Veneto",
            ),
        ] {
            let (status, body) = self
                .post(
                    "/api/v1/institutes",
                    &admin,
                    json!({"code": code, "name": name, "kind": "casa_di_reclusione", "city": city, "region": region}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let producer = self
            .producer(&admin, "Cooperativa Uno", "00743110157", "cr-milano-opera")
            .await;
        let other = self
            .producer(
                &admin,
                "Cooperativa Due",
                "00905811006",
                "cr-padova-due-palazzi",
            )
            .await;
        let producer_token = self.producer_token(&admin, &producer).await;
        let other_token = self.producer_token(&admin, &other).await;
        Seed {
            admin,
            producer,
            producer_token,
            other,
            other_token,
        }
    }

    /// Accredits a producer working in `institute`; returns its id.
    pub async fn producer(&self, admin: &str, name: &str, vat: &str, institute: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/producers",
                admin,
                json!({"name": name, "legal_form": "cooperativa_sociale", "vat_number": vat, "institutes": [institute]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_str().expect("producer id").to_owned()
    }

    /// A token for `producer`, through the API.
    pub async fn producer_token(&self, admin: &str, producer: &str) -> String {
        let (status, body) = self
            .call(
                Method::POST,
                &format!("/api/v1/producers/{producer}/tokens"),
                Some(admin),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Registers a lot as `token`; returns the 201 body `{lot, bundle}`.
    pub async fn issue(&self, token: &str, lot_code: &str) -> Value {
        let (status, body) = self.post("/api/v1/lots", token, lot(lot_code)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }
}

impl TestApp {
    /// An institute and a producer made through the API with `admin`; returns the producer's token.
    pub async fn producer_token_for_seed(&self, admin: &str) -> String {
        let (status, body) = self
            .post(
                "/api/v1/institutes",
                admin,
                json!({"code": "cr-milano-opera", "name": "Casa di Reclusione Milano Opera",
                       "kind": "casa_di_reclusione", "city": "Opera (MI)", "region": "Lombardia"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let producer = self
            .producer(admin, "Cooperativa Uno", "00743110157", "cr-milano-opera")
            .await;
        self.producer_token(admin, &producer).await
    }
}

/// Fixtures made by [`TestApp::seed`].
pub struct Seed {
    pub admin: String,
    /// Works in `cr-milano-opera`.
    pub producer: String,
    pub producer_token: String,
    /// Works in `cr-padova-due-palazzi`.
    pub other: String,
    pub other_token: String,
}

/// A valid lot request for `cr-milano-opera` (the SPEC example with a correct GTIN).
pub fn lot(lot_code: &str) -> Value {
    json!({
        "institute": "cr-milano-opera",
        "product": {"name": "Biscotti al farro", "category": "food", "gtin": "8012345678907"},
        "lot_code": lot_code, "quantity": 500, "unit": "pcs",
        "produced_from": "2026-10-01", "produced_to": "2026-10-31", "serialised": true,
        "claims": {"detained_workers": 6, "total_workers": 8, "work_hours": 960,
                   "training_hours": 120, "employment": "employee",
                   "statement": "Prodotto nel laboratorio interno…",
                   "evidence": [{"label": "payroll summary Oct 2026", "sha256": "ab".repeat(32)}]}
    })
}

/// Names of the fields a problem document lists.
pub fn problem_fields(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|x| x["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
