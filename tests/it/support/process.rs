//! Real `origine` processes for tests that need them (several servers, crashes).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// An `origine serve` process, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn origine(database_url: &str, keys: &std::path::Path) -> Command {
    let mut cmd = Command::new(super::origine_bin());
    cmd.env("DATABASE_URL", database_url)
        .env("ORIGINE_KEYS_DIR", keys)
        .env("ORIGINE_LOG_ORIGIN", "origine.test/log")
        .env("RUST_LOG", "warn")
        // These tests hammer one server from one address on purpose.
        .env("ORIGINE_RATE_LIMIT", "0");
    cmd
}

pub fn start_server(database_url: &str, keys: &std::path::Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = origine(database_url, keys)
        .args(["serve"])
        .env("ORIGINE_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while ureq::get(&format!("{}/healthz", server.base))
        .call()
        .is_err()
    {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

pub fn post(agent: &ureq::Agent, url: &str, token: &str, body: &Value) -> (u16, Value) {
    let mut res = agent
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap();
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Kills the server with SIGKILL and waits until it is gone.
pub fn kill(server: &mut Server) {
    let _ = server.child.kill();
    let _ = server.child.wait();
}
