//! The certification authority's pages: institutes, producers (accredit, suspend, revoke
//! with a reason, API tokens), user accounts and certificate status. Every change goes
//! through the same service code as the API and lands in the admin action trail.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::forms::{self, Field, Kind};
use super::lang::Lang;
use super::render::render;
use super::render::{Nav, PageError};
use super::session::{CsrfForm, SignedIn};
use crate::domain::FieldError;
use crate::domain::Role;
use crate::domain::institute::{Institute, InstituteRequest, KINDS, REGIONS};
use crate::domain::producer::{LEGAL_FORMS, Producer, ProducerRequest};
use crate::domain::status::{StatusRequest, Subject};
use crate::domain::{CertificateStatus, ProducerStatus};
use crate::http::error::AppError;
use crate::http::state::AppState;
use crate::service::accounts::{self, AccountError, UserRequest};
use crate::service::admin::{self, Actor, AdminError};
use crate::service::issuer::IssueError;
use crate::store::{AdminAction, Rejection, StoreError, UserRecord};

/// A secret shown once (a token or a first password).
struct Secret {
    what: String,
    value: String,
}

struct Form {
    fields: Vec<Field>,
    errors: Vec<String>,
}

impl Form {
    fn new(fields: Vec<Field>) -> Self {
        Self {
            fields,
            errors: Vec::new(),
        }
    }

    fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.fields.iter().any(|f| f.error.is_some())
    }
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    l: Lang,
    nav: Nav,
    csrf: String,
    notice: Option<String>,
    secret: Option<Secret>,
    institutes: Vec<Institute>,
    producers: Vec<Producer>,
    users: Vec<UserRecord>,
    actions: Vec<AdminAction>,
    institute_form: Form,
    producer_form: Form,
    producer_status_form: Form,
    token_form: Form,
    user_form: Form,
    certificate_form: Form,
}

fn kind_name(l: Lang, k: &str) -> &'static str {
    match k {
        "casa_circondariale" => l.s("Casa circondariale", "Remand prison"),
        "casa_di_reclusione" => l.s("Casa di reclusione", "Prison"),
        "istituto_penale_minorenni" => l.s("Istituto penale per i minorenni", "Youth prison"),
        "casa_lavoro" => l.s("Casa lavoro", "Work house"),
        "colonia_agricola" => l.s("Colonia agricola", "Agricultural colony"),
        _ => l.s("Altro", "Other"),
    }
}

fn pairs(values: &[&str], name: impl Fn(&str) -> String) -> Vec<(String, String)> {
    values.iter().map(|v| ((*v).to_owned(), name(v))).collect()
}

