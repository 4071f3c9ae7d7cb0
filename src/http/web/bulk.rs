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
use crate::service::delivery::{self, Found, Reason, Table};
use crate::service::report::report;

/// Most codes checked in one go (as the bulk API).
const MAX_CODES: usize = 1000;
/// Largest upload accepted.
const MAX_UPLOAD: usize = 256 * 1024;

/// One line the retailer gave, and what came of it.
struct Row {
    /// The line's cells, as given (kept in the CSV download).
    cells: Vec<String>,
    /// The cell read as the code.
    given: String,
    /// The certificate found, with its report's status (`None`: no such certificate).
    id: Option<String>,
    status: Option<ReportStatus>,
    /// Why the code was not understood, when it was not.
    reason: Option<Reason>,
    product: String,
    producer: String,
}

impl Row {
    /// The outcome as software reads it in the CSV: the report's status, `not_found` or
    /// `not_understood`.
    fn word(&self) -> &'static str {
        match (self.reason, self.status) {
            (Some(_), _) => "not_understood",
            (None, Some(s)) => s.as_str(),
            (None, None) => "not_found",
        }
    }

    /// The outcome in the page's language.
    fn outcome(&self, l: Lang) -> &'static str {
        match (self.reason, self.status) {
            (Some(Reason::Empty), _) => l.s("cella vuota", "empty cell"),
            (Some(Reason::Unknown), _) => l.s("non riconosciuto", "not recognised"),
            (Some(Reason::UnknownLink), _) => l.s(
                "etichetta GS1 di un lotto non certificato",
                "GS1 label of a lot that is not certified",
            ),
            (Some(Reason::AmbiguousLot), _) => l.s(
                "codice lotto usato da più produttori: usa il link dell'etichetta",
                "lot code used by several producers: use the label's link",
            ),
            (None, None) => l.s("certificato inesistente", "no such certificate"),
            (None, Some(ReportStatus::Valid)) => l.s("valido", "valid"),
            (None, Some(ReportStatus::Suspended)) => l.s("sospeso", "suspended"),
            (None, Some(ReportStatus::Revoked)) => l.s("revocato", "revoked"),
            (None, Some(ReportStatus::Suspicious)) => l.s(
                "etichetta sospetta (forse copiata)",
                "suspicious label (perhaps copied)",
            ),
            (None, Some(ReportStatus::Invalid)) => l.s("non valido", "invalid"),
        }
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
    not_understood: usize,
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
            not_understood: 0,
            error: None,
        },
        StatusCode::OK,
    )?;
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Checks the submitted codes: every line is answered, in order, as a table or a CSV with
/// the retailer's own columns first.
pub async fn submit(
    State(app): State<AppState>,
    l: Lang,
    viewer: Viewer,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let mut parts = Vec::new();
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
            "codes" | "file" => parts.push(delivery::decode(&bytes)),
            "csv" => as_csv = true,
            "csrf" => csrf = Some(String::from_utf8_lossy(&bytes).into_owned()),
            _ => {}
        }
    }
    viewer.check_csrf(csrf.as_deref())?;
    let (csrf, _) = viewer.form_token(&app);
    let nav = Nav::from(&viewer);
    let shown = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        .chars()
        .take(20_000)
        .collect::<String>();
    let tables: Vec<Table> = parts.iter().map(|p| Table::read(p)).collect();
    let count: usize = tables.iter().map(|t| t.rows.len()).sum();
    if count == 0 || count > MAX_CODES {
        let error = match l {
            Lang::It => format!("Servono da 1 a {MAX_CODES} righe con un codice."),
            Lang::En => format!("Give 1 to {MAX_CODES} lines with a code."),
        };
        return page(
            &VerifyPage {
                l,
                nav,
                csrf,
                codes: shown,
                rows: Vec::new(),
                valid: 0,
                not_understood: 0,
                error: Some(error),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let keys = app.keys.current();
    let mut rows = Vec::with_capacity(count);
    for table in &tables {
        for cells in &table.rows {
            let given = cells.get(table.column).cloned().unwrap_or_default();
            let mut row = Row {
                cells: cells.clone(),
                given: given.clone(),
                id: None,
                status: None,
                reason: None,
                product: String::new(),
                producer: String::new(),
            };
            match delivery::find(&app.store, &given).await? {
                Found::NotUnderstood(reason) => row.reason = Some(reason),
                Found::Missing => {}
                Found::Certificate(id) => {
                    if let Some(r) = report(&app.store, &keys, &id, None).await? {
                        row.status = Some(r.status);
                        row.product = r.certificate["product"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned();
                        row.producer = r.certificate["producer"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned();
                    }
                    row.id = Some(id);
                }
            }
            rows.push(row);
        }
    }
    let valid = rows
        .iter()
        .filter(|r| r.status == Some(ReportStatus::Valid))
        .count();
    let not_understood = rows.iter().filter(|r| r.reason.is_some()).count();
    let none_understood = not_understood == rows.len();
    if as_csv && !none_understood {
        return Ok(csv_download(&tables, &rows, l));
    }
    // Nothing understood: the page says so, line by line, and the answer is a 422.
    let error = none_understood.then(|| {
        l.s(
            "Nessuna riga contiene un codice che Origine riconosce.",
            "No line holds a code Origine recognises.",
        )
        .to_owned()
    });
    page(
        &VerifyPage {
            l,
            nav,
            csrf,
            codes: shown,
            rows,
            valid,
            not_understood,
            error,
        },
        if none_understood {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
    )
}

/// The result as CSV, in the separator of the retailer's own file: its header and columns
/// first, then Origine's.
fn csv_download(tables: &[Table], rows: &[Row], l: Lang) -> Response {
    let sep = tables.iter().find_map(|t| t.separator).unwrap_or(',');
    let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(1);
    let mut header: Vec<String> = tables
        .iter()
        .find_map(|t| t.header.clone())
        .unwrap_or_else(|| vec![l.s("codice", "code").to_owned()]);
    header.resize(width, String::new());
    header.extend(
        [
            "origine_id",
            "origine_status",
            l.s("esito", "outcome"),
            "product",
            "producer",
        ]
        .map(str::to_owned),
    );
    let mut out = csv::row_with(
        sep,
        &header.iter().map(|h| csv::field(h)).collect::<Vec<_>>(),
    );
    for r in rows {
        let mut cells: Vec<String> = r.cells.iter().map(|c| csv::field(c)).collect();
        cells.resize(width, String::new());
        cells.extend([
            csv::field(r.id.as_deref().unwrap_or_default()),
            csv::field(r.word()),
            csv::field(r.outcome(l)),
            csv::field(&r.product),
            csv::field(&r.producer),
        ]);
        out.push_str(&csv::row_with(sep, &cells));
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"origine-verifica.csv\"",
            ),
        ],
        // A byte-order mark, so Excel reads the file as UTF-8.
        format!("\u{FEFF}{out}"),
    )
        .into_response()
}
