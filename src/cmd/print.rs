//! `bcode print`: the paper copy, as text on stdout or a PDF file.

use crate::cli::PrintArgs;
use crate::cmd::Ctx;
use crate::error::{Error, Result};

pub fn run(_ctx: &Ctx, _args: PrintArgs) -> Result<u8> {
    Err(Error::Other("printing lands with the sheet layout".into()))
}
