//! The bcode binary: parse the command line, run it, turn an error into a message and an exit code.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use bcode::cli::Cli;
use bcode::error::Error;
use clap::{CommandFactory, Parser};

fn main() -> ExitCode {
    // No core dump may carry a decrypted vault, an identity or a passphrase to disk.
    // Best effort: a platform that refuses still runs bcode.
    let _ = rlimit::setrlimit(rlimit::Resource::CORE, 0, 0);
    clap_complete::CompleteEnv::with_factory(Cli::command)
        .var(bcode::complete::COMPLETE_VAR)
        .complete();
    let cli = Cli::parse();
    match bcode::cmd::run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bcode: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
