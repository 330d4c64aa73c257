//! `bcode config`: show or change the folder's plain settings (the opt-in names list).

use crate::cli::{ConfigArgs, Setting};
use crate::cmd::{Ctx, out, read_vault};
use crate::error::{Error, Result};
use crate::store::NAMES_FILE;

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<u8> {
    if !ctx.dir.has_vault() {
        return Err(Error::NoVault {
            dir: ctx.dir.path().to_path_buf(),
        });
    }
    let config = ctx.dir.config()?;
    let (Some(setting), Some(value)) = (args.setting, args.value) else {
        let identity = config
            .identity
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "identity.age (passphrase)".into());
        let names = if config.plain_names { "on" } else { "off" };
        out(&format!(
            "folder       {}\nidentity     {identity}\nplain-names  {names}\n",
            ctx.dir.path().display()
        ))?;
        return Ok(0);
    };
    match setting {
        Setting::PlainNames => plain_names(ctx, config, &value),
        Setting::Identity => identity(ctx, config, &value),
    }
}

fn plain_names(ctx: &Ctx, mut config: crate::store::Config, value: &str) -> Result<u8> {
    let names_path = ctx.dir.file(NAMES_FILE);
    match value {
        "on" => {
            let vault = read_vault(ctx)?;
            let lock = ctx.dir.lock_exclusive()?;
            config.plain_names = true;
            ctx.dir.write_config(&config, &lock)?;
            ctx.dir.write_names(&vault)?;
            eprintln!(
                "Keeping a plain list of service names in {} for shell completion. It shows which services you hold codes for, never the codes.",
                names_path.display()
            );
        }
        "off" => {
            let lock = ctx.dir.lock_exclusive()?;
            config.plain_names = false;
            ctx.dir.write_config(&config, &lock)?;
            match std::fs::remove_file(&names_path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io("remove", names_path, e)),
            }
            eprintln!("No plain list of service names is kept.");
        }
        other => {
            return Err(Error::Other(format!(
                "plain-names is 'on' or 'off', not '{}'",
                crate::sanitize::display(other)
            )));
        }
    }
    Ok(0)
}

/// Which identity this device opens the vault with (a second device after a clone).
fn identity(ctx: &Ctx, mut config: crate::store::Config, value: &str) -> Result<u8> {
    if value == "none" {
        config.identity = None;
    } else {
        let path = std::fs::canonicalize(value).map_err(|e| Error::Identity {
            path: value.into(),
            detail: format!("cannot find it: {e}"),
        })?;
        let keys = crate::keys::load_identity_file(&path)?;
        // It must open the vault before it is recorded.
        ctx.dir.load(&keys)?;
        config.identity = Some(path);
    }
    let lock = ctx.dir.lock_exclusive()?;
    ctx.dir.write_config(&config, &lock)?;
    eprintln!("This device now opens the vault with {value}.");
    Ok(0)
}
