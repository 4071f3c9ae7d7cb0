//! AI 10 (lot) and AI 21 (serial) values: GS1 character set 82, length, and percent-encoding
//! in a path segment.

use std::fmt::Write as _;

use super::{LinkError, MAX_VALUE_CHARS};

/// GS1 AI encodable character set 82 (GS1 General Specifications, figure 7.11-1): the characters
/// allowed in AI 10 and AI 21 values.
pub fn is_set82(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!\"%&'()*+,-./:;<=>?_".contains(c)
}

/// RFC 3986 §2.3 unreserved characters, the only ones written as themselves in a value.
pub(super) fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Checks a decoded AI 10 / AI 21 value: 1–20 characters of set 82.
pub(super) fn check_value(ai: &'static str, value: &str) -> Result<(), LinkError> {
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

/// Percent-decodes one path segment (RFC 3986 §2.1; hex digits in either case).
///
/// Characters given as themselves must be in set 82 too; `%` must start a valid escape.
pub(super) fn decode_value(ai: &'static str, raw: &str) -> Result<String, LinkError> {
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
pub(super) fn encode_value(value: &str, out: &mut String) {
    for &b in value.as_bytes() {
        if is_unreserved(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}
