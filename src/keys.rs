//! Identities and recipients, and the passphrase prompt: the only place that asks for secrets.

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::error::Error;

/// The scrypt work factor (log2 N) used when writing a passphrase-protected identity:
/// Go age's default, about 0.6 s here.
pub const SCRYPT_WRITE_WORK_FACTOR: u8 = 18;
/// The highest work factor accepted when reading, as Go age and others may write more.
pub const SCRYPT_MAX_WORK_FACTOR: u8 = 22;

/// Environment variable naming an identity file that overrides the vault's for one command.
pub const ENV_IDENTITY: &str = "BCODE_IDENTITY";
/// Environment variable naming a file whose first line is the passphrase.
pub const ENV_PASSPHRASE_FILE: &str = "BCODE_PASSPHRASE_FILE";
/// For `bcode passwd` in scripts: a file whose first line is the new passphrase.
pub const ENV_NEW_PASSPHRASE_FILE: &str = "BCODE_NEW_PASSPHRASE_FILE";

/// Identities that can open the vault, loaded once per command.
pub struct Unlocked {
    identities: Vec<Box<dyn age::Identity + Send + Sync>>,
    /// The recipients these identities correspond to.
    owners: Vec<Owner>,
}

/// A recipient an identity corresponds to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Owner {
    /// Exactly this recipient (its canonical text).
    Key(String),
    /// Some recipient of this plugin: only the plugin knows which, and the identity
    /// file did not say (age-plugin-yubikey writes a `# Recipient: age1yubikey1...` line).
    Plugin(String),
}

impl Unlocked {
    /// Decrypts an age file with these identities.
    pub fn decrypt(&self, ciphertext: &[u8], path: &Path) -> Result<Zeroizing<Vec<u8>>, Error> {
        self.decrypt_from(ciphertext, ciphertext.len(), path)
    }

    /// Decrypts an age file as it is read from `input`, so the whole ciphertext is
    /// never held in memory; `size` (the file's length) sizes the plaintext buffer once.
    pub fn decrypt_from(
        &self,
        mut input: impl BufRead,
        size: usize,
        path: &Path,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        // age calls any foreign file an invalid header: say what it is instead.
        let head = input.fill_buf().map_err(|e| Error::io("read", path, e))?;
        if !head.starts_with(b"age-encryption.org/") {
            let looks = if head.trim_ascii_start().starts_with(b"{") {
                "it is not an age file: it looks like an unencrypted vault document (remove that plain copy)"
            } else {
                "it is not an age file (it does not start with age-encryption.org/)"
            };
            return Err(Error::Damaged {
                path: path.to_path_buf(),
                detail: looks.into(),
            });
        }
        let decryptor = age::Decryptor::new_buffered(input).map_err(|e| match e {
            age::DecryptError::UnknownFormat => Error::Damaged {
                path: path.to_path_buf(),
                detail: "it is not an age file of a version this bcode knows".into(),
            },
            age::DecryptError::Io(e)
                if !matches!(
                    e.kind(),
                    io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData
                ) =>
            {
                Error::io("read", path, e)
            }
            other => Error::Damaged {
                path: path.to_path_buf(),
                detail: format!("its age header is unreadable ({other})"),
            },
        })?;
        let mut reader = decryptor
            .decrypt(
                self.identities
                    .iter()
                    .map(|i| i.as_ref() as &dyn age::Identity),
            )
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => Error::NotForThisIdentity {
                    path: path.to_path_buf(),
                },
                age::DecryptError::Plugin(_) | age::DecryptError::PluginResolve(_) => {
                    Error::Identity {
                        path: path.to_path_buf(),
                        detail: format!("the age plugin could not open it ({e})"),
                    }
                }
                other => Error::Damaged {
                    path: path.to_path_buf(),
                    detail: other.to_string(),
                },
            })?;
        // The plaintext is shorter than the file: one allocation, no copies left behind.
        let mut plain = Zeroizing::new(Vec::with_capacity(size));
        reader.read_to_end(&mut plain).map_err(|e| match e.kind() {
            // What age reports for a bad or missing chunk; anything else is the disk.
            io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => Error::Damaged {
                path: path.to_path_buf(),
                detail: format!(
                    "decryption stopped part way ({e}); the file is truncated or altered"
                ),
            },
            _ => Error::io("read", path, e),
        })?;
        Ok(plain)
    }

    /// True when these identities open what is encrypted to `recipient`.
    pub fn opens(&self, recipient: &Recipient) -> bool {
        self.owners.iter().any(|o| match o {
            Owner::Key(key) => *key == recipient.key,
            Owner::Plugin(name) => {
                matches!(&recipient.kind, RecipientKind::Plugin(n) if n == name)
            }
        })
    }

    /// The public keys of these identities (to encrypt a new vault to).
    pub fn public_keys(&self, path: &Path) -> Result<Vec<Recipient>, Error> {
        owners_to_recipients(&self.owners, path)
    }
}

