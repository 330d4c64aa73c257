//! Text to lines of words: normalises characters, strips list markers, reads used marks.
//!
//! The result is a flat list of *atoms* (words that could be a code or a group of one:
//! ASCII letters and digits, with single inner dashes) and one `Line` per input line
//! saying what else stood there (prose, noise, labels, page chrome, dates).

use std::ops::Range;

/// The whitespace in front of an atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gap {
    /// First atom of its line.
    LineStart,
    /// Exactly one space: may be a display group separator (`1234 5678`).
    Space,
    /// More space, a tab, or another word in between: a column or field boundary.
    Wide,
}

/// A word that could be a code or one group of a code.
#[derive(Debug, Clone)]
pub(crate) struct Atom {
    /// Index into `Lexed::lines`.
    pub line: usize,
    /// ASCII letters and digits, with single inner dashes, as shown.
    pub text: String,
    pub gap: Gap,
    /// Nothing was stripped on this side, so it may join a neighbour (`1234 5678`).
    pub glue_left: bool,
    pub glue_right: bool,
    /// Struck through or marked used by the user.
    pub used: bool,
    /// A short number (1-2 digits, or list numbering): never a code or a group.
    pub tiny: bool,
    /// Ended in a dash that was stripped (a code wrapped after its dash).
    pub dangling_dash: bool,
    /// The list number in front of it (`6.` in `6. 1234 5678`).
    pub list_number: Option<u32>,
}

/// What else one input line held besides its atoms.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    /// The atoms of this line (indices into `Lexed::atoms`).
    pub atoms: Range<usize>,
    /// Words that are neither atoms, labels, marks nor markers (prose, URLs, times...).
    pub other: u32,
    /// Holds a word that makes numbers on it something else (secret, phone, order...).
    pub negative: bool,
    /// Looks like it holds a phone number.
    pub phoneish: bool,
    /// Names a code or key ("Recovery code:").
    pub label: bool,
    pub blank: bool,
    /// Page chrome: a page number, or the line after a form feed.
    pub page_marker: bool,
    /// A heading such as "Used:" that marks the codes below it used.
    pub used_header: bool,
    /// Any other heading, which ends a used section.
    pub heading: bool,
    /// A short "Used:" / "Unused codes" heading: splits nothing.
    pub status_heading: bool,
    /// Began with a bullet or list number.
    pub marker: bool,
    /// Has table or tab structure.
    pub tabular: bool,
    /// Has a run of two digits, so may hold a date (found on demand by [`Lexed::date`]).
    pub maybe_date: bool,
    /// -1 when the line calls something old, +1 when new.
    pub age_hint: i8,
}

/// The lexed text.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub atoms: Vec<Atom>,
    pub lines: Vec<Line>,
    /// Each line's normalised text, for reading dates when a set must be dated.
    pub texts: Vec<String>,
}

impl Lexed {
    /// The first date on line `l`, as yyyymmdd.
    pub fn date(&self, l: usize) -> Option<u32> {
        if !self.lines[l].maybe_date {
            return None;
        }
        let words: Vec<&str> = self.texts[l]
            .split([' ', '\t'])
            .filter(|w| !w.is_empty())
            .collect();
        find_date_in(&words)
    }
}

fn has_two_digits(t: &str) -> bool {
    t.as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_digit() && w[1].is_ascii_digit())
}

/// Splits text into normalised lines and lexes each.
pub(crate) fn lex(text: &str) -> Lexed {
    let mut lexed = Lexed::default();
    let mut line = String::new();
    let mut page_break = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' | '\x0b' | '\x0c' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                lex_line(&line, page_break, &mut lexed);
                line.clear();
                page_break = c == '\x0c';
            }
            _ => {
                if let Some(n) = normalise_char(c) {
                    line.push(n);
                }
            }
        }
    }
    if !line.is_empty() {
        lex_line(&line, page_break, &mut lexed);
    }
    lexed
}

/// Maps look-alike characters to the plain ones codes use; drops invisible ones.
fn normalise_char(c: char) -> Option<char> {
    Some(match c {
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' => {
            return None;
        }
        '\u{feff}' | '\u{ad}' | '\u{fe0e}' | '\u{fe0f}' | '\u{1a}' => return None,
        '\t' => '\t',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => '-',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        c if c.is_whitespace() => ' ',
        c if c.is_control() => ' ',
        c => c,
    })
}

