//! `bcode init`: create the vault folder, its identity (or adopt one) and an empty vault.

use crate::cli::InitArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};
use crate::keys;
use crate::store::{Config, IDENTITY_FILE, RECIPIENTS_FILE};
use crate::vault::Vault;

pub fn run(mut ctx: Ctx, args: InitArgs) -> Result<u8> {
    if ctx.dir.has_vault() {
        return Err(Error::VaultExists {
            dir: ctx.dir.path().to_path_buf(),
        });
    }
    // vault.age gone but backups left: a new identity would overwrite the one that
    // opens them. Send the user to restore instead.
    let backups = ctx.dir.backups()?;
    if !backups.is_empty() {
        return Err(Error::Other(format!(
            "{} has no vault.age but holds {} backups of an earlier vault; nothing was changed. Bring the newest back with: bcode restore 1 (or move the folder away to start afresh)",
            ctx.dir.path().display(),
            backups.len()
        )));
    }
    // Ask for everything before creating anything, so a failed prompt leaves no trace.
    enum Key {
        Brought(std::path::PathBuf, Vec<String>),
        Sealed(Vec<u8>, String),
    }
    let key = match &args.identity {
        Some(path) => {
            let path = std::fs::canonicalize(path).map_err(|e| Error::Identity {
                path: path.clone(),
                detail: format!("cannot find it: {e}"),
            })?;
            // Loading checks that the identity is usable (and asks for the passphrase of
            // a protected SSH key, so a typo is caught now rather than at the first use).
            let unlocked = keys::load_identity_file(&path)?;
            let recipients = unlocked
                .public_keys(&path)?
                .into_iter()
                .map(|r| r.key)
                .collect();
            Key::Brought(path, recipients)
        }
        None => {
            let (secret, recipient) = keys::generate_identity();
            eprintln!(
                "Choose a passphrase for the new vault. It protects the key that opens your codes;"
            );
            eprintln!("there is no way to recover it if forgotten.");
            let pass = keys::read_new_passphrase(keys::ENV_PASSPHRASE_FILE)?;
            Key::Sealed(keys::seal_identity(&secret, &pass)?, recipient)
        }
    };

    ctx.dir.create()?;
    let lock = ctx.dir.lock_exclusive()?;
    if ctx.dir.has_vault() {
        return Err(Error::VaultExists {
            dir: ctx.dir.path().to_path_buf(),
        });
    }
    let recipients = match key {
        Key::Brought(path, recipients) => {
            ctx.dir.write_config(
                &Config {
                    identity: Some(path),
                    ..Config::default()
                },
                &lock,
            )?;
            recipients
        }
        Key::Sealed(sealed, recipient) => {
            ctx.dir.write_atomic(IDENTITY_FILE, &sealed)?;
            ctx.dir.write_config(&Config::default(), &lock)?;
            vec![recipient]
        }
    };
    let mut list = recipients.join("\n");
    list.push('\n');
    ctx.dir.write_atomic(RECIPIENTS_FILE, list.as_bytes())?;
    // The vault file goes last: its presence marks a finished init.
    ctx.dir.save(&Vault::new(), &lock, ctx.now)?;

    eprintln!(
        "Created the vault in {} (encrypted to {}).",
        ctx.dir.path().display(),
        recipients.join(", ")
    );
    eprintln!(
        "Next: bcode add SERVICE < codes.txt   (for example: bcode add github < github-recovery-codes.txt)"
    );
    Ok(0)
}
