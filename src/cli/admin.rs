//! `origine admin` (API tokens and web accounts), `origine keygen` and `origine keys`
//! (signing keys). Every change goes through `service::admin` or `service::keys`, which
//! record it in the trail as made by `cli`.

use std::process::ExitCode;

use clap::Subcommand;

use super::Usage;
use crate::config::Config;
use crate::crypto::keys as key_files;
use crate::domain::Role;
use crate::service::accounts::{self, AccountError};
use crate::service::admin::{self, Actor, AdminError};
use crate::store;

/// Key management.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Create a new signing key and retire the current one; what it signed still verifies.
    Rotate {
        /// Why, for the log.
        #[arg(long, default_value = "scheduled rotation")]
        reason: String,
    },
    /// Withdraw a (retired) key: nothing it signed verifies any more.
    Withdraw {
        /// The key id.
        kid: String,
        /// Why, for the log.
        #[arg(long)]
        reason: String,
    },
}

/// Administration commands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an API token and print only the token.
    CreateKey {
        /// admin, auditor, producer or buyer.
        #[arg(long)]
        role: String,
        /// The producer a producer token belongs to.
        #[arg(long)]
        producer: Option<String>,
        /// The buyer account (id or email) a buyer token belongs to.
        #[arg(long)]
        buyer: Option<String>,
        /// What the token is for.
        #[arg(long)]
        label: Option<String>,
    },
    /// Create a web account and print only its password (generated unless
    /// --password-stdin reads it from the first line of standard input).
    CreateUser {
        /// The address the person logs in with.
        #[arg(long)]
        email: String,
        /// admin, auditor, producer or buyer.
        #[arg(long)]
        role: String,
        /// The producer a producer account belongs to.
        #[arg(long)]
        producer: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `origine keygen`: a new signing key, printed with its kid.
pub(super) fn keygen(config: &Config) -> anyhow::Result<ExitCode> {
    let (kid, public) = key_files::generate(&config.keys_dir, &config.log_origin())?;
    println!(
        "kid: {kid}\npublic_key: {public}\nname: {}",
        config.log_origin()
    );
    Ok(ExitCode::SUCCESS)
}

/// `origine admin …`.
pub(super) async fn run(config: &Config, command: AdminCommand) -> anyhow::Result<ExitCode> {
    match command {
        AdminCommand::CreateKey {
            role,
            producer,
            buyer,
            label,
        } => {
            create_key(
                config,
                &role,
                producer.as_deref(),
                buyer.as_deref(),
                label.as_deref(),
            )
            .await
        }
        AdminCommand::CreateUser {
            email,
            role,
            producer,
            password_stdin,
        } => create_user(config, email, role, producer, password_stdin).await,
    }
}

async fn create_key(
    config: &Config,
    role: &str,
    producer: Option<&str>,
    buyer: Option<&str>,
    label: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Some(role) = Role::parse(role) else {
        return Err(Usage(format!("--role must be one of {}", Role::NAMES.join(", "))).into());
    };
    if (role == Role::Producer) != producer.is_some() {
        return Err(
            Usage("--producer ID is required for, and only for, --role producer".into()).into(),
        );
    }
    if (role == Role::Buyer) != buyer.is_some() {
        return Err(Usage(
            "--buyer ID_OR_EMAIL is required for, and only for, --role buyer".into(),
        )
        .into());
    }
    let store = store::connect(&config.database_url).await?;
    let created = match buyer {
        Some(buyer) => admin::create_buyer_token(&store, &Actor::cli(), buyer, label).await,
        None => admin::create_token(&store, &Actor::cli(), role, producer, label).await,
    };
    match created {
        Ok((token, _)) => {
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Err(AdminError::Invalid(v)) => Err(Usage(flags(&v)).into()),
        Err(e) => Err(e.into()),
    }
}

async fn create_user(
    config: &Config,
    email: String,
    role: String,
    producer: Option<String>,
    password_stdin: bool,
) -> anyhow::Result<ExitCode> {
    let password = if password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        accounts::generate_password()
    };
    let store = store::connect(&config.database_url).await?;
    let request = accounts::UserRequest {
        email,
        password: password.clone(),
        role,
        producer_id: producer,
    };
    match admin::create_user(&store, &Actor::cli(), &request).await {
        Ok(_) => {
            if !password_stdin {
                println!("{password}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(AdminError::Invalid(v) | AdminError::Account(AccountError::Invalid(v))) => {
            Err(Usage(flags(&v)).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// Validation errors named by the flags that carry the fields.
fn flags(errors: &crate::domain::ValidationErrors) -> String {
    errors
        .0
        .iter()
        .map(|e| {
            format!(
                "--{}: {}",
                e.field.replace("producer_id", "producer"),
                e.message
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `origine keys rotate|withdraw`.
pub(super) async fn keys(config: &Config, command: KeysCommand) -> anyhow::Result<ExitCode> {
    match command {
        KeysCommand::Rotate { reason } => {
            let (old, new, entry) =
                crate::service::keys::rotate(config, &Actor::cli(), &reason).await?;
            println!(
                "rotated: {old} retired, {new} now signs (log entry {})",
                entry.seq
            );
        }
        KeysCommand::Withdraw { kid, reason } => {
            let entry =
                crate::service::keys::withdraw(config, &Actor::cli(), &kid, &reason).await?;
            println!(
                "withdrawn: {kid} (log entry {}); nothing it signed verifies any more",
                entry.seq
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
