//! The vault document and its rules (add, use, unuse, replace, rename, warn); pure, no I/O.
//!
//! Every state change carries a timestamp and every code a stable id, so two
//! copies of a vault can later be merged without losing a used mark. "Now" is
//! always passed in, so tests control time.

use std::collections::BTreeMap;

use rand::RngExt;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::name::ServiceName;

/// The version of the vault document this program writes and understands.
pub const FORMAT_VERSION: u32 = 1;

/// Warn when a set of one-time codes has this many unused codes or fewer.
pub const DEFAULT_THRESHOLD: u32 = 3;

/// A point in time, always UTC.
pub type Timestamp = OffsetDateTime;

/// The whole vault: every service and its codes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vault {
    /// Document format version; a newer one is refused, never rewritten.
    pub version: u32,
    /// Services keyed by their normalised name.
    #[serde(default)]
    pub services: BTreeMap<ServiceName, Service>,
    /// Services the user removed, kept so a merge with an older copy cannot bring
    /// them back unchanged, and so nothing is ever silently lost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<RemovedService>,
}

/// A removed service and the name it had.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RemovedService {
    pub name: ServiceName,
    pub service: Service,
}

/// What kind of codes a service issues.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SetKind {
    /// A set of one-time codes (GitHub, Google, ...).
    #[default]
    Set,
    /// One code at a time, which the service replaces after each use.
    Single,
    /// One reusable recovery key.
    RecoveryKey,
}

/// One service's codes and settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Service {
    /// Stable random id: the same service across renames and copies of the vault.
    pub id: String,
    /// When the service got its current name.
    #[serde(with = "time::serde::rfc3339")]
    pub named: Timestamp,
    /// Set when a merge found two services with one name: the name this one really
    /// has (it is listed under a derived name until renamed or removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict_of: Option<ServiceName>,
    /// When the service was last removed (it came back if changed after that).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub removed: Option<Timestamp>,
    /// When the current set was added.
    #[serde(with = "time::serde::rfc3339")]
    pub added: Timestamp,
    /// When the settings (kind, threshold, note) last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub changed: Timestamp,
    #[serde(default)]
    pub kind: SetKind,
    /// Warn at or under this many unused codes; `None` means the default for the kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The current set, in the order the service issued it.
    pub codes: Vec<Code>,
    /// Earlier sets this one replaced, oldest first; kept, never silently dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<RetiredSet>,
}

/// One backup code and its state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Code {
    /// Stable random id, so copies of a vault can be merged.
    pub id: String,
    /// The code as the user types it at the service.
    pub code: String,
    /// When it was used, or `None` (absent from the document) while unused.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub used: Option<Timestamp>,
    /// Later uses recorded by other copies of the vault (merged); rarely present.
    #[serde(default, skip_serializing_if = "Vec::is_empty", with = "timestamps")]
    pub also_used: Vec<Timestamp>,
    /// When it was last marked unused again, if ever.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub unused: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Drop for Code {
    /// A code leaves no copy in freed memory.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.code);
    }
}

/// A set that a newer set replaced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetiredSet {
    #[serde(with = "time::serde::rfc3339")]
    pub added: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    pub retired: Timestamp,
    pub codes: Vec<Code>,
}

/// A code to store, as the importer found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCode {
    pub code: String,
    /// The user had already marked it used (struck through, ticked).
    pub used: bool,
}

impl Drop for NewCode {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.code);
    }
}

/// What a rule refused. Messages never contain a code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VaultError {
    #[error("no service named '{name}' in the vault{}", suggest(suggestions))]
    UnknownService {
        name: String,
        suggestions: Vec<String>,
    },
    #[error(
        "'{0}' is already in the vault; to store a new set in its place run: bcode add {0} --replace"
    )]
    ServiceExists(String),
    #[error("no codes to store for '{0}'")]
    NoCodes(String),
    #[error(
        "'{0}' has no unused codes left; generate a new set at the service, then run: bcode add {0} --replace"
    )]
    NoUnusedCodes(String),
    #[error("that code is not in the current set of '{0}' (see: bcode show {0})")]
    CodeNotFound(String),
    #[error("that code of '{service}' was already used on {}", day(*.used))]
    CodeAlreadyUsed { service: String, used: Timestamp },
    #[error("that code of '{0}' is not marked used")]
    CodeNotUsed(String),
    #[error("the same code appears twice in the set for '{0}'")]
    DuplicateCode(String),
}

