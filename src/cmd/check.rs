//! `bcode check`: exit 1 when a service runs low, listing those that do (for cron and status bars).

use crate::cli::CheckArgs;
use crate::cmd::{Ctx, out, read_vault, warn_if_low};
use crate::error::Result;
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<u8> {
    let vault = read_vault(ctx)?;
    let low = vault.low_services();
    if low.is_empty() {
        return Ok(0);
    }
    if !args.quiet {
        let mut text = String::new();
        for (name, st) in &low {
            text.push_str(&format!(
                "{}: {} of {} unused\n",
                display(name.as_str()),
                st.unused,
                st.total
            ));
        }
        out(&text)?;
        for (name, _) in &low {
            warn_if_low(name, &vault.services[*name]);
        }
    }
    Ok(1)
}
