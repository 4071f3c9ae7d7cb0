//! What the certification authority does, one function per operation, used alike by the
//! JSON API, the admin pages and the command line: each checks that the actor may do it,
//! makes the change, and records it in the trail the CNEL auditor reads.

use std::fmt;

use crate::domain::institute::{Institute, InstituteRequest};
use crate::domain::producer::{Producer, ProducerRequest};
use crate::domain::status::{StatusChange, StatusRequest, Subject};
use crate::domain::validation::Checker;
use crate::domain::{Role, ValidationErrors};
use crate::store::{LogEntry, Store, StoreError, TokenRecord, UserRecord};

use super::accounts::{self, AccountError, UserRequest};
use super::issuer::{IssueError, Issuer};
use super::register::{self, RegisterError};
use super::{tokens, trail};

/// Who makes a change, and as whom the trail names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    name: String,
    role: Role,
}

impl Actor {
    /// Someone at the server's command line: the operator, with admin rights.
    pub fn cli() -> Self {
        Self {
            name: "cli".to_owned(),
            role: Role::Admin,
        }
    }

    /// A client of the API, by its token's id.
    pub fn token(id: &str, role: Role) -> Self {
        Self {
            name: format!("token:{id}"),
            role,
        }
    }

    /// A signed-in user of the pages, by email.
    pub fn user(email: &str, role: Role) -> Self {
        Self {
            name: format!("user:{email}"),
            role,
        }
    }

    /// The actor's role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Lets only admins through.
    ///
    /// # Errors
    /// [`AdminError::Forbidden`] for any other role.
    pub fn require_admin(&self) -> Result<(), AdminError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(AdminError::Forbidden(self.role))
        }
    }
}

