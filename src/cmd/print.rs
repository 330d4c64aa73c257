//! `bcode print`: the paper copy, as text on stdout or a PDF file (0600) or stream.

use std::io::{IsTerminal, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::cli::{PaperArg, PrintArgs};
use crate::cmd::{Ctx, out, read_plaintext, split, take_error};
use crate::error::{Error, Result};
use crate::pdf::{self, Paper, SheetOptions};
use crate::sheet::{Sheet, text_sheet};
use crate::vault;

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

    // The document is split into its services and each is decoded when its turn
    // comes, so a large vault is never held decoded all at once.
    let plaintext = read_plaintext(ctx)?;
    let doc = split(ctx, &plaintext)?;
    let opts = SheetOptions {
        paper: match args.paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        },
        unused_only: args.unused,
    };
    let sheet = Sheet::from_partial(&doc, &args.services, &opts, ctx.now)
        .map_err(|e| take_error(ctx, e))?;

    match target {
        None => out(&text_sheet(&sheet))?,
        Some(None) => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            pdf::write_pdf(&sheet, opts.paper, &mut stdout)
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("write to", "standard output", e))?;
        }
        Some(Some(path)) => {
            write_private(&path, |out| pdf::write_pdf(&sheet, opts.paper, out))?;
            eprintln!(
                "Wrote {} ({} services, {} codes). Print it, store it somewhere safe, then delete the file.",
                path.display(),
                sheet.summary.services,
                sheet.summary.total
            );
        }
    }
    Ok(0)
}

/// Writes a file that only the user can read (0600 from the start), replacing
/// one there. When the writing fails (a full disk), a file this created is
/// removed and one it replaced is emptied: half a sheet of codes is not left behind.
fn write_private(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let open = |new: bool| {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(new)
            .truncate(!new)
            .mode(0o600)
            .open(path)
    };
    let (file, created) = match open(true) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => (open(false), false),
        other => (other, true),
    };
    let file = file.map_err(|e| Error::io("create", path, e))?;
    let is_file = file.metadata().is_ok_and(|m| m.is_file());
    // An existing file keeps its mode on open: make it private too.
    let private = if is_file {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
    } else {
        Ok(())
    };
    let written = private
        .and_then(|()| {
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, &file);
            write(&mut out)?;
            out.flush()
        })
        .and_then(|()| if is_file { file.sync_all() } else { Ok(()) });
    written.map_err(|e| {
        if created {
            let _ = std::fs::remove_file(path);
        } else if is_file {
            let _ = file.set_len(0);
        }
        Error::io("write", path, e)
    })
}
