//! Property tests for the recogniser: codes hidden in noise are found exactly, noise
//! alone is refused, arbitrary bytes never panic, and work grows linearly with input.

use std::time::{Duration, Instant};

use bcode::import::{MAX_INPUT_BYTES, recognise};
use bcode::services::lookup;
use proptest::prelude::*;

/// Lines that are never codes: titles, dates, addresses, numbers, secrets, QR art.
const NOISE: &[&str] = &[
    "Backup codes",
    "SAVE YOUR BACKUP CODES",
    "Keep these codes somewhere safe. Each code can be used only once.",
    "Generated: Mar 8, 2024",
    "2023. 10. 31. 오후 2:05",
    "Erstellt am 31.10.2023 um 14:05",
    "3/8/24, 20242:05 pm",
    "2024-03-08",
    "alice.smith1987@gmail.com",
    "Signed in as bob_1999",
    "https://example.com/settings/security?tab=2fa&id=12345",
    "Phone: +1 (555) 123-4567",
    "Support ticket #12345 · version v2.14.1",
    "Secret key: JBSW Y3DP EHPK 3PXP",
    "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example",
    "Enter the code from your app: 482915",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "█▀▀▀▀▀█ ▄▀▄█ █▀▀▀▀▀█",
    "▀▀▀▀▀▀▀ ▀ ▀▀ ▀▀▀▀▀▀▀",
    "9:41",
    "87%",
    "Page 1 of 1",
    "© 2024 Example, Inc. Terms Privacy Security Status",
    "",
];

/// A known format: service id, how one code is generated, how it is shown, and the
/// form stored with and without the profile.
#[derive(Debug, Clone, Copy)]
enum Format {
    GitHub,
    Google,
    GitLab,
    Discord,
    Keycloak,
    Microsoft,
}

impl Format {
    fn service(self) -> &'static str {
        match self {
            Format::GitHub => "github",
            Format::Google => "google",
            Format::GitLab => "gitlab",
            Format::Discord => "discord",
            Format::Keycloak => "keycloak",
            Format::Microsoft => "microsoft",
        }
    }

    fn count(self) -> std::ops::RangeInclusive<usize> {
        match self {
            Format::Microsoft => 1..=1,
            Format::GitHub => 14..=16,
            _ => 8..=12,
        }
    }

    fn code(self) -> BoxedStrategy<String> {
        match self {
            Format::GitHub => "[0-9a-f]{5}-[0-9a-f]{5}".boxed(),
            Format::Google => "[0-9]{8}".boxed(),
            Format::GitLab => "[0-9a-f]{16}".boxed(),
            Format::Discord => "[a-z0-9]{3}[0-9]-[a-z0-9]{4}".boxed(),
            Format::Keycloak => {
                "[A-HJ-NP-Z1-9]{3}[1-9]-[A-HJ-NP-Z1-9]{4}-[A-HJ-NP-Z1-9]{4}".boxed()
            }
            Format::Microsoft => {
                "[A-Z0-9]{4}[0-9]-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}".boxed()
            }
        }
    }

    /// How the code appears in the text.
    fn shown(self, code: &str) -> String {
        match self {
            Format::Google => format!("{} {}", &code[..4], &code[4..]),
            _ => code.to_string(),
        }
    }
}

fn format() -> impl Strategy<Value = Format> {
    prop_oneof![
        Just(Format::GitHub),
        Just(Format::Google),
        Just(Format::GitLab),
        Just(Format::Discord),
        Just(Format::Keycloak),
        Just(Format::Microsoft),
    ]
}

/// A set of distinct codes of one format.
fn code_set() -> impl Strategy<Value = (Format, Vec<String>)> {
    format().prop_flat_map(|f| {
        prop::collection::hash_set(f.code(), f.count())
            .prop_map(move |s| (f, s.into_iter().collect::<Vec<_>>()))
    })
}

fn noise_lines(max: usize) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(NOISE), 0..max)
}

/// How each code line is laid out.
fn layout() -> impl Strategy<Value = (u8, bool, bool)> {
    (0u8..5, any::<bool>(), any::<bool>())
}

