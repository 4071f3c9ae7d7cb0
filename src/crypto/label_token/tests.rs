//! Tests of signed labels: round trips, refused fields, tampering and malformed fragments;
//! `qr_fit` checks that a full unit URL still fits the QR code printed on a jar.

use data_encoding::BASE64URL_NOPAD;
use ed25519_dalek::{Signature, SigningKey};
use proptest::prelude::*;

use super::*;

mod qr_fit;

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn label() -> SignedLabel {
    SignedLabel {
        kid: "0a1b2c3d".into(),
        certificate_id: "abcdefghijklmnopqrst".into(),
        product: "Taralli pugliesi all'olio extravergine, più croccanti".into(),
        lot: "PAN-2026-11-A".into(),
        serial: 1999,
        producer: "Cooperativa Lavoro & Libertà — Casa di reclusione".into(),
        issued: "2026-11-03".into(),
    }
}

#[test]
fn a_signed_label_verifies_with_its_key() {
    let l = label();
    let fragment = l.sign(&key(1)).unwrap();
    assert!(fragment.starts_with("ol1."));
    assert!(
        fragment
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    );
    assert_eq!(
        SignedLabel::verify(&fragment, &key(1).verifying_key()),
        Ok(l.clone())
    );
    let (parsed, signature, signed) = SignedLabel::parse(&fragment).unwrap();
    assert_eq!(parsed, l);
    assert!(signed.starts_with(DOMAIN));
    key(1)
        .verifying_key()
        .verify_strict(&signed, &Signature::from_bytes(&signature))
        .unwrap();
}

#[test]
fn edge_values_round_trip() {
    for (serial, issued) in [
        (0, "1970-01-01"),
        (1, "2000-02-29"),
        (u64::MAX, "2149-06-06"),
    ] {
        let l = SignedLabel {
            serial,
            issued: issued.into(),
            lot: "!\"%&'()*+,-./:;<=>?_".into(),
            ..label()
        };
        let fragment = l.sign(&key(1)).unwrap();
        assert_eq!(
            SignedLabel::verify(&fragment, &key(1).verifying_key()),
            Ok(l)
        );
    }
}

#[test]
fn long_names_are_cut_on_a_character_boundary() {
    let l = SignedLabel {
        product: "è".repeat(40),
        producer: format!("{}è and more", "a".repeat(59)),
        ..label()
    };
    let fragment = l.sign(&key(1)).unwrap();
    let got = SignedLabel::verify(&fragment, &key(1).verifying_key()).unwrap();
    assert_eq!(got.product, "è".repeat(30));
    assert_eq!(got.producer, "a".repeat(59));
}

#[test]
fn fields_a_label_cannot_carry_are_refused() {
    let bad = [
        SignedLabel {
            kid: "0A1B2C3D".into(),
            ..label()
        },
        SignedLabel {
            kid: "0a1b2c".into(),
            ..label()
        },
        SignedLabel {
            certificate_id: "ABC".into(),
            ..label()
        },
        SignedLabel {
            certificate_id: String::new(),
            ..label()
        },
        SignedLabel {
            lot: String::new(),
            ..label()
        },
        SignedLabel {
            lot: "a".repeat(21),
            ..label()
        },
        SignedLabel {
            lot: "lotto è".into(),
            ..label()
        },
        SignedLabel {
            product: String::new(),
            ..label()
        },
        SignedLabel {
            producer: "a\u{1F}b".into(),
            ..label()
        },
        SignedLabel {
            product: "a\nb".into(),
            ..label()
        },
        SignedLabel {
            issued: "2026-02-30".into(),
            ..label()
        },
        SignedLabel {
            issued: "2026-2-3".into(),
            ..label()
        },
        SignedLabel {
            issued: "1969-12-31".into(),
            ..label()
        },
        SignedLabel {
            issued: "2149-06-07".into(),
            ..label()
        },
        SignedLabel {
            issued: "2026-11-0è".into(),
            ..label()
        },
        SignedLabel {
            issued: "2026-11-é".into(),
            ..label()
        },
        SignedLabel {
            issued: "+026-11-03".into(),
            ..label()
        },
    ];
    for l in bad {
        assert!(
            matches!(l.sign(&key(1)), Err(LabelTokenError::Field { .. })),
            "{l:?}"
        );
    }
}

