use super::*;

#[test]
fn a_byte_order_mark_is_dropped_and_windows_1252_is_read() {
    assert_eq!(decode(b"\xEF\xBB\xBFabc\n"), "abc\n");
    // "Qualità €5" as Italian Excel saves it.
    assert_eq!(decode(b"Qualit\xE0 \x805"), "Qualità €5");
    assert_eq!(decode("già".as_bytes()), "già");
}

#[test]
fn the_separator_is_the_one_the_first_line_uses_outside_quotes() {
    assert_eq!(separator("codice;prodotto;quantità\nx;y;1\n"), Some(';'));
    assert_eq!(separator("id,product\n"), Some(','));
    assert_eq!(separator("a\tb\n"), Some('\t'));
    assert_eq!(separator("\"a,b,c\";d\n"), Some(';'));
    assert_eq!(separator("abcdef\n"), None);
    assert_eq!(separator(""), None);
}

#[test]
fn cells_follow_rfc_4180_quotes() {
    assert_eq!(
        cells(r#"a;"b;c";"d ""e""""#, Some(';')),
        ["a", "b;c", r#"d "e""#]
    );
    assert_eq!(cells(" x , y ", Some(',')), ["x", "y"]);
    assert_eq!(cells(" whole line ", None), ["whole line"]);
}

#[test]
fn a_header_names_the_code_column_and_is_kept() {
    let t = Table::read("Articolo;Lotto;Quantità\nBiscotti;PAN-1;12\n\nTorte;PAN-2;3\n");
    assert_eq!(t.separator, Some(';'));
    assert_eq!(
        t.header.as_deref(),
        Some(&["Articolo".to_owned(), "Lotto".into(), "Quantità".into()][..])
    );
    assert_eq!(t.column, 1);
    assert_eq!(t.rows.len(), 2);
    let t = Table::read("abcdef\nghijkl\n");
    assert_eq!((t.header, t.column, t.rows.len()), (None, 0, 2));
}
