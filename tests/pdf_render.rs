//! Renders sheets to PDF and reads them back with poppler (`pdftotext`, `pdfinfo`), as a user would copy a code.
//!
//! Needs poppler-utils (`apt-get install poppler-utils`); the tests fail with
//! that message when it is missing.

use std::path::Path;
use std::process::Command;

use bcode::name::ServiceName;
use bcode::pdf::{Paper, SheetOptions, render_pdf};
use bcode::sheet::{Sheet, layout::layout};
use bcode::vault::{NewCode, SetKind, Timestamp, Vault};
use time::macros::datetime;

const ADDED: Timestamp = datetime!(2026-01-05 09:00 UTC);
const USED: Timestamp = datetime!(2026-02-01 10:00 UTC);
const NOW: Timestamp = datetime!(2026-03-01 12:00 UTC);

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[] })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{tool}` ({e}): these tests need poppler-utils \
                 (apt-get update && apt-get install -y poppler-utils)"
            )
        });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler writes UTF-8")
}

/// The PDF in a temporary file (kept alive by the returned handle).
fn pdf_file(vault: &Vault, opts: &SheetOptions) -> tempfile::NamedTempFile {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), render_pdf(vault, opts, NOW)).unwrap();
    file
}

fn text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", "-enc", "UTF-8"], pdf)
}

fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    poppler(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", "-f", &n, "-l", &n],
        pdf,
    )
}

fn pages(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo prints Pages:")
        .trim()
        .parse()
        .unwrap()
}

/// Deterministic made-up codes like GitHub's: `1a2b3-c4d5e`.
fn codes(seed: u64, n: usize, style: usize) -> Vec<NewCode> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let v = next();
            let code = match style % 3 {
                0 => format!("{:05x}-{:05x}", v & 0xfffff, (v >> 20) & 0xfffff),
                1 => format!("{:04} {:04}", v % 10_000, (v >> 16) % 10_000),
                _ => format!("{:08X}{:04X}", v & 0xffff_ffff, (v >> 32) & 0xffff),
            };
            NewCode { code, used: false }
        })
        .collect()
}

fn name(s: &str) -> ServiceName {
    ServiceName::parse(s).unwrap()
}

/// Three services; two codes of github and one of google used.
fn small_vault() -> Vault {
    let mut v = Vault::new();
    v.add(
        &name("github"),
        &codes(1, 16, 0),
        SetKind::Set,
        false,
        ADDED,
    )
    .unwrap();
    v.add(
        &name("google"),
        &codes(2, 10, 1),
        SetKind::Set,
        false,
        ADDED,
    )
    .unwrap();
    v.add(
        &name("example.org"),
        &codes(3, 8, 2),
        SetKind::Set,
        false,
        ADDED,
    )
    .unwrap();
    v.use_next(&name("github"), USED).unwrap();
    v.use_next(&name("github"), USED).unwrap();
    v.use_next(&name("google"), USED).unwrap();
    v
}

fn all_codes(v: &Vault) -> impl Iterator<Item = (&str, &bcode::vault::Code)> {
    v.services
        .iter()
        .flat_map(|(n, s)| s.codes.iter().map(move |c| (n.as_str(), c)))
}

#[test]
fn every_code_is_real_text_and_used_codes_are_marked() {
    let vault = small_vault();
    let file = pdf_file(&vault, &SheetOptions::default());
    let text = text(file.path());
    assert!(
        text.contains("Printed 2026-03-01 · 3 services · 34 codes, 31 unused"),
        "{text}"
    );
    assert!(text.contains("page 1 of 1"));
    assert!(text.contains("Each code works only once"));
    assert!(text.contains("https://github.com/settings/auth/recovery-codes"));
    for (service, code) in all_codes(&vault) {
        let line = text
            .lines()
            .find(|l| l.contains(&code.code))
            .unwrap_or_else(|| panic!("{service}: {} is not in the text:\n{text}", code.code));
        let after = line.split_once(&code.code).unwrap().1.trim_start();
        if code.used.is_some() {
            assert!(
                after.starts_with("used 2026-02-01"),
                "{service}: {} not marked used: {line:?}",
                code.code
            );
        } else {
            assert!(!after.starts_with("used"), "{line:?}");
        }
    }
}

#[test]
fn unused_only_leaves_used_codes_off_the_paper() {
    let vault = small_vault();
    let opts = SheetOptions {
        unused_only: true,
        ..SheetOptions::default()
    };
    let file = pdf_file(&vault, &opts);
    let text = text(file.path());
    for (_, code) in all_codes(&vault) {
        assert_eq!(
            text.contains(&code.code),
            code.used.is_none(),
            "{}",
            code.code
        );
    }
    assert!(!text.contains("used 2026"));
    assert!(text.contains("31 unused codes (used codes left off)"));
}

#[test]
fn a_large_vault_spans_pages_without_splitting_a_service() {
    let mut vault = Vault::new();
    let mut names = Vec::new();
    for i in 0..40 {
        let n = match i % 3 {
            0 => format!("svc{i:02}"),
            1 => format!("a-long-service-name-number-{i:02}.example.com/personal"),
            _ => format!("bank{i:02}.example"),
        };
        let codes = codes(100 + i, [16, 10, 8, 12][i as usize % 4], i as usize);
        vault
            .add(&name(&n), &codes, SetKind::Set, false, ADDED)
            .unwrap();
        if i % 5 == 0 {
            vault.use_next(&name(&n), USED).unwrap();
        }
        names.push(n);
    }
    let opts = SheetOptions::default();
    let file = pdf_file(&vault, &opts);
    let count = pages(file.path());
    let sheet = Sheet::new(&vault, &opts, NOW);
    let expected = layout(&sheet.summary, sheet.sections(), opts.paper)
        .pages
        .len();
    assert_eq!(count, expected);
    assert!(count >= 5, "{count} pages");

    let texts: Vec<String> = (1..=count).map(|p| page_text(file.path(), p)).collect();
    for (p, t) in texts.iter().enumerate() {
        assert!(
            t.contains(&format!("page {} of {count}", p + 1)),
            "page {}:\n{t}",
            p + 1
        );
    }
    for n in &names {
        let service = &vault.services[&name(n)];
        // The heading is a line of its own; exactly one page has it ...
        let on: Vec<usize> = texts
            .iter()
            .enumerate()
            .filter(|(_, t)| t.lines().any(|l| l.trim() == n))
            .map(|(p, _)| p)
            .collect();
        assert_eq!(on.len(), 1, "{n} heading on pages {on:?}");
        // ... and that page has every one of its codes.
        for code in &service.codes {
            assert!(
                texts[on[0]].contains(&code.code),
                "{n}: {} is not on page {} with its heading",
                code.code,
                on[0] + 1
            );
        }
    }
}

#[test]
fn names_in_other_scripts_are_transliterated_not_question_marks() {
    let mut vault = Vault::new();
    vault
        .add(&name("почта"), &codes(7, 4, 0), SetKind::Set, false, ADDED)
        .unwrap();
    vault
        .add(
            &name("日本/work"),
            &codes(8, 4, 1),
            SetKind::Set,
            false,
            ADDED,
        )
        .unwrap();
    vault
        .set_note(
            &name("почта"),
            Some("🔑 spare key\u{1b}[31m in the \u{202e}drawer".into()),
            ADDED,
        )
        .unwrap();
    let file = pdf_file(&vault, &SheetOptions::default());
    let text = text(file.path());
    assert!(text.lines().any(|l| l.trim() == "pochta"), "{text}");
    assert!(text.lines().any(|l| l.trim() == "Ri Ben/work"), "{text}");
    assert!(
        text.contains("spare key\\u{1b}[31m in the \\u{202e}drawer"),
        "{text}"
    );
    assert!(!text.contains('?'), "a character became '?':\n{text}");
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'));
}

#[test]
fn paper_sizes() {
    let vault = small_vault();
    let a4 = pdf_file(&vault, &SheetOptions::default());
    assert!(poppler("pdfinfo", &[], a4.path()).contains("pts (A4)"));
    let letter = pdf_file(
        &vault,
        &SheetOptions {
            paper: Paper::Letter,
            unused_only: false,
        },
    );
    assert!(poppler("pdfinfo", &[], letter.path()).contains("pts (letter)"));
}

#[test]
fn the_same_vault_and_day_give_the_same_bytes() {
    let vault = small_vault();
    let opts = SheetOptions::default();
    let a = render_pdf(&vault, &opts, NOW);
    let b = render_pdf(&vault.clone(), &opts, NOW);
    assert!(a.starts_with(b"%PDF-"));
    assert!(a == b, "two renders differ");
    let later = render_pdf(&vault, &opts, datetime!(2026-03-02 12:00 UTC));
    assert!(a != later, "the printed day is on the sheet");
}

/// The stress size of the benchmarks (its speed is `cargo bench --bench pdf`, not a timed
/// test): a thousand services, streamed a page at a time, still give every code on paper.
#[test]
fn a_thousand_services_put_every_code_on_paper() {
    let mut vault = Vault::new();
    for i in 0..1000u64 {
        vault
            .add(
                &name(&format!("service-{i:04}")),
                // Styles 0 and 2: codes without a space, one word each in the text.
                &codes(i, 16, (i as usize % 2) * 2),
                SetKind::Set,
                false,
                ADDED,
            )
            .unwrap();
    }
    let opts = SheetOptions::default();
    let file = pdf_file(&vault, &opts);
    let sheet = Sheet::new(&vault, &opts, NOW);
    let expected = layout(&sheet.summary, sheet.sections(), opts.paper)
        .pages
        .len();
    let count = pages(file.path());
    assert_eq!(count, expected);
    assert!(count > 100, "{count} pages");
    let all = text(file.path());
    assert!(all.contains(&format!("page {count} of {count}")));
    let words: std::collections::HashSet<&str> = all.split_whitespace().collect();
    for (service, code) in all_codes(&vault) {
        assert!(
            words.contains(code.code.as_str()),
            "{service}: a code is missing"
        );
    }
}