/// The kinds of recipients a vault can be encrypted to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecipientKind {
    /// An age X25519 public key, `age1...`.
    X25519,
    /// An SSH ed25519 public key, `ssh-ed25519 AAAA...`.
    SshEd25519,
    /// An SSH RSA public key, `ssh-rsa AAAA...`.
    SshRsa,
    /// An age plugin recipient, `age1NAME1...`, handled by the program `age-plugin-NAME`.
    Plugin(String),
}

impl std::fmt::Display for RecipientKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecipientKind::X25519 => f.write_str("x25519"),
            RecipientKind::SshEd25519 => f.write_str("ssh-ed25519"),
            RecipientKind::SshRsa => f.write_str("ssh-rsa"),
            RecipientKind::Plugin(name) => write!(f, "plugin:{name}"),
        }
    }
}

/// A public key the vault can be encrypted to, checked and in canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub kind: RecipientKind,
    /// The canonical text: `age1...`, or `ssh-ed25519 AAAA...` without the comment.
    pub key: String,
}

impl Recipient {
    /// Parses one recipient. The error says why, never repeating the input.
    pub fn parse(text: &str) -> Result<Self, String> {
        let s = text.trim();
        if s.starts_with("AGE-SECRET-KEY-")
            || s.starts_with("AGE-PLUGIN-")
            || s.contains("PRIVATE KEY")
        {
            return Err("that is a secret key (an identity), not a public key; keep it out of command lines and of the recipients file, and give its file with --file: bcode derives the public key".into());
        }
        if s.starts_with("age1") {
            if let Ok(r) = age::x25519::Recipient::from_str(s) {
                return Ok(Recipient {
                    kind: RecipientKind::X25519,
                    key: r.to_string(),
                });
            }
            if let Ok(r) = age::plugin::Recipient::from_str(s) {
                return Ok(Recipient {
                    kind: RecipientKind::Plugin(r.plugin().to_owned()),
                    key: s.to_ascii_lowercase(),
                });
            }
            return Err("it is not a valid age public key (age1..., or age1NAME1... for a plugin); check that it was copied whole".into());
        }
        let first = s.split_whitespace().next().unwrap_or_default();
        if first.starts_with("ssh-") || first.starts_with("sk-") || first.starts_with("ecdsa-") {
            return match age::ssh::Recipient::from_str(s) {
                // age reads the key's prefix only: what follows must be a comment.
                Ok(r) if !same_ssh_key(s, &r.to_string()) => Err(ssh_recipient_error(
                    age::ssh::ParseRecipientKeyError::Invalid("trailing data"),
                )),
                Ok(r) => Ok(Recipient {
                    kind: match r {
                        age::ssh::Recipient::SshEd25519(..) => RecipientKind::SshEd25519,
                        age::ssh::Recipient::SshRsa(..) => RecipientKind::SshRsa,
                    },
                    key: r.to_string(),
                }),
                Err(e) => Err(ssh_recipient_error(e)),
            };
        }
        Err("it is not a recipient: expected an age public key (age1...), an SSH public key (ssh-ed25519 AAAA... or ssh-rsa AAAA...) or an age plugin recipient (age1yubikey1...)".into())
    }
}

/// True when `line` (type, base64, optional comment) holds exactly the key `canonical`.
fn same_ssh_key(line: &str, canonical: &str) -> bool {
    let mut a = line.split_whitespace();
    let mut b = canonical.split_whitespace();
    a.next() == b.next()
        && a.next().map(|k| k.trim_end_matches('=')) == b.next().map(|k| k.trim_end_matches('='))
}

