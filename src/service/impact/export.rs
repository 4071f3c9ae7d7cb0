//! The impact report as CSV for spreadsheets: fixed columns, RFC 4180, no formulas.

use super::{Figures, ImpactReport, PIECES};
use crate::csv;
use crate::domain::lot::UNITS;

/// The report as CSV (RFC 4180, CRLF, a header row, a closing `TOTAL` row). Every unit of
/// measure has its own column, always the same ones, so repeated exports line up.
pub fn to_csv(report: &ImpactReport) -> String {
    let mut units: Vec<&str> = UNITS.iter().copied().filter(|u| *u != PIECES).collect();
    for unit in report.totals.quantities.keys() {
        if !units.contains(&unit.as_str()) {
            units.push(unit);
        }
    }
    let mut header = vec![
        report.query.group_by().as_str().to_owned(),
        "label".into(),
        "certificates".into(),
        "units_pcs".into(),
    ];
    header.extend(units.iter().map(|u| csv::field(&format!("quantity_{u}"))));
    header.extend(
        [
            "detained_worker_lots",
            "detained_workers_at_least",
            "worker_lots",
            "work_hours",
            "training_hours",
            "suspended_certificates",
            "revoked_certificates",
        ]
        .map(str::to_owned),
    );
    let mut out = csv::row(&header);
    let line = |key: &str, label: &str, f: &Figures| {
        let mut cells = vec![
            csv::field(key),
            csv::field(label),
            f.certificates.to_string(),
            f.units.to_string(),
        ];
        cells.extend(
            units
                .iter()
                .map(|u| f.quantities.get(*u).copied().unwrap_or(0).to_string()),
        );
        cells.extend(
            [
                f.detained_worker_lots,
                f.detained_workers_at_least,
                f.worker_lots,
                f.work_hours,
                f.training_hours,
                f.suspended_certificates,
                f.revoked_certificates,
            ]
            .map(|n| n.to_string()),
        );
        csv::row(&cells)
    };
    for r in &report.rows {
        out.push_str(&line(&r.key, &r.label, &r.figures));
    }
    out.push_str(&line("TOTAL", "", &report.totals));
    out
}
