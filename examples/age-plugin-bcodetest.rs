//! age-plugin-bcodetest: a stand-in age plugin for bcode's tests. TEST ONLY, NOT SECURE.
//!
//! It speaks the real age plugin protocol (the recipient-v1 and identity-v1 state
//! machines, through age-core's plugin connection) so the tests exercise bcode's plugin
//! path as a YubiKey would, without a YubiKey. Its "encryption" is a XOR with a secret
//! that the recipient itself reveals: it protects nothing. `cargo test` builds it as an
//! example (target/debug/examples/age-plugin-bcodetest); it is never installed.
//!
//! - `age-plugin-bcodetest --generate [--no-recipient-comment]`: prints an identity
//!   file (with a `# Recipient: age1bcodetest1...` line, as age-plugin-yubikey writes).
//! - `--age-plugin=recipient-v1` / `--age-plugin=identity-v1`: the protocol, on stdio.
//!   When it unwraps, it first sends a `msg` ("bcodetest: touch the test key"), as a
//!   hardware key asks for a touch.

#![forbid(unsafe_code)]

use std::io::{self, Read};

use age_core::format::{FILE_KEY_BYTES, Stanza};
use age_core::plugin::{Connection, IDENTITY_V1, RECIPIENT_V1};
use bech32::{Bech32, Hrp};

const RECIPIENT_HRP: &str = "age1bcodetest";
const IDENTITY_HRP: &str = "age-plugin-bcodetest-";
const TAG: &str = "bcodetest";

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--generate") => generate(args.iter().any(|a| a == "--no-recipient-comment")),
        Some(a) if a == format!("--age-plugin={RECIPIENT_V1}") => recipient_v1(),
        Some(a) if a == format!("--age-plugin={IDENTITY_V1}") => identity_v1(),
        _ => {
            eprintln!(
                "age-plugin-bcodetest: a stand-in age plugin for bcode's tests (NOT SECURE)\nusage: age-plugin-bcodetest --generate [--no-recipient-comment]"
            );
            std::process::exit(2)
        }
    }
}

fn generate(no_comment: bool) -> io::Result<()> {
    let mut secret = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut secret)?;
    println!("# age-plugin-bcodetest identity: TEST ONLY, NOT SECURE");
    if !no_comment {
        println!("#    Recipient: {}", recipient_of(&secret));
    }
    let hrp = Hrp::parse(IDENTITY_HRP).expect("valid hrp");
    println!(
        "{}",
        bech32::encode_upper::<Bech32>(hrp, &secret).expect("encodes")
    );
    Ok(())
}

fn recipient_of(secret: &[u8]) -> String {
    let hrp = Hrp::parse(RECIPIENT_HRP).expect("valid hrp");
    bech32::encode_lower::<Bech32>(hrp, secret).expect("encodes")
}

/// The secret in a recipient or an identity string, if it is one of ours.
fn decode(s: &str, hrp: &str) -> Result<Vec<u8>, String> {
    let (got, data) = bech32::decode(s).map_err(|e| e.to_string())?;
    if !got.as_str().eq_ignore_ascii_case(hrp) || data.len() != 32 {
        return Err(format!("not a {hrp} key"));
    }
    Ok(data)
}

/// The key id written in a stanza: the hex of the secret's last 4 bytes.
fn key_id(secret: &[u8]) -> String {
    secret[28..].iter().map(|b| format!("{b:02x}")).collect()
}

fn xor(file_key: &[u8], secret: &[u8]) -> Vec<u8> {
    file_key.iter().zip(secret).map(|(a, b)| a ^ b).collect()
}

fn recipient_v1() -> io::Result<()> {
    let mut conn = Connection::accept();
    let (recipients, file_keys, _identities, _labels) = conn.unidir_receive(
        ("add-recipient", |s: Stanza| Ok::<_, String>(s.args)),
        ("wrap-file-key", |s: Stanza| Ok(s.body)),
        (Some("add-identity"), |s: Stanza| Ok(s.args)),
        (Some("extension-labels"), |_: Stanza| Ok(())),
    )?;
    let recipients = recipients.unwrap_or_default();
    let file_keys = file_keys.unwrap_or_default();
    let mut secrets = Vec::new();
    let mut errors = Vec::new();
    for (i, args) in recipients.iter().enumerate() {
        match args.first().map(|r| decode(r, RECIPIENT_HRP)) {
            Some(Ok(secret)) => secrets.push(secret),
            _ => errors.push(i),
        }
    }
    conn.bidir_send(|mut phase| {
        if !errors.is_empty() {
            for i in errors {
                let index = i.to_string();
                let _ = phase.send(
                    "error",
                    &["recipient", &index],
                    b"invalid bcodetest recipient",
                )?;
            }
            return Ok(());
        }
        for (index, file_key) in file_keys.iter().enumerate() {
            let index = index.to_string();
            for secret in &secrets {
                let stanza = Stanza {
                    tag: TAG.to_owned(),
                    args: vec![key_id(secret)],
                    body: xor(file_key, secret),
                };
                let _ = phase.send_stanza("recipient-stanza", &[&index], &stanza)?;
            }
        }
        Ok(())
    })
}

fn identity_v1() -> io::Result<()> {
    let mut conn = Connection::accept();
    let (identities, stanzas, _, _) = conn.unidir_receive(
        ("add-identity", |s: Stanza| Ok::<_, String>(s.args)),
        ("recipient-stanza", |s: Stanza| Ok(s)),
        (None::<&str>, |_: Stanza| Ok(())),
        (None::<&str>, |_: Stanza| Ok(())),
    )?;
    let secrets: Vec<Vec<u8>> = identities
        .unwrap_or_default()
        .iter()
        .filter_map(|args| args.first().and_then(|i| decode(i, IDENTITY_HRP).ok()))
        .collect();
    let stanzas = stanzas.unwrap_or_default();
    conn.bidir_send(|mut phase| {
        // args: [file index, tag, key id]; one file key per file is enough.
        let mut done: Vec<String> = Vec::new();
        for s in &stanzas {
            let (Some(file), Some(tag), Some(id)) = (s.args.first(), s.args.get(1), s.args.get(2))
            else {
                continue;
            };
            if tag != TAG || done.contains(file) || s.body.len() != FILE_KEY_BYTES {
                continue;
            }
            if let Some(secret) = secrets.iter().find(|k| key_id(k) == *id) {
                let _ = phase.send("msg", &[], b"bcodetest: touch the test key")?;
                let _ = phase.send("file-key", &[file], &xor(&s.body, secret))?;
                done.push(file.clone());
            }
        }
        Ok(())
    })
}