fn ssh_recipient_error(e: age::ssh::ParseRecipientKeyError) -> String {
    use age::ssh::ParseRecipientKeyError as P;
    match e {
        P::RsaModulusTooSmall => "it is an RSA key shorter than 2048 bits, too weak to use".into(),
        P::RsaModulusTooLarge => "it is an RSA key longer than age supports".into(),
        P::Unsupported(kind) if kind.starts_with("sk-") => format!(
            "{kind} is a security-key SSH key, which cannot decrypt; for a hardware key use an age plugin such as age-plugin-yubikey"
        ),
        P::Unsupported(kind) => {
            format!("{kind} keys are not supported; age uses ssh-ed25519 and ssh-rsa keys")
        }
        _ => "it is not a valid SSH public key (ssh-ed25519 AAAA... or ssh-rsa AAAA...); check that it was copied whole".into(),
    }
}

/// One recipient line of a `recipients` file.
#[derive(Clone, Debug)]
pub struct RecipientLine {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line as written (trimmed), comment included for SSH keys.
    pub text: String,
    pub recipient: Recipient,
}

/// Parses the lines of a recipients file: one recipient a line, `#` comments and blank
/// lines allowed. Errors give the line number, never the line.
pub fn parse_recipient_lines(text: &str, path: &Path) -> Result<Vec<RecipientLine>, Error> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let recipient = Recipient::parse(line).map_err(|why| Error::Recipients {
            path: path.to_path_buf(),
            detail: format!("line {}: {why}", i + 1),
        })?;
        out.push(RecipientLine {
            number: i + 1,
            text: line.to_owned(),
            recipient,
        });
    }
    Ok(out)
}

/// The age recipients for a list: X25519 and SSH keys natively, plugin recipients
/// through their `age-plugin-NAME` program (which must be on PATH).
pub fn to_age_recipients(list: &[Recipient]) -> Result<Vec<Box<dyn age::Recipient + Send>>, Error> {
    let mut out: Vec<Box<dyn age::Recipient + Send>> = Vec::new();
    let mut plugins: Vec<(String, Vec<age::plugin::Recipient>)> = Vec::new();
    for r in list {
        let bad = || Error::Other(format!("cannot use the recipient {}", r.key));
        match &r.kind {
            RecipientKind::X25519 => out.push(Box::new(
                age::x25519::Recipient::from_str(&r.key).map_err(|_| bad())?,
            )),
            RecipientKind::SshEd25519 | RecipientKind::SshRsa => out.push(Box::new(
                age::ssh::Recipient::from_str(&r.key).map_err(|_| bad())?,
            )),
            RecipientKind::Plugin(name) => {
                let p = age::plugin::Recipient::from_str(&r.key).map_err(|_| bad())?;
                match plugins.iter_mut().find(|(n, _)| n == name) {
                    Some((_, v)) => v.push(p),
                    None => plugins.push((name.clone(), vec![p])),
                }
            }
        }
    }
    for (name, recipients) in plugins {
        let plugin =
            age::plugin::RecipientPluginV1::new(&name, &recipients, &[], TerminalCallbacks)
                .map_err(|_| missing_plugin(&name))?;
        out.push(Box::new(plugin));
    }
    Ok(out)
}

/// The error for a plugin that is not installed.
pub fn missing_plugin(name: &str) -> Error {
    Error::Other(format!(
        "the program age-plugin-{name} is not installed (not found on PATH); bcode needs it to encrypt to age1{name}1... keys: install it, or take those keys off the list with: bcode recipients remove KEY"
    ))
}

/// Loads an identity file: an age identity file (as written by `age-keygen`, or
/// `AGE-PLUGIN-...` lines as a plugin writes), an OpenSSH ed25519 or RSA private key
/// (a passphrase-protected one asks for its passphrase), or a passphrase-protected age
/// identity (`age -p`, like bcode's own identity.age).
pub fn load_identity_file(path: &Path) -> Result<Unlocked, Error> {
    let text = read_identity_text(path)?;
    load_identity_text(&text, path)
}

/// As `load_identity_file`, but `None` where loading would ask for anything or run
/// a program: a passphrase-protected age identity or SSH key, a plugin identity
/// (its plugin may ask for a PIN or a touch). For shell completion, which must
/// never prompt or block.
pub fn load_identity_file_without_asking(path: &Path) -> Result<Option<Unlocked>, Error> {
    let text = read_identity_text(path)?;
    let would_ask = is_age_encrypted(&text)
        || text.contains("AGE-PLUGIN-")
        || (is_pem(&text)
            && matches!(
                parse_ssh_identity(&text, path)?.0,
                age::ssh::Identity::Encrypted(_)
            ));
    if would_ask {
        return Ok(None);
    }
    load_identity_text(&text, path).map(Some)
}