/// The empty forms, with the register's current institutes and producers as options.
fn empty_forms(l: Lang, institutes: &[Institute], producers: &[Producer]) -> [Form; 6] {
    let institute_options: Vec<(String, String)> = institutes
        .iter()
        .map(|i| (i.code.clone(), format!("{} ({})", i.name, i.region)))
        .collect();
    let producer_options: Vec<(String, String)> = producers
        .iter()
        .map(|p| (p.id.clone(), format!("{} — {}", p.name, p.vat_number)))
        .collect();
    let status_name = |s: &str| super::words::status_name(l, s).to_owned();
    [
        Form::new(vec![
            Field::new("code", l.s("Codice", "Code"), Kind::Text)
                .scope("i-")
                .hint(l.s(
                    "Minuscole e trattini, per esempio cr-milano-opera.",
                    "Lower case and hyphens, e.g. cr-milano-opera.",
                )),
            Field::new("name", l.s("Nome", "Name"), Kind::Text).scope("i-"),
            Field::new(
                "kind",
                l.s("Tipo", "Kind"),
                Kind::Select(pairs(KINDS, |k| kind_name(l, k).to_owned())),
            )
            .scope("i-"),
            Field::new("city", l.s("Comune", "Town"), Kind::Text).scope("i-"),
            Field::new(
                "region",
                l.s("Regione", "Region"),
                Kind::Select(pairs(REGIONS, str::to_owned)),
            )
            .scope("i-"),
        ]),
        Form::new(vec![
            Field::new("name", l.s("Ragione sociale", "Name"), Kind::Text).scope("p-"),
            Field::new(
                "legal_form",
                l.s("Forma giuridica", "Legal form"),
                Kind::Select(pairs(LEGAL_FORMS, |f| f.replace('_', " "))),
            )
            .scope("p-"),
            Field::new("vat_number", l.s("Partita IVA", "VAT number"), Kind::Text).scope("p-"),
            Field::new(
                "institutes",
                l.s("Istituti dove lavora", "Prisons it works in"),
                Kind::Checkboxes(institute_options),
            )
            .scope("p-"),
            Field::new("website", l.s("Sito web", "Website"), Kind::Text)
                .scope("p-")
                .optional(),
        ]),
        Form::new(vec![
            Field::new(
                "producer",
                l.s("Produttore", "Producer"),
                Kind::Select(producer_options.clone()),
            )
            .scope("ps-"),
            Field::new(
                "status",
                l.s("Nuovo stato", "New status"),
                Kind::Select(pairs(ProducerStatus::NAMES, status_name)),
            )
            .scope("ps-"),
            Field::new(
                "reason",
                l.s("Motivo (pubblico)", "Reason (public)"),
                Kind::Text,
            )
            .scope("ps-"),
        ]),
        Form::new(vec![
            Field::new(
                "producer",
                l.s("Produttore", "Producer"),
                Kind::Select(producer_options.clone()),
            )
            .scope("t-"),
            Field::new(
                "buyer",
                l.s("Account acquirente", "Buyer account"),
                Kind::Text,
            )
            .scope("t-")
            .optional()
            .hint(l.s(
                "Per un token acquirente: l'e-mail dell'account (il produttore è ignorato).",
                "For a buyer token: the account's e-mail (the producer is then ignored).",
            )),
            Field::new("label", l.s("Descrizione", "Label"), Kind::Text)
                .scope("t-")
                .optional()
                .hint(l.s(
                    "Per esempio «gestionale magazzino».",
                    "E.g. “warehouse system”.",
                )),
        ]),
        Form::new(vec![
            Field::new("email", "Email", Kind::Email).scope("u-"),
            Field::new(
                "role",
                l.s("Ruolo", "Role"),
                Kind::Select(pairs(Role::NAMES, str::to_owned)),
            )
            .scope("u-"),
            Field::new(
                "producer_id",
                l.s(
                    "Produttore (solo per il ruolo producer)",
                    "Producer (producer role only)",
                ),
                Kind::Select(producer_options),
            )
            .scope("u-")
            .optional(),
        ]),
        Form::new(vec![
            Field::new(
                "certificate",
                l.s("Codice del certificato", "Certificate code"),
                Kind::Text,
            )
            .scope("c-"),
            Field::new(
                "status",
                l.s("Nuovo stato", "New status"),
                Kind::Select(pairs(CertificateStatus::NAMES, status_name)),
            )
            .scope("c-"),
            Field::new(
                "reason",
                l.s("Motivo (pubblico)", "Reason (public)"),
                Kind::Text,
            )
            .scope("c-"),
        ]),
    ]
}

/// Which form a request filled in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Institute,
    Producer,
    ProducerStatus,
    Token,
    User,
    Certificate,
}

/// What a POST did: a notice, a secret to show once, or errors for its form.
#[derive(Default)]
struct Outcome {
    notice: Option<String>,
    secret: Option<Secret>,
    errors: Vec<FieldError>,
    general: Vec<String>,
}

