//! The embedded DejaVu Sans faces (regular and bold; licence in `assets/fonts/LICENSE-DejaVu.txt`)
//! and the text handling every renderer shares: clean-up, measuring, shortening with an ellipsis
//! and word wrapping.
//!
//! Text is laid out glyph by glyph with the fonts' horizontal advances and no kerning or shaping,
//! which is exact for Latin scripts, Italian included; every backend (PDF, PNG, SVG) uses these
//! same advances, so a line measured to fit here fits on the label.

use std::sync::LazyLock;

use ab_glyph::{Font as _, FontRef, GlyphId};

/// The horizontal ellipsis that ends shortened text.
pub(crate) const ELLIPSIS: char = '\u{2026}';

/// The weight of a run of text; each is its own embedded face.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

impl Weight {
    /// Index of the face in [`faces`] and of the font in the PDF's resources.
    pub(crate) fn index(self) -> usize {
        match self {
            Weight::Regular => 0,
            Weight::Bold => 1,
        }
    }
}

/// One embedded face with the metrics the renderers need.
pub(crate) struct Face {
    /// The TrueType file as embedded in the binary.
    pub(crate) data: &'static [u8],
    pub(crate) font: FontRef<'static>,
    /// PostScript name, used as the PDF `BaseFont` (after the subset tag).
    pub(crate) ps_name: &'static str,
    /// Font units per em.
    pub(crate) upem: f32,
    /// Global bounding box in font units: x min, y min, x max, y max.
    pub(crate) bbox: [f32; 4],
    pub(crate) ascent: f32,
    pub(crate) descent: f32,
    pub(crate) cap_height: f32,
    /// Advance of the ellipsis, in font units.
    ellipsis_advance: f32,
}

static FACES: LazyLock<[Face; 2]> = LazyLock::new(|| {
    [
        Face::load(
            include_bytes!("../../assets/fonts/DejaVuSans.ttf"),
            "DejaVuSans",
        ),
        Face::load(
            include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf"),
            "DejaVuSans-Bold",
        ),
    ]
});

/// The face for `weight`.
pub(crate) fn face(weight: Weight) -> &'static Face {
    &FACES[weight.index()]
}

impl Face {
    /// Parses an embedded font. The fonts are part of the binary and tested, so a failure here is
    /// a build defect, not a runtime condition.
    fn load(data: &'static [u8], ps_name: &'static str) -> Self {
        let font = FontRef::try_from_slice(data).expect("embedded DejaVu font parses");
        let parsed = ttf_parser::Face::parse(data, 0).expect("embedded DejaVu font parses");
        let upem = f32::from(parsed.units_per_em());
        let bb = parsed.global_bounding_box();
        let cap_height = parsed.capital_height().map_or(upem * 0.73, f32::from);
        let ellipsis_advance = font.h_advance_unscaled(font.glyph_id(ELLIPSIS));
        Face {
            data,
            ps_name,
            upem,
            bbox: [
                f32::from(bb.x_min),
                f32::from(bb.y_min),
                f32::from(bb.x_max),
                f32::from(bb.y_max),
            ],
            ascent: f32::from(parsed.ascender()),
            descent: f32::from(parsed.descender()),
            cap_height,
            ellipsis_advance,
            font,
        }
    }

    /// Whether the face draws `c` (rather than its `.notdef` box).
    pub(crate) fn has(&self, c: char) -> bool {
        self.font.glyph_id(c).0 != 0
    }

    /// The glyph drawn for `c`; text is [`clean`]ed first, so every character has one.
    pub(crate) fn glyph(&self, c: char) -> GlyphId {
        self.font.glyph_id(c)
    }

    /// Horizontal advance of `c` in font units.
    pub(crate) fn advance(&self, c: char) -> f32 {
        if c == ELLIPSIS {
            return self.ellipsis_advance;
        }
        self.font.h_advance_unscaled(self.glyph(c))
    }

    /// Horizontal advance of a glyph in thousandths of an em, as PDF `/W` arrays want it.
    pub(crate) fn pdf_width(&self, glyph: GlyphId) -> f32 {
        (self.font.h_advance_unscaled(glyph) * 1000.0 / self.upem).round()
    }

    /// Width of `text` set at `size` (any unit: the result is in the same unit per em).
    pub(crate) fn width(&self, text: &str, size: f64) -> f64 {
        let units: f32 = text.chars().map(|c| self.advance(c)).sum();
        f64::from(units) * size / f64::from(self.upem)
    }