fn load_identity_text(text: &str, path: &Path) -> Result<Unlocked, Error> {
    if is_age_encrypted(text) {
        let prompt = format!("Passphrase for the identity {}: ", path.display());
        let passphrase = read_passphrase(&prompt, ENV_PASSPHRASE_FILE)?;
        let secret = open_sealed_identity(text.as_bytes(), &passphrase, path)?;
        return parse_identities(&secret, path);
    }
    if is_pem(text) {
        return load_ssh_identity(text, path);
    }
    parse_identities(text, path)
}

fn read_identity_text(path: &Path) -> Result<Zeroizing<String>, Error> {
    let bad = |detail: String| Error::Identity {
        path: path.to_path_buf(),
        detail,
    };
    let bytes =
        Zeroizing::new(std::fs::read(path).map_err(|e| {
            bad(format!(
                "cannot read it ({e}); put the file back, or set BCODE_IDENTITY to another identity the vault is encrypted to"
            ))
        })?);
    if bytes.len() > 1 << 24 {
        return Err(bad("it is too large to be an identity file".into()));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        bad("it is not a text file; expected an age identity file or an OpenSSH private key".into())
    })?;
    Ok(Zeroizing::new(text.to_owned()))
}

fn is_age_encrypted(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("-----BEGIN AGE ENCRYPTED FILE-----") || t.starts_with("age-encryption.org/")
}

fn is_pem(text: &str) -> bool {
    text.trim_start().starts_with("-----BEGIN")
}

/// Parses an SSH private key, and the public key it holds (readable without its passphrase).
fn parse_ssh_identity(text: &str, path: &Path) -> Result<(age::ssh::Identity, Recipient), Error> {
    let bad = |detail: String| Error::Identity {
        path: path.to_path_buf(),
        detail,
    };
    let identity = age::ssh::Identity::from_buffer(
        io::Cursor::new(text.as_bytes()),
        Some(path.display().to_string()),
    )
    .map_err(|_| {
        bad("it is not a private key bcode can use (expected an OpenSSH ed25519 or RSA key, -----BEGIN OPENSSH PRIVATE KEY-----)".into())
    })?;
    if let age::ssh::Identity::Unsupported(u) = &identity {
        use age::ssh::UnsupportedKey as U;
        return Err(bad(match u {
            U::EncryptedPem => format!(
                "it is an encrypted key in the old PEM format; convert it to the OpenSSH format with: ssh-keygen -p -f {}",
                path.display()
            ),
            U::EncryptedSsh(cipher) => {
                format!("it is encrypted with {cipher}, a cipher age does not support")
            }
            U::Hardware(kind) => format!(
                "{kind} is a security-key SSH key, which cannot decrypt; for a hardware key use an age plugin such as age-plugin-yubikey"
            ),
            U::Type(kind) => {
                format!("{kind} keys are not supported; age uses ssh-ed25519 and ssh-rsa keys")
            }
        }));
    }
    let public =
        age::ssh::Recipient::try_from(identity.clone()).map_err(|e| bad(ssh_recipient_error(e)))?;
    let recipient = Recipient::parse(&public.to_string()).map_err(bad)?;
    Ok((identity, recipient))
}

fn load_ssh_identity(text: &str, path: &Path) -> Result<Unlocked, Error> {
    let (identity, recipient) = parse_ssh_identity(text, path)?;
    let identity = match identity {
        age::ssh::Identity::Encrypted(key) => {
            // Decrypted once here: age would otherwise ask again for every stanza.
            let prompt = format!("Passphrase for the SSH key {}: ", path.display());
            let passphrase = read_passphrase(&prompt, ENV_PASSPHRASE_FILE)?;
            let key = key
                .decrypt(passphrase)
                .map_err(|e| passphrase_failure(e, path))?;
            age::ssh::Identity::from(key)
        }
        other => other,
    };
    Ok(Unlocked {
        identities: vec![Box::new(identity)],
        owners: vec![Owner::Key(recipient.key)],
    })
}

