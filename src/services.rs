//! The known-service table: what each service's backup codes look like and where to get a new set.

use crate::vault::SetKind;

/// What bcode knows about one service's backup codes.
#[derive(Debug)]
pub struct ServiceProfile {
    /// The lowercase key users type: `github`.
    pub id: &'static str,
    /// Other names that mean the same service.
    pub aliases: &'static [&'static str],
    /// The name as the service writes it: `GitHub`.
    pub display: &'static str,
    /// A set of one-time codes, a single code, or a reusable recovery key.
    pub kind: SetKind,
    /// How many codes a set usually holds.
    pub usual_count: Option<usize>,
    /// Where the user generates a new set.
    pub new_set_url: &'static str,
}

/// Every known service.
pub static SERVICES: &[ServiceProfile] = &[
    ServiceProfile {
        id: "github",
        aliases: &[],
        display: "GitHub",
        kind: SetKind::Set,
        usual_count: Some(16),
        new_set_url: "https://github.com/settings/auth/recovery-codes",
    },
    ServiceProfile {
        id: "google",
        aliases: &["gmail"],
        display: "Google",
        kind: SetKind::Set,
        usual_count: Some(10),
        new_set_url: "https://myaccount.google.com/two-step-verification/backup-codes",
    },
];

/// The profile for a service name; `github/work` finds `github`. Case-insensitive.
pub fn lookup(name: &str) -> Option<&'static ServiceProfile> {
    let base = name.split('/').next().unwrap_or(name).to_lowercase();
    SERVICES
        .iter()
        .find(|p| p.id == base || p.aliases.contains(&base.as_str()))
}
