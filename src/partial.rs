//! Fast paths over the vault document: one service decoded with the rest kept as raw JSON
//! (for commands that touch one service), or only the counts (for `list` and `check`); pure.
//!
//! A vault of 1,000 services holds 16,000 codes; decoding every one of them for a
//! `bcode use github` costs more than decrypting the file. These paths scan the JSON
//! without building the codes they do not need, and write the document back byte for
//! byte as `vault::encode` would.

mod scan;

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use zeroize::Zeroizing;

use crate::name::ServiceName;
use crate::vault::{self, DecodeError, Service, SetKind, Status, Timestamp, Vault};

/// The document with its services still raw.
pub struct PartialVault<'a> {
    version: u32,
    /// By name as the full decoder reads it (normalised), so both find the same services.
    services: BTreeMap<ServiceName, &'a str>,
    removed: Option<&'a str>,
}

/// A document split into its services' raw JSON texts, its version not yet checked.
struct Split<'a> {
    version: u64,
    services: BTreeMap<ServiceName, &'a str>,
    removed: Option<&'a str>,
}

#[derive(Deserialize)]
struct RawDoc<'a> {
    version: u64,
    #[serde(borrow, default)]
    services: BTreeMap<ServiceName, &'a RawValue>,
    #[serde(borrow, default)]
    removed: Option<&'a RawValue>,
}

/// Splits a decrypted document into its services, decoding none of them: by the
/// strict one-pass reader ([`scan`]), or by serde when that reader gives up.
pub fn decode_partial(text: &str) -> Result<PartialVault<'_>, DecodeError> {
    let doc = match scan::split(text) {
        Some(doc) => doc,
        None => split_by_serde(text)?,
    };
    vault::check_version(doc.version)?;
    Ok(PartialVault {
        version: u32::try_from(doc.version).unwrap_or(vault::FORMAT_VERSION),
        services: doc.services,
        removed: doc.removed,
    })
}

/// The document split by serde.
fn split_by_serde(text: &str) -> Result<Split<'_>, DecodeError> {
    match serde_json::from_str::<RawDoc>(text) {
        Ok(doc) => Ok(Split {
            version: doc.version,
            services: doc
                .services
                .into_iter()
                .map(|(k, v)| (k, v.get()))
                .collect(),
            removed: doc.removed.map(RawValue::get),
        }),
        // The full decoder gives the precise message (a newer version, say).
        Err(_) => match vault::decode(text.as_bytes()) {
            Err(e) => Err(e),
            Ok(_) => Err(DecodeError::Invalid(
                "the document has an unexpected shape".into(),
            )),
        },
    }
}

impl<'a> PartialVault<'a> {
    /// The service names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.services.keys().map(ServiceName::as_str)
    }

    /// Every service still raw, in name order.
    pub fn raw_services(&self) -> impl Iterator<Item = (&str, &'a str)> {
        self.services
            .iter()
            .map(|(name, raw)| (name.as_str(), *raw))
    }

    /// The raw service `name` (with its normalised name), or the unknown-service
    /// error with suggestions from every name.
    pub fn raw_service(&self, name: &ServiceName) -> Result<(&str, &'a str), TakeError> {
        match self.services.get_key_value(name) {
            Some((key, raw)) => Ok((key.as_str(), *raw)),
            None => Err(TakeError::Rule(vault::unknown_service(
                name.as_str(),
                self.names(),
            ))),
        }
    }

    /// A vault holding just this service (decoded), or the unknown-service error with
    /// suggestions from every name.
    pub fn take(&self, name: &ServiceName) -> Result<Vault, TakeError> {
        let service = decode_service(self.raw_service(name)?.1).map_err(TakeError::Decode)?;
        let mut one = Vault::new();
        one.version = self.version;
        one.services.insert(name.clone(), service);
        Ok(one)
    }

    /// The whole document again, with `one`'s services in place of theirs: the same
    /// bytes `vault::encode` writes for the whole vault.
    pub fn encode_with(&self, one: &Vault) -> Zeroizing<Vec<u8>> {
        let size: usize = self.services.values().map(|r| r.len() + 32).sum();
        let mut out = Zeroizing::new(Vec::with_capacity(size + 4096));
        out.extend_from_slice(format!("{{\"version\":{},\"services\":{{", self.version).as_bytes());
        let mut first = true;
        let mut put = |out: &mut Vec<u8>, key: &str, value: &[u8]| {
            if !first {
                out.push(b',');
            }
            first = false;
            serde_json::to_writer(&mut *out, key).expect("a name serializes");
            out.push(b':');
            out.extend_from_slice(value);
        };
        let mut mine = one.services.iter().peekable();
        for (key, raw) in &self.services {
            while let Some((name, service)) = mine.next_if(|(n, _)| *n < key) {
                put(&mut out, name.as_str(), &service_json(service));
            }
            match mine.next_if(|(n, _)| *n == key) {
                Some((name, service)) => put(&mut out, name.as_str(), &service_json(service)),
                None => put(&mut out, key.as_str(), raw.as_bytes()),
            }
        }
        for (name, service) in mine {
            put(&mut out, name.as_str(), &service_json(service));
        }
        out.push(b'}');
        if let Some(removed) = self.removed {
            out.extend_from_slice(b",\"removed\":");
            out.extend_from_slice(removed.as_bytes());
        }
        out.extend_from_slice(b"}\n");
        out
    }
}

