//! One module per subcommand, and what they share: opening the vault for a read or a change.

use std::io::{self, BufRead, IsTerminal, Read, Write};

use time::OffsetDateTime;

use crate::cli::{Cli, Command};
use crate::error::{Error, Result};
use crate::keys::Unlocked;
use crate::name::ServiceName;
use crate::partial;
use crate::sanitize::display;
use crate::services;
use crate::store::VaultDir;
use crate::vault::{DecodeError, Service, SetKind, Timestamp, Vault};

mod add;
mod check;
mod completions;
mod config;
mod doctor;
mod git;
mod init;
mod list;
mod merge;
mod merge_driver;
mod passwd;
mod print;
mod recipients;
mod remove;
mod rename;
mod restore;
mod set;
mod show;
mod sync;
mod textconv;
mod unuse;
mod use_code;

/// What every command gets: the vault folder and the time it runs at.
pub struct Ctx {
    pub dir: VaultDir,
    pub now: Timestamp,
}

/// Runs the parsed command; returns the exit status.
pub fn run(cli: Cli) -> Result<u8> {
    if let Command::Completions(args) = &cli.command {
        // Never touches the vault.
        return completions::run(args);
    }
    let ctx = Ctx {
        dir: VaultDir::locate(cli.dir.as_deref())?,
        now: OffsetDateTime::now_utc(),
    };
    match cli.command {
        Command::Init(a) => init::run(ctx, a),
        Command::Add(a) => add::run(&ctx, a),
        Command::Use(a) => use_code::run(&ctx, a),
        Command::Unuse(a) => unuse::run(&ctx, a),
        Command::List(a) => list::run(&ctx, a),
        Command::Show(a) => show::run(&ctx, a),
        Command::Check(a) => check::run(&ctx, a),
        Command::Remove(a) => remove::run(&ctx, a),
        Command::Rename(a) => rename::run(&ctx, a),
        Command::Set(a) => set::run(&ctx, a),
        Command::Passwd(a) => passwd::run(&ctx, a),
        Command::Recipients(a) => recipients::run(&ctx, a),
        Command::Print(a) => print::run(&ctx, a),
        Command::Restore(a) => restore::run(&ctx, a),
        Command::Config(a) => config::run(&ctx, a),
        Command::Merge(a) => merge::run(&ctx, a),
        Command::Git(a) => git::run(&ctx, a),
        Command::Sync(a) => sync::run(&ctx, a),
        Command::MergeDriver(a) => merge_driver::run(&ctx, a),
        Command::Textconv(a) => textconv::run(&ctx, a),
        Command::Doctor(a) => doctor::run(&ctx, a, cli.dir.as_deref()),
        Command::Completions(_) => unreachable!("handled above"),
    }
}

/// Opens the vault to read it (one unlock, a shared lock while reading).
pub fn read_vault(ctx: &Ctx) -> Result<Vault> {
    read_vault_with(ctx, &ctx.dir.unlock()?)
}

/// As `read_vault`, with identities already unlocked (so a command that reads,
/// asks, then changes costs one passphrase derivation, not two).
pub fn read_vault_with(ctx: &Ctx, keys: &Unlocked) -> Result<Vault> {
    let _lock = ctx.dir.lock_shared()?;
    ctx.dir.load(keys)
}

/// Read-modify-write under the exclusive lock: the secret is asked before the lock
/// is taken, the change is durable on disk before this returns. `action` names the
/// change for the git history ("use github"); it never holds a code.
pub fn change_vault<T>(
    ctx: &Ctx,
    action: &str,
    f: impl FnOnce(&mut Vault) -> Result<T>,
) -> Result<T> {
    change_vault_with(ctx, &ctx.dir.unlock()?, action, f)
}

/// As `change_vault`, with identities already unlocked.
pub fn change_vault_with<T>(
    ctx: &Ctx,
    keys: &Unlocked,
    action: &str,
    f: impl FnOnce(&mut Vault) -> Result<T>,
) -> Result<T> {
    let lock = ctx.dir.lock_exclusive()?;
    let mut vault = ctx.dir.load(keys)?;
    let out = f(&mut vault)?;
    crate::faults::point("before-save");
    ctx.dir.save(&vault, &lock, ctx.now)?;
    crate::git::record(ctx.dir.path(), action);
    Ok(out)
}

/// The error for a document that decrypts but does not decode.
fn damaged(ctx: &Ctx, e: DecodeError) -> Error {
    crate::store::decode_failure(e, &ctx.dir.file(crate::store::VAULT_FILE))
}

/// The decrypted document split into its services, none decoded yet.
fn split<'a>(ctx: &Ctx, plaintext: &'a [u8]) -> Result<partial::PartialVault<'a>> {
    let text = std::str::from_utf8(plaintext)
        .map_err(|_| damaged(ctx, DecodeError::Invalid("it is not UTF-8 text".into())))?;
    partial::decode_partial(text).map_err(|e| damaged(ctx, e))
}

/// The one service `name` of a split document, as a vault holding just it.
fn take(ctx: &Ctx, doc: &partial::PartialVault, name: &ServiceName) -> Result<Vault> {
    doc.take(name).map_err(|e| take_error(ctx, e))
}

