//! The recogniser: text in, backup codes and warnings out; pure, no I/O.
//!
//! Pipeline: [`decode`] bytes to text, [`lex`] it into lines of atoms (words that could
//! be a code or one display group of a code) with used marks and line context, list
//! every way the atoms could form a code ([`candidates`]), then [`select`] the one set
//! the text holds: by the service's known format when there is one, else by the largest
//! group of same-shaped tokens standing where codes stand. Two sets, or codes of two
//! services, are refused with a description of each (never the codes) so the caller can
//! offer `--pick`.

mod candidates;
mod decode;
mod lex;
mod select;

use std::collections::HashMap;
use std::fmt;

use crate::services::{Case, ServiceProfile};
use crate::vault::NewCode;
use candidates::Instance;
use select::{Candidate, Ctx};

/// The most input `recognise` accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// The most codes one import accepts; more is a log or a dump, not a set.
pub const MAX_CODES: usize = 100;

/// What the recogniser found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The codes in the order they appear, in the form the user types them.
    pub codes: Vec<NewCode>,
    /// Things the user should check (an unusual count, say). Never contain a code.
    pub warnings: Vec<String>,
}

/// Which set to take when the text holds more than one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// The set with the latest date near it, else the one marked new, else the last.
    Newest,
    /// The n-th set in the text, counting from 1.
    Set(usize),
}

/// How to recognise: the known service, if any, and which set to pick.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions<'a> {
    pub profile: Option<&'a ServiceProfile>,
    pub pick: Option<Pick>,
}

/// One set found in the text, described without its codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetSummary {
    pub count: usize,
    /// The layout, `xxxxx-xxxxx`.
    pub pattern: String,
    /// `lowercase hex`, `digits`, ...
    pub alphabet: String,
    /// 1-based line numbers.
    pub first_line: usize,
    pub last_line: usize,
}

impl fmt::Display for SetSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let noun = if self.count == 1 { "code" } else { "codes" };
        write!(
            f,
            "{} {noun} like {} ({}), ",
            self.count, self.pattern, self.alphabet
        )?;
        if self.first_line == self.last_line {
            write!(f, "line {}", self.first_line)
        } else {
            write!(f, "lines {}-{}", self.first_line, self.last_line)
        }
    }
}

/// Why the recogniser refused. Messages never contain a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(
        "no backup codes found in the input; give the text the service showed you (the downloaded file, or the codes one per line)"
    )]
    NoCodes,
    #[error(
        "the input looks like binary data (a PDF, an image, an encrypted file?), not text; copy the codes as text or save them as a .txt file"
    )]
    Binary,
    #[error("the input is larger than {} KiB; give only the part with the codes", MAX_INPUT_BYTES / 1024)]
    TooLarge,
    #[error("{}", ambiguous_message(.sets))]
    Ambiguous { sets: Vec<SetSummary> },
    #[error(
        "found no codes that look like {service}'s ({expected}); the text holds {found}. Check the service name, or import under a name bcode does not know to keep them as shown"
    )]
    NotThisService {
        service: String,
        expected: String,
        found: String,
    },
    #[error("--pick {asked}: the input holds only {found} set(s) of codes")]
    PickOutOfRange { asked: usize, found: usize },
    #[error(
        "found {found} code-like items, far more than a set of backup codes holds; give only the codes"
    )]
    TooMany { found: usize },
}

fn ambiguous_message(sets: &[SetSummary]) -> String {
    let list: Vec<String> = sets
        .iter()
        .enumerate()
        .map(|(k, s)| format!("set {}: {s}", k + 1))
        .collect();
    let picks: Vec<String> = (1..=sets.len()).map(|k| format!("--pick {k}")).collect();
    format!(
        "the input holds {} sets of codes ({}); import one at a time with {} or --pick newest",
        sets.len(),
        list.join("; "),
        picks.join(", ")
    )
}

/// Finds the backup codes in `input`. `profile` is the known service, if any.
pub fn recognise(input: &[u8], profile: Option<&ServiceProfile>) -> Result<Imported, ImportError> {
    recognise_with(
        input,
        &ImportOptions {
            profile,
            pick: None,
        },
    )
}

