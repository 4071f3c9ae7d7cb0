//! The C2SP tlog-checkpoint body: origin, tree size, root hash and extension lines.

use data_encoding::BASE64;

use super::signed::check_text;
use super::{NoteError, decode_base64};

/// The text of a C2SP checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Log identity, non-empty (by convention a schema-less URL).
    pub origin: String,
    /// Number of leaves in the tree.
    pub size: u64,
    /// RFC 6962 Merkle tree root hash at `size`.
    pub root: [u8; 32],
    /// Optional extension lines, each non-empty and without the newline.
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: `<origin>\n<size>\n<base64 root>\n` then one line per extension.
    ///
    /// The result only parses back if the origin and extensions are non-empty and contain
    /// no newline or control character.
    #[must_use]
    pub fn body(&self) -> String {
        let mut body = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            BASE64.encode(&self.root)
        );
        for extension in &self.extensions {
            body.push_str(extension);
            body.push('\n');
        }
        body
    }

    /// Parses a checkpoint note text (the part of the note before the blank line).
    ///
    /// # Errors
    /// Text not ending in a newline or holding control characters, fewer than three lines,
    /// an empty line, an empty origin, a tree size that is not canonical decimal within
    /// `u64`, or a root hash that is not the standard base64 of 32 bytes.
    pub fn parse(body: &str) -> Result<Self, NoteError> {
        check_text(body)?;
        let lines: Vec<&str> = body[..body.len() - 1].split('\n').collect();
        if lines.len() < 3 {
            return Err(NoteError::CheckpointTooShort);
        }
        if lines[0].is_empty() {
            return Err(NoteError::EmptyOrigin);
        }
        if let Some(i) = lines.iter().position(|l| l.is_empty()) {
            return Err(NoteError::EmptyLine(i + 1));
        }
        let size = parse_decimal(lines[1])
            .ok_or_else(|| NoteError::InvalidTreeSize(lines[1].to_owned()))?;
        let root = decode_base64(lines[2])
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| NoteError::InvalidRootHash(lines[2].to_owned()))?;
        Ok(Self {
            origin: lines[0].to_owned(),
            size,
            root,
            extensions: lines[3..].iter().map(|l| (*l).to_owned()).collect(),
        })
    }
}

/// ASCII decimal without sign or leading zeroes (except `0` itself), within `u64`: how
/// C2SP formats write sizes and indexes.
#[must_use]
pub fn parse_decimal(s: &str) -> Option<u64> {
    let canonical =
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'));
    if canonical { s.parse().ok() } else { None }
}
