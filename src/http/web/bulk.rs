//! `/verify`: a retailer types, pastes or uploads the codes of a delivery and gets every
//! certificate's status as a table, or as CSV.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::lang::Lang;
use super::render::Nav;
use crate::csv;
use crate::domain::ReportStatus;
use crate::http::caller::Viewer;
use crate::http::error::AppError;
use crate::http::state::AppState;
use crate::service::report::report;

/// Most codes checked in one go (as the bulk API).
const MAX_CODES: usize = 1000;
/// Largest upload accepted.
const MAX_UPLOAD: usize = 256 * 1024;

struct Row {
    id: String,
    /// `None` when there is no such certificate.
    status: Option<ReportStatus>,
    product: String,
    producer: String,
}

impl Row {
    /// The report's status, or `not_found`, as the table and the CSV write it.
    fn word(&self) -> &'static str {
        self.status.map_or("not_found", ReportStatus::as_str)
    }
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    l: Lang,
    nav: Nav,
    csrf: String,
    codes: String,
    rows: Vec<Row>,
    valid: usize,
    error: Option<String>,
}

fn page(p: &VerifyPage, status: StatusCode) -> Result<Response, AppError> {
    Ok(super::render::render(status, p))
}

/// The empty form.
pub async fn form(
    State(app): State<AppState>,
    l: Lang,
    viewer: Viewer,
) -> Result<Response, AppError> {
    let (csrf, cookie) = viewer.form_token(&app);
    let mut response = page(
        &VerifyPage {
            l,
            nav: Nav::from(&viewer),
            csrf,
            codes: String::new(),
            rows: Vec::new(),
            valid: 0,
            error: None,
        },
        StatusCode::OK,
    )?;
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Codes from pasted text or a CSV: the first field of each line (or the last segment of a
/// pasted `/c/{id}` link), lower-cased, without blanks, quotes or a header line; each code
/// once, in order.
pub fn codes_from(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    text.lines()
        .filter_map(|line| {
            let field = line
                .split([',', ';', '\t'])
                .next()?
                .trim()
                .trim_matches('"')
                .trim();
            let code = field.rsplit('/').next()?.to_ascii_lowercase();
            let header = matches!(
                code.as_str(),
                "id" | "code" | "codice" | "certificate" | "certificato"
            );
            let ok = !header
                && !code.is_empty()
                && code.len() <= 24
                && code.bytes().all(|b| b.is_ascii_alphanumeric());
            (ok && seen.insert(code.clone())).then_some(code)
        })
        .collect()
}

/// Checks the submitted codes.
pub async fn submit(
    State(app): State<AppState>,
    l: Lang,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let mut text = String::new();
    let mut as_csv = false;
    let mut csrf = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::bad_field("form", e.body_text()))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| AppError::bad_field(name.clone(), e.body_text()))?;
        if bytes.len() > MAX_UPLOAD {
            return Err(AppError::TooLarge(MAX_UPLOAD));
        }
        match name.as_str() {
            "codes" | "file" => {
                let part = std::str::from_utf8(&bytes)
                    .map_err(|_| AppError::bad_field(name, "must be UTF-8 text"))?;
                text.push_str(part);
                text.push('\n');
            }
            "csv" => as_csv = true,
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let (csrf, _) = viewer.form_token(&app);
    let nav = Nav::from(&viewer);
    let codes = codes_from(&text);
    let shown = text.trim().chars().take(20_000).collect::<String>();
    if codes.is_empty() || codes.len() > MAX_CODES {
        let error = match l {
            Lang::It => format!("Servono da 1 a {MAX_CODES} codici validi."),
            Lang::En => format!("Give 1 to {MAX_CODES} valid codes."),
        };
        return page(
            &VerifyPage {
                l,
                nav,
                csrf,
                codes: shown,
                rows: Vec::new(),
                valid: 0,
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let keys = app.keys.current();
    let mut rows = Vec::with_capacity(codes.len());
    for id in codes {
        let r = report(&app.store, &keys, &id, None).await?;
        rows.push(match r {
            Some(r) => Row {
                status: Some(r.status),
                product: r.certificate["product"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                producer: r.certificate["producer"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                id,
            },
            None => Row {
                id,
                status: None,
                product: String::new(),
                producer: String::new(),
            },
        });
    }
    let valid = rows
        .iter()
        .filter(|r| r.status == Some(ReportStatus::Valid))
        .count();
    if as_csv {
        let mut out = csv::row(&["id", "status", "product", "producer"]);
        for r in &rows {
            out.push_str(&csv::row(&[
                csv::field(&r.id),
                csv::field(r.word()),
                csv::field(&r.product),
                csv::field(&r.producer),
            ]));
        }
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"origine-verifica.csv\"",
                ),
            ],
            out,
        )
            .into_response());
    }
    page(
        &VerifyPage {
            l,
            nav,
            csrf,
            codes: shown,
            rows,
            valid,
            error: None,
        },
        StatusCode::OK,
    )
}

#[cfg(test)]
mod tests {
    use super::codes_from;

    #[test]
    fn codes_come_from_lines_csv_first_columns_and_urls() {
        let text = "id,product\n\"ABCDEF\",x\nhttps://origine.example/c/ghijkl\nabcdef\n  \n<script>\nmnopqr;y\n";
        assert_eq!(codes_from(text), ["abcdef", "ghijkl", "mnopqr"]);
    }
}
