//! The vault folder: locate, lock, read and decrypt, encrypt and write atomically, keep backups.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::keys::{self, Unlocked};
use crate::vault::{self, Timestamp, Vault};

/// The encrypted vault document.
pub const VAULT_FILE: &str = "vault.age";
/// The X25519 identity, encrypted with the user's passphrase.
pub const IDENTITY_FILE: &str = "identity.age";
/// The public recipients the vault is encrypted to.
pub const RECIPIENTS_FILE: &str = "recipients";
/// Plain settings: which identity file to use, whether to keep a names list.
pub const CONFIG_FILE: &str = "config.json";
/// Held (flock) for every read-modify-write.
pub const LOCK_FILE: &str = "lock";
/// Earlier vaults, newest last.
pub const BACKUP_DIR: &str = "backups";
/// Plain list of service names, only when the user opted in (for shell completion).
pub const NAMES_FILE: &str = "service-names";
/// How many earlier vaults to keep.
pub const KEEP_BACKUPS: usize = 10;
/// Prefix of temporary files; any left behind are from a dead process.
const TMP_PREFIX: &str = ".tmp-";

/// The folder's plain settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// An identity file the user brought (`init --identity`); absent for a passphrase vault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<PathBuf>,
    /// Keep a plain list of service names beside the vault (for completion).
    #[serde(default)]
    pub plain_names: bool,
    /// This device's random id (config.json is not synced): where `use` starts in a
    /// set when the vault is shared, so devices offline do not pick the same code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
}

/// The vault folder.
#[derive(Clone, Debug)]
pub struct VaultDir {
    path: PathBuf,
}

/// Holds the folder's lock until dropped.
#[derive(Debug)]
pub struct LockGuard {
    _file: File,
}

impl VaultDir {
    /// `--dir` or `$BCODE_DIR` (already folded into `dir` by clap), else the platform data dir.
    pub fn locate(dir: Option<&Path>) -> Result<Self> {
        let path = match dir {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => dirs::data_dir()
                .ok_or_else(|| {
                    Error::Other(
                        "cannot find the user data folder (is HOME set?); give one with --dir or BCODE_DIR"
                            .into(),
                    )
                })?
                .join("bcode"),
        };
        Ok(Self::at(path))
    }

