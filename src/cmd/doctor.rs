//! `bcode doctor`: check the vault folder, the vault, its backups and keys; one line per check.
//!
//! Reads only: it creates, changes and removes nothing, so it is safe to run on a
//! folder in any state. Exit 0 when every check passes, 1 otherwise.

use std::fmt::Display;
use std::fs::{self, File};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::cli::DoctorArgs;
use crate::cmd::{Ctx, out};
use crate::error::Result;
use crate::keys::{self, Unlocked};
use crate::sanitize::display;
use crate::store::{self, BACKUP_DIR, IDENTITY_FILE, LOCK_FILE, RECIPIENTS_FILE, VAULT_FILE};
use crate::vault::FORMAT_VERSION;

/// The lines printed so far and how many were problems.
#[derive(Default)]
struct Report {
    text: String,
    problems: usize,
}

impl Report {
    fn ok(&mut self, what: &str, detail: impl Display) {
        self.text
            .push_str(&format!("ok       {what:<11} {detail}\n"));
    }

    fn problem(&mut self, what: &str, detail: impl Display) {
        self.problems += 1;
        self.text
            .push_str(&format!("problem  {what:<11} {detail}\n"));
    }
}

/// Octal permission bits.
fn mode_of(meta: &fs::Metadata) -> u32 {
    meta.permissions().mode() & 0o7777
}

fn name_of(path: &Path) -> String {
    display(&path.display().to_string()).into_owned()
}

pub fn run(ctx: &Ctx, _args: DoctorArgs, given: Option<&Path>) -> Result<u8> {
    let mut r = Report::default();
    let dir = ctx.dir.path();
    let status = check(ctx, given, dir, &mut r);
    out(&r.text)?;
    if r.problems == 0 && status {
        eprintln!("All checks passed.");
        Ok(0)
    } else {
        eprintln!(
            "{} problem(s) found; nothing was changed. Each line says what to do.",
            r.problems.max(1)
        );
        Ok(1)
    }
}

/// Runs every check in order; false when a problem stopped the checks early.
fn check(ctx: &Ctx, given: Option<&Path>, dir: &Path, r: &mut Report) -> bool {
    // The folder.
    if let Some(g) = given
        && fs::symlink_metadata(g).is_ok_and(|m| m.file_type().is_symlink())
    {
        r.ok(
            "folder",
            format!(
                "{} is a symlink to {}; changes are written in the real folder",
                name_of(g),
                name_of(dir)
            ),
        );
    }
    let meta = match fs::metadata(dir) {
        Ok(m) if m.is_dir() => m,
        Ok(_) => {
            r.problem(
                "folder",
                format!(
                    "{} is not a folder; point --dir or BCODE_DIR at the vault folder",
                    name_of(dir)
                ),
            );
            return false;
        }
        Err(e) => {
            r.problem(
                "folder",
                format!(
                    "{} cannot be read ({e}); create a vault with: bcode init (or give the right --dir)",
                    name_of(dir)
                ),
            );
            return false;
        }
    };
    if mode_of(&meta) & 0o077 == 0 {
        r.ok(
            "folder",
            format!("{} (mode {:04o})", name_of(dir), mode_of(&meta)),
        );
    } else {
        r.problem(
            "folder",
            format!(
                "{} has mode {:04o}: others can list it; fix: chmod 700 {}",
                name_of(dir),
                mode_of(&meta),
                name_of(dir)
            ),
        );
    }
    check_files(dir, r);

    // The lock: held shared for the rest, so no temp file of a running command is
    // mistaken for a stale one and the vault is read between changes.
    let lock_path = dir.join(LOCK_FILE);
    let _lock = match File::open(&lock_path) {
        Ok(f) => match f.try_lock_shared() {
            Ok(()) => {
                r.ok("lock", format!("{} (free)", name_of(&lock_path)));
                Some(f)
            }
            Err(_) => {
                r.ok(
                    "lock",
                    format!(
                        "{} is held by a running bcode command (temp files not checked)",
                        name_of(&lock_path)
                    ),
                );
                None
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            r.ok(
                "lock",
                format!("{} absent; made when needed", name_of(&lock_path)),
            );
            None
        }
        Err(e) => {
            r.problem(
                "lock",
                format!(
                    "{} cannot be opened ({e}); changes will fail until it can: check its owner and mode (0600)",
                    name_of(&lock_path)
                ),
            );
            None
        }
    };
    if _lock.is_some() {
        check_temp_files(dir, r);
    }

    // Settings, recipients, identity.
    let config = match ctx.dir.config() {
        Ok(c) => {
            r.ok("config", "readable");
            Some(c)
        }
        Err(e) => {
            r.problem(
                "config",
                format!("{e}; rewrite it or remove it (a passphrase vault needs none)"),
            );
            None
        }
    };
    let recipients = match ctx.dir.recipients() {
        Ok(list) => {
            r.ok("recipients", format!("{} recipient(s)", list.len()));
            Some(list)
        }
        Err(e) => {
            r.problem(
                "recipients",
                format!(
                    "{e}; no change can be saved until it lists your public key: age-keygen -y IDENTITY > {}",
                    name_of(&dir.join(RECIPIENTS_FILE))
                ),
            );
            None
        }
    };
    if let Some(path) = config.as_ref().and_then(|c| c.identity.clone())
        && keys::identity_override().is_none()
        && let Ok(meta) = fs::metadata(&path)
        && mode_of(&meta) & 0o077 != 0
    {
        r.problem(
            "identity",
            format!(
                "{} has mode {:04o}: others can read the key; fix: chmod 600 {}",
                name_of(&path),
                mode_of(&meta),
                name_of(&path)
            ),
        );
    }
    let keys = match ctx.dir.unlock_identity() {
        Ok(k) => {
            let source = match (keys::identity_override(), config.and_then(|c| c.identity)) {
                (Some(p), _) => format!("{} (BCODE_IDENTITY)", name_of(&p)),
                (None, Some(p)) => name_of(&p),
                (None, None) => name_of(&dir.join(IDENTITY_FILE)),
            };
            r.ok("identity", format!("{source} loads"));
            k
        }
        Err(e) => {
            r.problem("identity", e);
            r.problem(
                "vault",
                "not checked: the identity is needed to open it (fix the identity first)",
            );
            return false;
        }
    };
    if let Some(list) = &recipients {
        let probe = b"bcode doctor probe";
        let opens = keys::encrypt(list, probe)
            .ok()
            .and_then(|ct| keys.decrypt(&ct, Path::new("probe")).ok())
            .is_some_and(|pt| pt.as_slice() == probe);
        if opens {
            r.ok("recipients", "include this identity");
        } else {
            r.problem(
                "recipients",
                format!(
                    "this identity is not among them: the next change would lock you out. Fix it before any change: age-keygen -y IDENTITY > {}",
                    name_of(&dir.join(RECIPIENTS_FILE))
                ),
            );
        }
    }

    check_vault(ctx, dir, &keys, r);
    check_backups(ctx, &keys, r);
    true
}

/// Every entry of the folder and of backups/: no symlinks, nothing readable by others.
fn check_files(dir: &Path, r: &mut Report) {
    let mut seen = 0;
    let mut bad = 0;
    let mut walk = vec![dir.to_path_buf()];
    while let Some(d) = walk.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            r.problem("files", format!("{} cannot be listed", name_of(&d)));
            bad += 1;
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = fs::symlink_metadata(&path) else {
                continue;
            };
            seen += 1;
            if meta.file_type().is_symlink() {
                bad += 1;
                r.problem(
                    "files",
                    format!(
                        "{} is a symlink; bcode replaces files on change and would break it: move the real file here",
                        name_of(&path)
                    ),
                );
            } else if meta.is_dir() {
                if mode_of(&meta) & 0o077 != 0 {
                    bad += 1;
                    r.problem(
                        "files",
                        format!(
                            "{} has mode {:04o}; fix: chmod 700 {}",
                            name_of(&path),
                            mode_of(&meta),
                            name_of(&path)
                        ),
                    );
                }
                if path.file_name().is_some_and(|n| n == BACKUP_DIR) {
                    walk.push(path);
                }
            } else if mode_of(&meta) & 0o077 != 0 {
                bad += 1;
                r.problem(
                    "files",
                    format!(
                        "{} has mode {:04o}: others can read it; fix: chmod 600 {}",
                        name_of(&path),
                        mode_of(&meta),
                        name_of(&path)
                    ),
                );
            }
        }
    }
    if bad == 0 {
        r.ok(
            "files",
            format!("{seen} entries, none a symlink, none open to others"),
        );
    }
}

