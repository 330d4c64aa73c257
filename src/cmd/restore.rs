//! `bcode restore`: list the backups, or bring one back (the current vault becomes a backup).

use std::path::PathBuf;

use crate::cli::RestoreArgs;
use crate::cmd::{Ctx, out};
use crate::error::{Error, Result};
use crate::store::{self, BACKUP_DIR};

pub fn run(ctx: &Ctx, args: RestoreArgs) -> Result<u8> {
    let mut backups = ctx.dir.backups()?;
    backups.reverse(); // newest first
    let Some(which) = args.backup else {
        if backups.is_empty() {
            eprintln!("No backups yet in {}.", ctx.dir.file(BACKUP_DIR).display());
            return Ok(0);
        }
        let mut text = String::new();
        for (i, path) in backups.iter().enumerate() {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            text.push_str(&format!("{:>2}  {name}  {size} bytes\n", i + 1));
        }
        out(&text)?;
        eprintln!("Bring one back with: bcode restore N   (1 is the newest)");
        return Ok(0);
    };
    let path = pick(&backups, &which).ok_or_else(|| {
        Error::Other(format!(
            "no backup '{which}' in {}; list them with: bcode restore",
            ctx.dir.file(BACKUP_DIR).display()
        ))
    })?;
    // Works without vault.age too: bringing back a lost vault is what backups are for.
    let keys = ctx.dir.unlock_identity()?;
    let lock = ctx.dir.lock_exclusive()?;
    let vault = store::load_bytes(&store::read_file(&path)?, &keys, &path)?;
    ctx.dir.save(&vault, &lock, ctx.now)?;
    crate::git::record(ctx.dir.path(), "restore an earlier vault");
    eprintln!(
        "Restored {} ({} services). The vault it replaced is now the newest backup.",
        path.display(),
        vault.services.len()
    );
    Ok(0)
}

fn pick(backups: &[PathBuf], which: &str) -> Option<PathBuf> {
    if let Ok(n) = which.parse::<usize>() {
        return n.checked_sub(1).and_then(|i| backups.get(i)).cloned();
    }
    backups
        .iter()
        .find(|p| p.file_name().is_some_and(|f| f.to_string_lossy() == which))
        .cloned()
}
