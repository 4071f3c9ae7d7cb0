//! The transparency log as a service: signed checkpoints published on a schedule, proofs
//! read from the stored tree, and the inclusion proof a bundle carries.

use std::sync::Arc;
use std::time::Duration;

use data_encoding::HEXLOWER;

use crate::crypto::{Bundle, Inclusion, Keyring};
use crate::log::merkle::{self, Hash};
use crate::log::note::{self, Checkpoint, Note};
use crate::log::policy::Policy;
use crate::log::proof::TlogProof;
use crate::log::tiles::TilePath;
use crate::store::{LogEntry, Result, Store, StoreError, StoredCheckpoint};

use super::report::bundle_of;

/// Root of the tree of the first `size` entries, read from the stored nodes.
///
/// # Errors
/// Storage failures, or a stored tree missing nodes it must have.
pub async fn root(store: &Store, size: u64) -> Result<Hash> {
    let nodes = store.nodes(&merkle::root_needs(size)).await?;
    Ok(merkle::root(size, &nodes)?)
}

/// RFC 9162 inclusion proof of entry `index` in the tree of `size` entries.
///
/// # Errors
/// An impossible range ([`StoreError::Tree`]), or storage failures.
pub async fn inclusion_proof(store: &Store, index: u64, size: u64) -> Result<Vec<Hash>> {
    let nodes = store.nodes(&merkle::inclusion_needs(index, size)?).await?;
    Ok(merkle::inclusion_proof(index, size, &nodes)?)
}

/// RFC 9162 consistency proof between the trees of `first` and `second` entries.
///
/// # Errors
/// An impossible range ([`StoreError::Tree`]), or storage failures.
pub async fn consistency_proof(store: &Store, first: u64, second: u64) -> Result<Vec<Hash>> {
    let nodes = store
        .nodes(&merkle::consistency_needs(first, second)?)
        .await?;
    Ok(merkle::consistency_proof(first, second, &nodes)?)
}

/// Signs and stores a checkpoint for the current log size, unless the latest one has it.
/// Returns the new checkpoint.
///
/// # Errors
/// Storage failures.
pub async fn publish_checkpoint(store: &Store, keys: &Keyring) -> Result<Option<StoredCheckpoint>> {
    let size = store.log_size().await?;
    if let Some(latest) = store.latest_checkpoint().await?
        && latest.size >= size
    {
        return Ok(None);
    }
    let root = root(store, size).await?;
    let body = Checkpoint {
        origin: keys.issuer.clone(),
        size,
        root,
        extensions: Vec::new(),
    }
    .body();
    let signature = note::sign(&body, &keys.issuer, keys.signer())
        .map_err(|e| StoreError::Seal(e.to_string()))?;
    let stored = StoredCheckpoint {
        size,
        root: HEXLOWER.encode(&root),
        note: Note {
            text: body,
            signatures: vec![signature],
        }
        .render(),
        created_at: crate::time_fmt::now(),
    };
    store.insert_checkpoint(&stored).await?;
    Ok(Some(stored))
}

/// Publishes a checkpoint every `interval` while entries arrive (not one per entry, so
/// witnesses can keep up).
/// Each new checkpoint's size goes to `published` (the witnesses' pushers), if any.
pub fn spawn_checkpointer(
    store: Arc<Store>,
    keys: Arc<crate::crypto::KeyHandle>,
    interval: Duration,
    published: Option<tokio::sync::watch::Sender<u64>>,
) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            keys.reload_if_changed();
            match publish_checkpoint(&store, &keys.current()).await {
                Ok(Some(cp)) => {
                    if let Some(tx) = &published {
                        tx.send_replace(cp.size);
                    }
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not publish a checkpoint"),
            }
        }
    });
}

/// The latest checkpoint as served: the log's signed note plus every witness cosignature.
///
/// # Errors
/// Storage failures.
pub async fn served_checkpoint(store: &Store) -> Result<Option<(StoredCheckpoint, String)>> {
    let Some(cp) = store.latest_checkpoint().await? else {
        return Ok(None);
    };
    let mut text = cp.note.clone();
    for line in store.cosignatures(cp.size).await? {
        text.push_str(&line);
    }
    Ok(Some((cp, text)))
}

/// The checkpoint served as witnessed: the latest, or — with `fail_open` false and a
/// policy that asks for a quorum — the latest whose cosignatures meet it (looking back over
/// the 64 most recent cosigned checkpoints). `None` when there is none yet.
///
/// # Errors
/// Storage failures.
pub async fn witnessed_checkpoint(
    store: &Store,
    policy: &Policy,
    fail_open: bool,
) -> Result<Option<(StoredCheckpoint, String)>> {
    if fail_open || policy.quorum.is_none() {
        return served_checkpoint(store).await;
    }
    for size in store.cosigned_sizes(64).await? {
        let Some(cp) = store.checkpoint(size).await? else {
            continue;
        };
        let mut text = cp.note.clone();
        for line in store.cosignatures(size).await? {
            text.push_str(&line);
        }
        if Note::parse(&text).is_ok_and(|note| policy.quorum_met(&note)) {
            return Ok(Some((cp, text)));
        }
    }
    Ok(None)
}

