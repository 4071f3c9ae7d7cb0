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
//!
//! This module writes the pages; `draw` turns one label's plan into content-stream operators
//! and `fonts` embeds the two font subsets.

mod draw;
mod fonts;

use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, TextStr};

use super::font::{Weight, face};
use super::plan::{MM_PER_PT, Plan};
use super::{LabelData, LabelError, Layout, MAX_LABELS};
use draw::draw;
use fonts::{FontRefs, Used, embed};

/// Resource names of the two faces, indexed by [`Weight::index`].
const FONT_NAMES: [Name<'static>; 2] = [Name(b"F1"), Name(b"F2")];

/// Millimetres to points.
fn pt(mm: f64) -> f32 {
    (mm / MM_PER_PT) as f32
}

/// The PDF of `labels` on sheets of `layout`; `progress` gets the number of labels done after
/// each page.
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

/// Zlib-compresses a stream.
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::with_capacity(data.len() / 3), Compression::default());
    // Writing into a Vec cannot fail.
    encoder.write_all(data).expect("in-memory write");
    encoder.finish().expect("in-memory write")
}
