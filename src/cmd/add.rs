//! `bcode add`: recognise a service's codes in the input and store them.

use std::io::{self, BufRead, IsTerminal, Read};

use serde_json::json;

use crate::cli::{AddArgs, PickArg};
use crate::cmd::{Ctx, change_vault, codes, out, warn_if_low};
use crate::error::{Error, Result};
use crate::import::{self, Imported, MAX_INPUT_BYTES};
use crate::sanitize::display;
use crate::services;
use crate::vault::SetKind;

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<u8> {
    let input = zeroize::Zeroizing::new(read_input(&args)?);
    let profile = services::lookup(args.service.as_str());
    let opts = import::ImportOptions {
        profile,
        pick: args.pick.map(|p| match p {
            PickArg::Newest => import::Pick::Newest,
            PickArg::Set(n) => import::Pick::Set(n),
        }),
    };
    let Imported {
        codes: found,
        warnings,
    } = import::recognise_with(&input, &opts)?;
    drop(input);
    let kind: SetKind = args
        .kind
        .map(Into::into)
        .or(profile.map(|p| p.kind))
        .unwrap_or_default();
    let name = &args.service;
    let used = found.iter().filter(|c| c.used).count();

    if args.dry_run {
        if args.json {
            let doc = json!({
                "service": name.as_str(),
                "kind": kind,
                "codes": found.iter().map(|c| json!({"code": c.code, "used": c.used})).collect::<Vec<_>>(),
                "warnings": warnings,
            });
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&doc).expect("json")
            ))?;
        } else {
            for w in &warnings {
                eprintln!("bcode: warning: {w}");
            }
            let mut text = String::new();
            for c in &found {
                let mark = if c.used { "  (already used)" } else { "" };
                text.push_str(&format!("{}{mark}\n", display(&c.code)));
            }
            out(&text)?;
            eprintln!(
                "Would store {} for {} ({used} marked used); nothing was changed (dry run).",
                codes(found.len()),
                display(name.as_str())
            );
        }
        return Ok(0);
    }

    for w in &warnings {
        eprintln!("bcode: warning: {w}");
    }
    let (service, retired) = change_vault(
        ctx,
        &format!(
            "{} {name} ({})",
            if args.replace {
                "replace set of"
            } else {
                "add"
            },
            codes(found.len())
        ),
        |vault| {
            let retired = vault
                .services
                .get(name)
                .map(|s| s.codes.len())
                .filter(|_| args.replace);
            vault.add(name, &found, kind, args.replace, ctx.now)?;
            Ok((vault.services[name].clone(), retired))
        },
    )?;
    let extra = if used > 0 {
        format!(", {used} of them already marked used")
    } else {
        String::new()
    };
    eprintln!(
        "Stored {} for {}{extra}.",
        codes(found.len()),
        display(name.as_str())
    );
    if let Some(n) = retired {
        eprintln!(
            "The previous set ({}) is kept as history: bcode show {} --history",
            codes(n),
            display(name.as_str())
        );
    }
    if io::stderr().is_terminal()
        && let (Some(first), Some(last)) = (found.first(), found.last())
    {
        eprintln!(
            "Check them against the service's page: first {}, last {}.",
            display(&first.code),
            display(&last.code)
        );
    }
    warn_if_low(name, &service);
    Ok(0)
}

/// The input text: --file, or stdin (a pipe, or pasted lines ended by an empty line).
fn read_input(args: &AddArgs) -> Result<Vec<u8>> {
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let mut buf = Vec::new();
    match &args.file {
        Some(path) => {
            std::fs::File::open(path)
                .and_then(|f| f.take(limit).read_to_end(&mut buf))
                .map_err(|e| Error::io("read", path, e))?;
        }
        None if io::stdin().is_terminal() => {
            eprintln!(
                "Paste the codes for {}, then press Enter on an empty line (or Ctrl-D):",
                display(args.service.as_str())
            );
            let profile = services::lookup(args.service.as_str());
            let stdin = io::stdin();
            let mut lines = stdin.lock();
            let mut previous_blank = false;
            loop {
                let mut line = Vec::new();
                let n = lines
                    .read_until(b'\n', &mut line)
                    .map_err(|e| Error::io("read", "standard input", e))?;
                if n == 0 {
                    break;
                }
                let blank = line.iter().all(|b| b.is_ascii_whitespace());
                // A pasted page has blank lines of its own: an empty line ends the
                // input once codes have been seen, or two in a row always do.
                if blank && (previous_blank || import::recognise(&buf, profile).is_ok()) {
                    break;
                }
                previous_blank = blank;
                buf.extend_from_slice(&line);
                if buf.len() as u64 >= limit {
                    break;
                }
            }
        }
        None => {
            io::stdin()
                .lock()
                .take(limit)
                .read_to_end(&mut buf)
                .map_err(|e| Error::io("read", "standard input", e))?;
        }
    }
    Ok(buf)
}
