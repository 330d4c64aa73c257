//! The paper sheet: what it says (shared by the PDF and the plain-text sheet) and the text sheet itself; pure, no I/O.
//!
//! [`Sheet::new`] turns a vault into the sheet's content once: every string in
//! it is already safe to show (control characters and bidi overrides escaped).
//! [`layout`] places that content on pages, [`crate::pdf`] draws the pages, and
//! [`render_text`] writes the same content as page-independent plain text.

pub mod afm;
pub mod layout;

use std::fmt::Write as _;

use crate::name::ServiceName;
use crate::partial::{self, PartialVault, TakeError};
use crate::sanitize;
use crate::services;
use crate::vault::{self, Code, Service, SetKind, Timestamp, Vault};

/// The paper size to lay the sheet out on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    #[default]
    A4,
    /// 8.5 × 11 in.
    Letter,
}

impl Paper {
    /// Width and height in PostScript points (1/72 in).
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// How to print the sheet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SheetOptions {
    pub paper: Paper,
    /// Leave used codes off the sheet.
    pub unused_only: bool,
}

/// The sheet's title.
pub const TITLE: &str = "Backup codes";
/// Said once, under the title.
pub const KEEP_SAFE: &str =
    "Keep this sheet private and safe: anyone who holds it can use these codes.";
/// Said on every page.
pub const EACH_ONCE: &str = "Each code works only once: tick its box when you use it.";

/// The sheet's content, in vault order (services sorted by name). The sections
/// are made one at a time as they are laid out ([`Sheet::sections`]), so a large
/// vault is never held twice over; from a split document ([`Sheet::from_partial`])
/// not even once: each service is decoded when its turn comes.
#[derive(Clone, Debug)]
pub struct Sheet<'v> {
    pub summary: Summary,
    services: Vec<(&'v str, Entry<'v>)>,
}

/// A service on the sheet, decoded or still raw JSON.
#[derive(Clone, Debug)]
enum Entry<'v> {
    Decoded(&'v Service),
    Raw(&'v str),
}

/// What the sheet's header says, known before any section is laid out.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    /// The day it was printed, `2026-12-03`.
    pub printed: String,
    /// Services on the sheet.
    pub services: usize,
    /// Codes in the current sets of all services on the sheet.
    pub total: usize,
    /// Of those, the unused ones.
    pub unused: usize,
    /// Used codes were left off.
    pub unused_only: bool,
    /// Some printed code contains the digit zero (the PDF slashes it and says so).
    pub has_zero: bool,
}

/// One service.
#[derive(Clone, Debug, PartialEq)]
pub struct Section {
    /// The service name as bcode knows it (`github/work`).
    pub name: String,
    /// The day the current set was added.
    pub added: String,
    pub unused: usize,
    pub total: usize,
    /// At or under the warning threshold.
    pub low: bool,
    pub kind: SetKind,
    /// Where to generate a new set, for known services.
    pub new_set_url: Option<String>,
    pub note: Option<String>,
    /// The codes printed, in the order the service issued them.
    pub codes: Vec<SheetCode>,
}

/// One printed code.
#[derive(Clone, Debug, PartialEq)]
pub struct SheetCode {
    pub code: String,
    /// The day it was used, or `None` while unused.
    pub used: Option<String>,
    pub note: Option<String>,
}

fn safe(text: &str) -> String {
    sanitize::display(text).into_owned()
}

