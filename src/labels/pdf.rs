//! PDF label sheets, written with `pdf-writer`.
//!
//! Object layout: catalog, page tree, then for each page its page object and compressed content
//! stream, written as soon as the page is laid out; at the end, for each of the two faces, a
//! Type0 font (Identity-H) over a CIDFontType2 with its `/W` widths, font descriptor, FontFile2
//! (a subset holding only the glyphs used anywhere in the document) and ToUnicode CMap.
//!
//! Glyphs are numbered in the subset as they are first used, page by page, so content streams
//! can be written before the subset exists: a CID is the glyph's index in the subset (the subset
//! maps CIDs to glyphs one to one, `CIDToGIDMap /Identity`).

use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use super::font::{Face, Weight, face};
use super::plan::{MM_PER_PT, Plan};
use super::{LabelData, LabelError, Layout, MAX_LABELS};

/// Resource names of the two faces, indexed by [`Weight::index`].
const FONT_NAMES: [Name<'static>; 2] = [Name(b"F1"), Name(b"F2")];

const IDENTITY: SystemInfo<'static> = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Millimetres to points.
fn pt(mm: f64) -> f32 {
    (mm / MM_PER_PT) as f32
}

/// Glyphs of one face used so far in the document.
struct Used {
    face: &'static Face,
    /// Original glyph id to CID (its index in the subset); CID 0 is `.notdef`.
    remapper: GlyphRemapper,
    /// For each CID, the character it was first drawn for (for the ToUnicode CMap).
    chars: Vec<Option<char>>,
    /// For each CID, its advance in thousandths of an em.
    widths: Vec<f32>,
}

impl Used {
    fn new(face: &'static Face) -> Self {
        Used {
            face,
            remapper: GlyphRemapper::new(),
            chars: vec![None],
            widths: vec![face.pdf_width(ab_glyph::GlyphId(0))],
        }
    }

    /// Appends `text` as big-endian two-byte CIDs.
    fn encode(&mut self, text: &str, out: &mut Vec<u8>) {
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
struct FontRefs {
    type0: Ref,
    cid: Ref,
    descriptor: Ref,
    file: Ref,
    to_unicode: Ref,
}

pub(crate) fn document(
    layout: Layout,
    labels: &[LabelData],
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<u8>, LabelError> {
    if labels.is_empty() {
        return Err(LabelError::Empty);
    }
    if labels.len() > MAX_LABELS {
        return Err(LabelError::TooMany(labels.len()));
    }
    let per_page = layout.per_page();
    let (page_w, page_h) = layout.page_size_mm();

    let mut next = Ref::new(1);
    let catalog = next.bump();
    let tree = next.bump();
    let info = next.bump();
    let mut font_refs = || FontRefs {
        type0: next.bump(),
        cid: next.bump(),
        descriptor: next.bump(),
        file: next.bump(),
        to_unicode: next.bump(),
    };
    let fonts = [font_refs(), font_refs()];

    // About 1 kB per label once compressed.
    let mut pdf = Pdf::with_capacity(64 * 1024 + labels.len() * 1200);
    let mut used = [
        Used::new(face(Weight::Regular)),
        Used::new(face(Weight::Bold)),
    ];
    let mut pages = Vec::with_capacity(labels.len().div_ceil(per_page));
    let mut done = 0;
    for chunk in labels.chunks(per_page) {
        let mut content = Content::with_capacity(chunk.len() * 6 * 1024);
        for (i, label) in chunk.iter().enumerate() {
            let (x, y, w, h) = layout.slot(i);
            let plan = Plan::build(label, w, h, layout).map_err(|e| e.at(done + i))?;
            draw(&mut content, &plan, x, page_h - y, &mut used);
        }
        let stream = deflate(content.finish().as_slice());

        let page = next.bump();
        let contents = next.bump();
        let mut writer = pdf.page(page);
        writer
            .media_box(Rect::new(0.0, 0.0, pt(page_w), pt(page_h)))
            .parent(tree)
            .contents(contents);
        let mut resources = writer.resources();
        let mut font_dict = resources.fonts();
        for (name, refs) in FONT_NAMES.iter().zip(&fonts) {
            font_dict.pair(*name, refs.type0);
        }
        font_dict.finish();
        resources.finish();
        writer.finish();
        pdf.stream(contents, &stream).filter(Filter::FlateDecode);
        pages.push(page);

        done += chunk.len();
        progress(done);
    }

    let count = i32::try_from(pages.len()).expect("MAX_LABELS bounds the page count");
    pdf.pages(tree).kids(pages).count(count);
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info)
        .title(TextStr("Etichette Origine"))
        .creator(TextStr("Origine"))
        .producer(TextStr("Origine"));
    for (used, refs) in used.iter().zip(&fonts) {
        embed(&mut pdf, used, *refs)?;
    }
    Ok(pdf.finish())
}

/// Draws one label whose top-left corner is `left` mm from the page's left edge and `top` mm above
/// its bottom edge (PDF space has y up; the plan has y down).
fn draw(content: &mut Content, plan: &Plan, left: f64, top: f64, used: &mut [Used; 2]) {
    // The QR: in a coordinate system of modules with y down, one rectangle per horizontal run.
    let qr = &plan.qr;
    let m = pt(qr.module);
    content.save_state();
    content.transform([m, 0.0, 0.0, -m, pt(left + qr.x), pt(top - qr.y)]);
    for (y, x, len) in qr.runs() {
        content.rect(x as f32, y as f32, len as f32, 1.0);
    }
    content.fill_nonzero();
    content.restore_state();

    for frame in &plan.frames {
        content.set_line_width(pt(frame.stroke));
        rounded_rect(
            content,
            pt(left + frame.x),
            pt(top - frame.y - frame.h),
            pt(frame.w),
            pt(frame.h),
            pt(frame.radius),
        );
        content.stroke();
    }

    let mut bytes = Vec::with_capacity(128);
    content.begin_text();
    for text in &plan.texts {
        let weight = text.weight.index();
        bytes.clear();
        used[weight].encode(&text.text, &mut bytes);
        content.set_font(FONT_NAMES[weight], text.size_pt as f32);
        content.set_text_matrix([
            1.0,
            0.0,
            0.0,
            1.0,
            pt(left + text.x),
            pt(top - text.baseline),
        ]);
        content.show(Str(&bytes));
    }
    content.end_text();
}

/// Appends a closed rectangle with rounded corners (`x`, `y` its lower-left corner) to the path.
fn rounded_rect(content: &mut Content, x: f32, y: f32, w: f32, h: f32, r: f32) {
    let r = r.min(w / 2.0).min(h / 2.0);
    // Control-point distance for a quarter circle drawn with one cubic Bézier.
    let k = r * 0.552_284_8;
    let (x1, y1) = (x + w, y + h);
    content.move_to(x + r, y);
    content.line_to(x1 - r, y);
    content.cubic_to(x1 - r + k, y, x1, y + r - k, x1, y + r);
    content.line_to(x1, y1 - r);
    content.cubic_to(x1, y1 - r + k, x1 - r + k, y1, x1 - r, y1);
    content.line_to(x + r, y1);
    content.cubic_to(x + r - k, y1, x, y1 - r + k, x, y1 - r);
    content.line_to(x, y + r);
    content.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    content.close_path();
}

/// Writes one face: Type0 font, CID font with widths, descriptor, subset font file, ToUnicode.
fn embed(pdf: &mut Pdf, used: &Used, refs: FontRefs) -> Result<(), LabelError> {
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

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::default());
    // Writing into a Vec cannot fail.
    encoder.write_all(data).expect("in-memory write");
    encoder.finish().expect("in-memory write")
}
