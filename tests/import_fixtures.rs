//! Runs every sample in tests/fixtures/import through the recogniser and reports every
//! mismatch at once.
//!
//! A sample is `SERVICE__name.EXT` (`unknown` for no known service) with its expected
//! result beside it in `SERVICE__name.expected`: one code per line (`used CODE` for one
//! the user marked used), or a single `error: no-codes|ambiguous|binary|too-large|
//! not-this-service` line. Optional header lines: `pick: newest` or `pick: N`.

use std::fs;
use std::path::{Path, PathBuf};

use bcode::import::{ImportError, ImportOptions, Pick, recognise_with};
use bcode::services::lookup;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn error_kind(e: &ImportError) -> &'static str {
    match e {
        ImportError::NoCodes => "no-codes",
        ImportError::Binary => "binary",
        ImportError::TooLarge => "too-large",
        ImportError::Ambiguous { .. } => "ambiguous",
        ImportError::NotThisService { .. } => "not-this-service",
        ImportError::PickOutOfRange { .. } => "pick-out-of-range",
        ImportError::TooMany { .. } => "too-many",
    }
}

struct Expected {
    pick: Option<Pick>,
    result: Result<Vec<String>, String>,
}

fn parse_expected(text: &str) -> Expected {
    let mut pick = None;
    let mut codes = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(p) = line.strip_prefix("pick:") {
            let p = p.trim();
            pick = Some(if p == "newest" {
                Pick::Newest
            } else {
                Pick::Set(p.parse().expect("pick: newest or a number"))
            });
        } else if let Some(e) = line.strip_prefix("error:") {
            return Expected {
                pick,
                result: Err(e.trim().to_string()),
            };
        } else {
            codes.push(line.to_string());
        }
    }
    Expected {
        pick,
        result: Ok(codes),
    }
}

#[test]
fn every_fixture_gives_its_expected_result() {
    let dir = fixture_dir();
    let mut inputs: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e != "expected"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 50, "only {} fixtures", inputs.len());
    let mut failures = Vec::new();
    for input in &inputs {
        let name = input.file_name().unwrap().to_string_lossy().to_string();
        let stem = input.file_stem().unwrap().to_string_lossy().to_string();
        let service = stem.split("__").next().unwrap_or("unknown");
        let profile = if service == "unknown" {
            None
        } else {
            Some(lookup(service).unwrap_or_else(|| panic!("{name}: unknown service {service}")))
        };
        let expected_path = input.with_extension("expected");
        let Ok(expected_text) = fs::read_to_string(&expected_path) else {
            failures.push(format!("{name}: no .expected file"));
            continue;
        };
        let expected = parse_expected(&expected_text);
        let bytes = fs::read(input).unwrap();
        let got = recognise_with(
            &bytes,
            &ImportOptions {
                profile,
                pick: expected.pick,
            },
        );
        // Secrets never leak into messages.
        let all_codes: Vec<String> = fs::read_to_string(&expected_path)
            .unwrap()
            .lines()
            .map(|l| l.trim().trim_start_matches("used ").to_string())
            .filter(|l| l.len() >= 6 && !l.contains(':'))
            .collect();
        let messages: Vec<String> = match &got {
            Ok(i) => i.warnings.clone(),
            Err(e) => vec![e.to_string()],
        };
        for m in &messages {
            if all_codes.iter().any(|c| m.contains(c.as_str())) {
                failures.push(format!("{name}: a message contains a code: {m}"));
            }
        }
        match (&expected.result, &got) {
            (Ok(want), Ok(imported)) => {
                let have: Vec<String> = imported
                    .codes
                    .iter()
                    .map(|c| {
                        if c.used {
                            format!("used {}", c.code)
                        } else {
                            c.code.clone()
                        }
                    })
                    .collect();
                if &have != want {
                    let missing: Vec<&String> = want.iter().filter(|w| !have.contains(w)).collect();
                    let extra: Vec<&String> = have.iter().filter(|h| !want.contains(h)).collect();
                    failures.push(format!(
                        "{name}: codes differ (want {}, got {}); missing {missing:?}; extra {extra:?}; warnings {:?}",
                        want.len(),
                        have.len(),
                        imported.warnings
                    ));
                }
            }
            (Ok(want), Err(e)) => {
                failures.push(format!("{name}: want {} codes, got error: {e}", want.len()));
            }
            (Err(kind), Ok(imported)) => failures.push(format!(
                "{name}: want error {kind}, got {} codes (first line {:?})",
                imported.codes.len(),
                imported.codes.first().map(|c| c.code.len())
            )),
            (Err(kind), Err(e)) => {
                if error_kind(e) != kind {
                    failures.push(format!(
                        "{name}: want error {kind}, got {}: {e}",
                        error_kind(e)
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}
