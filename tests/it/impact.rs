//! Impact figures for auditors, computed from lots certified through the real API: grouping,
//! period and filters, statuses, units of measure, CSV export and SVG charts.

use crate::support::TestApp;
use axum::http::StatusCode;
use serde_json::{Value, json};

use origine::charts::{ChartText, bar_chart, column_chart};
use origine::service::impact::{Figures, ImpactQuery, ImpactReport, Measure, impact, to_csv};

const SCRIPT_NAME: &str = "<script>alert(1)</script>";
const FORMULA_NAME: &str = "=HYPERLINK(\"http://x.example\",\"ok\")";

/// Producers and lots:
///
/// | lot | producer | institute (region) | unit | qty | month | detained/total | work | training |
/// |---|---|---|---|---|---|---|---|---|
/// | U1 | Uno | Opera (Lombardia) | pcs | 500 | 2026-01 | 6/8 | 960 | 120 |
/// | U2 | Uno | Opera (Lombardia) | kg | 200 | 2026-02 | 4/5 | 400 | 0 |
/// | U3 | Uno | Opera (Lombardia) | pcs | 100 | 2026-03 | 3/3 | 300 | 30 | (revoked)
/// | D1 | Due | Padova (Veneto) | pcs | 50 | 2026-02 | 10/12 | 1000 | 200 |
/// | D2 | Due | Padova (Veneto) | l | 30 | 2025-12 | 2/2 | 80 | 0 |
/// | S1 | `<script>` | Padova (Veneto) | pcs | 7 | 2026-03 (from 2026-02-20) | 1/2 | 40 | 5 |
struct Scenario {
    app: TestApp,
    admin: String,
    uno: String,
    due: String,
    script: String,
}

fn lot(
    code: &str,
    institute: &str,
    unit: &str,
    quantity: u64,
    from: &str,
    to: &str,
    workers: [u64; 4],
) -> Value {
    let [detained, total, work, training] = workers;
    json!({
        "institute": institute,
        "product": {"name": "Prodotto", "category": "food"},
        "lot_code": code, "quantity": quantity, "unit": unit,
        "produced_from": from, "produced_to": to,
        "claims": {"detained_workers": detained, "total_workers": total, "work_hours": work,
                   "training_hours": training, "employment": "employee"}
    })
}