fn parse_identities(text: &str, path: &Path) -> Result<Unlocked, Error> {
    let bad = |detail: String| Error::Identity {
        path: path.to_path_buf(),
        detail,
    };
    let file = age::IdentityFile::from_buffer(io::Cursor::new(text.as_bytes()))
        .map_err(|_| bad("it is not an identity file bcode can use (expected AGE-SECRET-KEY-1... lines as age-keygen writes, AGE-PLUGIN-... lines as an age plugin writes, or an OpenSSH private key)".into()))?;
    let identities = file
        .with_callbacks(TerminalCallbacks)
        .into_identities()
        .map_err(|e| match e {
            age::DecryptError::PluginResolve(age::plugin::ResolveError::MissingPlugin {
                binary_name,
            }) => bad(format!(
                "it is a plugin identity, and the program {binary_name} is not installed (not found on PATH)"
            )),
            other => bad(format!("it holds an identity bcode cannot use ({other})")),
        })?;
    if identities.is_empty() {
        return Err(bad("it holds no identity".into()));
    }
    Ok(Unlocked {
        identities,
        owners: owners_of_identity_text(text),
    })
}

/// Which recipients the identities in an age identity file correspond to, read
/// without running any plugin.
fn owners_of_identity_text(text: &str) -> Vec<Owner> {
    let mut owners = Vec::new();
    let mut plugins: Vec<String> = Vec::new();
    let mut noted: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix('#') {
            // "# public key: age1..." (age-keygen), "#    Recipient: age1yubikey1..." (yubikey)
            if let Some(word) = comment.split_whitespace().last()
                && word.starts_with("age1")
            {
                noted.push(word);
            }
            continue;
        }
        if let Ok(id) = age::x25519::Identity::from_str(line) {
            owners.push(Owner::Key(id.to_public().to_string()));
        } else if let Ok(id) = age::plugin::Identity::from_str(line)
            && !plugins.iter().any(|p| p == id.plugin())
        {
            plugins.push(id.plugin().to_owned());
        }
    }
    for name in plugins {
        let prefix = format!("age1{name}1");
        let known: Vec<Owner> = noted
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .filter(|w| w.starts_with(&prefix) && Recipient::parse(w).is_ok())
            .map(Owner::Key)
            .collect();
        if known.is_empty() {
            owners.push(Owner::Plugin(name));
        } else {
            owners.extend(known);
        }
    }
    owners
}

