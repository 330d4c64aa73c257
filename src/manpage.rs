//! Man pages from the clap definition: `bcode.1` and one page per subcommand, with EXAMPLES,
//! ENVIRONMENT, FILES and EXIT STATUS sections.

use clap::CommandFactory;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli::Cli;

/// The date on the pages (fixed, so the generated files are stable); bump with a release.
const PAGE_DATE: &str = "2026-12-03";

const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "BCODE_DIR",
        "The vault folder, as --dir. Default: $XDG_DATA_HOME/bcode, usually ~/.local/share/bcode.",
    ),
    (
        "BCODE_IDENTITY",
        "An age identity file to open the vault with, for one command, instead of the one the vault was set up with.",
    ),
    (
        "BCODE_PASSPHRASE_FILE",
        "Read the passphrase from the first line of this file instead of the terminal (for scripts and tests). Keep the file mode 0600.",
    ),
    (
        "BCODE_NEW_PASSPHRASE_FILE",
        "For passwd: read the new passphrase from the first line of this file.",
    ),
    (
        "COMPLETE",
        "Set by the shell completion scripts; bcode then answers a completion request instead of running a command.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "vault.age",
        "The vault document (JSON), age-encrypted to the recipients. Opens with: age -d -i IDENTITY vault.age",
    ),
    (
        "identity.age",
        "The vault's X25519 identity, encrypted with the passphrase (absent when init --identity named an identity file).",
    ),
    (
        "recipients",
        "The public age recipients the vault is encrypted to, one per line.",
    ),
    (
        "config.json",
        "Plain settings: the identity file, if one was given; whether a plain list of service names is kept.",
    ),
    (
        "backups/",
        "The last ten earlier vaults, for bcode restore.",
    ),
    ("lock", "Held while a command changes the vault."),
    (
        "service-names",
        "Only when opted in: a plain list of service names, for shell completion.",
    ),
];

const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "Failure (a rule refused, a file could not be written); for check: a service is running low.",
    ),
    ("2", "The command line was wrong."),
    ("3", "No vault in the folder yet: run bcode init."),
    (
        "4",
        "The vault could not be unlocked: wrong passphrase, missing or wrong identity, or no terminal to ask.",
    ),
    (
        "5",
        "The vault file is damaged, or from a newer bcode; it was not changed.",
    ),
    ("6", "The service has no unused code left."),
    ("7", "The input held no codes, or was refused."),
];

/// Every page: (file name, roff text).
pub fn pages() -> Vec<(String, String)> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = vec![("bcode.1".to_string(), render(&cmd, true))];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("bcode-{}.1", sub.get_name());
        out.push((name, render(sub, false)));
    }
    out
}

fn render(cmd: &clap::Command, top: bool) -> String {
    let man = Man::new(cmd.clone())
        .manual("bcode manual")
        .source(format!("bcode {}", env!("CARGO_PKG_VERSION")))
        .date(PAGE_DATE);
    let mut buf = Vec::new();
    man.render_title(&mut buf).expect("write to memory");
    man.render_name_section(&mut buf).expect("write to memory");
    man.render_synopsis_section(&mut buf)
        .expect("write to memory");
    man.render_description_section(&mut buf)
        .expect("write to memory");
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut buf)
            .expect("write to memory");
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut buf)
            .expect("write to memory");
    }
    let mut roff = Roff::default();
    let examples = examples(cmd);
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for (line, comment) in examples {
            roff.control("TP", [] as [&str; 0]);
            roff.text([bold(line)]);
            if !comment.is_empty() {
                roff.text([roman(capitalise(&comment))]);
            }
        }
    }
    definition_list(&mut roff, "ENVIRONMENT", ENVIRONMENT, true);
    if top {
        definition_list(&mut roff, "FILES", FILES, false);
        definition_list(&mut roff, "EXIT STATUS", EXIT_STATUS, true);
    }
    roff.control("SH", ["SEE ALSO"]);
    let mut see_also = vec![("age", "1")];
    if !top {
        see_also.insert(0, ("bcode", "1"));
    }
    let refs: Vec<String> = see_also.iter().map(|(n, s)| format!("{n}({s})")).collect();
    roff.text([roman(refs.join(", "))]);
    buf.extend_from_slice(roff.render().as_bytes());
    if cmd.get_version().is_some() {
        man.render_version_section(&mut buf)
            .expect("write to memory");
    }
    // clap_mangen separates possible values with `.br`, a blank line and `.br`,
    // which man renders as one blank line but linters flag: say it directly.
    String::from_utf8(buf)
        .expect("roff is UTF-8")
        .replace(".br\n\n.br\n", ".sp\n")
}

fn definition_list(roff: &mut Roff, title: &str, items: &[(&str, &str)], bold_terms: bool) {
    roff.control("SH", [title]);
    for (term, text) in items {
        roff.control("TP", [] as [&str; 0]);
        if bold_terms {
            roff.text([bold(*term)]);
        } else {
            roff.text([italic(format!("$BCODE_DIR/{term}"))]);
        }
        roff.text([roman(*text)]);
    }
}

/// The examples in a command's after-help: (command line, comment).
fn examples(cmd: &clap::Command) -> Vec<(String, String)> {
    let Some(help) = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|h| h.to_string())
    else {
        return Vec::new();
    };
    help.lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let l = l.trim();
            if let Some((line, comment)) = l.split_once('#') {
                (line.trim().to_string(), comment.trim().to_string())
            } else if let Some(i) = l.find("   ") {
                (l[..i].trim().to_string(), l[i..].trim().to_string())
            } else {
                (l.to_string(), String::new())
            }
        })
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}
