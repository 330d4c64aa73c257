//! Choosing the codes: group candidate instances by shape, drop what stands in prose or
//! looks like a date, number or secret, find the set (or refuse when there are two).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::candidates::{Instance, Sep, Shape};
use super::lex::Lexed;
use crate::services::{Alphabet, ServiceProfile};

/// A cheap FNV-style hasher: keys are line numbers and short shapes, not attacker-chosen
/// in any way that matters, and SipHash is slow in debug builds.
#[derive(Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0 ^ 0xcbf2_9ce4_8422_2325;
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// Read-only view of the lexed text and its candidate instances.
pub(crate) struct Ctx<'a> {
    pub lexed: &'a Lexed,
    pub inst: &'a [Instance],
    /// Non-tiny atoms per line.
    non_tiny: Vec<u32>,
}

impl<'a> Ctx<'a> {
    pub fn new(lexed: &'a Lexed, inst: &'a [Instance]) -> Ctx<'a> {
        let non_tiny = lexed
            .lines
            .iter()
            .map(|l| {
                let n = lexed.atoms[l.atoms.clone()]
                    .iter()
                    .filter(|a| !a.tiny)
                    .count();
                u32::try_from(n).unwrap_or(u32::MAX)
            })
            .collect();
        Ctx {
            lexed,
            inst,
            non_tiny,
        }
    }
}

/// Instances of one shape that passed the filters.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Instance indices in text order.
    pub members: Vec<usize>,
    /// Lines that hold a member (how much of the text this reading explains).
    pub score: usize,
    pub code_len: usize,
}

/// Noise that is never a code, whatever the service: dates, phone numbers, UUIDs,
/// numbers on lines that say what they are (secret, order, version...).
fn is_noise(ctx: &Ctx, i: &Instance) -> bool {
    let lines = &ctx.lexed.lines;
    if (i.first_line..=i.last_line).any(|l| lines[l].negative) {
        return true;
    }
    let digits_only = i.digits_only();
    if digits_only && lines[i.first_line].phoneish {
        return true;
    }
    if digits_only && i.shape.sep == Sep::Dash {
        // 2024-03-08, 08-03-2024, 555-0100: dates and phone numbers.
        if i.shape.groups.iter().any(|&g| g <= 2) || looks_like_phone(&i.shape.groups) {
            return true;
        }
    }
    if i.shape.groups == [8, 4, 4, 4, 12] && i.compact.bytes().all(|b| b.is_ascii_hexdigit()) {
        return true; // a UUID
    }
    if digits_only && i.compact.len() == 8 && ctx.non_tiny[i.first_line] > 1 {
        let y: u32 = i.compact[..4].parse().unwrap_or(0);
        let m: u32 = i.compact[4..6].parse().unwrap_or(0);
        let d: u32 = i.compact[6..].parse().unwrap_or(0);
        if (1990..=2099).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d) {
            return lines[i.first_line].other > 0; // 20240308 next to prose
        }
    }
    false
}

fn looks_like_phone(groups: &[u8]) -> bool {
    matches!(
        groups,
        [3, 4] | [3, 3, 4] | [3, 3, 3] | [4, 3, 4] | [2, 4, 4] | [3, 4, 4]
    )
}

/// Group instances that pass `keep` by shape, in order of first appearance.
fn buckets(ctx: &Ctx, keep: &dyn Fn(usize) -> bool) -> Vec<Vec<usize>> {
    let mut map: FastMap<&Shape, usize> = FastMap::default();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (idx, inst) in ctx.inst.iter().enumerate() {
        if !keep(idx) || is_noise(ctx, inst) {
            continue;
        }
        let slot = *map.entry(&inst.shape).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[slot].push(idx);
    }
    out
}

/// Within one shape: a set is digits, or one letter case with digits mixed in. Tokens of
/// the minority kind are something else (words, other numbers).
fn resolve_class(ctx: &Ctx, members: Vec<usize>, words_allowed: bool) -> Vec<usize> {
    let inst = ctx.inst;
    let lettered = members.iter().filter(|&&m| !inst[m].digits_only()).count();
    if lettered * 2 < members.len() {
        // Digits; a code where OCR read a 0 as O or a 1 as l still belongs.
        let ocr_only = |i: &Instance| {
            i.compact
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'O' | b'o' | b'I' | b'l'))
                && i.compact.bytes().filter(u8::is_ascii_alphabetic).count() <= 2
        };
        return members
            .into_iter()
            .filter(|&m| inst[m].digits_only() || ocr_only(&inst[m]))
            .collect();
    }
    let (mut lower, mut upper, mut mixed) = (0, 0, 0);
    for &m in &members {
        match (inst[m].has_lower, inst[m].has_upper) {
            (true, true) => mixed += 1,
            (true, false) => lower += 1,
            (false, true) => upper += 1,
            _ => {}
        }
    }
    let keep: Vec<usize> = members
        .into_iter()
        .filter(|&m| {
            let i = &inst[m];
            if mixed >= lower.max(upper) {
                true
            } else if lower >= upper {
                !i.has_upper
            } else {
                !i.has_lower
            }
        })
        .collect();
    let with_digit = keep.iter().filter(|&&m| inst[m].has_digit).count();
    if !words_allowed && with_digit * 2 < keep.len() {
        return Vec::new();
    }
    keep
}

