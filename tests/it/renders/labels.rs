//! Label files checked against outside references Debian provides: poppler's `pdftoppm`,
//! `pdftotext`, `pdffonts` and `pdfinfo` read the PDFs, zbar's `zbarimg` decodes the QR codes
//! from the rendered pixels, librsvg renders the SVGs. Those marked with `origine_zbar` are
//! ignored where zbar is missing. The tests that need no tool are in src/labels/tests.rs.

use std::path::{Path, PathBuf};
use std::process::Command;

use origine::labels::plan::{Plan, QUIET_ZONE};
use origine::labels::{LabelData, Layout, pdf, png, svg};

const PRODUCT: &str = "Biscotti al farro — Però più buoni";

fn url(n: usize) -> String {
    format!("https://origine.example/01/08012345678907/10/PAN-2026/21/{n}?t=abcd")
}

fn sample(n: usize) -> LabelData {
    LabelData {
        url: url(n),
        product: PRODUCT.into(),
        lot_code: "PAN-2026".into(),
        serial: Some((n as u64, 2000)),
        producer: "Cooperativa «Dolce Libertà»".into(),
        institute: "Casa circondariale di Siracusa".into(),
    }
}

fn samples(count: usize) -> Vec<LabelData> {
    (1..=count).map(sample).collect()
}

fn build(layout: Layout, labels: &[LabelData]) -> Vec<u8> {
    pdf(layout, labels, &mut |_| {}).unwrap()
}

/// Runs a program and returns its standard output; panics with its error output on failure.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed: {e}"));
    assert!(
        out.status.success(),
        "{program} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Decodes every QR code in an image file with `zbarimg --raw -q`; `None` when it finds none.
fn zbar(file: &Path) -> Option<String> {
    let out = Command::new("zbarimg")
        .arg("--raw")
        .arg("-q")
        .arg(file)
        .output()
        .expect("zbarimg must be installed (Debian zbar-tools)");
    // zbarimg exits with 4 when the image holds no symbol.
    if out.status.code() == Some(4) {
        return None;
    }
    assert!(out.status.success(), "zbarimg failed: {out:?}");
    Some(String::from_utf8(out.stdout).unwrap().trim_end().to_owned())
}

/// A grayscale page rendered by `pdftoppm`.
struct Gray {
    width: usize,
    height: usize,
    pixels: Vec<u8>,
    dpi: f64,
}

impl Gray {
    /// Renders page `page` (from 1) of `pdf_file` at `dpi`.
    fn render(pdf_file: &Path, page: usize, dpi: u32) -> Gray {
        let prefix = pdf_file.with_extension(format!("p{page}"));
        let page_arg = page.to_string();
        let dpi_arg = dpi.to_string();
        run(
            "pdftoppm",
            &[
                "-r".as_ref(),
                dpi_arg.as_ref(),
                "-gray".as_ref(),
                "-f".as_ref(),
                page_arg.as_ref(),
                "-l".as_ref(),
                page_arg.as_ref(),
                "-singlefile".as_ref(),
                pdf_file.as_os_str(),
                prefix.as_os_str(),
            ],
        );
        let data = std::fs::read(prefix.with_extension(format!("p{page}.pgm"))).unwrap();
        // "P5\n<width> <height>\n255\n" then one byte per pixel.
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while data[at].is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !data[at].is_ascii_whitespace() {
                at += 1;
            }
            fields.push(std::str::from_utf8(&data[start..at]).unwrap().to_owned());
        }
        assert_eq!(fields[0], "P5");
        let (width, height) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
        let pixels = data[at + 1..].to_vec();
        assert_eq!(pixels.len(), width * height);
        Gray {
            width,
            height,
            pixels,
            dpi: f64::from(dpi),
        }
    }

    fn px(&self, mm: f64) -> usize {
        (mm * self.dpi / 25.4).round() as usize
    }

    /// Writes the rectangle (in mm) as a PNG for zbarimg.
    fn crop_png(&self, (x, y, w, h): (f64, f64, f64, f64), file: &Path) {
        let (x0, y0) = (self.px(x), self.px(y));
        let (x1, y1) = (
            self.px(x + w).min(self.width),
            self.px(y + h).min(self.height),
        );
        let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
        for row in y0..y1 {
            pixels.extend_from_slice(&self.pixels[row * self.width + x0..row * self.width + x1]);
        }
        let out = std::fs::File::create(file).unwrap();
        let mut encoder = ::png::Encoder::new(out, (x1 - x0) as u32, (y1 - y0) as u32);
        encoder.set_color(::png::ColorType::Grayscale);
        encoder.set_depth(::png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&pixels).unwrap();
    }

    /// Bounding box (left, top, right, bottom, in mm) of dark pixels inside a rectangle in mm.
    fn dark_box(&self, (x, y, w, h): (f64, f64, f64, f64)) -> Option<(f64, f64, f64, f64)> {
        let (x0, y0) = (self.px(x), self.px(y));
        let (x1, y1) = (
            self.px(x + w).min(self.width),
            self.px(y + h).min(self.height),
        );
        let mut found: Option<(usize, usize, usize, usize)> = None;
        for row in y0..y1 {
            for col in x0..x1 {
                if self.pixels[row * self.width + col] < 128 {
                    let b = found.get_or_insert((col, row, col, row));
                    *b = (b.0.min(col), b.1.min(row), b.2.max(col), b.3.max(row));
                }
            }
        }
        let mm = |px: usize| px as f64 * 25.4 / self.dpi;
        found.map(|(l, t, r, b)| (mm(l), mm(t), mm(r + 1), mm(b + 1)))
    }
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, bytes).unwrap();
    file
}

