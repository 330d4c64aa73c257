//! Several keys per vault: `bcode recipients`, SSH and age plugin keys, end to end with
//! the real binary, real age encryption, ssh-keygen, the `age` tool and a stand-in age
//! plugin (examples/age-plugin-bcodetest.rs, which `cargo test` builds).

mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Output};

use common::*;

// ---- helpers -------------------------------------------------------------------------

/// Runs ssh-keygen to make a key pair `name` (and `name.pub`) in the test's folder.
fn ssh_key(env: &TestEnv, name: &str, kind: &str, passphrase: &str) -> PathBuf {
    let path = env.tmp.path().join(name);
    let mut cmd = StdCommand::new("ssh-keygen");
    cmd.args(["-q", "-t", kind, "-N", passphrase, "-C", "me@laptop", "-f"])
        .arg(&path);
    if kind == "rsa" {
        cmd.args(["-b", "2048"]);
    }
    let status = cmd
        .status()
        .expect("ssh-keygen not found: install openssh-client (apt-get install openssh-client)");
    assert!(status.success());
    path
}

fn pub_line(private: &Path) -> String {
    let mut p = private.as_os_str().to_owned();
    p.push(".pub");
    std::fs::read_to_string(p).unwrap().trim().to_string()
}

/// The public key an age identity file written by TestEnv::write_identity announces.
fn age_public(identity: &Path) -> String {
    std::fs::read_to_string(identity)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("# public key: "))
        .unwrap()
        .to_string()
}

/// A folder holding the stand-in plugin as `age-plugin-bcodetest`, for PATH.
fn plugin_dir(env: &TestEnv) -> PathBuf {
    let built = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/age-plugin-bcodetest");
    assert!(
        built.exists(),
        "{} is missing: `cargo test` builds it (`cargo test --test recipients` alone does not: run `cargo build --example age-plugin-bcodetest` first)",
        built.display()
    );
    let dir = env.tmp.path().join("plugins");
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("age-plugin-bcodetest");
    if !link.exists() {
        std::os::unix::fs::symlink(&built, &link).unwrap();
    }
    dir
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// `bcode ARGS` with BCODE_IDENTITY set to `identity`.
fn run_as(env: &TestEnv, identity: &Path, args: &[&str]) -> Output {
    env.cmd()
        .env("BCODE_IDENTITY", identity)
        .args(args)
        .output()
        .unwrap()
}

fn codes_seen_by(env: &TestEnv, identity: &Path) -> Vec<String> {
    let out = run_as(env, identity, &["show", "github", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect()
}

/// `age -d -i KEY vault.age`: the plaintext, or None when age cannot open it.
fn age_decrypt(env: &TestEnv, identity: &Path, path: Option<&str>) -> Option<String> {
    let mut cmd = StdCommand::new("age");
    cmd.arg("-d")
        .arg("-i")
        .arg(identity)
        .arg(env.file("vault.age"));
    if let Some(p) = path {
        cmd.env("PATH", p);
    }
    let out = cmd
        .output()
        .expect("the age tool is missing: apt-get install age");
    out.status
        .success()
        .then(|| String::from_utf8(out.stdout).unwrap())
}

fn recipients_file(env: &TestEnv) -> String {
    std::fs::read_to_string(env.file("recipients")).unwrap()
}

/// Stores a set of GitHub codes (made from `seed`), then checks that `use` hands out
/// its first code, both commands run with `var` set.
fn add_then_use(env: &TestEnv, var: (&str, &OsStr), seed: u32) {
    let codes = github_codes(seed, 16);
    let out = env
        .cmd()
        .env(var.0, var.1)
        .args(["add", "github"])
        .write_stdin(github_file(&codes))
        .output()
        .unwrap();
    ok(&out);
    let out = env
        .cmd()
        .env(var.0, var.1)
        .args(["use", "github"])
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(stdout(&out).trim(), codes[0]);
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}", stderr(out));
}

// ---- tests ---------------------------------------------------------------------------

#[test]
fn two_age_keys_and_an_ssh_key_each_open_the_vault_alone() {
    let env = TestEnv::with_identity();
    let k1 = env.identity.clone().unwrap();
    let codes = github_codes(1, 16);
    env.add("github", &github_file(&codes));

    let k2 = env.write_identity("laptop.txt");
    // From an identity file: bcode derives and stores only the public key.
    ok(&env.run(&["recipients", "add", "--file", k2.to_str().unwrap()], ""));
    assert!(recipients_file(&env).contains(&age_public(&k2)));
    assert!(!recipients_file(&env).contains("AGE-SECRET-KEY"));
    let ssh = ssh_key(&env, "id_ed25519", "ed25519", "");
    let out = env.run(
        &[
            "recipients",
            "add",
            "--file",
            &format!("{}.pub", ssh.display()),
        ],
        "",
    );
    ok(&out);
    assert!(stderr(&out).contains("3 recipients"), "{}", stderr(&out));

    for id in [&k1, &k2, &ssh] {
        assert_eq!(codes_seen_by(&env, id), codes, "{}", id.display());
        let plain = age_decrypt(&env, id, None).expect("age opens it");
        assert!(plain.contains(&codes[0]), "{}", id.display());
    }
    // A change made with one key keeps the vault open to all of them.
    let used = run_as(&env, &ssh, &["use", "github"]);
    ok(&used);
    assert_eq!(stdout(&used).trim(), codes[0]);
    for id in [&k1, &k2] {
        assert_eq!(env.unused("github").len(), 15);
        assert!(age_decrypt(&env, id, None).is_some());
    }

    // list: kinds, the line as written, '*' on the key in use.
    let out = env.run(&["recipients", "list"], "");
    ok(&out);
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].starts_with("* x25519") && lines[0].contains(&age_public(&k1)));
    assert!(lines[1].starts_with("  x25519") && lines[1].contains(&age_public(&k2)));
    assert!(lines[2].starts_with("  ssh-ed25519") && lines[2].ends_with("me@laptop"));
    let out = stdout(&run_as(&env, &ssh, &["recipients", "list"]));
    let marked: Vec<&str> = out.lines().filter(|l| l.starts_with('*')).collect();
    assert_eq!(marked.len(), 1);
    assert!(marked[0].contains("ssh-ed25519"));
}

