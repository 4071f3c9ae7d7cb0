//! Buyers: their role, watch lists, webhooks (Standard Webhooks, checked with the reference
//! library where it is installed) and e-mail (through a real SMTP server).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{Seed, TestApp, problem_fields};

mod email;
mod page;
mod watchlist;
mod webhooks;

/// A buyer account made over the API by `admin`, with a token: `(account id, token)`.
async fn buyer(app: &TestApp, admin: &str, email: &str) -> (String, String) {
    let (status, body) = app
        .post("/api/v1/buyers", admin, json!({"email": email}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["password"].as_str().unwrap().len(), 20);
    let id = body["id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/buyers/{id}/tokens"),
            Some(admin),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    (id, body["token"].as_str().unwrap().to_owned())
}

/// A seeded register with one certificate, and a buyer watching it: `(seed, certificate
/// id, buyer token)`.
async fn watching(app: &TestApp) -> (Seed, String, String) {
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "BF-2026-11-A").await;
    let id = issued["bundle"]["certificate"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, token) = buyer(app, &seed.admin, "acquisti@bottega.example").await;
    let (status, body) = app
        .call(
            Method::PUT,
            "/api/v1/watchlist",
            Some(&token),
            Some(json!({"certificates": [id]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (seed, id, token)
}

/// Sets a certificate's status as admin.
async fn set_status(app: &TestApp, admin: &str, id: &str, status: &str) {
    let (code, body) = app
        .post(
            &format!("/api/v1/certificates/{id}/status"),
            admin,
            json!({"status": status, "reason": "verifica in corso"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
}

/// One request a receiver got.
#[derive(Debug, Clone)]
struct Received {
    headers: HeaderMap,
    body: Vec<u8>,
    at: Instant,
}

/// A webhook receiver on a port of its own: it answers the statuses of `script` in turn,
/// then 200, and keeps every request.
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    async fn start(script: Vec<u16>) -> Self {
        let got: Arc<Mutex<Vec<Received>>> = Arc::default();
        let log = got.clone();
        let handler = move |headers: HeaderMap, body: axum::body::Bytes| {
            let log = log.clone();
            let script = script.clone();
            async move {
                let mut log = log.lock().unwrap();
                let n = log.len();
                log.push(Received {
                    headers,
                    body: body.to_vec(),
                    at: Instant::now(),
                });
                StatusCode::from_u16(script.get(n).copied().unwrap_or(200)).unwrap()
            }
        };
        let app = axum::Router::new().route("/hook", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, got }
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }

    /// Waits up to `limit` for `n` requests.
    async fn wait_for(&self, n: usize, limit: Duration) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < limit,
                "{} of {n} requests after {limit:?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Adds a webhook for `url`; returns `(id, secret)`.
async fn add_webhook(app: &TestApp, token: &str, url: &str) -> (String, String) {
    let (status, body) = app
        .post("/api/v1/webhooks", token, json!({"url": url}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let secret = body["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    (body["id"].as_str().unwrap().to_owned(), secret)
}

fn header(r: &Received, name: &str) -> String {
    r.headers[name].to_str().unwrap().to_owned()
}

/// HMAC-SHA256 as RFC 2104 writes it, so the check does not use the service's code.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Checks a delivery's signature as the Standard Webhooks specification writes it, and,
/// where it is installed, with the reference Python library.
fn check_signature(r: &Received, secret: &str) {
    use data_encoding::BASE64;
    let id = header(r, "webhook-id");
    let timestamp = header(r, "webhook-timestamp");
    let key = BASE64
        .decode(secret.strip_prefix("whsec_").unwrap().as_bytes())
        .unwrap();
    let mut signed = format!("{id}.{timestamp}.").into_bytes();
    signed.extend_from_slice(&r.body);
    let want = format!("v1,{}", BASE64.encode(&hmac_sha256(&key, &signed)));
    let signatures = header(r, "webhook-signature");
    assert!(
        signatures.split(' ').any(|s| s == want),
        "{signatures} lacks {want}"
    );
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert!((now - timestamp.parse::<i64>().unwrap()).abs() < 60);
    if cfg!(origine_py_webhooks) {
        let script = "import sys, json\nfrom standardwebhooks.webhooks import Webhook\n\
             secret, id, ts, sig = sys.argv[1:5]\nbody = sys.stdin.buffer.read()\n\
             Webhook(secret).verify(body, {'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig})\n\
             print('verified')";
        let mut child = std::process::Command::new("python3")
            .args(["-c", script, secret, &id, &timestamp, &signatures])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&r.body).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "standardwebhooks refused it: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
