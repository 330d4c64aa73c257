//! Merging two copies of a vault (a sync conflict copy, a backup, another device's vault); pure.
//!
//! The vault is read as a join-semilattice: every service (by its stable id) and every
//! code (by its id) is a bundle of registers, each merged by a rule that is
//! commutative, associative and idempotent:
//!
//! - **Codes are never dropped**: the codes of both sides are united.
//! - **Used marks win** unless put back later: a code's state is the set of its use
//!   times after its last `unuse`. A code used on either side stays used, shown with
//!   the earliest such use; an `unuse` later than a use wins over it.
//! - **Replaced sets stay retired**: a set replaced on either side is retired; when the
//!   two sides hold different newer sets, the newest is current and the others retired,
//!   each at the time the next newer set was added.
//! - **Renames**: the name given last wins (ties: the greater name).
//! - **Settings** (kind, threshold, note): the change made last wins.
//! - **Removals**: a removed service stays removed unless it changed after the removal
//!   on the other side (a code used there, a new set, a rename): then it comes back
//!   whole. Removed services are kept in the document, out of sight.
//! - **Two services with one name** (added on two devices independently): the one named
//!   last keeps the name; the other is listed as `NAME.conflict-ID` until renamed or removed.

use std::collections::{BTreeMap, BTreeSet};

use crate::name::{MAX_NAME_CHARS, ServiceName};
use crate::vault::{
    Code, FORMAT_VERSION, RemovedService, RetiredSet, Service, SetKind, Timestamp, Vault,
};

/// Merges two vaults. `merge(a, b) == merge(b, a)`, `merge(a, merge(b, c)) ==
/// merge(merge(a, b), c)` and `merge(a, a) == a` for vaults made by bcode.
pub fn merge(a: &Vault, b: &Vault) -> Vault {
    let mut flat = Flat::from(a);
    flat.join(Flat::from(b));
    flat.rebuild()
}

/// A service's settings, compared as a whole for last-writer-wins.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Settings {
    kind: u8,
    threshold: Option<u32>,
    note: Option<String>,
}

fn kind_rank(kind: SetKind) -> u8 {
    match kind {
        SetKind::Set => 0,
        SetKind::Single => 1,
        SetKind::RecoveryKey => 2,
    }
}

fn kind_of(rank: u8) -> SetKind {
    match rank {
        1 => SetKind::Single,
        2 => SetKind::RecoveryKey,
        _ => SetKind::Set,
    }
}

#[derive(Clone, Debug)]
struct FlatCode {
    code: String,
    set_added: Timestamp,
    pos: usize,
    unused: Option<Timestamp>,
    uses: BTreeSet<Timestamp>,
    note: Option<String>,
}

impl FlatCode {
    fn join(&mut self, other: FlatCode) {
        self.code = self.code.clone().max(other.code);
        self.set_added = self.set_added.min(other.set_added);
        self.pos = self.pos.min(other.pos);
        self.unused = self.unused.max(other.unused);
        self.uses.extend(other.uses);
        self.note = self.note.clone().max(other.note);
        self.prune();
    }

    /// Only uses after the last unuse count.
    fn prune(&mut self) {
        if let Some(u) = self.unused {
            self.uses.retain(|t| *t > u);
        }
    }

    fn last_event(&self) -> Timestamp {
        [Some(self.set_added), self.unused, self.uses.last().copied()]
            .into_iter()
            .flatten()
            .max()
            .expect("set_added is always there")
    }
}

#[derive(Clone, Debug)]
struct FlatService {
    name: (Timestamp, ServiceName),
    settings: (Timestamp, Settings),
    removed: Option<Timestamp>,
    codes: BTreeMap<String, FlatCode>,
}

impl FlatService {
    fn join(&mut self, other: FlatService) {
        self.name = self.name.clone().max(other.name);
        self.settings = self.settings.clone().max(other.settings);
        self.removed = self.removed.max(other.removed);
        for (id, code) in other.codes {
            match self.codes.get_mut(&id) {
                Some(mine) => mine.join(code),
                None => {
                    self.codes.insert(id, code);
                }
            }
        }
    }