#[test]
fn add_by_argument_and_remove_re_encrypt_at_once() {
    let env = TestEnv::with_identity();
    let k1 = env.identity.clone().unwrap();
    env.add("github", &github_file(&github_codes(2, 16)));
    let k2 = env.write_identity("phone.txt");
    let ssh = ssh_key(&env, "id_rsa", "rsa", "");

    ok(&env.run(&["recipients", "add", &age_public(&k2)], ""));
    // An SSH key as separate words, unquoted, as pasted.
    let words: Vec<String> = pub_line(&ssh).split(' ').map(str::to_owned).collect();
    let mut args = vec!["recipients", "add"];
    args.extend(words.iter().map(String::as_str));
    ok(&env.run(&args, ""));
    assert!(recipients_file(&env).contains("ssh-rsa "));
    assert!(age_decrypt(&env, &k2, None).is_some());
    assert!(age_decrypt(&env, &ssh, None).is_some());
    assert_eq!(codes_seen_by(&env, &ssh).len(), 16);

    // Remove k2: the new vault no longer opens with it.
    let out = env.run(&["recipients", "remove", &age_public(&k2)], "");
    ok(&out);
    assert!(stderr(&out).contains("still open with the removed key"));
    assert!(!recipients_file(&env).contains(&age_public(&k2)));
    let out = run_as(&env, &k2, &["list"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("not encrypted to this identity"));
    assert!(age_decrypt(&env, &k2, None).is_none());
    assert!(age_decrypt(&env, &k1, None).is_some());
    assert!(age_decrypt(&env, &ssh, None).is_some());

    // Remove the SSH key by its key alone (no comment), quoted as one argument.
    let key_only: String = words[..2].join(" ");
    ok(&env.run(&["recipients", "remove", &key_only], ""));
    assert!(age_decrypt(&env, &ssh, None).is_none());
    assert_eq!(codes_seen_by(&env, &k1).len(), 16);
    assert_eq!(recipients_file(&env).trim(), age_public(&k1));
}

#[test]
fn duplicates_and_garbage_are_refused_and_nothing_changes() {
    let env = TestEnv::with_identity();
    let k1 = env.identity.clone().unwrap();
    env.add("github", &github_file(&github_codes(3, 16)));
    let ssh = ssh_key(&env, "id_ed25519", "ed25519", "");
    ok(&env.run(&["recipients", "add", &pub_line(&ssh)], ""));
    let vault = env.vault_bytes();
    let list = recipients_file(&env);

    let other_comment = format!(
        "{} someone-else@desktop",
        pub_line(&ssh).rsplit_once(' ').unwrap().0
    );
    let secret = std::fs::read_to_string(&k1).unwrap();
    let secret_line = secret.lines().last().unwrap().to_string();
    let bad_file = env.tmp.path().join("bad.pub");
    std::fs::write(&bad_file, "# my keys\nnot-a-key at all\n").unwrap();
    let twice = env.tmp.path().join("twice.pub");
    let k3 = age_public(&env.write_identity("k3.txt"));
    std::fs::write(&twice, format!("{k3}\n{k3}\n")).unwrap();
    let empty = env.tmp.path().join("empty.pub");
    std::fs::write(&empty, "# nothing here\n").unwrap();

    let k1_public = age_public(&k1);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["add", &k1_public], "already a recipient"),
        (vec!["add", &other_comment], "already a recipient"),
        (vec!["add", "hello"], "not a recipient"),
        (
            vec!["add", "age1notavalidkey"],
            "not a valid age public key",
        ),
        (
            vec!["add", "ssh-ed25519", "AAAAbroken"],
            "not a valid SSH public key",
        ),
        (vec!["add", &secret_line], "secret key"),
        (vec!["add", "--file", bad_file.to_str().unwrap()], "line 2"),
        (
            vec!["add", "--file", twice.to_str().unwrap()],
            "given twice",
        ),
        (
            vec!["add", "--file", empty.to_str().unwrap()],
            "no public key",
        ),
        (vec!["remove", &k3], "not a recipient of this vault"),
        (vec!["remove", "garbage"], "not a recipient"),
    ];
    for (args, expect) in cases {
        let mut full = vec!["recipients"];
        full.extend(args.iter().copied());
        let out = env.run(&full, "");
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = stderr(&out);
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(err.contains("nothing was changed"), "{args:?}: {err}");
        assert!(
            !err.contains("AGE-SECRET-KEY"),
            "a secret was echoed: {err}"
        );
        assert!(!err.contains("not-a-key"), "file content was echoed: {err}");
        assert_eq!(env.vault_bytes(), vault, "{args:?} changed the vault");
        assert_eq!(recipients_file(&env), list, "{args:?} changed the list");
    }
}

