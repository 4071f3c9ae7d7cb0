//! E-mail: a watched certificate's suspension reaches a real SMTP server (Python's
//! aiosmtpd, started here) addressed to the buyer account.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use super::*;

/// aiosmtpd on a free port, printing each message it gets; killed when dropped.
struct Smtpd {
    child: std::process::Child,
    port: u16,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Smtpd {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, lines }
    }

    /// Everything printed until a line containing `end`, waiting at most `limit`.
    fn read_until(&self, end: &str, limit: Duration) -> String {
        let start = Instant::now();
        let mut text = String::new();
        while let Some(left) = limit.checked_sub(start.elapsed()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    text.push_str(&line);
                    text.push('\n');
                    if line.contains(end) {
                        return text;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no {end:?} from aiosmtpd within {limit:?}; got:\n{text}");
    }
}

#[tokio::test]
#[cfg_attr(not(origine_py_smtpd), ignore = "needs Python's aiosmtpd")]
async fn watched_suspension_is_emailed_to_the_buyer() {
    let smtpd = Smtpd::start();
    let port = smtpd.port;
    let app = TestApp::sqlite_with(|c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        c.smtp_from = Some("avvisi@origine.test".into());
    })
    .await;
    let (seed, id, _) = watching(&app).await;
    set_status(&app, &seed.admin, &id, "suspended").await;
    let acknowledged = Instant::now();
    let message = tokio::task::spawn_blocking(move || {
        let text = smtpd.read_until("END MESSAGE", Duration::from_secs(10));
        (text, smtpd)
    })
    .await
    .unwrap()
    .0;
    eprintln!("status change to e-mail: {:?}", acknowledged.elapsed());
    assert!(
        message.contains("To: acquisti@bottega.example"),
        "{message}"
    );
    assert!(message.contains("From: avvisi@origine.test"), "{message}");
    assert!(message.contains("certificato sospeso"), "{message}");
    assert!(message.contains(&id), "{message}");
    assert!(message.contains("Biscotti al farro"), "{message}");
}
