//! `origine witness`: the CNEL auditor's witness, which cosigns the log's checkpoints
//! only when they are consistent with the last one it accepted.

use std::process::ExitCode;

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
        key: std::path::PathBuf,
    },
    /// Fetch, check and cosign the log's current checkpoint.
    Cosign {
        /// The log's base URL.
        #[arg(long)]
        log: String,
        /// The witness key file.
        #[arg(long)]
        key: std::path::PathBuf,
        /// File remembering the last accepted checkpoint.
        #[arg(long)]
        state: std::path::PathBuf,
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
        WitnessCommand::Cosign {
            log,
            key,
            state,
            submit,
        } => {
            let outcome =
                tokio::task::spawn_blocking(move || witness::run(&log, &key, &state, submit))
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