/// Keeps the members that stand where codes stand: alone or with a few words on their
/// line, not inside a sentence. Letters-only members must be alone on their line.
fn standing(ctx: &Ctx, members: &[usize]) -> Vec<usize> {
    let inst = ctx.inst;
    let lexed = ctx.lexed;
    // line -> (atoms covered, codes starting on it)
    let mut cover: FastMap<usize, (u32, u32)> = FastMap::default();
    for &m in members {
        for a in inst[m].atoms.clone() {
            cover.entry(lexed.atoms[a].line).or_default().0 += 1;
        }
        cover.entry(inst[m].first_line).or_default().1 += 1;
    }
    members
        .iter()
        .copied()
        .filter(|&m| {
            let i = &inst[m];
            let (mut other, mut codes) = (0u32, 0u32);
            for l in i.first_line..=i.last_line {
                let (covered, n) = cover.get(&l).copied().unwrap_or_default();
                other += lexed.lines[l].other + ctx.non_tiny[l].saturating_sub(covered);
                codes += n;
            }
            if !i.has_digit {
                return other == 0;
            }
            other <= 3 || other <= 2 * codes
        })
        .collect()
}

/// Drops members that do not belong with the rest: outside the alphabet nearly all of
/// them share (a user name among hex codes), or far from every other member (a stray
/// token in a page's navigation, many lines away from the list).
fn drop_outliers(ctx: &Ctx, members: Vec<usize>) -> Vec<usize> {
    let inst = ctx.inst;
    let n = members.len();
    if n < 5 {
        return members;
    }
    let hex = |m: &usize| inst[*m].compact.bytes().all(|b| b.is_ascii_hexdigit());
    let hex_count = members.iter().filter(|m| hex(m)).count();
    // (A set of digits is hex too; there the rule would drop OCR-damaged codes.)
    let hex_letters = members
        .iter()
        .filter(|m| hex(m) && !inst[**m].digits_only())
        .count();
    let members: Vec<usize> =
        if hex_count * 5 >= n * 4 && hex_count < n && hex_letters * 2 >= hex_count {
            members.into_iter().filter(hex).collect()
        } else {
            members
        };
    let mut lines: Vec<usize> = members.iter().map(|&m| inst[m].first_line).collect();
    lines.sort_unstable();
    const FAR: usize = 8;
    members
        .into_iter()
        .filter(|&m| {
            let l = inst[m].first_line;
            let k = lines.partition_point(|&x| x < l);
            let end = lines.partition_point(|&x| x <= l);
            // Another member on the same line, or the nearest one before or after.
            let same = end - k > 1;
            let before = k.checked_sub(1).map(|j| l - lines[j]);
            let after = lines.get(end).map(|&x| x - l);
            same || before.into_iter().chain(after).any(|d| d <= FAR)
        })
        .collect()
}

fn score(ctx: &Ctx, members: &[usize]) -> usize {
    let mut lines: Vec<usize> = members.iter().map(|&m| ctx.inst[m].first_line).collect();
    lines.dedup();
    lines.len()
}

/// Letter/digit alternations: random codes alternate often, `alice1987` once.
fn transitions(s: &str) -> usize {
    s.as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_digit() != w[1].is_ascii_digit())
        .count()
}

fn labelled(ctx: &Ctx, line: usize) -> bool {
    let lines = &ctx.lexed.lines;
    if lines[line].label {
        return true;
    }
    (line.saturating_sub(3)..line)
        .rev()
        .find(|&l| !lines[l].blank)
        .is_some_and(|l| lines[l].label && ctx.non_tiny[l] == 0)
}

