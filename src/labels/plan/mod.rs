//! Where everything on one label goes, in millimetres from the label's top-left corner (y grows
//! downwards). The PDF, PNG and SVG backends only draw a [`Plan`].
//!
//! The label is split in two: on the left a square holding the QR code with its quiet zone, as
//! tall as the label allows; on the right a column of text, top to bottom: the product name in
//! bold (up to two lines), the lot, the serial number, the producer, the institute, and at the
//! foot the "MADE IN CARCERE" mark, bold in a rounded frame.
//!
//! This module places the QR code and decides the type sizes; `column` sets the text.

mod column;

#[cfg(test)]
mod tests;

use qrcode::{Color, EcLevel, QrCode};

use super::font::Weight;
use super::{LabelData, LabelError, Layout};
use column::{BUDGETS, Column, Laid, SHRINKS, Sizes};

/// Quiet zone around the QR symbol, in modules (the minimum the QR standard allows; same as
/// [`crate::qr`]).
pub const QUIET_ZONE: usize = 4;

/// Smallest QR module we print, in mm. Phone cameras read 0.3 mm modules at a normal distance;
/// our URLs give about 0.6 mm on the smallest layout.
pub(crate) const MIN_MODULE_MM: f64 = 0.3;

/// Blank margin inside the label's edge, in mm: die-cut labels shift by about a millimetre on a
/// sheet. The QR's own quiet zone adds to it.
const PAD_MM: f64 = 2.0;

/// How far from the paper's edge office printers can print, in mm (laser printers commonly
/// leave 4 to 4.2 mm unprinted). On sheets whose labels reach the paper's edge, text keeps at
/// least this far from it; the QR symbol does too, thanks to its quiet zone, which is blank and
/// may fall in the unprinted strip without harm.
const PRINTER_MARGIN_MM: f64 = 4.2;

/// Millimetres per PostScript point.
pub(crate) const MM_PER_PT: f64 = 25.4 / 72.0;

/// The text of the mark.
pub(crate) const MARK: &str = "MADE IN CARCERE";

/// A laid-out label.
#[derive(Debug)]
pub struct Plan {
    pub(crate) width: f64,
    pub(crate) height: f64,
    pub qr: Qr,
    pub(crate) texts: Vec<Text>,
    pub(crate) frames: Vec<Frame>,
}

/// The QR symbol: its top-left corner (inside the quiet zone) and module size, in mm.
#[derive(Debug)]
pub struct Qr {
    pub x: f64,
    pub y: f64,
    pub module: f64,
    /// Modules per side.
    pub(crate) modules: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Horizontal runs of dark modules as (row, first column, length), row by row.
    pub(crate) fn runs(&self) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
        self.dark
            .chunks(self.modules)
            .enumerate()
            .flat_map(|(y, row)| {
                let mut x = 0;
                std::iter::from_fn(move || {
                    while x < row.len() && !row[x] {
                        x += 1;
                    }
                    if x == row.len() {
                        return None;
                    }
                    let start = x;
                    while x < row.len() && row[x] {
                        x += 1;
                    }
                    Some((y, start, x - start))
                })
            })
    }

    /// Side of the symbol in mm, quiet zone excluded.
    pub fn side(&self) -> f64 {
        self.modules as f64 * self.module
    }
}

/// One line of text, already cleaned and shortened to fit.
#[derive(Debug)]
pub(crate) struct Text {
    /// Left end of the baseline.
    pub x: f64,
    pub(crate) baseline: f64,
    pub(crate) size_pt: f64,
    pub(crate) weight: Weight,
    pub(crate) text: String,
    /// Advance width of the whole line, in mm.
    pub(crate) width: f64,
}

/// A stroked rectangle with rounded corners; the stroke is centred on the outline.
#[derive(Debug)]
pub(crate) struct Frame {
    pub x: f64,
    pub y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
    pub(crate) radius: f64,
    pub(crate) stroke: f64,
}

/// Why one label could not be planned; [`PlanError::at`] says which label.
#[derive(Debug)]
pub enum PlanError {
    TooLong,
    TooDense(f64),
}

impl PlanError {
    pub(crate) fn at(self, index: usize) -> LabelError {
        match self {
            PlanError::TooLong => LabelError::UrlTooLong { index },
            PlanError::TooDense(module_mm) => LabelError::TooDense { index, module_mm },
        }
    }
}

impl Plan {
    /// Lays out `label` on a `width` × `height` mm label of `layout`'s stock.
    pub fn build(
        label: &LabelData,
        width: f64,
        height: f64,
        layout: Layout,
    ) -> Result<Plan, PlanError> {
        let code = QrCode::with_error_correction_level(label.url.as_bytes(), EcLevel::M)
            .map_err(|_| PlanError::TooLong)?;
        let modules = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();

        // The QR square with its quiet zone: the label's height inside the padding, but never
        // more than half its width, so that text keeps a column.
        let qr_box = (height - 2.0 * PAD_MM).min(width * 0.5);
        let module = qr_box / (modules + 2 * QUIET_ZONE) as f64;
        if module < MIN_MODULE_MM {
            return Err(PlanError::TooDense(module));
        }
        let quiet = QUIET_ZONE as f64 * module;
        let qr = Qr {
            x: PAD_MM + quiet,
            y: (height - qr_box) / 2.0 + quiet,
            module,
            modules,
            dark,
        };

        // The text column starts where the quiet zone ends and keeps clear of the paper's
        // unprintable edge where labels reach it.
        let (edge_x, edge_y) = layout.margins_mm();
        let inset_x = PAD_MM.max(PRINTER_MARGIN_MM - edge_x);
        let inset_y = (PAD_MM + 0.6).max(PRINTER_MARGIN_MM - edge_y);
        let column = Column {
            x: PAD_MM + qr_box,
            width: width - PAD_MM - qr_box - inset_x,
            top: inset_y,
            bottom: height - inset_y,
        };
        let base = Sizes::for_layout(layout);
        // Try the most generous line budgets first, each at full size and then a little
        // smaller. The first layout that fits without shortening anything wins; failing that,
        // the first that fits; failing that, the last, from which lines that do not fit are
        // left out.
        let available = column.bottom - column.top;
        let (mut fitting, mut last) = (None, None);
        for budget in BUDGETS {
            for shrink in SHRINKS {
                let laid = column.lay_out(label, base.scaled(shrink), budget);
                if laid.needed <= available {
                    if laid.shortened == 0 {
                        fitting = Some(laid);
                        break;
                    }
                    fitting.get_or_insert(laid);
                } else {
                    last = Some(laid);
                }
            }
            if fitting.as_ref().is_some_and(|l| l.shortened == 0) {
                break;
            }
        }
        let Laid { texts, frames, .. } =
            fitting.or(last).expect("BUDGETS and SHRINKS are not empty");

        Ok(Plan {
            width,
            height,
            qr,
            texts,
            frames,
        })
    }
}
