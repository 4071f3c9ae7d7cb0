//! The direct JCS writer gives the same bytes as `serde_jcs` on fixed examples and on random
//! JSON values, certificates and status entries.

use super::*;
use crate::domain::Gtin;
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
                gtin: product.2.map(Gtin::from_stored),
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
