//! C2SP tlog-witness `add-checkpoint`: the request, the checks in the spec's order, and
//! the answer with exactly the spec's status for each refusal.

use std::sync::Mutex;

use data_encoding::BASE64;
use ed25519_dalek::SigningKey;

use super::state::{StateDir, Witnessed};
use crate::log::merkle::{self, Hash};
use crate::log::note::{self, Checkpoint, Note};
use crate::log::policy::Policy;

/// Most consistency proof lines a request may carry (the spec's limit).
pub const MAX_PROOF_LINES: usize = crate::log::proof::MAX_PROOF_LINES;

/// Largest request body a witness reads; a checkpoint with many cosignatures is a few KiB.
pub const MAX_REQUEST: usize = 64 << 10;

/// An `add-checkpoint` request body, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpoint {
    /// The size of the previous checkpoint the client believes the witness holds.
    pub old: u64,
    /// The RFC 6962 consistency proof from `old` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The checkpoint, with its signatures.
    pub note: Note,
}

impl AddCheckpoint {
    /// The request body: `old N`, one base64 hash per line, a blank line, the note.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = format!("old {}\n", self.old);
        for hash in &self.proof {
            out.push_str(&BASE64.encode(hash));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.note.render());
        out
    }

    /// Parses a request body.
    ///
    /// # Errors
    /// A description of the first thing wrong (the witness answers 400).
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        if body.len() > MAX_REQUEST {
            return Err(format!("the request is over {MAX_REQUEST} bytes"));
        }
        let text = std::str::from_utf8(body).map_err(|_| "the request is not UTF-8".to_owned())?;
        let (old_line, rest) = text
            .split_once('\n')
            .ok_or_else(|| "no old size line".to_owned())?;
        let old = old_line
            .strip_prefix("old ")
            .and_then(note::parse_decimal)
            .ok_or_else(|| format!("{old_line:?} is not `old <size>`"))?;
        let (proof, rest) = crate::log::proof::hash_lines(rest)?;
        let note = Note::parse(rest).map_err(|e| format!("the checkpoint: {e}"))?;
        Ok(Self { old, proof, note })
    }
}

/// Why a checkpoint was not cosigned, each with the spec's status ([`Refusal::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// 400: the request cannot be read.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// 404: the witness is not configured for this origin.
    #[error("this witness does not witness the log {0:?}")]
    UnknownLog(String),
    /// 403: no signature by a key the witness trusts for the origin.
    #[error("the checkpoint is not signed by the log's key")]
    Unsigned,
    /// 400: the old size is above the checkpoint's (a log that shrank).
    #[error("rollback: the log shrank from {old} to {new} entries")]
    Rollback {
        /// The request's `old` size.
        old: u64,
        /// The checkpoint's size.
        new: u64,
    },
    /// 409: the old size is not the size this witness last cosigned.
    #[error("the witness last cosigned {witnessed} entries, not {old}")]
    Conflict {
        /// The request's `old` size.
        old: u64,
        /// The size of the checkpoint the witness last cosigned for this log (0 for none);
        /// the 409 body carries it as `text/x.tlog.size`.
        witnessed: u64,
    },
    /// 409: same size as the last cosigned checkpoint, different root.
    #[error("fork: two different roots for {0} entries")]
    Fork(u64),
    /// 422: the consistency proof does not verify.
    #[error(
        "inconsistent: the tree of {new} entries does not extend the accepted tree of {old} ({why})"
    )]
    Inconsistent {
        /// The size the witness last cosigned.
        old: u64,
        /// The checkpoint's size.
        new: u64,
        /// Why the proof fails, in words.
        why: String,
    },
}

impl Refusal {
    /// The HTTP status C2SP tlog-witness gives this refusal.
    #[must_use]
    pub fn status(&self) -> u16 {
        match self {
            Self::Malformed(_) | Self::Rollback { .. } => 400,
            Self::Unsigned => 403,
            Self::UnknownLog(_) => 404,
            Self::Conflict { .. } | Self::Fork(_) => 409,
            Self::Inconsistent { .. } => 422,
        }
    }
}

