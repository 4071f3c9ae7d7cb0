//! The producer's workspace: its lots and certificates, the lot form (the same rules as
//! `POST /api/v1/lots`, errors next to the fields, values kept), label downloads and scan
//! statistics. A producer sees only its own lots; another's answer 404, as if absent.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::forms::{self, Field, Kind};
use super::lang::Lang;
use super::render::render;
use super::render::{Nav, PageError};
use super::session::{CsrfForm, SignedIn};
use super::words::{category_name, employment_name, status_name, unit_name};
use crate::domain::FieldError;
use crate::domain::lot::{
    CATEGORIES, ClaimsRequest, EMPLOYMENT, LotRequest, ProductRequest, UNITS, ValidLot,
};
use crate::domain::producer::Producer;
use crate::domain::{ReportStatus, Role};
use crate::http::error::AppError;
use crate::http::extract::ApiPath;
use crate::http::state::AppState;
use crate::labels::Layout;
use crate::service::issuer::IssueError;
use crate::service::register::{RegisterError, register_lot};
use crate::store::{LotRecord, Rejection, SerialScans};

/// The signed-in producer and its record.
async fn me(app: &AppState, l: Lang, user: &SignedIn) -> Result<Producer, PageError> {
    user.require(l, &[Role::Producer])?;
    let id = user.user().producer_id.clone().unwrap_or_default();
    app.store
        .producer(&id)
        .await?
        .ok_or_else(|| PageError::NotFound(l, user.nav()))
}

struct LotRow {
    lot: LotRecord,
    quantity: String,
}

#[derive(Template)]
#[template(path = "workspace.html")]
struct WorkspacePage {
    l: Lang,
    nav: Nav,
    producer: Producer,
    status: &'static str,
    lots: Vec<LotRow>,
}

/// `GET /workspace`: the producer's lots.
pub async fn home(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    let producer = me(&app, l, &user).await?;
    let lots = app
        .store
        .lots(Some(&producer.id))
        .await?
        .into_iter()
        .map(|lot| LotRow {
            quantity: format!("{} {}", lot.quantity, unit_name(l, &lot.unit)),
            lot,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &WorkspacePage {
            l,
            nav: user.nav(),
            status: status_name(l, producer.status.as_str()),
            producer,
            lots,
        },
    ))
}

#[derive(Template)]
#[template(path = "lot_form.html")]
struct LotFormPage {
    l: Lang,
    nav: Nav,
    csrf: String,
    errors: Vec<String>,
    groups: Vec<(&'static str, Vec<Field>)>,
    accredited: bool,
}

/// The lot form's fields, grouped, with the values a producer typed.
fn lot_fields(
    l: Lang,
    producer: &Producer,
    institutes: &[(String, String)],
    form: Option<&CsrfForm>,
) -> Vec<(&'static str, Vec<Field>)> {
    let value = |name: &str| form.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let options = |values: &[&str], name: fn(Lang, &str) -> &'static str| {
        values
            .iter()
            .map(|v| ((*v).to_owned(), name(l, v).to_owned()))
            .collect::<Vec<_>>()
    };
    let institute_default = if producer.institutes.len() == 1 {
        producer.institutes[0].clone()
    } else {
        String::new()
    };
    let mut groups = vec![
        (
            l.s("Prodotto", "Product"),
            vec![
                Field::new(
                    "product.name",
                    l.s("Nome del prodotto", "Product name"),
                    Kind::Text,
                )
                .hint(l.s(
                    "Come compare in etichetta, per esempio «Biscotti al farro».",
                    "As printed on the label, e.g. “Spelt biscuits”.",
                )),
                Field::new(
                    "product.category",
                    l.s("Categoria", "Category"),
                    Kind::Select(options(CATEGORIES, category_name)),
                ),
                Field::new("product.gtin", "GTIN / EAN", Kind::Text)
                    .hint(l.s(
                        "Il codice a barre del prodotto, se ne ha uno (8, 12, 13 o 14 cifre).",
                        "The product's barcode number, if it has one (8, 12, 13 or 14 digits).",
                    ))
                    .optional(),
            ],
        ),
        (
            l.s("Lotto", "Lot"),
            vec![
                Field::new(
                    "institute",
                    l.s("Istituto dove è stato prodotto", "Prison where it was made"),
                    Kind::Select(institutes.to_vec()),
                )
                .value(institute_default),
                Field::new("lot_code", l.s("Codice del lotto", "Lot code"), Kind::Text).hint(l.s(
                    "Il vostro codice, diverso per ogni lotto.",
                    "Your own code, different for every lot.",
                )),
                Field::new("quantity", l.s("Quantità", "Quantity"), Kind::Number),
                Field::new(
                    "unit",
                    l.s("Unità", "Unit"),
                    Kind::Select(options(UNITS, unit_name)),
                )
                .value("pcs"),
                Field::new(
                    "produced_from",
                    l.s("Prodotto dal", "Made from"),
                    Kind::Date,
                ),
                Field::new(
                    "produced_to",
                    l.s("Prodotto fino al", "Made until"),
                    Kind::Date,
                ),
                Field::new(
                    "serialised",
                    l.s(
                        "Un'etichetta numerata per ogni pezzo (rileva le copie)",
                        "A numbered label for each unit (detects copies)",
                    ),
                    Kind::Checkbox,
                )
                .optional(),
            ],
        ),
        (
            l.s(
                "Impatto sociale (solo numeri complessivi, mai dati personali)",
                "Social impact (totals only, never personal data)",
            ),
            vec![
                Field::new(
                    "claims.detained_workers",
                    l.s(
                        "Persone detenute che ci hanno lavorato",
                        "Detained people who worked on it",
                    ),
                    Kind::Number,
                ),
                Field::new(
                    "claims.total_workers",
                    l.s("Lavoratori in tutto", "Workers in all"),
                    Kind::Number,
                ),
                Field::new(
                    "claims.work_hours",
                    l.s("Ore di lavoro", "Work hours"),
                    Kind::Number,
                ),
                Field::new(
                    "claims.training_hours",
                    l.s("Ore di formazione", "Training hours"),
                    Kind::Number,
                )
                .value("0"),
                Field::new(
                    "claims.employment",
                    l.s("Contratto", "Contract"),
                    Kind::Select(options(EMPLOYMENT, employment_name)),
                ),
                Field::new(
                    "claims.statement",
                    l.s("Dichiarazione", "Statement"),
                    Kind::Textarea,
                )
                .hint(l.s(
                    "Una frase sul progetto, senza nomi di persone.",
                    "A sentence about the project, without anyone's name.",
                ))
                .optional(),
            ],
        ),
    ];
    if form.is_some() {
        for (_, fields) in &mut groups {
            for f in fields {
                f.value = value(f.name);
            }
        }
    }
    groups
}

