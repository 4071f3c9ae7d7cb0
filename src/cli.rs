//! The `origine` command line: serve, keygen, admin, verify, audit.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::crypto::{Bundle, Keyring, KeysDocument, check_bundle, keys};
use crate::service::{accounts, audit, tokens};
use crate::store::{self, ROLES};

/// Origine: certificates for goods and services made in prison, and their public register.
#[derive(Debug, Parser)]
#[command(name = "origine", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
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
    },
    /// The auditor's witness: check the log's new checkpoint is consistent with the last
    /// one accepted, and cosign it (exit 0 cosigned, 1 refused, 2 usage or network).
    Witness {
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
        #[command(subcommand)]
        command: KeysCommand,
    },
}

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
        /// admin, auditor or producer.
        #[arg(long)]
        role: String,
        /// The producer a producer token belongs to.
        #[arg(long)]
        producer: Option<String>,
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
        /// admin, auditor or producer.
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "origine=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
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
        Command::Serve { demo } => serve(&config, demo).await,
        Command::Keygen => {
            let (kid, public) = keys::generate(&config.keys_dir, &config.log_origin())?;
            println!(
                "kid: {kid}\npublic_key: {public}\nname: {}",
                config.log_origin()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::CreateKey {
                    role,
                    producer,
                    label,
                },
        } => {
            if !ROLES.contains(&role.as_str()) {
                return Err(Usage(format!("--role must be one of {}", ROLES.join(", "))).into());
            }
            if (role == "producer") != producer.is_some() {
                return Err(Usage(
                    "--producer ID is required for, and only for, --role producer".into(),
                )
                .into());
            }
            let store = store::connect(&config.database_url).await?;
            if let Some(id) = &producer
                && store.producer(id).await?.is_none()
            {
                bail!("no producer with id {id:?}");
            }
            let (token, record) =
                tokens::create(&*store, &role, producer.as_deref(), label.as_deref()).await?;
            crate::service::trail::record(&*store, "cli", "create_token", &record.id, &role).await;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Admin {
            command:
                AdminCommand::CreateUser {
                    email,
                    role,
                    producer,
                    password_stdin,
                },
        } => {
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
            match accounts::create_user(&*store, &request).await {
                Ok(user) => {
                    crate::service::trail::record(
                        &*store,
                        "cli",
                        "create_user",
                        &user.email,
                        &user.role,
                    )
                    .await;
                    if !password_stdin {
                        println!("{password}");
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(accounts::AccountError::Invalid(v)) => Err(Usage(
                    v.0.iter()
                        .map(|e| {
                            format!(
                                "--{}: {}",
                                e.field.replace("producer_id", "producer"),
                                e.message
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                )
                .into()),
                Err(e) => Err(e.into()),
            }
        }
        Command::Verify {
            bundle,
            qr: true,
            keys,
            ..
        } => verify_qr(&config, &bundle, keys.as_deref()),
        Command::Verify {
            bundle,
            keys,
            witness,
            ..
        } => verify(&config, &bundle, keys.as_deref(), &witness),
        Command::Labels {
            lot,
            out,
            layout,
            from,
            to,
            signed,
        } => labels(&config, &lot, &out, &layout, from, to, signed).await,
        Command::Witness {
            command: WitnessCommand::Keygen { name, key },
        } => {
            println!("{}", crate::service::witness::keygen(&key, &name)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Witness {
            command:
                WitnessCommand::Cosign {
                    log,
                    key,
                    state,
                    submit,
                },
        } => {
            let outcome = tokio::task::spawn_blocking(move || {
                crate::service::witness::run(&log, &key, &state, submit)
            })
            .await??;
            match outcome {
                crate::service::witness::Outcome::Cosigned(note) => {
                    print!("{note}");
                    Ok(ExitCode::SUCCESS)
                }
                crate::service::witness::Outcome::Refused(why) => {
                    println!("REFUSED: {why}");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Keys {
            command: KeysCommand::Rotate { reason },
        } => {
            let (old, new, entry) = crate::service::keys::rotate(&config, &reason).await?;
            let store = store::connect(&config.database_url).await?;
            let detail = format!("{old} retired, {new} signs: {reason}");
            crate::service::trail::record(&*store, "cli", "rotate_key", &new, &detail).await;
            println!(
                "rotated: {old} retired, {new} now signs (log entry {})",
                entry.seq
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys {
            command: KeysCommand::Withdraw { kid, reason },
        } => {
            let entry = crate::service::keys::withdraw(&config, &kid, &reason).await?;
            let store = store::connect(&config.database_url).await?;
            crate::service::trail::record(&*store, "cli", "withdraw_key", &kid, &reason).await;
            println!(
                "withdrawn: {kid} (log entry {}); nothing it signed verifies any more",
                entry.seq
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out } => {
            if !config.database_url.starts_with("sqlite:") {
                return Err(Usage(
                    "backup copies SQLite databases; for PostgreSQL use `pg_dump --format=custom` (see README)".into(),
                )
                .into());
            }
            if out.exists() {
                return Err(Usage(format!("{} exists; choose a new file", out.display())).into());
            }
            crate::store::Store::connect(&config.database_url)
                .await?
                .backup(&out)
                .await?;
            println!(
                "backup written to {}; check it with DATABASE_URL=sqlite://{} origine audit",
                out.display(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit => {
            let store = store::connect(&config.database_url).await?;
            let keys = Keyring::load(&config.keys_dir, &config.log_origin())?;
            let report = audit::audit(&*store, &keys).await?;
            let mut out = std::io::stdout().lock();
            for f in &report.failures {
                writeln!(
                    out,
                    "entry {} ({} {}): {}",
                    f.seq, f.kind, f.subject, f.reason
                )?;
            }
            if report.is_clean() {
                writeln!(
                    out,
                    "audit clean: {} entries, every hash, signature and chain link verified",
                    report.entries
                )?;
                Ok(ExitCode::SUCCESS)
            } else {
                writeln!(
                    out,
                    "audit FAILED: {} problem(s) in {} entries",
                    report.failures.len(),
                    report.entries
                )?;
                Ok(ExitCode::from(1))
            }
        }
    }
}

async fn serve(config: &Config, demo: bool) -> anyhow::Result<ExitCode> {
    let running = crate::server::spawn(config).await?;
    if demo && crate::demo::load(&running.state).await? {
        tracing::info!("demo data loaded");
    }
    tracing::info!(
        addr = %running.addr,
        base_url = %running.state.base_url,
        database = %crate::server::redact(&config.database_url),
        kid = %running.state.keys.current().active().kid,
        "Origine is serving"
    );
    running.task.await??;
    Ok(ExitCode::SUCCESS)
}

/// Reads a file, or fetches a URL.
fn fetch(source: &str) -> anyhow::Result<Vec<u8>> {
    if source.starts_with("http://") || source.starts_with("https://") {
        let mut response = ureq::get(source)
            .call()
            .with_context(|| format!("fetching {source}"))?;
        Ok(response
            .body_mut()
            .with_config()
            .limit(16 << 20)
            .read_to_vec()?)
    } else {
        std::fs::read(Path::new(source)).with_context(|| format!("reading {source}"))
    }
}

fn verify(
    config: &Config,
    bundle_src: &str,
    keys_src: Option<&str>,
    witnesses: &[String],
) -> anyhow::Result<ExitCode> {
    let bundle: Bundle = serde_json::from_slice(&fetch(bundle_src)?)
        .map_err(|e| Usage(format!("{bundle_src} is not a certificate bundle: {e}")))?;
    let keys: KeysDocument = match keys_src {
        Some(src) => serde_json::from_slice(&fetch(src)?)
            .map_err(|e| Usage(format!("{src} is not a keys document: {e}")))?,
        None if bundle_src.starts_with("http") => {
            let origin: String = bundle_src
                .splitn(4, '/')
                .take(3)
                .collect::<Vec<_>>()
                .join("/");
            serde_json::from_slice(&fetch(&format!("{origin}/.well-known/origine-keys.json"))?)?
        }
        None => Keyring::load(&config.keys_dir, &config.log_origin())
            .map_err(|e| Usage(format!("no --keys given and no local keys: {e}")))?
            .document(),
    };
    let mut check = check_bundle(&bundle, &keys);
    let mut witnessed = Vec::new();
    if bundle.inclusion.is_some() || !witnesses.is_empty() {
        match crate::crypto::check_inclusion(&bundle, &keys) {
            Ok(checkpoint) => {
                for vkey in witnesses {
                    let (name, _, public) = crate::log::note::parse_vkey(vkey)
                        .map_err(|e| Usage(format!("--witness {vkey:?}: {e}")))?;
                    let key = ed25519_dalek::VerifyingKey::from_bytes(&public)
                        .map_err(|_| Usage(format!("--witness {vkey:?}: not an Ed25519 key")))?;
                    match crate::log::note::verify_cosignature(&checkpoint, &name, &key) {
                        Ok(_) => witnessed.push(name),
                        Err(e) => check
                            .reasons
                            .push(format!("no valid cosignature from witness {name}: {e}")),
                    }
                }
            }
            Err(reason) => check.reasons.push(reason),
        }
    }
    let id = bundle.certificate["id"].as_str().unwrap_or("?");
    if check.is_valid() {
        println!(
            "valid: certificate {id}, signed by {} (key {})",
            keys.issuer, bundle.kid
        );
        if let Some(inc) = &bundle.inclusion {
            println!(
                "included: entry {} of a log of {} entries, proof checked against the signed checkpoint",
                inc.index, inc.tree_size
            );
        }
        for name in witnessed {
            println!("witnessed: checkpoint cosigned by {name}");
        }
        Ok(ExitCode::SUCCESS)
    } else {
        println!("INVALID: certificate {id}");
        for reason in check.reasons {
            println!("  - {reason}");
        }
        Ok(ExitCode::from(1))
    }
}

async fn labels(
    config: &Config,
    lot_id: &str,
    out: &Path,
    layout: &str,
    from: Option<u64>,
    to: Option<u64>,
    signed: bool,
) -> anyhow::Result<ExitCode> {
    let layout = crate::labels::Layout::parse(layout)
        .ok_or_else(|| Usage("--layout must be 3x8, 4x10, 2x7 or roll".into()))?;
    let store = store::connect(&config.database_url).await?;
    let keys = Keyring::load(&config.keys_dir, &config.log_origin())?;
    let Some(lot) = store.lot(lot_id).await? else {
        bail!("no lot with id {lot_id:?}");
    };
    let quantity = u64::try_from(lot.quantity).unwrap_or_default();
    let (from, to) = (from.unwrap_or(1), to.unwrap_or(quantity));
    if from == 0 || to < from || to > quantity {
        return Err(Usage(format!(
            "--from/--to must satisfy 1 <= from <= to <= {quantity}"
        ))
        .into());
    }
    let producer = store
        .producer(&lot.producer_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let institute = store
        .institute(&lot.institute)
        .await?
        .map(|i| i.name)
        .unwrap_or_default();
    let data = crate::service::labels::label_data(
        &*store,
        &keys,
        &config.base_url(),
        &lot,
        &producer,
        &institute,
        from..=to,
        signed,
    )
    .await?;
    let bar = indicatif::ProgressBar::new(data.len() as u64).with_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} labels ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_message(format!("{} {}", lot.lot_code, layout.name()));
    let pdf = crate::labels::pdf(layout, &data, &mut |done| bar.set_position(done as u64))?;
    bar.finish();
    std::fs::write(out, &pdf).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "{} labels written to {} ({} bytes)",
        data.len(),
        out.display(),
        pdf.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Checks a signed unit label's QR URL offline with a keys document.
fn verify_qr(config: &Config, url: &str, keys_src: Option<&str>) -> anyhow::Result<ExitCode> {
    use crate::crypto::label_token::SignedLabel;
    let Some((_, fragment)) = url.split_once('#') else {
        return Err(Usage(
            "this QR has no signed fragment (#ol1.…): it can only be checked online".into(),
        )
        .into());
    };
    let keys: KeysDocument = match keys_src {
        Some(src) => serde_json::from_slice(&fetch(src)?)
            .map_err(|e| Usage(format!("{src} is not a keys document: {e}")))?,
        None => Keyring::load(&config.keys_dir, &config.log_origin())
            .map_err(|e| Usage(format!("no --keys given and no local keys: {e}")))?
            .document(),
    };
    let (label, _, _) =
        SignedLabel::parse(fragment).map_err(|e| Usage(format!("signed fragment: {e}")))?;
    let mut reasons = Vec::new();
    match keys.keys.iter().find(|k| k.kid == label.kid) {
        None => reasons.push(format!(
            "key {} is not in the issuer's keys document",
            label.kid
        )),
        Some(k) if k.status == "withdrawn" => {
            reasons.push(format!("key {} has been withdrawn", k.kid))
        }
        Some(k) => {
            let public: Option<[u8; 32]> = data_encoding::BASE64URL_NOPAD
                .decode(k.public_key.as_bytes())
                .ok()
                .and_then(|b| b.try_into().ok());
            let key = public.and_then(|p| ed25519_dalek::VerifyingKey::from_bytes(&p).ok());
            let in_validity = label.issued.as_str() >= k.not_before.get(..10).unwrap_or_default()
                && k.not_after
                    .as_deref()
                    .is_none_or(|end| label.issued.as_str() <= end.get(..10).unwrap_or_default());
            if crate::crypto::key_id(&keys.issuer, &public.unwrap_or_default()) != k.kid {
                reasons.push(format!("key {} does not match its public key", k.kid));
            } else if !in_validity {
                reasons.push(format!(
                    "label dated {} is outside key {}'s validity",
                    label.issued, k.kid
                ));
            } else if key.is_none_or(|key| SignedLabel::verify(fragment, &key).is_err()) {
                reasons.push("the label's signature does not verify".into());
            }
        }
    }
    // The visible part of the URL must name the unit the signature vouches for.
    let visible = url.split('#').next().unwrap_or_default();
    let path = visible.split('?').next().unwrap_or_default();
    let query = visible.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let serial = label.serial.to_string();
    let names_serial = path.ends_with(&format!("/21/{serial}"))
        || query.split('&').any(|kv| kv == format!("serial={serial}"));
    if !names_serial {
        reasons.push(format!(
            "the URL does not name unit {serial} that the signature covers"
        ));
    }
    if reasons.is_empty() {
        println!(
            "valid label: {} — lot {} — unit {} — {} (issued {}, key {})",
            label.product, label.lot, label.serial, label.producer, label.issued, label.kid
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("INVALID label");
        for r in reasons {
            println!("  - {r}");
        }
        Ok(ExitCode::from(1))
    }
}
