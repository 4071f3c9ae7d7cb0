//! Where everything on one label goes, in millimetres from the label's top-left corner (y grows
//! downwards). The PDF, PNG and SVG backends only draw a [`Plan`].
//!
//! The label is split in two: on the left a square holding the QR code with its quiet zone, as
//! tall as the label allows; on the right a column of text, top to bottom: the product name in
//! bold (up to two lines), the lot, the serial number, the producer, the institute, and at the
//! foot the "MADE IN CARCERE" mark, bold in a rounded frame.

use qrcode::{Color, EcLevel, QrCode};

use super::font::{ELLIPSIS, Weight, face};
use super::{LabelData, LabelError, Layout};

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
    pub(crate) x: f64,
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
    pub(crate) x: f64,
    pub(crate) y: f64,
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

/// Font sizes in points for one layout: product name, detail lines, mark.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    product: f64,
    detail: f64,
    mark: f64,
}

impl Sizes {
    fn for_layout(layout: Layout) -> Self {
        let scale = match layout {
            Layout::A4x24 => 1.0,
            Layout::A4x40 => 0.84,
            Layout::A4x14 => 1.12,
            Layout::Roll => 0.95,
        };
        Sizes {
            product: 9.0 * scale,
            detail: 7.0 * scale,
            mark: 6.2 * scale,
        }
    }

    fn scaled(self, by: f64) -> Self {
        Sizes {
            product: self.product * by,
            detail: self.detail * by,
            mark: self.mark * by,
        }
    }
}

/// The mark is never set smaller than this, in points.
const MIN_MARK_PT: f64 = 4.5;

/// Line height as a multiple of the font size.
const LEADING: f64 = 1.22;
/// Space between the product name and the details, and above the mark, in mm.
const GAP_MM: f64 = 0.9;
/// Most lines for the product name, the producer and the institute, in the order tried: long
/// names wrap while there is room (the product onto a third line only if two cannot hold it even
/// in smaller type), then the producer, the institute and at last the product are held to one
/// line each, shortened with an ellipsis.
const BUDGETS: [Budget; 5] = [
    Budget {
        product: 2,
        producer: 2,
        institute: 2,
    },
    Budget {
        product: 3,
        producer: 2,
        institute: 2,
    },
    Budget {
        product: 2,
        producer: 1,
        institute: 2,
    },
    Budget {
        product: 2,
        producer: 1,
        institute: 1,
    },
    Budget {
        product: 1,
        producer: 1,
        institute: 1,
    },
];

/// Factors applied to the font sizes with each budget before trying the next.
const SHRINKS: [f64; 3] = [1.0, 0.93, 0.86];

