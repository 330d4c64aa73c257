//! `bcode rename`: give a service a new name, keeping its codes.

use crate::cli::RenameArgs;
use crate::cmd::{Ctx, change_vault};
use crate::error::Result;
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: RenameArgs) -> Result<u8> {
    change_vault(
        ctx,
        &format!("rename {} to {}", args.old, args.new),
        |vault| Ok(vault.rename(&args.old, &args.new, ctx.now)?),
    )?;
    eprintln!(
        "Renamed {} to {}.",
        display(args.old.as_str()),
        display(args.new.as_str())
    );
    Ok(0)
}
