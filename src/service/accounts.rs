//! Web accounts: argon2id passwords, sessions behind a random cookie, and the CSRF token
//! each session's forms must send back.
//!
//! Accounts belong to staff (producers, the certification authority, CNEL auditors), never
//! to detained people. The store keeps a password only as its argon2id PHC string and a
//! session only as the SHA-256 of its cookie secret.

use time::{Duration, OffsetDateTime};

use super::passwords::{HashError, HashGate};
use crate::crypto::jcs;
use crate::domain::validation::{Checker, is_bidi_control};
use crate::domain::{Role, ValidationErrors, ids};
use crate::store::{NewSession, NewUser, SessionRecord, Store, StoreError, UserRecord};
use crate::time_fmt;

/// How long a session lasts after logging in.
pub const SESSION_HOURS: i64 = 12;
/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;
/// Longest password accepted (argon2 takes any length; this bounds the work per attempt).
pub const MAX_PASSWORD: usize = 256;

/// Why an account operation failed. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Fields that fail the rules, each named.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Storage failed, or the email is taken ([`StoreError::Conflict`]).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password could not be hashed or checked.
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// A new account as an admin asks for it.
#[derive(Debug, Clone, Default)]
pub struct UserRequest {
    /// The sign-in address; lower-cased, one `@`, no spaces, at most 254 characters.
    pub email: String,
    /// 10 to 256 characters; only its argon2id hash is stored.
    pub password: String,
    /// A role's name, checked with the other fields (an unknown one is a field error).
    pub role: String,
    /// The producer a `producer` account acts for; must be absent for other roles.
    pub producer_id: Option<String>,
}

/// Lower-cases and checks an email address (one `@`, no spaces, at most 254 characters).
///
/// # Errors
/// The field `email`, named.
pub fn normalise_email(email: &str) -> Result<String, ValidationErrors> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        })
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || is_bidi_control(c));
    if valid {
        Ok(email)
    } else {
        Err(ValidationErrors::one(
            "email",
            "must be an email address such as nome@esempio.it",
        ))
    }
}

/// Checks a new password's length.
fn check_password(checker: &mut Checker, field: &str, password: &str) {
    let len = password.chars().count();
    if len < MIN_PASSWORD {
        checker.add(field, format!("must be at least {MIN_PASSWORD} characters"));
    } else if len > MAX_PASSWORD {
        checker.add(field, format!("must be at most {MAX_PASSWORD} characters"));
    }
}

/// A random password to hand to a new user: 20 base32 characters (100 bits).
pub fn generate_password() -> String {
    ids::random_id(13).chars().take(20).collect()
}

/// Hashes a password (argon2id), waiting for a free hasher.
async fn hash(password: &str) -> Result<String, AccountError> {
    Ok(HashGate::global().hash(password).await?)
}

/// True if `password` matches the PHC string `stored`, waiting for a free hasher.
async fn matches(password: &str, stored: &str) -> Result<bool, AccountError> {
    Ok(HashGate::global().matches(password, stored).await?)
}

/// Creates an account.
///
/// # Errors
/// Invalid fields (each named), an email already taken, a producer that does not exist.
pub async fn create_user(store: &Store, request: &UserRequest) -> Result<UserRecord, AccountError> {
    let mut checker = Checker::default();
    let email = match normalise_email(&request.email) {
        Ok(email) => email,
        Err(e) => {
            for f in e.0 {
                checker.add(f.field, f.message);
            }
            String::new()
        }
    };
    check_password(&mut checker, "password", &request.password);
    let role = Role::parse(&request.role);
    if role.is_none() {
        checker.one_of("role", &request.role, Role::NAMES);
    }
    let producer_id = request
        .producer_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    match (role, producer_id) {
        (Some(Role::Producer), None) => {
            checker.add("producer_id", "a producer account needs its producer");
        }
        (Some(Role::Producer), Some(id)) => {
            if store.producer(id).await?.is_none() {
                checker.add("producer_id", "no producer with this id");
            }
        }
        (_, Some(_)) => checker.add("producer_id", "only producer accounts belong to a producer"),
        (_, None) => {}
    }
    let Some(role) = role else {
        return Err(checker.into_errors().into());
    };
    checker.finish(())?;
    let user = NewUser {
        id: ids::short_id(),
        email,
        password_hash: hash(&request.password).await?,
        role,
        producer_id: producer_id.map(str::to_owned),
        created_at: time_fmt::now(),
    };
    store.insert_user(&user).await.map_err(|e| match e {
        StoreError::Conflict(_) => AccountError::Invalid(ValidationErrors::one(
            "email",
            "an account with this email exists",
        )),
        e => e.into(),
    })?;
    Ok(UserRecord {
        id: user.id,
        email: user.email,
        role: user.role,
        producer_id: user.producer_id,
        created_at: user.created_at,
    })
}