#[test]
fn removing_the_last_recipient_the_identity_opens_is_refused() {
    let env = TestEnv::with_identity();
    let k1 = env.identity.clone().unwrap();
    env.add("github", &github_file(&github_codes(4, 16)));
    let vault = env.vault_bytes();

    let out = env.run(&["recipients", "remove", &age_public(&k1)], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("only recipient"), "{}", stderr(&out));
    assert_eq!(env.vault_bytes(), vault);

    let k2 = env.write_identity("k2.txt");
    ok(&env.run(&["recipients", "add", &age_public(&k2)], ""));
    let vault = env.vault_bytes();
    let out = env.run(&["recipients", "remove", &age_public(&k1)], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("could not open"), "{}", stderr(&out));
    assert_eq!(env.vault_bytes(), vault);
    assert!(recipients_file(&env).contains(&age_public(&k1)));

    // With the other key in use it is allowed, with a warning for the set-up identity.
    let out = run_as(&env, &k2, &["recipients", "remove", &age_public(&k1)]);
    ok(&out);
    assert!(
        stderr(&out).contains("no longer opens it"),
        "{}",
        stderr(&out)
    );
    assert!(age_decrypt(&env, &k1, None).is_none());
    assert_eq!(codes_seen_by(&env, &k2).len(), 16);
}

#[test]
fn a_passphrase_vault_adds_a_second_device() {
    let env = TestEnv::with_passphrase();
    env.add("github", &github_file(&github_codes(5, 16)));
    let k2 = env.write_identity("k2.txt");
    ok(&env.run(&["recipients", "add", "--file", k2.to_str().unwrap()], ""));
    assert_eq!(codes_seen_by(&env, &k2).len(), 16);
    let out = env.run(&["recipients", "list"], "");
    ok(&out);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("* x25519"), "{lines:?}");
    assert!(lines[1].starts_with("  x25519"), "{lines:?}");
    // The passphrase identity cannot remove itself; the second device can remove it.
    let own = lines[0].split_whitespace().last().unwrap().to_string();
    let out = env.run(&["recipients", "remove", &own], "");
    assert!(stderr(&out).contains("could not open"), "{}", stderr(&out));
    // bcode's own identity.age is an identity file too (age -p), for BCODE_IDENTITY.
    let sealed = env.file("identity.age");
    assert_eq!(codes_seen_by(&env, &sealed).len(), 16);
    ok(&run_as(&env, &k2, &["recipients", "remove", &own]));
    let out = env.run(&["list"], "");
    assert_eq!(out.status.code(), Some(4));
}

