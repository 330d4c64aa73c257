//! One strict pass over the vault document: the counts `bcode list` and `check` show,
//! or the document split into its services (for the one-service paths); pure.
//!
//! serde_json spends about a thousand instructions on each code object when it
//! only has to find whether the code has a `used` member: the visitor machinery,
//! not the bytes. This reader walks the JSON grammar itself, checks everything it
//! passes over (strings, escapes, numbers, nesting), and gives up (`None`) on
//! anything it does not expect: a `\u` escape, an escaped member name, a missing
//! or repeated member, deep nesting, trailing bytes. The caller then reads the
//! document with serde, which gives the answer or the precise error, so this
//! path never accepts a document serde would refuse and never counts differently
//! (a property test compares the two on valid and damaged documents).
//!
//! Most of a vault is code objects in the one shape bcode writes them,
//! `{"id":"…","code":"…"}` with perhaps `"used":"…"` after: those are read by a
//! path of their own, a few comparisons each; any other shape (a note, a
//! history of uses, an escape, white space) is read by the general path.

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;

use super::Summary;
use crate::name::ServiceName;
use crate::vault::{self, SetKind, Timestamp};

/// The document's version and every service's counts, or `None` to use serde.
pub(super) fn summaries(text: &str) -> Option<(u64, BTreeMap<ServiceName, Summary>)> {
    let doc = document(text, Scanner::service)?;
    Some((doc.version, doc.services))
}

/// The document split into its services, each checked and kept as its raw JSON
/// text (none decoded), or `None` to use serde. The version is not checked here.
pub(super) fn split(text: &str) -> Option<super::Split<'_>> {
    let doc = document(text, Scanner::raw_value)?;
    Some(super::Split {
        version: doc.version,
        services: doc.services,
        // serde reads `null` as no archive.
        removed: doc.removed.filter(|raw| *raw != "null"),
    })
}

/// The top level of a document, each service as `service` read it.
struct Document<'a, T> {
    version: u64,
    services: BTreeMap<ServiceName, T>,
    removed: Option<&'a str>,
}

/// Reads the whole document: its version, each service with `service`, keyed by
/// its name as the full decoder reads it (normalised; a later one of the same name
/// wins, as with serde), and the archive of removed services as raw text.
fn document<'a, T>(
    text: &'a str,
    mut service: impl FnMut(&mut Scanner<'a>) -> Option<T>,
) -> Option<Document<'a, T>> {
    let mut s = Scanner::new(text);
    let mut version = None;
    let mut services = None;
    let mut removed = None;
    s.open(b'{')?;
    s.members(|s, key| match key {
        "version" => set_once(&mut version, s.unsigned()?),
        "services" => {
            let mut each = BTreeMap::new();
            s.open(b'{')?;
            s.members(|s, name| {
                each.insert(ServiceName::parse(name).ok()?, service(s)?);
                Some(())
            })?;
            set_once(&mut services, each)
        }
        "removed" => set_once(&mut removed, s.raw_value()?),
        _ => s.skip_value(),
    })?;
    s.end()?;
    Some(Document {
        version: version?,
        services: services.unwrap_or_default(),
        removed,
    })
}

/// Puts `value` in an empty `slot`: a repeated member is an error for serde.
fn set_once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    match slot {
        Some(_) => None,
        None => {
            *slot = Some(value);
            Some(())
        }
    }
}

/// The bytes that end a run of plain string content: the closing quote, an
/// escape, or a control character (not allowed in a JSON string).
const STOP: [bool; 256] = {
    let mut stop = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        stop[c] = true;
        c += 1;
    }
    stop[b'"' as usize] = true;
    stop[b'\\' as usize] = true;
    stop
};

