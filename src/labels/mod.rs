//! Printable labels: sheets of QR labels as PDF, and single labels as PNG or SVG.
//!
//! Each label carries the certificate URL as a QR code (error correction M, 4-module quiet zone,
//! like [`crate::qr`]), the product name, the lot code, the serial number if any, the producer, the
//! institute and a "made in carcere" mark. The same layout plan (positions in millimetres) drives
//! every backend, so a PDF label, a PNG and an SVG of the same data look the same.
//!
//! - PDF ([`pdf()`]): the QR is vector (filled rectangles, one per horizontal run of dark modules),
//!   text is set in an embedded subset of DejaVu Sans (Type0 / CIDFontType2, Identity-H, with a
//!   ToUnicode CMap so text can be searched and copied). Pages are written one after another
//!   into the output, each content stream compressed and dropped as soon as it is written; the
//!   font subsets, covering every glyph used in the document, are built once at the end.
//! - PNG ([`png()`]): rasterised here, text included, with `ab_glyph`; the QR is snapped to whole
//!   pixels so its modules stay sharp.
//! - SVG ([`svg()`]): text as `<text>` with a font-family fallback list (and `textLength`, so a
//!   fallback font cannot run past the label), the QR as one `<path>`.
//!
//! Text that does not fit is shortened with an ellipsis; nothing is drawn outside its label.

mod font;
mod pdf;
// Public only for the integration tests that check rendered labels against the plan.
#[doc(hidden)]
pub mod plan;
mod raster;
mod svg;

#[cfg(test)]
mod tests;

/// What one label says. All text is free-form; it is cleaned (whitespace collapsed, characters
/// the font lacks replaced by `?`) and shortened to fit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelData {
    /// The certificate URL encoded in the QR code.
    pub url: String,
    /// The product name.
    pub product: String,
    /// The producer's lot code.
    pub lot_code: String,
    /// Serial number of this unit within the lot, as `(n, of)`: printed "n. 17/2000".
    pub serial: Option<(u64, u64)>,
    /// The producer's name.
    pub producer: String,
    /// The name of the institute where the lot was made.
    pub institute: String,
}

/// A label stock: where labels sit on a page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A4, 3 × 8 labels of 70 × 37 mm, no gaps: Avery Zweckform 3474.
    A4x24,
    /// A4, 4 × 10 labels of 52.5 × 29.7 mm, no margins or gaps: Avery Zweckform 3651.
    A4x40,
    /// A4, 2 × 7 labels of 99.1 × 38.1 mm: Avery L7163.
    A4x14,
    /// One 62 × 40 mm label per page, for a roll printer: Brother DK-22205 (62 mm continuous
    /// tape) cut every 40 mm. Also the size of single PNG and SVG labels.
    Roll,
}

/// The geometry of a sheet: label size, grid, first label's corner and pitch, in millimetres.
struct Sheet {
    page: (f64, f64),
    label: (f64, f64),
    columns: usize,
    rows: usize,
    /// Top-left corner of the first label, from the page's top-left corner.
    origin: (f64, f64),
    /// Distance between the left edges of neighbouring columns, and the top edges of rows.
    pitch: (f64, f64),
}

const A4: (f64, f64) = (210.0, 297.0);

impl Layout {
    /// Every layout, in the order a user would be offered them.
    pub const ALL: [Layout; 4] = [Layout::A4x24, Layout::A4x40, Layout::A4x14, Layout::Roll];