async fn issue(app: &TestApp, token: &str, body: Value) -> String {
    let (status, res) = app.post("/api/v1/lots", token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    res["bundle"]["certificate"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

async fn set_status(app: &TestApp, admin: &str, path: &str, status: &str) {
    let (code, body) = app
        .post(
            path,
            admin,
            json!({"status": status, "reason": "audit finding"}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{body}");
}

async fn scenario() -> Scenario {
    let app = TestApp::sqlite().await;
    let seed = app.seed().await;
    let padova = "cr-padova-due-palazzi";
    let opera = "cr-milano-opera";
    let vat = origine::domain::vat::with_check_digit("1234567015");
    let script = app.producer(&seed.admin, SCRIPT_NAME, &vat, padova).await;
    let script_token = app.producer_token(&seed.admin, &script).await;
    let (u, d, s) = (&seed.producer_token, &seed.other_token, &script_token);
    issue(
        &app,
        u,
        lot(
            "U1",
            opera,
            "pcs",
            500,
            "2026-01-10",
            "2026-01-31",
            [6, 8, 960, 120],
        ),
    )
    .await;
    issue(
        &app,
        u,
        lot(
            "U2",
            opera,
            "kg",
            200,
            "2026-02-01",
            "2026-02-28",
            [4, 5, 400, 0],
        ),
    )
    .await;
    let u3 = issue(
        &app,
        u,
        lot(
            "U3",
            opera,
            "pcs",
            100,
            "2026-03-01",
            "2026-03-31",
            [3, 3, 300, 30],
        ),
    )
    .await;
    issue(
        &app,
        d,
        lot(
            "D1",
            padova,
            "pcs",
            50,
            "2026-02-01",
            "2026-02-27",
            [10, 12, 1000, 200],
        ),
    )
    .await;
    issue(
        &app,
        d,
        lot(
            "D2",
            padova,
            "l",
            30,
            "2025-12-01",
            "2025-12-20",
            [2, 2, 80, 0],
        ),
    )
    .await;
    issue(
        &app,
        s,
        lot(
            "S1",
            padova,
            "pcs",
            7,
            "2026-02-20",
            "2026-03-15",
            [1, 2, 40, 5],
        ),
    )
    .await;
    set_status(
        &app,
        &seed.admin,
        &format!("/api/v1/certificates/{u3}/status"),
        "revoked",
    )
    .await;
    Scenario {
        app,
        admin: seed.admin,
        uno: seed.producer,
        due: seed.other,
        script,
    }
}

async fn report(s: &Scenario, query: &str) -> ImpactReport {
    let query = ImpactQuery::from_query_string(query).expect("valid query");
    impact(&s.app.state.store, &query).await.expect("figures")
}

/// `(key, label, certificates, units, detained_worker_lots)` of each row.
fn summary(r: &ImpactReport) -> Vec<(String, String, u64, u64, u64)> {
    r.rows
        .iter()
        .map(|r| {
            let f = &r.figures;
            (
                r.key.clone(),
                r.label.clone(),
                f.certificates,
                f.units,
                f.detained_worker_lots,
            )
        })
        .collect()
}

fn row<'a>(r: &'a ImpactReport, key: &str) -> &'a Figures {
    &r.rows.iter().find(|x| x.key == key).expect("row").figures
}

fn s(x: &str) -> String {
    x.to_owned()
}

#[tokio::test]
async fn by_region_counts_valid_lots_and_sets_revoked_ones_aside() {
    let sc = scenario().await;
    let r = report(&sc, "from=2026-01&to=2026-03&group_by=region").await;
    // Veneto first: more detained worker-lots (11 against 10).
    assert_eq!(
        summary(&r),
        [
            (s("Veneto"), s("Veneto"), 2, 57, 11),
            (s("Lombardia"), s("Lombardia"), 2, 500, 10),
        ]
    );
    let lombardia = row(&r, "Lombardia");
    assert_eq!(lombardia.revoked_certificates, 1, "U3 is revoked");
    assert_eq!(lombardia.quantities.get("kg"), Some(&200));
    assert_eq!(
        (lombardia.detained_workers_at_least, lombardia.worker_lots),
        (6, 13)
    );
    assert_eq!(
        (lombardia.work_hours, lombardia.training_hours),
        (1360, 120)
    );
    let veneto = row(&r, "Veneto");
    assert!(
        veneto.quantities.is_empty(),
        "D2 (litres) is outside the period"
    );
    assert_eq!((veneto.work_hours, veneto.training_hours), (1040, 205));

    let t = &r.totals;
    assert_eq!(
        (t.certificates, t.units, t.revoked_certificates),
        (4, 557, 1)
    );
    assert_eq!(t.quantities.iter().collect::<Vec<_>>(), [(&s("kg"), &200)]);
    assert_eq!(
        (t.detained_worker_lots, t.detained_workers_at_least),
        (21, 10)
    );
    assert_eq!(
        (t.worker_lots, t.work_hours, t.training_hours),
        (27, 2400, 325)
    );
    assert_eq!(r.log_size, 7, "six lots and one status entry");
    assert_eq!(r.unreadable_entries, 0);
}

#[tokio::test]
async fn by_institute_and_by_producer_rows_carry_names() {
    let sc = scenario().await;
    let r = report(&sc, "from=2026-01&to=2026-03&group_by=institute").await;
    assert_eq!(
        summary(&r),
        [
            (
                s("cr-padova-due-palazzi"),
                s("Casa di Reclusione Padova Due Palazzi"),
                2,
                57,
                11
            ),
            (
                s("cr-milano-opera"),
                s("Casa di Reclusione Milano Opera"),
                2,
                500,
                10
            ),
        ]
    );
    let r = report(&sc, "from=2026-01&to=2026-03&group_by=producer").await;
    // Due and Uno tie on 10 detained worker-lots: then by name.
    assert_eq!(
        summary(&r),
        [
            (sc.due.clone(), s("Cooperativa Due"), 1, 50, 10),
            (sc.uno.clone(), s("Cooperativa Uno"), 2, 500, 10),
            (sc.script.clone(), s(SCRIPT_NAME), 1, 7, 1),
        ]
    );
}

#[tokio::test]
async fn by_month_uses_the_end_of_production_and_lists_every_month_in_order() {
    let sc = scenario().await;
    let r = report(&sc, "from=2025-12&to=2026-04&group_by=month").await;
    assert_eq!(
        summary(&r),
        [
            (s("2025-12"), s("2025-12"), 1, 0, 2),
            (s("2026-01"), s("2026-01"), 1, 500, 6),
            (s("2026-02"), s("2026-02"), 2, 50, 14),
            // S1 ran from February to 15 March: it counts in March, whole.
            (s("2026-03"), s("2026-03"), 1, 7, 1),
            (s("2026-04"), s("2026-04"), 0, 0, 0),
        ]
    );
    assert_eq!(row(&r, "2025-12").quantities.get("l"), Some(&30));
    assert_eq!(row(&r, "2026-02").quantities.get("kg"), Some(&200));
    assert_eq!(row(&r, "2026-03").revoked_certificates, 1);
}

#[tokio::test]
async fn filters_narrow_by_region_institute_and_producer() {
    let sc = scenario().await;
    let r = report(
        &sc,
        "from=2025-01&to=2026-12&region=lombardia&group_by=producer",
    )
    .await;
    assert_eq!(
        summary(&r),
        [(sc.uno.clone(), s("Cooperativa Uno"), 2, 500, 10)]
    );

    let r = report(
        &sc,
        "from=2025-01&to=2026-12&institute=cr-padova-due-palazzi&group_by=producer",
    )
    .await;
    assert_eq!(
        summary(&r),
        [
            (sc.due.clone(), s("Cooperativa Due"), 2, 50, 12),
            (sc.script.clone(), s(SCRIPT_NAME), 1, 7, 1),
        ]
    );

    let q = format!("from=2026-02&to=2026-03&producer={}&group_by=month", sc.uno);
    let r = report(&sc, &q).await;
    assert_eq!(
        summary(&r),
        [
            (s("2026-02"), s("2026-02"), 1, 0, 4),
            (s("2026-03"), s("2026-03"), 0, 0, 0)
        ]
    );
    assert_eq!(r.totals.revoked_certificates, 1);

    let r = report(&sc, "from=2024-01&to=2024-12").await;
    assert!(r.rows.is_empty());
    assert_eq!(r.totals, Figures::default());
}

#[tokio::test]
async fn producer_status_and_reinstated_certificates_are_applied() {
    let sc = scenario().await;
    let app = &sc.app;
    let q = "from=2025-01&to=2026-12&group_by=producer";
    set_status(
        app,
        &sc.admin,
        &format!("/api/v1/producers/{}/status", sc.due),
        "suspended",
    )
    .await;
    set_status(
        app,
        &sc.admin,
        &format!("/api/v1/producers/{}/status", sc.script),
        "revoked",
    )
    .await;
    let r = report(&sc, q).await;
    let due = row(&r, &sc.due);
    assert_eq!(
        (
            due.certificates,
            due.suspended_certificates,
            due.detained_worker_lots
        ),
        (0, 2, 0)
    );
    let script = row(&r, &sc.script);
    assert_eq!((script.certificates, script.revoked_certificates), (0, 1));
    assert_eq!(
        (
            r.totals.certificates,
            r.totals.suspended_certificates,
            r.totals.revoked_certificates
        ),
        (2, 2, 2)
    );

    // A suspended certificate that is made valid again counts again; the latest entry wins.
    set_status(
        app,
        &sc.admin,
        &format!("/api/v1/producers/{}/status", sc.due),
        "accredited",
    )
    .await;
    let u1 = app.state.store.lots(Some(&sc.uno)).await.expect("lots");
    let u1 = &u1
        .iter()
        .find(|l| l.lot_code.as_str() == "U1")
        .expect("U1")
        .certificate_id;
    let path = format!("/api/v1/certificates/{u1}/status");
    set_status(app, &sc.admin, &path, "suspended").await;
    let r = report(&sc, q).await;
    assert_eq!(row(&r, &sc.uno).suspended_certificates, 1);
    assert_eq!(row(&r, &sc.due).certificates, 2);
    set_status(app, &sc.admin, &path, "valid").await;
    let r = report(&sc, q).await;
    assert_eq!(
        (
            row(&r, &sc.uno).certificates,
            row(&r, &sc.uno).suspended_certificates
        ),
        (2, 0)
    );
}

#[tokio::test]
async fn csv_has_fixed_unit_columns_quoting_and_no_formulas() {
    let sc = scenario().await;
    let vat = origine::domain::vat::with_check_digit("2345678015");
    let formula = sc
        .app
        .producer(&sc.admin, FORMULA_NAME, &vat, "cr-milano-opera")
        .await;
    let token = sc.app.producer_token(&sc.admin, &formula).await;
    let body = lot(
        "F1",
        "cr-milano-opera",
        "h",
        120,
        "2026-03-01",
        "2026-03-02",
        [2, 2, 120, 0],
    );
    issue(&sc.app, &token, body).await;

    let r = report(&sc, "from=2026-03&to=2026-03&group_by=producer").await;
    let csv = to_csv(&r);
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(
        lines,
        [
            "producer,label,certificates,units_pcs,quantity_kg,quantity_g,quantity_l,quantity_ml,quantity_m,quantity_m2,quantity_h,quantity_service,detained_worker_lots,detained_workers_at_least,worker_lots,work_hours,training_hours,suspended_certificates,revoked_certificates",
            &format!(
                "{formula},\"'=HYPERLINK(\"\"http://x.example\"\",\"\"ok\"\")\",1,0,0,0,0,0,0,0,120,0,2,2,2,120,0,0,0"
            ),
            &format!(
                "{},{SCRIPT_NAME},1,7,0,0,0,0,0,0,0,0,1,1,2,40,5,0,0",
                sc.script
            ),
            &format!(
                "{},Cooperativa Uno,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1",
                sc.uno
            ),
            "TOTAL,,2,7,0,0,0,0,0,0,120,0,3,2,4,160,5,0,1",
        ]
    );
    assert!(csv.ends_with("\r\n"));
}

/// Parses `svg` with Python's XML parser and returns what it found, or `None` without Python.
fn parse_with_python(svg: &str) -> Option<Value> {
    use std::io::Write;
    let script = r#"
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
ns = '{http://www.w3.org/2000/svg}'
tags = sorted({e.tag.replace(ns, '') for e in root.iter()})
attrs = sorted({a for e in root.iter() for a in e.attrib})
print(json.dumps({
  'root': root.tag.replace(ns, ''), 'role': root.get('role'), 'viewBox': root.get('viewBox'),
  'width': root.get('width'), 'title': root.find(ns + 'title').text,
  'desc': root.find(ns + 'desc').text, 'tags': tags, 'attrs': attrs,
  'texts': [t.text for t in root.iter(ns + 'text')],
  'tips': [t.text for t in root.iter(ns + 'title')][1:],
}))
"#;
    let mut child = std::process::Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(svg.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    assert!(out.status.success(), "not well-formed XML:\n{svg}");
    Some(serde_json::from_slice(&out.stdout).expect("python prints JSON"))
}

fn assert_inert(parsed: &Value) {
    let tags: Vec<&str> = parsed["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(
        tags.iter()
            .filter(|t| !["svg", "title", "desc", "g", "rect", "text", "line"].contains(t))
            .count(),
        0,
        "{tags:?}"
    );
    for a in parsed["attrs"].as_array().unwrap() {
        let a = a.as_str().unwrap();
        assert!(!a.starts_with("on") && !a.contains("href"), "attribute {a}");
    }
    assert_eq!(parsed["role"], "img");
    assert_eq!(parsed["width"], Value::Null, "sized by viewBox only");
}

#[tokio::test]
async fn charts_are_well_formed_svg_and_show_hostile_names_as_text() {
    let sc = scenario().await;
    let r = report(&sc, "from=2026-01&to=2026-03&group_by=producer").await;
    let text = ChartText {
        id: "by-producer",
        title: "Lavoratori detenuti <per> produttore",
        desc: "Somma per lotto & produttore.",
    };
    let svg = bar_chart(&text, &r.series(Measure::DetainedWorkerLots));
    assert!(!svg.contains("<script"), "{svg}");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));

    let month = report(&sc, "from=2025-12&to=2026-04&group_by=month").await;
    let ctext = ChartText {
        id: "by-month",
        title: "Lotti per mese",
        desc: "",
    };
    let columns = column_chart(&ctext, &month.series(Measure::Certificates));

    let Some(parsed) = parse_with_python(&svg) else {
        eprintln!("python3 not found: SVG parsed by string checks only");
        return;
    };
    assert_inert(&parsed);
    assert_eq!(
        parsed["viewBox"], "0 0 640 182",
        "three rows of 58 and 8 of margin"
    );
    assert_eq!(parsed["title"], "Lavoratori detenuti <per> produttore");
    assert_eq!(
        parsed["desc"],
        format!(
            "Somma per lotto & produttore. Cooperativa Due: 10; Cooperativa Uno: 10; {SCRIPT_NAME}: 1."
        )
    );
    let texts = parsed["texts"].as_array().unwrap();
    assert!(texts.contains(&json!(SCRIPT_NAME)), "{texts:?}");
    assert!(texts.contains(&json!("10")));
    assert_eq!(parsed["tips"][2], format!("{SCRIPT_NAME}: 1"));

    let parsed = parse_with_python(&columns).expect("python3 ran before");
    assert_inert(&parsed);
    assert_eq!(
        parsed["desc"],
        "2025-12: 1; 2026-01: 1; 2026-02: 2; 2026-03: 1; 2026-04: 0."
    );
    let texts: Vec<&str> = parsed["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // Axis 0..4 in steps of 1, then the five months.
    assert_eq!(
        texts,
        [
            "0", "1", "2", "3", "4", "2025-12", "2026-01", "2026-02", "2026-03", "2026-04"
        ]
    );

    let empty = parse_with_python(&bar_chart(&text, &[])).expect("python3");
    assert_eq!(empty["texts"], json!(["Nessun dato / No data"]));
}
