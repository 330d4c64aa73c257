//! The known-service table: what each service's backup codes look like and where to get a new set.

use crate::vault::SetKind;

/// The characters a service's codes are made of (ignoring display separators).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alphabet {
    /// `0-9`.
    Digits,
    /// `0-9a-f` (in the case given by [`Case`]).
    Hex,
    /// Letters and digits.
    Alnum,
}

/// How letter case matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// The service ignores case and shows lowercase: stored lowercase.
    Lower,
    /// The service ignores case and shows uppercase: stored uppercase.
    Upper,
    /// Kept exactly as shown.
    AsShown,
}

/// The form a code is stored in: what the user types at the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    /// Letters and digits only (`1234 5678` becomes `12345678`).
    Compact,
    /// Regrouped into groups of this many characters joined by `sep` (`xxxxx-xxxxx`).
    Grouped { size: u8, sep: char },
    /// As shown, without spaces; dashes kept where the text had them.
    AsShown,
}

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
    /// The characters of a code.
    pub alphabet: Alphabet,
    /// The shortest and longest code, in letters and digits (separators not counted).
    pub length: (usize, usize),
    /// Whether case matters, and the case stored.
    pub case: Case,
    /// The stored form.
    pub store: Store,
    /// How the service shows one code (`xxxxx-xxxxx`), for messages and docs.
    pub shown_as: &'static str,
    /// The format is known for certain: text with no code of this shape is refused.
    /// When false the format is a best guess, used as a preference only.
    pub certain: bool,
}

impl ServiceProfile {
    /// Whether `compact` (letters and digits only) is a code of this service, up to case.
    pub fn accepts(&self, compact: &str) -> bool {
        let n = compact.len();
        if n < self.length.0 || n > self.length.1 {
            return false;
        }
        // Case is not checked: where the service ignores it, either is stored in one case.
        compact.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                && match self.alphabet {
                    Alphabet::Digits => b.is_ascii_digit(),
                    Alphabet::Hex => b.is_ascii_hexdigit(),
                    Alphabet::Alnum => b.is_ascii_alphanumeric(),
                }
        })
    }

    /// The stored form of a code shown as `shown` (display groups joined by spaces or
    /// dashes). Case is normalised only where the service ignores it.
    pub fn canonical(&self, shown: &str) -> String {
        let cased: String = match self.case {
            Case::Lower => shown.to_ascii_lowercase(),
            Case::Upper => shown.to_ascii_uppercase(),
            Case::AsShown => shown.to_string(),
        };
        match self.store {
            Store::Compact => cased.chars().filter(char::is_ascii_alphanumeric).collect(),
            Store::AsShown => cased.chars().filter(|c| !c.is_whitespace()).collect(),
            Store::Grouped { size, sep } => {
                let compact: Vec<char> =
                    cased.chars().filter(char::is_ascii_alphanumeric).collect();
                compact
                    .chunks(usize::from(size.max(1)))
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(&sep.to_string())
            }
        }
    }
}

macro_rules! service {
    ($id:literal, [$($alias:literal),*], $display:literal, $kind:ident, $count:expr, $url:literal,
     $alphabet:ident, $len:expr, $case:ident, $store:expr, $shown:literal, $certain:literal) => {
        ServiceProfile {
            id: $id,
            aliases: &[$($alias),*],
            display: $display,
            kind: SetKind::$kind,
            usual_count: $count,
            new_set_url: $url,
            alphabet: Alphabet::$alphabet,
            length: $len,
            case: Case::$case,
            store: $store,
            shown_as: $shown,
            certain: $certain,
        }
    };
}

const DASH5: Store = Store::Grouped { size: 5, sep: '-' };
const DASH4: Store = Store::Grouped { size: 4, sep: '-' };

