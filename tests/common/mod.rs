//! TestEnv: a temporary vault folder and the real bcode binary, with a clean environment.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery staple";

/// One test's world: a temp dir holding the vault folder, keys and inputs.
pub struct TestEnv {
    pub tmp: TempDir,
    /// The vault folder (BCODE_DIR).
    pub dir: PathBuf,
    /// The identity file, for identity-file vaults.
    pub identity: Option<PathBuf>,
    /// The passphrase file, for passphrase vaults.
    pub passfile: Option<PathBuf>,
}

impl TestEnv {
    /// A folder with no vault yet.
    pub fn empty() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("vault");
        TestEnv {
            tmp,
            dir,
            identity: None,
            passfile: None,
        }
    }

    /// A vault opened by an age identity file (no passphrase).
    pub fn with_identity() -> Self {
        TestEnv::empty().init_with_identity()
    }

    /// Runs `bcode init --identity` with a fresh key in this env's folder.
    pub fn init_with_identity(mut self) -> Self {
        let key = self.write_identity("key.txt");
        self.cmd()
            .args(["init", "--identity"])
            .arg(&key)
            .assert()
            .success();
        self.identity = Some(key);
        self
    }

    /// A vault protected by a passphrase (read from BCODE_PASSPHRASE_FILE).
    pub fn with_passphrase() -> Self {
        let mut env = TestEnv::empty();
        let pass = env.tmp.path().join("pass");
        std::fs::write(&pass, format!("{PASSPHRASE}\n")).unwrap();
        env.passfile = Some(pass);
        env.cmd().arg("init").assert().success();
        env
    }

    /// Writes a fresh age identity file (as age-keygen would) and returns its path.
    pub fn write_identity(&self, name: &str) -> PathBuf {
        let (secret, _) = bcode::keys::generate_identity();
        let path = self.tmp.path().join(name);
        std::fs::write(&path, secret.as_bytes()).unwrap();
        path
    }

    /// The bcode binary with only this test's environment.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    /// The same, as a std Command (for spawning several at once).
    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("bcode"));
        for var in [
            "BCODE_DIR",
            "BCODE_IDENTITY",
            "BCODE_PASSPHRASE_FILE",
            "BCODE_NEW_PASSPHRASE_FILE",
            "BCODE_CRASH_AT",
            "RUST_BACKTRACE",
            "RUST_LIB_BACKTRACE",
            "COMPLETE",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("BCODE_DIR", &self.dir)
            .env("HOME", self.tmp.path())
            .env("XDG_DATA_HOME", self.tmp.path().join("xdg"));
        if let Some(p) = &self.passfile {
            cmd.env("BCODE_PASSPHRASE_FILE", p);
        }
        cmd
    }

    /// `bcode ARGS` with `stdin`, returning the whole output.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.cmd()
            .args(args)
            .write_stdin(stdin.as_bytes().to_vec())
            .output()
            .unwrap()
    }

    /// Adds a service from text; panics if bcode refuses.
    pub fn add(&self, service: &str, text: &str) {
        self.cmd()
            .args(["add", service])
            .write_stdin(text.as_bytes().to_vec())
            .assert()
            .success();
    }

    /// `bcode use SERVICE`: the code printed.
    pub fn use_code(&self, service: &str) -> String {
        let out = self.cmd().args(["use", service]).output().unwrap();
        assert!(
            out.status.success(),
            "use failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .trim_end()
            .to_string()
    }

    /// `bcode show SERVICE --json`.
    pub fn show(&self, service: &str) -> serde_json::Value {
        let out = self
            .cmd()
            .args(["show", service, "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "show failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The unused codes of a service, in order.
    pub fn unused(&self, service: &str) -> Vec<String> {
        self.show(service)["codes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| !c["used"].as_bool().unwrap())
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect()
    }

    /// A file in the vault folder.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The vault file's bytes.
    pub fn vault_bytes(&self) -> Vec<u8> {
        std::fs::read(self.file("vault.age")).unwrap()
    }
}

/// `n` GitHub-style codes (`xxxxx-xxxxx`, lowercase hex), distinct for each `seed`.
pub fn github_codes(seed: u32, n: usize) -> Vec<String> {
    (0..n as u32)
        .map(|i| {
            let v = (seed.wrapping_mul(7919) ^ (i * 104_729)).wrapping_mul(2_654_435_761);
            let w = v.rotate_left(13) ^ 0x5bd1_e995;
            format!("{:05x}-{:05x}", v & 0xfffff, w & 0xfffff)
        })
        .collect()
}

/// `n` codes in the format of a known service (GitHub's for any other name).
pub fn codes_for(service: &str, seed: u32, n: usize) -> Vec<String> {
    let hex = github_codes(seed, n);
    match service.split('/').next().unwrap() {
        "google" => hex
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let v = u32::from_str_radix(&c.replace('-', "")[..7], 16).unwrap();
                format!("{:08}", (v as u64 * 7 + i as u64) % 100_000_000)
            })
            .collect(),
        "gitlab" => hex
            .iter()
            .zip(github_codes(seed ^ 0x5555, n))
            .map(|(a, b)| format!("{}{}", a.replace('-', ""), &b.replace('-', "")[..6]))
            .collect(),
        _ => hex,
    }
}

/// The codes as a downloaded GitHub recovery-codes file.
pub fn github_file(codes: &[String]) -> String {
    let mut s = codes.join("\n");
    s.push('\n');
    s
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A PATH with the freshly built bcode first (for shells and git, which find it there).
pub fn path_with_bcode() -> String {
    let bin = assert_cmd::cargo::cargo_bin("bcode");
    format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Unix permission bits of a path.
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---- Helpers for the reliability suites (tests/reliability_*.rs) ----

impl TestEnv {
    /// Opens the vault in-process with the test's identity file (no bcode process).
    pub fn load_vault(&self) -> bcode::vault::Vault {
        self.try_load_vault()
            .unwrap_or_else(|e| panic!("the vault does not open: {e}"))
    }

    /// As `load_vault`, returning bcode's error.
    pub fn try_load_vault(&self) -> Result<bcode::vault::Vault, bcode::error::Error> {
        let keys =
            bcode::keys::load_identity_file(self.identity.as_ref().expect("identity vault"))?;
        let path = self.file("vault.age");
        bcode::store::load_bytes(&bcode::store::read_file(&path)?, &keys, &path)
    }

    /// Every backup file, oldest first.
    pub fn backup_files(&self) -> Vec<PathBuf> {
        let mut list: Vec<PathBuf> = std::fs::read_dir(self.file("backups"))
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        list.sort();
        list
    }

    /// Opens one backup in-process.
    pub fn load_backup(&self, path: &Path) -> Result<bcode::vault::Vault, bcode::error::Error> {
        let keys =
            bcode::keys::load_identity_file(self.identity.as_ref().expect("identity vault"))?;
        bcode::store::load_bytes(&bcode::store::read_file(path)?, &keys, path)
    }

    /// Temp files (`.tmp-*`) in the vault folder.
    pub fn temp_files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Encrypts a vault document to this vault's recipients and writes it as vault.age.
    pub fn write_vault_doc(&self, doc: &[u8]) -> Vec<u8> {
        let path = self.file("recipients");
        let text = std::fs::read_to_string(&path).unwrap();
        let r = bcode::keys::parse_recipients(&text, &path).unwrap();
        let ct = bcode::keys::encrypt(&r, doc).unwrap();
        std::fs::write(self.file("vault.age"), &ct).unwrap();
        ct
    }

    /// Every file under the vault folder with its bytes (to show nothing changed).
    pub fn snapshot(&self) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
        let mut out = std::collections::BTreeMap::new();
        let mut stack = vec![self.dir.clone()];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(b) = std::fs::read(&p) {
                    out.insert(p, b);
                }
            }
        }
        out
    }
}

/// Each service's codes as (code, used), to compare vault states.
pub fn summary(v: &bcode::vault::Vault) -> std::collections::BTreeMap<String, Vec<(String, bool)>> {
    v.services
        .iter()
        .map(|(n, s)| {
            (
                n.to_string(),
                s.codes
                    .iter()
                    .map(|c| (c.code.clone(), c.used.is_some()))
                    .collect(),
            )
        })
        .collect()
}

/// A small deterministic random source for the fault trials (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Whether this test binary (and so the bcode binary) was built with crash points.
pub fn crash_points_built() -> bool {
    cfg!(feature = "fault-injection")
}

/// A tmpfs mounted for one test (root only); unmounted when dropped.
pub struct Tmpfs {
    pub path: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. "256k") at `path`; None when this is not possible here.
    pub fn mount(path: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(path).ok()?;
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs {
            path: path.to_path_buf(),
        })
    }

    /// Remounts it read-only (or back read-write).
    pub fn remount(&self, read_only: bool) {
        let opt = if read_only {
            "remount,ro"
        } else {
            "remount,rw"
        };
        let st = std::process::Command::new("mount")
            .args(["-o", opt])
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(st.success(), "mount -o {opt} failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.path)
            .status();
    }
}
