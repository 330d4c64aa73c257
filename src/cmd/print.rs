//! `bcode print`: the paper copy, as text on stdout or a PDF file (0600) or stream.

use std::io::{IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::cli::{PaperArg, PrintArgs};
use crate::cmd::{Ctx, out, read_vault};
use crate::error::{Error, Result};
use crate::pdf::{self, Paper, SheetOptions};
use crate::vault::{self, Vault};

pub fn run(ctx: &Ctx, args: PrintArgs) -> Result<u8> {
    // Decide where the PDF goes before asking for any secret.
    let target = if args.pdf {
        Some(match &args.output {
            Some(p) if p.as_os_str() == "-" => {
                if std::io::stdout().is_terminal() {
                    return Err(Error::Other(
                        "not writing PDF bytes to a terminal; redirect it (-o - > file.pdf, or | lp) or give -o FILE".into(),
                    ));
                }
                None
            }
            Some(p) => Some(p.clone()),
            None => Some(PathBuf::from(format!(
                "bcode-backup-codes-{}.pdf",
                vault::day(ctx.now)
            ))),
        })
    } else {
        None
    };

    let full = read_vault(ctx)?;
    let vault = select(&full, &args)?;
    let opts = SheetOptions {
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        },
        unused_only: args.unused,
    };

    match target {
        None => out(&pdf::render_text(&vault, &opts, ctx.now))?,
        Some(None) => {
            let bytes = pdf::render_pdf(&vault, &opts, ctx.now);
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(&bytes)
                .and_then(|_| stdout.flush())
                .map_err(|e| Error::io("write to", "standard output", e))?;
        }
        Some(Some(path)) => {
            let bytes = pdf::render_pdf(&vault, &opts, ctx.now);
            write_private(&path, &bytes)?;
            let codes: usize = vault.services.values().map(|s| s.codes.len()).sum();
            eprintln!(
                "Wrote {} ({} services, {} codes). Print it, store it somewhere safe, then delete the file.",
                path.display(),
                vault.services.len(),
                codes
            );
        }
    }
    Ok(0)
}

/// The services named on the command line (all when none), checked to exist.
fn select(full: &Vault, args: &PrintArgs) -> Result<Vault> {
    if args.services.is_empty() {
        return Ok(full.clone());
    }
    let mut vault = Vault::new();
    for name in &args.services {
        let service = full.service(name)?;
        vault.services.insert(name.clone(), service.clone());
    }
    Ok(vault)
}

/// Writes a file that only the user can read (0600 from the start), replacing one there.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io("create", path, e))?;
    // An existing file keeps its mode on open: make it private too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .and_then(|_| file.write_all(bytes))
        .and_then(|_| file.sync_all())
        .map_err(|e| Error::io("write", path, e))
}
