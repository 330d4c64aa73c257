//! The checked-in man pages and completion scripts match what the code generates, and man renders them cleanly.

use std::path::{Path, PathBuf};
use std::process::Command;

const UPDATE_VAR: &str = "BCODE_UPDATE_GENERATED";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every generated file: path under the repository, expected content.
fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for (name, text) in bcode::manpage::pages() {
        files.push((PathBuf::from("man").join(name), text.into_bytes()));
    }
    for (shell, name) in [
        (clap_complete::Shell::Bash, "bcode.bash"),
        (clap_complete::Shell::Zsh, "_bcode"),
        (clap_complete::Shell::Fish, "bcode.fish"),
        (clap_complete::Shell::Elvish, "bcode.elv"),
        (clap_complete::Shell::PowerShell, "_bcode.ps1"),
    ] {
        let script = bcode::complete::registration_script(shell).unwrap();
        files.push((PathBuf::from("completions").join(name), script));
    }
    files
}

#[test]
fn checked_in_man_pages_and_completions_match_the_code() {
    let update = std::env::var_os(UPDATE_VAR).is_some();
    let mut stale = Vec::new();
    for (rel, want) in generated() {
        let path = root().join(&rel);
        let have = std::fs::read(&path).unwrap_or_default();
        if have != want {
            if update {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &want).unwrap();
            } else {
                stale.push(rel.display().to_string());
            }
        }
    }
    // No stray pages for commands that no longer exist.
    let expected: Vec<PathBuf> = generated().into_iter().map(|(p, _)| p).collect();
    for dir in ["man", "completions"] {
        for entry in std::fs::read_dir(root().join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let rel = Path::new(dir).join(entry.file_name());
            if !expected.contains(&rel) {
                stale.push(format!("{} (no longer generated)", rel.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files are out of date: {stale:?}\nregenerate with: {UPDATE_VAR}=1 cargo test --test generated"
    );
}

#[test]
fn every_subcommand_has_a_man_page_with_examples() {
    let pages = bcode::manpage::pages();
    let top = &pages[0].1;
    for section in [
        "EXAMPLES",
        "ENVIRONMENT",
        "FILES",
        "EXIT STATUS",
        "BCODE_PASSPHRASE_FILE",
        "vault.age",
    ] {
        assert!(top.contains(section), "bcode.1 lacks {section}");
    }
    for name in [
        "add",
        "use",
        "unuse",
        "list",
        "show",
        "check",
        "remove",
        "rename",
        "init",
        "print",
        "passwd",
        "restore",
        "completions",
        "set",
    ] {
        let page = pages
            .iter()
            .find(|(n, _)| *n == format!("bcode-{name}.1"))
            .unwrap_or_else(|| panic!("no page for {name}"));
        assert!(
            page.1.contains(".SH EXAMPLES"),
            "bcode-{name}.1 lacks examples"
        );
    }
}

#[test]
fn man_pages_render_without_warnings() {
    let pages: Vec<PathBuf> = std::fs::read_dir(root().join("man"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert!(pages.len() > 10);
    let out = Command::new("mandoc")
        .args(["-Tlint", "-W", "warning"])
        .args(&pages)
        .output()
        .expect("mandoc is installed (.ci/run installs it)");
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && report.trim().is_empty(),
        "mandoc -Tlint:\n{report}"
    );
    let out = Command::new("mandoc")
        .args(["-Tascii", "-Owidth=100"])
        .arg(root().join("man/bcode.1"))
        .output()
        .unwrap();
    // Strip the overstrike used for bold ("B\x08B") to read the plain text.
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let plain: String = text
        .split('\u{8}')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                &part[part.char_indices().nth(1).map_or(part.len(), |(j, _)| j)..]
            }
        })
        .collect();
    let plain = plain.replace("_", "");
    for word in ["EXAMPLES", "BCODEIDENTITY", "EXIT STATUS", "vault.age"] {
        assert!(plain.contains(word), "{word} missing from:\n{plain}");
    }
}
