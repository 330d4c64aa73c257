//! `bcode passwd`: change the passphrase that protects the vault's identity.

use crate::cli::PasswdArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::keys;
use crate::store::{self, IDENTITY_FILE};

pub fn run(ctx: &Ctx, _args: PasswdArgs) -> Result<u8> {
    if !ctx.dir.has_vault() {
        return Err(Error::NoVault {
            dir: ctx.dir.path().to_path_buf(),
        });
    }
    let path = ctx.dir.file(IDENTITY_FILE);
    if !path.exists() {
        return Err(Error::Other(format!(
            "this vault opens with an identity file, not a passphrase (no {}); protect that file instead",
            path.display()
        )));
    }
    let sealed = store::read_file(&path)?;
    let old = keys::read_passphrase("Current passphrase: ", keys::ENV_PASSPHRASE_FILE)?;
    let secret = keys::open_sealed_identity(&sealed, &old, &path)?;
    let new = keys::read_new_passphrase(keys::ENV_NEW_PASSPHRASE_FILE)?;
    let resealed = keys::seal_identity(&secret, &new)?;
    let _lock = ctx.dir.lock_exclusive()?;
    ctx.dir.write_atomic(IDENTITY_FILE, &resealed)?;
    crate::git::record(ctx.dir.path(), "change the passphrase");
    eprintln!("Changed the passphrase of {}.", path.display());
    Ok(0)
}
