//! `bcode unuse`: put a used code back (the login did not take it).

use crate::cli::UnuseArgs;
use crate::cmd::{Ctx, change_service, codes, read_code};
use crate::error::Result;
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: UnuseArgs) -> Result<u8> {
    let name = &args.service;
    let typed = zeroize::Zeroizing::new(read_code(args.code, "Code to mark unused")?);
    let unused = change_service(ctx, name, &format!("unuse a code of {name}"), |vault| {
        vault.mark_unused(name, &typed, ctx.now)?;
        Ok((vault.services[name].status().unused, true))
    })?;
    eprintln!(
        "Marked that code of {} unused again; {} unused.",
        display(name.as_str()),
        codes(unused)
    );
    Ok(0)
}