/// Finds the backup codes in `input`, with a profile and a choice between sets.
pub fn recognise_with(input: &[u8], opts: &ImportOptions) -> Result<Imported, ImportError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge);
    }
    let text = decode::decode(input).map_err(|_| ImportError::Binary)?;
    let lexed = lex::lex(&text);
    let inst = candidates::candidates(&lexed);
    let ctx = Ctx::new(&lexed, &inst);
    let mut warnings = Vec::new();

    let everything = |_: usize| true;
    let inferred = select::infer(&ctx, &everything, true);

    // The members of the main reading, the usual count, and how to store each code.
    let (members, competitors, store): (Vec<usize>, Vec<Vec<usize>>, Option<&ServiceProfile>) =
        match opts.profile {
            Some(p) if p.certain => {
                let accepted: Vec<bool> = inst.iter().map(|i| p.accepts(&fixed(p, i))).collect();
                let members = select::profile_members(&ctx, p, &accepted);
                if members.is_empty() {
                    return Err(match inferred.first() {
                        Some(c) => ImportError::NotThisService {
                            service: p.display.to_string(),
                            expected: format!(
                                "{} like {}",
                                p.usual_count
                                    .map_or("codes".to_string(), |n| plural(n, "code")),
                                p.shown_as
                            ),
                            found: summary(&ctx, &c.members).to_string(),
                        },
                        None => ImportError::NoCodes,
                    });
                }
                let mut mask = select::AtomMask::new(&ctx);
                mask.add(&ctx, &members);
                if let Some(c) = inferred
                    .iter()
                    .take(8)
                    .find(|c| c.members.len() >= 2 && mask.clear_of(&ctx, &c.members))
                {
                    warnings.push(format!(
                        "ignored {} that do not look like {}'s codes",
                        summary(&ctx, &c.members),
                        p.display
                    ));
                }
                (members, Vec::new(), Some(p))
            }
            Some(p) => {
                let keep = |i: usize| p.accepts(&inst[i].compact);
                let mut own = select::infer(&ctx, &keep, true);
                if own.is_empty() {
                    own = select::infer(&ctx, &keep, false)
                        .into_iter()
                        .filter(|c| c.members.len() >= 2 || p.usual_count == Some(1))
                        .collect();
                }
                if own.is_empty() {
                    let (m, c) = main_and_competitors(&ctx, &inferred)?;
                    warnings.push(format!(
                        "these codes do not look like {}'s usual ones ({}); check them",
                        p.display, p.shown_as
                    ));
                    (m, c, None)
                } else {
                    let (m, c) = main_and_competitors(&ctx, &own)?;
                    (m, c, Some(p))
                }
            }
            None => {
                let (m, c) = main_and_competitors(&ctx, &inferred)?;
                (m, c, None)
            }
        };

    let usual = opts.profile.and_then(|p| p.usual_count);
    let mut sets: Vec<Vec<usize>> = select::split_sets(&ctx, &members, usual);
    for c in &competitors {
        sets.extend(select::split_sets(&ctx, c, None));
    }
    sets.sort_by_key(|s| s.first().map_or(0, |&m| inst[m].atoms.start));
    let sets = drop_repeated_sets(&ctx, sets, store, &mut warnings);

    let chosen = if sets.len() >= 2 {
        match opts.pick {
            None => {
                let summaries = sets.iter().map(|s| summary(&ctx, s)).collect();
                return Err(ImportError::Ambiguous { sets: summaries });
            }
            Some(Pick::Set(n)) if n == 0 || n > sets.len() => {
                return Err(ImportError::PickOutOfRange {
                    asked: n,
                    found: sets.len(),
                });
            }
            Some(Pick::Set(n)) => n - 1,
            Some(Pick::Newest) => newest(&ctx, &sets),
        }
    } else {
        match opts.pick {
            Some(Pick::Set(n)) if n != 1 => {
                return Err(ImportError::PickOutOfRange {
                    asked: n,
                    found: sets.len(),
                });
            }
            _ => 0,
        }
    };
    let Some(set) = sets.get(chosen) else {
        return Err(ImportError::NoCodes);
    };
    if sets.len() >= 2 {
        warnings.push(format!(
            "took set {} of {}: {}",
            chosen + 1,
            sets.len(),
            summary(&ctx, set)
        ));
    }

    let codes = finish(&ctx, set, store, &mut warnings);
    if codes.len() > MAX_CODES {
        return Err(ImportError::TooMany { found: codes.len() });
    }
    if let Some(p) = opts.profile
        && let Some(n) = p.usual_count
        && n != codes.len()
    {
        warnings.push(format!(
            "found {}; {} usually gives {} per set, so check that none is missing or extra",
            plural(codes.len(), "code"),
            p.display,
            n
        ));
    }
    Ok(Imported { codes, warnings })
}

