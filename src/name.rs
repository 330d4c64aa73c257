//! Validated service names: `github`, `github/work`; built once at the edge, trusted after.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest service name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// A normalised service name: lowercase, no whitespace or control characters,
/// `/`-separated parts (`github/work` for a second account at GitHub).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ServiceName(String);

/// Why a service name was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NameError {
    #[error("a service name cannot be empty")]
    Empty,
    #[error("a service name is at most {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error(
        "a service name may not contain spaces, control characters or quotes; use letters, digits, '-', '_', '.', '@', '+' and '/' (as in github/work)"
    )]
    BadCharacter,
    #[error("a service name cannot start or end with '/' or contain '//' (use github/work)")]
    BadSlash,
}

impl ServiceName {
    /// Parses and normalises a name as the user typed it (case-insensitive).
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = raw.trim().to_lowercase();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(NameError::TooLong);
        }
        let allowed = |c: char| c.is_alphanumeric() || "-_.@+/".contains(c);
        if !name.chars().all(allowed) {
            return Err(NameError::BadCharacter);
        }
        if name.starts_with('/') || name.ends_with('/') || name.contains("//") {
            return Err(NameError::BadSlash);
        }
        Ok(ServiceName(name))
    }

    /// The normalised name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The service part of the name: `github` for `github/work`.
    pub fn base(&self) -> &str {
        self.0.split('/').next().unwrap_or(&self.0)
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ServiceName {
    type Error = NameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        ServiceName::parse(&value)
    }
}

impl From<ServiceName> for String {
    fn from(value: ServiceName) -> Self {
        value.0
    }
}

impl std::str::FromStr for ServiceName {
    type Err = NameError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ServiceName::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_keeps_accounts() {
        let n = ServiceName::parse("GitHub/Work").unwrap();
        assert_eq!(n.as_str(), "github/work");
        assert_eq!(n.base(), "github");
    }

    #[test]
    fn refuses_bad_names() {
        assert_eq!(ServiceName::parse("  "), Err(NameError::Empty));
        assert_eq!(ServiceName::parse("a b"), Err(NameError::BadCharacter));
        assert_eq!(
            ServiceName::parse("evil\u{1b}[31m"),
            Err(NameError::BadCharacter)
        );
        assert_eq!(
            ServiceName::parse("x\u{202e}y"),
            Err(NameError::BadCharacter)
        );
        assert_eq!(ServiceName::parse("/github"), Err(NameError::BadSlash));
        assert_eq!(ServiceName::parse("a//b"), Err(NameError::BadSlash));
        assert_eq!(ServiceName::parse(&"a".repeat(65)), Err(NameError::TooLong));
    }

    #[test]
    fn accepts_unicode_letters() {
        assert_eq!(ServiceName::parse("Ünïcode").unwrap().as_str(), "ünïcode");
    }
}