/// (a) A full page plus one more label, for each layout: every label slot, cropped from the
/// rendered page, decodes to exactly its own URL, and the slots after the last label are blank.
#[test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (Debian zbar-tools) and pdftoppm (poppler-utils)"
)]
fn every_label_decodes_to_its_own_url() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let per_page = layout.per_page();
        let labels = samples(per_page + 1);
        let file = write_pdf(
            dir.path(),
            &format!("{layout}.pdf"),
            &build(layout, &labels),
        );
        let info = run("pdfinfo", &[file.as_os_str()]);
        assert!(
            info.lines()
                .any(|l| l.split_whitespace().eq(["Pages:", "2"])),
            "{info}"
        );
        for page in 1..=2 {
            let image = Gray::render(&file, page, 300);
            // Page 2 holds one label: check it and the blank slot after it.
            let slots = if page == 1 { per_page } else { per_page.min(2) };
            for slot in 0..slots {
                let index = (page - 1) * per_page + slot;
                let crop = dir.path().join(format!("{layout}-{index}.png"));
                image.crop_png(layout.slot(slot), &crop);
                let expected = labels.get(index).map(|l| l.url.clone());
                assert_eq!(zbar(&crop), expected, "{layout}, page {page}, slot {slot}");
            }
        }
    }
}

/// (b) Rendered at 300 dpi, each QR symbol's dark bounding box lies where the layout's published
/// geometry and the label plan put it, within 0.5 mm; and the symbol with its quiet zone lies
/// inside its label.
#[test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (Debian zbar-tools) and pdftoppm (poppler-utils)"
)]
fn qr_codes_sit_where_the_layout_says() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let labels = samples(layout.per_page());
        let file = write_pdf(
            dir.path(),
            &format!("{layout}.pdf"),
            &build(layout, &labels),
        );
        let image = Gray::render(&file, 1, 300);
        for (i, label) in labels.iter().enumerate() {
            let (sx, sy, w, h) = layout.slot(i);
            let plan = Plan::build(label, w, h, layout).unwrap();
            let (qx, qy, side) = (sx + plan.qr.x, sy + plan.qr.y, plan.qr.side());
            let quiet = QUIET_ZONE as f64 * plan.qr.module;
            assert!(qx - quiet >= sx && qy - quiet >= sy, "{layout} slot {i}");
            assert!(qx + side + quiet <= sx + w && qy + side + quiet <= sy + h);
            // Search the whole QR square with its quiet zone: only the symbol may be dark there.
            let area = (
                qx - quiet,
                qy - quiet,
                side + 2.0 * quiet,
                side + 2.0 * quiet,
            );
            let (l, t, r, b) = image.dark_box(area).expect("a QR code in the slot");
            for (found, expected, edge) in [
                (l, qx, "left"),
                (t, qy, "top"),
                (r, qx + side, "right"),
                (b, qy + side, "bottom"),
            ] {
                assert!(
                    (found - expected).abs() <= 0.5,
                    "{layout} slot {i}: {edge} edge at {found:.2} mm, expected {expected:.2} mm"
                );
            }
        }
    }
}

/// (c) The embedded font's ToUnicode map makes the text extractable, Italian accents, guillemets
/// and dashes included; `pdffonts` sees embedded CID TrueType subsets with Unicode maps.
#[test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (Debian zbar-tools) and pdftoppm (poppler-utils)"
)]
fn text_is_extractable_with_accents() {
    let dir = tempfile::tempdir().unwrap();
    for layout in Layout::ALL {
        let file = write_pdf(
            dir.path(),
            &format!("{layout}.pdf"),
            &build(layout, &samples(layout.per_page())),
        );
        let text = run(
            "pdftotext",
            &[
                "-f".as_ref(),
                "1".as_ref(),
                "-l".as_ref(),
                "1".as_ref(),
                file.as_os_str(),
                "-".as_ref(),
            ],
        );
        // Long names wrap onto two lines on narrow labels.
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // The smallest labels shorten the product name and the producer.
        let (product, producer) = match layout {
            Layout::A4x40 => ("Biscotti al farro — Però", "Cooperativa «Dolce"),
            _ => (PRODUCT, "Cooperativa «Dolce Libertà»"),
        };
        for expected in [
            product,
            producer,
            "Lotto PAN-2026",
            "n. 1/2000",
            "MADE IN CARCERE",
        ] {
            assert!(
                words.contains(expected),
                "{layout}: {expected:?} not in {text}"
            );
        }
        let fonts = run("pdffonts", &[file.as_os_str()]);
        let embedded: Vec<&str> = fonts.lines().filter(|l| l.contains("DejaVuSans")).collect();
        assert_eq!(embedded.len(), 2, "{fonts}");
        for line in embedded {
            assert!(
                line.contains("CID TrueType") && line.contains("Identity-H"),
                "{line}"
            );
            // emb, sub, uni.
            assert!(line.contains("yes yes yes"), "{line}");
        }
    }
}

