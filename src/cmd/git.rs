//! `bcode git`: run git in the vault folder; `bcode git init` sets the folder up for sync.

use std::ffi::OsStr;

use crate::cli::GitArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::git;

pub fn run(ctx: &Ctx, args: GitArgs) -> Result<u8> {
    let dir = ctx.dir.path();
    if !ctx.dir.has_vault() {
        return Err(Error::NoVault {
            dir: dir.to_path_buf(),
        });
    }
    if args.args.first().map(|a| a.as_os_str()) == Some(OsStr::new("init")) {
        return init(ctx, &args);
    }
    let status = git::git(dir)
        .args(&args.args)
        .status()
        .map_err(|e| Error::Other(format!("cannot run git (is it installed?): {e}")))?;
    Ok(status.code().map_or(1, |c| c.clamp(0, 255) as u8))
}

fn init(ctx: &Ctx, args: &GitArgs) -> Result<u8> {
    let dir = ctx.dir.path();
    let _lock = ctx.dir.lock_exclusive()?;
    let fresh = !git::is_repo(dir);
    if fresh {
        let status = git::git(dir)
            .args(&args.args)
            .status()
            .map_err(|e| Error::Other(format!("cannot run git (is it installed?): {e}")))?;
        if !status.success() {
            return Err(Error::Other(format!(
                "git init failed in {}",
                dir.display()
            )));
        }
    }
    ctx.dir
        .write_atomic(".gitattributes", git::GITATTRIBUTES.as_bytes())?;
    ctx.dir
        .write_atomic(".gitignore", git::GITIGNORE.as_bytes())?;
    git::register_driver(dir)?;
    let mut config = ctx.dir.config()?;
    if config.device.is_none() {
        config.device = Some(crate::vault::new_id());
        ctx.dir.write_config(&config, &_lock)?;
    }
    git::commit(dir, "bcode: set up the vault for git")?;
    eprintln!(
        "{} is a git repository; bcode merges vault.age and commits every change.",
        dir.display()
    );
    eprintln!(
        "Next: bcode git remote add origin URL && bcode git push -u origin HEAD; then bcode sync"
    );
    Ok(0)
}