async fn institute_options(
    app: &AppState,
    producer: &Producer,
) -> Result<Vec<(String, String)>, AppError> {
    let mut options = Vec::new();
    for code in &producer.institutes {
        if let Some(i) = app.store.institute(code).await? {
            options.push((i.code, format!("{} — {} ({})", i.name, i.city, i.region)));
        }
    }
    Ok(options)
}

/// `GET /workspace/lots/new`.
pub async fn new_lot(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    let producer = me(&app, l, &user).await?;
    let institutes = institute_options(&app, &producer).await?;
    Ok(render(
        StatusCode::OK,
        &LotFormPage {
            l,
            nav: user.nav(),
            csrf: user.0.csrf.clone(),
            errors: Vec::new(),
            groups: lot_fields(l, &producer, &institutes, None),
            accredited: producer.is_accredited(),
        },
    ))
}

/// The form's text as the API's request; numbers that are not numbers are named.
fn lot_request(form: &CsrfForm, errors: &mut Vec<FieldError>) -> LotRequest {
    let text = |name: &str| form.get(name).to_owned();
    let optional = |name: &str| Some(form.get(name).trim().to_owned()).filter(|v| !v.is_empty());
    let number =
        |name: &str, errors: &mut Vec<FieldError>| forms::number(form.get(name), name, errors);
    let quantity = number("quantity", errors);
    let detained = number("claims.detained_workers", errors);
    let total = number("claims.total_workers", errors);
    let work_hours = number("claims.work_hours", errors);
    let training_hours = if form.get("claims.training_hours").trim().is_empty() {
        0
    } else {
        number("claims.training_hours", errors)
    };
    let small = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    LotRequest {
        institute: text("institute"),
        product: ProductRequest {
            name: text("product.name"),
            category: text("product.category"),
            gtin: optional("product.gtin"),
        },
        lot_code: text("lot_code"),
        quantity,
        unit: text("unit"),
        produced_from: text("produced_from"),
        produced_to: text("produced_to"),
        serialised: matches!(form.get("serialised"), "1" | "on" | "true"),
        claims: ClaimsRequest {
            detained_workers: small(detained),
            total_workers: small(total),
            work_hours,
            training_hours,
            employment: text("claims.employment"),
            statement: optional("claims.statement"),
            evidence: Vec::new(),
        },
    }
}

