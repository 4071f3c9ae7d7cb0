//! QR codes for certificate URLs, rendered as PNG or SVG (error correction level M, 4-module quiet zone).

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// Width of the light border around the symbol, in modules (the minimum the QR standard allows).
const QUIET_ZONE: usize = 4;

/// Largest PNG side we agree to produce, in pixels; bounds memory and time for any `module_px`.
const MAX_PNG_SIDE_PX: u64 = 8192;

/// Pixels per module in the SVG's `width`/`height` attributes (the `viewBox` stays in modules).
const SVG_MODULE_PX: usize = 8;

/// Why a QR code could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// More data than a version 40 QR code holds at level M.
    #[error("data too long for a QR code")]
    TooLong,
    /// A module size that is 0 or makes the image over 8192 px a side, or the PNG
    /// encoder failed.
    #[error("png encoding failed: {0}")]
    Png(String),
}

/// Encodes `data` at error correction level M, choosing the smallest version.
///
/// `qrcode` can also report unsupported character sets or invalid versions, which cannot happen
/// with automatic version selection and byte-mode fallback; every failure is reported as `TooLong`.
fn encode(data: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|_| QrError::TooLong)
}

/// Renders `data` as a 1-bit grayscale PNG, black modules on white, `module_px` pixels per module
/// and a 4-module quiet zone, so the image side is `(modules + 8) * module_px` pixels.
///
/// `module_px` must be at least 1 and the image side at most 8192 pixels.
pub fn png(data: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    let code = encode(data)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side_modules = modules + 2 * QUIET_ZONE;
    let side_px = side_modules as u64 * u64::from(module_px);
    if module_px == 0 || side_px > MAX_PNG_SIDE_PX {
        return Err(QrError::Png(format!(
            "{module_px} px per module gives a {side_px} px image (allowed: 1 to {MAX_PNG_SIDE_PX})"
        )));
    }
    let (side_px, scale) = (side_px as usize, module_px as usize);

    // Rows of packed bits, most significant bit first; 1 is white, 0 is black.
    let row_bytes = side_px.div_ceil(8);
    let mut pixels = vec![0xFF_u8; row_bytes * side_px];
    for y in 0..side_px {
        let Some(my) = (y / scale).checked_sub(QUIET_ZONE).filter(|&m| m < modules) else {
            continue;
        };
        let row = &mut pixels[y * row_bytes..(y + 1) * row_bytes];
        for x in 0..side_px {
            let Some(mx) = (x / scale).checked_sub(QUIET_ZONE).filter(|&m| m < modules) else {
                continue;
            };
            if colors[my * modules + mx] == Color::Dark {
                row[x / 8] &= !(0x80 >> (x % 8));
            }
        }
    }

    let png_err = |e: png::EncodingError| QrError::Png(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side_px as u32, side_px as u32);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().map_err(png_err)?;
    writer.write_image_data(&pixels).map_err(png_err)?;
    writer.finish().map_err(png_err)?;
    Ok(out)
}

/// Renders `data` as a standalone SVG document: a white background, one `<path>` of black
/// horizontal runs, `viewBox` in modules including the 4-module quiet zone, and
/// `width`/`height` of 8 px per module so rasterisers produce a decodable image.
pub fn svg(data: &str) -> Result<String, QrError> {
    let code = encode(data)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = modules + 2 * QUIET_ZONE;
    let px = side * SVG_MODULE_PX;

    let mut path = String::new();
    for (y, row) in colors.chunks(modules).enumerate() {
        let mut x = 0;
        while x < modules {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < modules && row[x] == Color::Dark {
                x += 1;
            }
            let run = x - start;
            // Writing into a String cannot fail.
            let _ = write!(
                path,
                "M{} {}h{run}v1h-{run}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE
            );
        }
    }

    Ok(format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            "\n",
            r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{px}" height="{px}" "#,
            r#"viewBox="0 0 {side} {side}" shape-rendering="crispEdges">"#,
            r##"<rect width="{side}" height="{side}" fill="#fff"/>"##,
            r##"<path fill="#000" d="{path}"/></svg>"##,
            "\n"
        ),
        px = px,
        side = side,
        path = path
    ))
}

// Decoding with zbarimg (and rendering with librsvg) is tested in tests/it/renders/qr.rs.
#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://origine.example/c/abcdefghjkmnpqrs2345";
    const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

    #[test]
    fn png_has_signature_and_expected_size() {
        let modules = encode(URL).unwrap().width() as u32;
        let bytes = png(URL, 5).unwrap();
        assert_eq!(bytes[..8], PNG_SIGNATURE);
        // IHDR is the first chunk: length(4) type(4) width(4) height(4).
        assert_eq!(&bytes[12..16], b"IHDR");
        let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        assert_eq!((width, height), ((modules + 8) * 5, (modules + 8) * 5));
    }

    #[test]
    fn png_rejects_bad_module_size() {
        assert!(matches!(png(URL, 0), Err(QrError::Png(_))));
        assert!(matches!(png(URL, u32::MAX), Err(QrError::Png(_))));
    }

    #[test]
    fn svg_is_a_document_with_one_path() {
        let doc = svg(URL).unwrap();
        assert!(doc.contains("<svg"));
        assert_eq!(doc.matches("<path").count(), 1);
        assert!(doc.contains(r#"shape-rendering="crispEdges""#));
        assert!(doc.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn too_long_data_is_rejected() {
        // Version 40-M holds at most 2331 bytes in byte mode.
        let data = "\u{e9}".repeat(2000);
        assert!(matches!(png(&data, 4), Err(QrError::TooLong)));
        assert!(matches!(svg(&data), Err(QrError::TooLong)));
    }
}