fn owners_to_recipients(owners: &[Owner], path: &Path) -> Result<Vec<Recipient>, Error> {
    let mut out: Vec<Recipient> = Vec::new();
    for owner in owners {
        match owner {
            Owner::Key(key) => {
                let r = Recipient::parse(key).map_err(|why| Error::Identity {
                    path: path.to_path_buf(),
                    detail: why,
                })?;
                if !out.contains(&r) {
                    out.push(r);
                }
            }
            Owner::Plugin(name) => {
                return Err(Error::Identity {
                    path: path.to_path_buf(),
                    detail: format!(
                        "it is an age-plugin-{name} identity, and bcode cannot tell its public key: the file has no '# Recipient: age1{name}1...' line (as age-plugin-yubikey writes). Add that line, or give the public key itself"
                    ),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Identity {
            path: path.to_path_buf(),
            detail: "it holds no identity".into(),
        });
    }
    Ok(out)
}

/// The public keys of the identities in a file, derived without asking for any secret:
/// an age identity file (`age1...` from each `AGE-SECRET-KEY-1...`), or an OpenSSH
/// private key (its public half, readable even when the key has a passphrase).
pub fn recipients_of_identity_file(path: &Path) -> Result<Vec<Recipient>, Error> {
    let text = read_identity_text(path)?;
    if is_age_encrypted(&text) {
        return Err(Error::Identity {
            path: path.to_path_buf(),
            detail: "it is passphrase-protected, so its public key cannot be read from it; give the public key (age1...) instead".into(),
        });
    }
    if is_pem(&text) {
        let (_, recipient) = parse_ssh_identity(&text, path)?;
        return Ok(vec![recipient]);
    }
    age::IdentityFile::from_buffer(io::Cursor::new(text.as_bytes())).map_err(|_| {
        Error::Identity {
            path: path.to_path_buf(),
            detail: "it is not an identity file bcode can use".into(),
        }
    })?;
    owners_to_recipients(&owners_of_identity_text(&text), path)
}

/// True when the text looks like a file of secret keys rather than public ones.
pub fn looks_like_identity_file(text: &str) -> bool {
    is_pem(text)
        || is_age_encrypted(text)
        || text
            .lines()
            .map(str::trim)
            .any(|l| l.starts_with("AGE-SECRET-KEY-") || l.starts_with("AGE-PLUGIN-"))
}

/// Answers an age plugin's requests: messages on stderr, questions and secrets at the
/// terminal (secrets hidden, through rpassword); never from the command line.
#[derive(Clone, Copy, Debug)]
pub struct TerminalCallbacks;

impl TerminalCallbacks {
    fn ask(prompt: &str) -> Option<String> {
        let mut tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        write!(tty, "{prompt}").ok()?;
        let mut answer = String::new();
        io::BufReader::new(&tty).read_line(&mut answer).ok()?;
        Some(answer.trim().to_owned())
    }
}

impl age::Callbacks for TerminalCallbacks {
    fn display_message(&self, message: &str) {
        eprintln!("bcode: {}", crate::sanitize::display(message));
    }

    fn confirm(&self, message: &str, yes_string: &str, no_string: Option<&str>) -> Option<bool> {
        let no = no_string.unwrap_or("no");
        let answer = Self::ask(&format!(
            "{} [{}/{}] ",
            crate::sanitize::display(message),
            crate::sanitize::display(yes_string),
            crate::sanitize::display(no)
        ))?;
        Some(answer.eq_ignore_ascii_case(yes_string) || answer.eq_ignore_ascii_case("y"))
    }

    fn request_public_string(&self, description: &str) -> Option<String> {
        Self::ask(&format!("{} ", crate::sanitize::display(description)))
    }

    fn request_passphrase(&self, description: &str) -> Option<SecretString> {
        if !has_terminal() {
            return None;
        }
        rpassword::prompt_password(format!("{} ", crate::sanitize::display(description)))
            .ok()
            .map(SecretString::from)
    }
}

/// A fresh X25519 identity: the secret key text and its public recipient.
pub fn generate_identity() -> (Zeroizing<String>, String) {
    let key = age::x25519::Identity::generate();
    let recipient = key.to_public().to_string();
    let secret = Zeroizing::new(format!(
        "# created by bcode: the key that opens vault.age\n# public key: {recipient}\n{}\n",
        key.to_string().expose_secret()
    ));
    (secret, recipient)
}

/// Encrypts an identity's text with a passphrase (scrypt at the pinned work factor), armored.
pub fn seal_identity(secret: &str, passphrase: &SecretString) -> Result<Vec<u8>, Error> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(SCRYPT_WRITE_WORK_FACTOR);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as _))
        .map_err(|e| Error::Other(format!("cannot encrypt the identity: {e}")))?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .and_then(|w| {
            let mut w = encryptor.wrap_output(w)?;
            w.write_all(secret.as_bytes())?;
            w.finish()
        })
        .and_then(|armor| armor.finish());
    armor.map_err(|e| Error::Other(format!("cannot encrypt the identity: {e}")))?;
    Ok(out)
}

/// A failed decryption with a passphrase: the wrong passphrase, or a damaged file.
fn passphrase_failure(e: age::DecryptError, path: &Path) -> Error {
    match e {
        age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::NoMatchingKeys => Error::WrongPassphrase {
            path: path.to_path_buf(),
        },
        other => Error::Identity {
            path: path.to_path_buf(),
            detail: other.to_string(),
        },
    }
}

/// Opens a passphrase-protected identity (one scrypt), returning its secret text.
pub fn open_sealed_identity(
    sealed: &[u8],
    passphrase: &SecretString,
    path: &Path,
) -> Result<Zeroizing<String>, Error> {
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(SCRYPT_MAX_WORK_FACTOR);
    let reader = age::armor::ArmoredReader::new(sealed);
    let decryptor = age::Decryptor::new(reader).map_err(|e| Error::Identity {
        path: path.to_path_buf(),
        detail: format!("it is damaged ({e})"),
    })?;
    let mut stream = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| passphrase_failure(e, path))?;
    let mut plain = Zeroizing::new(Vec::new());
    stream
        .read_to_end(&mut plain)
        .map_err(|e| Error::Identity {
            path: path.to_path_buf(),
            detail: format!("it is damaged ({e})"),
        })?;
    let text = String::from_utf8(std::mem::take(&mut *plain)).map_err(|_| Error::Identity {
        path: path.to_path_buf(),
        detail: "its content is not an identity".into(),
    })?;
    Ok(Zeroizing::new(text))
}

/// Parses the secret text of an identity (from `open_sealed_identity`).
pub fn identities_from_text(text: &str, path: &Path) -> Result<Unlocked, Error> {
    parse_identities(text, path)
}

