//! Idle sockets used to take the service down (~1,000 of them: no header-read timeout, no
//! connection cap, "Too many open files"). Now a connection that sends no request head is
//! closed after the header timeout, and connections beyond the cap wait in the backlog
//! instead of using descriptors, so a real visitor is served while the sockets sit there.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn get_livez(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_sockets_are_closed_and_cannot_crowd_out_a_visitor() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("o.db").display());
    let mut config = crate::support::config(&db, &dir);
    config.base_url = None;
    config.max_connections = 32;
    config.header_timeout_seconds = 2;
    let server = origine::server::spawn(&config).await.unwrap();
    let addr = server.addr;
    let outcome = tokio::task::spawn_blocking(move || {
        // A socket that sends nothing is closed by the server after the header timeout.
        let mut idle = TcpStream::connect(addr).unwrap();
        idle.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let start = Instant::now();
        let mut buf = [0u8; 64];
        let n = idle.read(&mut buf).unwrap_or(0);
        let closed_after = start.elapsed();
        // A slowloris: a request head that never ends.
        let mut slow = TcpStream::connect(addr).unwrap();
        slow.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        slow.write_all(b"GET /livez HTTP/1.1\r\nHost: x\r\n")
            .unwrap();
        let start = Instant::now();
        let _ = slow.read(&mut buf);
        let slow_closed_after = start.elapsed();
        eprintln!(
            "idle closed after {closed_after:?} ({n} bytes); slowloris after {slow_closed_after:?}"
        );
        // Four times the cap of idle sockets, then a visitor.
        let crowd: Vec<TcpStream> = (0..128)
            .map(|_| TcpStream::connect(addr).unwrap())
            .collect();
        let start = Instant::now();
        let answer = get_livez(addr);
        let served_after = start.elapsed();
        drop(crowd);
        (n, closed_after, slow_closed_after, answer, served_after)
    })
    .await
    .unwrap();
    let (n, closed_after, slow_closed_after, answer, served_after) = outcome;
    assert_eq!(n, 0, "the idle socket got no bytes, only the close");
    assert!(
        closed_after >= Duration::from_millis(1500) && closed_after < Duration::from_secs(8),
        "idle socket closed after {closed_after:?}"
    );
    assert!(
        slow_closed_after < Duration::from_secs(8),
        "slowloris held {slow_closed_after:?}"
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");
    // The visitor waits at most for the crowd's header timeouts (2 s), not forever.
    assert!(
        served_after < Duration::from_secs(15),
        "served after {served_after:?}"
    );
    println!(
        "idle socket closed after {closed_after:?}; visitor served after {served_after:?} behind 128 idle sockets (cap 32)"
    );
    server.task.abort();
}
