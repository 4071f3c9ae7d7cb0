//! `GET /metrics` is read by Prometheus' own text parser (Python `prometheus_client`), and
//! says what happened: requests by route pattern and status, their durations, the log.

use std::io::Write;
use std::process::{Command, Stdio};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::support::TestApp;

/// The metric families and samples as Prometheus' parser reads them, one JSON object per
/// sample: `{family, type, name, labels, value}`.
fn parse(text: &str) -> Vec<serde_json::Value> {
    let mut child = Command::new("python3")
        .args([
            "-c",
            "import sys, json\n\
             from prometheus_client.parser import text_string_to_metric_families\n\
             for f in text_string_to_metric_families(sys.stdin.read()):\n\
             \x20   for s in f.samples:\n\
             \x20       print(json.dumps({'family': f.name, 'type': f.type, 'name': s.name, 'labels': s.labels, 'value': s.value}))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
#[cfg_attr(
    not(origine_py_prometheus),
    ignore = "needs python3 with prometheus_client (pip install prometheus-client)"
)]
async fn metrics_are_prometheus_text_that_counts_requests_by_route() {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let issued = app.issue(&seed.producer_token, "M1").await;
    let id = issued["bundle"]["certificate"]["id"].as_str().unwrap();
    for _ in 0..3 {
        assert_eq!(
            app.get(&format!("/api/v1/verify/{id}")).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        app.get("/api/v1/verify/nosuchcertificate000").await.0,
        StatusCode::NOT_FOUND
    );
    let (status, headers, body) = app
        .raw(Request::get("/metrics").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let samples = parse(std::str::from_utf8(&body).unwrap());
    let find = |name: &str, route: &str, status: &str| {
        samples.iter().find(|s| {
            s["name"] == name && s["labels"]["route"] == route && s["labels"]["status"] == status
        })
    };
    let verified =
        find("origine_http_requests_total", "/api/v1/verify/{id}", "200").expect("counted");
    assert_eq!(verified["type"], "counter");
    assert_eq!(verified["value"], 3.0);
    assert_eq!(
        find("origine_http_requests_total", "/api/v1/verify/{id}", "404").expect("404 counted")["value"],
        1.0
    );
    // Durations: a histogram whose +Inf bucket holds every request.
    let inf = samples
        .iter()
        .find(|s| {
            s["name"] == "origine_http_request_duration_seconds_bucket"
                && s["labels"]["route"] == "/api/v1/verify/{id}"
                && s["labels"]["status"] == "200"
                && s["labels"]["le"] == "+Inf"
        })
        .expect("histogram");
    assert_eq!(inf["value"], 3.0);
    let gauge = |name: &str| {
        samples
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))["value"]
            .as_f64()
            .unwrap()
    };
    assert!(gauge("origine_log_entries") >= 1.0);
    assert!(
        gauge("origine_checkpoint_age_seconds") >= 0.0,
        "a checkpoint exists at start"
    );
    assert_eq!(
        gauge("origine_cosignature_age_seconds"),
        -1.0,
        "no witness here"
    );
    // Paths never become labels: one route pattern for every certificate.
    assert!(!samples.iter().any(|s| {
        s["labels"]["route"]
            .as_str()
            .is_some_and(|r| r.contains(id))
    }));
}
