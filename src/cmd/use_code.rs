//! `bcode use`: record the next unused code as used, then print it.

use std::io::IsTerminal;

use crate::cli::UseArgs;
use crate::cmd::{Ctx, change_vault, codes, out, read_code, warn_if_low};
use crate::error::{Error, Result};
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: UseArgs) -> Result<u8> {
    let name = &args.service;
    if let Some(arg) = args.code {
        let typed = read_code(Some(arg), "Code to mark used")?;
        let service = change_vault(ctx, |vault| {
            vault.mark_used(name, &typed, ctx.now)?;
            Ok(vault.services[name].clone())
        })?;
        eprintln!(
            "Marked that code of {} used; {} unused.",
            display(name.as_str()),
            codes(service.status().unused)
        );
        warn_if_low(name, &service);
        return Ok(0);
    }

    // The vault recording the code as used is on disk before the code is printed.
    let (code, service) = change_vault(ctx, |vault| {
        let code = vault.use_next(name, ctx.now)?;
        Ok((code, vault.services[name].clone()))
    })?;
    crate::faults::point("before-print");
    // Imported codes are plain; a code from a hand-edited or merged vault could hold
    // terminal controls, so print it neutralised like every other vault text.
    if let Err(e) = out(&format!("{}\n", display(&code))) {
        if let Error::Io { source, .. } = &e
            && source.kind() != std::io::ErrorKind::BrokenPipe
        {
            eprintln!(
                "bcode: the code was marked used but could not be printed; see it with: bcode show {0} (or undo with: bcode unuse {0} CODE)",
                display(name.as_str())
            );
        }
        return Err(e);
    }
    if std::io::stderr().is_terminal() && !service.status().low {
        eprintln!(
            "{}: {} of {} unused.",
            display(name.as_str()),
            service.status().unused,
            service.status().total
        );
    }
    warn_if_low(name, &service);
    Ok(0)
}
