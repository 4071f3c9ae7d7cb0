//! The log's side of C2SP tlog-witness: every new checkpoint is pushed to each witness of
//! `ORIGINE_WITNESS_POLICY` that has a URL, as `add-checkpoint` with a consistency proof
//! from the size that witness last cosigned; a 409 tells that size and the push is made
//! again from it. The cosignatures that come back are stored and served with the
//! checkpoint on `/log/checkpoint`.
//!
//! Each witness has its own task: one that is down or slow delays nothing but its own
//! cosignature, retried with backoff (1 s doubling to 5 min) until it answers or a newer
//! checkpoint replaces the one being pushed.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, anyhow, bail};
use tokio::sync::watch;

use super::log as tlog;
use crate::log::note::{self, Note};
use crate::log::policy::{Policy, PolicyWitness};
use crate::service::witness::AddCheckpoint;
use crate::store::{Store, StoredCheckpoint};

/// How long one `add-checkpoint` request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest wait between retries to a witness that does not answer.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Starts one pushing task per witness of `policy` with a URL; returns the sender the
/// checkpointer tells each new checkpoint size to (None when there is nobody to push to).
/// Each task also looks for a new checkpoint every `interval`: with several instances on
/// one database, another instance may have published it.
pub fn spawn(store: Arc<Store>, policy: &Policy, interval: Duration) -> Option<watch::Sender<u64>> {
    let witnesses: Vec<PolicyWitness> = policy
        .witnesses
        .iter()
        .filter(|w| w.url.is_some())
        .cloned()
        .collect();
    if witnesses.is_empty() {
        return None;
    }
    let (tx, rx) = watch::channel(0);
    for witness in witnesses {
        tokio::spawn(push_loop(store.clone(), witness, rx.clone(), interval));
    }
    Some(tx)
}

async fn push_loop(
    store: Arc<Store>,
    witness: PolicyWitness,
    mut published: watch::Receiver<u64>,
    interval: Duration,
) {
    // What this witness last cosigned, as far as the log knows; a 409 corrects it.
    let mut witnessed = 0;
    let mut cosigned: Option<u64> = None;
    let mut backoff = Duration::from_secs(1);
    loop {
        match store.latest_checkpoint().await {
            Ok(Some(cp)) if cosigned.is_none_or(|size| size < cp.size) => {
                // The answer's cosignature is checked and stored as one a witness posts.
                let accepted = match push(&store, &witness, &cp, &mut witnessed).await {
                    Ok(answer) => tlog::accept_cosignatures(
                        &store,
                        std::slice::from_ref(&witness.vkey),
                        &format!("{}{answer}", cp.note),
                    )
                    .await
                    .map_err(|e| anyhow!("the witness's answer: {e}")),
                    Err(e) => Err(e),
                };
                match accepted {
                    Ok(_) => {
                        cosigned = Some(cp.size);
                        backoff = Duration::from_secs(1);
                        // A newer checkpoint may have been published meanwhile.
                        continue;
                    }
                    Err(e) => {
                        tracing::warn!(witness = %witness.name, size = cp.size, error = %format!("{e:#}"), "witness did not cosign; retrying");
                        // Retry after the backoff, or sooner for a newer checkpoint.
                        let _ = tokio::time::timeout(backoff, published.changed()).await;
                        backoff = (backoff * 2).min(MAX_BACKOFF);
                        continue;
                    }
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading the latest checkpoint"),
        }
        if let Ok(Err(_)) = tokio::time::timeout(interval, published.changed()).await {
            return;
        }
    }
}

/// One `add-checkpoint` of `cp` to `witness`, resynchronising on 409; returns the
/// witness's answer (its signature lines), not yet checked.
async fn push(
    store: &Store,
    witness: &PolicyWitness,
    cp: &StoredCheckpoint,
    witnessed: &mut u64,
) -> anyhow::Result<String> {
    let signed = Note::parse(&cp.note).map_err(|e| anyhow!("our own checkpoint: {e}"))?;
    let Some(url) = witness.url.as_deref() else {
        bail!("no URL");
    };
    let url = format!("{}/add-checkpoint", url.trim_end_matches('/'));
    // At most one resync per push: a witness that keeps moving its size is misbehaving.
    for _ in 0..2 {
        if *witnessed > cp.size {
            bail!(
                "the witness has cosigned {} entries, more than this log's {}",
                witnessed,
                cp.size
            );
        }
        let proof = if *witnessed > 0 && *witnessed < cp.size {
            tlog::consistency_proof(store, *witnessed, cp.size).await?
        } else {
            Vec::new()
        };
        let body = AddCheckpoint {
            old: *witnessed,
            proof,
            note: signed.clone(),
        }
        .render();
        let (status, content_type, answer) = post(url.clone(), body).await?;
        match status {
            200 => {
                *witnessed = cp.size;
                return Ok(answer);
            }
            409 if content_type.starts_with("text/x.tlog.size") => {
                *witnessed = answer
                    .trim_end_matches('\n')
                    .parse()
                    .with_context(|| format!("a 409 whose size is {answer:?}"))?;
            }
            _ => bail!("{url} answered {status}: {}", answer.trim()),
        }
    }
    bail!("{url} answered 409 twice")
}

async fn post(url: String, body: String) -> anyhow::Result<(u16, String, String)> {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build()
            .into();
        let mut res = agent
            .post(&url)
            .header("Content-Type", "text/plain")
            .send(body)
            .with_context(|| format!("posting to {url}"))?;
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = res
            .body_mut()
            .with_config()
            .limit(64 << 10)
            .read_to_string()?;
        Ok((res.status().as_u16(), content_type, text))
    })
    .await?
}

/// The policy the log serves on `/log/policy`: its own `log` line for each key that still
/// signs or verifies, then the witnesses, groups and quorum of `ORIGINE_WITNESS_POLICY`
/// (`quorum none` without one).
#[must_use]
pub fn served_policy(log_vkeys: &[String], base_url: &str, witnesses: &Policy) -> String {
    let mut policy = witnesses.clone();
    policy.logs = log_vkeys
        .iter()
        .filter_map(|vkey| {
            let (origin, _, public) = note::parse_vkey(vkey).ok()?;
            Some(crate::log::policy::PolicyLog {
                origin,
                vkey: vkey.clone(),
                key: ed25519_dalek::VerifyingKey::from_bytes(&public).ok()?,
                url: Some(format!("{base_url}/log")),
            })
        })
        .collect();
    policy.render()
}