fn suggest(names: &[String]) -> String {
    if names.is_empty() {
        "; see: bcode list".to_string()
    } else {
        format!("; did you mean: {}?", names.join(", "))
    }
}

/// A date as `2026-12-03`.
pub fn day(t: Timestamp) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A time as `2026-12-03 16:47 UTC`.
pub fn minute(t: Timestamp) -> String {
    format!("{} {:02}:{:02} UTC", day(t), t.hour(), t.minute())
}

/// The code as compared when the user types it: no spaces or dashes.
fn compact(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// Serde for a list of RFC 3339 timestamps.
mod timestamps {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use time::OffsetDateTime;

    #[derive(Serialize, Deserialize)]
    struct Ts(#[serde(with = "time::serde::rfc3339")] OffsetDateTime);

    pub fn serialize<S: Serializer>(v: &[OffsetDateTime], s: S) -> Result<S::Ok, S::Error> {
        v.iter().map(|t| Ts(*t)).collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<OffsetDateTime>, D::Error> {
        Ok(Vec::<Ts>::deserialize(d)?
            .into_iter()
            .map(|t| t.0)
            .collect())
    }
}

/// A fresh random id for a service or a code.
pub fn new_id() -> String {
    format!("{:016x}", rand::rng().random::<u64>())
}

/// The unknown-service error, suggesting the nearest of `names`.
pub fn unknown_service<'a>(name: &str, names: impl Iterator<Item = &'a str>) -> VaultError {
    let mut scored: Vec<(f64, &str)> = names
        .map(|k| {
            let score = if k.starts_with(name) || name.starts_with(k) {
                1.0
            } else {
                strsim::jaro_winkler(name, k)
            };
            (score, k)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    VaultError::UnknownService {
        name: name.to_string(),
        suggestions: scored.iter().take(3).map(|(_, k)| k.to_string()).collect(),
    }
}

/// A service's status from its counts.
pub fn status_of(
    kind: SetKind,
    threshold: Option<u32>,
    unused: usize,
    total: usize,
    last_used: Option<Timestamp>,
) -> Status {
    let threshold = threshold.unwrap_or(match kind {
        SetKind::Set => DEFAULT_THRESHOLD,
        SetKind::Single | SetKind::RecoveryKey => 0,
    });
    Status {
        unused,
        total,
        last_used,
        threshold,
        low: unused <= threshold as usize,
    }
}

/// A service's counts, for `list`, `check` and warnings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub unused: usize,
    pub total: usize,
    pub last_used: Option<Timestamp>,
    pub threshold: u32,
    /// At or under the threshold: time to get a new set.
    pub low: bool,
}

impl Default for Vault {
    fn default() -> Self {
        Vault::new()
    }
}

impl Vault {
    /// An empty vault.
    pub fn new() -> Self {
        Vault {
            version: FORMAT_VERSION,
            services: BTreeMap::new(),
            removed: Vec::new(),
        }
    }

    /// The service with this name, or an error suggesting the nearest names.
    pub fn service(&self, name: &ServiceName) -> Result<&Service, VaultError> {
        self.services
            .get(name)
            .ok_or_else(|| self.unknown(name.as_str()))
    }

    fn service_mut(&mut self, name: &ServiceName) -> Result<&mut Service, VaultError> {
        // The error (a fuzzy match over every name) is built only when needed: built
        // eagerly it cost O(services) string comparisons on every `use`.
        if !self.services.contains_key(name) {
            return Err(self.unknown(name.as_str()));
        }
        Ok(self.services.get_mut(name).expect("checked above"))
    }

    fn unknown(&self, name: &str) -> VaultError {
        unknown_service(name, self.services.keys().map(ServiceName::as_str))
    }

    /// Stores a new service, or with `replace` retires the current set and stores this one.
    pub fn add(
        &mut self,
        name: &ServiceName,
        codes: &[NewCode],
        kind: SetKind,
        replace: bool,
        now: Timestamp,
    ) -> Result<(), VaultError> {
        if codes.is_empty() {
            return Err(VaultError::NoCodes(name.to_string()));
        }
        let mut seen = std::collections::HashSet::new();
        if !codes.iter().all(|c| seen.insert(compact(&c.code))) {
            return Err(VaultError::DuplicateCode(name.to_string()));
        }
        let fresh: Vec<Code> = codes
            .iter()
            .map(|c| Code {
                id: new_id(),
                code: c.code.clone(),
                used: c.used.then_some(now),
                also_used: Vec::new(),
                unused: None,
                note: None,
            })
            .collect();
        match self.services.get_mut(name) {
            Some(_) if !replace => Err(VaultError::ServiceExists(name.to_string())),
            Some(service) => {
                let old = std::mem::take(&mut service.codes);
                service.retired.push(RetiredSet {
                    added: service.added,
                    retired: now,
                    codes: old,
                });
                service.codes = fresh;
                service.added = now;
                if service.kind != kind {
                    service.kind = kind;
                    service.changed = now;
                }
                Ok(())
            }
            None => {
                self.services.insert(
                    name.clone(),
                    Service {
                        id: new_id(),
                        named: now,
                        conflict_of: None,
                        removed: None,
                        added: now,
                        changed: now,
                        kind,
                        threshold: None,
                        note: None,
                        codes: fresh,
                        retired: Vec::new(),
                    },
                );
                Ok(())
            }
        }
    }

    /// Marks the next unused code used and returns it.
    pub fn use_next(&mut self, name: &ServiceName, now: Timestamp) -> Result<String, VaultError> {
        self.use_next_from(name, 0, now)
    }

    /// Marks the first unused code at or after position `start` (wrapping round) used.
    /// Devices that sync start at different places, so two of them offline do not
    /// hand out the same code.
    pub fn use_next_from(
        &mut self,
        name: &ServiceName,
        start: u64,
        now: Timestamp,
    ) -> Result<String, VaultError> {
        let service = self.service_mut(name)?;
        let n = service.codes.len();
        let start = if n == 0 {
            0
        } else {
            (start % n as u64) as usize
        };
        let (tail, head) = service.codes.split_at_mut(start);
        let code = head
            .iter_mut()
            .chain(tail.iter_mut())
            .find(|c| c.used.is_none())
            .ok_or_else(|| VaultError::NoUnusedCodes(name.to_string()))?;
        code.used = Some(now);
        Ok(code.code.clone())
    }

    /// The code of the current set that the user typed.
    fn typed_code_mut(&mut self, name: &ServiceName, typed: &str) -> Result<&mut Code, VaultError> {
        let service = self.service_mut(name)?;
        let i = service
            .find_code(typed)
            .ok_or_else(|| VaultError::CodeNotFound(name.to_string()))?;
        Ok(&mut service.codes[i])
    }

    /// Marks a specific code (typed from paper) used; returns the stored form.
    pub fn mark_used(
        &mut self,
        name: &ServiceName,
        typed: &str,
        now: Timestamp,
    ) -> Result<String, VaultError> {
        let code = self.typed_code_mut(name, typed)?;
        if let Some(used) = code.used {
            return Err(VaultError::CodeAlreadyUsed {
                service: name.to_string(),
                used,
            });
        }
        code.used = Some(now);
        Ok(code.code.clone())
    }

    /// Marks a used code unused again (the login failed).
    pub fn mark_unused(
        &mut self,
        name: &ServiceName,
        typed: &str,
        now: Timestamp,
    ) -> Result<String, VaultError> {
        let code = self.typed_code_mut(name, typed)?;
        if code.used.is_none() {
            return Err(VaultError::CodeNotUsed(name.to_string()));
        }
        code.used = None;
        code.also_used.clear();
        code.unused = Some(now);
        Ok(code.code.clone())
    }

    /// Removes a service and all its sets (kept in `removed`, out of sight).
    pub fn remove(&mut self, name: &ServiceName, now: Timestamp) -> Result<Service, VaultError> {
        let mut service = self
            .services
            .remove(name)
            .ok_or_else(|| self.unknown(name.as_str()))?;
        service.removed = Some(now);
        let entry = RemovedService {
            name: service.conflict_of.take().unwrap_or_else(|| name.clone()),
            service: service.clone(),
        };
        // Kept in id order, as a merge writes them.
        let at = self
            .removed
            .partition_point(|r| r.service.id < entry.service.id);
        self.removed.insert(at, entry);
        Ok(service)
    }

    /// Renames a service; refuses to overwrite another.
    pub fn rename(
        &mut self,
        old: &ServiceName,
        new: &ServiceName,
        now: Timestamp,
    ) -> Result<(), VaultError> {
        if old == new {
            self.service(old)?;
            return Ok(());
        }
        if self.services.contains_key(new) {
            return Err(VaultError::ServiceExists(new.to_string()));
        }
        let mut service = self
            .services
            .remove(old)
            .ok_or_else(|| self.unknown(old.as_str()))?;
        service.named = now;
        service.conflict_of = None;
        self.services.insert(new.clone(), service);
        Ok(())
    }

    /// Changes a service's settings through `change`, stamping the time for merges.
    fn change_settings(
        &mut self,
        name: &ServiceName,
        now: Timestamp,
        change: impl FnOnce(&mut Service),
    ) -> Result<(), VaultError> {
        let service = self.service_mut(name)?;
        change(service);
        service.changed = now;
        Ok(())
    }

    /// Sets the warning threshold (`None`: back to the default).
    pub fn set_threshold(
        &mut self,
        name: &ServiceName,
        threshold: Option<u32>,
        now: Timestamp,
    ) -> Result<(), VaultError> {
        self.change_settings(name, now, |s| s.threshold = threshold)
    }

    /// Sets the kind of codes the service issues.
    pub fn set_kind(
        &mut self,
        name: &ServiceName,
        kind: SetKind,
        now: Timestamp,
    ) -> Result<(), VaultError> {
        self.change_settings(name, now, |s| s.kind = kind)
    }

    /// Sets or clears the service's note.
    pub fn set_note(
        &mut self,
        name: &ServiceName,
        note: Option<String>,
        now: Timestamp,
    ) -> Result<(), VaultError> {
        self.change_settings(name, now, |s| s.note = note)
    }
}

impl Service {
    /// Counts and the warning state of the current set.
    pub fn status(&self) -> Status {
        status_of(
            self.kind,
            self.threshold,
            self.unused_codes().count(),
            self.codes.len(),
            self.codes.iter().filter_map(|c| c.used).max(),
        )
    }

    /// The codes not yet used, in order.
    pub fn unused_codes(&self) -> impl Iterator<Item = &Code> {
        self.codes.iter().filter(|c| c.used.is_none())
    }

    /// Finds a code as the user typed it: spaces and dashes ignored; an exact
    /// match first, then a case-insensitive one.
    pub fn find_code(&self, typed: &str) -> Option<usize> {
        let typed = compact(typed);
        if typed.is_empty() {
            return None;
        }
        self.codes
            .iter()
            .position(|c| compact(&c.code) == typed)
            .or_else(|| {
                let lower = typed.to_lowercase();
                let matches: Vec<usize> = self
                    .codes
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| compact(&c.code).to_lowercase() == lower)
                    .map(|(i, _)| i)
                    .collect();
                (matches.len() == 1).then(|| matches[0])
            })
    }
}

/// Why a decrypted document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "the vault was written by a newer bcode (format {found}; this one reads up to {FORMAT_VERSION}); upgrade bcode to open it"
    )]
    NewerVersion { found: u64 },
    #[error("the vault document is not valid: {0}")]
    Invalid(String),
}