/// `1 service`, `3 services`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl<'v> Sheet<'v> {
    /// The sheet for `vault` (already filtered to the services to print).
    pub fn new(vault: &'v Vault, opts: &SheetOptions, now: Timestamp) -> Sheet<'v> {
        let mut sheet = Sheet::empty(opts, now);
        for (name, service) in &vault.services {
            sheet.count(service);
            sheet
                .services
                .push((name.as_str(), Entry::Decoded(service)));
        }
        sheet
    }

    /// The sheet for the services `names` of a split document (all when empty),
    /// decoding one service at a time. Every service is decoded once here to
    /// count it, so a damaged one is refused before anything is drawn.
    pub fn from_partial(
        doc: &'v PartialVault<'v>,
        names: &[ServiceName],
        opts: &SheetOptions,
        now: Timestamp,
    ) -> Result<Sheet<'v>, TakeError> {
        let mut sheet = Sheet::empty(opts, now);
        let mut chosen: Vec<(&str, &str)> = if names.is_empty() {
            doc.raw_services().collect()
        } else {
            let mut chosen = Vec::with_capacity(names.len());
            for name in names {
                chosen.push(doc.raw_service(name)?);
            }
            chosen.sort_by_key(|(name, _)| *name);
            chosen.dedup_by_key(|(name, _)| *name);
            chosen
        };
        for (name, raw) in chosen.drain(..) {
            let service = partial::decode_service(raw).map_err(TakeError::Decode)?;
            sheet.count(&service);
            sheet.services.push((name, Entry::Raw(raw)));
        }
        Ok(sheet)
    }

    fn empty(opts: &SheetOptions, now: Timestamp) -> Sheet<'v> {
        Sheet {
            summary: Summary {
                printed: vault::day(now),
                services: 0,
                total: 0,
                unused: 0,
                unused_only: opts.unused_only,
                has_zero: false,
            },
            services: Vec::new(),
        }
    }

    /// Adds `service` to the summary.
    fn count(&mut self, service: &Service) {
        let summary = &mut self.summary;
        let status = service.status();
        summary.services += 1;
        summary.total += status.total;
        summary.unused += status.unused;
        summary.has_zero = summary.has_zero
            || printed(service, summary.unused_only)
                .any(|c| sanitize::display(&c.code).contains('0'));
    }

    /// The sections, in vault order, each made when it is asked for.
    pub fn sections(&self) -> impl Iterator<Item = Section> + '_ {
        let unused_only = self.summary.unused_only;
        self.services.iter().map(move |(name, entry)| match entry {
            Entry::Decoded(service) => section(name, service, unused_only),
            Entry::Raw(raw) => {
                // Decoded once already, in `from_partial`: the same bytes decode the same way.
                let service = partial::decode_service(raw)
                    .unwrap_or_else(|_| unreachable!("a service decoded once decodes again"));
                section(name, &service, unused_only)
            }
        })
    }
}

/// The section for one service.
fn section(name: &str, service: &Service, unused_only: bool) -> Section {
    let status = service.status();
    Section {
        name: safe(name),
        added: vault::day(service.added),
        unused: status.unused,
        total: status.total,
        low: status.low,
        kind: service.kind,
        new_set_url: services::lookup(name).map(|p| safe(p.new_set_url)),
        note: service.note.as_deref().map(safe),
        codes: printed(service, unused_only)
            .map(|c| SheetCode {
                code: safe(&c.code),
                used: c.used.map(vault::day),
                note: c.note.as_deref().map(safe),
            })
            .collect(),
    }
}

/// The codes of `service` that go on the sheet.
fn printed(service: &Service, unused_only: bool) -> impl Iterator<Item = &Code> {
    service
        .codes
        .iter()
        .filter(move |c| !(unused_only && c.used.is_some()))
}

impl Summary {
    /// `Printed 2026-12-03 · 3 services · 42 codes, 30 unused`.
    pub fn line(&self) -> String {
        let services = count(self.services, "service", "services");
        if self.unused_only {
            format!(
                "Printed {} · {services} · {} (used codes left off)",
                self.printed,
                count(self.unused, "unused code", "unused codes"),
            )
        } else {
            format!(
                "Printed {} · {services} · {}, {} unused",
                self.printed,
                count(self.total, "code", "codes"),
                self.unused
            )
        }
    }
}

impl Section {
    /// `added 2026-01-01 · 14 of 16 unused`, with a warning when low.
    pub fn status_line(&self) -> String {
        let mut line = format!(
            "added {} · {} of {} unused",
            self.added, self.unused, self.total
        );
        match self.kind {
            SetKind::Set => {}
            SetKind::Single => line.push_str(" · one code at a time, replaced after each use"),
            SetKind::RecoveryKey => line.push_str(" · recovery key, can be used again"),
        }
        if self.unused == 0 {
            line.push_str(" · none left: generate a new set");
        } else if self.low && self.kind == SetKind::Set {
            line.push_str(" · running low: generate a new set soon");
        }
        line
    }

    /// `new set: https://...` for known services.
    pub fn new_set_line(&self) -> Option<String> {
        self.new_set_url
            .as_ref()
            .map(|url| format!("new set: {url}"))
    }

    /// Said instead of codes when none are printed.
    pub fn empty_line(&self) -> Option<&'static str> {
        if !self.codes.is_empty() {
            None
        } else if self.total == 0 {
            Some("No codes stored.")
        } else {
            Some("No unused codes left.")
        }
    }
}

