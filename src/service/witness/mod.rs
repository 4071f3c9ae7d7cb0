//! The witness: the CNEL auditor's (or anyone's) check that the log shows one history to
//! everyone. It is configured with the logs it witnesses (origin and key, from a
//! tlog-policy file) and learns nothing from them; for each origin it remembers the last
//! checkpoint it cosigned, and cosigns a new one (C2SP tlog-cosignature) only when it is
//! signed by the log and consistent with that one (RFC 9162 consistency proof).
//!
//! [`protocol`] is C2SP tlog-witness `add-checkpoint`, which both ways of running share:
//! [`server`] answers it over HTTP (`origine witness serve`, the log pushes), and [`pull`]
//! fetches the log's checkpoint and proof and puts them to the same checks
//! (`origine witness cosign`). [`state`] keeps what was cosigned, durably and under a lock.

pub mod protocol;
pub mod pull;
pub mod server;
pub mod state;

pub use protocol::{AddCheckpoint, Refusal, Witness};
pub use pull::{Outcome, cosign_from};

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};

use crate::log::note;
use crate::log::policy::Policy;

/// A witness's private key file (mode 0600).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessKeyFile {
    /// The witness name, e.g. `cnel.it/witness`.
    pub name: String,
    /// The 32-byte Ed25519 seed, base64url without padding.
    pub seed: String,
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
    let file: WitnessKeyFile = crate::ijson::from_slice(&fs::read(path)?)
        .map_err(|e| anyhow!("{}: {e}", path.display()))?;
    let seed: [u8; 32] = BASE64URL_NOPAD
        .decode(file.seed.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("{}: seed is not 32 bytes", path.display()))?;
    Ok((file.name, SigningKey::from_bytes(&seed)))
}

/// Opens a witness from its key file, its `--logs` file and its state directory.
///
/// # Errors
/// An unsafe or malformed key, a logs file that is not a tlog-policy list of logs, or a
/// state directory that cannot be opened or is in use.
pub fn open(key_path: &Path, logs_path: &Path, state_dir: &Path) -> anyhow::Result<Witness> {
    let (name, key) = load_key(key_path)?;
    let text = fs::read_to_string(logs_path)
        .with_context(|| format!("reading {}", logs_path.display()))?;
    let logs = Policy::parse_logs(&text).map_err(|e| anyhow!("{}: {e}", logs_path.display()))?;
    let state = state::StateDir::open(state_dir)?;
    Ok(Witness::new(name, key, logs, state))
}
