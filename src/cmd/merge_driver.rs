//! `bcode merge-driver`: git's merge driver for vault.age; merges theirs into ours in place.

use crate::cli::MergeDriverArgs;
use crate::cmd::Ctx;
use crate::error::Result;
use crate::{keys, merge, store, vault};

pub fn run(ctx: &Ctx, args: MergeDriverArgs) -> Result<u8> {
    let keys = ctx.dir.unlock()?;
    let ours = store::load_bytes(&store::read_file(&args.ours)?, &keys, &args.ours)?;
    let theirs = store::load_bytes(&store::read_file(&args.theirs)?, &keys, &args.theirs)?;
    // The ancestor adds nothing that either side lacks: the merge is a union.
    let merged = merge::merge(&ours, &theirs);
    let recipients = ctx.dir.recipients()?;
    let ciphertext = keys::encrypt(&recipients, &vault::encode(&merged))?;
    std::fs::write(&args.ours, ciphertext)
        .map_err(|e| crate::error::Error::io("write the merge result to", &args.ours, e))?;
    Ok(0)
}
