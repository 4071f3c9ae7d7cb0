//! GS1 Global Trade Item Numbers (GTIN-8, -12, -13, -14): the mod-10 check digit, and the
//! allocation rules that say which numbers can be a trade item's GTIN at all.
//!
//! Sources: GS1 General Specifications (release 24), §7.9 (check digit), §1.4.4 and figure
//! 1.4.4-1 (GS1 Prefixes: what each range is for), §2.1.11 and §3.3.2 (GTIN-8 and the RCN-8
//! ranges 0 and 2), §2.1.2.5 (GTIN-14 indicator digits). Every GTIN is compared and written
//! in its 14-digit form (zeros on the left), as GS1 Digital Link URIs carry it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A GTIN with a valid check digit, as the digits were given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Gtin(#[serde(deserialize_with = "deserialize")] String);

impl Gtin {
    /// Parses 8, 12, 13 or 14 digits.
    ///
    /// # Errors
    /// A message for the client when the length, characters or check digit are wrong.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        if ![8, 12, 13, 14].contains(&input.len()) || !input.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must be a GTIN: 8, 12, 13 or 14 digits");
        }
        let digits: Vec<u32> = input.bytes().map(|b| u32::from(b - b'0')).collect();
        let (body, check) = digits.split_at(digits.len() - 1);
        if check_digit(body) != check[0] {
            return Err("has a wrong GS1 check digit");
        }
        allocation(&format!("{input:0>14}"))?;
        Ok(Self(input.to_owned()))
    }

    /// A value read back from the store, which only ever holds parsed ones: trusted as is.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 14-digit form GS1 Digital Link URIs carry (zeros on the left): one GTIN
    /// whichever length it was given in.
    pub fn to_gtin14(&self) -> String {
        format!("{:0>14}", self.0)
    }
}

/// Whether a 14-digit number is one GS1 allocates to trade items, by its GS1 Prefix.
///
/// Refused: all zeros; GTIN-8 restricted circulation numbers (RCN-8, GS1-8 Prefixes 0 and 2);
/// restricted circulation numbers for use within a company or a region (GS1 Prefixes
/// 0000001–0000099, 020–029, 040–049, 200–299); coupons (050–059, 981–984, 99); refund
/// receipts (980); EPC General Manager Numbers (951); and 952, reserved for demonstrations
/// and examples. Every other prefix, books (977–979) included, is accepted: the list of
/// prefixes GS1 has not yet given a member organisation changes, and is not ours to keep.
fn allocation(gtin14: &str) -> Result<(), &'static str> {
    if gtin14.bytes().all(|b| b == b'0') {
        return Err("is not an assigned GTIN (all zeros)");
    }
    // The 13 digits after the GTIN-14 indicator digit; a GTIN-8 sits in its last 8.
    let body = &gtin14[1..];
    if gtin14.starts_with("000000") && matches!(gtin14.as_bytes()[6], b'0' | b'2') {
        return Err("is a restricted circulation number (RCN-8), not a GTIN of a trade item");
    }
    let prefix3: u32 = body[..3].parse().unwrap_or(0);
    match prefix3 {
        20..=29 | 40..=49 | 200..=299 => Err(
            "is a restricted circulation number (GS1 Prefix 02, 04 or 2), not a GTIN of a trade item",
        ),
        50..=59 | 981..=984 | 990..=999 => {
            Err("is a coupon number (GS1 Prefix 05, 981–984 or 99), not a GTIN")
        }
        980 => Err("is a refund receipt number (GS1 Prefix 980), not a GTIN"),
        951 => Err("uses GS1 Prefix 951, which is for EPC General Manager Numbers, not GTINs"),
        952 => Err("uses GS1 Prefix 952, reserved for demonstrations and examples"),
        _ => Ok(()),
    }
}

/// GS1 mod-10: weights 3 and 1 alternate leftwards from the digit next to the check digit.
pub fn check_digit(body: &[u32]) -> u32 {
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 0 { d * 3 } else { d })
        .sum();
    (10 - sum % 10) % 10
}

fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = String::deserialize(d)?;
    Gtin::parse(&value)
        .map(|v| v.0)
        .map_err(serde::de::Error::custom)
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_examples_are_accepted() {
        // Real barcodes; the SPEC example 8012345678901 has a wrong check digit (its right one is 7).
        for gtin in [
            "8012345678907",
            "4006381333931",
            "96385074",
            "036000291452",
            "10614141000415",
        ] {
            assert!(Gtin::parse(gtin).is_ok(), "{gtin}");
        }
    }

    #[test]
    fn a_wrong_check_digit_is_rejected() {
        assert_eq!(
            Gtin::parse("8012345678901"),
            Err("has a wrong GS1 check digit")
        );
        assert_eq!(
            Gtin::parse("4006381333932"),
            Err("has a wrong GS1 check digit")
        );
    }

    /// A GTIN with `body` (all digits but the check digit) and its right check digit.
    fn with_check(body: &str) -> String {
        let digits: Vec<u32> = body.bytes().map(|b| u32::from(b - b'0')).collect();
        format!("{body}{}", check_digit(&digits))
    }

    #[test]
    fn numbers_gs1_does_not_allocate_to_trade_items_are_rejected() {
        for (body, why) in [
            ("0000000000000", "all zeros"),
            ("0000000", "all zeros"),
            ("0123456", "RCN-8"),
            ("2123456", "RCN-8"),
            ("000000123456", "RCN-8"),
            ("000000123456", "restricted circulation"),
            ("022345678901", "restricted circulation"),
            ("201234567890", "restricted circulation"),
            ("041234567890", "restricted circulation"),
            ("051234567890", "coupon"),
            ("981234567890", "coupon"),
            ("991234567890", "coupon"),
            ("980234567890", "refund"),
            ("951234567890", "EPC"),
            ("952000000000", "demonstrations"),
            ("1952000000000", "demonstrations"),
        ] {
            let gtin = with_check(body);
            let e = Gtin::parse(&gtin).expect_err(&gtin);
            assert!(e.contains(why), "{gtin}: {e}");
        }
        for body in [
            "978880401234",
            "977123456700",
            "0000009638507",
            "1801234567890",
            "900000000001",
        ] {
            let gtin = with_check(body);
            assert!(Gtin::parse(&gtin).is_ok(), "{gtin}");
        }
    }

    proptest::proptest! {
        /// The rules depend on the number, not on how many zeros it was written with.
        #[test]
        fn every_length_of_one_number_is_judged_alike(body in "[0-9]{7}|[0-9]{11,13}") {
            let gtin = with_check(&body);
            let padded = format!("{gtin:0>14}");
            proptest::prop_assert_eq!(Gtin::parse(&gtin).is_ok(), Gtin::parse(&padded).is_ok());
            if let Ok(g) = Gtin::parse(&gtin) {
                proptest::prop_assert_eq!(g.to_gtin14(), padded);
            }
        }
    }

    #[test]
    fn bad_lengths_and_characters_are_rejected() {
        for gtin in [
            "",
            "1234567",
            "123456789",
            "80123456789O7",
            " 8012345678907",
        ] {
            assert!(Gtin::parse(gtin).is_err(), "{gtin:?}");
        }
    }
}
