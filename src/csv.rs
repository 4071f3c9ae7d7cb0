//! CSV cells for exports people open in spreadsheets: RFC 4180 quoting, and no formulas.
//!
//! A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
//! formula by Excel, LibreOffice and Google Sheets ("CSV injection"). Producer and product
//! names are typed by outside organisations, so text cells get a leading `'` when they start
//! that way (the OWASP advice): the spreadsheet shows the text, and nothing runs.
//! Numbers the service computed are written as they are.

/// Line ending of every row (RFC 4180).
pub const EOL: &str = "\r\n";

/// A text cell: defused if it could start a formula, then quoted if it needs to be.
pub fn field(s: &str) -> String {
    let defused;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        defused = format!("'{s}");
        defused.as_str()
    } else {
        s
    };
    // Quoted on either separator: Italian spreadsheets split on `;`, and a cell split there
    // would start a formula however the text began.
    if s.contains([',', ';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// One row of text cells, with its line ending.
pub fn row<S: AsRef<str>>(cells: &[S]) -> String {
    row_with(',', cells)
}

/// One row of cells already made with [`field`], joined by `separator` (`;` for files an
/// Italian spreadsheet wrote), with its line ending.
pub fn row_with<S: AsRef<str>>(separator: char, cells: &[S]) -> String {
    let mut out = cells
        .iter()
        .map(|c| c.as_ref())
        .collect::<Vec<_>>()
        .join(&separator.to_string());
    out.push_str(EOL);
    out
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn plain_text_is_left_alone() {
        assert_eq!(field("Cooperativa Uno"), "Cooperativa Uno");
        assert_eq!(field("Biscotti al farro 1-2"), "Biscotti al farro 1-2");
    }

    #[test]
    fn separators_quotes_and_newlines_are_quoted_rfc4180_style() {
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("il \"Buono\""), "\"il \"\"Buono\"\"\"");
        assert_eq!(field("due\nrighe"), "\"due\nrighe\"");
    }

    #[test]
    fn a_formula_after_either_separator_stays_inside_its_cell() {
        assert_eq!(
            field("Biscotti;=cmd|'/C calc'!A0"),
            "\"Biscotti;=cmd|'/C calc'!A0\""
        );
        assert_eq!(field("a,=1"), "\"a,=1\"");
    }

    #[test]
    fn cells_that_would_start_a_formula_are_defused() {
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("+39 02"), "'+39 02");
        assert_eq!(field("-5"), "'-5");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("\tx"), "'\tx");
        assert_eq!(
            field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
    }
}