impl SheetCode {
    /// `used 2026-02-01`, plus the code's note.
    pub fn trailer(&self) -> Option<String> {
        match (&self.used, &self.note) {
            (None, None) => None,
            (Some(day), None) => Some(format!("used {day}")),
            (None, Some(note)) => Some(note.clone()),
            (Some(day), Some(note)) => Some(format!("used {day} · {note}")),
        }
    }
}

/// Text the built-in PDF fonts can show (WinAnsi): other characters are
/// transliterated (`почта` → `pochta`, `日本` → `Ri Ben`), and anything with no
/// transliteration is written as a visible escape (`\u{1f511}`), never a silent `?`.
pub fn pdf_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if afm::win_ansi_byte(c).is_some() {
            out.push(c);
            continue;
        }
        // A run of characters the fonts cannot show.
        let mut run = String::new();
        let mut next = Some(c);
        while let Some(c) = next {
            match deunicode::deunicode_char(c) {
                Some(t) => run.extend(t.chars().filter(|c| (' '..='~').contains(c))),
                None => {
                    let _ = write!(run, "\\u{{{:x}}}", c as u32);
                }
            }
            next = chars.next_if(|c| afm::win_ansi_byte(*c).is_none());
        }
        let run = run.trim();
        if run.is_empty() {
            continue;
        }
        // Keep transliterated words apart from their neighbours: `mailпочта` → `mail pochta`.
        if out.chars().next_back().is_some_and(char::is_alphanumeric) {
            out.push(' ');
        }
        out.push_str(run);
        if chars.peek().is_some_and(|c| c.is_alphanumeric()) {
            out.push(' ');
        }
    }
    out
}

/// The sheet as plain text for a terminal or `lp`: header, one block per
/// service, `[ ]` / `[x]` boxes, used codes with the day they were used.
pub fn render_text(vault: &Vault, opts: &SheetOptions, now: Timestamp) -> String {
    text_sheet(&Sheet::new(vault, opts, now))
}

