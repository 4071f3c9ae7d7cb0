//! The CNEL auditor's dashboard (`/audit`): impact figures by region, institute, producer
//! or month with charts and CSV/JSON exports, the register's integrity (latest checkpoint,
//! the server's last audit) and the trail of admin actions. Read only: nothing here
//! changes the register, and admins see it too.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::forms::{self, Field, Kind};
use super::lang::Lang;
use super::render::render;
use super::render::{Nav, PageError};
use super::session::SignedIn;
use crate::charts::{ChartText, bar_chart, column_chart};
use crate::domain::Role;
use crate::domain::institute::REGIONS;
use crate::http::error::AppError;
use crate::http::state::AppState;
use crate::service::audit::AuditRun;
use crate::service::impact::{GroupBy, ImpactQuery, ImpactReport, Measure, impact, to_csv};
use crate::store::{AdminAction, StoredCheckpoint};

/// Who may read the dashboard.
const READERS: &[Role] = &[Role::Auditor, Role::Admin];

/// The query string without the language switch, with the last twelve months as the
/// default period.
fn impact_query(uri: &Uri) -> (String, Result<ImpactQuery, crate::domain::ValidationErrors>) {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let has = |name: &str| pairs.iter().any(|(k, v)| k == name && !v.is_empty());
    let today = time::OffsetDateTime::now_utc().date();
    let this_month = format!("{:04}-{:02}", today.year(), u8::from(today.month()));
    let year_ago = {
        let (y, m) = (today.year(), i32::from(u8::from(today.month())));
        let back = y * 12 + m - 1 - 11;
        format!("{:04}-{:02}", back / 12, back % 12 + 1)
    };
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in &pairs {
        if !((k == "from" || k == "to") && v.is_empty()) {
            serializer.append_pair(k, v);
        }
    }
    if !has("from") {
        serializer.append_pair("from", &year_ago);
    }
    if !has("to") {
        serializer.append_pair("to", &this_month);
    }
    let query = serializer.finish();
    let parsed = ImpactQuery::from_query_string(&query);
    (query, parsed)
}

struct Chart {
    heading: &'static str,
    svg: String,
}

struct Row {
    label: String,
    certificates: u64,
    units: u64,
    detained_worker_lots: u64,
    detained_workers_at_least: u64,
    work_hours: u64,
    training_hours: u64,
    suspended: u64,
    revoked: u64,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Lang,
    nav: Nav,
    filters: Vec<Field>,
    filter_errors: Vec<String>,
    query: String,
    group_heading: &'static str,
    rows: Vec<Row>,
    totals: Option<Row>,
    charts: Vec<Chart>,
    log_size: u64,
    unreadable: u64,
    checkpoint: Option<StoredCheckpoint>,
    last_audit: Option<AuditRun>,
    actions: Vec<AdminAction>,
}

fn row(label: String, f: &crate::service::impact::Figures) -> Row {
    Row {
        label,
        certificates: f.certificates,
        units: f.units,
        detained_worker_lots: f.detained_worker_lots,
        detained_workers_at_least: f.detained_workers_at_least,
        work_hours: f.work_hours,
        training_hours: f.training_hours,
        suspended: f.suspended_certificates,
        revoked: f.revoked_certificates,
    }
}

fn charts(l: Lang, report: &ImpactReport, by: GroupBy) -> Vec<Chart> {
    let measures = [
        (
            Measure::DetainedWorkerLots,
            "workers",
            l.s(
                "Persone detenute al lavoro (somma per lotto)",
                "Detained people at work (sum over lots)",
            ),
        ),
        (
            Measure::WorkHours,
            "hours",
            l.s("Ore di lavoro", "Work hours"),
        ),
        (
            Measure::TrainingHours,
            "training",
            l.s("Ore di formazione", "Training hours"),
        ),
        (
            Measure::Certificates,
            "lots",
            l.s("Lotti certificati", "Lots certified"),
        ),
    ];
    measures
        .into_iter()
        .map(|(measure, id, heading)| {
            let data = report.series(measure);
            let text = ChartText {
                id,
                title: heading,
                desc: l.s(
                    "Valori per gruppo, nello stesso ordine della tabella.",
                    "Values per group, in the table's order.",
                ),
            };
            let svg = if by == GroupBy::Month {
                column_chart(&text, &data)
            } else {
                bar_chart(&text, &data)
            };
            Chart { heading, svg }
        })
        .collect()
}

