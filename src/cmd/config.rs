//! `bcode config`: show or change the folder's plain settings (the opt-in names list).

use crate::cli::{ConfigArgs, OnOff, Setting};
use crate::cmd::{Ctx, out, read_vault};
use crate::error::{Error, Result};
use crate::store::NAMES_FILE;

pub fn run(ctx: &Ctx, args: ConfigArgs) -> Result<u8> {
    if !ctx.dir.has_vault() {
        return Err(Error::NoVault {
            dir: ctx.dir.path().to_path_buf(),
        });
    }
    let mut config = ctx.dir.config()?;
    let (Some(Setting::PlainNames), Some(value)) = (args.setting, args.value) else {
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
    let names_path = ctx.dir.file(NAMES_FILE);
    match value {
        OnOff::On => {
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
        OnOff::Off => {
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
    }
    Ok(0)
}