/// Reads a decrypted vault document.
pub fn decode(bytes: &[u8]) -> Result<Vault, DecodeError> {
    // One parse in the common case (the document is the one we write). Only when it
    // fails is the version probed, so a newer document with fields we do not know
    // still gets the right message. serde_json errors name a line and column; the
    // content is stripped anyway.
    // UTF-8 is checked once for the whole document, not again for every string
    // (from_slice does that: a tenth of the decoding time).
    let text = std::str::from_utf8(bytes).map_err(|e| {
        DecodeError::Invalid(format!("it is not UTF-8 text (byte {})", e.valid_up_to()))
    })?;
    match serde_json::from_str::<Vault>(text) {
        Ok(vault) => check_version(u64::from(vault.version)).map(|()| vault),
        Err(e) => {
            #[derive(Deserialize)]
            struct VersionOnly {
                version: u64,
            }
            match serde_json::from_str::<VersionOnly>(text) {
                Ok(v) => check_version(v.version)
                    .and_then(|()| Err(DecodeError::Invalid(strip_content(e)))),
                Err(_) => Err(DecodeError::Invalid(strip_content(e))),
            }
        }
    }
}

/// Refuses a document from a newer bcode, or one with no version.
pub fn check_version(version: u64) -> Result<(), DecodeError> {
    if version > u64::from(FORMAT_VERSION) {
        return Err(DecodeError::NewerVersion { found: version });
    }
    if version == 0 {
        return Err(DecodeError::Invalid(
            "version 0 is not a bcode vault".into(),
        ));
    }
    Ok(())
}

