//! A full unit URL, signed label included, fits a version 15-M QR code even at its largest.

use qrcode::{EcLevel, QrCode, Version};

use super::*;

/// The QR version of the full unit URL with the label in its fragment.
fn qr_version(lot: &str, serial: u64, label: &SignedLabel) -> i16 {
    let fragment = label.sign(&key(1)).unwrap();
    let url = format!(
        "https://origine.example.it/01/08012345678907/10/{lot}/21/{serial}?t=abcdefghijklmnop#{fragment}"
    );
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
    match code.version() {
        Version::Normal(v) => {
            println!("{} bytes -> QR version {v}-M", url.len());
            v
        }
        Version::Micro(v) => panic!("micro QR {v}"),
    }
}

#[test]
fn a_full_unit_url_fits_qr_version_15_m() {
    let l = SignedLabel {
        product: format!(
            "{:-<60.60}",
            "Pasta di semola di grano duro trafilata al bronzo, 500 g"
        ),
        producer: format!(
            "{:-<60.60}",
            "Cooperativa sociale Lavoro e Dignita, Casa circondariale"
        ),
        ..label()
    };
    assert_eq!(l.product.chars().count(), 60);
    assert_eq!(l.producer.chars().count(), 60);
    assert!(qr_version("PAN-2026-11-A", 1999, &l) <= 15);
    // Accented names are cut to 60 bytes, so they cannot make the code larger.
    let accented = SignedLabel {
        product: "à".repeat(60),
        producer: "è".repeat(60),
        ..label()
    };
    assert!(qr_version("PAN-2026-11-A", 1999, &accented) <= 15);
}

#[test]
fn the_largest_realistic_label_fits_qr_version_15_m() {
    // A 20-character lot, the largest lot's last serial, both names at their cap.
    let l = SignedLabel {
        lot: "ABCDEFGHIJ-2026-11-Z".into(),
        // The largest lot (`domain::lot::MAX_QUANTITY`) has 10 million units.
        serial: 10_000_000,
        product: "p".repeat(60),
        producer: "q".repeat(60),
        ..label()
    };
    assert!(qr_version(&l.lot, l.serial, &l) <= 15);
}
