//! Drawing one planned label into a page's content stream.

use pdf_writer::{Content, Str};

use super::fonts::Used;
use super::{FONT_NAMES, Plan, pt};

/// Draws one label whose top-left corner is `left` mm from the page's left edge and `top` mm above
/// its bottom edge (PDF space has y up; the plan has y down).
pub(super) fn draw(content: &mut Content, plan: &Plan, left: f64, top: f64, used: &mut [Used; 2]) {
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