fn filters(
    l: Lang,
    uri: &Uri,
    institutes: &[(String, String)],
    producers: &[(String, String)],
) -> Vec<Field> {
    let value = |name: &str| {
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    let groups = vec![
        ("region".to_owned(), l.s("Regione", "Region").to_owned()),
        (
            "institute".to_owned(),
            l.s("Istituto", "Institute").to_owned(),
        ),
        (
            "producer".to_owned(),
            l.s("Produttore", "Producer").to_owned(),
        ),
        ("month".to_owned(), l.s("Mese", "Month").to_owned()),
    ];
    let regions = REGIONS
        .iter()
        .map(|r| ((*r).to_owned(), (*r).to_owned()))
        .collect();
    let mut fields = vec![
        Field::new(
            "from",
            l.s("Dal mese (AAAA-MM)", "From month (YYYY-MM)"),
            Kind::Text,
        )
        .optional(),
        Field::new(
            "to",
            l.s("Al mese (AAAA-MM)", "To month (YYYY-MM)"),
            Kind::Text,
        )
        .optional(),
        Field::new(
            "group_by",
            l.s("Raggruppa per", "Group by"),
            Kind::Select(groups),
        ),
        Field::new(
            "region",
            l.s("Solo la regione", "Only the region"),
            Kind::Select(regions),
        )
        .optional(),
        Field::new(
            "institute",
            l.s("Solo l'istituto", "Only the institute"),
            Kind::Select(institutes.to_vec()),
        )
        .optional(),
        Field::new(
            "producer",
            l.s("Solo il produttore", "Only the producer"),
            Kind::Select(producers.to_vec()),
        )
        .optional(),
    ];
    for f in &mut fields {
        f.value = value(f.name);
    }
    fields
}

/// `GET /audit`.
pub async fn dashboard(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    uri: Uri,
) -> Result<Response, PageError> {
    user.require(l, READERS)?;
    let institutes: Vec<(String, String)> = app
        .store
        .institutes()
        .await?
        .into_iter()
        .map(|i| (i.code, i.name))
        .collect();
    let producers: Vec<(String, String)> = app
        .store
        .producers()
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let mut filters = filters(l, &uri, &institutes, &producers);
    let (query, parsed) = impact_query(&uri);
    let (mut status, mut filter_errors) = (StatusCode::OK, Vec::new());
    let (mut rows, mut totals, mut chart_list, mut log_size, mut unreadable) =
        (Vec::new(), None, Vec::new(), app.store.log_size().await?, 0);
    let mut group_heading = l.s("Regione", "Region");
    match parsed {
        Err(invalid) => {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            filter_errors = forms::attach(&mut filters, &invalid.0, l);
        }
        Ok(q) => {
            let report = impact(&app.store, &q).await?;
            group_heading = match q.group_by() {
                GroupBy::Region => l.s("Regione", "Region"),
                GroupBy::Institute => l.s("Istituto", "Institute"),
                GroupBy::Producer => l.s("Produttore", "Producer"),
                GroupBy::Month => l.s("Mese", "Month"),
            };
            chart_list = charts(l, &report, q.group_by());
            rows = report
                .rows
                .iter()
                .map(|r| row(r.label.clone(), &r.figures))
                .collect();
            totals = Some(row(l.s("Totale", "Total").to_owned(), &report.totals));
            log_size = report.log_size;
            unreadable = report.unreadable_entries;
        }
    }
    let last_audit = app.last_audit.read().ok().and_then(|a| a.clone());
    Ok(render(
        status,
        &AuditPage {
            l,
            nav: user.nav(),
            filters,
            filter_errors,
            query,
            group_heading,
            rows,
            totals,
            charts: chart_list,
            log_size,
            unreadable,
            checkpoint: app.store.latest_checkpoint().await?,
            last_audit,
            actions: app.store.admin_actions(100).await?,
        },
    ))
}

/// `GET /audit/impact.json` and `/audit/impact.csv`: the same figures as data; a bad
/// parameter is a 400 problem naming it.
pub async fn export(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    uri: Uri,
) -> Result<Response, PageError> {
    user.require(l, READERS)?;
    let (_, parsed) = impact_query(&uri);
    let query = parsed.map_err(|e| AppError::BadRequest {
        detail: e.to_string(),
        errors: e.0,
    })?;
    let report = impact(&app.store, &query).await?;
    if uri.path().ends_with(".csv") {
        Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"origine-impatto-{}-{}-{}.csv\"",
                        query.group_by().as_str(),
                        query.from(),
                        query.to()
                    ),
                ),
            ],
            to_csv(&report),
        )
            .into_response())
    } else {
        Ok(Json(report).into_response())
    }
}

/// `GET /audit/trail.csv`: every recorded admin action, newest first.
pub async fn trail_csv(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    user.require(l, READERS)?;
    use crate::csv::{field, row};
    let mut out = row(&["at", "actor", "action", "subject", "detail"]);
    for a in app.store.admin_actions(u32::MAX).await? {
        out.push_str(&row(
            &[&a.at, &a.actor, &a.action, &a.subject, &a.detail].map(|c| field(c))
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"origine-azioni.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
