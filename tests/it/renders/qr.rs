//! QR codes from `origine::qr`, decoded by zbar's `zbarimg` (after librsvg renders the SVG).
//! The tests that need no tool are in src/qr.rs.

use std::path::Path;
use std::process::Command;

use origine::qr::{png, svg};

const URL: &str = "https://origine.example/c/abcdefghjkmnpqrs2345";

/// Runs `zbarimg --raw -q` on `file` and returns its trimmed standard output.
fn zbar_decode(file: &Path) -> String {
    let out = Command::new("zbarimg")
        .arg("--raw")
        .arg("-q")
        .arg(file)
        .output()
        .expect("zbarimg must be installed (Debian zbar-tools)");
    assert!(out.status.success(), "zbarimg failed: {out:?}");
    String::from_utf8(out.stdout)
        .expect("zbarimg output is UTF-8")
        .trim_end()
        .to_owned()
}

#[test]
#[cfg_attr(not(origine_zbar), ignore = "needs zbarimg (Debian zbar-tools)")]
fn png_decodes_with_zbarimg() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("code.png");
    std::fs::write(&file, png(URL, 4).unwrap()).unwrap();
    assert_eq!(zbar_decode(&file), URL);
}

#[test]
#[cfg_attr(
    not(all(origine_rsvg, origine_zbar)),
    ignore = "needs rsvg-convert (Debian librsvg2-bin) and zbarimg (Debian zbar-tools)"
)]
fn svg_renders_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let (svg_file, png_file) = (dir.path().join("code.svg"), dir.path().join("code.png"));
    std::fs::write(&svg_file, svg(URL).unwrap()).unwrap();
    let status = Command::new("rsvg-convert")
        .arg("-o")
        .arg(&png_file)
        .arg(&svg_file)
        .status()
        .expect("rsvg-convert must be installed (Debian librsvg2-bin)");
    assert!(status.success(), "rsvg-convert failed: {status}");
    assert_eq!(zbar_decode(&png_file), URL);
}
