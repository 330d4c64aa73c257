//! `bcode merge`: unite another copy of the vault with this one, losing nothing.

use crate::cli::MergeArgs;
use crate::cmd::{Ctx, codes};
use crate::error::Result;
use crate::merge;
use crate::store;

pub fn run(ctx: &Ctx, args: MergeArgs) -> Result<u8> {
    let keys = ctx.dir.unlock()?;
    let other = store::load_bytes(&store::read_file(&args.other)?, &keys, &args.other)?;
    let lock = ctx.dir.lock_exclusive()?;
    let current = ctx.dir.load(&keys)?;
    let merged = merge::merge(&current, &other);
    if merged == current {
        eprintln!(
            "Nothing to merge: {} holds nothing this vault lacks.",
            args.other.display()
        );
        return Ok(0);
    }
    ctx.dir.save(&merged, &lock, ctx.now)?;
    let c = merge::changes(&current, &merged);
    crate::git::record(ctx.dir.path(), "merge another copy of the vault");
    eprintln!(
        "Merged {}: {} new service(s), {} new, {} newly marked used, {} service(s) removed. The vault before is the newest backup.",
        args.other.display(),
        c.services_added,
        codes(c.codes_added),
        codes(c.codes_newly_used),
        c.services_removed
    );
    Ok(0)
}
