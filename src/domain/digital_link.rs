//! GS1 Digital Link URIs for unit labels: `{base}/01/{gtin}/10/{lot}/21/{serial}`.
//!
//! Implements the part of the GS1 Digital Link Standard: URI Syntax (v1.4 and later) that a unit
//! label needs: the primary key GTIN (AI 01) with its key qualifiers batch/lot (AI 10) and serial
//! number (AI 21), as path segments under any base URL. Query strings (data attributes) and
//! fragments are handled by the caller, which also strips any base path before `/01/`.
//!
//! The callers must pass the *raw* (still percent-encoded) path, as in `Uri::path()`: a value may
//! hold an encoded `/` (`%2F`), which a path that was decoded first can no longer tell apart from a
//! separator.

use std::fmt::Write as _;

use super::gtin::check_digit;

/// Longest value of AI 10 (batch/lot) and AI 21 (serial): GS1 General Specifications give both
/// the format `X..20`, 1 to 20 characters of character set 82.
pub const MAX_VALUE_CHARS: usize = 20;

/// A unit's GS1 Digital Link: GTIN, optional lot, optional serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigitalLink {
    /// Always 14 digits: GS1 DL says GTIN-8, -12 and -13 are written as GTIN-14 with leading zeros.
    pub gtin: String,
    /// AI 10, batch/lot: 1–20 characters of set 82, not percent-encoded.
    pub lot: Option<String>,
    /// AI 21, serial number: 1–20 characters of set 82, not percent-encoded.
    pub serial: Option<String>,
}