    fn newest_set(&self) -> Option<Timestamp> {
        self.codes.values().map(|c| c.set_added).max()
    }

    fn last_event(&self) -> Timestamp {
        self.codes
            .values()
            .map(FlatCode::last_event)
            .chain([self.name.0, self.settings.0])
            .max()
            .expect("name time is always there")
    }

    fn live(&self) -> bool {
        self.removed.is_none_or(|r| self.last_event() > r)
    }
}

/// The lattice form of a vault.
struct Flat {
    version: u32,
    services: BTreeMap<String, FlatService>,
}

impl Flat {
    fn from(vault: &Vault) -> Flat {
        let mut services = BTreeMap::new();
        let live = vault.services.iter();
        let gone = vault.removed.iter().map(|r| (&r.name, &r.service));
        for (key, s) in live.chain(gone) {
            let name = s.conflict_of.clone().unwrap_or_else(|| key.clone());
            let mut codes = BTreeMap::new();
            // A set's retirement is not stored here: it is derived from the newer
            // set that replaced it, so it merges by itself.
            let sets = std::iter::once((s.added, &s.codes))
                .chain(s.retired.iter().map(|r| (r.added, &r.codes)));
            for (set_added, list) in sets {
                for (pos, c) in list.iter().enumerate() {
                    let mut uses: BTreeSet<Timestamp> = c.also_used.iter().copied().collect();
                    uses.extend(c.used);
                    let mut flat = FlatCode {
                        code: c.code.clone(),
                        set_added,
                        pos,
                        unused: c.unused,
                        uses,
                        note: c.note.clone(),
                    };
                    flat.prune();
                    match codes.get_mut(&c.id) {
                        None => {
                            codes.insert(c.id.clone(), flat);
                        }
                        Some(existing) => FlatCode::join(existing, flat),
                    }
                }
            }
            let flat = FlatService {
                name: (s.named, name),
                settings: (
                    s.changed,
                    Settings {
                        kind: kind_rank(s.kind),
                        threshold: s.threshold,
                        note: s.note.clone(),
                    },
                ),
                removed: s.removed,
                codes,
            };
            match services.get_mut(&s.id) {
                None => {
                    services.insert(s.id.clone(), flat);
                }
                Some(existing) => FlatService::join(existing, flat),
            }
        }
        Flat {
            version: vault.version,
            services,
        }
    }

    fn join(&mut self, other: Flat) {
        self.version = self.version.max(other.version);
        for (id, service) in other.services {
            match self.services.get_mut(&id) {
                Some(mine) => mine.join(service),
                None => {
                    self.services.insert(id, service);
                }
            }
        }
    }

    fn rebuild(self) -> Vault {
        let mut vault = Vault::new();
        vault.version = self.version.clamp(1, FORMAT_VERSION);
        // Live services by name: the one named last keeps it.
        let mut by_name: BTreeMap<ServiceName, Vec<(String, FlatService)>> = BTreeMap::new();
        let mut gone = Vec::new();
        for (id, service) in self.services {
            if service.live() {
                by_name
                    .entry(service.name.1.clone())
                    .or_default()
                    .push((id, service));
            } else {
                gone.push((id, service));
            }
        }
        let taken: BTreeSet<ServiceName> = by_name.keys().cloned().collect();
        for (name, mut group) in by_name {
            group.sort_by(|a, b| (b.1.name.0, &b.0).cmp(&(a.1.name.0, &a.0)));
            for (i, (id, service)) in group.into_iter().enumerate() {
                if i == 0 {
                    vault
                        .services
                        .insert(name.clone(), build_service(id, service, None));
                } else {
                    let key = conflict_name(&name, &id, &taken, &vault);
                    vault
                        .services
                        .insert(key, build_service(id, service, Some(name.clone())));
                }
            }
        }
        for (id, service) in gone {
            let name = service.name.1.clone();
            vault.removed.push(RemovedService {
                name,
                service: build_service(id, service, None),
            });
        }
        vault
    }
}