/// One service of a split document, decoded.
pub fn decode_service(raw: &str) -> Result<Service, DecodeError> {
    serde_json::from_str(raw).map_err(vault::invalid)
}

fn service_json(service: &Service) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(serde_json::to_vec(service).expect("a service serializes"))
}

/// Why `take` gave no service.
#[derive(Debug)]
pub enum TakeError {
    /// No such service (with suggestions).
    Rule(vault::VaultError),
    /// The service's JSON is not valid.
    Decode(DecodeError),
}

/// What `list` and `check` need of a service, read without building its codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    pub kind: SetKind,
    /// When the set was added, as stored (RFC 3339).
    pub added: String,
    pub status: Status,
}

/// Every service's counts, skipping code strings, ids and history: by the strict
/// one-pass reader ([`scan`]), or by serde when that reader gives up.
pub fn decode_summaries(text: &str) -> Result<BTreeMap<ServiceName, Summary>, DecodeError> {
    match scan::summaries(text) {
        Some((version, summaries)) => {
            vault::check_version(version)?;
            Ok(summaries)
        }
        None => summaries_by_serde(text),
    }
}

/// Every service's counts, read by serde.
fn summaries_by_serde(text: &str) -> Result<BTreeMap<ServiceName, Summary>, DecodeError> {
    #[derive(Deserialize)]
    struct Doc<'a> {
        version: u64,
        #[serde(borrow, default)]
        services: BTreeMap<ServiceName, RawSummary<'a>>,
    }
    #[derive(Deserialize)]
    struct RawSummary<'a> {
        #[serde(borrow)]
        added: std::borrow::Cow<'a, str>,
        #[serde(default)]
        kind: SetKind,
        #[serde(default)]
        threshold: Option<u32>,
        codes: CodeCounts,
    }
    let doc: Doc = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(_) => {
            // The full decoder gives the precise message.
            vault::decode(text.as_bytes())?;
            return Err(DecodeError::Invalid(
                "the document has an unexpected shape".into(),
            ));
        }
    };
    vault::check_version(doc.version)?;
    Ok(doc
        .services
        .into_iter()
        .map(|(name, s)| {
            let c = s.codes;
            let status = vault::status_of(s.kind, s.threshold, c.unused, c.total, c.last_used);
            (
                name,
                Summary {
                    kind: s.kind,
                    added: s.added.into_owned(),
                    status,
                },
            )
        })
        .collect())
}

/// A service's codes, counted as they are read: nothing is kept of each code
/// (a list of 16,000 codes allocates nothing per code).
#[derive(Default)]
struct CodeCounts {
    total: usize,
    unused: usize,
    last_used: Option<Timestamp>,
}