/// Why a Digital Link path was rejected; each message names the part at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("gtin: missing; the path must start with /01/ followed by the GTIN")]
    MissingGtin,
    #[error("primary key: must be 01 (GTIN), found {0:?}")]
    NotGtin(String),
    #[error("gtin: must be 8, 12, 13 or 14 digits")]
    GtinFormat,
    #[error("gtin: wrong check digit")]
    GtinCheckDigit,
    #[error("{ai}: value is empty")]
    EmptyValue { ai: &'static str },
    #[error("{ai}: value is longer than 20 characters")]
    TooLong { ai: &'static str },
    #[error("{ai}: invalid percent-encoding")]
    BadPercentEncoding { ai: &'static str },
    #[error("{ai}: character {ch:?} is not in the GS1 AI encodable character set 82")]
    BadCharacter { ai: &'static str, ch: char },
    #[error("{0}: unsupported qualifier (only 10, lot, and 21, serial, are used)")]
    UnsupportedQualifier(&'static str),
    #[error("{0:?}: not a key qualifier of GTIN (01); data attributes belong in the query string")]
    UnknownAi(String),
    #[error("{0}: repeated")]
    Repeated(&'static str),
    #[error("qualifier order: {later} must come after {earlier}")]
    QualifierOrder {
        earlier: &'static str,
        later: &'static str,
    },
    #[error("trailing segment {0:?} after the last value")]
    Trailing(String),
}

/// The key qualifiers of AI 01 in the order GS1 DL requires them in the path: CPV (22), then
/// batch/lot (10), then serial (21) (URI Syntax, path element order for `gtin-path`). Each is
/// optional; only 10 and 21 are used by this service.
const GTIN_QUALIFIERS: [&str; 3] = ["22", "10", "21"];

/// GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1): the characters
/// allowed in AI 10 and AI 21 values.
pub fn is_set82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// RFC 3986 §2.3 unreserved characters, the only ones written as themselves in a value.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Checks a decoded AI 10 / AI 21 value: 1–20 characters of set 82.
fn check_value(ai: &'static str, value: &str) -> Result<(), LinkError> {
    if value.is_empty() {
        return Err(LinkError::EmptyValue { ai });
    }
    if let Some(ch) = value.chars().find(|&c| !is_set82(c)) {
        return Err(LinkError::BadCharacter { ai, ch });
    }
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(LinkError::TooLong { ai });
    }
    Ok(())
}

/// Checks 8, 12, 13 or 14 digits with their GS1 mod-10 check digit and pads them to 14.
///
/// GS1 DL accepts GTIN-8, -12 and -13 in the path as given but writes them as 14 digits with
/// leading zeros; padding on the left does not change the check digit.
fn normalise_gtin(digits: &str) -> Result<String, LinkError> {
    if digits.is_empty() {
        return Err(LinkError::MissingGtin);
    }
    if ![8, 12, 13, 14].contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(LinkError::GtinFormat);
    }
    let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = values.split_at(values.len() - 1);
    if check_digit(body) != check[0] {
        return Err(LinkError::GtinCheckDigit);
    }
    Ok(format!("{digits:0>14}"))
}

/// Percent-decodes one path segment (RFC 3986 §2.1; hex digits in either case).
///
/// Characters given as themselves must be in set 82 too; `%` must start a valid escape.
fn decode_value(ai: &'static str, raw: &str) -> Result<String, LinkError> {
    let bytes = raw.as_bytes();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < bytes.len() {
        // Set 82 is ASCII, so bytes are characters; stop early on oversized input.
        if out.len() > MAX_VALUE_CHARS {
            return Err(LinkError::TooLong { ai });
        }
        if bytes[i] == b'%' {
            let hex = |b: u8| char::from(b).to_digit(16);
            let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) else {
                return Err(LinkError::BadPercentEncoding { ai });
            };
            // Set 82 is ASCII: any byte above 0x7F cannot be part of a valid value.
            let byte = u8::try_from(hi * 16 + lo).unwrap_or(0xFF);
            let ch = char::from(byte);
            if !byte.is_ascii() || !is_set82(ch) {
                return Err(LinkError::BadCharacter {
                    ai,
                    ch: if byte.is_ascii() { ch } else { '\u{FFFD}' },
                });
            }
            out.push(ch);
            i += 3;
        } else {
            // `raw` is a &str, so a non-ASCII byte starts a whole UTF-8 character.
            let ch = raw[i..].chars().next().unwrap_or('\u{FFFD}');
            if !is_set82(ch) {
                return Err(LinkError::BadCharacter { ai, ch });
            }
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    check_value(ai, &out)?;
    Ok(out)
}

/// Percent-encodes everything in `value` that is not RFC 3986 unreserved, upper-case hex
/// (RFC 3986 §2.1). Set 82 includes `/`, `"`, `%`, `&`, `+`, `?` and others that must be encoded
/// in a path segment; GS1 DL requires `/` in particular to be written as `%2F`.
fn encode_value(value: &str, out: &mut String) {
    for &b in value.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// The canonical name of a qualifier AI, so error variants can hold a `&'static str`.
fn qualifier(ai: &str) -> Option<(usize, &'static str)> {
    GTIN_QUALIFIERS
        .iter()
        .position(|&q| q == ai)
        .map(|i| (i, GTIN_QUALIFIERS[i]))
}

/// At most 16 characters of untrusted input, for an error message.
fn excerpt(s: &str) -> String {
    s.chars().take(16).collect()
}

impl DigitalLink {
    /// A link from its parts, validated and normalised as [`parse_path`](Self::parse_path) would.
    ///
    /// # Errors
    /// A bad GTIN, or a lot or serial that is empty, too long or outside set 82.
    pub fn new(gtin: &str, lot: Option<&str>, serial: Option<&str>) -> Result<Self, LinkError> {
        let gtin = normalise_gtin(gtin)?;
        if let Some(lot) = lot {
            check_value("10", lot)?;
        }
        if let Some(serial) = serial {
            check_value("21", serial)?;
        }
        Ok(Self {
            gtin,
            lot: lot.map(str::to_owned),
            serial: serial.map(str::to_owned),
        })
    }

    /// Parses the path part (starting with "/01/…", after any base path prefix has been
    /// stripped); query and fragment not included.
    ///
    /// The path is a sequence of `/{ai}/{value}` pairs: first the primary key 01 (GTIN), then the
    /// key qualifiers of 01 in the order 22, 10, 21 (each optional, none repeated). 22 is valid
    /// GS1 but not used here and is rejected; any other AI belongs in the query string, not the
    /// path, and is rejected too.
    ///
    /// # Errors
    /// Which part is wrong, as a [`LinkError`].
    pub fn parse_path(path: &str) -> Result<Self, LinkError> {
        let Some(rest) = path.strip_prefix('/') else {
            return Err(LinkError::MissingGtin);
        };
        let mut segments = rest.split('/');
        match segments.next() {
            Some("01") => {}
            Some("") | None => return Err(LinkError::MissingGtin),
            Some(other) => return Err(LinkError::NotGtin(excerpt(other))),
        }
        let gtin = normalise_gtin(segments.next().unwrap_or(""))?;

        let mut link = Self {
            gtin,
            lot: None,
            serial: None,
        };
        // Rank (index in GTIN_QUALIFIERS) and name of the last qualifier seen.
        let mut last: Option<(usize, &'static str)> = None;
        while let Some(ai) = segments.next() {
            let Some((rank, name)) = qualifier(ai) else {
                return Err(match ai {
                    "01" => LinkError::Repeated("01"),
                    "" => LinkError::Trailing(excerpt(
                        &segments.clone().collect::<Vec<_>>().join("/"),
                    )),
                    _ => LinkError::UnknownAi(excerpt(ai)),
                });
            };
            if name == "22" {
                return Err(LinkError::UnsupportedQualifier(name));
            }
            if let Some((last_rank, last_name)) = last {
                if rank == last_rank {
                    return Err(LinkError::Repeated(name));
                }
                if rank < last_rank {
                    return Err(LinkError::QualifierOrder {
                        earlier: name,
                        later: last_name,
                    });
                }
            }
            last = Some((rank, name));
            let raw = segments.next().unwrap_or("");
            let value = decode_value(name, raw)?;
            match name {
                "10" => link.lot = Some(value),
                _ => link.serial = Some(value),
            }
        }
        Ok(link)
    }

    /// The path, percent-encoding lot and serial as the standard requires.
    pub fn path(&self) -> String {
        let mut out = format!("/01/{}", self.gtin);
        if let Some(lot) = &self.lot {
            out.push_str("/10/");
            encode_value(lot, &mut out);
        }
        if let Some(serial) = &self.serial {
            out.push_str("/21/");
            encode_value(serial, &mut out);
        }
        out
    }

    /// The full URI under `base_url` (which may carry a path of its own; a trailing `/` is
    /// dropped).
    pub fn uri(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GTIN: &str = "08012345678907";

    fn link(lot: Option<&str>, serial: Option<&str>) -> DigitalLink {
        DigitalLink {
            gtin: GTIN.into(),
            lot: lot.map(Into::into),
            serial: serial.map(Into::into),
        }
    }

    #[test]
    fn a_unit_path_parses() {
        assert_eq!(
            DigitalLink::parse_path("/01/08012345678907/10/PAN-2026/21/17"),
            Ok(link(Some("PAN-2026"), Some("17")))
        );
        assert_eq!(
            DigitalLink::parse_path("/01/08012345678907"),
            Ok(link(None, None))
        );
        assert_eq!(
            DigitalLink::parse_path("/01/08012345678907/10/PAN-2026"),
            Ok(link(Some("PAN-2026"), None))
        );
        assert_eq!(
            DigitalLink::parse_path("/01/08012345678907/21/17"),
            Ok(link(None, Some("17")))
        );
    }

    #[test]
    fn short_gtins_are_padded_to_14_digits() {
        assert_eq!(
            DigitalLink::parse_path("/01/8012345678907/10/PAN-2026/21/17"),
            Ok(link(Some("PAN-2026"), Some("17")))
        );
        assert_eq!(
            DigitalLink::parse_path("/01/96385074").unwrap().gtin,
            "00000096385074"
        );
        assert_eq!(
            DigitalLink::parse_path("/01/036000291452").unwrap().gtin,
            "00036000291452"
        );
        assert_eq!(
            DigitalLink::new("8012345678907", None, Some("1"))
                .unwrap()
                .path(),
            "/01/08012345678907/21/1"
        );
    }

    #[test]
    fn values_are_percent_decoded_and_encoded() {
        let parsed = DigitalLink::parse_path("/01/08012345678907/10/A%2FB%25c/21/x%2b1").unwrap();
        assert_eq!(parsed, link(Some("A/B%c"), Some("x+1")));
        assert_eq!(parsed.path(), "/01/08012345678907/10/A%2FB%25c/21/x%2B1");
        // Sub-delimiters given as themselves are accepted and written encoded.
        let parsed = DigitalLink::parse_path("/01/08012345678907/10/(A)!").unwrap();
        assert_eq!(parsed.lot.as_deref(), Some("(A)!"));
        assert_eq!(parsed.path(), "/01/08012345678907/10/%28A%29%21");
        let all = link(Some("!\"%&'()*+,-./:;<=>?_"), Some("Az09"));
        assert_eq!(
            all.path(),
            "/01/08012345678907/10/%21%22%25%26%27%28%29%2A%2B%2C-.%2F%3A%3B%3C%3D%3E%3F_/21/Az09"
        );
        assert_eq!(DigitalLink::parse_path(&all.path()), Ok(all));
    }

    #[test]
    fn uri_joins_base_and_path() {
        let l = link(Some("PAN-2026"), Some("17"));
        let want = "https://origine.example.it/01/08012345678907/10/PAN-2026/21/17";
        assert_eq!(l.uri("https://origine.example.it"), want);
        assert_eq!(l.uri("https://origine.example.it/"), want);
        assert_eq!(
            l.uri("https://example.org/dl"),
            "https://example.org/dl/01/08012345678907/10/PAN-2026/21/17"
        );
    }

    #[test]
    fn malformed_paths_are_rejected() {
        use LinkError::*;
        let cases: &[(&str, LinkError)] = &[
            ("/01/08012345678901/10/A", GtinCheckDigit),
            ("/01/8012345678901", GtinCheckDigit),
            ("/01/0801234567890X/10/A", GtinFormat),
            ("/01/08012345678", GtinFormat),
            ("/01/080123456789070", GtinFormat),
            ("/01/%308012345678907", GtinFormat),
            (
                "/01/08012345678907/21/17/10/A",
                QualifierOrder {
                    earlier: "10",
                    later: "21",
                },
            ),
            ("/01/08012345678907/10/A/10/B", Repeated("10")),
            ("/01/08012345678907/21/1/21/2", Repeated("21")),
            ("/01/08012345678907/01/08012345678907", Repeated("01")),
            ("/01/08012345678907/17/261231", UnknownAi("17".into())),
            ("/01/08012345678907/lot/A", UnknownAi("lot".into())),
            ("/01/08012345678907/22/V1/10/A", UnsupportedQualifier("22")),
            (
                "/01/08012345678907/10/ABCDEFGHIJKLMNOPQRSTU",
                TooLong { ai: "10" },
            ),
            (
                "/01/08012345678907/21/%41BCDEFGHIJKLMNOPQRSTU",
                TooLong { ai: "21" },
            ),
            (
                "/01/08012345678907/10/A%7E",
                BadCharacter { ai: "10", ch: '~' },
            ),
            (
                "/01/08012345678907/10/A~",
                BadCharacter { ai: "10", ch: '~' },
            ),
            (
                "/01/08012345678907/10/A%20B",
                BadCharacter { ai: "10", ch: ' ' },
            ),
            (
                "/01/08012345678907/21/caff%C3%A8",
                BadCharacter {
                    ai: "21",
                    ch: '\u{FFFD}',
                },
            ),
            (
                "/01/08012345678907/21/caffè",
                BadCharacter { ai: "21", ch: 'è' },
            ),
            (
                "/01/08012345678907/10/A%G1",
                BadPercentEncoding { ai: "10" },
            ),
            ("/01/08012345678907/10/A%2", BadPercentEncoding { ai: "10" }),
            ("/01/08012345678907/10/%", BadPercentEncoding { ai: "10" }),
            ("/01/08012345678907/10/", EmptyValue { ai: "10" }),
            ("/01/08012345678907/10//21/1", EmptyValue { ai: "10" }),
            ("/01/08012345678907/21", EmptyValue { ai: "21" }),
            ("/01/08012345678907/10/A/21/1/", Trailing(String::new())),
            ("/01/08012345678907/10/A/21/1/x", UnknownAi("x".into())),
            ("/01/08012345678907/", Trailing(String::new())),
            ("/01/08012345678907//10/A", Trailing("10/A".into())),
            ("", MissingGtin),
            ("/", MissingGtin),
            ("/01", MissingGtin),
            ("/01/", MissingGtin),
            ("01/08012345678907", MissingGtin),
            ("/10/PAN-2026/21/17", NotGtin("10".into())),
        ];
        for (path, want) in cases {
            assert_eq!(
                DigitalLink::parse_path(path).as_ref(),
                Err(want),
                "{path:?}"
            );
        }
    }

    #[test]
    fn errors_name_the_part() {
        let msg = |p: &str| DigitalLink::parse_path(p).unwrap_err().to_string();
        assert_eq!(msg("/01/08012345678901"), "gtin: wrong check digit");
        assert!(msg("/01/08012345678907/10/A%G1").starts_with("10: "));
        assert!(msg("/01/08012345678907/21/1/10/A").starts_with("qualifier order"));
        assert!(msg("/01/08012345678907/22/V").contains("unsupported qualifier"));
    }

    #[test]
    fn new_validates_like_parse() {
        assert_eq!(
            DigitalLink::new("08012345678901", None, None),
            Err(LinkError::GtinCheckDigit)
        );
        assert_eq!(
            DigitalLink::new(GTIN, Some(""), None),
            Err(LinkError::EmptyValue { ai: "10" })
        );
        assert_eq!(
            DigitalLink::new(GTIN, None, Some("a b")),
            Err(LinkError::BadCharacter { ai: "21", ch: ' ' })
        );
    }

    fn set82() -> Vec<char> {
        (0u8..=0x7F)
            .map(char::from)
            .filter(|&c| is_set82(c))
            .collect()
    }

    #[test]
    fn set82_has_82_characters() {
        assert_eq!(set82().len(), 82);
    }

    fn value() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(set82()), 1..=MAX_VALUE_CHARS)
            .prop_map(|cs| cs.into_iter().collect())
    }

    fn gtin() -> impl Strategy<Value = String> {
        proptest::collection::vec(0u32..10, 13).prop_map(|body| {
            let check = check_digit(&body);
            body.iter()
                .chain(std::iter::once(&check))
                .map(|d| char::from_digit(*d, 10).unwrap_or('0'))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn parse_inverts_path(
            gtin in gtin(),
            lot in proptest::option::of(value()),
            serial in proptest::option::of(value()),
        ) {
            let l = DigitalLink { gtin, lot, serial };
            let path = l.path();
            // Only unreserved characters, `%` escapes and separators reach the URI.
            prop_assert!(path.bytes().all(|b| is_unreserved(b) || b == b'%' || b == b'/'));
            prop_assert_eq!(DigitalLink::parse_path(&path), Ok(l));
        }

        #[test]
        fn parse_never_panics(path in "(/[0-9a-zA-Z%~/ è]{0,12}){0,8}") {
            let _ = DigitalLink::parse_path(&path);
        }
    }
}
