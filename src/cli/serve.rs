//! `origine serve`, and what an operator runs beside it: `audit`, `backup`, `labels`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::Usage;
use crate::config::Config;
use crate::crypto::Keyring;
use crate::service::audit as register_audit;
use crate::store;

/// `origine serve [--demo]`.
pub(super) async fn serve(config: &Config, demo: bool) -> anyhow::Result<ExitCode> {
    // An explicit ORIGINE_LOG_ORIGIN is checked as it is read; one derived from the base
    // URL is checked here, before anything is certified under it.
    let origin = config.log_origin();
    if crate::log::note::KeyName::parse(&origin).is_err() {
        return Err(Usage(format!(
            "the log origin {origin:?} (from ORIGINE_BASE_URL) is not a signed-note key name; set ORIGINE_LOG_ORIGIN"
        ))
        .into());
    }
    config
        .witness_policy()
        .map_err(|e| Usage(format!("{e:#}")))?;
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

/// `origine backup --out FILE`.
pub(super) async fn backup(config: &Config, out: &Path) -> anyhow::Result<ExitCode> {
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
        .backup(out)
        .await?;
    println!(
        "backup written to {}; check it with DATABASE_URL=sqlite://{} origine audit",
        out.display(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `origine audit`.
pub(super) async fn audit(config: &Config) -> anyhow::Result<ExitCode> {
    let store = store::connect(&config.database_url).await?;
    let keys = Keyring::load(&config.keys_dir, &config.log_origin())?;
    let report = register_audit::audit(&store, &keys).await?;
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

/// `origine labels LOT --out FILE`.
pub(super) async fn labels(
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
    let quantity = lot.quantity;
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
        &store,
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
