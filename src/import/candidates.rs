//! Every way the atoms could form a code: single words, dash groups, space-separated
//! display groups (`1234 5678`), and long keys wrapped over a few lines.

use std::ops::Range;

use super::lex::{Atom, Gap, Lexed};

/// How the groups of a code are separated where it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Sep {
    None,
    Dash,
    Space,
}

/// The layout of a code: group lengths and separator (`xxxxx-xxxxx` is `[5, 5]`, Dash).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Shape {
    pub groups: Vec<u8>,
    pub sep: Sep,
}

impl Shape {
    /// `xxxxx-xxxxx`, `xxxx xxxx`: the layout without the characters.
    pub fn pattern(&self) -> String {
        let sep = match self.sep {
            Sep::None => "",
            Sep::Dash => "-",
            Sep::Space => " ",
        };
        self.groups
            .iter()
            .map(|&g| "x".repeat(usize::from(g)))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// One possible code: a span of atoms read as one code.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub atoms: Range<usize>,
    pub first_line: usize,
    pub last_line: usize,
    pub shape: Shape,
    /// As shown, with display groups joined by one space and dashes kept.
    pub shown: String,
    /// Letters and digits only.
    pub compact: String,
    pub used: bool,
    /// The list number in front of it, if any.
    pub number: Option<u32>,
    pub has_digit: bool,
    pub has_lower: bool,
    pub has_upper: bool,
}

impl Instance {
    fn new(atoms: &[Atom], range: Range<usize>, sep: Sep) -> Instance {
        let slice = &atoms[range.clone()];
        let joiner = if sep == Sep::Space { ' ' } else { '-' };
        let total: usize = slice.iter().map(|a| a.text.len() + 1).sum();
        let mut shown = String::with_capacity(total);
        let mut compact = String::with_capacity(total);
        let mut groups: Vec<u8> = Vec::with_capacity(slice.len() + 2);
        let (mut has_digit, mut has_lower, mut has_upper, mut used) = (false, false, false, false);
        for (k, a) in slice.iter().enumerate() {
            if k > 0 {
                shown.push(joiner);
            }
            shown.push_str(&a.text);
            used |= a.used;
            let mut group = 0usize;
            for b in a.text.bytes() {
                if b == b'-' {
                    groups.push(u8::try_from(group).unwrap_or(u8::MAX));
                    group = 0;
                    continue;
                }
                group += 1;
                compact.push(char::from(b));
                has_digit |= b.is_ascii_digit();
                has_lower |= b.is_ascii_lowercase();
                has_upper |= b.is_ascii_uppercase();
            }
            groups.push(u8::try_from(group).unwrap_or(u8::MAX));
        }
        let sep = if groups.len() == 1 {
            Sep::None
        } else if sep == Sep::Space {
            Sep::Space
        } else {
            Sep::Dash
        };
        Instance {
            first_line: slice[0].line,
            last_line: slice[slice.len() - 1].line,
            shape: Shape { groups, sep },
            has_digit,
            has_lower,
            has_upper,
            used,
            number: slice[0].list_number,
            shown,
            compact,
            atoms: range,
        }
    }

