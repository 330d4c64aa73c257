//! Property tests of the vault merge: commutative, associative, idempotent, never drops a code,
//! keeps used marks, over random offline histories of several devices.

use std::collections::BTreeMap;

use bcode::merge::merge;
use bcode::name::ServiceName;
use bcode::vault::{self, NewCode, SetKind, Timestamp, Vault};
use proptest::prelude::*;
use time::Duration;
use time::macros::datetime;

const NAMES: [&str; 4] = ["github", "google", "gitlab", "github/work"];

#[derive(Clone, Debug)]
enum Op {
    Add {
        name: usize,
        codes: usize,
        replace: bool,
    },
    Use {
        name: usize,
    },
    MarkUsed {
        name: usize,
        code: usize,
    },
    Unuse {
        name: usize,
        code: usize,
    },
    Rename {
        from: usize,
        to: usize,
    },
    Remove {
        name: usize,
    },
    Threshold {
        name: usize,
        n: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize, 1..5usize, any::<bool>()).prop_map(|(name, codes, replace)| Op::Add {
            name,
            codes,
            replace
        }),
        (0..4usize).prop_map(|name| Op::Use { name }),
        (0..4usize, 0..5usize).prop_map(|(name, code)| Op::MarkUsed { name, code }),
        (0..4usize, 0..5usize).prop_map(|(name, code)| Op::Unuse { name, code }),
        (0..4usize, 0..4usize).prop_map(|(from, to)| Op::Rename { from, to }),
        (0..4usize).prop_map(|name| Op::Remove { name }),
        (0..4usize, 0..5u32).prop_map(|(name, n)| Op::Threshold { name, n }),
    ]
}

fn n(i: usize) -> ServiceName {
    ServiceName::parse(NAMES[i]).unwrap()
}

/// Applies ops at the given times; rule refusals are part of life and ignored.
fn apply(mut v: Vault, ops: &[(Timestamp, Op)], counter: &mut u32) -> Vault {
    for (t, op) in ops {
        let t = *t;
        let _ = match op {
            Op::Add {
                name,
                codes,
                replace,
            } => {
                let list: Vec<NewCode> = (0..*codes)
                    .map(|_| {
                        *counter += 1;
                        NewCode {
                            code: format!("code-{counter:05}"),
                            used: false,
                        }
                    })
                    .collect();
                v.add(&n(*name), &list, SetKind::Set, *replace, t)
                    .map(|_| ())
            }
            Op::Use { name } => v.use_next(&n(*name), t).map(|_| ()),
            Op::MarkUsed { name, code } => match v.services.get(&n(*name)) {
                Some(s) if *code < s.codes.len() => {
                    let c = s.codes[*code].code.clone();
                    v.mark_used(&n(*name), &c, t).map(|_| ())
                }
                _ => Ok(()),
            },
            Op::Unuse { name, code } => match v.services.get(&n(*name)) {
                Some(s) if *code < s.codes.len() => {
                    let c = s.codes[*code].code.clone();
                    v.mark_unused(&n(*name), &c, t).map(|_| ())
                }
                _ => Ok(()),
            },
            Op::Rename { from, to } => v.rename(&n(*from), &n(*to), t),
            Op::Remove { name } => v.remove(&n(*name), t).map(|_| ()),
            Op::Threshold { name, n: k } => v.set_threshold(&n(*name), Some(*k), t),
        };
    }
    v
}