const CHECKS: &[char] = &['✓', '✔', '☑', '✅', '☒', '✗', '✘', '❌', '🗸', '✕', '✖'];
const BULLETS: &[&str] = &[
    "-", "*", "+", "•", "·", "◦", "▪", "▫", "‣", "●", "○", "■", "□", "▶", "►", "→", ">", "–", "—",
    "☐", "[", "]", "[]", "#", "|", "o", "O",
];
const USED_WORDS: &[&str] = &[
    "used",
    "usado",
    "usada",
    "utilisé",
    "utilisée",
    "utilise",
    "verwendet",
    "benutzt",
    "gebraucht",
    "eingelöst",
    "spent",
    "burned",
    "burnt",
    "redeemed",
    "consumed",
    "gebruikt",
    "usato",
    "utilizzato",
    "utilizado",
    "использован",
    "использовано",
    "使用済み",
    "使用済",
    "已使用",
];
const NEGATIONS: &[&str] = &["not", "un", "nicht", "never", "non", "no", "noch"];
const UNUSED_WORDS: &[&str] = &[
    "unused",
    "unbenutzt",
    "available",
    "remaining",
    "fresh",
    "valid",
    "left",
    "open",
];
/// Words that make a line's numbers something other than backup codes.
const NEGATIVE_WORDS: &[&str] = &[
    "secret",
    "setup",
    "totp",
    "phone",
    "tel",
    "telephone",
    "mobile",
    "fax",
    "order",
    "invoice",
    "ticket",
    "version",
    "ver",
    "build",
    "serial",
    "commit",
    "hash",
    "sha",
    "sha1",
    "sha256",
    "md5",
    "checksum",
    "iban",
    "customer",
    "reference",
    "ref",
    "tracking",
    "password",
    "passwort",
    "username",
    "uuid",
    "pin",
    "zip",
    "generated",
    "created",
    "printed",
    "date",
    "updated",
    "expires",
    "expiry",
    "datum",
    "fecha",
    "otpauth",
    "issuer",
    "isbn",
    "vat",
];
/// Words that name what follows as a code; neither prose nor a group of a code.
const LABEL_WORDS: &[&str] = &[
    "code",
    "codes",
    "key",
    "keys",
    "backup",
    "recovery",
    "kod",
    "kody",
    "código",
    "códigos",
    "codigo",
    "codigos",
    "clé",
    "clés",
    "cle",
    "schlüssel",
    "wiederherstellungscode",
    "wiederherstellungscodes",
    "sicherungscode",
    "sicherungscodes",
    "backupcode",
    "backupcodes",
    "recoverycode",
    "recoverycodes",
    "notfallcode",
    "codice",
    "codici",
];
/// Short common words that are prose even though they are lowercase letters.
const STOP_WORDS: &[&str] = &[
    "the", "and", "you", "your", "for", "use", "can", "are", "was", "with", "this", "that",
    "these", "those", "only", "once", "each", "keep", "safe", "from", "into", "will", "have",
    "has", "not", "new", "old", "here", "save", "print", "copy", "them", "they", "any", "all",
    "one", "two", "our", "its", "get", "see", "more", "less", "than", "then", "also", "but",
    "please", "sign", "log", "via", "per", "der", "die", "das", "und", "les", "des", "une", "mit",
    "für", "ist", "sind", "los", "las", "con", "para", "codes", "code",
];
const OLD_WORDS: &[&str] = &[
    "old",
    "older",
    "previous",
    "expired",
    "revoked",
    "replaced",
    "outdated",
    "alt",
    "alte",
    "alter",
    "ancien",
    "anciens",
    "former",
    "obsolete",
    "invalid",
    "superseded",
];
const NEW_WORDS: &[&str] = &[
    "new",
    "newer",
    "newest",
    "current",
    "latest",
    "neu",
    "neue",
    "aktuell",
    "aktuelle",
    "nouveau",
    "nouveaux",
    "regenerated",
    "active",
];

