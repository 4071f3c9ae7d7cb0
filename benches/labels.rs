//! Label rendering cost. Targets on the project's 2-core machine: a 1,000-label PDF (3 × 8
//! layout, 42 pages) under 2 s, a single 300 dpi PNG label under 5 ms.
//!
//! Run with `cargo bench --bench labels`.
// In a benchmark an unwrap that fails is the report we want.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use origine::labels::{LabelData, Layout, pdf, png, svg};

fn label(n: u64) -> LabelData {
    LabelData {
        url: format!("https://origine.example/01/08012345678907/10/PAN-2026/21/{n}?t=abcd"),
        product: "Biscotti al farro — Però più buoni".into(),
        lot_code: "PAN-2026".into(),
        serial: Some((n, 1000)),
        producer: "Cooperativa «Dolce Libertà»".into(),
        institute: "Casa circondariale di Siracusa".into(),
    }
}

fn labels(c: &mut Criterion) {
    let batch: Vec<LabelData> = (1..=1000).map(label).collect();
    let size = pdf(Layout::A4x24, &batch, &mut |_| {}).unwrap().len();
    eprintln!("1,000-label PDF (3x8): {size} bytes");

    let mut group = c.benchmark_group("labels");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("pdf_1000_3x8", |b| {
        b.iter(|| pdf(Layout::A4x24, black_box(&batch), &mut |_| {}).unwrap())
    });
    let one = label(17);
    group.bench_function("png_single_300dpi", |b| {
        b.iter(|| png(black_box(&one), 300).unwrap())
    });
    group.bench_function("svg_single", |b| b.iter(|| svg(black_box(&one)).unwrap()));
    group.finish();
}

criterion_group!(benches, labels);
criterion_main!(benches);
