//! The embedded fonts: glyphs used so far, numbered as they first appear, and at the end of
//! the document one subset of each face with its widths and ToUnicode CMap.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use super::deflate;
use crate::labels::LabelError;
use crate::labels::font::Face;

const IDENTITY: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Glyphs of one face used so far in the document.
pub(super) struct Used {
    face: &'static Face,
    /// Original glyph id to CID (its index in the subset); CID 0 is `.notdef`.
    remapper: GlyphRemapper,
    /// For each CID, the character it was first drawn for (for the ToUnicode CMap).
    chars: Vec<Option<char>>,
    /// For each CID, its advance in thousandths of an em.
    widths: Vec<f32>,
}

impl Used {
    pub(super) fn new(face: &'static Face) -> Self {
        Used {
            face,
            remapper: GlyphRemapper::new(),
            chars: vec![None],
            widths: vec![face.pdf_width(ab_glyph::GlyphId(0))],
        }
    }

    /// Appends `text` as big-endian two-byte CIDs.
    pub(super) fn encode(&mut self, text: &str, out: &mut Vec<u8>) {
        for c in text.chars() {
            let glyph = self.face.glyph(c);
            let cid = self.remapper.remap(glyph.0);
            if usize::from(cid) == self.chars.len() {
                self.chars.push(Some(c));
                self.widths.push(self.face.pdf_width(glyph));
            }
            out.extend_from_slice(&cid.to_be_bytes());
        }
    }
}

/// The object ids of one embedded font.
#[derive(Clone, Copy)]
pub(super) struct FontRefs {
    pub(super) type0: Ref,
    pub(super) cid: Ref,
    pub(super) descriptor: Ref,
    pub(super) file: Ref,
    pub(super) to_unicode: Ref,
}

/// Writes one face: Type0 font, CID font with widths, descriptor, subset font file, ToUnicode.
pub(super) fn embed(pdf: &mut Pdf, used: &Used, refs: FontRefs) -> Result<(), LabelError> {
    let face = used.face;
    let subset = subsetter::subset(face.data, 0, &used.remapper)
        .map_err(|e| LabelError::Font(e.to_string()))?;
    let base_font = format!("{}+{}", subset_tag(&used.chars), face.ps_name);
    let base_font = Name(base_font.as_bytes());

    pdf.type0_font(refs.type0)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(refs.cid)
        .to_unicode(refs.to_unicode);

    let mut cid = pdf.cid_font(refs.cid);
    cid.subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(IDENTITY)
        .font_descriptor(refs.descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, used.widths.iter().copied());
    cid.finish();

    let per_mille = |units: f32| units * 1000.0 / face.upem;
    pdf.font_descriptor(refs.descriptor)
        .name(base_font)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            per_mille(face.bbox[0]),
            per_mille(face.bbox[1]),
            per_mille(face.bbox[2]),
            per_mille(face.bbox[3]),
        ))
        .italic_angle(0.0)
        .ascent(per_mille(face.ascent))
        .descent(per_mille(face.descent))
        .cap_height(per_mille(face.cap_height))
        .stem_v(if face.ps_name.ends_with("Bold") {
            140.0
        } else {
            80.0
        })
        .font_file2(refs.file);

    let compressed = deflate(&subset);
    pdf.stream(refs.file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), IDENTITY);
    for (cid, c) in used.chars.iter().enumerate() {
        if let Some(c) = c {
            cmap.pair(cid as u16, *c);
        }
    }
    pdf.cmap(refs.to_unicode, cmap.finish().as_slice())
        .name(Name(b"Custom"))
        .system_info(IDENTITY);
    Ok(())
}

/// The six capital letters that prefix a subset font's name, derived from the glyphs it holds
/// (so the same labels give the same file).
fn subset_tag(chars: &[Option<char>]) -> String {
    // FNV-1a over the characters.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars.iter().flatten() {
        for b in u32::from(*c).to_le_bytes() {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8))
        .collect()
}
