//! Password hashes are bounded: sixty logins at once, from sixty addresses, queue for
//! the hashers instead of taking 19 MiB each, and none is a 500.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpSocket;

use crate::support::process::{agent, start_server};

/// The peak resident memory of process `pid`, in KiB (`VmHWM`).
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

/// Posts `body` to `/login` from the loopback address `127.0.0.{host}`; returns the
/// status line's code and the response head.
async fn post_from(host: u8, port: u16, cookie: &str, body: &str) -> (u16, String) {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(([127, 0, 0, host], 0).into()).unwrap();
    let mut stream = socket.connect(([127, 0, 0, 1], port).into()).await.unwrap();
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nCookie: origine_csrf={cookie}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).into_owned();
    let code = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
    (code, head)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_concurrent_logins_stay_within_a_few_hashes_of_memory() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("origine.db").display());
    let server = start_server(&url, &dir.path().join("keys"));
    let port: u16 = server.base.rsplit(':').next().unwrap().parse().unwrap();

    let mut page = agent()
        .get(&format!("{}/login", server.base))
        .call()
        .unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("origine_csrf="))
        .and_then(|c| c.split(';').next())
        .expect("csrf cookie")
        .to_owned();
    let html = page.body_mut().read_to_string().unwrap();
    let marker = "name=\"csrf\" value=\"";
    let csrf = html[html.find(marker).unwrap() + marker.len()..]
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let before = peak_kib(server.child.id());

    let mut logins = tokio::task::JoinSet::new();
    for host in 2..62u8 {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("csrf", csrf.as_str()),
                ("email", &format!("nobody{host}@x.it")),
                ("password", "a wrong password"),
            ])
            .finish();
        let cookie = cookie.clone();
        logins.spawn(async move { post_from(host, port, &cookie, &body).await });
    }
    let answers = tokio::time::timeout(Duration::from_secs(120), logins.join_all())
        .await
        .expect("every login is answered");
    let peak = peak_kib(server.child.id());
    for (code, head) in &answers {
        // A wrong password, or hashers too busy to wait for (with a time to retry).
        assert!(
            *code == 401 || (*code == 503 && head.to_lowercase().contains("retry-after")),
            "{head}"
        );
    }
    let grown = peak.saturating_sub(before) / 1024;
    eprintln!(
        "peak {} MiB (before the logins {} MiB); {} answered 401",
        peak / 1024,
        before / 1024,
        answers.iter().filter(|(c, _)| *c == 401).count()
    );
    // Unbounded, sixty at once took 1.3 GB. Bounded, one hash per core runs at a time (19
    // MiB each); glibc's allocator keeps some freed blocks resident, which on two cores
    // measured 150 to 210 MiB of growth whatever the number of logins (more when other
    // tests load the machine); well under what sixty unbounded hashes take.
    assert!(grown < 400, "memory grew by {grown} MiB");
}
