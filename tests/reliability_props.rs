//! Property tests (issue 6, part 5): decoding never panics, and every vault the public operations build round-trips.

use bcode::name::ServiceName;
use bcode::vault::{self, NewCode, SetKind, Vault};
use proptest::prelude::*;
use time::OffsetDateTime;

/// One public operation on a vault, with its arguments.
#[derive(Clone, Debug)]
enum Op {
    Add(usize, Vec<String>, bool),
    UseNext(usize),
    MarkUsed(usize, String),
    Unuse(usize, String),
    Rename(usize, usize),
    Note(usize, Option<String>),
    Threshold(usize, Option<u32>),
    Kind(usize, u8),
    Remove(usize),
}

const NAMES: [&str; 5] = ["github", "github/work", "google", "ünïcode", "a.b-c_d@e+f"];

fn name(i: usize) -> ServiceName {
    ServiceName::parse(NAMES[i % NAMES.len()]).unwrap()
}

fn op() -> impl Strategy<Value = Op> {
    let code = "[0-9a-z]{4,8}-[0-9a-z]{4,8}";
    prop_oneof![
        (0..5usize, prop::collection::vec(code, 1..12), any::<bool>())
            .prop_map(|(n, c, r)| Op::Add(n, c, r)),
        (0..5usize).prop_map(Op::UseNext),
        (0..5usize, code).prop_map(|(n, c)| Op::MarkUsed(n, c)),
        (0..5usize, code).prop_map(|(n, c)| Op::Unuse(n, c)),
        (0..5usize, 0..5usize).prop_map(|(a, b)| Op::Rename(a, b)),
        // Notes: any text at all, controls, bidi and NUL included.
        (0..5usize, proptest::option::of(any::<String>())).prop_map(|(n, t)| Op::Note(n, t)),
        (0..5usize, proptest::option::of(any::<u32>())).prop_map(|(n, t)| Op::Threshold(n, t)),
        (0..5usize, 0..3u8).prop_map(|(n, k)| Op::Kind(n, k)),
        (0..5usize).prop_map(Op::Remove),
    ]
}

fn apply(v: &mut Vault, op: &Op, now: OffsetDateTime) {
    // Refusals are fine: the property is about what the accepted ones leave.
    let _ = match op {
        Op::Add(n, codes, replace) => {
            let codes: Vec<NewCode> = codes
                .iter()
                .map(|c| NewCode {
                    code: c.clone(),
                    used: c.len() % 3 == 0,
                })
                .collect();
            v.add(&name(*n), &codes, SetKind::Set, *replace, now)
        }
        Op::UseNext(n) => v.use_next(&name(*n), now).map(|_| ()),
        Op::MarkUsed(n, c) => v.mark_used(&name(*n), c, now).map(|_| ()),
        Op::Unuse(n, c) => v.mark_unused(&name(*n), c, now).map(|_| ()),
        Op::Rename(a, b) => v.rename(&name(*a), &name(*b), now),
        Op::Note(n, t) => v.set_note(&name(*n), t.clone(), now),
        Op::Threshold(n, t) => v.set_threshold(&name(*n), *t, now),
        Op::Kind(n, k) => {
            let kind = [SetKind::Set, SetKind::Single, SetKind::RecoveryKey][*k as usize];
            v.set_kind(&name(*n), kind, now)
        }
        Op::Remove(n) => v.remove(&name(*n), now).map(|_| ()),
    };
}

/// A time between 1970 and 9999 with nanoseconds.
fn when() -> impl Strategy<Value = OffsetDateTime> {
    (0i64..253_402_300_799, 0u32..1_000_000_000).prop_map(|(s, ns)| {
        OffsetDateTime::from_unix_timestamp(s).unwrap() + time::Duration::nanoseconds(ns as i64)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn decode_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = vault::decode(&bytes);
    }

    #[test]
    fn decode_never_panics_on_json_like_text(text in r#"[{}\[\]":,0-9a-z\\ .eE+-]{0,300}"#) {
        let _ = vault::decode(text.as_bytes());
    }

    #[test]
    fn encode_decode_round_trips_every_vault_the_operations_build(
        ops in prop::collection::vec((op(), when()), 0..40)
    ) {
        let mut v = Vault::new();
        for (op, now) in &ops {
            apply(&mut v, op, *now);
            let bytes = vault::encode(&v);
            let back = vault::decode(&bytes).expect("an encoded vault decodes");
            prop_assert_eq!(&back, &v);
        }
    }

    #[test]
    fn a_damaged_document_is_refused_or_read_but_never_panics(
        ops in prop::collection::vec((op(), when()), 1..15),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut v = Vault::new();
        for (op, now) in &ops {
            apply(&mut v, op, *now);
        }
        let bytes = vault::encode(&v).to_vec();
        let _ = vault::decode(&bytes[..cut.index(bytes.len() + 1)]);
        let mut bad = bytes.clone();
        for (at, x) in flips {
            let i = at.index(bad.len());
            bad[i] ^= x;
        }
        let _ = vault::decode(&bad);
    }
}