    /// Replaces what this face cannot draw: whitespace and control characters become single
    /// spaces (runs collapsed, ends trimmed) and characters without a glyph become `?`.
    pub(crate) fn clean(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() {
                space = !out.is_empty();
                continue;
            }
            // Zero-width and format characters (soft hyphen, joiners, marks) have no place on a
            // label and some map to empty glyphs that would confuse text extraction.
            if matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}' | '\u{FEFF}')
            {
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(if self.has(c) { c } else { '?' });
        }
        out
    }

    /// `text` (already clean) shortened so that it is at most `max` wide at `size`: unchanged if it
    /// fits, else the longest prefix that fits followed by an ellipsis, else empty.
    pub(crate) fn fit(&self, text: &str, size: f64, max: f64) -> String {
        if self.width(text, size) <= max {
            return text.to_owned();
        }
        let scale = size / f64::from(self.upem);
        let budget = max - f64::from(self.ellipsis_advance) * scale;
        if budget < 0.0 {
            return String::new();
        }
        let mut width = 0.0;
        let mut end = 0;
        for (i, c) in text.char_indices() {
            width += f64::from(self.advance(c)) * scale;
            if width > budget {
                break;
            }
            end = i + c.len_utf8();
        }
        let mut out = text[..end]
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-'))
            .to_owned();
        out.push(ELLIPSIS);
        out
    }

    /// Breaks `text` (already clean) into at most `max_lines` lines each at most `max` wide at
    /// `size`: at spaces where possible, inside a word only when the word alone is too wide; the
    /// last line is shortened with an ellipsis if text remains.
    pub(crate) fn wrap(&self, text: &str, size: f64, max: f64, max_lines: usize) -> Vec<String> {
        let scale = size / f64::from(self.upem);
        let mut lines = Vec::new();
        let mut rest = text.trim();
        while !rest.is_empty() && lines.len() < max_lines {
            if lines.len() + 1 == max_lines || self.width(rest, size) <= max {
                let line = self.fit(rest, size, max);
                if line.is_empty() {
                    break;
                }
                lines.push(line);
                break;
            }
            // The last space at which the line still fits, and the last character that fits.
            let (mut space_at, mut fits_to, mut width) = (None, 0, 0.0);
            let mut previous = None;
            for (i, c) in rest.char_indices() {
                // Italian typography keeps a dash or closing punctuation with the word before it,
                // and an opening guillemet with the word after it.
                if previous == Some(' ') && !matches!(c, '—' | '–' | '»' | ':' | ';' | '!' | '?')
                {
                    let before = rest[..i - 1].chars().next_back();
                    if before != Some('«') {
                        space_at = Some(i - 1);
                    }
                }
                previous = Some(c);
                width += f64::from(self.advance(c)) * scale;
                if width > max {
                    break;
                }
                fits_to = i + c.len_utf8();
            }
            let (line, next) = match space_at {
                Some(i) if i > 0 => (&rest[..i], &rest[i + 1..]),
                // One word wider than the line: break it where it stops fitting (at least one
                // character, so the loop always advances).
                _ => {
                    let cut = if fits_to == 0 {
                        rest.chars().next().map_or(0, char::len_utf8)
                    } else {
                        fits_to
                    };
                    rest.split_at(cut)
                }
            };
            lines.push(line.trim_end().to_owned());
            rest = next.trim_start();
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_accents_and_punctuation_have_glyphs() {
        for weight in [Weight::Regular, Weight::Bold] {
            let face = face(weight);
            for c in "àèéìòùÀÈÉÌÒÙ«»—’…".chars() {
                assert!(face.has(c), "{c} missing from {}", face.ps_name);
            }
        }
    }

    #[test]
    fn clean_collapses_space_and_replaces_missing_glyphs() {
        let face = face(Weight::Regular);
        assert_eq!(face.clean("  Pane\t\n di  casa \u{7} "), "Pane di casa");
        assert_eq!(face.clean("soft\u{00AD}hyphen"), "softhyphen");
        // DejaVu Sans has no CJK ideographs.
        assert_eq!(face.clean("茶 verde"), "? verde");
    }

    #[test]
    fn fit_keeps_short_text_and_shortens_long_text() {
        let face = face(Weight::Regular);
        assert_eq!(face.fit("Pane", 10.0, 100.0), "Pane");
        let long = "Cooperativa sociale Dolci Evasioni del carcere di Siracusa";
        let fitted = face.fit(long, 10.0, 60.0);
        assert!(fitted.ends_with(ELLIPSIS), "{fitted}");
        assert!(face.width(&fitted, 10.0) <= 60.0);
        assert!(long.starts_with(fitted.trim_end_matches(ELLIPSIS)));
        assert_eq!(face.fit(long, 10.0, 1.0), "");
    }

    #[test]
    fn wrap_breaks_at_spaces_and_ends_with_ellipsis() {
        let face = face(Weight::Bold);
        let lines = face.wrap("Biscotti al farro — Però più buoni", 9.0, 120.0, 2);
        assert_eq!(lines, ["Biscotti al farro —", "Però più buoni"]);
        assert_eq!(lines.join(" "), "Biscotti al farro — Però più buoni");
        for line in &lines {
            assert!(face.width(line, 9.0) <= 120.0);
        }
        let lines = face.wrap(
            "Supercalifragilistichespiralidoso e altro ancora",
            9.0,
            60.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with(ELLIPSIS));
        for line in &lines {
            assert!(face.width(line, 9.0) <= 60.0, "{line}");
        }
    }
}