async fn page(
    app: &AppState,
    l: Lang,
    user: &SignedIn,
    filled: Option<(Which, &CsrfForm, Outcome)>,
) -> Result<Response, PageError> {
    let institutes = app.store.institutes().await?;
    let producers = app.store.producers().await?;
    let [
        mut institute_form,
        mut producer_form,
        mut producer_status_form,
        mut token_form,
        mut user_form,
        mut certificate_form,
    ] = empty_forms(l, &institutes, &producers);
    let mut status = StatusCode::OK;
    let (mut notice, mut secret) = (None, None);
    if let Some((which, form, outcome)) = filled {
        let target = match which {
            Which::Institute => &mut institute_form,
            Which::Producer => &mut producer_form,
            Which::ProducerStatus => &mut producer_status_form,
            Which::Token => &mut token_form,
            Which::User => &mut user_form,
            Which::Certificate => &mut certificate_form,
        };
        if !outcome.errors.is_empty() || !outcome.general.is_empty() {
            status = StatusCode::UNPROCESSABLE_ENTITY;
            for f in &mut target.fields {
                f.value = if f.is_checkboxes() {
                    form.all(f.name).join("\n")
                } else {
                    form.get(f.name).to_owned()
                };
            }
            target.errors = forms::attach(&mut target.fields, &outcome.errors, l);
            target.errors.extend(outcome.general);
        }
        notice = outcome.notice;
        secret = outcome.secret;
    }
    // A secret is shown once: no cache (browser, proxy, back button) may keep a copy.
    let no_store = secret.is_some();
    let mut response = render(
        status,
        &AdminPage {
            l,
            nav: user.nav(),
            csrf: user.0.csrf.clone(),
            notice,
            secret,
            users: app.store.users().await?,
            actions: app.store.admin_actions(50).await?,
            institutes,
            producers,
            institute_form,
            producer_form,
            producer_status_form,
            token_form,
            user_form,
            certificate_form,
        },
    );
    if no_store {
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}

/// The signed-in admin, as the trail names them.
fn actor(user: &SignedIn) -> Actor {
    Actor::user(&user.user().email, Role::Admin)
}

/// The errors of a change that did not happen, for its form; anything else fails the page.
fn refused(e: AdminError) -> Result<Outcome, PageError> {
    match e {
        AdminError::Invalid(v) | AdminError::Account(AccountError::Invalid(v)) => Ok(invalid(v.0)),
        AdminError::Store(StoreError::Conflict(field))
        | AdminError::Account(AccountError::Store(StoreError::Conflict(field))) => {
            Ok(invalid(vec![FieldError {
                field: field.into(),
                message: "already exists".into(),
            }]))
        }
        AdminError::Issue(IssueError::Rejected(rejection @ Rejection::Revoked)) => {
            Ok(invalid(vec![FieldError {
                field: "status".into(),
                message: rejection.to_string(),
            }]))
        }
        e => Err(AppError::from(e).into()),
    }
}

/// `GET /admin`.
pub async fn home(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    page(&app, l, &user, None).await
}

fn invalid(errors: Vec<FieldError>) -> Outcome {
    Outcome {
        errors,
        ..Outcome::default()
    }
}

fn done(notice: String) -> Outcome {
    Outcome {
        notice: Some(notice),
        ..Outcome::default()
    }
}

/// `POST /admin/institutes`.
pub async fn create_institute(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    let request = InstituteRequest {
        code: form.get("code").to_owned(),
        name: form.get("name").to_owned(),
        kind: form.get("kind").to_owned(),
        city: form.get("city").to_owned(),
        region: form.get("region").to_owned(),
    };
    let outcome = match admin::create_institute(&app.store, &actor(&user), request).await {
        Ok(institute) => done(format!(
            "{}: {}",
            l.s("Istituto aggiunto", "Institute added"),
            institute.name
        )),
        Err(e) => refused(e)?,
    };
    page(&app, l, &user, Some((Which::Institute, &form, outcome))).await
}

/// `POST /admin/producers`: accredits a producer.
pub async fn create_producer(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    let request = ProducerRequest {
        name: form.get("name").to_owned(),
        legal_form: form.get("legal_form").to_owned(),
        vat_number: form.get("vat_number").to_owned(),
        institutes: form
            .all("institutes")
            .into_iter()
            .map(str::to_owned)
            .collect(),
        website: Some(form.get("website").trim().to_owned()).filter(|w| !w.is_empty()),
    };
    let outcome = match admin::accredit_producer(&app.store, &actor(&user), request).await {
        Ok(p) => done(format!(
            "{}: {}",
            l.s("Produttore accreditato", "Producer accredited"),
            p.name
        )),
        Err(e) => refused(e)?,
    };
    page(&app, l, &user, Some((Which::Producer, &form, outcome))).await
}

/// `POST /admin/producers/status`: suspend, revoke or reinstate, as a signed log entry.
pub async fn producer_status(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    let id = form.get("producer").to_owned();
    let outcome = change_status(&app, l, &user, Subject::Producer, &id, &form).await?;
    page(
        &app,
        l,
        &user,
        Some((Which::ProducerStatus, &form, outcome)),
    )
    .await
}

/// `POST /admin/certificates/status`.
pub async fn certificate_status(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    let id = form.get("certificate").trim().to_ascii_lowercase();
    let outcome = change_status(&app, l, &user, Subject::Certificate, &id, &form).await?;
    page(&app, l, &user, Some((Which::Certificate, &form, outcome))).await
}

async fn change_status(
    app: &AppState,
    l: Lang,
    user: &SignedIn,
    subject: Subject,
    id: &str,
    form: &CsrfForm,
) -> Result<Outcome, PageError> {
    let request = StatusRequest {
        status: form.get("status").to_owned(),
        reason: form.get("reason").to_owned(),
    };
    let (change, logged) =
        match admin::change_status(&app.store, &app.issuer, &actor(user), subject, id, request)
            .await
        {
            Ok(done) => done,
            Err(AdminError::NotFound(_)) => {
                return Ok(invalid(vec![match subject {
                    Subject::Producer => FieldError {
                        field: "producer".into(),
                        message: "no producer with this id".into(),
                    },
                    Subject::Certificate => FieldError {
                        field: "certificate".into(),
                        message: "no certificate with this code".into(),
                    },
                }]));
            }
            Err(e) => return refused(e),
        };
    Ok(done(format!(
        "{id} → {}: {} ({} #{})",
        super::words::status_name(l, change.status.as_str()),
        change.reason,
        l.s("voce del registro", "log entry"),
        logged.seq
    )))
}

/// `POST /admin/tokens`: an API token for a producer, or for a buyer account, shown once.
pub async fn create_token(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    let id = form.get("producer").to_owned();
    let buyer = form.get("buyer").trim().to_owned();
    let created = if buyer.is_empty() {
        admin::create_token(
            &app.store,
            &actor(&user),
            Role::Producer,
            Some(&id),
            Some(form.get("label")),
        )
        .await
    } else {
        admin::create_buyer_token(&app.store, &actor(&user), &buyer, Some(form.get("label"))).await
    };
    let outcome = match created {
        Err(AdminError::NotFound(_)) if !buyer.is_empty() => invalid(vec![FieldError {
            field: "buyer".into(),
            message: "no buyer account with this e-mail".into(),
        }]),
        Err(AdminError::NotFound(_)) => invalid(vec![FieldError {
            field: "producer".into(),
            message: "no producer with this id".into(),
        }]),
        Err(e) => refused(e)?,
        Ok((token, _)) => Outcome {
            secret: Some(Secret {
                what: l
                    .s(
                        "Token API (copialo ora: non sarà più mostrato)",
                        "API token (copy it now: it will not be shown again)",
                    )
                    .to_owned(),
                value: token,
            }),
            ..Outcome::default()
        },
    };
    page(&app, l, &user, Some((Which::Token, &form, outcome))).await
}

/// `POST /admin/users`: an account with a generated first password, shown once.
pub async fn create_user(
    State(app): State<AppState>,
    l: Lang,
    user: SignedIn,
    form: CsrfForm,
) -> Result<Response, PageError> {
    user.require(l, &[Role::Admin])?;
    let password = accounts::generate_password();
    let request = UserRequest {
        email: form.get("email").to_owned(),
        password: password.clone(),
        role: form.get("role").to_owned(),
        producer_id: Some(form.get("producer_id").to_owned()),
    };
    let outcome = match admin::create_user(&app.store, &actor(&user), &request).await {
        Ok(created) => Outcome {
            secret: Some(Secret {
                what: format!(
                    "{} {}",
                    l.s("Password iniziale di", "First password of"),
                    created.email
                ),
                value: password,
            }),
            ..Outcome::default()
        },
        Err(e) => refused(e)?,
    };
    page(&app, l, &user, Some((Which::User, &form, outcome))).await
}