/// A witness: its name and key, the logs it witnesses, and what it has cosigned.
#[derive(Debug)]
pub struct Witness {
    name: String,
    key: SigningKey,
    logs: Policy,
    state: StateDir,
    /// Held from reading the old size to persisting the new checkpoint, so two concurrent
    /// requests cannot both pass against one old size and roll the state back.
    turn: Mutex<()>,
}

impl Witness {
    /// A witness named `name` signing with `key`, witnessing the `log` lines of `logs`.
    #[must_use]
    pub fn new(name: String, key: SigningKey, logs: Policy, state: StateDir) -> Self {
        Self {
            name,
            key,
            logs,
            state,
            turn: Mutex::new(()),
        }
    }

    /// The witness's key name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The latest checkpoint cosigned for `origin`.
    ///
    /// # Errors
    /// The state cannot be read.
    pub fn witnessed(&self, origin: &str) -> anyhow::Result<Witnessed> {
        self.state.get(origin)
    }

    /// Handles one `add-checkpoint` body, in the order the spec gives; on success returns the
    /// witness's cosignature line(s), after the new checkpoint is persisted.
    ///
    /// # Errors
    /// `Ok(Err(refusal))` for each refusal the spec names; `Err` when the state cannot be
    /// read or written (a 500: nothing was cosigned).
    pub fn add_checkpoint(&self, body: &[u8]) -> anyhow::Result<Result<String, Refusal>> {
        let request = match AddCheckpoint::parse(body) {
            Ok(r) => r,
            Err(why) => return Ok(Err(Refusal::Malformed(why))),
        };
        let cp = match Checkpoint::parse(&request.note.text) {
            Ok(cp) => cp,
            Err(e) => return Ok(Err(Refusal::Malformed(format!("the checkpoint: {e}")))),
        };
        let Some(log) = self.logs.log(&cp.origin) else {
            return Ok(Err(Refusal::UnknownLog(cp.origin)));
        };
        if note::verify(&request.note, &log.origin, &log.key).is_err() {
            return Ok(Err(Refusal::Unsigned));
        }
        if request.old > cp.size {
            return Ok(Err(Refusal::Rollback {
                old: request.old,
                new: cp.size,
            }));
        }
        let _turn = self
            .turn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let witnessed = self.state.get(&cp.origin)?;
        if request.old != witnessed.size {
            return Ok(Err(Refusal::Conflict {
                old: request.old,
                witnessed: witnessed.size,
            }));
        }
        if let Err(refusal) = extends(&witnessed, &cp, &request.proof) {
            return Ok(Err(refusal));
        }
        let timestamp =
            u64::try_from(time::OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default();
        let cosignature = note::cosign(&request.note.text, &self.name, &self.key, timestamp)
            .map_err(|e| anyhow::anyhow!("cosigning: {e}"))?;
        self.state.put(&cp.origin, &request.note.render())?;
        Ok(Ok(cosignature.line()))
    }
}

/// Whether `new` (with `proof`) extends `old`: the same tree at the same size, or a
/// consistency proof from it. The empty tree is extended by any tree, with an empty proof.
///
/// # Errors
/// A fork (same size, other root, including a size-0 checkpoint whose root is not the
/// empty tree's) or an inconsistent proof.
pub fn extends(old: &Witnessed, new: &Checkpoint, proof: &[Hash]) -> Result<(), Refusal> {
    if new.size == old.size {
        return if new.root == old.root && proof.is_empty() {
            Ok(())
        } else if new.root != old.root {
            Err(Refusal::Fork(new.size))
        } else {
            Err(inconsistent(
                old,
                new,
                "a proof between equal sizes must be empty",
            ))
        };
    }
    if old.size == 0 {
        return if proof.is_empty() {
            Ok(())
        } else {
            Err(inconsistent(
                old,
                new,
                "a proof from the empty tree must be empty",
            ))
        };
    }
    merkle::verify_consistency(old.size, new.size, &old.root, &new.root, proof)
        .map_err(|e| inconsistent(old, new, &e.to_string()))
}

fn inconsistent(old: &Witnessed, new: &Checkpoint, why: &str) -> Refusal {
    Refusal::Inconsistent {
        old: old.size,
        new: new.size,
        why: why.to_owned(),
    }
}