/// What a lowercase word means to the recogniser (bit flags).
mod kind {
    pub const USED: u16 = 1;
    pub const NEGATION: u16 = 2;
    pub const UNUSED: u16 = 4;
    pub const NEGATIVE: u16 = 8;
    pub const LABEL: u16 = 16;
    pub const STOP: u16 = 32;
    pub const OLD: u16 = 64;
    pub const NEW: u16 = 128;
}

/// All word lists in one table, built once: one lookup per word instead of a scan.
fn word_kind(lower: &str) -> u16 {
    static TABLE: std::sync::LazyLock<std::collections::HashMap<&'static str, u16>> =
        std::sync::LazyLock::new(|| {
            let mut t = std::collections::HashMap::new();
            for (list, flag) in [
                (USED_WORDS, kind::USED),
                (NEGATIONS, kind::NEGATION),
                (UNUSED_WORDS, kind::UNUSED),
                (NEGATIVE_WORDS, kind::NEGATIVE),
                (LABEL_WORDS, kind::LABEL),
                (STOP_WORDS, kind::STOP),
                (OLD_WORDS, kind::OLD),
                (NEW_WORDS, kind::NEW),
            ] {
                for w in list {
                    *t.entry(*w).or_insert(0) |= flag;
                }
            }
            t
        });
    if lower.len() > 32 {
        return 0;
    }
    TABLE.get(lower).copied().unwrap_or(0)
}

/// One whitespace-separated piece of a line, before classification.
struct Raw {
    text: String,
    struck: bool,
    /// Whitespace before it, in columns (a tab counts as wide).
    gap: usize,
}