/// The plain-text form of a sheet.
pub fn text_sheet(sheet: &Sheet) -> String {
    let mut out = String::new();
    out.push_str(TITLE);
    out.push('\n');
    out.push_str(&"=".repeat(TITLE.len()));
    out.push('\n');
    out.push_str(&sheet.summary.line());
    out.push('\n');
    out.push_str(KEEP_SAFE);
    out.push('\n');
    out.push_str(EACH_ONCE);
    out.push('\n');
    if sheet.summary.services == 0 {
        out.push_str("\nNo services on this sheet.\n");
    }
    for section in sheet.sections() {
        out.push('\n');
        out.push_str(&section.name);
        out.push('\n');
        out.push_str(&"-".repeat(section.name.chars().count().min(72)));
        out.push('\n');
        out.push_str(&section.status_line());
        out.push('\n');
        if let Some(line) = section.new_set_line() {
            out.push_str(&line);
            out.push('\n');
        }
        if let Some(note) = &section.note {
            let _ = writeln!(out, "note: {note}");
        }
        if let Some(line) = section.empty_line() {
            let _ = writeln!(out, "  {line}");
        }
        let widest = section
            .codes
            .iter()
            .map(|c| c.code.chars().count())
            .max()
            .unwrap_or(0);
        for code in &section.codes {
            let tick = if code.used.is_some() { "[x]" } else { "[ ]" };
            match code.trailer() {
                Some(trailer) => {
                    let _ = writeln!(out, "  {tick} {:<widest$}   {trailer}", code.code);
                }
                None => {
                    let _ = writeln!(out, "  {tick} {}", code.code);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::ServiceName;
    use crate::vault::NewCode;
    use time::macros::datetime;

    const T0: Timestamp = datetime!(2026-01-01 10:00 UTC);
    const T1: Timestamp = datetime!(2026-02-01 10:00 UTC);
    const NOW: Timestamp = datetime!(2026-03-01 10:00 UTC);

    fn vault() -> Vault {
        let mut v = Vault::new();
        let codes = |list: &[&str]| -> Vec<NewCode> {
            list.iter()
                .map(|c| NewCode {
                    code: c.to_string(),
                    used: false,
                })
                .collect()
        };
        let gh = ServiceName::parse("github").unwrap();
        v.add(
            &gh,
            &codes(&["aaaa-1111", "bbbb-2222", "cccc-3333"]),
            SetKind::Set,
            false,
            T0,
        )
        .unwrap();
        v.use_next(&gh, T1).unwrap();
        let odd = ServiceName::parse("odd").unwrap();
        v.add(&odd, &codes(&["x1"]), SetKind::Set, false, T0)
            .unwrap();
        v.set_note(&odd, Some("evil\u{1b}[31m \u{202e}note".into()), T0)
            .unwrap();
        v
    }

    #[test]
    fn text_sheet_lists_every_code_with_boxes() {
        let text = render_text(&vault(), &SheetOptions::default(), NOW);
        assert!(text.contains("Printed 2026-03-01 · 2 services · 4 codes, 3 unused"));
        assert!(
            text.contains("  [x] aaaa-1111   used 2026-02-01\n"),
            "{text}"
        );
        assert!(text.contains("  [ ] bbbb-2222\n"));
        assert!(text.contains("added 2026-01-01 · 2 of 3 unused"));
        assert!(text.contains("new set: https://github.com/settings/auth/recovery-codes"));
        assert!(text.contains("none left") || text.contains("running low"));
    }

    #[test]
    fn text_sheet_neutralises_control_characters() {
        let text = render_text(&vault(), &SheetOptions::default(), NOW);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
        assert!(
            text.contains("note: evil\\u{1b}[31m \\u{202e}note"),
            "{text}"
        );
    }

    #[test]
    fn a_sheet_read_service_by_service_is_the_sheet_of_the_decoded_vault() {
        let full = vault();
        let bytes = vault::encode(&full);
        let doc = partial::decode_partial(std::str::from_utf8(&bytes).unwrap()).unwrap();
        for unused_only in [false, true] {
            let opts = SheetOptions {
                unused_only,
                ..SheetOptions::default()
            };
            let all = Sheet::from_partial(&doc, &[], &opts, NOW).unwrap();
            assert_eq!(text_sheet(&all), render_text(&full, &opts, NOW));
            // Named services: in name order, once each, like a vault of just them.
            let odd = ServiceName::parse("odd").unwrap();
            let gh = ServiceName::parse("github").unwrap();
            let some =
                Sheet::from_partial(&doc, &[odd.clone(), gh, odd.clone()], &opts, NOW).unwrap();
            assert_eq!(text_sheet(&some), render_text(&full, &opts, NOW));
            let one = Sheet::from_partial(&doc, std::slice::from_ref(&odd), &opts, NOW).unwrap();
            let mut just_odd = full.clone();
            just_odd.services.retain(|name, _| *name == odd);
            assert_eq!(text_sheet(&one), render_text(&just_odd, &opts, NOW));
            assert_eq!(one.summary.services, 1);
        }
        let nosuch = ServiceName::parse("nosuch").unwrap();
        assert!(matches!(
            Sheet::from_partial(&doc, &[nosuch], &SheetOptions::default(), NOW),
            Err(TakeError::Rule(_))
        ));
        // A service that does not decode is refused before any section is made.
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let damaged = text.replacen("\"added\":\"2026", "\"added\":\"20x6", 1);
        let doc = partial::decode_partial(&damaged).unwrap();
        assert!(matches!(
            Sheet::from_partial(&doc, &[], &SheetOptions::default(), NOW),
            Err(TakeError::Decode(_))
        ));
    }

    #[test]
    fn unused_only_leaves_used_codes_off() {
        let opts = SheetOptions {
            unused_only: true,
            ..SheetOptions::default()
        };
        let text = render_text(&vault(), &opts, NOW);
        assert!(!text.contains("aaaa-1111"));
        assert!(text.contains("[ ] bbbb-2222"));
        assert!(text.contains("3 unused codes (used codes left off)"));
    }

    #[test]
    fn pdf_text_transliterates_instead_of_question_marks() {
        assert_eq!(pdf_text("github/work"), "github/work");
        assert_eq!(pdf_text("café"), "café");
        assert_eq!(pdf_text("почта"), "pochta");
        assert_eq!(pdf_text("日本"), "Ri Ben");
        assert_eq!(pdf_text("mail.日本/x"), "mail.Ri Ben/x");
        assert_eq!(pdf_text("“quoted” — €5"), "“quoted” — €5");
        let key = pdf_text("key \u{1f511}");
        assert!(!key.contains('?') && key.len() > 4, "{key}");
        assert!(pdf_text("\u{10ffff}x").contains("\\u{10ffff}"));
        for s in ["почта", "日本", "🔑", "a\u{0301}", "\u{2028}"] {
            assert!(
                pdf_text(s).chars().all(|c| afm::win_ansi_byte(c).is_some()),
                "{s}"
            );
        }
    }
}
