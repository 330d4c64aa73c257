//! Shell completion: the registration scripts and service names completed at TAB, never prompting.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;

use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::EnvCompleter;

use crate::keys;
use crate::store::{NAMES_FILE, VaultDir};

/// The environment variable that makes bcode answer a completion request.
pub const COMPLETE_VAR: &str = "COMPLETE";

/// Completes a service-name argument from the vault, when that needs no secret.
pub fn service_candidates() -> ArgValueCandidates {
    ArgValueCandidates::new(|| {
        names_without_asking()
            .unwrap_or_default()
            .into_iter()
            .map(CompletionCandidate::new)
            .collect::<Vec<_>>()
    })
}

/// The service names, if they can be read without asking anything: from the opt-in
/// plain names list, or by decrypting with an identity file. `None` otherwise.
pub fn names_without_asking() -> Option<Vec<String>> {
    let dir = VaultDir::locate(dir_from_command_line().as_deref()).ok()?;
    let config = dir.config().ok()?;
    if config.plain_names {
        let text = std::fs::read_to_string(dir.file(NAMES_FILE)).ok()?;
        return Some(text.lines().map(str::to_owned).collect());
    }
    let identity = keys::identity_override().or(config.identity)?;
    let unlocked = keys::load_identity_file_without_asking(&identity).ok()??;
    // Names only: the services are split, not decoded (this runs at every TAB).
    let plaintext = dir.load_plaintext(&unlocked).ok()?;
    let text = std::str::from_utf8(&plaintext).ok()?;
    let doc = crate::partial::decode_partial(text).ok()?;
    Some(doc.names().map(str::to_owned).collect())
}

/// `--dir DIR` or `--dir=DIR` from the words being completed, else `$BCODE_DIR`.
fn dir_from_command_line() -> Option<PathBuf> {
    let words: Vec<OsString> = std::env::args_os().collect();
    let mut found = None;
    for (i, w) in words.iter().enumerate() {
        let w = w.to_string_lossy();
        if let Some(v) = w.strip_prefix("--dir=") {
            found = Some(PathBuf::from(v));
        } else if w == "--dir"
            && let Some(v) = words.get(i + 1)
        {
            found = Some(PathBuf::from(v));
        }
    }
    found.or_else(|| {
        std::env::var_os("BCODE_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
}

/// The registration script for a shell: it calls `bcode` (found on PATH) at each TAB.
pub fn registration_script(shell: clap_complete::Shell) -> std::io::Result<Vec<u8>> {
    let shells = clap_complete::env::Shells::builtins();
    let completer: &dyn EnvCompleter = shells
        .completer(&shell.to_string())
        .ok_or_else(|| std::io::Error::other(format!("no completion support for {shell}")))?;
    let mut buf = Vec::new();
    completer.write_registration(COMPLETE_VAR, "bcode", "bcode", "bcode", &mut buf)?;
    buf.flush()?;
    Ok(buf)
}
