//! Made-up vaults of any size for the benchmarks: N services of 16 codes, some used.
//!
//! Shared by the criterion benches and `examples/bench_vault.rs` (which writes them
//! to disk for `benches/commands.sh`). Every code is invented and deterministic.

#![allow(dead_code)]

use bcode::name::ServiceName;
use bcode::vault::{NewCode, SetKind, Timestamp, Vault};
use time::macros::datetime;

/// Codes per service, as GitHub issues them.
pub const CODES_PER_SERVICE: usize = 16;

/// The vault sizes the issue asks for.
pub const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

const ADDED: Timestamp = datetime!(2026-01-12 09:30 UTC);
const USED: Timestamp = datetime!(2026-02-03 18:05 UTC);

/// Name stems, so completion of `gi` has something to find (github-*, gitlab-*).
const STEMS: [&str; 8] = [
    "github",
    "google",
    "gitlab",
    "microsoft",
    "discord",
    "aws",
    "dropbox",
    "proton",
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A code like GitHub's: `3f2a1-9c0d7`.
    fn code(&mut self) -> String {
        let v = self.next();
        format!("{:05x}-{:05x}", v & 0xf_ffff, (v >> 20) & 0xf_ffff)
    }
}

/// The name of service number `i`.
pub fn name(i: usize) -> ServiceName {
    ServiceName::parse(&format!("{}-{i:05}", STEMS[i % STEMS.len()])).expect("valid name")
}

/// A vault of `services` services with 16 codes each; service `i` has `i % 5` used.
pub fn vault(services: usize) -> Vault {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut v = Vault::new();
    for i in 0..services {
        let codes: Vec<NewCode> = (0..CODES_PER_SERVICE)
            .map(|_| NewCode {
                code: rng.code(),
                used: false,
            })
            .collect();
        let name = name(i);
        v.add(&name, &codes, SetKind::Set, false, ADDED)
            .expect("fresh codes");
        for _ in 0..(i % 5) {
            v.use_next(&name, USED).expect("an unused code");
        }
    }
    v
}
