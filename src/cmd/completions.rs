//! `bcode completions`: print the shell's completion script.

use crate::cli::CompletionsArgs;
use crate::cmd::out;
use crate::complete;
use crate::error::{Error, Result};

pub fn run(args: &CompletionsArgs) -> Result<u8> {
    let script = complete::registration_script(args.shell)
        .map_err(|e| Error::Other(format!("cannot write the completion script: {e}")))?;
    out(&String::from_utf8_lossy(&script))?;
    Ok(0)
}
