//! RFC 8785 JSON Canonicalization Scheme and the hashes built on it.

use data_encoding::HEXLOWER;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Hash that opens the chain: the `prev` of the first log entry.
pub const ZERO_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The JCS bytes of any serialisable value.
///
/// # Errors
/// Fails only for values JSON cannot represent (non-finite floats, non-string map keys).
pub fn canonical<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_jcs::to_vec(value)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_and_whitespace_removed() {
        let v = json!({"b": 1, "a": {"d": [true, null], "c": "é"}});
        let bytes = canonical(&v).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            r#"{"a":{"c":"é","d":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn keys_sort_by_utf16_code_units() {
        // RFC 8785 §3.2.3: "\u{10000}" (surrogate pair D800 DC00) sorts before "\u{ffff}".
        let v = json!({"\u{ffff}": 1, "\u{10000}": 2});
        let text = String::from_utf8(canonical(&v).unwrap()).unwrap();
        assert_eq!(text, "{\"\u{10000}\":2,\"\u{ffff}\":1}");
    }

    #[test]
    fn control_characters_are_escaped_as_rfc8785_says() {
        let v = json!({"s": "a\u{1}\n\"\\/"});
        let text = String::from_utf8(canonical(&v).unwrap()).unwrap();
        assert_eq!(text, r#"{"s":"a\u0001\n\"\\/"}"#);
    }
}
