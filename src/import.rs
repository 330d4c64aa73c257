//! The recogniser: text in, backup codes and warnings out; pure, no I/O.

use crate::services::ServiceProfile;
use crate::vault::NewCode;

/// The most input `recognise` accepts, in bytes.
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// What the recogniser found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The codes in the order they appear, in the form the user types them.
    pub codes: Vec<NewCode>,
    /// Things the user should check (an unusual count, say). Never contain a code.
    pub warnings: Vec<String>,
}

/// Why the recogniser refused. Messages never contain a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("no backup codes found in the input")]
    NoCodes,
    #[error("the input looks like binary data, not text")]
    Binary,
    #[error("the input is larger than {} KiB; give only the codes", MAX_INPUT_BYTES / 1024)]
    TooLarge,
}

/// Finds the backup codes in `input`. `profile` is the known service, if any.
pub fn recognise(input: &[u8], profile: Option<&ServiceProfile>) -> Result<Imported, ImportError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(ImportError::TooLarge);
    }
    if input.contains(&0) {
        return Err(ImportError::Binary);
    }
    let text = String::from_utf8_lossy(input);
    let text = text.trim_start_matches('\u{feff}');
    let mut codes = Vec::new();
    for line in text.lines() {
        let mut token = line.trim();
        // Strip list numbering like "1." or "01)".
        if let Some((head, rest)) = token.split_once(['.', ')', ':'])
            && !head.is_empty()
            && head.chars().all(|c| c.is_ascii_digit())
            && head.len() <= 2
        {
            token = rest.trim();
        }
        let plausible = (6..=40).contains(&token.len())
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ' ')
            && token.chars().any(|c| c.is_ascii_digit());
        if plausible {
            codes.push(NewCode {
                code: token.to_string(),
                used: false,
            });
        }
    }
    if codes.is_empty() {
        return Err(ImportError::NoCodes);
    }
    let mut warnings = Vec::new();
    if let Some(n) = profile.and_then(|p| p.usual_count)
        && n != codes.len()
    {
        warnings.push(format!(
            "found {} codes; a set usually has {n}",
            codes.len()
        ));
    }
    Ok(Imported { codes, warnings })
}