/// Base history, then three devices working offline with interleaved clocks.
fn histories() -> impl Strategy<Value = (Vault, Vault, Vault, Vault)> {
    (
        prop::collection::vec(op(), 0..8),
        prop::collection::vec(op(), 0..10),
        prop::collection::vec(op(), 0..10),
        prop::collection::vec(op(), 0..10),
    )
        .prop_map(|(base_ops, a_ops, b_ops, c_ops)| {
            let t0: Timestamp = datetime!(2026-01-01 00:00 UTC);
            let at = |i: usize| t0 + Duration::seconds(i as i64);
            let mut counter = 0;
            let base_timed: Vec<_> = base_ops
                .into_iter()
                .enumerate()
                .map(|(i, o)| (at(i), o))
                .collect();
            let base = apply(Vault::new(), &base_timed, &mut counter);
            let start = 100;
            let device = |ops: Vec<Op>, lane: usize, counter: &mut u32| {
                let timed: Vec<_> = ops
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| (at(start + 3 * i + lane), o))
                    .collect();
                apply(base.clone(), &timed, counter)
            };
            let a = device(a_ops, 0, &mut counter);
            let b = device(b_ops, 1, &mut counter);
            let c = device(c_ops, 2, &mut counter);
            (base, a, b, c)
        })
}

/// Every code wherever it sits (current, retired, removed).
fn every_code(v: &Vault) -> impl Iterator<Item = &vault::Code> {
    v.services
        .values()
        .chain(v.removed.iter().map(|r| &r.service))
        .flat_map(|s| {
            s.codes
                .iter()
                .chain(s.retired.iter().flat_map(|r| &r.codes))
        })
}

/// Every code id with its code.
fn all_codes(v: &Vault) -> BTreeMap<String, String> {
    every_code(v)
        .map(|c| (c.id.clone(), c.code.clone()))
        .collect()
}

