//! `origine witness`: the auditor's tool. It remembers the last checkpoint it accepted for
//! a log, checks each new one is signed by the log and consistent with it (RFC 9162
//! consistency proof), refuses forks and rollbacks, and otherwise cosigns it (C2SP
//! tlog-cosignature) — so the log cannot show different histories to different people.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use data_encoding::{BASE64URL_NOPAD, HEXLOWER_PERMISSIVE};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::crypto::KeysDocument;
use crate::log::merkle::{self, Hash};
use crate::log::note::{self, Checkpoint, Note};

/// A witness's private key file (mode 0600).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessKeyFile {
    /// The witness name, e.g. `cnel.it/witness`.
    pub name: String,
    /// The 32-byte Ed25519 seed, base64url without padding.
    pub seed: String,
}

/// What the witness remembers: the last checkpoint body it accepted.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct WitnessState {
    pub origin: String,
    pub checkpoint: String,
}

/// Why a checkpoint was refused.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    #[error("the checkpoint is not signed by the log's key")]
    Unsigned,
    #[error("the checkpoint is for log {found:?}, not {expected:?}")]
    WrongOrigin { expected: String, found: String },
    #[error("rollback: the log shrank from {old} to {new} entries")]
    Rollback { old: u64, new: u64 },
    #[error("fork: two different roots for {0} entries")]
    Fork(u64),
    #[error(
        "inconsistent: the tree of {new} entries does not extend the accepted tree of {old} ({why})"
    )]
    Inconsistent { old: u64, new: u64, why: String },
}

/// Creates a witness key file and returns the verifier key to give the log operator.
///
/// # Errors
/// The file exists or cannot be written.
pub fn keygen(path: &Path, name: &str) -> anyhow::Result<String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow!("random source: {e}"))?;
    let file = WitnessKeyFile {
        name: name.to_owned(),
        seed: BASE64URL_NOPAD.encode(&seed),
    };
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    out.write_all(&serde_json::to_vec_pretty(&file)?)?;
    let public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
    let vkey = note::format_vkey(name, note::ALG_COSIGNATURE_V1, &public);
    note::parse_vkey(&vkey).map_err(|e| anyhow!("witness name {name:?}: {e}"))?;
    Ok(vkey)
}

/// Loads a witness key, refusing one readable by group or others.
///
/// # Errors
/// Unsafe permissions or a malformed file.
pub fn load_key(path: &Path) -> anyhow::Result<(String, SigningKey)> {
    let mode = fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        bail!(
            "{} is readable by group or others; run `chmod 600 {}`",
            path.display(),
            path.display()
        );
    }
    let file: WitnessKeyFile = serde_json::from_slice(&fs::read(path)?)?;
    let seed: [u8; 32] = BASE64URL_NOPAD
        .decode(file.seed.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("{}: seed is not 32 bytes", path.display()))?;
    Ok((file.name, SigningKey::from_bytes(&seed)))
}

/// Checks `note` is signed by one of the log's keys and for the log's origin.
///
/// # Errors
/// A [`Refusal`] naming what is wrong.
pub fn check_signed(
    note: &Note,
    issuer: &str,
    log_keys: &[VerifyingKey],
) -> Result<Checkpoint, Refusal> {
    if !log_keys
        .iter()
        .any(|k| note::verify(note, issuer, k).is_ok())
    {
        return Err(Refusal::Unsigned);
    }
    let cp = Checkpoint::parse(&note.text).map_err(|_| Refusal::Unsigned)?;
    if cp.origin != issuer {
        return Err(Refusal::WrongOrigin {
            expected: issuer.to_owned(),
            found: cp.origin,
        });
    }
    Ok(cp)
}

/// Decides whether `new` may follow `old`, given the consistency proof between them.
///
/// # Errors
/// A rollback, a fork or an inconsistent proof.
pub fn judge(old: &Checkpoint, new: &Checkpoint, proof: &[Hash]) -> Result<(), Refusal> {
    if new.size < old.size {
        return Err(Refusal::Rollback {
            old: old.size,
            new: new.size,
        });
    }
    if new.size == old.size {
        return if new.root == old.root {
            Ok(())
        } else {
            Err(Refusal::Fork(new.size))
        };
    }
    if old.size == 0 {
        return Ok(());
    }
    merkle::verify_consistency(old.size, new.size, &old.root, &new.root, proof).map_err(|e| {
        Refusal::Inconsistent {
            old: old.size,
            new: new.size,
            why: e.to_string(),
        }
    })
}