impl fmt::Display for Actor {
    /// `user:EMAIL`, `token:ID` or `cli`, as the trail names the actor.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Why an admin operation did not happen. Nothing was written in any case.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The actor's role may not make this change.
    #[error("this needs the admin role; yours is {0}")]
    Forbidden(Role),
    /// The thing to change does not exist; the string says which.
    #[error("{0}")]
    NotFound(String),
    /// The change is not allowed in the register's current state.
    #[error("{0}")]
    NotAllowed(String),
    /// Fields that fail the rules, each named.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Creating a web account failed.
    #[error(transparent)]
    Account(#[from] AccountError),
    /// The status entry was not appended to the log.
    #[error(transparent)]
    Issue(#[from] IssueError),
    /// Storage failed, or a unique value is taken ([`StoreError::Conflict`]).
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<RegisterError> for AdminError {
    fn from(e: RegisterError) -> Self {
        match e {
            RegisterError::Invalid(v) => Self::Invalid(v),
            RegisterError::NotAllowed(why) => Self::NotAllowed(why),
            RegisterError::Issue(e) => Self::Issue(e),
            RegisterError::Store(e) => Self::Store(e),
        }
    }
}

/// Registers an institute producers can work in.
///
/// # Errors
/// Not an admin, invalid fields, a code already taken ([`StoreError::Conflict`]).
pub async fn create_institute(
    store: &Store,
    actor: &Actor,
    request: InstituteRequest,
) -> Result<Institute, AdminError> {
    actor.require_admin()?;
    let institute = Institute::parse(request)?;
    store.insert_institute(&institute).await?;
    trail::record(
        store,
        &actor.to_string(),
        "create_institute",
        &institute.code,
        &institute.name,
    )
    .await;
    Ok(institute)
}

/// Accredits a producer in the institutes it names.
///
/// # Errors
/// Not an admin, invalid fields or institutes, a VAT number already registered.
pub async fn accredit_producer(
    store: &Store,
    actor: &Actor,
    request: ProducerRequest,
) -> Result<Producer, AdminError> {
    actor.require_admin()?;
    let producer = register::accredit_producer(store, request).await?;
    trail::record(
        store,
        &actor.to_string(),
        "accredit_producer",
        &producer.id,
        &producer.name,
    )
    .await;
    Ok(producer)
}

/// Creates an API token with `role` (for a producer's token, `producer` names it) and
/// returns the secret, to be shown once, with its record.
///
/// # Errors
/// Not an admin, a label over 100 characters, a producer token without an existing
/// producer, or a producer given for another role.
pub async fn create_token(
    store: &Store,
    actor: &Actor,
    role: Role,
    producer: Option<&str>,
    label: Option<&str>,
) -> Result<(String, TokenRecord), AdminError> {
    actor.require_admin()?;
    let mut c = Checker::default();
    let label = label.map(|l| c.text("label", l, 0, 100, false));
    c.finish(())?;
    match (role, producer) {
        (Role::Producer, Some(id)) => {
            if store.producer(id).await?.is_none() {
                return Err(AdminError::NotFound(format!("no producer with id {id:?}")));
            }
        }
        (Role::Producer, None) => {
            return Err(
                ValidationErrors::one("producer", "a producer token needs its producer").into(),
            );
        }
        (Role::Buyer, _) => {
            return Err(ValidationErrors::one(
                "buyer",
                "a buyer token belongs to a buyer account: use create_buyer_token",
            )
            .into());
        }
        (_, Some(_)) => {
            return Err(ValidationErrors::one(
                "producer",
                "only producer tokens belong to a producer",
            )
            .into());
        }
        (_, None) => {}
    }
    let label = label.filter(|l| !l.is_empty());
    let (token, record) = tokens::create(store, role, producer, label.as_deref()).await?;
    trail::record(
        store,
        &actor.to_string(),
        "create_token",
        producer.unwrap_or(&record.id),
        &format!("{role} token {}", record.id),
    )
    .await;
    Ok((token, record))
}

/// Creates an API token for the buyer account `buyer` (its id or email) and returns the
/// secret, to be shown once, with its record.
///
/// # Errors
/// Not an admin, a label over 100 characters, no buyer account with that id or email.
pub async fn create_buyer_token(
    store: &Store,
    actor: &Actor,
    buyer: &str,
    label: Option<&str>,
) -> Result<(String, TokenRecord), AdminError> {
    actor.require_admin()?;
    let mut c = Checker::default();
    let label = label.map(|l| c.text("label", l, 0, 100, false));
    c.finish(())?;
    let key = buyer.trim().to_lowercase();
    let Some(account) = store.buyer_account(&key).await? else {
        return Err(AdminError::NotFound(format!(
            "no buyer account with id or email {buyer:?}"
        )));
    };
    let label = label.filter(|l| !l.is_empty());
    let (token, record) = tokens::create_for_buyer(store, &account.id, label.as_deref()).await?;
    trail::record(
        store,
        &actor.to_string(),
        "create_token",
        &account.email,
        &format!("buyer token {}", record.id),
    )
    .await;
    Ok((token, record))
}

/// Creates a web account.
///
/// # Errors
/// Not an admin, invalid fields (each named), an email already taken.
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    request: &UserRequest,
) -> Result<UserRecord, AdminError> {
    actor.require_admin()?;
    let user = accounts::create_user(store, request).await?;
    trail::record(
        store,
        &actor.to_string(),
        "create_user",
        &user.email,
        user.role.as_str(),
    )
    .await;
    Ok(user)
}

/// Suspends, revokes or reinstates a certificate or a producer: a signed log entry.
/// Returns the change as validated and the entry that records it.
///
/// # Errors
/// Not an admin, an unknown subject, an invalid status or reason, a failed append.
pub async fn change_status(
    store: &Store,
    issuer: &Issuer,
    actor: &Actor,
    subject: Subject,
    id: &str,
    request: StatusRequest,
) -> Result<(StatusChange, LogEntry), AdminError> {
    actor.require_admin()?;
    let exists = match subject {
        Subject::Producer => store.producer(id).await?.is_some(),
        Subject::Certificate => store.certificate_entry(id).await?.is_some(),
    };
    if !exists {
        return Err(AdminError::NotFound(match subject {
            Subject::Producer => format!("no producer with id {id:?}"),
            Subject::Certificate => format!("no certificate with id {id:?}"),
        }));
    }
    let change = StatusChange::parse(subject, id, request)?;
    let detail = format!("{}: {}", change.status, change.reason);
    let logged = issuer.change_status(change.clone()).await?;
    // The trail names the action after the kind of log entry it wrote.
    let action = subject.entry_kind();
    trail::record(store, &actor.to_string(), action.as_str(), id, &detail).await;
    Ok((change, logged))
}
