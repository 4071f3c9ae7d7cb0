//! `origine witness`: the CNEL auditor's witness, which cosigns the log's checkpoints
//! only when they are consistent with the last one it cosigned for that log.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;

use crate::service::witness;

/// Witness commands.
#[derive(Debug, Subcommand)]
pub enum WitnessCommand {
    /// Create a witness key (mode 0600) and print its verifier key for the log operator.
    Keygen {
        /// Witness name, e.g. `cnel.it/witness`.
        #[arg(long)]
        name: String,
        /// Where to write the key.
        #[arg(long)]
        key: PathBuf,
    },
    /// Serve C2SP tlog-witness: logs push their checkpoints to `POST /add-checkpoint`.
    Serve {
        /// The witness key file.
        #[arg(long)]
        key: PathBuf,
        /// The logs to witness: a tlog-policy file whose `log <vkey>` lines are the only
        /// logs this witness cosigns (the origin is the vkey's name).
        #[arg(long)]
        logs: PathBuf,
        /// Directory remembering the last checkpoint cosigned for each log.
        #[arg(long)]
        state: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7380")]
        bind: String,
    },
    /// Fetch the log's current checkpoint, check it as `serve` would, and cosign it.
    Cosign {
        /// The log's base URL.
        #[arg(long)]
        log: String,
        /// The witness key file.
        #[arg(long)]
        key: PathBuf,
        /// The logs to witness, as for `serve`.
        #[arg(long)]
        logs: PathBuf,
        /// Directory remembering the last checkpoint cosigned for each log.
        #[arg(long)]
        state: PathBuf,
        /// Send the cosignature to the log, which publishes it with the checkpoint.
        #[arg(long)]
        submit: bool,
    },
}

/// `origine witness …`.
pub(super) async fn run(command: WitnessCommand) -> anyhow::Result<ExitCode> {
    match command {
        WitnessCommand::Keygen { name, key } => {
            println!("{}", witness::keygen(&key, &name)?);
            Ok(ExitCode::SUCCESS)
        }
        WitnessCommand::Serve {
            key,
            logs,
            state,
            bind,
        } => {
            let witness = Arc::new(witness::open(&key, &logs, &state)?);
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .with_context(|| format!("listening on {bind}"))?;
            tracing::info!(
                name = witness.name(),
                addr = %listener.local_addr()?,
                "the witness is serving add-checkpoint"
            );
            axum::serve(listener, witness::server::router(witness))
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
            Ok(ExitCode::SUCCESS)
        }
        WitnessCommand::Cosign {
            log,
            key,
            logs,
            state,
            submit,
        } => {
            let outcome = tokio::task::spawn_blocking(move || {
                let witness = witness::open(&key, &logs, &state)?;
                witness::cosign_from(&log, &witness, submit)
            })
            .await??;
            match outcome {
                witness::Outcome::Cosigned(note) => {
                    print!("{note}");
                    Ok(ExitCode::SUCCESS)
                }
                witness::Outcome::Refused(why) => {
                    println!("REFUSED: {why}");
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
