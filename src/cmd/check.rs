//! `bcode check`: exit 1 when a service runs low, listing those that do (for cron and status bars).

use crate::cli::CheckArgs;
use crate::cmd::{Ctx, out, read_summaries, warn_low};
use crate::error::Result;
use crate::sanitize::display;

pub fn run(ctx: &Ctx, args: CheckArgs) -> Result<u8> {
    let summaries = read_summaries(ctx)?;
    let low: Vec<_> = summaries.iter().filter(|(_, s)| s.status.low).collect();
    if low.is_empty() {
        return Ok(0);
    }
    if !args.quiet {
        let mut text = String::new();
        for (name, s) in &low {
            text.push_str(&format!(
                "{}: {} of {} unused\n",
                display(name.as_str()),
                s.status.unused,
                s.status.total
            ));
        }
        out(&text)?;
        for (name, s) in &low {
            warn_low(name, s.kind, &s.status);
        }
    }
    Ok(1)
}