/// (e) The single-label PNG decodes.
#[test]
#[cfg_attr(not(origine_zbar), ignore = "needs zbarimg (Debian zbar-tools)")]
fn png_label_decodes() {
    let dir = tempfile::tempdir().unwrap();
    for dpi in [150, 300, 600] {
        let file = dir.path().join(format!("label-{dpi}.png"));
        std::fs::write(&file, png(&sample(42), dpi).unwrap()).unwrap();
        assert_eq!(zbar(&file).as_deref(), Some(url(42).as_str()), "{dpi} dpi");
    }
}

/// (e) The single-label SVG, rendered by librsvg, decodes.
#[test]
#[cfg_attr(
    not(all(origine_rsvg, origine_zbar)),
    ignore = "needs rsvg-convert (Debian librsvg2-bin) and zbarimg (Debian zbar-tools)"
)]
fn svg_label_renders_and_decodes() {
    let dir = tempfile::tempdir().unwrap();
    let (svg_file, png_file) = (dir.path().join("label.svg"), dir.path().join("label.png"));
    std::fs::write(&svg_file, svg(&sample(42)).unwrap()).unwrap();
    run(
        "rsvg-convert",
        &[
            "--dpi-x".as_ref(),
            "300".as_ref(),
            "--dpi-y".as_ref(),
            "300".as_ref(),
            "-o".as_ref(),
            png_file.as_os_str(),
            svg_file.as_os_str(),
        ],
    );
    assert_eq!(zbar(&png_file).as_deref(), Some(url(42).as_str()));
}

/// (f) Shortened text reaches the PDF as such: the ellipsis is extractable, and what is left of
/// the name is its beginning.
#[test]
#[cfg_attr(
    not(origine_zbar),
    ignore = "needs zbarimg (Debian zbar-tools) and pdftoppm (poppler-utils)"
)]
fn shortened_text_ends_with_an_ellipsis_in_the_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let mut label = sample(1);
    let producer = "Cooperativa sociale di tipo B «Dolce Libertà» — laboratorio di pasticceria";
    label.producer = producer.into();
    let file = write_pdf(dir.path(), "long.pdf", &build(Layout::A4x24, &[label]));
    let text = run("pdftotext", &[file.as_os_str(), "-".as_ref()]);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let start = words
        .find("Cooperativa")
        .unwrap_or_else(|| panic!("{text}"));
    let shown = &words[start..];
    let end = shown
        .find('…')
        .unwrap_or_else(|| panic!("no ellipsis in {text}"));
    assert!(end > "Cooperativa".len(), "{text}");
    assert!(producer.starts_with(&shown[..end]), "{text}");
}

/// Writes sample output for people to look at (`cargo test --test it renders::labels::look --
/// --ignored`): a PDF and a 150 dpi page image per layout, and a single PNG and SVG label, in
/// `$ORIGINE_LABELS_LOOK` or /tmp/labels-look.
#[test]
#[ignore = "writes sample labels for people to look at; run explicitly"]
fn look() {
    let dir = PathBuf::from(
        std::env::var("ORIGINE_LABELS_LOOK").unwrap_or_else(|_| "/tmp/labels-look".into()),
    );
    std::fs::create_dir_all(&dir).unwrap();
    let products = [
        PRODUCT,
        "Taralli al finocchio",
        "Panettone artigianale con uvetta e scorze d'arancia candite di Sicilia",
        "Caffè «Galeotto» — miscela 100% arabica",
    ];
    for layout in Layout::ALL {
        let labels: Vec<LabelData> = (1..=layout.per_page() + 1)
            .map(|n| {
                let mut label = sample(n);
                label.product = products[n % products.len()].into();
                label
            })
            .collect();
        let file = write_pdf(&dir, &format!("{layout}.pdf"), &build(layout, &labels));
        let prefix = dir.join(layout.name());
        run(
            "pdftoppm",
            &[
                "-r".as_ref(),
                "150".as_ref(),
                "-png".as_ref(),
                "-f".as_ref(),
                "1".as_ref(),
                "-l".as_ref(),
                "1".as_ref(),
                "-singlefile".as_ref(),
                file.as_os_str(),
                prefix.as_os_str(),
            ],
        );
    }
    std::fs::write(dir.join("label.png"), png(&sample(17), 300).unwrap()).unwrap();
    std::fs::write(dir.join("label.svg"), svg(&sample(17)).unwrap()).unwrap();
}