/// `NAME.conflict-ID`, shortened to a valid name, unused by any other service.
fn conflict_name(
    name: &ServiceName,
    id: &str,
    taken: &BTreeSet<ServiceName>,
    vault: &Vault,
) -> ServiceName {
    for len in [6, 16] {
        let suffix = format!(".conflict-{}", &id[..len.min(id.len())]);
        let room = MAX_NAME_CHARS - suffix.chars().count();
        let base: String = name.as_str().chars().take(room).collect();
        let base = base.trim_end_matches('/');
        if let Ok(candidate) = ServiceName::parse(&format!("{base}{suffix}"))
            && !taken.contains(&candidate)
            && !vault.services.contains_key(&candidate)
        {
            return candidate;
        }
    }
    // Ids are unique, so the full id always gives a free name.
    ServiceName::parse(&format!("conflict-{id}")).expect("an id makes a valid name")
}

fn build_code(id: String, c: FlatCode) -> Code {
    let mut uses = c.uses.into_iter();
    Code {
        id,
        code: c.code,
        used: uses.next(),
        also_used: uses.collect(),
        unused: c.unused,
        note: c.note,
    }
}

fn build_service(id: String, s: FlatService, conflict_of: Option<ServiceName>) -> Service {
    let newest = s.newest_set();
    let mut sets: BTreeMap<Timestamp, Vec<(usize, String, FlatCode)>> = BTreeMap::new();
    for (code_id, code) in s.codes {
        sets.entry(code.set_added)
            .or_default()
            .push((code.pos, code_id, code));
    }
    let times: Vec<Timestamp> = sets.keys().copied().collect();
    let mut current = Vec::new();
    let mut retired = Vec::new();
    for (i, (added, mut list)) in sets.into_iter().enumerate() {
        list.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        // Retired when the next newer set came.
        let retired_at = times.get(i + 1).copied();
        let codes: Vec<Code> = list
            .into_iter()
            .map(|(_, id, c)| build_code(id, c))
            .collect();
        if Some(added) == newest {
            current = codes;
        } else {
            retired.push(RetiredSet {
                added,
                retired: retired_at.unwrap_or(added),
                codes,
            });
        }
    }
    Service {
        id,
        named: s.name.0,
        conflict_of,
        removed: s.removed,
        added: newest.unwrap_or(s.name.0),
        changed: s.settings.0,
        kind: kind_of(s.settings.1.kind),
        threshold: s.settings.1.threshold,
        note: s.settings.1.note,
        codes: current,
        retired,
    }
}

/// What a merge changed, for the message after `bcode merge`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub services_added: usize,
    pub services_removed: usize,
    pub codes_added: usize,
    pub codes_newly_used: usize,
}

/// Counts what `after` has that `before` did not.
pub fn changes(before: &Vault, after: &Vault) -> Changes {
    let ids = |v: &Vault| -> BTreeMap<String, (usize, usize)> {
        v.services
            .values()
            .map(|s| {
                let all: usize =
                    s.codes.len() + s.retired.iter().map(|r| r.codes.len()).sum::<usize>();
                (
                    s.id.clone(),
                    (all, s.codes.iter().filter(|c| c.used.is_some()).count()),
                )
            })
            .collect()
    };
    let (b, a) = (ids(before), ids(after));
    let mut out = Changes::default();
    for (id, (all, used)) in &a {
        match b.get(id) {
            None => {
                out.services_added += 1;
                out.codes_added += all;
            }
            Some((ball, bused)) => {
                out.codes_added += all.saturating_sub(*ball);
                out.codes_newly_used += used.saturating_sub(*bused);
            }
        }
    }
    out.services_removed = b.keys().filter(|id| !a.contains_key(*id)).count();
    out
}