#[derive(Clone, Copy, Debug)]
struct Budget {
    product: usize,
    producer: usize,
    institute: usize,
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

/// Text laid out in a column.
struct Laid {
    texts: Vec<Text>,
    frames: Vec<Frame>,
    /// Height the text needs, in mm.
    needed: f64,
    /// How many texts had to be shortened to fit the column's width.
    shortened: usize,
}

/// Whether wrapping `text` into `lines` cut some of it off.
fn is_shortened(text: &str, lines: &[String]) -> bool {
    match lines.last() {
        None => !text.is_empty(),
        Some(last) => last.ends_with(ELLIPSIS) && !text.ends_with(ELLIPSIS),
    }
}

/// The text column to the right of the QR code.
struct Column {
    x: f64,
    width: f64,
    top: f64,
    bottom: f64,
}

impl Column {
    /// Places the text at `sizes`; returns it with the height it needs. Lines that would run
    /// into the mark are left out, so nothing ever leaves the column.
    fn lay_out(&self, label: &LabelData, sizes: Sizes, budget: Budget) -> Laid {
        let regular = face(Weight::Regular);
        let bold = face(Weight::Bold);

        // The mark, at the foot of the column: smaller rather than shortened when the column is
        // narrow.
        let stroke = 0.3;
        let inset_em = 0.55;
        let room = self.width - stroke;
        let mark_text = MARK.to_owned();
        let em_width = bold.width(&mark_text, 1.0) + 2.0 * inset_em;
        // (A hair under the exact fit, so rounding cannot make it shorten the text.)
        let mark_size = sizes
            .mark
            .min(room / em_width / MM_PER_PT * 0.995)
            .max(MIN_MARK_PT);
        let mark_mm = mark_size * MM_PER_PT;
        let inset = mark_mm * inset_em;
        let mark_text = bold.fit(&mark_text, mark_mm, room - 2.0 * inset);
        let mark_width = bold.width(&mark_text, mark_mm);
        let frame_h = mark_mm * 1.75;
        let frame = Frame {
            x: self.x + stroke / 2.0,
            y: self.bottom - frame_h - stroke / 2.0,
            w: mark_width + 2.0 * inset,
            h: frame_h,
            radius: frame_h * 0.3,
            stroke,
        };
        let cap = |weight: Weight, size_mm: f64| {
            let f = face(weight);
            f64::from(f.cap_height) / f64::from(f.upem) * size_mm
        };
        let mark = Text {
            x: frame.x + inset,
            baseline: frame.y + (frame_h + cap(Weight::Bold, mark_mm)) / 2.0,
            size_pt: mark_size,
            weight: Weight::Bold,
            width: mark_width,
            text: mark_text,
        };
        let text_floor = frame.y - stroke / 2.0 - GAP_MM;

        // Everything above it, top down.
        let product_mm = sizes.product * MM_PER_PT;
        let detail_mm = sizes.detail * MM_PER_PT;
        let mut lines: Vec<(Weight, f64, String)> = Vec::new();
        let product = bold.clean(&label.product);
        let mut shortened = 0;
        let wrapped = bold.wrap(&product, product_mm, self.width, budget.product);
        shortened += usize::from(is_shortened(&product, &wrapped));
        for line in wrapped {
            lines.push((Weight::Bold, sizes.product, line));
        }
        let product_lines = lines.len();
        let lot = Some(label.lot_code.trim())
            .filter(|l| !l.is_empty())
            .map(|l| format!("Lotto {l}"));
        let serial = label.serial.map(|(n, of)| match of {
            0 => format!("n. {n}"),
            of => format!("n. {n}/{of}"),
        });
        let details = [
            (lot, 1),
            (serial, 1),
            (Some(label.producer.clone()), budget.producer),
            (Some(label.institute.clone()), budget.institute),
        ];
        for (detail, max_lines) in details {
            let Some(detail) = detail else { continue };
            let detail = regular.clean(&detail);
            let wrapped = regular.wrap(&detail, detail_mm, self.width, max_lines);
            shortened += usize::from(is_shortened(&detail, &wrapped));
            for line in wrapped {
                lines.push((Weight::Regular, sizes.detail, line));
            }
        }

        let mut texts = Vec::with_capacity(lines.len() + 1);
        let mut y = self.top;
        let mut needed = 0.0;
        for (i, (weight, size_pt, text)) in lines.into_iter().enumerate() {
            if i == product_lines && i > 0 {
                y += GAP_MM;
            }
            let size_mm = size_pt * MM_PER_PT;
            let baseline = y + cap(weight, size_mm);
            // Room below the baseline for descenders.
            let bottom = baseline + size_mm * 0.24;
            needed = bottom - self.top;
            y += size_mm * LEADING;
            if bottom > text_floor {
                continue;
            }
            texts.push(Text {
                x: self.x,
                baseline,
                width: face(weight).width(&text, size_mm),
                size_pt,
                weight,
                text,
            });
        }
        let needed = needed + GAP_MM + frame_h + stroke;
        texts.push(mark);
        Laid {
            texts,
            frames: vec![frame],
            needed,
            shortened,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(product: &str) -> LabelData {
        LabelData {
            url: "https://origine.example/01/08012345678907/10/PAN-2026/21/17?t=abcd".into(),
            product: product.into(),
            lot_code: "PAN-2026".into(),
            serial: Some((17, 2000)),
            producer: "Cooperativa sociale Dolci Evasioni".into(),
            institute: "Casa di reclusione di Milano-Bollate".into(),
        }
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let (_, _, w, h) = Layout::Roll.slot(0);
        let plan = Plan::build(&label("Pane"), w, h, Layout::Roll).unwrap();
        let qr = &plan.qr;
        let mut covered = vec![false; qr.modules * qr.modules];
        for (y, x, len) in qr.runs() {
            for x in x..x + len {
                assert!(!covered[y * qr.modules + x]);
                covered[y * qr.modules + x] = true;
            }
        }
        assert_eq!(covered, qr.dark);
    }

    #[test]
    fn everything_stays_inside_every_layout() {
        let long = "Biscotti al farro e miele di castagno della Sila — Però più buoni di quelli \
                    della nonna, confezione regalo natalizia";
        for layout in Layout::ALL {
            let (_, _, w, h) = layout.slot(0);
            let mut data = label(long);
            data.producer = data.producer.repeat(4);
            data.institute = data.institute.repeat(4);
            let plan = Plan::build(&data, w, h, layout).unwrap();
            let quiet = QUIET_ZONE as f64 * plan.qr.module;
            assert!(plan.qr.x - quiet >= 0.0 && plan.qr.y - quiet >= 0.0);
            assert!(plan.qr.x + plan.qr.side() + quiet <= w + 1e-9);
            assert!(plan.qr.y + plan.qr.side() + quiet <= h + 1e-9);
            for t in &plan.texts {
                let size = t.size_pt * MM_PER_PT;
                assert!(
                    t.x >= plan.qr.x + plan.qr.side() + quiet - 1e-9,
                    "{layout}: {t:?}"
                );
                assert!(t.x + t.width <= w - PAD_MM + 1e-9, "{layout}: {t:?}");
                assert!(t.baseline - size >= 0.0 && t.baseline + size * 0.25 <= h);
            }
            for f in &plan.frames {
                assert!(
                    f.x + f.w + f.stroke / 2.0 <= w - PAD_MM + 1e-9,
                    "{layout}: {f:?}"
                );
                assert!(f.y + f.h + f.stroke / 2.0 <= h, "{layout}: {f:?}");
            }
            let all: Vec<&str> = plan.texts.iter().map(|t| t.text.as_str()).collect();
            assert!(all.iter().any(|t| t.ends_with('…')), "{layout}: {all:?}");
            assert!(all.contains(&MARK), "{layout}: {all:?}");
            assert!(all.contains(&"n. 17/2000"), "{layout}: {all:?}");
        }
    }

    #[test]
    fn short_text_is_kept_whole() {
        let (_, _, w, h) = Layout::A4x14.slot(0);
        let plan = Plan::build(&label("Taralli"), w, h, Layout::A4x14).unwrap();
        let all: Vec<&str> = plan.texts.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            all,
            [
                "Taralli",
                "Lotto PAN-2026",
                "n. 17/2000",
                "Cooperativa sociale Dolci Evasioni",
                "Casa di reclusione di Milano-Bollate",
                MARK
            ]
        );
    }

    #[test]
    fn too_long_and_too_dense_urls_are_refused() {
        let (_, _, w, h) = Layout::A4x40.slot(0);
        let mut data = label("Pane");
        data.url = "x".repeat(3000);
        assert!(matches!(
            Plan::build(&data, w, h, Layout::A4x40),
            Err(PlanError::TooLong)
        ));
        data.url = "https://origine.example/".to_owned() + &"a".repeat(400);
        assert!(matches!(
            Plan::build(&data, w, h, Layout::A4x40),
            Err(PlanError::TooDense(_))
        ));
    }
}
