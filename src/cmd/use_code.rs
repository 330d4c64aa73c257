//! `bcode use`: record the next unused code as used, then print it.

use std::io::IsTerminal;

use crate::cli::UseArgs;
use crate::cmd::{Ctx, change_service, codes, out, read_code, warn_if_low};
use crate::error::{Error, Result};
use crate::sanitize::display;
use crate::vault::{SetKind, VaultError};

pub fn run(ctx: &Ctx, args: UseArgs) -> Result<u8> {
    let name = &args.service;
    if let Some(arg) = args.code {
        let typed = zeroize::Zeroizing::new(read_code(Some(arg), "Code to mark used")?);
        let service = change_service(ctx, name, &format!("mark a code of {name} used"), |vault| {
            vault.mark_used(name, &typed, ctx.now)?;
            Ok((vault.services[name].clone(), true))
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
    // On a vault shared through git, each device starts at its own place in a set.
    let start = match ctx.dir.config()?.device {
        Some(id) if crate::git::is_repo(ctx.dir.path()) => {
            u64::from_str_radix(&id, 16).unwrap_or(0)
        }
        _ => 0,
    };
    let (code, service) = change_service(ctx, name, &format!("use a code of {name}"), |vault| {
        let service = vault.service(name)?;
        if service.kind == SetKind::RecoveryKey {
            // A reusable recovery key is shown, not used up.
            let key = service
                .unused_codes()
                .next()
                .ok_or_else(|| VaultError::NoUnusedCodes(name.to_string()))?;
            return Ok(((key.code.clone(), service.clone()), false));
        }
        let code = vault.use_next_from(name, start, ctx.now)?;
        Ok(((code, vault.services[name].clone()), true))
    })?;
    let code = zeroize::Zeroizing::new(code);
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
    if service.kind == SetKind::RecoveryKey {
        eprintln!(
            "{} is a reusable recovery key: it stays unused (mark it used with: bcode use {} --code -).",
            display(name.as_str()),
            display(name.as_str())
        );
    } else if std::io::stderr().is_terminal() && !service.status().low {
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