#[test]
fn init_with_an_ssh_key_works_end_to_end() {
    let mut env = TestEnv::empty();
    let ssh = ssh_key(&env, "id_ed25519", "ed25519", "");
    let out = env.run(&["init", "--identity", ssh.to_str().unwrap()], "");
    ok(&out);
    env.identity = Some(ssh.clone());
    let key = pub_line(&ssh);
    let key_only = key.rsplit_once(' ').unwrap().0;
    assert_eq!(recipients_file(&env).trim(), key_only);
    let codes = github_codes(6, 16);
    env.add("github", &github_file(&codes));
    assert_eq!(env.use_code("github"), codes[0]);
    assert_eq!(env.unused("github").len(), 15);
    assert!(age_decrypt(&env, &ssh, None).unwrap().contains(&codes[1]));
    let out = env.run(&["recipients", "list"], "");
    assert!(
        stdout(&out).starts_with("* ssh-ed25519"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_passphrase_protected_ssh_rsa_key_asks_for_its_passphrase() {
    let env = TestEnv::empty();
    let ssh = ssh_key(&env, "id_rsa", "rsa", "rsa pass phrase");
    let pass = env.tmp.path().join("ssh-pass");
    std::fs::write(&pass, "rsa pass phrase\n").unwrap();
    let init = |passfile: &Path| {
        env.cmd()
            .env("BCODE_PASSPHRASE_FILE", passfile)
            .args(["init", "--identity"])
            .arg(&ssh)
            .output()
            .unwrap()
    };
    let wrong = env.tmp.path().join("wrong");
    std::fs::write(&wrong, "not it\n").unwrap();
    let out = init(&wrong);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert!(!env.file("vault.age").exists());
    // No terminal and no passphrase file: a clear refusal, not a hang.
    let out = env
        .cmd()
        .args(["init", "--identity"])
        .arg(&ssh)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    ok(&init(&pass));
    add_then_use(&env, ("BCODE_PASSPHRASE_FILE", pass.as_os_str()), 7);
    assert!(recipients_file(&env).starts_with("ssh-rsa "));

    // Its public half is read without the passphrase, to add it to another vault.
    let other = TestEnv::with_identity();
    ok(&other.run(&["recipients", "add", "--file", ssh.to_str().unwrap()], ""));
    let key = pub_line(&ssh);
    assert!(recipients_file(&other).contains(key.rsplit_once(' ').unwrap().0));
}

#[test]
fn unusable_identity_files_are_refused_clearly() {
    let env = TestEnv::empty();
    let ecdsa = ssh_key(&env, "id_ecdsa", "ecdsa", "");
    let out = env.run(&["init", "--identity", ecdsa.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("not supported"), "{}", stderr(&out));
    let junk = env.tmp.path().join("junk");
    std::fs::write(&junk, "hello\n").unwrap();
    let out = env.run(&["init", "--identity", junk.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("not an identity file"),
        "{}",
        stderr(&out)
    );
    assert!(!env.file("vault.age").exists());
    // An ecdsa public key as a recipient.
    let env = TestEnv::with_identity();
    let out = env.run(&["recipients", "add", &pub_line(&ecdsa)], "");
    assert!(stderr(&out).contains("not supported"), "{}", stderr(&out));
}

#[test]
fn an_age_plugin_key_is_a_recipient_and_an_identity() {
    let env = TestEnv::with_identity();
    let k1 = env.identity.clone().unwrap();
    let plugins = plugin_dir(&env);
    let path = path_with(&plugins);
    let codes = github_codes(8, 16);
    env.add("github", &github_file(&codes));

    let generate = |name: &str, extra: &[&str]| {
        let out = StdCommand::new(plugins.join("age-plugin-bcodetest"))
            .arg("--generate")
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success());
        let file = env.tmp.path().join(name);
        std::fs::write(&file, &out.stdout).unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let recipient = text
            .lines()
            .find_map(|l| l.strip_prefix("#    Recipient: "))
            .map(str::to_owned);
        (file, recipient)
    };
    let (yubi, recipient) = generate("plugin-key.txt", &[]);
    let recipient = recipient.unwrap();

    // Without the plugin installed: refused, nothing changed.
    let vault = env.vault_bytes();
    let out = env
        .cmd()
        .env("PATH", "/usr/bin:/bin")
        .args(["recipients", "add", &recipient])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("age-plugin-bcodetest is not installed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.vault_bytes(), vault);

    // With it: added from the identity file (its '# Recipient:' line), and used.
    let out = env
        .cmd()
        .env("PATH", &path)
        .args(["recipients", "add", "--file"])
        .arg(&yubi)
        .output()
        .unwrap();
    ok(&out);
    assert!(recipients_file(&env).contains(&recipient));
    let out = env
        .cmd()
        .env("PATH", &path)
        .env("BCODE_IDENTITY", &yubi)
        .args(["use", "github"])
        .output()
        .unwrap();
    ok(&out);
    assert_eq!(stdout(&out).trim(), codes[0]);
    assert!(
        stderr(&out).contains("bcodetest: touch the test key"),
        "the plugin's message reaches the user: {}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .env("PATH", &path)
        .env("BCODE_IDENTITY", &yubi)
        .args(["recipients", "list"])
        .output()
        .unwrap();
    ok(&out);
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("* plugin:bcodetest") && l.ends_with(&recipient)),
        "{text}"
    );
    assert!(text.lines().any(|l| l.starts_with("  x25519")), "{text}");
    // The age tool opens it with the plugin too.
    assert!(
        age_decrypt(&env, &yubi, Some(&path))
            .unwrap()
            .contains(&codes[1])
    );
    // The plugin identity cannot remove its own key, being the only one it opens.
    let out = env
        .cmd()
        .env("PATH", &path)
        .env("BCODE_IDENTITY", &yubi)
        .args(["recipients", "remove", &recipient])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("could not open"), "{}", stderr(&out));

    // An identity file without the recipient line: matched by plugin name.
    let (bare, none) = generate("bare-key.txt", &["--no-recipient-comment"]);
    assert!(none.is_none());
    let out = env
        .cmd()
        .env("PATH", &path)
        .args(["recipients", "add", "--file"])
        .arg(&bare)
        .output()
        .unwrap();
    assert!(
        stderr(&out).contains("cannot tell"),
        "a bare plugin identity gives no public key: {}",
        stderr(&out)
    );
    let out = env
        .cmd()
        .env("PATH", &path)
        .env("BCODE_IDENTITY", &bare)
        .args(["recipients", "list"])
        .output()
        .unwrap();
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("* plugin:bcodetest"))
    );
    // ... and it does not open a vault encrypted to another bcodetest key.
    let out = env
        .cmd()
        .env("PATH", &path)
        .env("BCODE_IDENTITY", &bare)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));

    // Removing the plugin key re-encrypts without it.
    ok(&env
        .cmd()
        .env("PATH", &path)
        .args(["recipients", "remove", &recipient])
        .output()
        .unwrap());
    assert!(age_decrypt(&env, &yubi, Some(&path)).is_none());
    assert!(age_decrypt(&env, &k1, None).is_some());

    // A plugin identity whose program is missing: a clear error.
    let out = env
        .cmd()
        .env("PATH", "/usr/bin:/bin")
        .env("BCODE_IDENTITY", &yubi)
        .args(["list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("age-plugin-bcodetest is not installed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn init_with_a_plugin_identity_file() {
    let mut env = TestEnv::empty();
    let plugins = plugin_dir(&env);
    let path = path_with(&plugins);
    let out = StdCommand::new(plugins.join("age-plugin-bcodetest"))
        .arg("--generate")
        .output()
        .unwrap();
    let key = env.tmp.path().join("plugin-key.txt");
    std::fs::write(&key, &out.stdout).unwrap();
    let out = env
        .cmd()
        .env("PATH", &path)
        .args(["init", "--identity"])
        .arg(&key)
        .output()
        .unwrap();
    ok(&out);
    env.identity = Some(key);
    assert!(recipients_file(&env).starts_with("age1bcodetest1"));
    add_then_use(&env, ("PATH", path.as_ref()), 9);
}

#[cfg(feature = "fault-injection")]
#[test]
fn a_crash_between_the_two_writes_never_locks_out_a_listed_key() {
    let env = TestEnv::with_identity();
    let k1 = env.identity.clone().unwrap();
    env.add("github", &github_file(&github_codes(10, 16)));
    let k2 = env.write_identity("k2.txt");
    let list = recipients_file(&env);

    // add: the vault is written first (to both keys), the list second.
    let out = env
        .cmd()
        .env("BCODE_CRASH_AT", "recipients-between")
        .args(["recipients", "add", &age_public(&k2)])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(recipients_file(&env), list, "the list is not written yet");
    assert!(age_decrypt(&env, &k1, None).is_some());
    assert!(age_decrypt(&env, &k2, None).is_some());
    ok(&env.run(&["recipients", "add", &age_public(&k2)], ""));
    assert!(recipients_file(&env).contains(&age_public(&k2)));

    // remove: the list is written first, the vault second.
    let out = env
        .cmd()
        .env("BCODE_CRASH_AT", "recipients-between")
        .args(["recipients", "remove", &age_public(&k2)])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(recipients_file(&env), list);
    assert!(age_decrypt(&env, &k1, None).is_some());
    // The next change writes the vault to the list.
    env.use_code("github");
    assert!(age_decrypt(&env, &k2, None).is_none());
}