fn lex_line(line: &str, page_break: bool, out: &mut Lexed) {
    let index = out.lines.len();
    let start = out.atoms.len();
    out.texts.push(line.to_string());
    let mut info = Line {
        page_marker: page_break,
        ..Line::default()
    };
    let raws = split_raw(line);
    info.blank = raws.is_empty();
    info.tabular = line.contains('\t') || line.contains('|');
    info.page_marker |= is_page_marker(&raws);
    info.maybe_date = raws.iter().any(|r| has_two_digits(&r.text));

    // Classify every piece; marks attach to the nearest atom.
    let mut next_gap = Gap::LineStart;
    let mut first_content = true;
    let mut used_words = 0usize;
    let mut unused_words = 0usize;
    // After "used" following a code, the rest of the line is the user's note about it.
    let mut commentary = false;
    let mut words = 0usize;
    let mut prev_negation = false;
    // A mark seen but not yet attached: (atom before it, whitespace before the mark).
    let mut pending: Option<(Option<usize>, usize)> = None;
    let mut leading_mark = false;
    let mut last_atom: Option<usize> = None;
    let mut list_number: Option<u32> = None;

    let mut pieces: Vec<(&str, bool, usize)> = Vec::new();
    for raw in &raws {
        split_fields(raw, &mut pieces);
    }
    for (n, &(piece, struck, gap)) in pieces.iter().enumerate() {
        words += 1;
        // Marks made of check characters, possibly glued to a word.
        let ascii = piece.is_ascii();
        let is_check = |c: char| !c.is_ascii() && CHECKS.contains(&c);
        let trimmed_checks = if ascii {
            piece
        } else {
            piece.trim_matches(is_check)
        };
        let lead_check = !ascii && piece.starts_with(is_check);
        let trail_check = !ascii && piece.ends_with(is_check);
        if trimmed_checks.is_empty() || (piece.len() <= 4 && is_checkbox(piece)) {
            if is_checkbox(piece) || first_content {
                leading_mark = true;
            } else {
                pending = Some((last_atom, gap));
            }
            next_gap = Gap::Wide;
            continue;
        }
        if lead_check {
            leading_mark = true;
        }
        let piece = trimmed_checks;
        let bullet = piece.len() <= 3 && BULLETS.contains(&piece);
        if bullet || piece.chars().all(|c| !c.is_alphanumeric()) {
            if first_content && bullet {
                info.marker = true;
            } else if !bullet {
                info.other += u32::from(piece.chars().count() > 1);
            }
            next_gap = Gap::Wide;
            if trail_check {
                pending = Some((last_atom, gap));
            }
            continue;
        }
        let hash_number = piece.strip_prefix('#').is_some_and(|d| {
            let d = d.trim_end_matches(['.', ':', ')']);
            (1..=3).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())
        });
        if hash_number {
            info.marker |= first_content;
            list_number = piece[1..].trim_end_matches(['.', ':', ')']).parse().ok();
            next_gap = Gap::Wide;
            continue;
        }
        let (core, glue_left, glue_right, trail) = strip_wrapping(piece);
        // No listed word has a digit or is long: codes skip the lookup.
        let kinds = if core.len() > 40 || core.bytes().any(|b| b.is_ascii_digit()) {
            0
        } else if core.is_ascii() {
            word_kind(&core.to_ascii_lowercase())
        } else {
            word_kind(&core.to_lowercase())
        };
        let negated = prev_negation;
        prev_negation = kinds & kind::NEGATION != 0;
        if kinds & kind::USED != 0 && negated {
            next_gap = Gap::Wide;
            continue;
        }
        if kinds & kind::USED != 0 {
            used_words += 1;
            commentary = last_atom.is_some();
            if first_content {
                leading_mark = true;
            } else {
                pending = Some((last_atom, gap));
            }
            next_gap = Gap::Wide;
            continue;
        }
        if first_content && (piece == "x" || piece == "X") && pieces.len() > n + 1 {
            leading_mark = true;
            next_gap = Gap::Wide;
            continue;
        }
        if piece.starts_with('+') && piece[1..].starts_with(|c: char| c.is_ascii_digit())
            || is_paren_area_code(piece)
        {
            info.phoneish = true;
        }
        if kinds & kind::NEGATIVE != 0
            || core.len() > 6
                && (core.contains("secret") || core.contains("otpauth") || core.contains("Secret"))
        {
            info.negative = true;
        }
        if kinds & kind::OLD != 0 {
            info.age_hint = -1;
        } else if kinds & kind::NEW != 0 && info.age_hint == 0 {
            info.age_hint = 1;
        }
        if kinds & kind::UNUSED != 0 {
            info.heading = true;
            unused_words += 1;
        }
        if kinds & kind::LABEL != 0 {
            info.label = true;
            next_gap = Gap::Wide;
            continue;
        }
        if !is_atom_text(core) || is_prose_word(core, kinds) {
            if core.chars().any(char::is_alphanumeric) && !commentary {
                info.other += 1;
            }
            next_gap = Gap::Wide;
            if trail_check {
                pending = Some((last_atom, gap));
            }
            first_content = false;
            continue;
        }
        // An atom.
        let numbering = core.len() <= 3
            && core.bytes().all(|b| b.is_ascii_digit())
            && matches!(trail, Some('.' | ')' | ':' | ']'))
            && (first_content || next_gap == Gap::Wide || gap >= 2);
        let code_like = core.bytes().any(|b| b.is_ascii_digit())
            && core.bytes().any(|b| b.is_ascii_alphabetic())
            && core.len() >= 5
            || core.len() >= 6 && core.bytes().all(|b| b.is_ascii_digit());
        let tiny = numbering
            || (core.len() <= 2 && core.bytes().all(|b| b.is_ascii_digit()))
            || (commentary && !code_like);
        if numbering && first_content {
            info.marker = true;
        }
        let (text, dangling_dash) = match core.strip_suffix('-') {
            Some(t) => (t.trim_start_matches('-').to_string(), true),
            None => (core.trim_start_matches('-').to_string(), false),
        };
        let glue_left = glue_left && !core.starts_with('-');
        let this_gap = match next_gap {
            Gap::LineStart => Gap::LineStart,
            Gap::Wide => Gap::Wide,
            Gap::Space if gap == 1 => Gap::Space,
            Gap::Space => Gap::Wide,
        };
        let idx = out.atoms.len();
        let mut used = struck || (leading_mark && !tiny);
        if !tiny {
            leading_mark = false;
        }
        if let Some((before, mark_gap)) = pending.take() {
            match before {
                Some(b) if !out.atoms[b].tiny && mark_gap <= gap.max(1) => out.atoms[b].used = true,
                Some(b) if tiny => out.atoms[b].used = true,
                _ => used = true,
            }
        }
        out.atoms.push(Atom {
            line: index,
            text,
            gap: this_gap,
            glue_left,
            glue_right: glue_right && !dangling_dash,
            used,
            tiny,
            dangling_dash,
            list_number: if tiny { None } else { list_number.take() },
        });
        if numbering {
            list_number = core.parse().ok();
        }
        if !tiny {
            last_atom = Some(idx);
            first_content = false;
        }
        next_gap = if glue_right && trail.is_none() {
            Gap::Space
        } else {
            Gap::Wide
        };
        if trail_check {
            pending = Some((last_atom, 0));
            next_gap = Gap::Wide;
        }
    }
    if let Some((Some(before), _)) = pending {
        out.atoms[before].used = true;
    }
    let non_tiny = out.atoms[start..].iter().filter(|a| !a.tiny).count();
    if non_tiny == 0 && used_words > 0 && words <= 4 && !info.tabular {
        info.used_header = true;
    }
    if non_tiny == 0 && !info.blank && !info.page_marker && !info.used_header {
        info.heading = true;
    }
    info.status_heading = non_tiny == 0 && words <= 4 && (used_words + unused_words) > 0;
    info.atoms = start..out.atoms.len();
    out.lines.push(info);
}