/// Where the first byte that ends plain string content is in `b`. Most of the
/// document is short strings (ids, codes, member names): eight bytes are checked
/// at a time in a machine word, then the few left one by one.
fn stop_in(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte that is zero: exact for the lowest such byte
    // (a borrow only marks bytes above a true one), which is all that is read.
    let zero = |y: u64| y.wrapping_sub(ONES) & !y;
    let mut at = 0;
    while let Some(word) = b.get(at..at + 8) {
        let x = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        let below_space = x.wrapping_sub(ONES * 0x20) & !x;
        let quote = zero(x ^ (ONES * u64::from(b'"')));
        let backslash = zero(x ^ (ONES * u64::from(b'\\')));
        let hits = (below_space | quote | backslash) & HIGH;
        if hits != 0 {
            return Some(at + hits.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    b[at..]
        .iter()
        .position(|&c| STOP[usize::from(c)])
        .map(|i| at + i)
}

/// serde_json's limit: deeper documents are refused there.
const MAX_DEPTH: usize = 120;

struct Scanner<'a> {
    t: &'a str,
    b: &'a [u8],
    i: usize,
    depth: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Scanner<'a> {
        Scanner {
            t: text,
            b: text.as_bytes(),
            i: 0,
            depth: 0,
        }
    }

    /// Nothing but white space left.
    fn end(&mut self) -> Option<()> {
        self.ws();
        (self.i == self.b.len()).then_some(())
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after white space, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn open(&mut self, c: u8) -> Option<()> {
        self.eat(c)?;
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// The members of an object whose `{` was just read, each handed to `f` with
    /// its name (which must read its value); through the closing `}`.
    fn members(&mut self, mut f: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        if self.peek()? == b'}' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            let key = self.plain_string()?;
            self.eat(b':')?;
            f(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The elements of an array whose `[` was just read, each read by `f`.
    fn elements(&mut self, mut f: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if self.peek()? == b']' {
            self.i += 1;
            self.depth -= 1;
            return Some(());
        }
        loop {
            f(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    self.depth -= 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string's raw content, checked; whether it holds escapes. `\u` escapes
    /// are left to serde (surrogate pairs and all).
    fn string(&mut self) -> Option<(&'a str, bool)> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            let end = self.i + stop_in(&self.b[self.i..])?;
            match self.b[end] {
                b'"' => {
                    self.i = end;
                    break;
                }
                // serde refuses control characters inside a string.
                b'\\' => {}
                _ => return None,
            }
            match self.b.get(end + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                _ => return None,
            }
            escaped = true;
            self.i = end + 2;
        }
        // Both ends are ASCII quotes, so the slice is whole characters.
        let raw = self.t.get(start..self.i)?;
        self.i += 1;
        Some((raw, escaped))
    }

    /// A string without escapes (a member name, a date, a service name).
    fn plain_string(&mut self) -> Option<&'a str> {
        match self.string()? {
            (raw, false) => Some(raw),
            _ => None,
        }
    }

    /// A non-negative integer that fits in a u64.
    fn unsigned(&mut self) -> Option<u64> {
        self.ws();
        let start = self.i;
        while self.b.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        let digits = &self.b[start..self.i];
        if digits.is_empty() || (digits.len() > 1 && digits[0] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.b.get(self.i) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    }

    /// Any value, checked and passed over.
    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' if self.code_in_shape().is_some() => Some(()),
            b'{' => {
                self.open(b'{')?;
                self.members(|s, _| s.skip_value())
            }
            b'[' => {
                self.open(b'[')?;
                self.elements(Self::skip_value)
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A value's raw text, checked (for serde to read the few small ones).
    fn raw_value(&mut self) -> Option<&'a str> {
        self.ws();
        let start = self.i;
        self.skip_value()?;
        self.t.get(start..self.i)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b[self.i..]
            .starts_with(word)
            .then(|| self.i += word.len())
    }

    /// A JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Option<()> {
        let digits = |s: &mut Self| {
            let start = s.i;
            while s.b.get(s.i).is_some_and(u8::is_ascii_digit) {
                s.i += 1;
            }
            (s.i > start).then_some(())
        };
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.b.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else {
            digits(self)?;
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            digits(self)?;
        }
        if let Some(b'e' | b'E') = self.b.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = self.b.get(self.i) {
                self.i += 1;
            }
            digits(self)?;
        }
        Some(())
    }

    /// One service: what `partial::summaries_of` reads with serde.
    fn service(&mut self) -> Option<Summary> {
        let mut added = None;
        let mut kind: Option<SetKind> = None;
        let mut threshold = None;
        let mut codes = None;
        self.open(b'{')?;
        self.members(|s, key| match key {
            "added" => set_once(&mut added, s.plain_string()?),
            "kind" => set_once(&mut kind, serde_json::from_str(s.raw_value()?).ok()?),
            "threshold" => set_once(
                &mut threshold,
                serde_json::from_str::<Option<u32>>(s.raw_value()?).ok()?,
            ),
            "codes" => set_once(&mut codes, s.codes()?),
            _ => s.skip_value(),
        })?;
        let (total, unused, last_used) = codes?;
        let kind = kind.unwrap_or_default();
        Some(Summary {
            kind,
            added: added?.to_string(),
            status: vault::status_of(kind, threshold.flatten(), unused, total, last_used),
        })
    }

    /// The codes array: how many, how many unused, the last use.
    fn codes(&mut self) -> Option<(usize, usize, Option<Timestamp>)> {
        let (mut total, mut unused, mut last) = (0, 0, None);
        self.open(b'[')?;
        self.elements(|s| {
            let mut used = None;
            s.ws();
            match s.code_in_shape() {
                Some(Some(when)) => used = Some(Some(rfc3339(when)?)),
                Some(None) => {}
                None => {
                    s.open(b'{')?;
                    s.members(|s, key| match key {
                        "used" => set_once(&mut used, s.timestamp()?),
                        _ => s.skip_value(),
                    })?;
                }
            }
            total += 1;
            match used.flatten() {
                None => unused += 1,
                Some(t) => last = last.max(Some(t)),
            }
            Some(())
        })?;
        Some((total, unused, last))
    }

    /// `null` or an RFC 3339 date, as `time::serde::rfc3339::option` reads it.
    fn timestamp(&mut self) -> Option<Option<Timestamp>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(None);
        }
        rfc3339(self.plain_string()?).map(Some)
    }

    /// A code object at the cursor in the shape bcode writes, passed over:
    /// `{"id":"…","code":"…"}` or `{"id":"…","code":"…","used":"…"}`, no white
    /// space, no escapes. The raw `used` date if it has one. `None`, with the cursor
    /// where it was, for anything else: the general path reads it.
    fn code_in_shape(&mut self) -> Option<Option<&'a str>> {
        let mut at = self.i;
        // As deep as the general path would go (it opens the object).
        (self.depth < MAX_DEPTH).then_some(())?;
        self.shaped(&mut at, b"{\"id\":\"")?;
        self.shaped(&mut at, b"\",\"code\":\"")?;
        let used = match self.b.get(at + 1)? {
            b'}' => None,
            _ => Some(self.shaped(&mut at, b"\",\"used\":\"")?..at),
        };
        (self.b.get(at..at + 2)? == *b"\"}").then_some(())?;
        let used = match used {
            Some(range) => Some(self.t.get(range)?),
            None => None,
        };
        self.i = at + 2;
        Some(used)
    }

    /// In [`Self::code_in_shape`]: at `*at`, exactly `lead`, then plain string
    /// content up to its closing quote, where `*at` is left; where the content starts.
    fn shaped<const N: usize>(&self, at: &mut usize, lead: &[u8; N]) -> Option<usize> {
        // Compared as an array, not a slice: a few word compares, no call.
        let here: &[u8; N] = self.b.get(*at..*at + N)?.try_into().ok()?;
        (here == lead).then_some(())?;
        let start = *at + N;
        let end = start + stop_in(&self.b[start..])?;
        (self.b[end] == b'"').then_some(())?;
        *at = end;
        Some(start)
    }
}

/// An RFC 3339 date, as `time::serde::rfc3339` reads it.
fn rfc3339(text: &str) -> Option<Timestamp> {
    Timestamp::parse(text, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The word-at-a-time search finds what a byte-at-a-time one finds.
        #[test]
        fn stop_in_finds_the_first_stop_byte(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u8>(),
                    proptest::sample::select(vec![b'"', b'\\', 0x1f, 0x20, 0x21, 0x7f, 0x80, 0xff, 0]),
                ],
                0..40,
            )
        ) {
            let naive = bytes.iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\');
            proptest::prop_assert_eq!(stop_in(&bytes), naive);
        }
    }
}
