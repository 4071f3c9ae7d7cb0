//! Label tests that need no outside tools. Those that check the output with outside
//! references (poppler, zbar, librsvg) are in the integration tests, tests/it/renders/labels.rs,
//! whose build knows which of those tools this machine has.

use super::plan::Plan;
use super::*;

const PRODUCT: &str = "Biscotti al farro — Però più buoni";

fn url(n: usize) -> String {
    format!("https://origine.example/01/08012345678907/10/PAN-2026/21/{n}?t=abcd")
}

fn sample(n: usize) -> LabelData {
    LabelData {
        url: url(n),
        product: PRODUCT.into(),
        lot_code: "PAN-2026".into(),
        serial: Some((n as u64, 2000)),
        producer: "Cooperativa «Dolce Libertà»".into(),
        institute: "Casa circondariale di Siracusa".into(),
    }
}

fn samples(count: usize) -> Vec<LabelData> {
    (1..=count).map(sample).collect()
}

fn build(layout: Layout, labels: &[LabelData]) -> Vec<u8> {
    pdf(layout, labels, &mut |_| {}).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Layouts.

#[test]
fn layout_names_round_trip() {
    for layout in Layout::ALL {
        assert_eq!(Layout::parse(layout.name()), Some(layout));
        assert_eq!(layout.to_string(), layout.name());
    }
    assert_eq!(Layout::parse(" 3×8 "), Some(Layout::A4x24));
    assert_eq!(Layout::parse("ROLL"), Some(Layout::Roll));
    assert_eq!(Layout::parse("5x13"), None);
}

/// The published dimensions of each stock: label size, grid, first label's corner, pitch (mm).
#[test]
fn slots_match_published_dimensions() {
    #[allow(clippy::type_complexity)]
    let published: [(
        Layout,
        (f64, f64),
        (f64, f64),
        usize,
        usize,
        (f64, f64),
        (f64, f64),
    ); 4] = [
        // Avery Zweckform 3474: 70 × 37 mm, 3 × 8, edge to edge (spare 1 mm split top/bottom).
        (
            Layout::A4x24,
            A4,
            (70.0, 37.0),
            3,
            8,
            (0.0, 0.5),
            (70.0, 37.0),
        ),
        // Avery Zweckform 3651: 52.5 × 29.7 mm, 4 × 10, tiling the sheet.
        (
            Layout::A4x40,
            A4,
            (52.5, 29.7),
            4,
            10,
            (0.0, 0.0),
            (52.5, 29.7),
        ),
        // Avery L7163: 99.1 × 38.1 mm, 2 × 7, top 15.15, side 4.65, pitch 101.6 × 38.1.
        (
            Layout::A4x14,
            A4,
            (99.1, 38.1),
            2,
            7,
            (4.65, 15.15),
            (101.6, 38.1),
        ),
        // Brother DK-22205 cut at 40 mm.
        (
            Layout::Roll,
            (62.0, 40.0),
            (62.0, 40.0),
            1,
            1,
            (0.0, 0.0),
            (62.0, 40.0),
        ),
    ];
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    for (layout, page, size, columns, rows, origin, pitch) in published {
        assert_eq!(layout.page_size_mm(), page);
        assert_eq!(layout.per_page(), columns * rows);
        for i in 0..layout.per_page() {
            let (x, y, w, h) = layout.slot(i);
            let (c, r) = (i % columns, i / columns);
            assert!(close(x, origin.0 + c as f64 * pitch.0), "{layout} slot {i}");
            assert!(close(y, origin.1 + r as f64 * pitch.1), "{layout} slot {i}");
            assert_eq!((w, h), size);
            // On the page, and symmetric: the last label leaves the margin the first one does.
            assert!(x >= 0.0 && y >= 0.0 && x + w <= page.0 + 1e-9 && y + h <= page.1 + 1e-9);
            assert_eq!(layout.slot(i + layout.per_page()), (x, y, w, h));
        }
        let (x, y, w, h) = layout.slot(layout.per_page() - 1);
        assert!(close(page.0 - (x + w), origin.0), "{layout} right margin");
        assert!(close(page.1 - (y + h), origin.1), "{layout} bottom margin");
    }
}

// ---------------------------------------------------------------------------------------------
// PDF structure, without outside tools.

#[test]
fn pdf_refuses_empty_and_oversized_batches() {
    assert!(matches!(
        pdf(Layout::A4x24, &[], &mut |_| {}),
        Err(LabelError::Empty)
    ));
    let many = vec![sample(1); MAX_LABELS + 1];
    assert!(matches!(
        pdf(Layout::A4x24, &many, &mut |_| {}),
        Err(LabelError::TooMany(n)) if n == MAX_LABELS + 1
    ));
    let mut bad = samples(3);
    bad[2].url = "x".repeat(3000);
    assert!(matches!(
        pdf(Layout::A4x24, &bad, &mut |_| {}),
        Err(LabelError::UrlTooLong { index: 2 })
    ));
}

/// Counts page objects (`/Type /Page`, not `/Type /Pages`).
fn page_objects(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count()
}

#[test]
fn two_thousand_labels_make_one_reasonable_pdf() {
    let labels = samples(2000);
    let mut reported = Vec::new();
    let bytes = pdf(Layout::A4x24, &labels, &mut |done| reported.push(done)).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert_eq!(page_objects(&bytes), 2000_usize.div_ceil(24));
    // Progress once per page, rising to the total.
    assert_eq!(reported.len(), 84);
    assert!(reported.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(reported.last(), Some(&2000));
    // Each face is embedded once, as a subset, for the whole document.
    assert_eq!(count(&bytes, b"/FontFile2"), 2);
    assert_eq!(count(&bytes, b"/Subtype /Type0"), 2);
    eprintln!(
        "2,000 labels (3x8): {} pages, {} bytes ({:.0} bytes per label)",
        page_objects(&bytes),
        bytes.len(),
        bytes.len() as f64 / 2000.0
    );
    assert!(bytes.len() < 4 * 1024 * 1024, "{} bytes", bytes.len());
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

#[test]
fn pdf_is_deterministic() {
    let labels = samples(30);
    assert_eq!(build(Layout::A4x40, &labels), build(Layout::A4x40, &labels));
}

// ---------------------------------------------------------------------------------------------
// Single labels, without outside tools.

#[test]
fn png_has_the_requested_resolution() {
    let bytes = png(&sample(1), 300).unwrap();
    let decoder = ::png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    // 62 × 40 mm at 300 dpi.
    assert_eq!((info.width, info.height), (732, 472));
    let dims = info.pixel_dims.unwrap();
    assert_eq!(dims.xppu, 11811);
    assert!(matches!(png(&sample(1), 10), Err(LabelError::Dpi(10))));
    assert!(matches!(png(&sample(1), 5000), Err(LabelError::Dpi(5000))));
}

#[test]
fn svg_has_text_and_one_qr_path() {
    let doc = svg(&sample(7)).unwrap();
    assert!(doc.starts_with("<?xml") && doc.trim_end().ends_with("</svg>"));
    assert!(doc.contains(r#"width="62mm" height="40mm" viewBox="0 0 62 40""#));
    assert_eq!(doc.matches("<path").count(), 1);
    assert!(doc.contains("font-family=\"'DejaVu Sans'"));
    for text in ["Lotto PAN-2026", "n. 7/2000", "MADE IN CARCERE"] {
        assert!(
            doc.contains(&format!(">{text}</text>")),
            "{text} missing:\n{doc}"
        );
    }
    // Accents and guillemets as they are (the roll label wraps the producer).
    assert!(doc.contains(">Cooperativa «Dolce"), "{doc}");
    assert!(doc.contains("Libertà»</text>"), "{doc}");
}

#[test]
fn overflowing_text_is_shortened_in_every_output() {
    let mut label = sample(1);
    label.product = "Panettone artigianale con uvetta sultanina e scorze d'arancia candite \
                     di Sicilia, lievitato 36 ore con lievito madre, in confezione regalo"
        .into();
    label.institute = "Casa di reclusione di Milano-Bollate, sezione femminile, laboratorio \
                       di pasticceria del progetto «Dolci Evasioni»"
        .into();
    let doc = svg(&label).unwrap();
    assert!(doc.matches("…</text>").count() >= 2, "{doc}");
    for layout in Layout::ALL {
        let (_, _, w, h) = layout.slot(0);
        let plan = Plan::build(&label, w, h, layout).unwrap();
        for text in &plan.texts {
            assert!(text.x + text.width <= w, "{layout}: {text:?}");
        }
        let texts: Vec<&str> = plan.texts.iter().map(|t| t.text.as_str()).collect();
        assert!(
            texts.iter().any(|t| t.ends_with('…')),
            "{layout}: {texts:?}"
        );
    }
}