/// A C2SP tlog-proof of `entry` against the checkpoint served as witnessed
/// ([`witnessed_checkpoint`]), cosignatures included; `None` until one covers it.
///
/// # Errors
/// Storage failures.
pub async fn tlog_proof(
    store: &Store,
    entry: &LogEntry,
    policy: &Policy,
    fail_open: bool,
) -> Result<Option<TlogProof>> {
    let Some((cp, text)) = witnessed_checkpoint(store, policy, fail_open).await? else {
        return Ok(None);
    };
    if cp.size <= entry.seq {
        return Ok(None);
    }
    let checkpoint = Note::parse(&text)
        .map_err(|e| StoreError::Corrupt(format!("checkpoint {}: {e}", cp.size)))?;
    Ok(Some(TlogProof {
        extra: None,
        index: entry.seq,
        proof: inclusion_proof(store, entry.seq, cp.size).await?,
        checkpoint,
    }))
}

/// The bundle of `entry`, with its inclusion proof once a checkpoint covers it.
///
/// # Errors
/// Storage failures.
pub async fn bundle_with_inclusion(store: &Store, entry: &LogEntry) -> Result<Bundle> {
    let mut bundle = bundle_of(entry);
    let index = entry.seq;
    if let Some((cp, text)) = served_checkpoint(store).await? {
        let tree_size = cp.size;
        if tree_size > index {
            let proof = inclusion_proof(store, index, tree_size).await?;
            bundle.inclusion = Some(Inclusion {
                index,
                tree_size,
                proof: proof.iter().map(|h| HEXLOWER.encode(h)).collect(),
                checkpoint: text,
            });
        }
    }
    Ok(bundle)
}

/// The bytes of a tile: concatenated hashes for a hash tile, or length-prefixed entries
/// (2-byte big-endian length, then the JCS bytes) for an entry bundle. `None` while the
/// log has not reached the tile's end; a full tile never changes once it exists.
///
/// # Errors
/// Storage failures, a stored tree missing nodes, or an entry over 64 KiB.
pub async fn tile(store: &Store, tile: &TilePath) -> Result<Option<Vec<u8>>> {
    let size = store.log_size().await?;
    let Some((start, end)) = tile.span() else {
        return Ok(None);
    };
    match tile.level {
        Some(level) => {
            // Level L tiles hold the nodes at tree level 8L; they exist once complete.
            let tree_level = u32::from(level) * 8;
            let available = size.checked_shr(tree_level).unwrap_or(0);
            if end > available {
                return Ok(None);
            }
            let hashes = store
                .level_range(u8::try_from(tree_level).unwrap_or(u8::MAX), start, end)
                .await?;
            if hashes.len() as u64 != tile.width {
                return Err(StoreError::Corrupt("stored tree is missing nodes".into()));
            }
            Ok(Some(hashes.concat()))
        }
        None => {
            if end > size {
                return Ok(None);
            }
            let mut out = Vec::new();
            for e in store.entries(start, end).await? {
                let len = u16::try_from(e.body.len())
                    .map_err(|_| StoreError::Corrupt(format!("entry {} over 64 KiB", e.seq)))?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(e.body.as_bytes());
            }
            Ok(Some(out))
        }
    }
}

/// Why a witness's cosignatures were not accepted. Nothing was stored.
#[derive(Debug, thiserror::Error)]
pub enum CosignError {
    /// The note or its checkpoint cannot be read.
    #[error("{0}")]
    Malformed(String),
    /// The log never published a checkpoint of this size.
    #[error("no published checkpoint of size {0}")]
    Unknown(u64),
    /// The checkpoint text differs from the one the log published at that size.
    #[error("this is not the checkpoint the log published at that size")]
    NotPublished,
    /// No line is a valid cosignature by a witness this log accepts.
    #[error("no valid cosignature from a witness this log accepts")]
    NoWitness,
    /// Reading the checkpoint or storing the cosignatures failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Stores the cosignatures in `signed_note` (a published checkpoint with signature lines)
/// by the witnesses whose verifier keys are `witnesses`, and returns how many.
///
/// # Errors
/// See [`CosignError`]; at least one cosignature must be valid.
pub async fn accept_cosignatures(
    store: &Store,
    witnesses: &[String],
    signed_note: &str,
) -> std::result::Result<usize, CosignError> {
    let parsed = Note::parse(signed_note).map_err(|e| CosignError::Malformed(e.to_string()))?;
    let cp = Checkpoint::parse(&parsed.text).map_err(|e| CosignError::Malformed(e.to_string()))?;
    let stored = store
        .checkpoint(cp.size)
        .await?
        .ok_or(CosignError::Unknown(cp.size))?;
    if !stored.note.starts_with(&parsed.text)
        || stored.note.as_bytes().get(parsed.text.len()) != Some(&b'\n')
    {
        return Err(CosignError::NotPublished);
    }
    let mut accepted = 0;
    for vkey in witnesses {
        let Ok((name, _, public)) = note::parse_vkey(vkey) else {
            continue;
        };
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&public) else {
            continue;
        };
        if note::verify_cosignature(&parsed, &name, &key).is_err() {
            continue;
        }
        let kid = note::cosignature_key_id(&name, &public);
        if let Some(sig) = parsed
            .signatures
            .iter()
            .find(|s| s.name == name && s.key_id == kid)
        {
            store.add_cosignature(cp.size, &name, &sig.line()).await?;
            accepted += 1;
        }
    }
    if accepted == 0 {
        return Err(CosignError::NoWitness);
    }
    Ok(accepted)
}
