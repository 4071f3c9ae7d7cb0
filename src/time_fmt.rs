//! Timestamps and dates as the certificate carries them: RFC 3339 UTC to the second.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// RFC 3339 in UTC with whole seconds, e.g. `2026-11-24T09:30:00Z`.
pub fn rfc3339(at: OffsetDateTime) -> String {
    let at = at
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// Now, as [`rfc3339`] writes it.
pub fn now() -> String {
    rfc3339(OffsetDateTime::now_utc())
}

/// The latest production date that is not in the future anywhere in Italy (UTC+2 at most).
pub fn latest_production_date() -> Date {
    (OffsetDateTime::now_utc() + time::Duration::hours(2)).date()
}
