//! Criterion: the PDF sheet (`bcode::pdf::render_pdf`) at 10, 100 and 1,000 services.
//!
//! `cargo bench --bench pdf`.

mod support;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use time::macros::datetime;

use bcode::pdf::{Paper, SheetOptions, render_pdf};

fn pdf(c: &mut Criterion) {
    let opts = SheetOptions {
        paper: Paper::A4,
        unused_only: false,
    };
    let now = datetime!(2026-04-01 12:00 UTC);
    let mut group = c.benchmark_group("pdf/render");
    for n in [10, 100, 1_000] {
        let v = support::vault(n);
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(if n >= 1_000 { 10 } else { 20 });
        group.bench_with_input(BenchmarkId::from_parameter(n), &v, |b, v| {
            b.iter(|| render_pdf(black_box(v), &opts, now))
        });
    }
    group.finish();
}

criterion_group!(benches, pdf);
criterion_main!(benches);
