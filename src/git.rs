//! The vault folder as a git repository: set-up, a commit after every change, sync.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::error::{Error, Result};

/// What `bcode git init` puts in .gitattributes.
pub const GITATTRIBUTES: &str = "\
# bcode: merge vault.age with bcode (never a text merge), show readable diffs to key holders
vault.age merge=bcode diff=bcode -text
recipients merge=union
";

/// What `bcode git init` puts in .gitignore: per-device and transient files.
pub const GITIGNORE: &str = "\
# bcode: per-device and transient files
/lock
/backups/
/config.json
/service-names
/.tmp-*
";

/// True when the folder is the top of a git work tree.
pub fn is_repo(dir: &Path) -> bool {
    dir.join(".git").exists()
}

/// git with the folder as its work tree; never prompts for credentials in the middle of a command.
pub fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    cmd
}

/// Runs git and returns its output, or an error naming the command.
pub fn run(dir: &Path, args: &[&OsStr]) -> Result<Output> {
    let out = git(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Other(format!("cannot run git (is it installed?): {e}")))?;
    Ok(out)
}

fn run_ok(dir: &Path, args: &[&str]) -> Result<()> {
    let os: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    let out = run(dir, &os)?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "git {} failed in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Registers the merge driver and diff converter in the repository's config (idempotent).
pub fn register_driver(dir: &Path) -> Result<()> {
    run_ok(dir, &["config", "merge.bcode.name", "bcode vault merge"])?;
    run_ok(
        dir,
        &[
            "config",
            "merge.bcode.driver",
            "bcode --dir . merge-driver %O %A %B",
        ],
    )?;
    run_ok(
        dir,
        &["config", "diff.bcode.textconv", "bcode --dir . textconv"],
    )?;
    run_ok(dir, &["config", "diff.bcode.binary", "true"])
}

/// Commits every tracked change with `message` (which never holds a code); a repository
/// without a user name gets bcode as the author.
pub fn commit(dir: &Path, message: &str) -> Result<()> {
    run_ok(dir, &["add", "-A"])?;
    let status = run(
        dir,
        &[
            OsStr::new("diff"),
            OsStr::new("--cached"),
            OsStr::new("--quiet"),
        ],
    )?;
    if status.status.success() {
        return Ok(()); // nothing to commit
    }
    let mut args = author_args(dir)?;
    args.extend(["commit", "-q", "--no-verify", "-m", message]);
    run_ok(dir, &args)
}

/// `-c user.name=bcode ...` when the repository has no author of its own, so
/// commits and merges work on a machine where git was never configured.
pub fn author_args(dir: &Path) -> Result<Vec<&'static str>> {
    let has_user = run(dir, &[OsStr::new("config"), OsStr::new("user.email")])?
        .status
        .success();
    Ok(if has_user {
        Vec::new()
    } else {
        vec!["-c", "user.name=bcode", "-c", "user.email=bcode@localhost"]
    })
}

/// After a change: commit it if the folder is a git repository; a failure is only a warning,
/// since the change itself is already safely on disk.
pub fn record(dir: &Path, message: &str) {
    if !is_repo(dir) {
        return;
    }
    if let Err(e) = commit(dir, &format!("bcode: {message}")) {
        eprintln!("bcode: warning: the change is saved but was not committed to git: {e}");
    }
}