/// Every code id with its (used, unused) times.
fn code_states(v: &Vault) -> BTreeMap<String, (Option<Timestamp>, Option<Timestamp>)> {
    every_code(v)
        .map(|c| (c.id.clone(), (c.used, c.unused)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn merge_is_commutative_associative_and_idempotent((base, a, b, c) in histories()) {
        let ab = merge(&a, &b);
        prop_assert_eq!(&ab, &merge(&b, &a));
        prop_assert_eq!(merge(&ab, &c), merge(&a, &merge(&b, &c)));
        prop_assert_eq!(&merge(&a, &a), &a);
        prop_assert_eq!(&merge(&ab, &ab), &ab);
        // Merging an older copy (a backup, the common ancestor) changes nothing.
        prop_assert_eq!(&merge(&a, &base), &a);
        // The merged document survives the file format.
        prop_assert_eq!(&vault::decode(&vault::encode(&ab)).unwrap(), &ab);
    }

    #[test]
    fn the_fast_paths_read_what_the_full_decoder_reads((_base, a, b, _c) in histories()) {
        let m = merge(&a, &b);
        for v in [&a, &b, &m] {
            let bytes = vault::encode(v);
            let text = std::str::from_utf8(&bytes).unwrap();
            let sums = bcode::partial::decode_summaries(text).unwrap();
            prop_assert_eq!(sums.len(), v.services.len());
            let doc = bcode::partial::decode_partial(text).unwrap();
            for (name, s) in &v.services {
                prop_assert_eq!(&sums[name].status, &s.status());
                let one = doc.take(name).unwrap();
                prop_assert_eq!(&one.services[name], s);
                let again = doc.encode_with(&one);
                prop_assert_eq!(again.as_slice(), bytes.as_slice());
            }
        }
    }

    #[test]
    fn merge_never_drops_a_code_and_keeps_used_marks((_base, a, b, _c) in histories()) {
        let m = merge(&a, &b);
        let merged = all_codes(&m);
        for (id, code) in all_codes(&a).into_iter().chain(all_codes(&b)) {
            prop_assert_eq!(merged.get(&id), Some(&code), "code {} lost", id);
        }
        let states = code_states(&m);
        let (sa, sb) = (code_states(&a), code_states(&b));
        for (id, (used, _)) in sa.iter().chain(sb.iter()) {
            let Some(used) = used else { continue };
            let other_unuse = sa.get(id).and_then(|s| s.1).max(sb.get(id).and_then(|s| s.1));
            if other_unuse.is_none_or(|u| u < *used) {
                let got = states[id].0;
                prop_assert!(got.is_some_and(|g| g <= *used), "used mark of {} lost", id);
            }
        }
    }
}

#[test]
fn a_code_used_on_both_sides_keeps_the_earliest_use_and_a_later_unuse_wins() {
    let t = |m: i64| datetime!(2026-01-01 00:00 UTC) + Duration::minutes(m);
    let name = n(0);
    let mut base = Vault::new();
    let codes: Vec<NewCode> = ["aaaa-1111", "bbbb-2222", "cccc-3333"]
        .iter()
        .map(|c| NewCode {
            code: c.to_string(),
            used: false,
        })
        .collect();
    base.add(&name, &codes, SetKind::Set, false, t(0)).unwrap();
    let mut a = base.clone();
    let mut b = base.clone();
    a.mark_used(&name, "aaaa-1111", t(5)).unwrap();
    b.mark_used(&name, "aaaa-1111", t(3)).unwrap();
    b.mark_used(&name, "bbbb-2222", t(4)).unwrap();
    a.mark_used(&name, "bbbb-2222", t(1)).unwrap();
    a.mark_unused(&name, "bbbb-2222", t(6)).unwrap();
    let m = merge(&a, &b);
    let s = &m.services[&name];
    assert_eq!(s.codes[0].used, Some(t(3)), "earliest use kept");
    assert_eq!(
        s.codes[1].used, None,
        "the unuse at 6 is later than both uses"
    );
    assert_eq!(s.codes[2].used, None);
}

#[test]
fn replaced_sets_stay_retired_and_a_removal_loses_to_a_later_use() {
    let t = |m: i64| datetime!(2026-01-01 00:00 UTC) + Duration::minutes(m);
    let one = |c: &str| {
        vec![NewCode {
            code: c.into(),
            used: false,
        }]
    };
    let (gh, gl) = (n(0), n(2));
    let mut base = Vault::new();
    base.add(&gh, &one("old-1"), SetKind::Set, false, t(0))
        .unwrap();
    base.add(&gl, &one("gl-1"), SetKind::Set, false, t(0))
        .unwrap();
    let mut a = base.clone();
    let mut b = base.clone();
    a.add(&gh, &one("new-1"), SetKind::Set, true, t(2)).unwrap();
    b.use_next(&gh, t(3)).unwrap(); // used the old code offline
    b.remove(&gl, t(1)).unwrap();
    a.use_next(&gl, t(4)).unwrap(); // used after the removal: gitlab comes back
    let m = merge(&a, &b);
    let s = &m.services[&gh];
    assert_eq!(s.codes[0].code, "new-1");
    assert_eq!(s.retired[0].codes[0].code, "old-1");
    assert_eq!(s.retired[0].codes[0].used, Some(t(3)));
    assert!(m.services.contains_key(&gl));
    assert_eq!(m.services[&gl].codes[0].used, Some(t(4)));

    // Removed with nothing after: stays removed, but kept.
    let mut c = base.clone();
    c.remove(&gl, t(5)).unwrap();
    let m = merge(&base, &c);
    assert!(!m.services.contains_key(&gl));
    assert_eq!(m.removed[0].name, gl);
}

#[test]
fn two_services_added_under_one_name_are_both_kept() {
    let t = |m: i64| datetime!(2026-01-01 00:00 UTC) + Duration::minutes(m);
    let one = |c: &str| {
        vec![NewCode {
            code: c.into(),
            used: false,
        }]
    };
    let mut a = Vault::new();
    let mut b = Vault::new();
    a.add(&n(0), &one("from-a"), SetKind::Set, false, t(1))
        .unwrap();
    b.add(&n(0), &one("from-b"), SetKind::Set, false, t(2))
        .unwrap();
    let m = merge(&a, &b);
    assert_eq!(m.services.len(), 2);
    assert_eq!(
        m.services[&n(0)].codes[0].code,
        "from-b",
        "named last keeps the name"
    );
    let (other, s) = m.services.iter().find(|(k, _)| **k != n(0)).unwrap();
    assert!(other.as_str().starts_with("github.conflict-"), "{other}");
    assert_eq!(s.codes[0].code, "from-a");
    assert_eq!(s.conflict_of, Some(n(0)));
}
