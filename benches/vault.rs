//! Criterion: the vault document's encode and decode, and its age encryption and
//! decryption, at 10, 100, 1,000 and 10,000 services of 16 codes.
//!
//! `cargo bench --bench vault`.

mod support;

use std::hint::black_box;
use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main,
};

use bcode::{keys, vault};

/// One benchmark per vault size; `f` gets a ready vault's document and ciphertext.
fn each_size(
    c: &mut Criterion,
    op: &str,
    mut f: impl FnMut(&mut BenchmarkGroup<'_, WallTime>, BenchmarkId, &Fixture),
) {
    let mut group = c.benchmark_group(format!("vault/{op}"));
    for n in support::SIZES {
        let fixture = Fixture::new(n);
        group.throughput(Throughput::Elements(n as u64));
        group.sample_size(if n >= 1_000 { 10 } else { 50 });
        f(&mut group, BenchmarkId::from_parameter(n), &fixture);
    }
    group.finish();
}

struct Fixture {
    vault: vault::Vault,
    plain: Vec<u8>,
    cipher: Vec<u8>,
    identity: keys::Unlocked,
    recipients: Vec<Box<dyn age::Recipient + Send>>,
}

impl Fixture {
    fn new(n: usize) -> Self {
        let (secret, recipient) = keys::generate_identity();
        let identity = keys::identities_from_text(&secret, Path::new("key.txt")).expect("key");
        let recipients = keys::parse_recipients(&recipient, Path::new("recipients")).expect("key");
        let vault = support::vault(n);
        let plain = vault::encode(&vault).to_vec();
        let cipher = keys::encrypt(&recipients, &plain).expect("encrypt");
        Fixture {
            vault,
            plain,
            cipher,
            identity,
            recipients,
        }
    }
}

fn encode(c: &mut Criterion) {
    each_size(c, "encode", |g, id, f| {
        g.bench_function(id, |b| b.iter(|| vault::encode(black_box(&f.vault))));
    });
}

fn decode(c: &mut Criterion) {
    each_size(c, "decode", |g, id, f| {
        g.bench_function(id, |b| {
            b.iter(|| vault::decode(black_box(&f.plain)).expect("decode"))
        });
    });
}

fn encrypt(c: &mut Criterion) {
    each_size(c, "encrypt", |g, id, f| {
        g.bench_function(id, |b| {
            b.iter(|| keys::encrypt(&f.recipients, black_box(&f.plain)).expect("encrypt"))
        });
    });
}

fn decrypt(c: &mut Criterion) {
    each_size(c, "decrypt", |g, id, f| {
        g.bench_function(id, |b| {
            b.iter(|| {
                f.identity
                    .decrypt(black_box(&f.cipher), Path::new("vault.age"))
                    .expect("decrypt")
            })
        });
    });
}

criterion_group!(benches, encode, decode, encrypt, decrypt);
criterion_main!(benches);
