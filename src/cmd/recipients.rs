//! `bcode recipients`: list, add and remove the public keys the vault is encrypted to.
//!
//! Crash safety: the vault and the recipients file are written one after the other,
//! under the exclusive lock, in the order that keeps this true at every instant:
//! **the vault on disk opens with every key the recipients file lists.** So no listed
//! device is ever locked out, whatever moment the process dies at.
//! - add: first the vault, encrypted to the old keys and the new ones; then the file.
//!   A crash in between leaves a vault the new key already opens while the file does
//!   not list it yet: the add did not happen (no success was reported); run it again.
//! - remove: first the file without the key; then the vault, encrypted to the rest.
//!   A crash in between leaves a vault the removed key still opens until the next
//!   change rewrites it to the list.
//!
//! Both are the "vault to the union, then the file, then the vault to the new list"
//! sequence with its no-op step left out: for an add the union is the new list, for a
//! remove it is the old one, which the vault is already encrypted to.

use std::path::Path;

use crate::cli::{RecipientsAction, RecipientsAddArgs, RecipientsArgs, RecipientsRemoveArgs};
use crate::cmd::{Ctx, out};
use crate::error::{Error, Result};
use crate::keys::{self, Recipient, RecipientKind};
use crate::sanitize::display;
use crate::store::RECIPIENTS_FILE;

pub fn run(ctx: &Ctx, args: RecipientsArgs) -> Result<u8> {
    match args.action {
        RecipientsAction::List => list(ctx),
        RecipientsAction::Add(a) => add(ctx, a),
        RecipientsAction::Remove(a) => remove(ctx, a),
    }
}

fn list(ctx: &Ctx) -> Result<u8> {
    let keys = ctx.dir.unlock()?;
    let _lock = ctx.dir.lock_shared()?;
    let (_, lines) = ctx.dir.recipient_lines()?;
    let kinds: Vec<String> = lines.iter().map(|l| l.recipient.kind.to_string()).collect();
    let width = kinds.iter().map(String::len).max().unwrap_or(0);
    let mut text = String::new();
    let mut mine = 0;
    for (line, kind) in lines.iter().zip(&kinds) {
        let mark = if keys.opens(&line.recipient) {
            mine += 1;
            '*'
        } else {
            ' '
        };
        text.push_str(&format!("{mark} {kind:<width$}  {}\n", display(&line.text)));
    }
    out(&text)?;
    if mine == 0 {
        eprintln!(
            "bcode: warning: none of these is the identity in use; the next change will leave the vault unreadable to it"
        );
    } else {
        eprintln!("(* = opened by the identity in use)");
    }
    Ok(0)
}

/// The new recipients, each with the line to write for it.
fn new_recipients(args: &RecipientsAddArgs) -> Result<Vec<(String, Recipient)>> {
    let list = match &args.file {
        None => {
            let text = args.recipient.join(" ");
            let recipient = Recipient::parse(&text).map_err(|why| {
                Error::Other(format!("cannot add it: {why}; nothing was changed"))
            })?;
            vec![(text.trim().to_owned(), recipient)]
        }
        Some(path) => recipients_from_file(path)?,
    };
    for (i, (_, r)) in list.iter().enumerate() {
        if list[..i].iter().any(|(_, earlier)| earlier == r) {
            return Err(Error::Other(format!(
                "{} is given twice; nothing was changed",
                r.key
            )));
        }
    }
    Ok(list)
}

/// Recipients from a file: recipient lines (a `.pub` file, a recipients file), or the
/// public keys of an identity file (age-keygen key, SSH private key).
fn recipients_from_file(path: &Path) -> Result<Vec<(String, Recipient)>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let text = zeroize::Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned());
    drop(zeroize::Zeroizing::new(bytes));
    if keys::looks_like_identity_file(&text) {
        let list = keys::recipients_of_identity_file(path)?;
        return Ok(list.into_iter().map(|r| (r.key.clone(), r)).collect());
    }
    let lines = keys::parse_recipient_lines(&text, path).map_err(|e| match e {
        Error::Recipients { path, detail } => {
            Error::Other(format!("{}: {detail}; nothing was changed", path.display()))
        }
        other => other,
    })?;
    if lines.is_empty() {
        return Err(Error::Other(format!(
            "{} holds no public key; nothing was changed",
            path.display()
        )));
    }
    Ok(lines.into_iter().map(|l| (l.text, l.recipient)).collect())
}

