//! Writes a sample backup-code sheet (PDF, or text with `--text`) from a made-up vault, for the docs.
//!
//! ```sh
//! cargo run --example sample_sheet -- sample.pdf              # the docs sample, A4
//! cargo run --example sample_sheet -- sample.pdf --letter
//! cargo run --example sample_sheet -- big.pdf --many 40       # 40 more services
//! cargo run --example sample_sheet -- odd.pdf --stress         # long names, notes and codes
//! pdftoppm -png -r 100 -f 1 -l 1 -singlefile sample.pdf docs/sheet-page1
//! ```
//! Every code here is invented; none of them works anywhere.

use std::time::Instant;

use bcode::name::ServiceName;
use bcode::pdf::{Paper, SheetOptions, render_pdf, render_text};
use bcode::vault::{NewCode, SetKind, Timestamp, Vault};
use time::macros::datetime;

const ADDED: Timestamp = datetime!(2026-01-12 09:30 UTC);
const USED: Timestamp = datetime!(2026-02-03 18:05 UTC);
const LATER: Timestamp = datetime!(2026-03-20 08:15 UTC);
const PRINTED: Timestamp = datetime!(2026-04-01 12:00 UTC);

/// A small deterministic generator, so the sample is the same on every run.
struct Codes(u64);

impl Codes {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    /// `len` characters from `alphabet`, a `sep` every `group` characters.
    fn code(&mut self, alphabet: &str, len: usize, group: usize, sep: char) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut out = String::new();
        for i in 0..len {
            if i > 0 && i % group == 0 {
                out.push(sep);
            }
            out.push(chars[self.next() as usize % chars.len()]);
        }
        out
    }

    fn set(
        &mut self,
        n: usize,
        alphabet: &str,
        len: usize,
        group: usize,
        sep: char,
    ) -> Vec<NewCode> {
        (0..n)
            .map(|_| NewCode {
                code: self.code(alphabet, len, group, sep),
                used: false,
            })
            .collect()
    }
}

fn add(vault: &mut Vault, name: &str, codes: Vec<NewCode>, kind: SetKind) -> ServiceName {
    let name = ServiceName::parse(name).expect("a valid sample name");
    vault
        .add(&name, &codes, kind, false, ADDED)
        .expect("sample codes are distinct");
    name
}

/// Services that push the layout: the longest name, long notes, long codes.
fn stress(v: &mut Vault, rng: &mut Codes) {
    let hex = "0123456789abcdef";
    let name = add(
        v,
        "wwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwwww",
        rng.set(12, hex, 24, 4, '-'),
        SetKind::Set,
    );
    v.use_next(&name, USED).unwrap();
    v.set_note(
        &name,
        Some("A long note that goes on and on. ".repeat(30)),
        ADDED,
    )
    .unwrap();
    let service = v.services.get_mut(&name).unwrap();
    service.codes[2].note = Some("printed at the office, kept in the blue folder".into());
    service.codes[3].code = rng.code(hex, 120, 8, ' ');
    let single = add(
        v,
        "bank/日本-ελλάδα",
        rng.set(1, "0123456789", 6, 6, ' '),
        SetKind::Single,
    );
    v.use_next(&single, USED).unwrap();
}

fn sample(many: usize, odd: bool) -> Vault {
    let hex = "0123456789abcdef";
    let digits = "0123456789";
    let mut rng = Codes(2026);
    let mut v = Vault::new();

    let gh = add(&mut v, "github", rng.set(16, hex, 10, 5, '-'), SetKind::Set);
    v.use_next(&gh, USED).unwrap();
    v.use_next(&gh, LATER).unwrap();
    let google = add(
        &mut v,
        "google",
        rng.set(10, digits, 8, 4, ' '),
        SetKind::Set,
    );
    for _ in 0..7 {
        v.use_next(&google, USED).unwrap();
    }
    let work = add(
        &mut v,
        "github/work",
        rng.set(16, hex, 10, 5, '-'),
        SetKind::Set,
    );
    v.set_note(
        &work,
        Some("Work account (alice-acme). Ask IT if all codes are gone.".into()),
        ADDED,
    )
    .unwrap();
    add(
        &mut v,
        "почта.example",
        rng.set(6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 12, 4, '-'),
        SetKind::Set,
    );
    add(
        &mut v,
        "password-manager",
        vec![NewCode {
            code: rng.code("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 48, 6, '-'),
            used: false,
        }],
        SetKind::RecoveryKey,
    );
    for i in 0..many {
        let name = match i % 4 {
            0 => format!("service-{i:02}"),
            1 => format!("a-rather-long-service-name-{i:02}.example.com/second-account"),
            2 => format!("shop{i:02}.example"),
            _ => format!("bank-{i:02}"),
        };
        let n = [8, 10, 12, 16, 5][i % 5];
        let s = add(
            &mut v,
            &name,
            rng.set(n, hex, 8 + i % 3 * 4, 4, '-'),
            SetKind::Set,
        );
        for _ in 0..i % 3 {
            v.use_next(&s, USED).unwrap();
        }
    }
    if odd {
        stress(&mut v, &mut rng);
    }
    v
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<usize>().is_err())
        .cloned()
        .unwrap_or_else(|| "sample-sheet.pdf".into());
    let many = args
        .iter()
        .position(|a| a == "--many")
        .and_then(|i| args.get(i + 1))
        .map(|n| n.parse().expect("--many takes a number"))
        .unwrap_or(0);
    let opts = SheetOptions {
        paper: if args.iter().any(|a| a == "--letter") {
            Paper::Letter
        } else {
            Paper::A4
        },
        unused_only: args.iter().any(|a| a == "--unused-only"),
    };
    let vault = sample(many, args.iter().any(|a| a == "--stress"));
    let start = Instant::now();
    let bytes = if args.iter().any(|a| a == "--text") {
        render_text(&vault, &opts, PRINTED).into_bytes()
    } else {
        render_pdf(&vault, &opts, PRINTED)
    };
    eprintln!(
        "{} services, {} bytes in {:.0?}",
        vault.services.len(),
        bytes.len(),
        start.elapsed()
    );
    std::fs::write(&out, bytes).expect("write the sample sheet");
    eprintln!("wrote {out}");
}