/// A parse error as a decode error, without content.
pub fn invalid(e: serde_json::Error) -> DecodeError {
    DecodeError::Invalid(strip_content(e))
}

/// serde_json's messages can quote a value ("invalid value: string \"...\""), which
/// might be a code: keep only the category and position.
fn strip_content(e: serde_json::Error) -> String {
    format!(
        "{:?} error at line {} column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

/// Writes the vault document: compact JSON, one line (`age -d vault.age | jq` reads
/// it; `bcode textconv` gives git a readable listing). Compact is half the size of
/// pretty JSON, so half the bytes to encrypt, decrypt and parse on every command.
pub fn encode(vault: &Vault) -> Zeroizing<Vec<u8>> {
    // About 64 bytes per code: reserve once instead of growing (and copying) the
    // buffer, which would leave unzeroized copies of the plaintext behind.
    let codes: usize = vault
        .services
        .values()
        .map(|s| s.codes.len() + s.retired.iter().map(|r| r.codes.len()).sum::<usize>())
        .sum();
    let mut out = Zeroizing::new(Vec::with_capacity(
        256 + 256 * vault.services.len() + 80 * codes,
    ));
    serde_json::to_writer(&mut *out, vault).expect("a vault always serializes");
    out.push(b'\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn n(s: &str) -> ServiceName {
        ServiceName::parse(s).unwrap()
    }

    fn codes(list: &[&str]) -> Vec<NewCode> {
        list.iter()
            .map(|c| NewCode {
                code: c.to_string(),
                used: false,
            })
            .collect()
    }

    const T0: Timestamp = datetime!(2026-01-01 10:00 UTC);
    const T1: Timestamp = datetime!(2026-02-01 10:00 UTC);

    fn sample() -> Vault {
        let mut v = Vault::new();
        v.add(
            &n("github"),
            &codes(&[
                "aaaa-1111",
                "bbbb-2222",
                "cccc-3333",
                "dddd-4444",
                "eeee-5555",
            ]),
            SetKind::Set,
            false,
            T0,
        )
        .unwrap();
        v
    }

    #[test]
    fn use_next_hands_out_each_code_once_in_order() {
        let mut v = sample();
        let mut got = Vec::new();
        for _ in 0..5 {
            got.push(v.use_next(&n("github"), T1).unwrap());
        }
        assert_eq!(
            got,
            [
                "aaaa-1111",
                "bbbb-2222",
                "cccc-3333",
                "dddd-4444",
                "eeee-5555"
            ]
        );
        assert_eq!(
            v.use_next(&n("github"), T1),
            Err(VaultError::NoUnusedCodes("github".into()))
        );
        let st = v.services[&n("github")].status();
        assert_eq!((st.unused, st.total, st.last_used), (0, 5, Some(T1)));
    }

    #[test]
    fn warns_at_threshold() {
        let mut v = sample();
        v.use_next(&n("github"), T1).unwrap();
        assert!(!v.services[&n("github")].status().low);
        v.use_next(&n("github"), T1).unwrap();
        assert!(v.services[&n("github")].status().low, "3 of 5 left is low");
        v.set_threshold(&n("github"), Some(1), T1).unwrap();
        assert!(!v.services[&n("github")].status().low);
    }

    #[test]
    fn mark_used_and_unused_by_typed_code() {
        let mut v = sample();
        assert_eq!(
            v.mark_used(&n("github"), "CCCC 3333", T1).unwrap(),
            "cccc-3333"
        );
        assert!(matches!(
            v.mark_used(&n("github"), "cccc3333", T1),
            Err(VaultError::CodeAlreadyUsed { .. })
        ));
        assert_eq!(v.use_next(&n("github"), T1).unwrap(), "aaaa-1111");
        v.mark_unused(&n("github"), "cccc-3333", T1).unwrap();
        assert_eq!(
            v.mark_unused(&n("github"), "cccc-3333", T1),
            Err(VaultError::CodeNotUsed("github".into()))
        );
        assert_eq!(
            v.mark_used(&n("github"), "zzzz", T1),
            Err(VaultError::CodeNotFound("github".into()))
        );
    }

    #[test]
    fn replace_retires_the_old_set() {
        let mut v = sample();
        assert_eq!(
            v.add(&n("github"), &codes(&["x1"]), SetKind::Set, false, T1),
            Err(VaultError::ServiceExists("github".into()))
        );
        v.add(
            &n("GitHub"),
            &codes(&["new-1", "new-2"]),
            SetKind::Set,
            true,
            T1,
        )
        .unwrap();
        let s = &v.services[&n("github")];
        assert_eq!(s.codes.len(), 2);
        assert_eq!(s.retired.len(), 1);
        assert_eq!(s.retired[0].codes.len(), 5);
        assert_eq!(s.retired[0].retired, T1);
        assert_eq!(s.added, T1);
    }

    #[test]
    fn refuses_empty_and_duplicate_sets() {
        let mut v = Vault::new();
        assert!(v.add(&n("a"), &[], SetKind::Set, false, T0).is_err());
        assert_eq!(
            v.add(&n("a"), &codes(&["12-34", "1234"]), SetKind::Set, false, T0),
            Err(VaultError::DuplicateCode("a".into()))
        );
        assert!(v.services.is_empty());
    }

    #[test]
    fn unknown_service_suggests_near_names() {
        let v = sample();
        match v.service(&n("githb")) {
            Err(VaultError::UnknownService { suggestions, .. }) => {
                assert_eq!(suggestions, ["github"])
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rename_keeps_codes_and_refuses_overwrite() {
        let mut v = sample();
        v.add(&n("gitlab"), &codes(&["x"]), SetKind::Set, false, T0)
            .unwrap();
        assert!(v.rename(&n("github"), &n("gitlab"), T1).is_err());
        v.rename(&n("github"), &n("github/work"), T1).unwrap();
        assert_eq!(v.services[&n("github/work")].codes.len(), 5);
        assert!(!v.services.contains_key(&n("github")));
    }

    #[test]
    fn encode_decode_round_trip_and_version_check() {
        let mut v = sample();
        v.use_next(&n("github"), T1).unwrap();
        let bytes = encode(&v);
        assert_eq!(decode(&bytes).unwrap(), v);
        let newer = String::from_utf8(bytes.to_vec()).unwrap().replacen(
            "\"version\":1",
            "\"version\":2",
            1,
        );
        assert!(matches!(
            decode(newer.as_bytes()),
            Err(DecodeError::NewerVersion { found: 2 })
        ));
        assert!(matches!(decode(b"{}"), Err(DecodeError::Invalid(_))));
    }

    #[test]
    fn decode_errors_never_quote_content() {
        let doc = r#"{"version":1,"services":{"github":{"added":"secret-code-1234"}}}"#;
        let err = decode(doc.as_bytes()).unwrap_err().to_string();
        assert!(!err.contains("secret-code-1234"), "{err}");
    }
}