fn add(ctx: &Ctx, args: RecipientsAddArgs) -> Result<u8> {
    let new = new_recipients(&args)?;
    // A plugin recipient needs its program now and at every later change.
    for (_, r) in &new {
        if let RecipientKind::Plugin(name) = &r.kind {
            keys::to_age_recipients(std::slice::from_ref(r)).map_err(|_| {
                Error::Other(format!(
                    "cannot add {}: the program age-plugin-{name} is not installed (not found on PATH); bcode needs it to encrypt to this key. Install it first; nothing was changed",
                    r.key
                ))
            })?;
        }
    }

    let keys = ctx.dir.unlock()?;
    let lock = ctx.dir.lock_exclusive()?;
    let (text, lines) = ctx.dir.recipient_lines()?;
    for (_, r) in &new {
        if let Some(l) = lines.iter().find(|l| l.recipient == *r) {
            return Err(Error::Other(format!(
                "{} is already a recipient (line {} of {}); nothing was changed",
                r.key,
                l.number,
                ctx.dir.file(RECIPIENTS_FILE).display()
            )));
        }
    }
    let vault = ctx.dir.load(&keys)?;
    let all: Vec<Recipient> = lines
        .iter()
        .map(|l| l.recipient.clone())
        .chain(new.iter().map(|(_, r)| r.clone()))
        .collect();
    let encrypt_to = keys::to_age_recipients(&all)?;

    // First the vault, to the old keys and the new ones; then the list (see the top).
    ctx.dir.save_to(&vault, &encrypt_to, &lock, ctx.now)?;
    crate::faults::point("recipients-between");
    let mut updated = text;
    if !updated.is_empty() && !updated.ends_with('\n') {
        updated.push('\n');
    }
    for (line, _) in &new {
        updated.push_str(line);
        updated.push('\n');
    }
    ctx.dir.write_atomic(RECIPIENTS_FILE, updated.as_bytes())?;
    crate::git::record(ctx.dir.path(), "add a recipient");

    for (_, r) in &new {
        eprintln!("Added {}.", describe(r));
    }
    eprintln!(
        "The vault is now encrypted to {} recipients; each one alone opens it.",
        all.len()
    );
    Ok(0)
}

fn remove(ctx: &Ctx, args: RecipientsRemoveArgs) -> Result<u8> {
    let target = Recipient::parse(&args.recipient.join(" "))
        .map_err(|why| Error::Other(format!("cannot remove it: {why}; nothing was changed")))?;

    let keys = ctx.dir.unlock()?;
    let lock = ctx.dir.lock_exclusive()?;
    let (text, lines) = ctx.dir.recipient_lines()?;
    let (gone, rest): (Vec<_>, Vec<_>) = lines.iter().partition(|l| l.recipient == target);
    if gone.is_empty() {
        return Err(Error::Other(format!(
            "{} is not a recipient of this vault (bcode recipients list shows them); nothing was changed",
            target.key
        )));
    }
    if rest.is_empty() {
        return Err(Error::Other(
            "it is the vault's only recipient: add another one first; nothing was changed".into(),
        ));
    }
    if !rest.iter().any(|l| keys.opens(&l.recipient)) {
        return Err(Error::Other(
            "the identity in use opens the vault only through this recipient: without it you could not open the vault. Add another key of yours first, or run the removal with BCODE_IDENTITY set to another key on the list; nothing was changed".into(),
        ));
    }
    let vault = ctx.dir.load(&keys)?;
    let remaining: Vec<Recipient> = rest.iter().map(|l| l.recipient.clone()).collect();
    let encrypt_to = keys::to_age_recipients(&remaining)?;

    // First the list without it; then the vault, to the rest (see the top).
    let drop_lines: Vec<usize> = gone.iter().map(|l| l.number).collect();
    let updated: String = text
        .split_inclusive('\n')
        .enumerate()
        .filter(|(i, _)| !drop_lines.contains(&(i + 1)))
        .map(|(_, line)| line)
        .collect();
    ctx.dir.write_atomic(RECIPIENTS_FILE, updated.as_bytes())?;
    crate::faults::point("recipients-between");
    ctx.dir.save_to(&vault, &encrypt_to, &lock, ctx.now)?;
    crate::git::record(ctx.dir.path(), "remove a recipient");

    eprintln!(
        "Removed {}; the vault is now encrypted to the {} other recipient{}.",
        describe(&target),
        remaining.len(),
        if remaining.len() == 1 { "" } else { "s" }
    );
    warn_if_configured_identity_is_gone(ctx, &remaining);
    eprintln!(
        "Copies made before (backups/, other devices, synced or committed copies) still open with the removed key: if it was lost or stolen, replace your codes with new sets (bcode add SERVICE --replace)."
    );
    Ok(0)
}

/// "the SSH key ssh-ed25519 AAAA...", for messages.
fn describe(r: &Recipient) -> String {
    match &r.kind {
        RecipientKind::X25519 => format!("the age key {}", r.key),
        RecipientKind::SshEd25519 | RecipientKind::SshRsa => format!("the SSH key {}", r.key),
        RecipientKind::Plugin(name) => format!("the age-plugin-{name} key {}", r.key),
    }
}

/// With BCODE_IDENTITY in use, the vault's own identity file may just have lost access.
fn warn_if_configured_identity_is_gone(ctx: &Ctx, remaining: &[Recipient]) {
    if keys::identity_override().is_none() {
        return;
    }
    let Ok(Some(path)) = ctx.dir.config().map(|c| c.identity) else {
        return;
    };
    if let Ok(own) = keys::recipients_of_identity_file(&path)
        && !own.iter().any(|r| remaining.contains(r))
    {
        eprintln!(
            "bcode: warning: the identity file this vault was set up with ({}) no longer opens it; use BCODE_IDENTITY with a key on the list from now on",
            path.display()
        );
    }
}
