//! GS1 Global Trade Item Numbers (GTIN-8, -12, -13, -14) with their mod-10 check digit.

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
