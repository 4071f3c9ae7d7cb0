//! `GET /metrics`: what an operator's Prometheus scrapes. Requests by route, method and
//! status with a duration histogram (routes are the router's patterns, so the label set
//! stays small whatever the paths), and, read when scraped: the log's size, the ages of the
//! latest checkpoint and of its newest cosignature, and the server's last audit.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use super::error::AppError;
use super::state::AppState;

/// Labels of a request's metrics.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The route pattern, e.g. `/api/v1/verify/{id}`; `unmatched` for the fallback.
    route: String,
    /// The HTTP method.
    method: String,
    /// The response's status code.
    status: u16,
}

/// The service's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    seconds: Family<RequestLabels, Histogram>,
    log_entries: Gauge,
    checkpoint_age: Gauge<f64, AtomicU64>,
    cosignature_age: Gauge<f64, AtomicU64>,
    audit_clean: Gauge,
    audit_age: Gauge<f64, AtomicU64>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("origine");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        let seconds = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from the request to the response's head",
            seconds.clone(),
        );
        let log_entries = Gauge::default();
        registry.register(
            "log_entries",
            "Entries in the transparency log",
            log_entries.clone(),
        );
        let checkpoint_age = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "checkpoint_age_seconds",
            "Seconds since the latest signed checkpoint (-1: none yet)",
            checkpoint_age.clone(),
        );
        let cosignature_age = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "cosignature_age_seconds",
            "Seconds since the latest checkpoint that has a witness cosignature was signed (-1: none)",
            cosignature_age.clone(),
        );
        let audit_clean = Gauge::default();
        registry.register(
            "audit_clean",
            "1 when the server's last audit of its register found nothing wrong, 0 otherwise, -1 before the first",
            audit_clean.clone(),
        );
        let audit_age = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "audit_age_seconds",
            "Seconds since the server's last audit finished (-1: none yet)",
            audit_age.clone(),
        );
        Self {
            registry,
            requests,
            seconds,
            log_entries,
            checkpoint_age,
            cosignature_age,
            audit_clean,
            audit_age,
        }
    }
}

/// Middleware: counts and times every request by route, method and status.
pub async fn track(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    let response = next.run(request).await;
    let labels = RequestLabels {
        route,
        method,
        status: response.status().as_u16(),
    };
    app.metrics.requests.get_or_create(&labels).inc();
    app.metrics
        .seconds
        .get_or_create(&labels)
        .observe(start.elapsed().as_secs_f64());
    response
}

/// The Prometheus text format (0.0.4) of an OpenMetrics text, which is what the client
/// library writes: a counter's family is named after its `_total` samples, and the
/// `# UNIT` and `# EOF` lines OpenMetrics adds are left out. Everything else is the same.
fn prometheus_text(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// Seconds since an RFC 3339 time, or -1 when there is none or it cannot be read.
fn age(at: Option<&str>) -> f64 {
    at.and_then(|t| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    })
    .map_or(-1.0, |t| {
        (time::OffsetDateTime::now_utc() - t)
            .as_seconds_f64()
            .max(0.0)
    })
}

/// The metrics, in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, content_type = "text/plain", body = String)))]
pub async fn metrics(State(app): State<AppState>) -> Result<Response, AppError> {
    let m = &app.metrics;
    m.log_entries
        .set(i64::try_from(app.store.log_size().await?).unwrap_or(i64::MAX));
    let latest = app.store.latest_checkpoint().await?;
    m.checkpoint_age
        .set(age(latest.as_ref().map(|c| c.created_at.as_str())));
    let cosigned = match app.store.cosigned_sizes(1).await?.first() {
        Some(size) => app.store.checkpoint(*size).await?.map(|c| c.created_at),
        None => None,
    };
    m.cosignature_age.set(age(cosigned.as_deref()));
    let audit = app.last_audit.read().map(|a| a.clone()).unwrap_or_default();
    m.audit_clean
        .set(audit.as_ref().map_or(-1, |a| i64::from(a.clean)));
    m.audit_age.set(age(audit.as_ref().map(|a| a.at.as_str())));
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &m.registry)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let text = prometheus_text(&text);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn openmetrics_counters_become_prometheus_counters() {
        let om = "# HELP a_requests Requests.\n# TYPE a_requests counter\na_requests_total{x=\"1\"} 3\n# HELP g A gauge.\n# TYPE g gauge\n# UNIT g seconds\ng 1\n# EOF\n";
        assert_eq!(
            super::prometheus_text(om),
            "# HELP a_requests_total Requests.\n# TYPE a_requests_total counter\na_requests_total{x=\"1\"} 3\n# HELP g A gauge.\n# TYPE g gauge\ng 1\n"
        );
    }
}
