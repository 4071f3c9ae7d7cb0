//! RFC 8785 JSON Canonicalization Scheme and the hashes built on it.

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::certificate::{Certificate, InstituteRef, IssuerRef, LotRef, ProducerRef};
    use crate::domain::lot::{Claims, EvidenceRequest, Product};
    use crate::domain::status::StatusEntry;
    use proptest::prelude::*;
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

    /// Strings with what JCS treats specially: control characters, quotes, backslashes,
    /// solidus, DEL, non-ASCII, private-use BMP characters and emoji (surrogate pairs).
    fn tricky_string() -> impl Strategy<Value = String> {
        let ch = prop_oneof![
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap_or('?')),
            Just('"'),
            Just('\\'),
            Just('/'),
            Just('\u{7f}'),
            Just('é'),
            Just('\u{2028}'),
            Just('\u{e000}'),
            Just('\u{ffff}'),
            Just('😀'),
            Just('\u{10000}'),
            any::<char>(),
            proptest::char::range('a', 'z'),
        ];
        proptest::collection::vec(ch, 0..12).prop_map(|cs| cs.into_iter().collect())
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<u64>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            (0u64..=(1 << 54)).prop_map(Value::from),
            (-(1i64 << 54)..(1i64 << 54)).prop_map(Value::from),
            (-1e22f64..1e22).prop_map(Value::from),
            tricky_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((tricky_string(), inner), 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn issuer() -> impl Strategy<Value = IssuerRef> {
        (tricky_string(), tricky_string()).prop_map(|(name, kid)| IssuerRef { name, kid })
    }

    fn certificate() -> impl Strategy<Value = Certificate> {
        let head = (
            tricky_string(),
            tricky_string(),
            any::<u64>(),
            tricky_string(),
            issuer(),
            tricky_string(),
        );
        let parties = (
            proptest::collection::vec(tricky_string(), 8),
            (
                tricky_string(),
                tricky_string(),
                proptest::option::of(tricky_string()),
            ),
        );
        let lot = (
            tricky_string(),
            any::<u64>(),
            proptest::collection::vec(tricky_string(), 3),
            any::<bool>(),
        );
        let claims = (
            any::<u32>(),
            any::<u32>(),
            any::<u64>(),
            any::<u64>(),
            tricky_string(),
            proptest::option::of(tricky_string()),
            proptest::collection::vec(
                (tricky_string(), tricky_string())
                    .prop_map(|(label, sha256)| EvidenceRequest { label, sha256 }),
                0..3,
            ),
        );
        (head, parties, lot, claims).prop_map(
            |((format, id, seq, issued_at, issuer, prev), (p, product), lot, claims)| Certificate {
                format,
                id,
                seq,
                issued_at,
                issuer,
                producer: ProducerRef {
                    id: p[0].clone(),
                    name: p[1].clone(),
                    legal_form: p[2].clone(),
                    vat_number: p[3].clone(),
                },
                institute: InstituteRef {
                    code: p[4].clone(),
                    name: p[5].clone(),
                    city: p[6].clone(),
                    region: p[7].clone(),
                },
                product: Product {
                    name: product.0,
                    category: product.1,
                    gtin: product.2,
                },
                lot: LotRef {
                    code: lot.0,
                    quantity: lot.1,
                    unit: lot.2[0].clone(),
                    produced_from: lot.2[1].clone(),
                    produced_to: lot.2[2].clone(),
                    serialised: lot.3,
                },
                claims: Claims {
                    detained_workers: claims.0,
                    total_workers: claims.1,
                    work_hours: claims.2,
                    training_hours: claims.3,
                    employment: claims.4,
                    statement: claims.5,
                    evidence: claims.6,
                },
                prev,
            },
        )
    }

    fn status() -> impl Strategy<Value = StatusEntry> {
        (
            tricky_string(),
            any::<u64>(),
            proptest::option::of(tricky_string()),
            proptest::option::of(tricky_string()),
            proptest::collection::vec(tricky_string(), 4),
            issuer(),
        )
            .prop_map(
                |(format, seq, certificate, producer, s, issuer)| StatusEntry {
                    format,
                    seq,
                    certificate,
                    producer,
                    status: s[0].clone(),
                    reason: s[1].clone(),
                    effective_at: s[2].clone(),
                    issuer,
                    prev: s[3].clone(),
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn values_match_serde_jcs(v in json_value()) {
            prop_assert_eq!(canonical(&v).ok(), serde_jcs::to_vec(&v).ok());
        }

        #[test]
        fn certificates_match_serde_jcs(c in certificate()) {
            prop_assert_eq!(canonical(&c).unwrap(), serde_jcs::to_vec(&c).unwrap());
        }

        #[test]
        fn status_entries_match_serde_jcs(s in status()) {
            prop_assert_eq!(canonical(&s).unwrap(), serde_jcs::to_vec(&s).unwrap());
        }
    }

    #[test]
    fn non_finite_floats_take_the_serde_jcs_path() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(canonical(&v).ok(), serde_jcs::to_vec(&v).ok());
            assert_eq!(canonical(&[v]).ok(), serde_jcs::to_vec(&[v]).ok());
        }
    }
}
