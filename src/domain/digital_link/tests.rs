//! Digital Link paths parse, normalise, round-trip and name the part at fault when wrong.

use proptest::prelude::*;

use super::value::is_unreserved;
use super::*;

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