/// Temp files left by a killed command (only called while holding the lock).
fn check_temp_files(dir: &Path, r: &mut Report) {
    let stale: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .filter(|n| n.starts_with(".tmp-"))
        .collect();
    if stale.is_empty() {
        r.ok("temp files", "none left over");
    } else {
        r.problem(
            "temp files",
            format!(
                "{} left by an interrupted command (harmless, never read); the next change removes them, or: rm {}/.tmp-*",
                stale.len(),
                name_of(dir)
            ),
        );
    }
}

fn check_vault(ctx: &Ctx, dir: &Path, keys: &Unlocked, r: &mut Report) {
    let path = dir.join(VAULT_FILE);
    if !path.exists() {
        r.problem(
            "vault",
            format!(
                "{} is missing; bring back the newest backup with: bcode restore 1 (or create a vault with: bcode init)",
                name_of(&path)
            ),
        );
        return;
    }
    match ctx.dir.load(keys) {
        Ok(v) => {
            let unused: usize = v.services.values().map(|s| s.status().unused).sum();
            r.ok(
                "vault",
                format!(
                    "{} opens: format {} (this bcode reads up to {FORMAT_VERSION}), {} service(s), {unused} unused code(s)",
                    name_of(&path),
                    v.version,
                    v.services.len()
                ),
            );
        }
        Err(e) => r.problem("vault", e),
    }
}

fn check_backups(ctx: &Ctx, keys: &Unlocked, r: &mut Report) {
    let list = match ctx.dir.backups() {
        Ok(l) => l,
        Err(e) => {
            r.problem("backups", e);
            return;
        }
    };
    let mut good = 0;
    for path in &list {
        match store::read_file(path).and_then(|b| store::load_bytes(&b, keys, path)) {
            Ok(_) => good += 1,
            Err(e) => r.problem(
                "backups",
                format!(
                    "{} does not open ({e}); it cannot be restored: delete it",
                    name_of(path)
                ),
            ),
        }
    }
    if good == list.len() {
        r.ok(
            "backups",
            format!(
                "{good} of {} open (kept: {})",
                list.len(),
                store::KEEP_BACKUPS
            ),
        );
    }
}