/// A lone code stands as a set of its own only when it plainly is one: letters and
/// digits, long, random-looking or labelled, and not a secret or a hash.
fn strong_single(ctx: &Ctx, i: &Instance) -> bool {
    let c = &i.compact;
    let len = c.len();
    if i.digits_only() || !i.has_digit || len < 10 {
        return false;
    }
    let hex = c.bytes().all(|b| b.is_ascii_hexdigit());
    if hex && (len == 40 || len == 64 || len == 32) && i.shape.sep == Sep::None {
        return false; // a git hash, a checksum
    }
    let base32 = c
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
    if base32 && matches!(len, 16 | 26 | 32 | 52) {
        return false; // a TOTP secret
    }
    let lexed = ctx.lexed;
    let other: u32 = (i.first_line..=i.last_line)
        .map(|l| lexed.lines[l].other)
        .sum();
    if other > 3 {
        return false;
    }
    labelled(ctx, i.first_line) || transitions(c) >= 3 || i.shape.groups.len() >= 3
}

/// Whether a candidate plausibly is a set of backup codes (no profile to go by).
fn plausible(ctx: &Ctx, c: &Candidate) -> bool {
    let inst = ctx.inst;
    let Some(&first) = c.members.first() else {
        return false;
    };
    let i = &inst[first];
    let n = c.members.len();
    let len = c.code_len;
    if !(5..=128).contains(&len) {
        return false;
    }
    let digits_only = c.members.iter().all(|&m| inst[m].digits_only());
    if digits_only {
        // Long digit strings are card, account or order numbers; short ones need company.
        return (6..=12).contains(&len) && (n >= 3 || (n == 2 && len >= 8));
    }
    if len < 6 {
        // Five-character codes (Steam, some games) only as a list with digits in most.
        let with_digit = c.members.iter().filter(|&&m| inst[m].has_digit).count();
        return len == 5 && n >= 5 && with_digit * 4 >= n * 3;
    }
    match n {
        1 => strong_single(ctx, i),
        2 => len >= 8,
        _ => true,
    }
}

/// All plausible readings of the text as one set, best first.
pub(crate) fn infer(ctx: &Ctx, keep: &dyn Fn(usize) -> bool, check: bool) -> Vec<Candidate> {
    let mut out = Vec::new();
    for members in buckets(ctx, keep) {
        let members = resolve_class(ctx, members, !check);
        let members = drop_outliers(ctx, standing(ctx, &members));
        if members.is_empty() {
            continue;
        }
        let code_len = ctx.inst[members[0]].compact.len();
        let cand = Candidate {
            score: score(ctx, &members),
            members,
            code_len,
        };
        if !check || plausible(ctx, &cand) {
            out.push(cand);
        }
    }
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.code_len.cmp(&a.code_len))
            .then(a.members[0].cmp(&b.members[0]))
    });
    out
}

/// Which atoms a set of members covers, for overlap tests in linear time.
pub(crate) struct AtomMask(Vec<bool>);

impl AtomMask {
    pub fn new(ctx: &Ctx) -> AtomMask {
        AtomMask(vec![false; ctx.lexed.atoms.len()])
    }

    pub fn add(&mut self, ctx: &Ctx, members: &[usize]) {
        for &m in members {
            for a in ctx.inst[m].atoms.clone() {
                self.0[a] = true;
            }
        }
    }

    /// Whether none of `members` touches a covered atom.
    pub fn clear_of(&self, ctx: &Ctx, members: &[usize]) -> bool {
        members
            .iter()
            .all(|&m| ctx.inst[m].atoms.clone().all(|a| !self.0[a]))
    }
}

/// Whether a line separates two runs of codes into two blocks.
fn substantive(ctx: &Ctx, l: usize) -> bool {
    let line = &ctx.lexed.lines[l];
    !line.blank
        && !line.page_marker
        && !line.status_heading
        && (line.other > 0 || line.label || ctx.non_tiny[l] > 0 || line.heading)
}

/// Splits members into blocks: runs of codes with no text between them except blank
/// lines (or, with `blank_splits`, none at all); a page break (footer, page number,
/// form feed) continues the block.
fn blocks(ctx: &Ctx, members: &[usize], blank_splits: bool) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut prev_last: Option<usize> = None;
    for &m in members {
        let i = &ctx.inst[m];
        let split = prev_last.is_some_and(|p| {
            let between = p + 1..i.first_line;
            let page = between.clone().any(|l| ctx.lexed.lines[l].page_marker);
            !page
                && between
                    .into_iter()
                    .any(|l| substantive(ctx, l) || (blank_splits && ctx.lexed.lines[l].blank))
        });
        match out.last_mut() {
            Some(b) if !split => b.push(m),
            _ => out.push(vec![m]),
        }
        prev_last = Some(prev_last.map_or(i.last_line, |p| p.max(i.last_line)));
    }
    out
}