/// The best reading and the other readings that stand as sets of their own (codes of
/// another service in the same text).
fn main_and_competitors(
    ctx: &Ctx,
    cands: &[Candidate],
) -> Result<(Vec<usize>, Vec<Vec<usize>>), ImportError> {
    let Some(best) = cands.first() else {
        return Err(ImportError::NoCodes);
    };
    let mut taken = select::AtomMask::new(ctx);
    taken.add(ctx, &best.members);
    let mut competitors = Vec::new();
    for c in &cands[1..] {
        let n = c.members.len();
        let big = n >= 3 && n * 10 >= best.members.len() * 3;
        let lone_key = n == 1 && labelled_or_alone(ctx, c);
        if (big || lone_key) && taken.clear_of(ctx, &c.members) {
            taken.add(ctx, &c.members);
            competitors.push(c.members.clone());
        }
    }
    Ok((best.members.clone(), competitors))
}

fn labelled_or_alone(ctx: &Ctx, c: &Candidate) -> bool {
    let i = &ctx.inst[c.members[0]];
    let line = &ctx.lexed.lines[i.first_line];
    line.label || (line.other == 0 && !line.marker && i.shape.groups.len() >= 3)
}

/// A code with OCR look-alikes fixed where the service's alphabet makes them plain
/// (`O` for `0`, `l` for `1` in digits or hex).
fn fixed(p: &ServiceProfile, i: &Instance) -> String {
    use crate::services::Alphabet;
    if matches!(p.alphabet, Alphabet::Digits | Alphabet::Hex) && !p.accepts(&i.compact) {
        ocr_digits(&i.compact)
    } else {
        i.compact.clone()
    }
}

/// `O`/`o` as `0`, `I`/`l` as `1`: the letters OCR puts in place of those digits.
fn ocr_digits(shown: &str) -> String {
    shown
        .chars()
        .map(|c| match c {
            'O' | 'o' => '0',
            'I' | 'l' => '1',
            c => c,
        })
        .collect()
}

/// Drops a set that repeats another (the same codes pasted twice).
fn drop_repeated_sets(
    ctx: &Ctx,
    sets: Vec<Vec<usize>>,
    store: Option<&ServiceProfile>,
    warnings: &mut Vec<String>,
) -> Vec<Vec<usize>> {
    let key = |m: usize| compare_key(store, &ctx.inst[m].compact);
    let mut kept: Vec<Vec<usize>> = Vec::new();
    for s in sets {
        let repeats = kept.iter().any(|k| {
            let have: std::collections::HashSet<String> = k.iter().map(|&m| key(m)).collect();
            s.iter().all(|&m| have.contains(&key(m)))
        });
        if repeats {
            warnings.push(format!(
                "lines {} repeat codes given earlier; took them once",
                line_span(ctx, &s)
            ));
        } else {
            kept.push(s);
        }
    }
    kept
}

fn compare_key(store: Option<&ServiceProfile>, compact: &str) -> String {
    match store.map(|p| p.case) {
        Some(Case::Lower | Case::Upper) => compact.to_ascii_lowercase(),
        _ => compact.to_string(),
    }
}

fn newest(ctx: &Ctx, sets: &[Vec<usize>]) -> usize {
    let ages = select::set_ages(ctx, sets);
    let dated = ages.iter().filter(|a| a.0.is_some()).count();
    if dated == sets.len() {
        let max = ages.iter().filter_map(|a| a.0).max();
        let at: Vec<usize> = (0..sets.len()).filter(|&k| ages[k].0 == max).collect();
        if at.len() == 1 {
            return at[0];
        }
    }
    let new: Vec<usize> = (0..sets.len()).filter(|&k| ages[k].1 > 0).collect();
    if new.len() == 1 {
        return new[0];
    }
    let not_old: Vec<usize> = (0..sets.len()).filter(|&k| ages[k].1 >= 0).collect();
    if not_old.len() == 1 {
        return not_old[0];
    }
    sets.len() - 1
}

