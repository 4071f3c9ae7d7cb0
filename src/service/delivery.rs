//! Reading what a retailer really has for `/verify`: text typed or pasted from a scanner,
//! or a spreadsheet saved as CSV — with a byte-order mark ("CSV UTF-8" from Excel), in
//! Windows-1252 (Italian Excel's plain CSV), separated by `,`, `;` or tabs, with a header
//! row and columns of the retailer's own. Each line yields a code to check or a reason it
//! was not understood; nothing is dropped silently, and the retailer's columns are kept.
//!
//! A code may be a certificate code, a certificate page link (`…/c/{id}`), a unit label's
//! GS1 Digital Link (`…/01/{gtin}/10/{lot}[/21/{serial}]`, as a scanner types it), or a
//! lot code when exactly one producer has a lot with it.

use crate::domain::digital_link::DigitalLink;
use crate::domain::lot_code::LotCode;
use crate::store::{Result, Store};

/// Header words that name the column holding the code (compared lower-cased).
const CODE_HEADERS: &[&str] = &[
    "id",
    "code",
    "codice",
    "certificate",
    "certificato",
    "codice certificato",
    "lot",
    "lotto",
    "link",
    "url",
    "qr",
    "gtin",
];

/// The text of an upload or a paste: UTF-8 (a byte-order mark removed), or else
/// Windows-1252, which is what Excel writes for "CSV (delimitato dal separatore di elenco)".
#[must_use]
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

/// One byte of Windows-1252 (WHATWG encoding standard's table for 0x80–0x9F; Latin-1 elsewhere).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// The separator of a table: whichever of `;`, `,` and tab the first line holds most of,
/// outside quotes (none: one column per line).
#[must_use]
pub fn separator(text: &str) -> Option<char> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    let mut counts = [(';', 0), (',', 0), ('\t', 0)];
    let mut quoted = false;
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            _ if !quoted => {
                if let Some(entry) = counts.iter_mut().find(|(s, _)| *s == c) {
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| s)
}

/// The cells of one line (RFC 4180 quotes, `""` inside quotes for a quote).
#[must_use]
pub fn cells(line: &str, separator: Option<char>) -> Vec<String> {
    let Some(sep) = separator else {
        return vec![line.trim().to_owned()];
    };
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    out.push(cell);
    out.iter().map(|c| c.trim().to_owned()).collect()
}

/// A retailer's table: its header (if the first line is one), its rows, and which column
/// holds the codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The separator found, if the text has columns.
    pub separator: Option<char>,
    /// The header row, as given.
    pub header: Option<Vec<String>>,
    /// Every non-empty line after the header, split into cells.
    pub rows: Vec<Vec<String>>,
    /// The column of the codes (0 without a header naming one).
    pub column: usize,
}

impl Table {
    /// Splits `text` into a table.
    #[must_use]
    pub fn read(text: &str) -> Self {
        let separator = separator(text);
        let mut lines = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| cells(l, separator));
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut header = None;
        let mut column = 0;
        if let Some(first) = lines.next() {
            match first
                .iter()
                .position(|c| CODE_HEADERS.contains(&c.to_lowercase().as_str()))
            {
                Some(at) => {
                    column = at;
                    header = Some(first);
                }
                None => rows.push(first),
            }
        }
        rows.extend(lines);
        Self {
            separator,
            header,
            rows,
            column,
        }
    }
}

/// What one row's code turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// A certificate to check, by its code. A unit label's serial is not checked here:
    /// checking it would count a scan, and a delivery list is not a shopper's scan.
    Certificate(String),
    /// Written like a certificate code (up to 24 letters and digits), but there is no such
    /// certificate, nor a lot with that code.
    Missing,
    /// Not a code Origine knows, and why (for the retailer to read).
    NotUnderstood(Reason),
}

/// Why a row's code was not understood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The cell is empty.
    Empty,
    /// No certificate, label link or lot code looks like this.
    Unknown,
    /// A GS1 Digital Link that is malformed, or of a GTIN and lot Origine did not certify.
    UnknownLink,
    /// A lot code several producers use: the label's link tells them apart.
    AmbiguousLot,
}

/// Finds what `cell` names.
///
/// # Errors
/// Storage failures.
pub async fn find(store: &Store, cell: &str) -> Result<Found> {
    let cell = cell.trim().trim_matches('"').trim();
    if cell.is_empty() {
        return Ok(Found::NotUnderstood(Reason::Empty));
    }
    // A scanned URL: drop scheme and host; keep the path and the query.
    let without_fragment = cell.split('#').next().unwrap_or(cell);
    let after_host = without_fragment
        .split_once("://")
        .map(|(_, rest)| rest.find('/').map_or("", |at| &rest[at..]))
        .unwrap_or(without_fragment);
    let path = after_host.split('?').next().unwrap_or(after_host);
    if let Some(at) = path.find("/01/") {
        return by_link(store, &path[at..]).await;
    }
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    let id = last.to_ascii_lowercase();
    let like_a_code =
        !id.is_empty() && id.len() <= 24 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if like_a_code && store.certificate_entry(&id).await?.is_some() {
        return Ok(Found::Certificate(id));
    }
    if path.contains('/') && cell.contains("://") {
        return Ok(Found::NotUnderstood(Reason::Unknown));
    }
    match LotCode::parse(cell) {
        Ok(code) => {
            let lots = store.lots_by_code(code.as_str()).await?;
            Ok(match lots.as_slice() {
                [lot] => Found::Certificate(lot.certificate_id.clone()),
                [] if like_a_code => Found::Missing,
                [] => Found::NotUnderstood(Reason::Unknown),
                _ => Found::NotUnderstood(Reason::AmbiguousLot),
            })
        }
        Err(_) if like_a_code => Ok(Found::Missing),
        Err(_) => Ok(Found::NotUnderstood(Reason::Unknown)),
    }
}

async fn by_link(store: &Store, path: &str) -> Result<Found> {
    let Ok(link) = DigitalLink::parse_path(path) else {
        return Ok(Found::NotUnderstood(Reason::UnknownLink));
    };
    let Some(lot_code) = link.lot.as_deref() else {
        return Ok(Found::NotUnderstood(Reason::UnknownLink));
    };
    let Some(lot) = store.lot_by_link(&link.gtin, lot_code).await? else {
        return Ok(Found::NotUnderstood(Reason::UnknownLink));
    };
    Ok(Found::Certificate(lot.certificate_id))
}

#[cfg(test)]
mod tests;
