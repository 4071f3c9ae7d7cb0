//! RFC 8785 JSON Canonicalization Scheme and the hashes built on it.

#[cfg(test)]
mod tests;

use data_encoding::HEXLOWER;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Hash that opens the chain: the `prev` of the first log entry.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The JCS bytes of any serialisable value.
///
/// Bodies whose numbers are all integers of at most 2^53 in magnitude (every body Origine
/// signs) are written directly: strings escaped by serde_json, which escapes exactly what
/// RFC 8785 does (`"`, `\`, and U+0000–U+001F with the `\b \t \n \f \r` short forms and
/// lower-case `\u00xx` otherwise), object members sorted by UTF-16 code units. Anything
/// else (floats, larger integers) goes through `serde_jcs`. The tests prove both paths give
/// the same bytes.
///
/// # Errors
/// Fails only for values JSON cannot represent (non-finite floats, non-string map keys).
pub fn canonical<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    if let Ok(tree) = serde_json::to_value(value) {
        let mut out = Vec::with_capacity(1024);
        if write_fast(&mut out, &tree)? {
            return Ok(out);
        }
    }
    serde_jcs::to_vec(value)
}

/// Largest integer magnitude that JCS (which prints numbers as IEEE doubles) prints exactly.
const MAX_EXACT: u64 = 1 << 53;

/// Writes `value` as JCS; `false` (with `out` in an unspecified state) if it holds a number
/// this path does not handle or a null (`to_value` turns non-finite floats into nulls, which
/// `serde_jcs` refuses).
fn write_fast(out: &mut Vec<u8>, value: &Value) -> Result<bool, serde_json::Error> {
    match value {
        Value::Null => return Ok(false),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            let exact = n.as_u64().is_some_and(|u| u <= MAX_EXACT)
                || n.as_i64().is_some_and(|i| i.unsigned_abs() <= MAX_EXACT);
            if exact {
                serde_json::to_writer(&mut *out, n)?;
            } else {
                return Ok(false);
            }
        }
        Value::String(s) => serde_json::to_writer(&mut *out, s)?,
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !write_fast(out, item)? {
                    return Ok(false);
                }
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            if !members.is_sorted_by(|a, b| utf16_le(a.0, b.0)) {
                members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            }
            out.push(b'{');
            for (i, (key, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut *out, key)?;
                out.push(b':');
                if !write_fast(out, item)? {
                    return Ok(false);
                }
            }
            out.push(b'}');
        }
    }
    Ok(true)
}

/// `a <= b` in UTF-16 code unit order (RFC 8785 §3.2.3).
fn utf16_le(a: &str, b: &str) -> bool {
    a.encode_utf16().cmp(b.encode_utf16()) != std::cmp::Ordering::Greater
}

/// Lower-case hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    HEXLOWER.encode(&Sha256::digest(bytes))
}

/// RFC 6962 leaf hash: `SHA-256(0x00 ‖ entry)`.
pub fn leaf_hash(entry: &[u8]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}
