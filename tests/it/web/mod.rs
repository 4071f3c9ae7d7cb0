//! The pages with accounts: login, sessions, CSRF, the producer workspace, the admin pages,
//! who may open what, escaping and language.

use crate::support::TestApp;
use crate::support::web::{Page, Visitor};
use axum::http::{StatusCode, header};

mod admin;
mod auditors;
mod language;
mod producers;
mod sessions;

const XSS: &str = "<script>alert(1)</script>";

fn assert_escaped(page: &Page, what: &str) {
    assert!(
        !page.body.contains("<script>"),
        "{what}: a raw <script> reached the page"
    );
    let csp = page
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{what}: CSP is {csp:?}");
}

/// A lot form as a producer fills it in, with `changes` applied.
fn lot_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("product.name", "Biscotti al farro"),
        ("product.category", "food"),
        ("product.gtin", "8012345678907"),
        ("institute", "cr-milano-opera"),
        ("lot_code", "WEB-1"),
        ("quantity", "48"),
        ("unit", "pcs"),
        ("produced_from", "2026-10-01"),
        ("produced_to", "2026-10-31"),
        ("serialised", "1"),
        ("claims.detained_workers", "6"),
        ("claims.total_workers", "8"),
        ("claims.work_hours", "960"),
        ("claims.training_hours", "120"),
        ("claims.employment", "employee"),
        ("claims.statement", ""),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(n, _)| n == name) {
            Some(f) => f.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}