    /// No letters at all.
    pub fn digits_only(&self) -> bool {
        !self.has_lower && !self.has_upper
    }
}

/// Longest run of display groups considered as one or more codes.
const MAX_RUN: usize = 32;
/// Longest code considered, in letters and digits.
const MAX_CODE: usize = 128;

fn plain_group(a: &Atom) -> bool {
    !a.tiny && !a.text.contains('-') && (3..=6).contains(&a.text.len())
}

fn joins(a: &Atom, b: &Atom) -> bool {
    b.gap == Gap::Space && a.glue_right && b.glue_left && plain_group(a) && plain_group(b)
}

/// All candidate instances, in text order.
pub(crate) fn candidates(lexed: &Lexed) -> Vec<Instance> {
    let atoms = &lexed.atoms;
    let mut out = Vec::new();
    for line in &lexed.lines {
        let range = line.atoms.clone();
        // Single words and dash groups.
        for i in range.clone() {
            let a = &atoms[i];
            if !a.tiny && a.text.len() <= MAX_CODE + 16 {
                let sep = if a.text.contains('-') {
                    Sep::Dash
                } else {
                    Sep::None
                };
                out.push(Instance::new(atoms, i..i + 1, sep));
            }
        }
        // A code wrapped after a dash: "XXXXX-XXXXX-" / "XXXXX-XXXXX".
        if let Some(last) = range.clone().last()
            && atoms[last].dangling_dash
            && let Some(next) = atoms.get(last + 1)
            && next.line == atoms[last].line + 1
            && !next.tiny
            && next.glue_left
            && atoms[last].text.len() + next.text.len() <= MAX_CODE
        {
            out.push(Instance::new(atoms, last..last + 2, Sep::Dash));
        }
        // Runs of display groups separated by single spaces.
        let mut i = range.start;
        while i < range.end {
            let mut j = i + 1;
            while j < range.end && joins(&atoms[j - 1], &atoms[j]) {
                j += 1;
            }
            if j - i >= 2 && plain_group(&atoms[i]) {
                push_run(atoms, i..j, &mut out);
            }
            i = j;
        }
    }
    push_wrapped_keys(lexed, &mut out);
    out
}

/// The ways a run of groups reads as codes: all of it as one code, or, when the groups
/// are all the same length, as several codes of k groups each.
fn push_run(atoms: &[Atom], run: Range<usize>, out: &mut Vec<Instance>) {
    let n = run.len();
    if n > MAX_RUN {
        return;
    }
    let lens: Vec<usize> = atoms[run.clone()].iter().map(|a| a.text.len()).collect();
    let g = lens[0];
    let head_uniform = lens[..n - 1].iter().all(|&l| l == g);
    if !head_uniform || lens[n - 1] > g {
        return;
    }
    let uniform = lens[n - 1] == g;
    for k in 2..=n {
        if !n.is_multiple_of(k) || (!uniform && k != n) {
            continue;
        }
        for start in (run.start..run.end).step_by(k) {
            out.push(Instance::new(atoms, start..start + k, Sep::Space));
        }
    }
}

/// A long key in groups, wrapped over two to four lines that hold nothing else.
fn push_wrapped_keys(lexed: &Lexed, out: &mut Vec<Instance>) {
    let atoms = &lexed.atoms;
    // The run that makes up the whole line, if it does: (range, group length).
    let whole_run = |li: usize| -> Option<(Range<usize>, usize)> {
        let line = &lexed.lines[li];
        let r = line.atoms.clone();
        if r.len() < 2 || line.other > 0 || line.marker || atoms[r.clone()].iter().any(|a| a.tiny) {
            return None;
        }
        let g = atoms[r.start].text.len();
        let ok = (r.start + 1..r.end).all(|k| joins(&atoms[k - 1], &atoms[k]))
            && atoms[r.start..r.end - 1].iter().all(|a| a.text.len() == g)
            && atoms[r.end - 1].text.len() <= g;
        ok.then_some((r, g))
    };
    let mut li = 0;
    while li < lexed.lines.len() {
        let Some((first, g)) = whole_run(li) else {
            li += 1;
            continue;
        };
        let mut end = first.end;
        let mut lines = 1;
        let mut last_full = atoms[first.end - 1].text.len() == g;
        let mut next = li + 1;
        while last_full && lines < 4 && next < lexed.lines.len() {
            match whole_run(next) {
                Some((r, g2)) if g2 == g && r.len() <= first.len() => {
                    end = r.end;
                    lines += 1;
                    last_full = atoms[r.end - 1].text.len() == g && r.len() == first.len();
                    next += 1;
                }
                _ => break,
            }
        }
        if lines >= 2 && (end - first.start) * g <= MAX_CODE {
            // Only a block that stands alone: no further line of the same kind follows.
            let followed =
                next < lexed.lines.len() && whole_run(next).is_some_and(|(_, g2)| g2 == g);
            if !followed {
                out.push(Instance::new(atoms, first.start..end, Sep::Space));
            }
        }
        li = next.max(li + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::lex::lex;

    fn shown(text: &str) -> Vec<String> {
        candidates(&lex(text))
            .into_iter()
            .map(|i| i.shown)
            .collect()
    }

    #[test]
    fn runs_give_every_even_split() {
        let s = shown("1234 5678 2345 6789");
        assert!(s.contains(&"1234 5678".to_string()));
        assert!(s.contains(&"2345 6789".to_string()));
        assert!(s.contains(&"1234 5678 2345 6789".to_string()));
    }

    #[test]
    fn wide_gaps_and_punctuation_split_runs() {
        let s = shown("1234 5678    2345 6789\n1234 5678, 2345 6789");
        assert!(!s.iter().any(|x| x.len() > 9));
    }

    #[test]
    fn wrapped_keys_join() {
        let s = shown("Recovery key:\nABCD EFGH IJKL MNOP\nQRST UVWX YZ23 4567\n");
        assert!(s.contains(&"ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567".to_string()));
        let s = shown("ABCDE-FGHIJ-KLMNO-\nPQRST-UVWXY");
        assert!(s.contains(&"ABCDE-FGHIJ-KLMNO-PQRST-UVWXY".to_string()));
    }
}
