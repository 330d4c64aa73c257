//! The errors a command can end with: what failed, which file, what to do next, and an exit code.

use std::path::PathBuf;

use crate::import::ImportError;
use crate::name::NameError;
use crate::vault::{DecodeError, VaultError};

/// Exit codes, documented in the README and the man page.
pub mod exit {
    /// Something failed (a rule refused, a file could not be written).
    pub const FAILURE: u8 = 1;
    /// The command line was wrong.
    pub const USAGE: u8 = 2;
    /// No vault in the folder yet.
    pub const NO_VAULT: u8 = 3;
    /// The vault could not be unlocked: wrong passphrase, missing or wrong identity.
    pub const LOCKED_OUT: u8 = 4;
    /// The vault file is damaged or from a newer bcode.
    pub const DAMAGED: u8 = 5;
    /// The service has no unused code left.
    pub const EXHAUSTED: u8 = 6;
    /// The input held no codes, or was refused.
    pub const BAD_INPUT: u8 = 7;
}

/// Everything a command can fail with. No variant ever holds a code or a passphrase.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no vault in {}; create one with: bcode init", dir.display())]
    NoVault { dir: PathBuf },

    #[error("a vault already exists in {}; nothing was changed (use --dir for another folder)", dir.display())]
    VaultExists { dir: PathBuf },

    #[error("could not {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "{} is damaged: {detail}. It was not changed. Bring back the last good copy with: bcode restore (or open it by hand with: age -d -i IDENTITY {})",
        path.display(), path.display()
    )]
    Damaged { path: PathBuf, detail: String },

    #[error("{}: {source}. It was not changed", path.display())]
    Newer {
        path: PathBuf,
        #[source]
        source: DecodeError,
    },

    #[error(
        "{} is not encrypted to this identity (or its header is damaged); it was not changed. Check BCODE_IDENTITY or the identity the vault was set up with; if the file was replaced or damaged, bring back the last good copy with: bcode restore",
        path.display()
    )]
    NotForThisIdentity { path: PathBuf },

    #[error("wrong passphrase for {}; nothing was changed", path.display())]
    WrongPassphrase { path: PathBuf },

    #[error("cannot use the identity {}: {detail}", path.display())]
    Identity { path: PathBuf, detail: String },

    #[error("the recipients file {} is not usable: {detail}", path.display())]
    Recipients { path: PathBuf, detail: String },

    #[error("no terminal to ask for {what}: {hint}")]
    NoTerminal { what: String, hint: String },

    #[error("{0}")]
    Vault(#[from] VaultError),

    #[error("{0}; nothing was stored")]
    Import(#[from] ImportError),

    #[error("{0}")]
    Name(#[from] NameError),

    #[error("{0}")]
    Other(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NoVault { .. } => exit::NO_VAULT,
            Error::WrongPassphrase { .. }
            | Error::NotForThisIdentity { .. }
            | Error::Identity { .. }
            | Error::NoTerminal { .. } => exit::LOCKED_OUT,
            Error::Damaged { .. } | Error::Newer { .. } | Error::Recipients { .. } => exit::DAMAGED,
            Error::Vault(VaultError::NoUnusedCodes(_)) => exit::EXHAUSTED,
            Error::Import(_) => exit::BAD_INPUT,
            Error::Name(_) => exit::USAGE,
            _ => exit::FAILURE,
        }
    }

    /// An I/O error with the action and the file.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// The result type of every command.
pub type Result<T, E = Error> = std::result::Result<T, E>;
