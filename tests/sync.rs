//! Several devices through git: clones of one bare repository use codes offline, sync in
//! turn, and end equal with every used mark kept; `bcode merge` on a conflict copy.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// One device: its own vault folder, sharing the identity file.
struct Device<'a> {
    env: &'a TestEnv,
    dir: PathBuf,
}

impl Device<'_> {
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        let mut cmd = self.env.std_cmd();
        cmd.env("BCODE_DIR", &self.dir)
            .env("PATH", path_with_bcode())
            .env("GIT_CONFIG_GLOBAL", self.env.tmp.path().join("gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(args);
        cmd.output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert!(
            out.status.success(),
            "bcode {args:?} in {}: {}",
            self.dir.display(),
            stderr(&out)
        );
        stdout(&out)
    }

    fn add(&self, service: &str, codes: &[String]) {
        let mut cmd = self.env.std_cmd();
        cmd.env("BCODE_DIR", &self.dir)
            .env("PATH", path_with_bcode())
            .env("GIT_CONFIG_GLOBAL", self.env.tmp.path().join("gitconfig"))
            .args(["add", service])
            .stderr(std::process::Stdio::null())
            .stdin(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(github_file(codes).as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
    }

    fn state(&self) -> serde_json::Value {
        let list: serde_json::Value = serde_json::from_str(&self.ok(&["list", "--json"])).unwrap();
        let mut out = serde_json::Map::new();
        for s in list.as_array().unwrap() {
            let name = s["service"].as_str().unwrap();
            let shown: serde_json::Value =
                serde_json::from_str(&self.ok(&["show", name, "--json"])).unwrap();
            let codes: Vec<(String, bool)> = shown["codes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["code"].as_str().unwrap().to_string(),
                        c["used"].as_bool().unwrap(),
                    )
                })
                .collect();
            out.insert(name.to_string(), serde_json::json!(codes));
        }
        serde_json::Value::Object(out)
    }

    fn used(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (_, codes) in self.state().as_object().unwrap() {
            for c in codes.as_array().unwrap() {
                if c[1].as_bool().unwrap() {
                    out.insert(c[0].as_str().unwrap().to_string());
                }
            }
        }
        out
    }
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn three_clones_use_codes_offline_and_sync_without_losing_a_mark() {
    let env = TestEnv::with_identity();
    std::fs::write(
        env.tmp.path().join("gitconfig"),
        "[user]\n\tname = Test\n\temail = test@example.org\n[init]\n\tdefaultBranch = main\n",
    )
    .unwrap();
    let remote = env.tmp.path().join("remote.git");
    let out = Command::new("git")
        .args(["init", "-q", "--bare", "-b", "main"])
        .arg(&remote)
        .output()
        .unwrap();
    assert!(out.status.success());

    let key = env.identity.clone().unwrap();
    let a = Device {
        env: &env,
        dir: env.dir.clone(),
    };
    let github = github_codes(700, 16);
    let gitlab = codes_for("gitlab", 701, 10);
    a.add("github", &github);
    a.add("gitlab", &gitlab);
    a.ok(&["git", "init"]);
    a.ok(&["git", "remote", "add", "origin", remote.to_str().unwrap()]);
    a.ok(&["sync"]);

    let clone = |name: &str| {
        let dir = env.tmp.path().join(name);
        git(
            env.tmp.path(),
            &[
                "clone",
                "-q",
                remote.to_str().unwrap(),
                dir.to_str().unwrap(),
            ],
        );
        let d = Device { env: &env, dir };
        d.ok(&["git", "init"]);
        d.ok(&["config", "identity", key.to_str().unwrap()]);
        d
    };
    let b = clone("b");
    let c = clone("c");
    assert_eq!(b.state(), a.state());

    // Offline, each device works on its own copy.
    let mut printed = BTreeSet::new();
    for _ in 0..3 {
        printed.insert(a.ok(&["use", "github"]).trim().to_string());
    }
    a.ok(&["rename", "gitlab", "gitlab/work"]);
    for _ in 0..2 {
        printed.insert(b.ok(&["use", "github"]).trim().to_string());
    }
    b.add("google", &codes_for("google", 702, 10));
    let put_back = b.ok(&["use", "gitlab"]).trim().to_string();
    b.ok(&["unuse", "gitlab", &put_back]);
    printed.insert(c.ok(&["use", "gitlab"]).trim().to_string());
    printed.insert(c.ok(&["use", "github"]).trim().to_string());
    c.ok(&["set", "github", "--threshold", "5"]);

    // Sync in turn, twice round, so every device has seen everything.
    for d in [&a, &b, &c, &a, &b] {
        d.ok(&["sync"]);
    }
    let final_state = a.state();
    assert_eq!(b.state(), final_state);
    assert_eq!(c.state(), final_state);
    let names: Vec<&String> = final_state.as_object().unwrap().keys().collect();
    assert_eq!(names, ["github", "gitlab/work", "google"]);
    // Every code any device printed is marked used everywhere; nothing else is.
    let used = a.used();
    for p in &printed {
        assert!(used.contains(p), "the used mark of a printed code was lost");
    }
    assert_eq!(
        used.len(),
        printed.len(),
        "no code handed out twice, nothing extra used"
    );
    assert!(!used.contains(&put_back) || printed.contains(&put_back));
    let shown: serde_json::Value =
        serde_json::from_str(&b.ok(&["show", "github", "--json"])).unwrap();
    assert_eq!(shown["threshold"], 5, "settings travel too");

    // History names services and actions, never a code; the diff is readable with the key.
    // Changes made outside a vault rule are committed too.
    a.ok(&["restore", "1"]);
    let status = git(&a.dir, &["status", "--porcelain"]);
    assert!(
        status.trim().is_empty(),
        "uncommitted after restore: {status}"
    );
    let log = git(&a.dir, &["log", "--format=%s%n%b"]);
    assert!(log.contains("bcode: restore an earlier vault"), "{log}");
    assert!(log.contains("bcode: use a code of github"), "{log}");
    for code in github.iter().chain(&gitlab) {
        assert!(!log.contains(code.as_str()), "a code in a commit message");
    }
    let mut cmd = Command::new("git");
    cmd.arg("-C")
        .arg(&a.dir)
        .args(["log", "-p", "--no-merges", "-1", "--", "vault.age"])
        .env("PATH", path_with_bcode())
        .env("BCODE_IDENTITY", &key)
        .env("GIT_CONFIG_NOSYSTEM", "1");
    let diff = stdout(&cmd.output().unwrap());
    assert!(diff.contains("github current"), "textconv diff: {diff}");
}

#[test]
fn merge_unites_a_conflict_copy_and_is_idempotent() {
    let env = TestEnv::with_identity();
    let codes = github_codes(710, 16);
    env.add("github", &github_file(&codes));
    // A sync tool's conflict copy: the vault as it was, then used elsewhere.
    let copy = env.tmp.path().join("vault.sync-conflict.age");
    std::fs::copy(env.file("vault.age"), &copy).unwrap();
    let here = env.use_code("github");
    let other_env = TestEnv {
        tmp: tempfile::tempdir().unwrap(),
        dir: env.dir.clone(),
        identity: env.identity.clone(),
        passfile: None,
    };
    // Use a different code in the copy, through bcode with the copy as the vault.
    let side = other_env.tmp.path().join("side");
    std::fs::create_dir(&side).unwrap();
    for f in ["vault.age", "recipients", "config.json"] {
        let from = if f == "vault.age" {
            copy.clone()
        } else {
            env.file(f)
        };
        std::fs::copy(from, side.join(f)).unwrap();
    }
    let out = env
        .cmd()
        .env("BCODE_DIR", &side)
        .args(["use", "github", "--code", &codes[7]])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    env.cmd()
        .args(["merge"])
        .arg(side.join("vault.age"))
        .assert()
        .success();
    let unused = env.unused("github");
    assert_eq!(unused.len(), 14);
    assert!(!unused.contains(&here) && !unused.contains(&codes[7]));
    let before = env.vault_bytes();
    let out = env
        .cmd()
        .args(["merge"])
        .arg(side.join("vault.age"))
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("Nothing to merge"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.vault_bytes(), before);

    let stranger = TestEnv::with_identity();
    let out = env
        .cmd()
        .args(["merge"])
        .arg(stranger.file("vault.age"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(env.vault_bytes(), before);
}