/// Groups blocks into whole sets. With a usual count, a set is a group of blocks holding
/// at least three quarters of it; without one, blocks of five or more of similar size.
pub(crate) fn split_sets(ctx: &Ctx, members: &[usize], usual: Option<usize>) -> Vec<Vec<usize>> {
    let sets = group_blocks(blocks(ctx, members, false), usual);
    match usual {
        // Two whole sets parted only by a blank line: the count gives them away.
        Some(n) if sets.len() == 1 && n >= 4 && members.len() * 2 > n * 3 => {
            let loose = group_blocks(blocks(ctx, members, true), usual);
            if loose.len() >= 2 { loose } else { sets }
        }
        _ => sets,
    }
}

fn group_blocks(bl: Vec<Vec<usize>>, usual: Option<usize>) -> Vec<Vec<usize>> {
    if bl.len() < 2 {
        return bl;
    }
    let largest = bl.iter().map(Vec::len).max().unwrap_or(0);
    let threshold = match usual {
        Some(n) => (n * 3).div_ceil(4).max(1),
        None => 5.max((largest * 3).div_ceil(5)),
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for b in bl {
        match groups.last_mut() {
            Some(g) if g.len() < threshold || b.len() < threshold => g.extend(b),
            _ => groups.push(b),
        }
    }
    // A trailing small group belongs to the one before it.
    if groups.len() >= 2 && groups.last().is_some_and(|g| g.len() < threshold) {
        let tail = groups.pop().unwrap_or_default();
        if let Some(g) = groups.last_mut() {
            g.extend(tail);
        }
    }
    groups
}

/// Keeps profile-accepted instances: returns every reading, best first, merged into one
/// non-overlapping member list.
pub(crate) fn profile_members(
    ctx: &Ctx,
    profile: &ServiceProfile,
    accepted: &[bool],
) -> Vec<usize> {
    let keep = |i: usize| accepted[i];
    let words_allowed = profile.alphabet != Alphabet::Alnum;
    let mut cands: Vec<Candidate> = Vec::new();
    for members in buckets(ctx, &keep) {
        let members = if words_allowed {
            members
        } else {
            let with_digit = members.iter().filter(|&&m| ctx.inst[m].has_digit).count();
            if with_digit * 2 < members.len() {
                continue;
            }
            members
        };
        let members = drop_outliers(ctx, standing(ctx, &members));
        if members.is_empty() {
            continue;
        }
        cands.push(Candidate {
            score: score(ctx, &members),
            code_len: ctx.inst[members[0]].compact.len(),
            members,
        });
    }
    cands.sort_by(|a, b| b.score.cmp(&a.score).then(b.code_len.cmp(&a.code_len)));
    let mut chosen: Vec<usize> = Vec::new();
    let mut mask = AtomMask::new(ctx);
    for c in cands {
        for m in c.members {
            if mask.clear_of(ctx, &[m]) {
                mask.add(ctx, &[m]);
                chosen.push(m);
            }
        }
    }
    chosen.sort_by_key(|&m| ctx.inst[m].atoms.start);
    chosen
}

/// Which lines sit under a "Used:" heading.
pub(crate) fn used_sections(lexed: &Lexed) -> Vec<bool> {
    let mut in_used = false;
    lexed
        .lines
        .iter()
        .map(|l| {
            if l.used_header {
                in_used = true;
            } else if l.heading {
                in_used = false;
            }
            in_used
        })
        .collect()
}

/// The latest date and the old/new hint that belong to each set (by nearness).
pub(crate) fn set_ages(ctx: &Ctx, sets: &[Vec<usize>]) -> Vec<(Option<u32>, i8)> {
    let spans: Vec<(usize, usize)> = sets
        .iter()
        .map(|s| {
            let first = s.iter().map(|&m| ctx.inst[m].first_line).min().unwrap_or(0);
            let last = s.iter().map(|&m| ctx.inst[m].last_line).max().unwrap_or(0);
            (first, last)
        })
        .collect();
    let mut out = vec![(None, 0i8); sets.len()];
    for (l, line) in ctx.lexed.lines.iter().enumerate() {
        let date = ctx.lexed.date(l);
        if date.is_none() && line.age_hint == 0 {
            continue;
        }
        // Before a set's first line counts as its heading; just after its end (within
        // two lines) as its footer.
        let owner = spans
            .iter()
            .enumerate()
            .map(|(k, &(first, last))| {
                let d = if l < first {
                    first - l
                } else if l <= last {
                    0
                } else if l - last <= 2 {
                    (l - last) * 2
                } else {
                    usize::MAX / 2
                };
                (d, k)
            })
            .min();
        if let Some((d, k)) = owner
            && d < usize::MAX / 2
        {
            if let Some(date) = date {
                out[k].0 = out[k].0.max(Some(date));
            }
            if line.age_hint != 0 {
                out[k].1 = line.age_hint;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_count_alternations() {
        assert_eq!(transitions("alice1987"), 1);
        assert!(transitions("a1b2c3d4e5f6") >= 10);
    }
}