/// Splits a line on whitespace, turning strike-through markup (`~~x~~`, `<s>`,
/// `<del>`, combining long stroke) into a flag on each piece and dropping HTML tags.
fn split_raw(line: &str) -> Vec<Raw> {
    let plain = !line
        .chars()
        .any(|c| c == '~' || c == '<' || ('\u{0300}'..='\u{036f}').contains(&c));
    if plain {
        let mut raws = Vec::new();
        let mut gap = 0usize;
        let mut start = None;
        for (i, c) in line.char_indices() {
            if c == ' ' || c == '\t' {
                if let Some(s) = start.take() {
                    raws.push(Raw {
                        text: line[s..i].to_string(),
                        struck: false,
                        gap,
                    });
                    gap = 0;
                }
                gap += if c == '\t' { 4 } else { 1 };
            } else if start.is_none() {
                start = Some(i);
            }
        }
        if let Some(s) = start {
            raws.push(Raw {
                text: line[s..].to_string(),
                struck: false,
                gap,
            });
        }
        return raws;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut cells: Vec<(char, bool)> = Vec::with_capacity(chars.len());
    let mut struck = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '~' {
            let mut j = i;
            while j < chars.len() && chars[j] == '~' {
                j += 1;
            }
            let before = i.checked_sub(1).map(|k| chars[k]);
            let after = chars.get(j).copied();
            let edge = |x: Option<char>| x.is_none_or(|c| c == ' ' || c == '\t');
            let word = |x: Option<char>| x.is_some_and(char::is_alphanumeric);
            if j - i >= 2 || (edge(before) && word(after)) || (word(before) && edge(after)) {
                struck = !struck;
                i = j;
                continue;
            }
        }
        if c == '<'
            && let Some((len, name, closing)) = html_tag(&chars[i..])
        {
            if matches!(name.as_str(), "s" | "del" | "strike") {
                struck = !closing;
            }
            cells.push((' ', false));
            i += len;
            continue;
        }
        if matches!(c, '\u{0334}'..='\u{0338}') {
            if let Some(last) = cells.last_mut() {
                last.1 = true;
            }
            i += 1;
            continue;
        }
        if matches!(c, '\u{0300}'..='\u{036f}') {
            i += 1;
            continue;
        }
        cells.push((c, struck));
        i += 1;
    }
    let mut raws = Vec::new();
    let mut gap = 0usize;
    let mut current: Option<Raw> = None;
    for (c, s) in cells {
        if c == ' ' || c == '\t' {
            if let Some(r) = current.take() {
                raws.push(r);
                gap = 0;
            }
            gap += if c == '\t' { 4 } else { 1 };
        } else {
            let r = current.get_or_insert_with(|| Raw {
                text: String::new(),
                struck: false,
                gap,
            });
            r.text.push(c);
            r.struck |= s;
        }
    }
    if let Some(r) = current {
        raws.push(r);
    }
    raws
}

