//! Plans stay inside their label on every layout, keep short text whole and refuse URLs
//! that cannot be printed readably.

use super::*;

fn label(product: &str) -> LabelData {
    LabelData {
        url: "https://origine.example/01/08012345678907/10/PAN-2026/21/17?t=abcd".into(),
        product: product.into(),
        lot_code: "PAN-2026".into(),
        serial: Some((17, 2000)),
        producer: "Cooperativa sociale Dolci Evasioni".into(),
        institute: "Casa di reclusione di Milano-Bollate".into(),
    }
}

#[test]
fn runs_cover_exactly_the_dark_modules() {
    let (_, _, w, h) = Layout::Roll.slot(0);
    let plan = Plan::build(&label("Pane"), w, h, Layout::Roll).unwrap();
    let qr = &plan.qr;
    let mut covered = vec![false; qr.modules * qr.modules];
    for (y, x, len) in qr.runs() {
        for x in x..x + len {
            assert!(!covered[y * qr.modules + x]);
            covered[y * qr.modules + x] = true;
        }
    }
    assert_eq!(covered, qr.dark);
}

#[test]
fn everything_stays_inside_every_layout() {
    let long = "Biscotti al farro e miele di castagno della Sila — Però più buoni di quelli \
                della nonna, confezione regalo natalizia";
    for layout in Layout::ALL {
        let (_, _, w, h) = layout.slot(0);
        let mut data = label(long);
        data.producer = data.producer.repeat(4);
        data.institute = data.institute.repeat(4);
        let plan = Plan::build(&data, w, h, layout).unwrap();
        let quiet = QUIET_ZONE as f64 * plan.qr.module;
        assert!(plan.qr.x - quiet >= 0.0 && plan.qr.y - quiet >= 0.0);
        assert!(plan.qr.x + plan.qr.side() + quiet <= w + 1e-9);
        assert!(plan.qr.y + plan.qr.side() + quiet <= h + 1e-9);
        for t in &plan.texts {
            let size = t.size_pt * MM_PER_PT;
            assert!(
                t.x >= plan.qr.x + plan.qr.side() + quiet - 1e-9,
                "{layout}: {t:?}"
            );
            assert!(t.x + t.width <= w - PAD_MM + 1e-9, "{layout}: {t:?}");
            assert!(t.baseline - size >= 0.0 && t.baseline + size * 0.25 <= h);
        }
        for f in &plan.frames {
            assert!(
                f.x + f.w + f.stroke / 2.0 <= w - PAD_MM + 1e-9,
                "{layout}: {f:?}"
            );
            assert!(f.y + f.h + f.stroke / 2.0 <= h, "{layout}: {f:?}");
        }
        let all: Vec<&str> = plan.texts.iter().map(|t| t.text.as_str()).collect();
        assert!(all.iter().any(|t| t.ends_with('…')), "{layout}: {all:?}");
        assert!(all.contains(&MARK), "{layout}: {all:?}");
        assert!(all.contains(&"n. 17/2000"), "{layout}: {all:?}");
    }
}

#[test]
fn short_text_is_kept_whole() {
    let (_, _, w, h) = Layout::A4x14.slot(0);
    let plan = Plan::build(&label("Taralli"), w, h, Layout::A4x14).unwrap();
    let all: Vec<&str> = plan.texts.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(
        all,
        [
            "Taralli",
            "Lotto PAN-2026",
            "n. 17/2000",
            "Cooperativa sociale Dolci Evasioni",
            "Casa di reclusione di Milano-Bollate",
            MARK
        ]
    );
}

#[test]
fn too_long_and_too_dense_urls_are_refused() {
    let (_, _, w, h) = Layout::A4x40.slot(0);
    let mut data = label("Pane");
    data.url = "x".repeat(3000);
    assert!(matches!(
        Plan::build(&data, w, h, Layout::A4x40),
        Err(PlanError::TooLong)
    ));
    data.url = "https://origine.example/".to_owned() + &"a".repeat(400);
    assert!(matches!(
        Plan::build(&data, w, h, Layout::A4x40),
        Err(PlanError::TooDense(_))
    ));
}