/// The codes of the chosen set in their stored form, used marks applied, repeats merged.
fn finish(
    ctx: &Ctx,
    set: &[usize],
    store: Option<&ServiceProfile>,
    warnings: &mut Vec<String>,
) -> Vec<NewCode> {
    let used_section = select::used_sections(ctx.lexed);
    // Numbered in columns (1..5 left, 6..10 right): the numbers give the issue order.
    let mut order: Vec<usize> = set.to_vec();
    let numbers: Vec<Option<u32>> = order.iter().map(|&m| ctx.inst[m].number).collect();
    if numbers.iter().all(Option::is_some) {
        let mut sorted: Vec<u32> = numbers.iter().flatten().copied().collect();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() == numbers.len() {
            order.sort_by_key(|&m| ctx.inst[m].number);
        }
    }
    // OCR reads a 0 as O and a 1 as l now and then; in a set of digits that is plain.
    let digit_set =
        order.iter().filter(|&&m| ctx.inst[m].digits_only()).count() * 4 >= order.len() * 3;
    let mut out: Vec<NewCode> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut repeats = 0;
    for &m in &order {
        let i = &ctx.inst[m];
        let code = match store {
            Some(p) => {
                let shown = fixed(p, i);
                let shown = if shown == i.compact {
                    i.shown.clone()
                } else {
                    shown
                };
                p.canonical(&shown)
            }
            None if digit_set => ocr_digits(&i.shown).chars().filter(|c| *c != ' ').collect(),
            None => i.shown.chars().filter(|c| *c != ' ').collect(),
        };
        let used = i.used || used_section[i.first_line];
        let key = compare_key(store, &code.replace('-', ""));
        if let Some(&k) = seen.get(&key) {
            out[k].used |= used;
            repeats += 1;
            continue;
        }
        seen.insert(key, out.len());
        out.push(NewCode { code, used });
    }
    if repeats > 0 {
        warnings.push(format!(
            "{} appeared more than once; kept each once",
            plural(repeats, "code")
        ));
    }
    out
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The first and last line (1-based) a set's codes stand on.
fn line_range(ctx: &Ctx, set: &[usize]) -> (usize, usize) {
    let first = set
        .iter()
        .map(|&m| ctx.inst[m].first_line)
        .min()
        .unwrap_or(0);
    let last = set
        .iter()
        .map(|&m| ctx.inst[m].last_line)
        .max()
        .unwrap_or(0);
    (first + 1, last + 1)
}

fn line_span(ctx: &Ctx, set: &[usize]) -> String {
    match line_range(ctx, set) {
        (first, last) if first == last => first.to_string(),
        (first, last) => format!("{first}-{last}"),
    }
}

fn summary(ctx: &Ctx, set: &[usize]) -> SetSummary {
    let (first, last) = line_range(ctx, set);
    let shape = set
        .first()
        .map(|&m| ctx.inst[m].shape.pattern())
        .unwrap_or_default();
    SetSummary {
        count: set.len(),
        pattern: shape,
        alphabet: alphabet(ctx, set),
        first_line: first,
        last_line: last,
    }
}

/// `digits`, `lowercase hex`, `uppercase letters and digits`, ...
fn alphabet(ctx: &Ctx, set: &[usize]) -> String {
    let all = |f: &dyn Fn(u8) -> bool| set.iter().all(|&m| ctx.inst[m].compact.bytes().all(f));
    if all(&|b| b.is_ascii_digit()) {
        return "digits".into();
    }
    let lower = set.iter().any(|&m| ctx.inst[m].has_lower);
    let upper = set.iter().any(|&m| ctx.inst[m].has_upper);
    let case = match (lower, upper) {
        (true, false) => "lowercase ",
        (false, true) => "uppercase ",
        _ => "mixed-case ",
    };
    if all(&|b| b.is_ascii_hexdigit()) {
        format!("{case}hex")
    } else {
        format!("{case}letters and digits")
    }
}