impl<'de> Deserialize<'de> for CodeCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// The one member of a code that counts.
        #[derive(Deserialize)]
        struct UsedOnly {
            #[serde(default, with = "time::serde::rfc3339::option")]
            used: Option<Timestamp>,
        }
        struct Counter;
        impl<'de> serde::de::Visitor<'de> for Counter {
            type Value = CodeCounts;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of codes")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<CodeCounts, A::Error> {
                let mut counts = CodeCounts::default();
                while let Some(code) = seq.next_element::<UsedOnly>()? {
                    counts.total += 1;
                    match code.used {
                        None => counts.unused += 1,
                        Some(t) => counts.last_used = counts.last_used.max(Some(t)),
                    }
                }
                Ok(counts)
            }
        }
        d.deserialize_seq(Counter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::NewCode;
    use time::macros::datetime;

    fn n(s: &str) -> ServiceName {
        ServiceName::parse(s).unwrap()
    }

    fn sample() -> Vault {
        let t = datetime!(2026-01-01 10:00 UTC);
        let mut v = Vault::new();
        for (i, name) in ["github", "github/work", "ünïcode", "a\"b", "zz", "gone"]
            .iter()
            .enumerate()
        {
            let name = ServiceName::parse(name).unwrap_or_else(|_| n("quote"));
            let codes: Vec<NewCode> = (0..5)
                .map(|k| NewCode {
                    code: format!("c{i}-{k}\u{e9}"),
                    used: k == 1,
                })
                .collect();
            v.add(&name, &codes, SetKind::Set, false, t).unwrap();
        }
        v.add(
            &n("github"),
            &[NewCode {
                code: "new".into(),
                used: false,
            }],
            SetKind::Set,
            true,
            t,
        )
        .unwrap();
        v.remove(&n("gone"), t).unwrap();
        v.set_note(&n("zz"), Some("note \"quoted\" \\ done".into()), t)
            .unwrap();
        v
    }

    #[test]
    fn a_change_to_one_service_writes_what_the_full_encoder_writes() {
        let v = sample();
        let bytes = vault::encode(&v);
        let text = std::str::from_utf8(&bytes).unwrap();
        let doc = decode_partial(text).unwrap();
        let t = datetime!(2026-02-01 10:00 UTC);
        for name in v.services.keys() {
            let ops: [&dyn Fn(&mut Vault); 3] = [
                &|x: &mut Vault| {
                    x.use_next(name, t).unwrap();
                },
                &|x: &mut Vault| {
                    if let Some(c) = x.services[name].codes.iter().find(|c| c.used.is_some()) {
                        let c = c.code.clone();
                        x.mark_unused(name, &c, t).unwrap();
                    }
                },
                &|x: &mut Vault| x.set_threshold(name, Some(1), t).unwrap(),
            ];
            for op in ops {
                let mut full = v.clone();
                op(&mut full);
                let mut one = doc.take(name).unwrap();
                op(&mut one);
                assert_eq!(
                    String::from_utf8(doc.encode_with(&one).to_vec()).unwrap(),
                    String::from_utf8(vault::encode(&full).to_vec()).unwrap()
                );
            }
        }
        // Unchanged, it is the same document.
        let one = doc.take(&n("zz")).unwrap();
        assert_eq!(doc.encode_with(&one).as_slice(), bytes.as_slice());
    }

    #[test]
    fn names_are_read_without_decoding_the_services() {
        let v = sample();
        let bytes = vault::encode(&v);
        let doc = decode_partial(std::str::from_utf8(&bytes).unwrap()).unwrap();
        let names: Vec<&str> = doc.names().collect();
        let want: Vec<&str> = v.services.keys().map(ServiceName::as_str).collect();
        assert_eq!(names, want);
        assert!(matches!(
            decode_partial(r#"{"version":2,"services":{}}"#),
            Err(DecodeError::NewerVersion { found: 2 })
        ));
    }

    /// A name written by hand as `"ZZ "` is the service `zz` for every reader, as for
    /// the full decoder, and is written back as the full encoder writes it.
    #[test]
    fn names_are_read_as_the_full_decoder_reads_them() {
        let bytes = vault::encode(&sample());
        let text = std::str::from_utf8(&bytes)
            .unwrap()
            .replace("\"zz\":", "\"ZZ \":");
        let full = vault::decode(text.as_bytes()).unwrap();
        let doc = decode_partial(&text).unwrap();
        assert!(doc.names().any(|name| name == "zz"));
        let one = doc.take(&n("zz")).unwrap();
        assert_eq!(one.services[&n("zz")], full.services[&n("zz")]);
        assert_eq!(*doc.encode_with(&one), *vault::encode(&full));
        assert!(decode_summaries(&text).unwrap().contains_key(&n("zz")));
    }

    #[test]
    fn counting_is_not_fooled_by_strings_or_layout() {
        let t = datetime!(2026-03-01 10:00 UTC);
        let mut v = sample();
        let tricky = n("tricky");
        let codes: Vec<NewCode> = ["{\"used\":\"x\"}", "back\\slash\"", "],{[", "plain"]
            .iter()
            .map(|c| NewCode {
                code: c.to_string(),
                used: false,
            })
            .collect();
        v.add(&tricky, &codes, SetKind::Set, false, t).unwrap();
        v.use_next(&tricky, t).unwrap();
        v.services.get_mut(&tricky).unwrap().codes[2].note =
            Some(",\"used\":\"2020-01-01T00:00:00Z\"".into());
        let compact = vault::encode(&v);
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        for text in [std::str::from_utf8(&compact).unwrap(), pretty.as_str()] {
            let sums = decode_summaries(text).unwrap();
            for (name, s) in &v.services {
                assert_eq!(sums[name].status, s.status(), "{name} in {text:.60}");
            }
        }
    }

    #[test]
    fn summaries_match_the_full_decode_and_unknown_names_get_suggestions() {
        let v = sample();
        let bytes = vault::encode(&v);
        let text = std::str::from_utf8(&bytes).unwrap();
        let sums = decode_summaries(text).unwrap();
        assert_eq!(sums.len(), v.services.len());
        for (name, s) in &v.services {
            assert_eq!(sums[name].status, s.status());
            let added = s
                .added
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap();
            assert_eq!(sums[name].added, added);
        }
        let doc = decode_partial(text).unwrap();
        match doc.take(&n("githb")) {
            Err(TakeError::Rule(vault::VaultError::UnknownService { suggestions, .. })) => {
                assert_eq!(suggestions, ["github", "github/work"])
            }
            _ => panic!("expected an unknown-service error"),
        }
        let newer = text.replacen("\"version\":1", "\"version\":7", 1);
        assert!(matches!(
            decode_partial(&newer),
            Err(DecodeError::NewerVersion { found: 7 })
        ));
        assert!(matches!(
            decode_summaries(&newer),
            Err(DecodeError::NewerVersion { found: 7 })
        ));
    }

    /// The same answer from the fast reader as from serde, or the same error: for
    /// the counts and for the split.
    fn same_as_serde(text: &str) {
        let fast = decode_summaries(text).map_err(|e| e.to_string());
        let serde = summaries_by_serde(text).map_err(|e| e.to_string());
        assert_eq!(fast, serde, "{text}");
        let fast = decode_partial(text)
            .map(|d| (u64::from(d.version), d.services, d.removed))
            .map_err(|e| e.to_string());
        let serde = split_by_serde(text)
            .and_then(|d| {
                vault::check_version(d.version)?;
                Ok((d.version, d.services, d.removed))
            })
            .map_err(|e| e.to_string());
        assert_eq!(fast, serde, "{text}");
    }

    #[test]
    fn the_fast_reader_reads_what_bcode_writes_and_what_jq_would() {
        let v = sample();
        let compact = String::from_utf8(vault::encode(&v).to_vec()).unwrap();
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        for text in [&compact, &pretty] {
            let (version, fast) = scan::summaries(text).expect("no fallback for a normal vault");
            assert_eq!(version, 1);
            assert_eq!(fast, summaries_by_serde(text).unwrap());
            let fast = scan::split(text).expect("no fallback for a normal vault");
            let serde = split_by_serde(text).unwrap();
            assert_eq!(fast.version, 1);
            assert_eq!(fast.services, serde.services);
            assert!(fast.removed.is_some(), "the sample has a removed service");
            assert_eq!(fast.removed, serde.removed);
        }
        // Shapes it leaves to serde, and documents serde refuses.
        for text in [
            r#"{"version":1,"services":{"a":{"added":"2026-01-01T00:00:00Z","codes":[{"used":"2026-01-01T00:00:00Z","used":null}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"2026-01-01T00:00:00Z","codes":[["2026-01-01T00:00:00Z"]]}}}"#,
            r#"{"version":1,"services":{"\u0061":{"added":"2026-01-01T00:00:00Z","codes":[]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"2026-01-01T00:00:00Z","codes":[{"\u0075sed":"2026-01-01T00:00:00Z"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"2026-01-01T00:00:00Z","codes":[]}}} x"#,
            r#"{"version":2,"services":{}}"#,
            r#"{"version":1.0,"services":{}}"#,
            r#"{"services":{}}"#,
            r#"{"version":1,"services":{"a":{"codes":[]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","kind":"single","threshold":null,"codes":[{"used":"bad"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","kind":"nope","codes":[]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":[1,-2.5e+3,true,false,null,{"k":"\n"}]}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":01}]}}}"#,
            r#" {"version":1,"services":{}} "#,
            r#"{"version":1,"services":{},"removed":null}"#,
            r#"{"version":1,"services":{},"removed":[{"x":1}],"other":{"k":[]}}"#,
            r#"{"version":1,"services":{},"removed":[],"removed":[]}"#,
            r#"{"version":1,"services":{},"services":{}}"#,
            r#"{"version":1,"services":{"a":5,"a":{"k":"v"}}}"#,
            r#"{"version":1,"services":{"a":{"k":1},"A ":{"k":2}}}"#,
            r#"{"version":1,"services":{"a b":{"k":1}}}"#,
            r#"{"version":1,"services":[]}"#,
            r#"{"version":0,"services":{}}"#,
            r#"{"version":1,"services":{"a":{"k":"\u00e9"}}}"#,
            r#"{"version":1,"services":{"a":{"k":"tab	inside"}}}"#,
            // Code objects near the shape bcode writes, read by the general path.
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","used":"2026-01-01T00:00:00Z"},{"id":"2","code":"d"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","used":"not a date"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","used":null}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c\"q","used":"2026-01-01T00:00:00Z"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","used":"2026-01-01T00:00:00Z","used":"2026-01-02T00:00:00Z"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","also_used":["2026-01-01T00:00:00Z"]}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c"} ,{"id":"2","code":"e"}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c"]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c",}]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","used":"2026-01-01T00:00:00Z"]}}}"#,
            r#"{"version":1,"services":{"a":{"added":"x","codes":[{"id":"1","code":"c","usedX":"2026-01-01T00:00:00Z"}]}}}"#,
        ] {
            same_as_serde(text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Damage anywhere: the fast reader and serde agree, answer or error.
        #[test]
        fn the_fast_reader_agrees_with_serde_on_damaged_documents(
            pretty: bool,
            edits in proptest::collection::vec(
                (proptest::prelude::any::<proptest::sample::Index>(), 0u8..3, 0usize..30),
                1..4,
            ),
        ) {
            const BYTES: &[u8] = b"{}[]\",:\\ 0123456789.eE-+tfnul";
            let v = sample();
            let mut text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                String::from_utf8(vault::encode(&v).to_vec()).unwrap()
            }
            .into_bytes();
            for (at, op, byte) in edits {
                let at = at.index(text.len());
                let byte = BYTES[byte % BYTES.len()];
                match op {
                    0 => text.insert(at, byte),
                    1 => drop(text.remove(at)),
                    _ => text[at] = byte,
                }
            }
            if let Ok(text) = String::from_utf8(text) {
                same_as_serde(&text);
            }
        }
    }
}