    /// Parses a layout name: `3x8`, `4x10`, `2x7` or `roll` (case-insensitive, `×` accepted).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace('×', "x");
        Layout::ALL.into_iter().find(|l| l.name() == s)
    }

    /// The name [`Layout::parse`] accepts.
    pub fn name(&self) -> &'static str {
        match self {
            Layout::A4x24 => "3x8",
            Layout::A4x40 => "4x10",
            Layout::A4x14 => "2x7",
            Layout::Roll => "roll",
        }
    }

    /// The label stock this layout prints on, for people choosing what to buy.
    pub fn stock(&self) -> &'static str {
        match self {
            Layout::A4x24 => "A4, 24 etichette 70 × 37 mm (Avery Zweckform 3474)",
            Layout::A4x40 => "A4, 40 etichette 52,5 × 29,7 mm (Avery Zweckform 3651)",
            Layout::A4x14 => "A4, 14 etichette 99,1 × 38,1 mm (Avery L7163)",
            Layout::Roll => "Rotolo 62 mm, etichette 62 × 40 mm (Brother DK-22205)",
        }
    }

    /// Labels per page.
    pub fn per_page(&self) -> usize {
        let sheet = self.sheet();
        sheet.columns * sheet.rows
    }

    /// Top-left corner and size (x, y, width, height) of label `i` on its page, in mm from the
    /// page's top-left corner. Labels fill rows left to right, top to bottom; `i` is taken
    /// modulo [`Layout::per_page`], so the index within the whole document works too.
    pub fn slot(&self, i: usize) -> (f64, f64, f64, f64) {
        let sheet = self.sheet();
        let i = i % (sheet.columns * sheet.rows);
        let (column, row) = (i % sheet.columns, i / sheet.columns);
        (
            sheet.origin.0 + column as f64 * sheet.pitch.0,
            sheet.origin.1 + row as f64 * sheet.pitch.1,
            sheet.label.0,
            sheet.label.1,
        )
    }

    /// Page width and height in mm.
    pub fn page_size_mm(&self) -> (f64, f64) {
        self.sheet().page
    }

    /// The blank paper between the outermost labels and the page's edges, left/right and
    /// top/bottom, in mm (the layouts are symmetric).
    fn margins_mm(&self) -> (f64, f64) {
        match self {
            // The roll's page is the label; the printer handles its own margins.
            Layout::Roll => (f64::INFINITY, f64::INFINITY),
            _ => self.sheet().origin,
        }
    }

    /// Dimensions as published by the makers of each stock.
    fn sheet(&self) -> Sheet {
        match self {
            // Avery Zweckform 3474 "Universal-Etiketten", 70 × 37 mm, 24 per A4 sheet, cut to the
            // sheet's edges left and right (3 × 70 = 210 mm). Eight rows take 296 mm of the
            // 297 mm sheet; the spare millimetre is split between top and bottom (gLabels'
            // template puts the first row at 0 mm: either way is within the die-cut tolerance).
            Layout::A4x24 => Sheet {
                page: A4,
                label: (70.0, 37.0),
                columns: 3,
                rows: 8,
                origin: (0.0, 0.5),
                pitch: (70.0, 37.0),
            },
            // Avery Zweckform 3651, 52.5 × 29.7 mm, 40 per A4 sheet, 4 × 10 with no margins or
            // gaps: the labels tile the sheet exactly (4 × 52.5 = 210, 10 × 29.7 = 297).
            Layout::A4x40 => Sheet {
                page: A4,
                label: (52.5, 29.7),
                columns: 4,
                rows: 10,
                origin: (0.0, 0.0),
                pitch: (52.5, 29.7),
            },
            // Avery L7163 (J8163 for inkjet), 99.1 × 38.1 mm, 14 per A4 sheet: top margin
            // 15.15 mm, side margin 4.65 mm, horizontal pitch 101.6 mm (a 2.5 mm gap), vertical
            // pitch 38.1 mm (no gap), per Avery's template specification.
            Layout::A4x14 => Sheet {
                page: A4,
                label: (99.1, 38.1),
                columns: 2,
                rows: 7,
                origin: (4.65, 15.15),
                pitch: (101.6, 38.1),
            },
            // Brother DK-22205: continuous paper tape 62 mm wide for the QL series; the printer
            // cuts each page, here every 40 mm. One label per page, the page is the label.
            Layout::Roll => Sheet {
                page: (62.0, 40.0),
                label: (62.0, 40.0),
                columns: 1,
                rows: 1,
                origin: (0.0, 0.0),
                pitch: (62.0, 40.0),
            },
        }
    }
}

impl std::fmt::Display for Layout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Most labels in one PDF. 50,000 labels make a PDF of roughly 50 MB; a bigger batch is better
/// printed in several files.
pub const MAX_LABELS: usize = 50_000;

/// Supported resolutions for PNG labels, in dots per inch.
pub const PNG_DPI: std::ops::RangeInclusive<u32> = 72..=1200;

/// Why labels could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The batch holds no label.
    #[error("no labels to print")]
    Empty,
    /// More than [`MAX_LABELS`] labels in one document; holds how many were asked for.
    #[error("{0} labels in one document; at most {MAX_LABELS} are allowed, split the batch")]
    TooMany(usize),
    /// A URL longer than any QR code holds.
    #[error("label {index}: the URL is too long for a QR code")]
    UrlTooLong {
        /// 0-based position of the label in the batch.
        index: usize,
    },
    /// The QR code would print with modules under 0.3 mm, too small for a phone to read
    /// reliably.
    #[error(
        "label {index}: the URL needs a QR code with modules of {module_mm:.2} mm on this label, \
         smaller than the {min_mm:.2} mm a phone camera reads reliably; use a shorter URL or \
         a larger label",
        min_mm = plan::MIN_MODULE_MM
    )]
    TooDense {
        /// 0-based position of the label in the batch.
        index: usize,
        /// The module size this label would get, in millimetres.
        module_mm: f64,
    },
    /// A PNG resolution outside [`PNG_DPI`]; holds the dpi asked for.
    #[error("{0} dpi is outside the supported range of 72 to 1200 dpi")]
    Dpi(u32),
    /// Embedding the font in the PDF failed (a server fault).
    #[error("font subsetting failed: {0}")]
    Font(String),
    /// Writing the PNG failed (a server fault).
    #[error("PNG encoding failed: {0}")]
    Png(String),
}

/// A PDF with `labels` placed on `layout`'s pages in order, as many pages as needed.
///
/// `progress` is called after each page with the number of labels placed so far. Memory beyond
/// the output itself stays at one page's worth, whatever the number of labels.
pub fn pdf(
    layout: Layout,
    labels: &[LabelData],
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, LabelError> {
    pdf::document(layout, labels, progress)
}

/// One label (62 × 40 mm, the [`Layout::Roll`] size) as an 8-bit grayscale PNG at `dpi` dots per
/// inch (72 to 1200; 300 suits most printers), with the resolution recorded in the file.
pub fn png(label: &LabelData, dpi: u32) -> Result<Vec<u8>, LabelError> {
    if !PNG_DPI.contains(&dpi) {
        return Err(LabelError::Dpi(dpi));
    }
    let (_, _, w, h) = Layout::Roll.slot(0);
    let plan = plan::Plan::build(label, w, h, Layout::Roll).map_err(|e| e.at(0))?;
    raster::png(&plan, dpi)
}

/// One label (62 × 40 mm, the [`Layout::Roll`] size) as a standalone SVG document, sized in
/// millimetres.
pub fn svg(label: &LabelData) -> Result<String, LabelError> {
    let (_, _, w, h) = Layout::Roll.slot(0);
    let plan = plan::Plan::build(label, w, h, Layout::Roll).map_err(|e| e.at(0))?;
    Ok(svg::document(&plan))
}
