//! A producer's own code for a lot: printed on labels and in GS1 Digital Links, unique per
//! producer.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest lot code.
pub const MAX_LEN: usize = 64;

/// Longest lot code of a lot with a GTIN: a GS1 AI (10) value holds at most 20 characters
/// (GS1 General Specifications §3.4.1). Every character a lot code may hold is in GS1
/// character set 82, so such a code is a valid AI (10) value as it stands.
pub const MAX_AI10_LEN: usize = 20;

/// A lot code: 1 to 64 characters of `A-Z a-z 0-9 - _ . /`, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LotCode(#[serde(deserialize_with = "deserialize")] String);

impl LotCode {
    /// Parses a code, ignoring surrounding whitespace.
    ///
    /// # Errors
    /// A message for the client when the length or a character is wrong.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let code = input.trim();
        if code.is_empty()
            || code.len() > MAX_LEN
            || !code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        {
            return Err("must be 1 to 64 characters of A-Z, a-z, 0-9 and - _ . /");
        }
        Ok(Self(code.to_owned()))
    }

    /// A code read back from the store, which only ever holds parsed codes: trusted as is.
    pub fn from_stored(code: String) -> Self {
        Self(code)
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let code = String::deserialize(d)?;
    LotCode::parse(&code)
        .map(|c| c.0)
        .map_err(serde::de::Error::custom)
}

impl fmt::Display for LotCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_trimmed_and_checked() {
        assert_eq!(
            LotCode::parse(" BF-2026/11_a.1 ").unwrap().as_str(),
            "BF-2026/11_a.1"
        );
        for bad in ["", "   ", "lotto 1", "città", "a;b", &"x".repeat(65)] {
            assert!(LotCode::parse(bad).is_err(), "{bad:?}");
        }
        assert!(LotCode::parse(&"x".repeat(64)).is_ok());
    }

    #[test]
    fn serde_writes_the_code_and_refuses_a_bad_one() {
        let code = LotCode::parse("PAN-2026").unwrap();
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"PAN-2026\"");
        assert_eq!(
            serde_json::from_str::<LotCode>("\"PAN-2026\"").unwrap(),
            code
        );
        assert!(serde_json::from_str::<LotCode>("\"a b\"").is_err());
    }
}