/// The recipients the vault is encrypted to, parsed from `recipients` lines.
pub fn parse_recipients(
    text: &str,
    path: &Path,
) -> Result<Vec<Box<dyn age::Recipient + Send>>, Error> {
    let lines = parse_recipient_lines(text, path)?;
    if lines.is_empty() {
        return Err(Error::Recipients {
            path: path.to_path_buf(),
            detail: "it lists no recipient".into(),
        });
    }
    let list: Vec<Recipient> = lines.into_iter().map(|l| l.recipient).collect();
    to_age_recipients(&list)
}

/// Encrypts plaintext to every recipient (binary age format).
pub fn encrypt(
    recipients: &[Box<dyn age::Recipient + Send>],
    plaintext: &[u8],
) -> Result<Vec<u8>, Error> {
    let encryptor = encryptor(recipients)?;
    let mut out = Vec::with_capacity(plaintext.len() + 512);
    write_encrypted(encryptor, plaintext, &mut out)
        .map_err(|e| Error::Other(format!("cannot encrypt the vault: {e}")))?;
    Ok(out)
}

/// An encryptor to every recipient; made before any file is touched, so a bad
/// recipient list fails early.
pub fn encryptor(recipients: &[Box<dyn age::Recipient + Send>]) -> Result<age::Encryptor, Error> {
    age::Encryptor::with_recipients(recipients.iter().map(|r| r.as_ref() as &dyn age::Recipient))
        .map_err(|e| Error::Other(format!("cannot encrypt the vault: {e}")))
}

/// Encrypts plaintext straight into `out` (a file: no ciphertext copy in memory).
pub fn write_encrypted(
    encryptor: age::Encryptor,
    plaintext: &[u8],
    out: impl Write,
) -> io::Result<()> {
    let mut writer = encryptor.wrap_output(out)?;
    writer.write_all(plaintext)?;
    writer.finish().map(|_| ())
}

/// Where a passphrase comes from: `BCODE_PASSPHRASE_FILE`, else the terminal.
pub fn read_passphrase(prompt: &str, file_var: &str) -> Result<SecretString, Error> {
    if let Some(path) = std::env::var_os(file_var) {
        return passphrase_from_file(Path::new(&path), file_var);
    }
    if !has_terminal() {
        return Err(Error::NoTerminal {
            what: "the passphrase".into(),
            hint: format!(
                "run bcode at a terminal, or put the passphrase on the first line of a file (mode 0600) and set {file_var}=FILE"
            ),
        });
    }
    let pass = rpassword::prompt_password(prompt)
        .map_err(|e| Error::Other(format!("cannot read the passphrase from the terminal: {e}")))?;
    Ok(SecretString::from(pass))
}

/// Asks for a new passphrase twice (or reads it from the named file variable).
pub fn read_new_passphrase(file_var: &str) -> Result<SecretString, Error> {
    if let Some(path) = std::env::var_os(file_var) {
        let pass = passphrase_from_file(Path::new(&path), file_var)?;
        if pass.expose_secret().is_empty() {
            return Err(Error::Other(format!(
                "the passphrase file named by {file_var} has an empty first line"
            )));
        }
        return Ok(pass);
    }
    for _ in 0..3 {
        let first = read_passphrase("New passphrase: ", file_var)?;
        if first.expose_secret().is_empty() {
            eprintln!("bcode: the passphrase cannot be empty; try again");
            continue;
        }
        let second = read_passphrase("Repeat the passphrase: ", file_var)?;
        if first.expose_secret() == second.expose_secret() {
            return Ok(first);
        }
        eprintln!("bcode: the two passphrases differ; try again");
    }
    Err(Error::Other(
        "no passphrase set: the entries did not match; nothing was changed".into(),
    ))
}

fn passphrase_from_file(path: &Path, var: &str) -> Result<SecretString, Error> {
    let content = Zeroizing::new(std::fs::read(path).map_err(|e| {
        Error::Other(format!(
            "cannot read the passphrase file {} (named by {var}): {e}",
            path.display()
        ))
    })?);
    let first = content.split(|b| *b == b'\n').next().unwrap_or_default();
    let first = first.strip_suffix(b"\r").unwrap_or(first);
    let text = std::str::from_utf8(first).map_err(|_| {
        Error::Other(format!(
            "the passphrase file {} (named by {var}) is not UTF-8 text",
            path.display()
        ))
    })?;
    Ok(SecretString::from(text.to_owned()))
}

