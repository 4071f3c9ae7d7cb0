//! The fields of a signed label: the checks each must pass, and their compact encodings.

use data_encoding::HEXLOWER;
use time::{Date, Month};

use super::{LabelTokenError, MAX_NAME_BYTES};
use crate::domain::digital_link::{MAX_VALUE_CHARS, is_set82};

/// The dates a label can carry: days since 1970-01-01 fit 16 bits.
const EPOCH_JULIAN_DAY: i32 = 2_440_588;

pub(super) fn field(field: &'static str, reason: &'static str) -> LabelTokenError {
    LabelTokenError::Field { field, reason }
}

/// `s` cut to at most `max` bytes on a character boundary.
pub(super) fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

pub(super) fn check_name(name: &'static str, value: &str) -> Result<(), LabelTokenError> {
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

pub(super) fn check_lot(lot: &str) -> Result<(), LabelTokenError> {
    if lot.is_empty() || lot.len() > MAX_VALUE_CHARS || !lot.chars().all(is_set82) {
        return Err(field(
            "lot",
            "must be 1 to 20 characters of GS1 character set 82",
        ));
    }
    Ok(())
}

pub(super) fn kid_bytes(kid: &str) -> Result<[u8; 4], LabelTokenError> {
    let err = || field("kid", "must be 8 lower-case hex digits");
    let bytes = HEXLOWER.decode(kid.as_bytes()).map_err(|_| err())?;
    bytes.try_into().map_err(|_| err())
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub(super) fn date_to_days(issued: &str) -> Result<u16, LabelTokenError> {
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

pub(super) fn days_to_date(days: u16) -> String {
    // Every u16 day count is a valid date (1970-01-01 to 2149-06-06).
    Date::from_julian_day(EPOCH_JULIAN_DAY + i32::from(days))
        .map(|d| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()))
        .unwrap_or_default()
}
