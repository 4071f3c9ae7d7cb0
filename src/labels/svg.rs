//! Single labels as SVG, in millimetres (`viewBox` in mm, `width`/`height` with `mm` units).
//!
//! The QR is one `<path>` of horizontal runs in module units, placed with a transform. Text is
//! `<text>` naming DejaVu Sans first with common fallbacks; each line carries `textLength` (its
//! width in DejaVu Sans) with `lengthAdjust="spacingAndGlyphs"`, so a renderer that substitutes a
//! wider font still keeps the line inside the label.

use std::fmt::Write as _;

use super::font::Weight;
use super::plan::{MM_PER_PT, Plan};

const FONT_FAMILY: &str = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, sans-serif";

/// A length in mm, with at most three decimals and no trailing zeros.
struct Mm(f64);

impl std::fmt::Display for Mm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = format!("{:.3}", self.0);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(if s == "-0" { "0" } else { s })
    }
}

/// Escapes text for an XML text node or attribute.
fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

pub(crate) fn document(plan: &Plan) -> String {
    let (w, h) = (Mm(plan.width), Mm(plan.height));
    let mut out = String::with_capacity(8 * 1024);
    // Writing into a String cannot fail.
    let _ = write!(
        out,
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">"#,
            "\n",
            r##"<rect width="{w}" height="{h}" fill="#fff"/>"##,
            "\n",
        ),
        w = w,
        h = h
    );

    let qr = &plan.qr;
    let _ = write!(
        out,
        r##"<path fill="#000" shape-rendering="crispEdges" transform="translate({} {}) scale({:.5})" d=""##,
        Mm(qr.x),
        Mm(qr.y),
        qr.module
    );
    for (y, x, len) in qr.runs() {
        let _ = write!(out, "M{x} {y}h{len}v1h-{len}z");
    }
    out.push_str("\"/>\n");

    for frame in &plan.frames {
        let _ = writeln!(
            out,
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="none" stroke="#000" stroke-width="{}"/>"##,
            Mm(frame.x),
            Mm(frame.y),
            Mm(frame.w),
            Mm(frame.h),
            Mm(frame.radius),
            Mm(frame.stroke)
        );
    }

    let _ = writeln!(out, r##"<g font-family="{FONT_FAMILY}" fill="#000">"##);
    for text in &plan.texts {
        let weight = match text.weight {
            Weight::Regular => "",
            Weight::Bold => r#" font-weight="bold""#,
        };
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" font-size="{}"{weight} textLength="{}" lengthAdjust="spacingAndGlyphs">"#,
            Mm(text.x),
            Mm(text.baseline),
            Mm(text.size_pt * MM_PER_PT),
            Mm(text.width)
        );
        escape(&text.text, &mut out);
        out.push_str("</text>\n");
    }
    out.push_str("</g>\n</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_short_and_exact() {
        assert_eq!(Mm(2.0).to_string(), "2");
        assert_eq!(Mm(2.5).to_string(), "2.5");
        assert_eq!(Mm(1.23456).to_string(), "1.235");
        assert_eq!(Mm(-0.0001).to_string(), "0");
    }

    #[test]
    fn text_is_escaped() {
        let mut out = String::new();
        escape(r#"Pane & "vino" <rosso>"#, &mut out);
        assert_eq!(out, "Pane &amp; &quot;vino&quot; &lt;rosso&gt;");
    }
}