/// `POST /workspace/lots`: registers and certifies the lot, then shows it.
pub async fn create_lot(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let producer = me(&app, l, &user).await?;
    let mut errors = Vec::new();
    let request = lot_request(&form, &mut errors);
    let mut general = Vec::new();
    let outcome = match ValidLot::parse(request, crate::time_fmt::latest_production_date()) {
        Ok(lot) if errors.is_empty() => {
            Some(register_lot(&app.store, &app.issuer, &producer.id, lot).await)
        }
        Ok(_) => None,
        Err(invalid) => {
            errors.extend(invalid.0);
            None
        }
    };
    match outcome {
        Some(Ok((record, _))) => {
            return Ok(Redirect::to(&format!("/workspace/lots/{}", record.id)).into_response());
        }
        Some(Err(RegisterError::Invalid(v))) => errors.extend(v.0),
        Some(Err(RegisterError::NotAllowed(why))) => general.push(why),
        Some(Err(RegisterError::Issue(IssueError::Rejected(Rejection::DuplicateLotCode)))) => {
            errors.push(FieldError {
                field: "lot_code".into(),
                message: "this producer has already registered a lot with this lot_code".into(),
            });
        }
        Some(Err(RegisterError::Issue(IssueError::Rejected(
            rejection @ Rejection::GtinOfAnotherProducer,
        )))) => errors.push(FieldError {
            field: "product.gtin".into(),
            message: rejection.to_string(),
        }),
        Some(Err(RegisterError::Issue(IssueError::Rejected(
            rejection @ Rejection::ProducerNotAccredited(_),
        )))) => general.push(rejection.to_string()),
        Some(Err(e)) => return Err(AppError::from(e).into()),
        None => {}
    }
    let institutes = institute_options(&app, &producer).await?;
    let mut groups = lot_fields(l, &producer, &institutes, Some(&form));
    let mut unplaced = errors.clone();
    for (_, fields) in &mut groups {
        let placed: Vec<String> = fields.iter().map(|f| f.name.to_owned()).collect();
        forms::attach(fields, &errors, l);
        unplaced.retain(|e| !placed.contains(&e.field));
    }
    general.extend(
        unplaced
            .iter()
            .map(|e| format!("{}: {}", e.field, forms::message(l, &e.message))),
    );
    Ok(render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &LotFormPage {
            l,
            nav: user.nav(),
            csrf: user.0.csrf.clone(),
            errors: general,
            groups,
            accredited: producer.is_accredited(),
        },
    ))
}

struct LayoutLink {
    name: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "lot.html")]
struct LotPage {
    l: Lang,
    nav: Nav,
    lot: LotRecord,
    category: &'static str,
    unit: &'static str,
    status: &'static str,
    status_class: ReportStatus,
    layouts: Vec<LayoutLink>,
    scans: Vec<SerialScans>,
    total_scans: u64,
    invalid_scans: u64,
}

/// `GET /workspace/lots/{id}`: the lot, its certificate, labels and scans.
pub async fn lot(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, PageError> {
    let producer = me(&app, l, &user).await?;
    let lot = match app.store.lot(&id).await? {
        Some(lot) if lot.producer_id == producer.id => lot,
        _ => return Err(PageError::NotFound(l, user.nav())),
    };
    let report =
        crate::service::report::report(&app.store, &app.keys.current(), &lot.certificate_id, None)
            .await?;
    let status = report.map_or(ReportStatus::Invalid, |r| r.status);
    let scans = app.store.lot_scans(&lot.certificate_id).await?;
    let layouts = Layout::ALL
        .into_iter()
        .map(|layout| LayoutLink {
            name: layout.name(),
            label: match layout.name() {
                "3x8" => l.s(
                    "A4, 24 etichette (3×8, 70×37 mm)",
                    "A4, 24 labels (3×8, 70×37 mm)",
                ),
                "4x10" => l.s(
                    "A4, 40 etichette (4×10, 52,5×29,7 mm)",
                    "A4, 40 labels (4×10, 52.5×29.7 mm)",
                ),
                "2x7" => l.s(
                    "A4, 14 etichette (2×7, 99,1×38,1 mm)",
                    "A4, 14 labels (2×7, 99.1×38.1 mm)",
                ),
                _ => l.s("Rotolo 62×40 mm", "Roll 62×40 mm"),
            },
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &LotPage {
            l,
            nav: user.nav(),
            category: category_name(l, &lot.product_category),
            unit: unit_name(l, &lot.unit),
            status: status_name(l, status.as_str()),
            status_class: status,
            layouts,
            total_scans: scans.iter().map(|s| s.scans).sum(),
            invalid_scans: scans.iter().map(|s| s.invalid).sum(),
            scans: scans.into_iter().take(100).collect(),
            lot,
        },
    ))
}