/// An unknown service, or a damaged one.
fn take_error(ctx: &Ctx, e: partial::TakeError) -> Error {
    match e {
        partial::TakeError::Rule(e) => Error::Vault(e),
        partial::TakeError::Decode(e) => damaged(ctx, e),
    }
}

/// The decrypted document, under a shared lock (one unlock).
fn read_plaintext(ctx: &Ctx) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    let keys = ctx.dir.unlock()?;
    let _lock = ctx.dir.lock_shared()?;
    ctx.dir.load_plaintext(&keys)
}

/// Reads one service, decoding only it (a vault holding just that service).
pub fn read_service(ctx: &Ctx, name: &ServiceName) -> Result<Vault> {
    let plaintext = read_plaintext(ctx)?;
    take(ctx, &split(ctx, &plaintext)?, name)
}

/// Every service's counts, without decoding the codes.
pub fn read_summaries(
    ctx: &Ctx,
) -> Result<std::collections::BTreeMap<ServiceName, partial::Summary>> {
    let plaintext = read_plaintext(ctx)?;
    let text = std::str::from_utf8(&plaintext)
        .map_err(|_| damaged(ctx, DecodeError::Invalid("it is not UTF-8 text".into())))?;
    partial::decode_summaries(text).map_err(|e| damaged(ctx, e))
}

/// As `change_vault`, for a change to one service: `f` gets a vault holding only
/// that service and says whether it changed anything (nothing is written if not);
/// the other services are carried over as they were, byte for byte.
pub fn change_service<T>(
    ctx: &Ctx,
    name: &ServiceName,
    action: &str,
    f: impl FnOnce(&mut Vault) -> Result<(T, bool)>,
) -> Result<T> {
    let keys = ctx.dir.unlock()?;
    let lock = ctx.dir.lock_exclusive()?;
    let plaintext = ctx.dir.load_plaintext(&keys)?;
    let doc = split(ctx, &plaintext)?;
    let mut one = take(ctx, &doc, name)?;
    let (out, changed) = f(&mut one)?;
    if changed {
        let plaintext = doc.encode_with(&one);
        let names = || doc.names().map(str::to_owned).collect();
        crate::faults::point("before-save");
        ctx.dir.save_encoded(&plaintext, &names, &lock, ctx.now)?;
        crate::git::record(ctx.dir.path(), action);
    }
    Ok(out)
}

/// Writes data to stdout (a broken pipe ends quietly in main).
pub fn out(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::io("write to", "standard output", e))
}

/// Says on stderr that a service is running low, and where to get a new set.
pub fn warn_if_low(name: &ServiceName, service: &Service) {
    warn_low(name, service.kind, &service.status());
}

/// As `warn_if_low`, from a service's kind and status.
pub fn warn_low(name: &ServiceName, kind: SetKind, st: &crate::vault::Status) {
    if !st.low {
        return;
    }
    let left = match st.unused {
        0 => "has no unused codes left".to_string(),
        1 => "has only 1 unused code left".to_string(),
        n => format!("has only {n} unused codes left"),
    };
    let place = services::lookup(name.as_str())
        .map(|p| format!(" at {}", p.new_set_url))
        .unwrap_or_default();
    let shown = display(name.as_str());
    match kind {
        SetKind::Set => eprintln!(
            "bcode: warning: {shown} {left}; generate a new set{place}, then run: bcode add {shown} --replace"
        ),
        SetKind::Single | SetKind::RecoveryKey => eprintln!(
            "bcode: warning: {shown} {left}; the service shows a new code after each use (or generate one{place}): store it with: bcode add {shown} --replace"
        ),
    }
}

/// Reads a code the user types: from the argument, or ('-' or absent) from stdin or a hidden prompt.
pub fn read_code(arg: Option<String>, what: &str) -> Result<String> {
    match arg {
        Some(code) if code != "-" => Ok(code),
        _ => {
            if io::stdin().is_terminal() {
                let code = rpassword::prompt_password(format!("{what}: "))
                    .map_err(|e| Error::Other(format!("cannot read the code: {e}")))?;
                Ok(code.trim().to_string())
            } else {
                let mut line = String::new();
                io::stdin()
                    .lock()
                    .take(4096)
                    .read_line(&mut line)
                    .map_err(|e| Error::io("read", "standard input", e))?;
                Ok(line.trim().to_string())
            }
        }
    }
}

/// Asks a yes/no question at the terminal; false without a terminal.
pub fn confirm(question: &str) -> Result<bool> {
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty");
    let Ok(mut tty) = tty else {
        return Ok(false);
    };
    write!(tty, "{question} [y/N] ").map_err(|e| Error::io("write to", "/dev/tty", e))?;
    let mut answer = String::new();
    io::BufReader::new(&tty)
        .read_line(&mut answer)
        .map_err(|e| Error::io("read", "/dev/tty", e))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// "1 code" / "2 codes".
pub fn codes(n: usize) -> String {
    if n == 1 {
        "1 code".into()
    } else {
        format!("{n} codes")
    }
}
