//! The text column to the right of the QR code: type sizes, line budgets, wrapping and
//! shortening, and the "MADE IN CARCERE" mark at its foot.

use super::{Frame, LabelData, Layout, MARK, MM_PER_PT, Text};
use crate::labels::font::{ELLIPSIS, Weight, face};

/// Font sizes in points for one layout: product name, detail lines, mark.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sizes {
    product: f64,
    detail: f64,
    mark: f64,
}

impl Sizes {
    pub(super) fn for_layout(layout: Layout) -> Self {
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

    pub(super) fn scaled(self, by: f64) -> Self {
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
pub(super) const BUDGETS: [Budget; 5] = [
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
pub(super) const SHRINKS: [f64; 3] = [1.0, 0.93, 0.86];

#[derive(Clone, Copy, Debug)]
pub(super) struct Budget {
    product: usize,
    producer: usize,
    institute: usize,
}

/// Text laid out in a column.
pub(super) struct Laid {
    pub(super) texts: Vec<Text>,
    pub(super) frames: Vec<Frame>,
    /// Height the text needs, in mm.
    pub(super) needed: f64,
    /// How many texts had to be shortened to fit the column's width.
    pub(super) shortened: usize,
}

/// Whether wrapping `text` into `lines` cut some of it off.
fn is_shortened(text: &str, lines: &[String]) -> bool {
    match lines.last() {
        None => !text.is_empty(),
        Some(last) => last.ends_with(ELLIPSIS) && !text.ends_with(ELLIPSIS),
    }
}

/// The text column to the right of the QR code.
pub(super) struct Column {
    pub(super) x: f64,
    pub(super) width: f64,
    pub(super) top: f64,
    pub(super) bottom: f64,
}

impl Column {
    /// Places the text at `sizes`; returns it with the height it needs. Lines that would run
    /// into the mark are left out, so nothing ever leaves the column.
    pub(super) fn lay_out(&self, label: &LabelData, sizes: Sizes, budget: Budget) -> Laid {
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
