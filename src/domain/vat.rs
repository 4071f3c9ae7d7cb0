//! Italian VAT number (partita IVA): 11 digits — a 7-digit serial (matricola), the 3-digit
//! code of the provincial office that assigned it, and a Luhn-style check digit (DPR 633/1972
//! art. 35; DM 23 December 1976). Office codes are 001–100, and 120, 121, 888 and 999 (the
//! rule python-stdnum's `it.iva` applies too); any other code was never assigned.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A partita IVA whose check digit is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VatNumber(#[serde(deserialize_with = "deserialize")] String);

impl VatNumber {
    /// Parses `IT12345678903`, `12345678903` or with spaces.
    ///
    /// # Errors
    /// A message for the client when the format or the check digit is wrong.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let digits = compact
            .strip_prefix("IT")
            .or_else(|| compact.strip_prefix("it"))
            .unwrap_or(&compact);
        if digits.len() != 11 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("must be an Italian VAT number: 11 digits, optionally prefixed by IT");
        }
        if digits[..7].bytes().all(|b| b == b'0') {
            return Err("is not an assigned Italian VAT number");
        }
        let office: u32 = digits[7..10].parse().unwrap_or(0);
        if !(1..=100).contains(&office) && ![120, 121, 888, 999].contains(&office) {
            return Err(
                "is not an assigned Italian VAT number (its office code is not one in use)",
            );
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        if check_digit(&d[..10]) != d[10] {
            return Err("has a wrong check digit");
        }
        Ok(Self(digits.to_owned()))
    }

    /// A value read back from the store, which only ever holds parsed ones: trusted as is.
    pub fn from_stored(value: String) -> Self {
        Self(value)
    }

    /// The 11 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Odd positions count as they are, even positions doubled (minus 9 past 9).
fn check_digit(first_ten: &[u32]) -> u32 {
    let sum: u32 = first_ten
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                d
            } else {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Completes ten digits with their check digit: for demo data and tests.
pub fn with_check_digit(first_ten: &str) -> String {
    let d: Vec<u32> = first_ten
        .bytes()
        .map(|b| u32::from(b.wrapping_sub(b'0')))
        .collect();
    format!("{first_ten}{}", check_digit(&d))
}

fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let value = String::deserialize(d)?;
    VatNumber::parse(&value)
        .map(|v| v.0)
        .map_err(serde::de::Error::custom)
}

impl fmt::Display for VatNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_partite_iva_are_accepted() {
        // Published VAT numbers of well-known Italian companies.
        for vat in [
            "00743110157",
            "IT00905811006",
            "00488410010",
            "0074 3110 157",
        ] {
            assert!(VatNumber::parse(vat).is_ok(), "{vat}");
        }
        assert_eq!(
            VatNumber::parse("IT00743110157").unwrap().as_str(),
            "00743110157"
        );
    }

    #[test]
    fn a_wrong_check_digit_is_rejected() {
        assert_eq!(
            VatNumber::parse("00743110158"),
            Err("has a wrong check digit")
        );
    }

    #[test]
    fn wrong_lengths_and_letters_are_rejected() {
        for vat in [
            "",
            "0074311015",
            "007431101577",
            "0074311015A",
            "DE00743110157",
        ] {
            assert!(VatNumber::parse(vat).is_err(), "{vat}");
        }
        assert!(VatNumber::parse("00000000000").is_err());
    }

    #[test]
    fn with_check_digit_completes_a_valid_number() {
        let vat = with_check_digit("0123456015");
        assert!(VatNumber::parse(&vat).is_ok());
    }

    #[test]
    fn an_office_code_never_assigned_is_rejected() {
        // 12345671106: office 110, right check digit.
        assert_eq!(
            VatNumber::parse("12345671106"),
            Err("is not an assigned Italian VAT number (its office code is not one in use)")
        );
        for office in ["000", "101", "119", "122", "500", "887", "998"] {
            let vat = with_check_digit(&format!("1234567{office}"));
            assert!(VatNumber::parse(&vat).is_err(), "{vat}");
        }
        for office in ["001", "050", "100", "120", "121", "888", "999"] {
            let vat = with_check_digit(&format!("1234567{office}"));
            assert!(VatNumber::parse(&vat).is_ok(), "{vat}");
        }
    }
}
