//! Single labels as PNG: the plan rasterised into 8-bit grayscale.
//!
//! The QR is snapped to whole pixels (each module the same whole number of pixels, the symbol
//! centred where the plan puts it), so scanners see sharp, even modules at any resolution. Text
//! is drawn with `ab_glyph`'s anti-aliased rasteriser from the same embedded faces and advances
//! the PDF uses; the mark's frame is drawn anti-aliased from its distance field.

use ab_glyph::{Font as _, PxScale, point};

use super::LabelError;
use super::font::face;
use super::plan::{Frame, Plan, Text};

/// White background with black ink, one byte per pixel.
struct Canvas {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
}

impl Canvas {
    /// Darkens pixel (`x`, `y`) by `coverage` (0 to 1) of black ink; outside pixels are ignored.
    fn ink(&mut self, x: i64, y: i64, coverage: f32) {
        if x < 0 || y < 0 || x as usize >= self.width || y as usize >= self.height {
            return;
        }
        let p = &mut self.pixels[y as usize * self.width + x as usize];
        let keep = 1.0 - coverage.clamp(0.0, 1.0);
        *p = (f32::from(*p) * keep).round() as u8;
    }

    /// Fills whole pixels `x0..x1` × `y0..y1` with black.
    fn fill(&mut self, x0: usize, y0: usize, x1: usize, y1: usize) {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        for y in y0..y1 {
            let row = y * self.width;
            self.pixels[row + x0.min(x1)..row + x1].fill(0);
        }
    }
}

/// Renders `plan` at `dpi` and encodes it.
pub(crate) fn png(plan: &Plan, dpi: u32) -> Result<Vec<u8>, LabelError> {
    let px_per_mm = f64::from(dpi) / 25.4;
    let mut canvas = Canvas {
        width: (plan.width * px_per_mm).round() as usize,
        height: (plan.height * px_per_mm).round() as usize,
        pixels: Vec::new(),
    };
    canvas.pixels = vec![255; canvas.width * canvas.height];

    let qr = &plan.qr;
    let module_px = ((qr.module * px_per_mm).floor() as usize).max(1);
    let slack = qr.side() * px_per_mm - (module_px * qr.modules) as f64;
    let x0 = (qr.x * px_per_mm + slack / 2.0).round().max(0.0) as usize;
    let y0 = (qr.y * px_per_mm + slack / 2.0).round().max(0.0) as usize;
    for (y, x, len) in qr.runs() {
        let (left, top) = (x0 + x * module_px, y0 + y * module_px);
        canvas.fill(left, top, left + len * module_px, top + module_px);
    }

    for frame in &plan.frames {
        stroke_frame(&mut canvas, frame, px_per_mm);
    }
    for text in &plan.texts {
        draw_text(&mut canvas, text, dpi);
    }
    encode(&canvas, dpi)
}

fn draw_text(canvas: &mut Canvas, text: &Text, dpi: u32) {
    let face = face(text.weight);
    let em_px = text.size_pt * f64::from(dpi) / 72.0;
    // ab_glyph scales by the height from descender to ascender, not by the em.
    let scale = PxScale::from(
        (em_px * f64::from(face.font.height_unscaled()) / f64::from(face.upem)) as f32,
    );
    let px_per_unit = em_px / f64::from(face.upem);
    let baseline = (text.baseline * f64::from(dpi) / 25.4) as f32;
    let mut x = text.x * f64::from(dpi) / 25.4;
    for c in text.text.chars() {
        let glyph = face
            .glyph(c)
            .with_scale_and_position(scale, point(x as f32, baseline));
        if let Some(outline) = face.font.outline_glyph(glyph) {
            let bounds = outline.px_bounds();
            let (left, top) = (bounds.min.x as i64, bounds.min.y as i64);
            outline.draw(|gx, gy, coverage| {
                canvas.ink(left + i64::from(gx), top + i64::from(gy), coverage);
            });
        }
        x += f64::from(face.advance(c)) * px_per_unit;
    }
}

/// Strokes a rounded rectangle: each pixel is inked by how much of it lies within half the
/// stroke width of the outline (from the rounded box's signed distance function).
fn stroke_frame(canvas: &mut Canvas, frame: &Frame, px_per_mm: f64) {
    let s = px_per_mm;
    let (cx, cy) = ((frame.x + frame.w / 2.0) * s, (frame.y + frame.h / 2.0) * s);
    let (hw, hh) = (frame.w / 2.0 * s, frame.h / 2.0 * s);
    let r = (frame.radius * s).min(hw).min(hh);
    let half = frame.stroke * s / 2.0;
    let x_range = ((cx - hw - half - 1.0).floor() as i64)..=((cx + hw + half + 1.0).ceil() as i64);
    for py in ((cy - hh - half - 1.0).floor() as i64)..=((cy + hh + half + 1.0).ceil() as i64) {
        for px in x_range.clone() {
            let qx = (px as f64 + 0.5 - cx).abs() - (hw - r);
            let qy = (py as f64 + 0.5 - cy).abs() - (hh - r);
            let outside = qx.max(0.0).hypot(qy.max(0.0));
            let distance = outside + qx.max(qy).min(0.0) - r;
            let coverage = half - distance.abs() + 0.5;
            if coverage > 0.0 {
                canvas.ink(px, py, coverage as f32);
            }
        }
    }
}

fn encode(canvas: &Canvas, dpi: u32) -> Result<Vec<u8>, LabelError> {
    let png_err = |e: png::EncodingError| LabelError::Png(e.to_string());
    let mut out = Vec::with_capacity(canvas.pixels.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, canvas.width as u32, canvas.height as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
    encoder.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_metre,
        yppu: per_metre,
        unit: png::Unit::Meter,
    }));
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(&canvas.pixels).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}