#[test]
fn any_changed_character_fails() {
    let fragment = label().sign(&key(1)).unwrap();
    let public = key(1).verifying_key();
    for (i, c) in fragment.char_indices() {
        for replacement in ['A', 'f', '0', '-', '_', '.'] {
            if replacement == c {
                continue;
            }
            let mut changed = fragment.clone();
            changed.replace_range(i..=i, &replacement.to_string());
            assert!(
                SignedLabel::verify(&changed, &public).is_err(),
                "position {i}: {c} -> {replacement}"
            );
        }
    }
}

#[test]
fn another_key_fails() {
    let fragment = label().sign(&key(1)).unwrap();
    assert_eq!(
        SignedLabel::verify(&fragment, &key(2).verifying_key()),
        Err(LabelTokenError::BadSignature)
    );
}

#[test]
fn malformed_fragments_are_errors() {
    let good = label().sign(&key(1)).unwrap();
    let (payload, signature) = good["ol1.".len()..].split_once('.').unwrap();
    let short = BASE64URL_NOPAD.encode(&[0u8; 63]);
    let long_sig = BASE64URL_NOPAD.encode(&[0u8; 65]);
    let cases = [
        String::new(),
        "ol1.".into(),
        "ol1..".into(),
        format!("ol1.{payload}"),
        format!("ol1.{payload}."),
        format!(".{signature}"),
        format!("ol2.{payload}.{signature}"),
        format!("OL1.{payload}.{signature}"),
        format!("#{good}"),
        format!("ol1.{payload}.{short}"),
        format!("ol1.{payload}.{long_sig}"),
        format!("ol1.{payload}.{signature}.x"),
        format!("ol1.{payload}=.{signature}"),
        format!("ol1.{payload}.{signature}="),
        format!("ol1.{payload}+.{signature}"),
        format!("ol1.{}.{signature}", &payload[..payload.len() - 4]),
        format!("ol1.{payload}AAAA.{signature}"),
        format!("ol1.{payload}.{}", "A".repeat(2000)),
    ];
    for fragment in cases {
        assert!(
            matches!(
                SignedLabel::parse(&fragment),
                Err(LabelTokenError::Malformed(_))
            ),
            "{fragment:?}"
        );
    }
    // A payload with a non-canonical serial (leading zero byte) is refused even if signed.
    let mut raw = BASE64URL_NOPAD.decode(payload.as_bytes()).unwrap();
    raw.splice(6..7, [3, 0]);
    let fragment = format!("ol1.{}.{signature}", BASE64URL_NOPAD.encode(&raw));
    assert_eq!(
        SignedLabel::parse(&fragment).map(|_| ()),
        Err(LabelTokenError::Malformed("serial has a leading zero byte"))
    );
}

proptest! {
    #[test]
    fn parse_never_panics(s in any::<String>()) {
        let _ = SignedLabel::parse(&s);
    }

    #[test]
    fn parse_never_panics_on_token_shapes(
        payload in "[A-Za-z0-9_-]{0,260}",
        signature in "[A-Za-z0-9_-]{0,100}",
    ) {
        let _ = SignedLabel::parse(&format!("ol1.{payload}.{signature}"));
    }

    #[test]
    fn parse_never_panics_on_arbitrary_payload_bytes(
        payload in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let fragment = format!(
            "ol1.{}.{}",
            BASE64URL_NOPAD.encode(&payload),
            BASE64URL_NOPAD.encode(&[0u8; 64])
        );
        let _ = SignedLabel::parse(&fragment);
    }
}
