//! The `origine` command line, one file per group of commands: [`serve`] (serve, backup,
//! audit, labels), [`admin`] (tokens, accounts, signing keys), [`verify`] (offline checks of
//! bundles and signed labels) and [`witness`].

mod admin;
mod serve;
mod verify;
mod witness;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;

pub use admin::{AdminCommand, KeysCommand};
pub use witness::WitnessCommand;

/// Origine: certificates for goods and services made in prison, and their public register.
#[derive(Debug, Parser)]
#[command(name = "origine", version, about)]
pub struct Cli {
    /// Settings shared by every command, from flags or the environment.
    #[command(flatten)]
    pub config: Config,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the service (migrates the database, creates a signing key if there is none).
    Serve {
        /// Load demo data into an empty database.
        #[arg(long)]
        demo: bool,
    },
    /// Create a new signing key (mode 0600) and print its public key and kid.
    Keygen,
    /// Administration.
    Admin {
        /// The administration command to run.
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Verify a certificate bundle offline (exit 0 valid, 1 invalid, 2 usage).
    Verify {
        /// Bundle file or URL (e.g. http://host/api/v1/certificates/ID); with --qr, the
        /// scanned label URL instead.
        bundle: String,
        /// The argument is a signed unit label's QR URL: check its signed fragment offline.
        #[arg(long)]
        qr: bool,
        /// Keys document file or URL (default: the bundle URL's /.well-known/origine-keys.json,
        /// or the local keys directory).
        #[arg(long)]
        keys: Option<String>,
        /// Require the bundle's checkpoint to be cosigned by this witness (C2SP verifier
        /// key `name+keyid+base64key`); may be given several times.
        #[arg(long)]
        witness: Vec<String>,
        /// A C2SP tlog-proof of the certificate (GET /api/v1/certificates/ID/proof), checked
        /// offline against `--policy`.
        #[arg(long, requires = "policy")]
        proof: Option<String>,
        /// A C2SP tlog-policy file: the log keys and witness quorum the proof must meet.
        #[arg(long, requires = "proof")]
        policy: Option<String>,
    },
    /// The auditor's witness: check the log's new checkpoint is consistent with the last
    /// one accepted, and cosign it (exit 0 cosigned, 1 refused, 2 usage or network).
    Witness {
        /// The witness command to run.
        #[command(subcommand)]
        command: WitnessCommand,
    },
    /// Re-verify the whole register: every hash, signature, chain link and Merkle root.
    Audit,
    /// Print a lot's labels to a PDF sheet.
    Labels {
        /// The lot id.
        lot: String,
        /// The PDF to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// 3x8, 4x10, 2x7 or roll.
        #[arg(long, default_value = "3x8")]
        layout: String,
        /// First serial (default 1).
        #[arg(long)]
        from: Option<u64>,
        /// Last serial (default the lot's quantity).
        #[arg(long)]
        to: Option<u64>,
        /// Add the offline-checkable signed fragment to each unit's QR.
        #[arg(long)]
        signed: bool,
    },
    /// Copy the SQLite database to FILE while the service runs (for PostgreSQL use pg_dump).
    Backup {
        /// Where to write the copy (must not exist).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Rotate or withdraw the issuer's signing keys (each change is a signed log entry).
    Keys {
        /// The key command to run.
        #[command(subcommand)]
        command: KeysCommand,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "origine=info,warn".into());
    // `ORIGINE_LOG_FORMAT=json`: one JSON object per line, for log collectors.
    match std::env::var("ORIGINE_LOG_FORMAT").as_deref() {
        Ok("json") => tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        Ok("text") | Err(_) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init(),
        Ok(other) => {
            eprintln!("error: ORIGINE_LOG_FORMAT must be text or json, not {other:?}");
            return ExitCode::from(2);
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(match e.downcast_ref::<Usage>() {
                Some(_) => 2,
                None => 1,
            })
        }
    }
}

/// A mistake in how the command was called (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = cli.config;
    match cli.command {
        Command::Serve { demo } => serve::serve(&config, demo).await,
        Command::Keygen => admin::keygen(&config),
        Command::Admin { command } => admin::run(&config, command).await,
        Command::Verify {
            bundle,
            qr: true,
            keys,
            ..
        } => verify::verify_qr(&config, &bundle, keys.as_deref()),
        Command::Verify {
            bundle,
            keys,
            witness,
            proof,
            policy,
            ..
        } => {
            let offline = proof.as_deref().zip(policy.as_deref());
            verify::verify(&config, &bundle, keys.as_deref(), &witness, offline)
        }
        Command::Labels {
            lot,
            out,
            layout,
            from,
            to,
            signed,
        } => serve::labels(&config, &lot, &out, &layout, from, to, signed).await,
        Command::Witness { command } => witness::run(command).await,
        Command::Keys { command } => admin::keys(&config, command).await,
        Command::Backup { out } => serve::backup(&config, &out).await,
        Command::Audit => serve::audit(&config).await,
    }
}