/// True when a prompt can be shown: a controlling terminal exists.
pub fn has_terminal() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok()
        || io::stdin().is_terminal()
}

/// The identity file named by `BCODE_IDENTITY`, if set.
pub fn identity_override() -> Option<PathBuf> {
    std::env::var_os(ENV_IDENTITY)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_identity_round_trips_through_a_passphrase() {
        let (secret, recipient) = generate_identity();
        assert!(recipient.starts_with("age1"));
        let pass = SecretString::from("correct horse".to_string());
        let sealed = seal_identity(&secret, &pass).unwrap();
        assert!(sealed.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
        let path = Path::new("identity.age");
        let opened = open_sealed_identity(&sealed, &pass, path).unwrap();
        assert_eq!(opened.as_str(), secret.as_str());
        let wrong = SecretString::from("wrong".to_string());
        assert!(matches!(
            open_sealed_identity(&sealed, &wrong, path),
            Err(Error::WrongPassphrase { .. })
        ));

        let unlocked = identities_from_text(&opened, path).unwrap();
        let recipients = parse_recipients(&recipient, path).unwrap();
        let ct = encrypt(&recipients, b"{\"version\":1}").unwrap();
        assert_eq!(
            unlocked
                .decrypt(&ct, Path::new("vault.age"))
                .unwrap()
                .as_slice(),
            b"{\"version\":1}"
        );
    }

    #[test]
    fn recipients_parse_to_their_kind_and_canonical_key() {
        let (_, age_key) = generate_identity();
        let r = Recipient::parse(&format!("  {age_key} ")).unwrap();
        assert_eq!(
            (r.kind, r.key.as_str()),
            (RecipientKind::X25519, age_key.as_str())
        );

        let ssh =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOHtV8ysUzWMCUj5H0FjT1OBTjIhfGNyd0UpodXpbHma";
        let r = Recipient::parse(&format!("{ssh} me@laptop")).unwrap();
        assert_eq!((r.kind, r.key.as_str()), (RecipientKind::SshEd25519, ssh));
        assert!(Recipient::parse(&format!("{ssh}xyz me@laptop")).is_err());
        assert!(Recipient::parse(&format!("{ssh}xyz")).is_err());

        let plugin = plugin_recipient(1);
        let r = Recipient::parse(&plugin).unwrap();
        assert_eq!(r.kind, RecipientKind::Plugin("yubikey".into()));
        assert_eq!(r.kind.to_string(), "plugin:yubikey");

        for bad in [
            "",
            "age1",
            "hello",
            "ssh-ed25519 AAAA",
            "ecdsa-sha2-nistp256 AAAA",
        ] {
            assert!(Recipient::parse(bad).is_err(), "{bad}");
        }
        let why = Recipient::parse("AGE-SECRET-KEY-1QQQSECRET").unwrap_err();
        assert!(
            why.contains("secret key") && !why.contains("QQQSECRET"),
            "{why}"
        );
    }

    #[test]
    fn plugin_identities_are_matched_by_their_recipient_line_else_by_name() {
        let plugin = plugin_recipient(1);
        let other = plugin_recipient(2);
        let id = age::plugin::Identity::default_for_plugin("yubikey")
            .unwrap()
            .to_string();
        let with_line = format!("#    Recipient: {plugin}\n{id}\n");
        let owners = owners_of_identity_text(&with_line);
        assert_eq!(owners, vec![Owner::Key(plugin.clone())]);
        let owners = owners_of_identity_text(&format!("{id}\n"));
        assert_eq!(owners, vec![Owner::Plugin("yubikey".into())]);
        let unlocked = Unlocked {
            identities: Vec::new(),
            owners,
        };
        assert!(unlocked.opens(&Recipient::parse(&plugin).unwrap()));
        assert!(unlocked.opens(&Recipient::parse(&other).unwrap()));
        assert!(!unlocked.opens(&Recipient::parse(&generate_identity().1).unwrap()));
    }

    fn plugin_recipient(byte: u8) -> String {
        let hrp = bech32::Hrp::parse("age1yubikey").unwrap();
        bech32::encode_lower::<bech32::Bech32>(hrp, &[byte; 33]).unwrap()
    }

    #[test]
    fn bad_recipient_lines_are_refused_with_the_line_number() {
        let err = parse_recipients("# comment\nnot-a-key\n", Path::new("recipients"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
