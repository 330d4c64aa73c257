//! `bcode remove`: delete a service and its codes, after asking.

use crate::cli::RemoveArgs;
use crate::cmd::{Ctx, change_vault_with, codes, confirm, read_vault_with};
use crate::error::{Error, Result};
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: RemoveArgs) -> Result<u8> {
    let name = &args.service;
    // One unlock for the look and the change: a passphrase vault asks once.
    let keys = ctx.dir.unlock()?;
    if !args.yes {
        let vault = read_vault_with(ctx, &keys)?;
        let st = vault.service(name)?.status();
        let question = format!(
            "Remove {} and its {} ({} unused)? A backup of the vault is kept.",
            display(name.as_str()),
            codes(st.total),
            st.unused
        );
        if !crate::keys::has_terminal() {
            return Err(Error::Other(format!(
                "not removing {} without confirmation; add --yes",
                display(name.as_str())
            )));
        }
        if !confirm(&question)? {
            eprintln!("Nothing was removed.");
            return Ok(1);
        }
    }
    let removed = change_vault_with(ctx, &keys, &format!("remove {name}"), |vault| {
        Ok(vault.remove(name, ctx.now)?)
    })?;
    eprintln!(
        "Removed {} ({}). Undo with: bcode restore 1",
        display(name.as_str()),
        codes(removed.codes.len())
    );
    Ok(0)
}
