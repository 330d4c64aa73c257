//! Criterion: the recogniser on a 1 MiB paste and on each fixture under tests/fixtures/import/.
//!
//! Only the public API is used (`bcode::import::recognise`), so the bench outlives
//! a rewrite of the recogniser. `cargo bench --bench import`.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The largest input the recogniser takes.
const ONE_MIB: usize = 1024 * 1024;

/// A 1 MiB paste: numbered code lines between lines of prose, as a saved page might be.
fn one_mib_input() -> Vec<u8> {
    let mut text = String::with_capacity(ONE_MIB + 64);
    let mut i: u64 = 0;
    while text.len() < ONE_MIB {
        i += 1;
        let v = i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let line = match i % 4 {
            0 => {
                "Keep your recovery codes in a safe spot. Each code can be used once.\n".to_string()
            }
            1 => format!("{:>2}. {:05x}-{:05x}\n", i % 16 + 1, v & 0xf_ffff, v >> 44),
            2 => format!("{:04} {:04}\n", v % 10_000, (v >> 20) % 10_000),
            _ => format!("{:010x}\n", v >> 24),
        };
        text.push_str(&line);
    }
    text.truncate(ONE_MIB);
    text.into_bytes()
}

fn recogniser(c: &mut Criterion) {
    let mut group = c.benchmark_group("recognise");
    let big = one_mib_input();
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.sample_size(20);
    group.bench_function("1MiB", |b| {
        b.iter(|| bcode::import::recognise(black_box(&big), None))
    });

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    let mut fixtures: Vec<_> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            // The inputs, not the `.expected` results beside them.
            .filter(|p| p.is_file() && p.extension().is_none_or(|e| e != "expected"))
            .collect(),
        Err(_) => {
            eprintln!(
                "note: {} does not exist; only the 1 MiB input is benchmarked",
                dir.display()
            );
            Vec::new()
        }
    };
    fixtures.sort();
    group.sample_size(50);
    for path in fixtures {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        // A fixture named after a known service (github__*.txt) gets its profile.
        let stem = name.split(['-', '.', '_']).next().unwrap_or_default();
        let profile = bcode::services::lookup(stem);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("fixture/{name}"), |b| {
            b.iter(|| bcode::import::recognise(black_box(&bytes), profile))
        });
    }
    group.finish();
}

criterion_group!(benches, recogniser);
criterion_main!(benches);