/// A session just opened: the secret goes into the cookie and nowhere else.
#[derive(Debug, Clone)]
pub struct NewLogin {
    /// The session cookie's value; only its SHA-256 is stored.
    pub secret: String,
    /// The session as stored, with its account and CSRF token.
    pub session: SessionRecord,
}

/// A PHC string no password matches, verified when the email is unknown so that a wrong
/// email costs as long as a wrong password.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZSBzYWx0IGhlcmU$2s7T9P8mKkS2b6b6dVQy7lCwzP0Tn5y4q6PZ5e3kR3U";

/// Checks an email and password and opens a session; `None` when they do not match.
///
/// # Errors
/// Storage failures.
pub async fn login(
    store: &Store,
    email: &str,
    password: &str,
) -> Result<Option<NewLogin>, AccountError> {
    let email = email.trim().to_lowercase();
    let password = if password.chars().count() > MAX_PASSWORD {
        ""
    } else {
        password
    };
    let found = store.user_credentials(&email).await?;
    let stored = found.as_ref().map_or(DECOY, |(_, h)| h.as_str());
    if !matches(password, stored).await? || password.is_empty() {
        return Ok(None);
    }
    let Some((user, _)) = found else {
        return Ok(None);
    };
    let now = OffsetDateTime::now_utc();
    let secret = ids::random_id(32);
    let session = NewSession {
        id_hash: jcs::sha256_hex(secret.as_bytes()),
        user_id: user.id.clone(),
        csrf: ids::random_id(24),
        created_at: time_fmt::rfc3339(now),
        expires_at: time_fmt::rfc3339(now + Duration::hours(SESSION_HOURS)),
    };
    store.insert_session(&session).await?;
    Ok(Some(NewLogin {
        secret,
        session: SessionRecord {
            user,
            csrf: session.csrf,
            expires_at: session.expires_at,
        },
    }))
}

/// The live session a cookie secret opens, if any.
///
/// # Errors
/// Storage failures.
pub async fn session(store: &Store, secret: &str) -> Result<Option<SessionRecord>, StoreError> {
    if secret.is_empty() || secret.len() > 128 {
        return Ok(None);
    }
    store
        .session(&jcs::sha256_hex(secret.as_bytes()), &time_fmt::now())
        .await
}

/// Ends the session a cookie secret opens.
///
/// # Errors
/// Storage failures.
pub async fn logout(store: &Store, secret: &str) -> Result<(), StoreError> {
    store
        .delete_session(&jcs::sha256_hex(secret.as_bytes()))
        .await
}

/// Changes a password after checking the current one; every session of the account ends.
///
/// # Errors
/// `current_password` wrong or `new_password` too short or long (named), storage failures.
pub async fn change_password(
    store: &Store,
    user: &UserRecord,
    current: &str,
    new: &str,
) -> Result<(), AccountError> {
    let mut checker = Checker::default();
    check_password(&mut checker, "new_password", new);
    let stored = store.user_credentials(&user.email).await?;
    let ok = match &stored {
        Some((_, h)) => matches(current, h).await?,
        None => false,
    };
    if !ok {
        checker.add("current_password", "is not the current password");
    }
    checker.finish(())?;
    store.set_password(&user.id, &hash(new).await?).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            normalise_email(" Ufficio@Coop-Esempio.IT ").unwrap(),
            "ufficio@coop-esempio.it"
        );
        for bad in [
            "",
            "no-at",
            "@esempio.it",
            "a@b",
            "a b@esempio.it",
            "a@esempio.it.",
            "a@@esempio.it",
            "ufficio\u{202e}ti.@esempio.it",
        ] {
            let e = normalise_email(bad).unwrap_err();
            assert_eq!(e.0[0].field, "email", "{bad}");
        }
    }

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$"), "{h}");
        assert!(matches("correct horse battery", &h).await.unwrap());
        assert!(!matches("correct horse batterz", &h).await.unwrap());
        assert!(!matches("anything", DECOY).await.unwrap());
        assert!(!matches("anything", "not a phc string").await.unwrap());
    }

    #[test]
    fn generated_passwords_are_long_enough() {
        let p = generate_password();
        assert_eq!(p.chars().count(), 20);
        assert!(p.chars().count() >= MIN_PASSWORD);
        assert_ne!(p, generate_password());
    }
}