fn render(
    shown: &[String],
    style: u8,
    crlf: bool,
    trailing: bool,
    before: &[&str],
    after: &[&str],
) -> String {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    for l in before {
        out.push_str(l);
        out.push_str(nl);
    }
    out.push_str(nl);
    for (i, c) in shown.iter().enumerate() {
        let line = match style {
            0 => c.clone(),
            1 => format!("{}. {c}", i + 1),
            2 => format!("- {c}"),
            3 => format!("  {:02}) {c}", i + 1),
            _ => format!("• `{c}`"),
        };
        out.push_str(&line);
        if trailing {
            out.push_str("  \t");
        }
        out.push_str(nl);
    }
    out.push_str(nl);
    for l in after {
        out.push_str(l);
        out.push_str(nl);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn codes_in_noise_are_found_exactly_with_the_profile(
        (f, codes) in code_set(),
        (style, crlf, trailing) in layout(),
        before in noise_lines(8),
        after in noise_lines(8),
    ) {
        let shown: Vec<String> = codes.iter().map(|c| f.shown(c)).collect();
        let text = render(&shown, style, crlf, trailing, &before, &after);
        let profile = lookup(f.service()).unwrap();
        let got = recognise(text.as_bytes(), Some(profile))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let want: Vec<String> = codes.iter().map(|c| profile.canonical(c)).collect();
        let have: Vec<String> = got.codes.iter().map(|c| c.code.clone()).collect();
        prop_assert_eq!(have, want, "{}", text);
        prop_assert!(got.codes.iter().all(|c| !c.used));
        for w in &got.warnings {
            prop_assert!(codes.iter().all(|c| !w.contains(c.as_str())));
        }
    }

    #[test]
    fn codes_in_noise_are_found_exactly_without_a_profile(
        (f, codes) in code_set(),
        (style, crlf, trailing) in layout(),
        before in noise_lines(8),
        after in noise_lines(8),
    ) {
        let shown: Vec<String> = codes.iter().map(|c| f.shown(c)).collect();
        let text = render(&shown, style, crlf, trailing, &before, &after);
        let got = recognise(text.as_bytes(), None)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let want: Vec<String> = shown.iter().map(|c| c.replace(' ', "")).collect();
        let have: Vec<String> = got.codes.iter().map(|c| c.code.clone()).collect();
        prop_assert_eq!(have, want, "{}", text);
    }

    #[test]
    fn used_marks_are_read(
        (f, codes) in code_set(),
        marks in prop::collection::vec(0u8..6, 16),
    ) {
        let mut text = String::from("My codes\n");
        let mut want = Vec::new();
        for (i, c) in codes.iter().enumerate() {
            let s = f.shown(c);
            let (line, used) = match marks[i % marks.len()] {
                0 => (format!("- [x] {s}"), true),
                1 => (format!("~~{s}~~"), true),
                2 => (format!("{s} (used)"), true),
                3 => (format!("{s} ✓"), true),
                4 => (format!("- [ ] {s}"), false),
                _ => (s.clone(), false),
            };
            text.push_str(&line);
            text.push('\n');
            want.push(used);
        }
        let profile = lookup(f.service()).unwrap();
        let got = recognise(text.as_bytes(), Some(profile))
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let have: Vec<bool> = got.codes.iter().map(|c| c.used).collect();
        prop_assert_eq!(have, want, "{}", text);
    }

    #[test]
    fn noise_alone_is_refused(lines in prop::collection::vec(prop::sample::select(NOISE), 0..40)) {
        let text = lines.join("\n");
        prop_assert!(recognise(text.as_bytes(), None).is_err(), "{}", text);
        let github = lookup("github").unwrap();
        prop_assert!(recognise(text.as_bytes(), Some(github)).is_err(), "{}", text);
    }

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        let _ = recognise(&bytes, None);
        let _ = recognise(&bytes, lookup("google"));
    }

    #[test]
    fn never_panics_on_arbitrary_text(text in "\\PC{0,2000}") {
        let _ = recognise(text.as_bytes(), None);
        let _ = recognise(text.as_bytes(), lookup("bitwarden"));
    }
}

/// A page of codes and chrome, repeated to the given size.
fn big_input(bytes: usize) -> Vec<u8> {
    let unit = "Recovery codes · Example\n1. abcde-12345\n2. 1234 5678\n~~ffff1-2222a~~ (used)\n\
        Generated 2024-03-08 by alice@example.com https://example.com/x?y=1 +1 (555) 123-4567\n\
        1234 5678 2345 6789 3456 7890 abcd efgh ijkl mnop\n█▀▀▀▀▀█ ▄▀▄█ 9:41 87%\n";
    let mut out = Vec::with_capacity(bytes + unit.len());
    while out.len() + unit.len() <= bytes {
        out.extend_from_slice(unit.as_bytes());
    }
    out
}

fn time(input: &[u8]) -> Duration {
    let start = Instant::now();
    let _ = recognise(input, None);
    let _ = recognise(input, lookup("github"));
    start.elapsed()
}

#[test]
fn work_grows_linearly_and_a_mebibyte_is_quick() {
    let small = big_input(MAX_INPUT_BYTES / 8);
    let large = big_input(MAX_INPUT_BYTES);
    let _ = time(&small); // warm up
    let t1 = time(&small);
    let t8 = time(&large);
    eprintln!("1/8 MiB: {t1:?}, 1 MiB: {t8:?} (two passes each)");
    // A ratio in one process, not a wall-clock limit: 8x the input may cost 20x (noise,
    // caches), never the 64x of quadratic work. Absolute speed is `cargo bench --bench import`.
    assert!(
        t8 <= t1 * 20 + Duration::from_millis(200),
        "8x input took {t8:?}, 1x took {t1:?}"
    );
}

#[test]
fn one_long_line_is_linear_too() {
    // One line with no newline at all, at 1/8 and at the whole limit: the same ratio rule.
    let line = |bytes: usize| "abcd ".repeat(bytes / 5 - 1);
    let (small, large) = (line(MAX_INPUT_BYTES / 8), line(MAX_INPUT_BYTES));
    let _ = time(small.as_bytes()); // warm up
    let t1 = time(small.as_bytes());
    let t8 = time(large.as_bytes());
    eprintln!("one line, 1/8 MiB: {t1:?}, 1 MiB: {t8:?}");
    assert!(
        t8 <= t1 * 20 + Duration::from_millis(200),
        "8x line took {t8:?}, 1x took {t1:?}"
    );
    // Digit groups on one line, for a service that expects them: it finishes, no panic.
    let many = "1234 5678 ".repeat(MAX_INPUT_BYTES / 10 - 1);
    let _ = recognise(many.as_bytes(), lookup("google"));
}

#[test]
fn over_a_mebibyte_is_refused() {
    let input = vec![b'a'; MAX_INPUT_BYTES + 1];
    assert_eq!(
        recognise(&input, None),
        Err(bcode::import::ImportError::TooLarge)
    );
}
