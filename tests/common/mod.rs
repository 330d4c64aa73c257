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
        let mut env = TestEnv::empty();
        let key = env.write_identity("key.txt");
        env.cmd()
            .args(["init", "--identity"])
            .arg(&key)
            .assert()
            .success();
        env.identity = Some(key);
        env
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
