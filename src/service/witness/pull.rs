//! `origine witness cosign`: the witness fetches the log's checkpoint and the consistency
//! proof from what it last cosigned, and puts them to the same `add-checkpoint` checks the
//! server makes. Only the checkpoint and the proof come from the log; which logs to trust,
//! and with which keys, comes from the witness's own `--logs`.

use anyhow::{Context, anyhow, bail};
use data_encoding::HEXLOWER_PERMISSIVE;
use serde::Deserialize;

use super::protocol::{AddCheckpoint, Refusal, Witness};
use crate::log::merkle::Hash;
use crate::log::note::{Checkpoint, Note};

/// The outcome of one witness run.
#[derive(Debug)]
pub enum Outcome {
    /// Cosigned: the note with the witness's cosignature added.
    Cosigned(String),
    /// Refused, and why; nothing was remembered.
    Refused(Refusal),
}

fn get(agent: &ureq::Agent, url: &str) -> anyhow::Result<String> {
    let mut res = agent
        .get(url)
        .call()
        .with_context(|| format!("fetching {url}"))?;
    if res.status().as_u16() != 200 {
        bail!("{url} answered {}", res.status());
    }
    Ok(res
        .body_mut()
        .with_config()
        .limit(4 << 20)
        .read_to_string()?)
}

#[derive(Deserialize)]
struct ConsistencyProof {
    proof: Vec<String>,
}

/// One run against the log at `base`: fetch, check, cosign, remember; with `submit`, send
/// the cosigned checkpoint to the log, which serves it.
///
/// # Errors
/// Network, file or format failures (a refusal is an [`Outcome`], not an error).
pub fn cosign_from(base: &str, witness: &Witness, submit: bool) -> anyhow::Result<Outcome> {
    let base = base.trim_end_matches('/');
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let text = get(&agent, &format!("{base}/log/checkpoint"))?;
    let note = Note::parse(&text).map_err(|e| anyhow!("the log's checkpoint: {e}"))?;
    let cp = Checkpoint::parse(&note.text).map_err(|e| anyhow!("the log's checkpoint: {e}"))?;
    let witnessed = witness.witnessed(&cp.origin)?;
    let proof = if cp.size > witnessed.size && witnessed.size > 0 {
        let url = format!(
            "{base}/api/v1/log/proof/consistency?first={}&second={}",
            witnessed.size, cp.size
        );
        let body: ConsistencyProof =
            crate::ijson::from_str(&get(&agent, &url)?).map_err(|e| anyhow!("{url}: {e}"))?;
        body.proof
            .iter()
            .map(|h| {
                HEXLOWER_PERMISSIVE
                    .decode(h.as_bytes())
                    .ok()
                    .and_then(|b| Hash::try_from(b).ok())
                    .ok_or_else(|| anyhow!("{url}: {h:?} is not a hash"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?
    } else {
        Vec::new()
    };
    let request = AddCheckpoint {
        old: witnessed.size,
        proof,
        note: note.clone(),
    };
    let line = match witness.add_checkpoint(request.render().as_bytes())? {
        Ok(line) => line,
        Err(refusal) => return Ok(Outcome::Refused(refusal)),
    };
    let mut others = note;
    others.signatures.retain(|s| s.name != witness.name());
    let mut cosigned = others.render();
    cosigned.push_str(&line);
    if submit {
        let mut res = agent
            .post(&format!("{base}/api/v1/log/cosignatures"))
            .header("Content-Type", "application/json")
            .send(serde_json::json!({ "checkpoint": cosigned }).to_string())?;
        if res.status().as_u16() != 201 {
            bail!(
                "the log refused the cosignature: {} {}",
                res.status(),
                res.body_mut().read_to_string().unwrap_or_default()
            );
        }
    }
    Ok(Outcome::Cosigned(cosigned))
}