/// An HTML tag at the start of `chars`: its length, lowercase name and whether it closes.
fn html_tag(chars: &[char]) -> Option<(usize, String, bool)> {
    let mut i = 1;
    let closing = chars.get(i) == Some(&'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < chars.len() && chars[i].is_ascii_alphanumeric() && i - name_start < 10 {
        i += 1;
    }
    if i == name_start || !chars[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name: String = chars[name_start..i]
        .iter()
        .collect::<String>()
        .to_lowercase();
    // Attributes, up to a bounded length.
    let limit = (i + 200).min(chars.len());
    while i < limit && chars[i] != '>' && chars[i] != '<' {
        i += 1;
    }
    if chars.get(i) != Some(&'>') {
        return None;
    }
    const TAGS: &[&str] = &[
        "s", "del", "strike", "li", "ul", "ol", "td", "tr", "th", "table", "tbody", "p", "br",
        "div", "span", "b", "i", "u", "em", "strong", "code", "pre", "tt", "kbd", "mark", "h1",
        "h2", "h3", "h4", "font", "small", "big", "sup", "sub", "hr", "ins", "label", "a",
    ];
    TAGS.contains(&name.as_str())
        .then_some((i + 1, name, closing))
}

/// Splits a piece on field separators (`,` `;` `|` `=` quotes) unless it is a URL or an
/// address, which stay whole (and are then noise).
fn split_fields<'a>(raw: &'a Raw, out: &mut Vec<(&'a str, bool, usize)>) {
    let t = &raw.text;
    let url = t.bytes().any(|b| b == b':' || b == b'@' || b == b'.')
        && (t.contains("://") || t.contains('@') || t.to_ascii_lowercase().starts_with("www."));
    if url {
        out.push((t.as_str(), raw.struck, raw.gap));
        return;
    }
    // Separators become pieces of their own, so they still part what they stood between.
    let mut gap = raw.gap;
    let mut start = 0;
    for (i, c) in t.char_indices() {
        if matches!(
            c,
            ',' | ';' | '|' | '=' | '"' | '“' | '”' | '„' | '«' | '»' | '：'
        ) {
            if i > start {
                out.push((&t[start..i], raw.struck, gap));
                gap = 0;
            }
            out.push((",", false, gap));
            gap = 0;
            start = i + c.len_utf8();
        }
    }
    if start < t.len() {
        out.push((&t[start..], raw.struck, gap));
    }
}

fn is_checkbox(piece: &str) -> bool {
    matches!(
        piece,
        "[x]" | "[X]" | "(x)" | "(X)" | "[✓]" | "[✔]" | "[v]" | "[V]" | "☑" | "☒" | "✅"
    )
}

fn is_paren_area_code(piece: &str) -> bool {
    let inner = piece.strip_prefix('(').and_then(|p| p.strip_suffix(')'));
    inner.is_some_and(|d| (2..=4).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Strips wrapping punctuation. Returns the core, whether each side was left untouched,
/// and the last character stripped on the right.
fn strip_wrapping(piece: &str) -> (&str, bool, bool, Option<char>) {
    let left_punct = |c: char| {
        matches!(
            c,
            '(' | '['
                | '{'
                | '\''
                | '`'
                | '*'
                | '_'
                | '<'
                | '«'
                | '‘'
                | '’'
                | '"'
                | '“'
                | '>'
                | '¡'
                | '¿'
        )
    };
    let right_punct = |c: char| {
        matches!(
            c,
            ')' | ']'
                | '}'
                | '\''
                | '`'
                | '*'
                | '_'
                | '.'
                | ','
                | ':'
                | ';'
                | '!'
                | '?'
                | '»'
                | '’'
                | '"'
                | '”'
                | '>'
                | '…'
        )
    };
    let left = piece.trim_start_matches(left_punct);
    let core = left.trim_end_matches(right_punct);
    let trail = left[core.len()..].chars().next();
    (
        core,
        left.len() == piece.len(),
        core.len() == left.len(),
        trail,
    )
}

/// ASCII letters and digits with single dashes inside (leading/trailing dash allowed,
/// stripped by the caller).
fn is_atom_text(core: &str) -> bool {
    let b = core.as_bytes();
    if b.is_empty() {
        return false;
    }
    let (start, end) = (
        usize::from(b[0] == b'-'),
        b.len() - usize::from(b[b.len() - 1] == b'-'),
    );
    if start >= end {
        return false;
    }
    let mut prev_dash = true;
    for &c in &b[start..end] {
        if c == b'-' {
            if prev_dash {
                return false;
            }
            prev_dash = true;
        } else if c.is_ascii_alphanumeric() {
            prev_dash = false;
        } else {
            return false;
        }
    }
    !prev_dash
}

/// Words that are plainly prose: capitalised words, common short words.
fn is_prose_word(core: &str, kinds: u16) -> bool {
    if core.contains('-') || core.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut chars = core.chars();
    let first_upper = chars.next().is_some_and(|c| c.is_ascii_uppercase());
    let rest_lower = chars.clone().all(|c| c.is_ascii_lowercase());
    (first_upper && rest_lower && core.len() >= 2) || kinds & kind::STOP != 0
}

/// A page number, "Page 2 of 3", or a print footer ending in "1/2".
fn is_page_marker(raws: &[Raw]) -> bool {
    let fraction = |t: &str| {
        t.split_once('/').is_some_and(|(a, b)| {
            let ok =
                |s: &str| !s.is_empty() && s.len() <= 3 && s.bytes().all(|c| c.is_ascii_digit());
            ok(a) && ok(b) && a.parse::<u32>().ok() <= b.parse::<u32>().ok() && a != "0"
        })
    };
    if raws.len() <= 12 && raws.last().is_some_and(|r| fraction(&r.text)) {
        return true;
    }
    if raws.is_empty()
        || raws.len() > 5
        || !raws
            .iter()
            .any(|r| r.text.bytes().any(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let texts: Vec<String> = raws.iter().map(|r| r.text.to_lowercase()).collect();
    let joined = texts.join(" ");
    let trimmed = joined.trim_matches(|c: char| c == '-' || c == ' ' || c == '–');
    if !trimmed.is_empty() && trimmed.len() <= 3 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    texts.iter().enumerate().any(|(i, t)| {
        let page_word = matches!(
            t.trim_end_matches([':', '.']),
            "page" | "seite" | "página" | "pagina" | "p" | "pg" | "страница" | "sida"
        );
        page_word
            && texts
                .get(i + 1)
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()) || fraction(n))
    })
}

const MONTHS: &[(&str, u32)] = &[
    ("jan", 1),
    ("feb", 2),
    ("mar", 3),
    ("mär", 3),
    ("apr", 4),
    ("may", 5),
    ("mai", 5),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("oct", 10),
    ("okt", 10),
    ("nov", 11),
    ("dec", 12),
    ("dez", 12),
    ("janv", 1),
    ("févr", 2),
    ("avr", 4),
    ("juin", 6),
    ("juil", 7),
    ("août", 8),
    ("déc", 12),
    ("ene", 1),
    ("abr", 4),
    ("ago", 8),
    ("dic", 12),
    ("gen", 1),
    ("mag", 5),
    ("giu", 6),
    ("lug", 7),
    ("set", 9),
    ("ott", 10),
];

fn month_of(word: &str) -> Option<u32> {
    if !(3..=12).contains(&word.len()) || !word.starts_with(|c: char| c.is_alphabetic()) {
        return None;
    }
    let w = word.trim_end_matches(['.', ',']).to_lowercase();
    if w.chars().count() < 3 || !w.chars().all(char::is_alphabetic) {
        return None;
    }
    MONTHS
        .iter()
        .filter(|(p, _)| w.starts_with(p))
        .max_by_key(|(p, _)| p.len())
        .map(|&(_, m)| m)
}

fn number(s: &str) -> Option<u32> {
    let s = s
        .trim_end_matches(['.', ',', ')', ':'])
        .trim_start_matches('(');
    let s = ["st", "nd", "rd", "th"]
        .iter()
        .find_map(|x| s.strip_suffix(x))
        .unwrap_or(s);
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn ymd(y: u32, m: u32, d: u32) -> Option<u32> {
    let y = if y < 100 { 2000 + y } else { y };
    ((1970..=2199).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then_some(y * 10000 + m * 100 + d)
}

/// The first date on a line, as yyyymmdd: ISO, d.m.y, m/d/y, "2023. 10. 31.",
/// "Mar 8, 2024", "8 March 2024".
pub(crate) fn find_date_in(words: &[&str]) -> Option<u32> {
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        for sep in ['-', '.', '/'] {
            let parts: Vec<&str> = w.split(sep).collect();
            if parts.len() == 3 && parts.iter().all(|p| number(p).is_some()) {
                let n: Vec<u32> = parts.iter().filter_map(|p| number(p)).collect();
                let found = if parts[0].len() == 4 {
                    ymd(n[0], n[1], n[2])
                } else if sep == '/' {
                    ymd(n[2], n[0], n[1]).or_else(|| ymd(n[2], n[1], n[0]))
                } else {
                    ymd(n[2], n[1], n[0])
                };
                if found.is_some() {
                    return found;
                }
            }
        }
        if let Some(m) = month_of(w) {
            let near = |k: Option<usize>| k.and_then(|k| words.get(k)).and_then(|x| number(x));
            let before = near(i.checked_sub(1));
            let after = near(Some(i + 1));
            let after2 = near(Some(i + 2));
            if let (Some(d), Some(y)) = (after, after2)
                && y >= 1000
                && let Some(v) = ymd(y, m, d)
            {
                return Some(v);
            }
            if let (Some(d), Some(y)) = (before, after)
                && y >= 1000
                && let Some(v) = ymd(y, m, d)
            {
                return Some(v);
            }
        }
        if words.len() >= i + 3 {
            let y = number(words[i]);
            if words[i].ends_with('.') && y.is_some_and(|y| y >= 1970) {
                let m = number(words[i + 1]);
                let d = number(words[i + 2]);
                if let (Some(y), Some(m), Some(d)) = (y, m, d)
                    && let Some(v) = ymd(y, m, d)
                {
                    return Some(v);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(text: &str) -> Vec<(String, bool)> {
        lex(text)
            .atoms
            .into_iter()
            .filter(|a| !a.tiny)
            .map(|a| (a.text, a.used))
            .collect()
    }

    #[test]
    fn strips_markers_and_reads_marks() {
        let a = atoms(
            "1. abcde-12345 ✓\n- [x] bbbbb-22222\n* ~~ccccc-33333~~\n04) ddddd-44444 (used)\nx eeeee-55555\n",
        );
        let used: Vec<bool> = a.iter().map(|x| x.1).collect();
        assert_eq!(used, [true, true, true, true, true]);
        let a = atoms("1) abcde-12345\n2) <del>bbbbb-22222</del>\n3) not used ccccc-33333");
        assert_eq!(
            a.iter().map(|x| x.1).collect::<Vec<_>>(),
            [false, true, false]
        );
    }

    #[test]
    fn marks_attach_to_the_nearest_code_in_columns() {
        let a = atoms("aaaaa-11111 ✓    bbbbb-22222\n✓ ccccc-33333    ddddd-44444");
        assert_eq!(
            a.iter().map(|x| x.1).collect::<Vec<_>>(),
            [true, false, true, false]
        );
    }

    #[test]
    fn combining_strike_marks_used() {
        let a = atoms("a\u{336}b\u{336}c\u{336}d\u{336}1\u{336}2\u{336}3\u{336}4\u{336}");
        assert_eq!(a, [("abcd1234".to_string(), true)]);
    }

    #[test]
    fn finds_dates() {
        let d = |s: &str| find_date_in(&s.split_whitespace().collect::<Vec<_>>());
        assert_eq!(d("Generated 2024-03-08"), Some(20240308));
        assert_eq!(d("am 31.10.2023 erstellt"), Some(20231031));
        assert_eq!(d("2023. 10. 31."), Some(20231031));
        assert_eq!(d("Mar 8, 2024"), Some(20240308));
        assert_eq!(d("8 March 2024"), Some(20240308));
        assert_eq!(d("3/8/24, 2:05 PM"), Some(20240308));
        assert_eq!(d("no date here 12345"), None);
    }

    #[test]
    fn page_markers() {
        let m = |s: &str| lex(s).lines[0].page_marker;
        assert!(m("https://github.com/settings/auth/recovery-codes 1/2"));
        assert!(m("Page 2 of 3"));
        assert!(m("- 2 -"));
        assert!(!m("abcde-12345"));
    }
}
