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
        input: impl BufRead,
        size: usize,
        path: &Path,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
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
}

/// Loads an age identity file (as written by `age-keygen`).
pub fn load_identity_file(path: &Path) -> Result<Unlocked, Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::Identity {
        path: path.to_path_buf(),
        detail: format!("cannot read it: {e}"),
    })?;
    parse_identities(io::BufReader::new(file), path)
}

fn parse_identities(reader: impl BufRead, path: &Path) -> Result<Unlocked, Error> {
    let bad = |detail: String| Error::Identity {
        path: path.to_path_buf(),
        detail,
    };
    let file = age::IdentityFile::from_buffer(reader)
        .map_err(|_| bad("it is not an age identity file (expected AGE-SECRET-KEY-1... lines as age-keygen writes)".into()))?;
    let identities = file
        .into_identities()
        .map_err(|e| bad(format!("it holds an identity bcode cannot use ({e})")))?;
    if identities.is_empty() {
        return Err(bad("it holds no identity".into()));
    }
    Ok(Unlocked { identities })
}

/// The public recipients of the identities in an identity file (`age1...` lines).
pub fn recipients_of_identity_file(path: &Path) -> Result<Vec<String>, Error> {
    let file = age::IdentityFile::from_file(path.to_string_lossy().into_owned()).map_err(|e| {
        Error::Identity {
            path: path.to_path_buf(),
            detail: format!("cannot read it as an age identity file: {e}"),
        }
    })?;
    let mut out = Vec::new();
    file.write_recipients_file(&mut out)
        .map_err(|e| Error::Identity {
            path: path.to_path_buf(),
            detail: format!("cannot derive its public key: {e}"),
        })?;
    let text = String::from_utf8_lossy(&out).into_owned();
    let list: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect();
    if list.is_empty() {
        return Err(Error::Identity {
            path: path.to_path_buf(),
            detail: "it holds no identity".into(),
        });
    }
    Ok(list)
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
        .map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys => {
                Error::WrongPassphrase {
                    path: path.to_path_buf(),
                }
            }
            other => Error::Identity {
                path: path.to_path_buf(),
                detail: other.to_string(),
            },
        })?;
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
    parse_identities(io::Cursor::new(text.as_bytes()), path)
}

/// The recipients the vault is encrypted to, parsed from `recipients` lines.
pub fn parse_recipients(
    text: &str,
    path: &Path,
) -> Result<Vec<Box<dyn age::Recipient + Send>>, Error> {
    let mut out: Vec<Box<dyn age::Recipient + Send>> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let r = age::x25519::Recipient::from_str(line).map_err(|_| Error::Recipients {
            path: path.to_path_buf(),
            detail: format!("line {} is not an age public key (age1...)", i + 1),
        })?;
        out.push(Box::new(r));
    }
    if out.is_empty() {
        return Err(Error::Recipients {
            path: path.to_path_buf(),
            detail: "it lists no recipient".into(),
        });
    }
    Ok(out)
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
    fn bad_recipient_lines_are_refused_with_the_line_number() {
        let err = parse_recipients("# comment\nnot-a-key\n", Path::new("recipients"))
            .err()
            .unwrap();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
