//! Unit labels: per-unit tokens and the optional offline-checkable signed label.
//!
//! * [`unit_token`] ties a serial to its lot with a secret only the service knows, so nobody can
//!   print working labels for serials that were never issued: the QR's URL carries `?t=` with
//!   the token and the server checks it with [`token_matches`].
//! * [`SignedLabel`] is a compact Ed25519-signed summary of the unit carried in the QR's URL
//!   fragment (never sent to the server), so `origine verify --qr URL` can check a label with
//!   the public keys document and no network.

use data_encoding::{BASE32_NOPAD, BASE64URL_NOPAD, HEXLOWER};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use time::{Date, Month};

use crate::domain::digital_link::{MAX_VALUE_CHARS, is_set82};
use crate::domain::ids::is_valid_id;

/// SHA-256's block size in bytes, the HMAC `B` of RFC 2104.
const SHA256_BLOCK: usize = 64;

/// HMAC-SHA256 (RFC 2104): `H((K ^ opad) ‖ H((K ^ ipad) ‖ message))`, where `K` is the key
/// hashed first if it is longer than a block, then padded with zeros to a block.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; SHA256_BLOCK];
    if key.len() > SHA256_BLOCK {
        let hashed: [u8; 32] = Sha256::digest(key).into();
        block[..32].copy_from_slice(&hashed);
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad = block.map(|b| b ^ 0x36);
    let opad = block.map(|b| b ^ 0x5c);
    let inner: [u8; 32] = Sha256::new()
        .chain_update(ipad)
        .chain_update(message)
        .finalize()
        .into();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// The token printed in a unit's URL: the first 10 bytes (80 bits) of
/// HMAC-SHA256(lot_secret, certificate_id ‖ 0x00 ‖ serial in decimal ASCII), as 16 characters
/// of lower-case base32 without padding.
///
/// The 0x00 separates the two parts unambiguously: certificate ids never contain it.
pub fn unit_token(lot_secret: &[u8; 32], certificate_id: &str, serial: u64) -> String {
    let mut message = Vec::with_capacity(certificate_id.len() + 21);
    message.extend_from_slice(certificate_id.as_bytes());
    message.push(0x00);
    message.extend_from_slice(serial.to_string().as_bytes());
    let mac = hmac_sha256(lot_secret, &message);
    BASE32_NOPAD.encode(&mac[..10]).to_ascii_lowercase()
}

/// Whether `given` (from a scanned URL) is the `expected` token, ignoring ASCII case.
///
/// Takes the same time wherever the first difference is: every byte is compared. Only the
/// length, which is public (16), can end the comparison early.
pub fn token_matches(expected: &str, given: &str) -> bool {
    let (expected, given) = (expected.as_bytes(), given.as_bytes());
    if expected.len() != given.len() {
        return false;
    }
    let diff = expected.iter().zip(given).fold(0u8, |acc, (a, b)| {
        acc | (a.to_ascii_lowercase() ^ b.to_ascii_lowercase())
    });
    std::hint::black_box(diff) == 0
}

/// What every signed label fragment starts with: format `ol1` (origine label, version 1).
pub const PREFIX: &str = "ol1.";

/// Prepended to the payload before signing and verifying, never transmitted, so a label
/// signature can never be mistaken for a signature over anything else the issuer key signs.
pub const DOMAIN: &[u8] = b"origine/label/v1\n";

/// Longest product name and producer name kept in a label, in UTF-8 bytes.
///
/// The QR code must stay small enough to print on a jar, and its capacity is counted in bytes,
/// so the cap is in bytes (60 ASCII characters; fewer when accented letters take two bytes).
/// Longer names are cut on a character boundary when signing; the certificate page shows the
/// full text.
pub const MAX_NAME_BYTES: usize = 60;

/// Longest fragment [`SignedLabel::parse`] looks at; real ones are about 320 characters.
const MAX_FRAGMENT_CHARS: usize = 1024;

/// The dates a label can carry: days since 1970-01-01 fit 16 bits.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

/// The signed summary of one unit carried in a QR code's URL fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedLabel {
    /// Key ID of the signing key: 8 lower-case hex digits.
    pub kid: String,
    pub certificate_id: String,
    /// Product name, at most [`MAX_NAME_BYTES`] bytes once signed.
    pub product: String,
    /// Lot code, as in AI 10 of the Digital Link: 1–20 characters of GS1 set 82.
    pub lot: String,
    pub serial: u64,
    /// Producer name, at most [`MAX_NAME_BYTES`] bytes once signed.
    pub producer: String,
    /// Issue date, `YYYY-MM-DD`, from 1970-01-01 to 2149-06-06.
    pub issued: String,
}