/// The log's public keys from its keys document (withdrawn keys excluded).
pub fn log_keys(doc: &KeysDocument) -> Vec<VerifyingKey> {
    doc.keys
        .iter()
        .filter(|k| k.status != "withdrawn")
        .filter_map(|k| {
            let b: [u8; 32] = BASE64URL_NOPAD
                .decode(k.public_key.as_bytes())
                .ok()?
                .try_into()
                .ok()?;
            VerifyingKey::from_bytes(&b).ok()
        })
        .collect()
}

fn get(agent: &ureq::Agent, url: &str) -> anyhow::Result<String> {
    let mut res = agent
        .get(url)
        .call()
        .with_context(|| format!("fetching {url}"))?;
    Ok(res
        .body_mut()
        .with_config()
        .limit(4 << 20)
        .read_to_string()?)
}

/// The outcome of one witness run.
#[derive(Debug)]
pub enum Outcome {
    /// Cosigned: the note with the witness's cosignature added.
    Cosigned(String),
    Refused(Refusal),
}

/// One witness run against the log at `base`: fetch, check, cosign, remember.
///
/// # Errors
/// Network, file or format failures (a refusal is an [`Outcome`], not an error).
pub fn run(
    base: &str,
    key_path: &Path,
    state_path: &Path,
    submit: bool,
) -> anyhow::Result<Outcome> {
    let base = base.trim_end_matches('/');
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let (name, key) = load_key(key_path)?;
    let doc: KeysDocument = serde_json::from_str(&get(
        &agent,
        &format!("{base}/.well-known/origine-keys.json"),
    )?)?;
    let text = get(&agent, &format!("{base}/log/checkpoint"))?;
    let parsed = Note::parse(&text).map_err(|e| anyhow!("checkpoint is not a signed note: {e}"))?;
    let new = match check_signed(&parsed, &doc.issuer, &log_keys(&doc)) {
        Ok(cp) => cp,
        Err(r) => return Ok(Outcome::Refused(r)),
    };
    let state: Option<WitnessState> = match fs::read(state_path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).context("reading the witness state")?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e.into()),
    };
    if let Some(state) = state.filter(|s| s.origin == doc.issuer) {
        let old =
            Checkpoint::parse(&state.checkpoint).map_err(|e| anyhow!("witness state: {e}"))?;
        let proof = if new.size > old.size && old.size > 0 {
            let url = format!(
                "{base}/api/v1/log/proof/consistency?first={}&second={}",
                old.size, new.size
            );
            let body: serde_json::Value = serde_json::from_str(&get(&agent, &url)?)?;
            body["proof"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|h| {
                            HEXLOWER_PERMISSIVE
                                .decode(h.as_str()?.as_bytes())
                                .ok()?
                                .try_into()
                                .ok()
                        })
                        .collect::<Vec<Hash>>()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        if let Err(r) = judge(&old, &new, &proof) {
            return Ok(Outcome::Refused(r));
        }
    }
    let timestamp =
        u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
    let cosignature = note::cosign(&parsed.text, &name, &key, timestamp)
        .map_err(|e| anyhow!("cosigning: {e}"))?;
    let mut cosigned = parsed.clone();
    cosigned.signatures.retain(|s| s.name != name);
    cosigned.signatures.push(cosignature);
    let rendered = cosigned.render();
    let state = WitnessState {
        origin: doc.issuer.clone(),
        checkpoint: parsed.text.clone(),
    };
    let tmp = state_path.with_extension("tmp");
    fs::write(&tmp, serde_json::to_vec_pretty(&state)?)?;
    fs::rename(&tmp, state_path)?;
    if submit {
        let mut res = agent
            .post(&format!("{base}/api/v1/log/cosignatures"))
            .header("Content-Type", "application/json")
            .send(serde_json::json!({ "checkpoint": rendered }).to_string())?;
        if res.status().as_u16() != 201 {
            bail!(
                "the log refused the cosignature: {} {}",
                res.status(),
                res.body_mut().read_to_string().unwrap_or_default()
            );
        }
    }
    Ok(Outcome::Cosigned(rendered))
}