    /// The folder at `path`; a symlinked folder is resolved, so writes land in the real one.
    pub fn at(path: PathBuf) -> Self {
        let path = fs::canonicalize(&path).unwrap_or(path);
        VaultDir { path }
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A file in the folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// True when the folder holds a vault.
    pub fn has_vault(&self) -> bool {
        self.file(VAULT_FILE).exists()
    }

    /// Creates the folder (0700) if needed.
    pub fn create(&mut self) -> Result<()> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.path)
            .map_err(|e| Error::io("create the vault folder", &self.path, e))?;
        fs::set_permissions(&self.path, fs::Permissions::from_mode(0o700))
            .map_err(|e| Error::io("set permissions on", &self.path, e))?;
        self.path = fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone());
        Ok(())
    }

    fn require_vault(&self) -> Result<()> {
        if self.has_vault() {
            return Ok(());
        }
        // A folder whose vault.age went missing but which still holds backups is not a
        // new folder: say how to bring the vault back rather than suggest `bcode init`.
        match self.backups() {
            Ok(list) if !list.is_empty() => Err(Error::Damaged {
                path: self.file(VAULT_FILE),
                detail: format!(
                    "it is missing, but {} holds {} earlier copies",
                    self.file(BACKUP_DIR).display(),
                    list.len()
                ),
            }),
            _ => Err(Error::NoVault {
                dir: self.path.clone(),
            }),
        }
    }

    fn open_lock_file(&self) -> Result<File> {
        let path = self.file(LOCK_FILE);
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
            .map_err(|e| Error::io("open the lock file", &path, e))
    }

    /// Waits for and takes the folder's exclusive lock.
    pub fn lock_exclusive(&self) -> Result<LockGuard> {
        let file = self.open_lock_file()?;
        file.lock()
            .map_err(|e| Error::io("lock", self.file(LOCK_FILE), e))?;
        Ok(LockGuard { _file: file })
    }

    /// Takes a shared lock, so a read never sees a half-finished change of the folder.
    pub fn lock_shared(&self) -> Result<LockGuard> {
        let file = match self.open_lock_file() {
            Ok(f) => f,
            // A read-only folder can still be read; atomic renames keep reads consistent.
            Err(_) => {
                return File::open(&self.path)
                    .map(|f| LockGuard { _file: f })
                    .map_err(|e| Error::io("open", &self.path, e));
            }
        };
        file.lock_shared()
            .map_err(|e| Error::io("lock", self.file(LOCK_FILE), e))?;
        Ok(LockGuard { _file: file })
    }

    /// The folder's settings (defaults when there is no config file).
    pub fn config(&self) -> Result<Config> {
        let path = self.file(CONFIG_FILE);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Damaged {
                path: path.clone(),
                detail: format!("it is not a valid bcode config ({e})"),
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Error::io("read", path, e)),
        }
    }

    /// Writes the settings (under the lock).
    pub fn write_config(&self, config: &Config, _lock: &LockGuard) -> Result<()> {
        let mut bytes = serde_json::to_vec_pretty(config).expect("config serializes");
        bytes.push(b'\n');
        self.write_atomic(CONFIG_FILE, &bytes)
    }

    /// Loads the identities that open the vault: `BCODE_IDENTITY`, else the identity
    /// file named at init, else `identity.age` unlocked with the passphrase (one scrypt).
    pub fn unlock(&self) -> Result<Unlocked> {
        self.require_vault()?;
        self.unlock_identity()
    }

    /// As `unlock`, without requiring vault.age (for `restore` and `doctor`).
    pub fn unlock_identity(&self) -> Result<Unlocked> {
        if let Some(path) = keys::identity_override() {
            return keys::load_identity_file(&path);
        }
        if let Some(path) = self.config()?.identity {
            return keys::load_identity_file(&path);
        }
        let path = self.file(IDENTITY_FILE);
        let sealed = fs::read(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::Identity {
                path: path.clone(),
                detail: "it is missing; restore it from your own backup, or set BCODE_IDENTITY to another identity the vault is encrypted to".into(),
            },
            _ => Error::io("read", &path, e),
        })?;
        let prompt = format!(
            "Passphrase for the bcode vault in {}: ",
            self.path.display()
        );
        let passphrase = keys::read_passphrase(&prompt, keys::ENV_PASSPHRASE_FILE)?;
        let secret = keys::open_sealed_identity(&sealed, &passphrase, &path)?;
        keys::identities_from_text(&secret, &path)
    }

    /// The recipients the vault is encrypted to.
    pub fn recipients(&self) -> Result<Vec<Box<dyn age::Recipient + Send>>> {
        let path = self.file(RECIPIENTS_FILE);
        let text = fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        keys::parse_recipients(&text, &path)
    }

    /// Reads and decrypts the vault.
    pub fn load(&self, keys: &Unlocked) -> Result<Vault> {
        let plaintext = self.load_plaintext(keys)?;
        decode_at(&plaintext, &self.file(VAULT_FILE))
    }

    /// Reads and decrypts the vault document, decrypting as it reads: the ciphertext
    /// is never held whole (a third less peak memory for a large vault).
    pub fn load_plaintext(&self, keys: &Unlocked) -> Result<Zeroizing<Vec<u8>>> {
        self.require_vault()?;
        let path = self.file(VAULT_FILE);
        let file = File::open(&path).map_err(|e| Error::io("read", &path, e))?;
        let size = file
            .metadata()
            .map_err(|e| Error::io("read", &path, e))?
            .len();
        if size == 0 {
            return Err(empty(&path));
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let input = io::BufReader::with_capacity(64 * 1024, file);
        keys.decrypt_from(input, size, &path)
    }

    /// The recipients file's text and its recipient lines (for `bcode recipients`).
    pub fn recipient_lines(&self) -> Result<(String, Vec<keys::RecipientLine>)> {
        let path = self.file(RECIPIENTS_FILE);
        let text = fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
        let lines = keys::parse_recipient_lines(&text, &path)?;
        Ok((text, lines))
    }

    /// Encrypts and writes the vault atomically; the previous one becomes a backup.
    /// Call only while holding the exclusive lock.
    pub fn save(&self, vault: &Vault, lock: &LockGuard, now: Timestamp) -> Result<()> {
        let recipients = self.recipients()?;
        self.save_to(vault, &recipients, lock, now)
    }

    /// As `save`, for a document already encoded (`PartialVault::encode_with`);
    /// `names` lists the services for the opt-in names file.
    pub fn save_encoded(
        &self,
        plaintext: &[u8],
        names: &dyn Fn() -> Vec<String>,
        lock: &LockGuard,
        now: Timestamp,
    ) -> Result<()> {
        let recipients = self.recipients()?;
        self.save_plaintext(plaintext, names, &recipients, lock, now)
    }

    /// As `save`, encrypted to the given recipients instead of the recipients file's
    /// (`bcode recipients` writes the vault and that file in a crash-safe order).
    pub fn save_to(
        &self,
        vault: &Vault,
        recipients: &[Box<dyn age::Recipient + Send>],
        lock: &LockGuard,
        now: Timestamp,
    ) -> Result<()> {
        let plaintext = vault::encode(vault);
        let names = || {
            vault
                .services
                .keys()
                .map(|n| n.as_str().to_owned())
                .collect()
        };
        self.save_plaintext(&plaintext, &names, recipients, lock, now)
    }

    /// Writes an encoded vault document (from `vault::encode`, or `PartialVault`'s
    /// `encode_with`); `names` lists the services for the opt-in names file.
    fn save_plaintext(
        &self,
        plaintext: &[u8],
        names: &dyn Fn() -> Vec<String>,
        recipients: &[Box<dyn age::Recipient + Send>],
        lock: &LockGuard,
        now: Timestamp,
    ) -> Result<()> {
        let plain_names = self.config()?.plain_names;
        let encryptor = keys::encryptor(recipients)?;
        self.remove_stale_temp_files(lock);
        // The new vault goes to a temp file first, encrypted straight into it (no
        // ciphertext copy in memory): a full disk or a read-only folder fails here,
        // before the backups are touched.
        let tmp = self.write_temp_with(VAULT_FILE, |file| {
            keys::write_encrypted(encryptor, plaintext, file)
        })?;
        self.backup_current(now)?;
        crate::faults::point("after-backup");
        self.persist_temp(tmp, VAULT_FILE)?;
        if plain_names {
            self.write_names_list(&names())?;
        }
        Ok(())
    }

    /// Writes the plain list of service names (only when the user opted in).
    pub fn write_names(&self, vault: &Vault) -> Result<()> {
        let names: Vec<String> = vault
            .services
            .keys()
            .map(|n| n.as_str().to_owned())
            .collect();
        self.write_names_list(&names)
    }

    fn write_names_list(&self, names: &[String]) -> Result<()> {
        let mut text = String::new();
        for name in names {
            text.push_str(name);
            text.push('\n');
        }
        self.write_atomic(NAMES_FILE, text.as_bytes())
    }

    /// Hard-links the current vault into `backups/` and prunes old generations.
    pub fn backup_current(&self, now: Timestamp) -> Result<()> {
        let current = self.file(VAULT_FILE);
        if !current.exists() {
            return Ok(());
        }
        let dir = self.file(BACKUP_DIR);
        // A failed save may be retried many times over: linking the same vault again
        // each time would push every distinct earlier generation out of the ten kept.
        if let Some(newest) = self.backups()?.last()
            && same_file(newest, &current)
        {
            return Ok(());
        }
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)
            .map_err(|e| Error::io("create the backup folder", &dir, e))?;
        let stamp = format!(
            "vault-{:04}{:02}{:02}T{:02}{:02}{:02}.{:09}Z.age",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second(),
            now.nanosecond()
        );
        let mut target = dir.join(&stamp);
        let mut n = 1;
        while target.exists() {
            target = dir.join(format!("{stamp}.{n}"));
            n += 1;
        }
        fs::hard_link(&current, &target)
            .or_else(|_| {
                fs::copy(&current, &target).map(|_| ()).inspect_err(|_| {
                    // Never leave a partial copy that would list as a backup.
                    let _ = fs::remove_file(&target);
                })
            })
            .map_err(|e| Error::io("back up the vault to", &target, e))?;
        sync_dir(&dir)?;
        let mut backups = self.backups()?;
        while backups.len() > KEEP_BACKUPS {
            let old = backups.remove(0);
            fs::remove_file(&old).map_err(|e| Error::io("remove the old backup", &old, e))?;
        }
        Ok(())
    }

    /// The backups, oldest first.
    pub fn backups(&self) -> Result<Vec<PathBuf>> {
        let dir = self.file(BACKUP_DIR);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io("read the backup folder", &dir, e)),
        };
        let mut list: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("vault-") && n.contains(".age"))
            })
            .collect();
        list.sort();
        Ok(list)
    }

    /// Writes a file in the folder: temp file (0600), fsync, rename, fsync the folder.
    pub fn write_atomic(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let tmp = self.write_temp_with(name, |file| file.write_all(bytes))?;
        self.persist_temp(tmp, name)
    }

    /// The first half of `write_atomic`: a synced temp file (0600) in the folder,
    /// filled by `write`.
    fn write_temp_with(
        &self,
        name: &str,
        write: impl FnOnce(&mut File) -> io::Result<()>,
    ) -> Result<tempfile::NamedTempFile> {
        let target = self.file(name);
        // Renaming onto a symlink would replace the link with a file, silently
        // detaching whatever it pointed to (a synced folder, say): refuse instead.
        if fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Error::Other(format!(
                "{} is a symbolic link; bcode replaces that file on every change and would break the link. Nothing was changed. Move the real file into the folder (or link the whole folder instead: BCODE_DIR may be a symlink)",
                target.display()
            )));
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .permissions(fs::Permissions::from_mode(0o600))
            .tempfile_in(&self.path)
            .map_err(|e| Error::io("create a temporary file in", &self.path, e))?;
        write(tmp.as_file_mut())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| Error::io("write", tmp.path().to_path_buf(), e))?;
        crate::faults::point("after-temp-write");
        Ok(tmp)
    }

    /// The second half of `write_atomic`: rename the temp file over `name`, sync the folder.
    fn persist_temp(&self, tmp: tempfile::NamedTempFile, name: &str) -> Result<()> {
        let target = self.file(name);
        tmp.persist(&target)
            .map_err(|e| Error::io("replace", &target, e.error))?;
        crate::faults::point("after-rename");
        sync_dir(&self.path)
    }

    /// Removes temp files a killed process left; safe because every writer holds the lock.
    fn remove_stale_temp_files(&self, _lock: &LockGuard) {
        if let Ok(entries) = fs::read_dir(&self.path) {
            for entry in entries.flatten() {
                if entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with(TMP_PREFIX))
                {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
    }
}

/// Decrypts and decodes vault bytes (from the vault file or a backup).
pub fn load_bytes(ciphertext: &[u8], keys: &Unlocked, path: &Path) -> Result<Vault> {
    if ciphertext.is_empty() {
        return Err(empty(path));
    }
    let plaintext = keys.decrypt(ciphertext, path)?;
    decode_at(&plaintext, path)
}

fn empty(path: &Path) -> Error {
    Error::Damaged {
        path: path.to_path_buf(),
        detail: "it is empty (0 bytes)".into(),
    }
}

/// Decodes a decrypted vault document read from `path`.
fn decode_at(plaintext: &[u8], path: &Path) -> Result<Vault> {
    vault::decode(plaintext).map_err(|e| decode_failure(e, path))
}

/// A document that decrypts but does not decode, as the error for that file.
pub fn decode_failure(e: vault::DecodeError, path: &Path) -> Error {
    match e {
        vault::DecodeError::NewerVersion { .. } => Error::Newer {
            path: path.to_path_buf(),
            source: e,
        },
        vault::DecodeError::Invalid(detail) => Error::Damaged {
            path: path.to_path_buf(),
            detail: format!("it decrypts, but is not a valid vault document ({detail})"),
        },
    }
}

/// True when both paths name the same file (one is a hard link of the other).
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Reads a whole file, naming it on error.
pub fn read_file(path: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| Error::io("read", path, e))?;
    Ok(bytes)
}

/// fsyncs a folder so a rename in it is durable.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io("sync the folder", dir, e))
}