/// Why a label could not be signed, parsed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelTokenError {
    #[error("{field}: {reason}")]
    Field {
        field: &'static str,
        reason: &'static str,
    },
    #[error("malformed label token: {0}")]
    Malformed(&'static str),
    #[error("label signature does not verify with this key")]
    BadSignature,
}

fn field(field: &'static str, reason: &'static str) -> LabelTokenError {
    LabelTokenError::Field { field, reason }
}

/// `s` cut to at most `max` bytes on a character boundary.
fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn check_name(name: &'static str, value: &str) -> Result<(), LabelTokenError> {
    if value.is_empty() {
        return Err(field(name, "is empty"));
    }
    if value.len() > MAX_NAME_BYTES {
        return Err(field(name, "is longer than 60 bytes"));
    }
    if value.chars().any(char::is_control) {
        return Err(field(name, "contains a control character"));
    }
    Ok(())
}

fn check_lot(lot: &str) -> Result<(), LabelTokenError> {
    if lot.is_empty() || lot.len() > MAX_VALUE_CHARS || !lot.chars().all(is_set82) {
        return Err(field(
            "lot",
            "must be 1 to 20 characters of GS1 character set 82",
        ));
    }
    Ok(())
}

fn kid_bytes(kid: &str) -> Result<[u8; 4], LabelTokenError> {
    let err = || field("kid", "must be 8 lower-case hex digits");
    let bytes = HEXLOWER.decode(kid.as_bytes()).map_err(|_| err())?;
    bytes.try_into().map_err(|_| err())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
fn date_to_days(issued: &str) -> Result<u16, LabelTokenError> {
    let err = || {
        field(
            "issued",
            "must be a date YYYY-MM-DD from 1970-01-01 to 2149-06-06",
        )
    };
    let b = issued.as_bytes();
    if !issued.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(err());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u16, LabelTokenError> {
        let part = &issued[r];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        part.parse().map_err(|_| err())
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(err)?;
    let day = u8::try_from(day).map_err(|_| err())?;
    let date = Date::from_calendar_date(i32::from(year), month, day).map_err(|_| err())?;
    u16::try_from(date.to_julian_day() - EPOCH_JULIAN_DAY).map_err(|_| err())
}

fn days_to_date(days: u16) -> String {
    // Every u16 day count is a valid date (1970-01-01 to 2149-06-06).
    Date::from_julian_day(EPOCH_JULIAN_DAY + i32::from(days))
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}

/// Reads the payload back, field by field.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LabelTokenError> {
        if self.0.len() < n {
            return Err(LabelTokenError::Malformed("payload is truncated"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, LabelTokenError> {
        Ok(self.take(1)?[0])
    }

    fn string(&mut self) -> Result<String, LabelTokenError> {
        let len = usize::from(self.byte()?);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| LabelTokenError::Malformed("a text field is not UTF-8"))
    }
}

impl SignedLabel {
    /// The payload: a compact binary encoding, every variable-length part prefixed by its length,
    /// so no byte value needs escaping and no two labels share an encoding.
    ///
    /// ```text
    /// kid              4 bytes (the 8 hex digits)
    /// issued           2 bytes, big-endian days since 1970-01-01
    /// serial           1 length byte (0–8), then the serial big-endian without leading zero bytes
    /// certificate_id   1 length byte, UTF-8
    /// lot              1 length byte, UTF-8
    /// product          1 length byte, UTF-8
    /// producer         1 length byte, UTF-8
    /// ```
    ///
    /// Binary fields rather than text joined by separators save about 20 bytes, which keeps a
    /// full unit URL with its fragment inside a version 15 QR code.
    fn payload(&self) -> Result<Vec<u8>, LabelTokenError> {
        let kid = kid_bytes(&self.kid)?;
        if !is_valid_id(&self.certificate_id) {
            return Err(field(
                "certificate_id",
                "must be 1 to 24 characters of lower-case base32",
            ));
        }
        check_lot(&self.lot)?;
        let days = date_to_days(&self.issued)?;
        let product = truncate_bytes(&self.product, MAX_NAME_BYTES);
        let producer = truncate_bytes(&self.producer, MAX_NAME_BYTES);
        check_name("product", product)?;
        check_name("producer", producer)?;

        let serial = self.serial.to_be_bytes();
        let serial = &serial[serial.iter().take_while(|&&b| b == 0).count()..];
        let mut out = Vec::with_capacity(96 + product.len() + producer.len());
        out.extend_from_slice(&kid);
        out.extend_from_slice(&days.to_be_bytes());
        for part in [
            serial,
            self.certificate_id.as_bytes(),
            self.lot.as_bytes(),
            product.as_bytes(),
            producer.as_bytes(),
        ] {
            // Every part was checked to be at most 60 bytes above.
            out.push(u8::try_from(part.len()).unwrap_or(u8::MAX));
            out.extend_from_slice(part);
        }
        Ok(out)
    }

    /// The fragment (without '#'): `"ol1." + base64url(payload) + "." + base64url(signature)`,
    /// the signature over `"origine/label/v1\n" ‖ payload`.
    ///
    /// Product and producer are cut to [`MAX_NAME_BYTES`] bytes on a character boundary, so a
    /// label always fits its QR code; the certificate page shows the full text.
    ///
    /// # Errors
    /// A field the label cannot carry: kid not 8 lower-case hex digits, a certificate id that is
    /// not one, a lot outside GS1 AI 10 syntax, a date out of range, an empty product or producer,
    /// or one with control characters.
    pub fn sign(&self, key: &SigningKey) -> Result<String, LabelTokenError> {
        let payload = self.payload()?;
        let mut signed = DOMAIN.to_vec();
        signed.extend_from_slice(&payload);
        let signature = key.sign(&signed);
        Ok(format!(
            "{PREFIX}{}.{}",
            BASE64URL_NOPAD.encode(&payload),
            BASE64URL_NOPAD.encode(&signature.to_bytes())
        ))
    }

    /// Splits and decodes a fragment without checking its signature.
    ///
    /// Returns the label, the signature and the bytes it must cover (domain prefix included).
    ///
    /// # Errors
    /// Anything other than a well-formed `ol1.` token holding valid fields.
    pub fn parse(fragment: &str) -> Result<(Self, [u8; 64], Vec<u8>), LabelTokenError> {
        use LabelTokenError::Malformed;
        if fragment.len() > MAX_FRAGMENT_CHARS {
            return Err(Malformed("too long"));
        }
        let rest = fragment
            .strip_prefix(PREFIX)
            .ok_or(Malformed("does not start with \"ol1.\""))?;
        let (payload, signature) = rest
            .split_once('.')
            .ok_or(Malformed("missing the signature part"))?;
        let payload = BASE64URL_NOPAD
            .decode(payload.as_bytes())
            .map_err(|_| Malformed("payload is not base64url"))?;
        let signature: [u8; 64] = BASE64URL_NOPAD
            .decode(signature.as_bytes())
            .map_err(|_| Malformed("signature is not base64url"))?
            .try_into()
            .map_err(|_| Malformed("signature is not 64 bytes"))?;

        let mut r = Reader(&payload);
        let kid = HEXLOWER.encode(r.take(4)?);
        let days = u16::from_be_bytes([r.byte()?, r.byte()?]);
        let serial_len = usize::from(r.byte()?);
        if serial_len > 8 {
            return Err(Malformed("serial is longer than 8 bytes"));
        }
        let serial_bytes = r.take(serial_len)?;
        if serial_bytes.first() == Some(&0) {
            return Err(Malformed("serial has a leading zero byte"));
        }
        let serial = serial_bytes
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let label = Self {
            kid,
            certificate_id: r.string()?,
            lot: r.string()?,
            product: r.string()?,
            producer: r.string()?,
            serial,
            issued: days_to_date(days),
        };
        if !r.0.is_empty() {
            return Err(Malformed("trailing bytes after the payload"));
        }
        // Only what `sign` can produce is accepted.
        if label.payload()? != payload {
            return Err(Malformed("payload is not in canonical form"));
        }
        let mut signed = DOMAIN.to_vec();
        signed.extend_from_slice(&payload);
        Ok((label, signature, signed))
    }

    /// Parses and verifies with `key` (strict Ed25519 verification).
    ///
    /// The caller picks `key` from the keys document by the label's `kid` and checks that the
    /// key was valid on the `issued` date.
    ///
    /// # Errors
    /// A malformed fragment, or a signature that `key` did not make over these bytes.
    pub fn verify(fragment: &str, key: &VerifyingKey) -> Result<Self, LabelTokenError> {
        let (label, signature, signed) = Self::parse(fragment)?;
        key.verify_strict(&signed, &Signature::from_bytes(&signature))
            .map_err(|_| LabelTokenError::BadSignature)?;
        Ok(label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use qrcode::{EcLevel, QrCode, Version};

    fn hex(s: &str) -> Vec<u8> {
        HEXLOWER.decode(s.as_bytes()).unwrap()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // RFC 4231 §4.2, §4.3, §4.4 and §4.7: test cases 1, 2, 3 and 6, HMAC-SHA-256.
        let cases: [(Vec<u8>, Vec<u8>, &str); 4] = [
            (
                vec![0x0b; 20],
                b"Hi There".to_vec(),
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?".to_vec(),
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                vec![0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, data, want) in cases {
            assert_eq!(hmac_sha256(&key, &data).to_vec(), hex(want));
        }
    }

    #[test]
    fn unit_tokens_are_16_base32_characters_bound_to_their_inputs() {
        let secret = [42u8; 32];
        let t = unit_token(&secret, "abcdefghijklmnopqrst", 17);
        assert_eq!(t.len(), 16);
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
        );
        // The definition, spelled out.
        let mac = hmac_sha256(&secret, b"abcdefghijklmnopqrst\x0017");
        assert_eq!(t, BASE32_NOPAD.encode(&mac[..10]).to_ascii_lowercase());
        assert_eq!(t, unit_token(&secret, "abcdefghijklmnopqrst", 17));
        assert_ne!(t, unit_token(&secret, "abcdefghijklmnopqrst", 18));
        assert_ne!(t, unit_token(&secret, "abcdefghijklmnopqrsu", 17));
        assert_ne!(t, unit_token(&[43u8; 32], "abcdefghijklmnopqrst", 17));
        // The separator keeps "…1" + 23 apart from "…12" + 3.
        assert_ne!(unit_token(&secret, "a1", 23), unit_token(&secret, "a12", 3));
    }

    #[test]
    fn tokens_match_ignoring_case_only() {
        let t = unit_token(&[1u8; 32], "abcdefghijklmnopqrst", 1);
        assert!(token_matches(&t, &t));
        assert!(token_matches(&t, &t.to_ascii_uppercase()));
        assert!(!token_matches(&t, &t[..15]));
        assert!(!token_matches(&t, &format!("{t}a")));
        assert!(!token_matches(&t, ""));
        for i in 0..t.len() {
            let mut other = t.clone().into_bytes();
            other[i] = if other[i] == b'a' { b'b' } else { b'a' };
            assert!(!token_matches(&t, &String::from_utf8(other).unwrap()));
        }
    }

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

    /// The QR version of the full unit URL with the label in its fragment.
    fn qr_version(lot: &str, serial: u64, label: &SignedLabel) -> i16 {
        let fragment = label.sign(&key(1)).unwrap();
        let url = format!(
            "https://origine.example.it/01/08012345678907/10/{lot}/21/{serial}?t=abcdefghijklmnop#{fragment}"
        );
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        match code.version() {
            Version::Normal(v) => {
                println!("{} bytes -> QR version {v}-M", url.len());
                v
            }
            Version::Micro(v) => panic!("micro QR {v}"),
        }
    }

    #[test]
    fn a_full_unit_url_fits_qr_version_15_m() {
        let l = SignedLabel {
            product: format!(
                "{:-<60.60}",
                "Pasta di semola di grano duro trafilata al bronzo, 500 g"
            ),
            producer: format!(
                "{:-<60.60}",
                "Cooperativa sociale Lavoro e Dignita, Casa circondariale"
            ),
            ..label()
        };
        assert_eq!(l.product.chars().count(), 60);
        assert_eq!(l.producer.chars().count(), 60);
        assert!(qr_version("PAN-2026-11-A", 1999, &l) <= 15);
        // Accented names are cut to 60 bytes, so they cannot make the code larger.
        let accented = SignedLabel {
            product: "à".repeat(60),
            producer: "è".repeat(60),
            ..label()
        };
        assert!(qr_version("PAN-2026-11-A", 1999, &accented) <= 15);
    }

    #[test]
    fn the_largest_realistic_label_fits_qr_version_15_m() {
        // A 20-character lot, the largest lot's last serial, both names at their cap.
        let l = SignedLabel {
            lot: "ABCDEFGHIJ-2026-11-Z".into(),
            // The largest lot (`domain::lot::MAX_QUANTITY`) has 10 million units.
            serial: 10_000_000,
            product: "p".repeat(60),
            producer: "q".repeat(60),
            ..label()
        };
        assert!(qr_version(&l.lot, l.serial, &l) <= 15);
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
}
