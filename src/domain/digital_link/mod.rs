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
//!
//! This module parses and writes the path; `value` checks and percent-codes the AI 10 and
//! AI 21 values.

mod value;

#[cfg(test)]
mod tests;

use super::gtin::check_digit;
use value::{check_value, decode_value, encode_value};

pub use value::is_set82;

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
    /// The path does not start with `/01/`.
    #[error("gtin: missing; the path must start with /01/ followed by the GTIN")]
    MissingGtin,
    /// The first AI is not 01; holds up to 16 characters of what was there.
    #[error("primary key: must be 01 (GTIN), found {0:?}")]
    NotGtin(String),
    /// The GTIN is not 8, 12, 13 or 14 digits.
    #[error("gtin: must be 8, 12, 13 or 14 digits")]
    GtinFormat,
    /// The GTIN's GS1 mod-10 check digit is wrong.
    #[error("gtin: wrong check digit")]
    GtinCheckDigit,
    /// A lot or serial segment is empty.
    #[error("{ai}: value is empty")]
    EmptyValue {
        /// The AI whose value is at fault: `10` or `21`.
        ai: &'static str,
    },
    /// A lot or serial is over 20 characters once decoded.
    #[error("{ai}: value is longer than 20 characters")]
    TooLong {
        /// The AI whose value is at fault: `10` or `21`.
        ai: &'static str,
    },
    /// A `%` that does not start a two-hex-digit escape.
    #[error("{ai}: invalid percent-encoding")]
    BadPercentEncoding {
        /// The AI whose value is at fault: `10` or `21`.
        ai: &'static str,
    },
    /// A lot or serial holds a character outside GS1 character set 82.
    #[error("{ai}: character {ch:?} is not in the GS1 AI encodable character set 82")]
    BadCharacter {
        /// The AI whose value is at fault: `10` or `21`.
        ai: &'static str,
        /// The first character refused; U+FFFD for an encoded byte above 0x7F.
        ch: char,
    },
    /// A valid GS1 key qualifier Origine does not use: `22` (consumer product variant).
    #[error("{0}: unsupported qualifier (only 10, lot, and 21, serial, are used)")]
    UnsupportedQualifier(&'static str),
    /// An AI that is no key qualifier of 01; holds up to 16 characters of it.
    #[error("{0:?}: not a key qualifier of GTIN (01); data attributes belong in the query string")]
    UnknownAi(String),
    /// The same AI twice in the path (`01`, `10` or `21`).
    #[error("{0}: repeated")]
    Repeated(&'static str),
    /// Key qualifiers out of the order 22, 10, 21 the standard fixes.
    #[error("qualifier order: {later} must come after {earlier}")]
    QualifierOrder {
        /// The AI that came second but belongs first.
        earlier: &'static str,
        /// The AI that came first but belongs second.
        later: &'static str,
    },
    /// An empty segment where an AI should be (a doubled or trailing `/`); holds up to 16
    /// characters of what follows it.
    #[error("trailing segment {0:?} after the last value")]
    Trailing(String),
}

/// The key qualifiers of AI 01 in the order GS1 DL requires them in the path: CPV (22), then
/// batch/lot (10), then serial (21) (URI Syntax, path element order for `gtin-path`). Each is
/// optional; only 10 and 21 are used by this service.
const GTIN_QUALIFIERS: [&str; 3] = ["22", "10", "21"];
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