/// Every known service. `certain: false` marks formats that are a best guess.
pub static SERVICES: &[ServiceProfile] = &[
    service!(
        "github",
        ["gh"],
        "GitHub",
        Set,
        Some(16),
        "https://github.com/settings/auth/recovery-codes",
        Hex,
        (10, 10),
        Lower,
        DASH5,
        "xxxxx-xxxxx",
        true
    ),
    service!(
        "google",
        ["gmail", "youtube", "googleworkspace", "gsuite"],
        "Google",
        Set,
        Some(10),
        "https://myaccount.google.com/two-step-verification/backup-codes",
        Digits,
        (8, 8),
        AsShown,
        Store::Compact,
        "1234 5678",
        true
    ),
    service!(
        "microsoft",
        ["outlook", "hotmail", "live", "msa", "xbox", "skype"],
        "Microsoft",
        Single,
        Some(1),
        "https://account.live.com/proofs/manage/additional",
        Alnum,
        (25, 25),
        Upper,
        DASH5,
        "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX",
        true
    ),
    service!(
        "facebook",
        ["fb", "meta"],
        "Facebook",
        Set,
        Some(10),
        "https://accountscenter.facebook.com/password_and_security/two_factor",
        Digits,
        (8, 8),
        AsShown,
        Store::Compact,
        "1234 5678",
        true
    ),
    service!(
        "instagram",
        ["ig"],
        "Instagram",
        Set,
        Some(5),
        "https://accountscenter.instagram.com/password_and_security/two_factor",
        Digits,
        (8, 8),
        AsShown,
        Store::Compact,
        "1234 5678",
        true
    ),
    service!(
        "x",
        ["twitter"],
        "X (Twitter)",
        Single,
        Some(1),
        "https://x.com/settings/account/login_verification",
        Alnum,
        (12, 12),
        Lower,
        Store::Compact,
        "xxxxxxxxxxxx",
        true
    ),
    service!(
        "discord",
        [],
        "Discord",
        Set,
        Some(10),
        "https://discord.com/channels/@me (User Settings > My Account > View Backup Codes)",
        Alnum,
        (8, 8),
        Lower,
        DASH4,
        "xxxx-xxxx",
        true
    ),
    service!(
        "gitlab",
        [],
        "GitLab",
        Set,
        Some(10),
        "https://gitlab.com/-/profile/two_factor_auth",
        Hex,
        (16, 16),
        Lower,
        Store::Compact,
        "xxxxxxxxxxxxxxxx",
        true
    ),
    service!(
        "bitbucket",
        ["atlassian"],
        "Bitbucket",
        Set,
        None,
        "https://bitbucket.org/account/settings/two-step-verification/",
        Alnum,
        (6, 32),
        AsShown,
        Store::AsShown,
        "(varies)",
        false
    ),
    service!(
        "npm",
        ["npmjs"],
        "npm",
        Set,
        None,
        "https://www.npmjs.com/settings/~/tfa",
        Hex,
        (8, 64),
        Lower,
        Store::AsShown,
        "(long hex)",
        false
    ),
    service!(
        "pypi",
        ["pypi.org"],
        "PyPI",
        Set,
        Some(8),
        "https://pypi.org/manage/account/recovery-codes/",
        Hex,
        (16, 16),
        Lower,
        Store::Compact,
        "xxxxxxxxxxxxxxxx",
        true
    ),
    service!(
        "rubygems",
        ["gem", "gems"],
        "RubyGems",
        Set,
        Some(10),
        "https://rubygems.org/settings/edit",
        Hex,
        (12, 12),
        Lower,
        Store::Compact,
        "xxxxxxxxxxxx",
        false
    ),
    service!(
        "mastodon",
        ["fediverse"],
        "Mastodon",
        Set,
        Some(10),
        "https://<your server>/auth/edit (Account > Two-factor auth > Recovery codes)",
        Hex,
        (8, 16),
        Lower,
        Store::Compact,
        "xxxxxxxxxx",
        false
    ),
    service!(
        "nextcloud",
        ["owncloud"],
        "Nextcloud",
        Set,
        Some(10),
        "https://<your server>/settings/user/security",
        Alnum,
        (10, 10),
        AsShown,
        Store::AsShown,
        "XXXXXXXXXX",
        false
    ),
    service!(
        "keycloak",
        ["sso"],
        "Keycloak",
        Set,
        Some(12),
        "https://<your server>/realms/<realm>/account/ (Account security > Signing in)",
        Alnum,
        (12, 12),
        Upper,
        DASH4,
        "XXXX-XXXX-XXXX",
        true
    ),
    service!(
        "bitwarden",
        ["bw", "vaultwarden"],
        "Bitwarden",
        Single,
        Some(1),
        "https://vault.bitwarden.com/#/settings/security/two-factor",
        Alnum,
        (32, 32),
        Upper,
        Store::Compact,
        "XXXX XXXX XXXX XXXX XXXX XXXX XXXX XXXX",
        true
    ),
    service!(
        "proton",
        ["protonmail", "proton.me", "pm"],
        "Proton",
        Set,
        None,
        "https://account.proton.me/u/0/mail/account-password",
        Alnum,
        (8, 8),
        Lower,
        Store::AsShown,
        "xxxxxxxx",
        false
    ),
    service!(
        "tuta",
        ["tutanota", "tuta.com"],
        "Tuta",
        RecoveryKey,
        Some(1),
        "https://app.tuta.com/settings/login",
        Hex,
        (64, 64),
        Lower,
        Store::Compact,
        "xxxx xxxx ... (16 groups of 4 hex)",
        false
    ),
    service!(
        "mozilla",
        ["firefox", "fxa", "mozilla-account", "firefox-account"],
        "Mozilla account",
        Set,
        Some(10),
        "https://accounts.firefox.com/settings",
        Alnum,
        (10, 10),
        Lower,
        Store::Compact,
        "xxxxxxxxxx",
        false
    ),
    service!(
        "dropbox",
        [],
        "Dropbox",
        Set,
        Some(10),
        "https://www.dropbox.com/account/security",
        Alnum,
        (8, 8),
        Lower,
        Store::AsShown,
        "xxxx xxxx",
        false
    ),
    service!(
        "reddit",
        [],
        "Reddit",
        Set,
        None,
        "https://www.reddit.com/settings/account",
        Alnum,
        (6, 12),
        AsShown,
        Store::AsShown,
        "(varies)",
        false
    ),
    service!(
        "apple",
        ["icloud", "appleid", "apple-account"],
        "Apple Account",
        RecoveryKey,
        Some(1),
        "Settings > [your name] > Sign-In & Security > Recovery Key (on an Apple device)",
        Alnum,
        (28, 28),
        Upper,
        DASH4,
        "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX",
        true
    ),
    service!(
        "steam",
        ["valve", "steam-guard"],
        "Steam",
        Single,
        Some(1),
        "https://store.steampowered.com/twofactor/manage",
        Alnum,
        (5, 6),
        Upper,
        Store::AsShown,
        "R12345",
        false
    ),
    service!(
        "amazon",
        ["aws"],
        "Amazon",
        Set,
        None,
        "https://www.amazon.com/a/settings/approval",
        Alnum,
        (6, 32),
        AsShown,
        Store::AsShown,
        "(varies)",
        false
    ),
    service!(
        "cloudflare",
        ["cf"],
        "Cloudflare",
        Set,
        Some(10),
        "https://dash.cloudflare.com/profile/authentication",
        Alnum,
        (8, 16),
        AsShown,
        Store::AsShown,
        "(varies)",
        false
    ),
    service!(
        "slack",
        [],
        "Slack",
        Set,
        Some(10),
        "https://slack.com/account/settings#two_factor",
        Alnum,
        (8, 8),
        AsShown,
        Store::AsShown,
        "12345678",
        false
    ),
    service!(
        "epic",
        ["epicgames", "epic-games", "fortnite"],
        "Epic Games",
        Set,
        None,
        "https://www.epicgames.com/account/password",
        Alnum,
        (6, 12),
        AsShown,
        Store::AsShown,
        "(varies)",
        false
    ),
];

