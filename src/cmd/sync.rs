//! `bcode sync`: commit, pull (vault.age merged by bcode), push.

use std::ffi::OsStr;

use crate::cli::SyncArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::git;

pub fn run(ctx: &Ctx, _args: SyncArgs) -> Result<u8> {
    let dir = ctx.dir.path();
    if !ctx.dir.has_vault() {
        return Err(Error::NoVault {
            dir: dir.to_path_buf(),
        });
    }
    if !git::is_repo(dir) {
        return Err(Error::Other(format!(
            "{} is not a git repository; set it up with: bcode git init",
            dir.display()
        )));
    }
    // No bcode change may land between the pull and the push.
    let _lock = ctx.dir.lock_exclusive()?;
    git::register_driver(dir)?;
    git::commit(dir, "bcode: sync")?;
    ctx.dir.backup_current(ctx.now)?;
    let step = |args: &[&str]| -> Result<()> {
        let status = git::git(dir)
            .args(args.iter().map(OsStr::new))
            .status()
            .map_err(|e| Error::Other(format!("cannot run git (is it installed?): {e}")))?;
        if status.success() {
            Ok(())
        } else {
            Err(Error::Other(format!(
                "git {} failed in {}; the vault on this device is unchanged by it (see: bcode git status)",
                args.join(" "),
                dir.display()
            )))
        }
    };
    let has_upstream = git::run(
        dir,
        &[
            OsStr::new("rev-parse"),
            OsStr::new("--abbrev-ref"),
            OsStr::new("@{upstream}"),
        ],
    )?
    .status
    .success();
    if has_upstream {
        let mut pull = git::author_args(dir)?;
        pull.extend(["pull", "--no-rebase", "--no-edit", "-q"]);
        step(&pull)?;
        step(&["push", "-q"])?;
    } else {
        step(&["push", "-q", "-u", "origin", "HEAD"])?;
    }
    eprintln!("Synced {}.", dir.display());
    Ok(0)
}
