//! C2SP tlog-proof: a self-contained, offline-verifiable proof that an entry is in the
//! log — the entry's index, its RFC 6962 inclusion proof and the checkpoint it is proved
//! against, with the witnesses' cosignatures. A buyer keeps the file beside the bundle and
//! checks both with `origine verify BUNDLE --proof FILE --policy FILE`, against a policy of
//! trusted log and witness keys instead of anyone's word.

use data_encoding::BASE64;

use super::merkle::{self, Hash};
use super::note::{self, Checkpoint, Note};
use super::policy::Policy;

/// The first line of every proof.
pub const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Most inclusion proof lines accepted: a tree of 2^63 leaves needs 63.
pub const MAX_PROOF_LINES: usize = 63;

/// A parsed tlog-proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque, unauthenticated extra data (never trusted).
    pub extra: Option<Vec<u8>>,
    /// The entry's 0-based index in the log.
    pub index: u64,
    /// The inclusion proof, from the leaf's sibling up to the root's child.
    pub proof: Vec<Hash>,
    /// The checkpoint the proof is against, with its signatures.
    pub checkpoint: Note,
}

impl TlogProof {
    /// The proof as a `.tlog-proof` file.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", BASE64.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for hash in &self.proof {
            out.push_str(&BASE64.encode(hash));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint.render());
        out
    }

    /// Parses a proof file.
    ///
    /// # Errors
    /// A description of the first line that breaks the format.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut rest = text;
        let mut line = || -> Result<&str, String> {
            let (line, after) = rest
                .split_once('\n')
                .ok_or_else(|| "the proof ends before its checkpoint".to_owned())?;
            rest = after;
            Ok(line)
        };
        if line()? != HEADER {
            return Err(format!("the first line is not {HEADER:?}"));
        }
        let mut next = line()?;
        let extra = match next.strip_prefix("extra ") {
            Some(b64) => {
                let bytes = BASE64
                    .decode(b64.as_bytes())
                    .map_err(|_| "the extra line is not base64".to_owned())?;
                next = line()?;
                Some(bytes)
            }
            None => None,
        };
        let index = next
            .strip_prefix("index ")
            .and_then(note::parse_decimal)
            .ok_or_else(|| format!("{next:?} is not `index <N>`"))?;
        let (proof, rest) = hash_lines(rest)?;
        let checkpoint = Note::parse(rest).map_err(|e| format!("the checkpoint: {e}"))?;
        Ok(Self {
            extra,
            index,
            proof,
            checkpoint,
        })
    }

    /// Checks that `leaf` is at [`Self::index`] of a tree whose checkpoint is signed by a
    /// log of `policy` and cosigned to its quorum.
    ///
    /// # Errors
    /// Each reason the proof does not hold, in words.
    pub fn verify(&self, leaf: &Hash, policy: &Policy) -> Result<Checkpoint, String> {
        let cp =
            Checkpoint::parse(&self.checkpoint.text).map_err(|e| format!("the checkpoint: {e}"))?;
        let log = policy
            .log(&cp.origin)
            .ok_or_else(|| format!("the policy has no log {:?}", cp.origin))?;
        note::verify(&self.checkpoint, &log.origin, &log.key)
            .map_err(|e| format!("the checkpoint is not signed by the policy's log key: {e}"))?;
        if !policy.quorum_met(&self.checkpoint) {
            return Err("the checkpoint's cosignatures do not meet the policy's quorum".into());
        }
        merkle::verify_inclusion(self.index, cp.size, leaf, &self.proof, &cp.root).map_err(
            |e| {
                format!(
                    "the entry is not at index {} of the checkpoint: {e}",
                    self.index
                )
            },
        )?;
        Ok(cp)
    }
}

/// The hash lines that start `text` up to a blank line — a proof as C2SP tlog-proof and
/// tlog-witness write it: at most [`MAX_PROOF_LINES`], each one standard base64 SHA-256 hash.
/// Returns them and the text after the blank line.
///
/// # Errors
/// More lines than allowed, a line that is not a base64 hash, or no blank line.
pub fn hash_lines(mut text: &str) -> Result<(Vec<Hash>, &str), String> {
    let mut hashes = Vec::new();
    loop {
        let (line, rest) = text
            .split_once('\n')
            .ok_or_else(|| "no blank line before the checkpoint".to_owned())?;
        text = rest;
        if line.is_empty() {
            return Ok((hashes, text));
        }
        if hashes.len() == MAX_PROOF_LINES {
            return Err(format!("more than {MAX_PROOF_LINES} proof lines"));
        }
        let hash = BASE64
            .decode(line.as_bytes())
            .ok()
            .and_then(|b| Hash::try_from(b).ok())
            .ok_or_else(|| format!("proof line {} is not a base64 hash", hashes.len() + 1))?;
        hashes.push(hash);
    }
}

#[cfg(test)]
mod tests;