/// The profile for a service name; `github/work` finds `github`, `GitHub.com` finds
/// `github`. Case-insensitive.
pub fn lookup(name: &str) -> Option<&'static ServiceProfile> {
    let base = name.split('/').next().unwrap_or(name).trim().to_lowercase();
    let find = |key: &str| {
        SERVICES
            .iter()
            .find(|p| p.id == key || p.aliases.contains(&key))
    };
    find(&base).or_else(|| {
        let first = base.split('.').next().unwrap_or(&base);
        let first = first.strip_prefix("www").unwrap_or(first);
        find(first).or_else(|| find(&base.replace([' ', '_'], "-")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_id_alias_account_and_domain() {
        assert_eq!(lookup("github/work").unwrap().id, "github");
        assert_eq!(lookup("GitHub").unwrap().id, "github");
        assert_eq!(lookup("twitter").unwrap().id, "x");
        assert_eq!(lookup("proton.me").unwrap().id, "proton");
        assert_eq!(lookup("github.com").unwrap().id, "github");
        assert!(lookup("example").is_none());
    }

    #[test]
    fn canonical_forms() {
        let gh = lookup("github").unwrap();
        assert_eq!(gh.canonical("ABCDE12345"), "abcde-12345");
        let g = lookup("google").unwrap();
        assert_eq!(g.canonical("1234 5678"), "12345678");
        let ms = lookup("microsoft").unwrap();
        assert_eq!(
            ms.canonical("abcde fghij klmno pqrst uvwxy"),
            "ABCDE-FGHIJ-KLMNO-PQRST-UVWXY"
        );
        assert!(gh.accepts("abcde12345"));
        assert!(!gh.accepts("abcde1234g"));
    }

    #[test]
    fn the_user_docs_list_every_service() {
        let docs = include_str!("../docs/import.md");
        for p in SERVICES {
            assert!(
                docs.contains(&format!("(`{}`", p.id)),
                "docs/import.md lacks {}",
                p.id
            );
            assert!(
                docs.contains(p.display),
                "docs/import.md lacks {}",
                p.display
            );
        }
    }

    #[test]
    fn ids_and_aliases_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for p in SERVICES {
            assert!(seen.insert(p.id), "{}", p.id);
            for a in p.aliases {
                assert!(seen.insert(a), "{a}");
            }
        }
    }
}
