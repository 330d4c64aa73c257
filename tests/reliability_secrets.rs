//! Secrets stay secret and hostile input stays harmless (issue 6, parts 5 and 6), through the real binary.

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::CommandFactory;
use common::*;

#[test]
fn no_command_takes_a_secret_as_an_argument() {
    let mut stack = vec![bcode::cli::Cli::command()];
    let mut seen = 0;
    while let Some(cmd) = stack.pop() {
        for arg in cmd.get_arguments() {
            seen += 1;
            let names = format!(
                "{} {:?} {:?}",
                arg.get_id(),
                arg.get_long(),
                arg.get_value_names()
            )
            .to_lowercase();
            for word in ["pass", "secret", "private", "key", "pin", "token"] {
                assert!(
                    !names.contains(word),
                    "`bcode {}` has an argument that looks like a secret: {names}",
                    cmd.get_name()
                );
            }
            // --identity names a file; the key itself never comes from argv.
            if arg.get_id() == "identity" {
                assert_eq!(arg.get_value_hint(), clap::ValueHint::FilePath);
            }
        }
        stack.extend(cmd.get_subcommands().cloned());
    }
    assert!(
        seen > 20,
        "walked the whole command tree ({seen} arguments)"
    );
}

/// Runs a failing command and checks that no secret reached stderr or stdout.
fn no_leak(out: &std::process::Output, secrets: &[&str], what: &str) {
    assert!(!out.status.success(), "{what} was expected to fail");
    let text = format!("{}{}", stderr(out), stdout(out));
    for s in secrets {
        assert!(!text.contains(s), "{what}: a secret in the output: {text}");
    }
    // The literal hint "AGE-SECRET-KEY-1..." may appear; a key (long bech32 tail) may not.
    for (i, _) in text.match_indices("AGE-SECRET-KEY-1") {
        let tail = &text[i + 16..];
        let run = tail
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .count();
        assert!(run < 8, "{what}: an identity in the output: {text}");
    }
}

/// Where `bytes` holds something shaped like a GitHub code (5 hex, '-', 5 hex).
fn code_shaped(bytes: &[u8]) -> Vec<String> {
    let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    bytes
        .windows(11)
        .filter(|w| w[5] == b'-' && w[..5].iter().all(hex) && w[6..].iter().all(hex))
        .map(|w| String::from_utf8_lossy(w).into_owned())
        .collect()
}

#[test]
fn no_code_passphrase_or_identity_appears_in_an_error() {
    let env = TestEnv::with_identity();
    let codes = github_codes(2100, 16);
    let key_text = std::fs::read_to_string(env.identity.as_ref().unwrap()).unwrap();
    let key_line = key_text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY"))
        .unwrap()
        .to_string();
    env.add("github", &github_file(&codes));
    let used = env.use_code("github");
    let secrets: Vec<&str> = codes.iter().map(String::as_str).collect();
    let mut s = secrets.clone();
    s.push(&key_line);
    let mut runs = 0;
    let mut check = |args: &[&str], stdin: &str, what: &str| {
        no_leak(&env.run(args, stdin), &s, what);
        runs += 1;
    };
    // Refusals of the rules.
    check(&["add", "github"], &github_file(&codes), "add existing");
    check(
        &["add", "google"],
        &github_file(&codes),
        "codes of another service",
    );
    check(
        &["add", "bin"],
        &format!("{}\0\n", codes[4]),
        "binary input",
    );
    check(
        &["use", "github", "--code", &used],
        "",
        "use --code already used",
    );
    check(
        &["use", "github", "--code", "00000-00000"],
        "",
        "use --code unknown",
    );
    check(&["unuse", "github", &codes[5]], "", "unuse an unused code");
    check(
        &["unuse", "github"],
        "99999-99999\n",
        "unuse unknown from stdin",
    );
    check(&["use", "githb"], "", "unknown service");
    check(&["show", "nope"], "", "show unknown");
    // Bad files.
    let good = env.vault_bytes();
    std::fs::write(env.file("vault.age"), &good[..good.len() - 30]).unwrap();
    check(&["use", "github"], "", "truncated vault");
    let mut flipped = good.clone();
    let n = flipped.len();
    flipped[n - 5] ^= 0x10;
    std::fs::write(env.file("vault.age"), &flipped).unwrap();
    check(&["list"], "", "flipped payload");
    // A document whose fields hold codes where numbers belong.
    env.write_vault_doc(format!(r#"{{"version": "{}"}}"#, codes[6]).as_bytes());
    check(&["list"], "", "version holds a code");
    env.write_vault_doc(
        format!(
            r#"{{"version": 1, "services": {{"x": {{"added": "{}"}}}}}}"#,
            codes[7]
        )
        .as_bytes(),
    );
    check(&["list"], "", "date holds a code");
    env.write_vault_doc(
        format!(r#"{{"version": 1, "services": {{"{}!": {{}}}}}}"#, codes[8]).as_bytes(),
    );
    check(&["list"], "", "bad name holds a code");
    std::fs::write(env.file("vault.age"), &good).unwrap();
    // A broken identity file: its key must not be echoed.
    let bad_key = env.tmp.path().join("bad-key.txt");
    std::fs::write(&bad_key, format!("{}\n", &key_line[..key_line.len() - 3])).unwrap();
    let out = env
        .cmd()
        .arg("list")
        .env("BCODE_IDENTITY", &bad_key)
        .output()
        .unwrap();
    no_leak(
        &out,
        &[&key_line[..key_line.len() - 3]],
        "truncated identity",
    );
    let out = env
        .cmd()
        .args(["init", "--identity"])
        .arg(&bad_key)
        .env("BCODE_DIR", env.tmp.path().join("other"))
        .output()
        .unwrap();
    no_leak(
        &out,
        &[&key_line[..key_line.len() - 3]],
        "init with a bad identity",
    );
    runs += 2;

    // Passphrase paths (scrypt: only a few).
    let penv = TestEnv::with_passphrase();
    let wrong = penv.tmp.path().join("wrong");
    std::fs::write(&wrong, "hunter2-WRONG-pass\n").unwrap();
    let out = penv
        .cmd()
        .arg("list")
        .env("BCODE_PASSPHRASE_FILE", &wrong)
        .output()
        .unwrap();
    no_leak(
        &out,
        &["hunter2-WRONG-pass", PASSPHRASE],
        "wrong passphrase",
    );
    let newpass = penv.tmp.path().join("new");
    std::fs::write(&newpass, "\n").unwrap();
    let out = penv
        .cmd()
        .arg("passwd")
        .env("BCODE_NEW_PASSPHRASE_FILE", &newpass)
        .output()
        .unwrap();
    no_leak(&out, &[PASSPHRASE], "passwd with an empty new passphrase");
    runs += 2;
    eprintln!("{runs} failing runs, no secret in any output");
}

/// Every file under `dir`, recursively.
fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }
}

#[test]
fn only_ciphertext_ever_touches_the_disk_and_modes_hold_under_any_umask() {
    let env = TestEnv::with_identity();
    let mut all_codes: Vec<String> = github_codes(2200, 40);
    env.add("github", &github_file(&all_codes));
    // The watcher's pattern does find codes in a plaintext document.
    assert!(code_shaped(&bcode::vault::encode(&env.load_vault())).contains(&all_codes[0]));
    let stop = Arc::new(AtomicBool::new(false));
    let codes = Arc::new(all_codes.clone());
    let watcher = {
        let (stop, dir, codes) = (stop.clone(), env.dir.clone(), codes.clone());
        let extra: Vec<String> = (0..10).flat_map(|j| github_codes(2300 + j, 5)).collect();
        std::thread::spawn(move || {
            let mut scans = 0u64;
            let mut reads = 0u64;
            let mut temp_seen = BTreeSet::new();
            let mut bad = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                scans += 1;
                let mut files = Vec::new();
                files_under(&dir, &mut files);
                // Temp files first: they live only for a moment.
                files.sort_by_key(|f| !f.to_string_lossy().contains(".tmp-"));
                for f in files {
                    let Ok(meta) = std::fs::symlink_metadata(&f) else {
                        continue;
                    };
                    let Ok(bytes) = std::fs::read(&f) else {
                        continue;
                    };
                    reads += 1;
                    let name = f.file_name().unwrap().to_string_lossy().into_owned();
                    if name.starts_with(".tmp-") {
                        temp_seen.insert(name.clone());
                    }
                    if meta.permissions().mode() & 0o077 != 0 {
                        bad.push(format!("{name} mode {:o}", meta.permissions().mode()));
                    }
                    if bytes.windows(9).any(|w| w == b"\"version\"") {
                        bad.push(format!("{name}: plaintext vault JSON"));
                    }
                    for c in code_shaped(&bytes) {
                        if codes.contains(&c) || extra.contains(&c) {
                            bad.push(format!("{name}: plaintext code"));
                        }
                    }
                }
                for d in [dir.clone(), dir.join("backups")] {
                    if let Ok(m) = std::fs::metadata(&d)
                        && m.permissions().mode() & 0o077 != 0
                    {
                        bad.push(format!("{} mode {:o}", d.display(), m.permissions().mode()));
                    }
                }
            }
            (scans, reads, temp_seen.len(), bad)
        })
    };
    // 50 changes with the loosest umask: 40 uses and 10 adds.
    let bin = assert_cmd::cargo::cargo_bin("bcode");
    for i in 0..50u32 {
        let script = if i % 5 == 4 {
            let set = github_codes(2300 + i / 5, 5);
            all_codes.extend(set.iter().cloned());
            format!(
                "umask 000; printf '{}' | exec \"$0\" add svc{i}",
                set.join("\\n")
            )
        } else {
            "umask 000; exec \"$0\" use github >/dev/null".to_string()
        };
        let st = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg(&bin)
            .env("BCODE_DIR", &env.dir)
            .env("HOME", env.tmp.path())
            .env_remove("BCODE_IDENTITY")
            .env_remove("BCODE_CRASH_AT")
            .status()
            .unwrap();
        assert!(st.success(), "command {i}");
    }
    stop.store(true, Ordering::Relaxed);
    let (scans, reads, temps, bad) = watcher.join().unwrap();
    assert!(
        bad.is_empty(),
        "{} findings, first: {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    eprintln!(
        "disk watcher: {scans} scans, {reads} file reads, {temps} distinct temp files caught mid-write, 0 plaintext, 0 loose modes"
    );
    assert!(scans > 10);
    // Afterwards: every file 0600, every folder 0700.
    let mut files = Vec::new();
    files_under(&env.dir, &mut files);
    for f in files {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    assert_eq!(mode(&env.dir), 0o700);
    assert_eq!(mode(&env.file("backups")), 0o700);
}

#[test]
fn core_dumps_are_disabled_in_a_running_bcode() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(2400, 16)));
    // Hold the lock so `use` waits on it, with its secrets loaded, where we can look.
    let lock = std::fs::File::open(env.file("lock")).unwrap();
    lock.lock().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("bcode");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(r#"ulimit -S -c "$(ulimit -H -c)" 2>/dev/null; exec "$0" use github"#)
        .arg(&bin)
        .env("BCODE_DIR", &env.dir)
        .env("HOME", env.tmp.path())
        .env_remove("BCODE_CRASH_AT")
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let limits = format!("/proc/{}/limits", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let line = loop {
        let text = std::fs::read_to_string(&limits).unwrap_or_default();
        let line = text
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap_or_default()
            .to_string();
        let exe = std::fs::read_link(format!("/proc/{}/exe", child.id())).unwrap_or_default();
        if exe.ends_with("bcode") && line.split_whitespace().nth(4) == Some("0") {
            break line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "core limit never 0: {line}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        &fields[4..6],
        ["0", "0"],
        "soft and hard core limits: {line}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "bcode waits on the lock"
    );
    drop(lock);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!stdout(&out).trim().is_empty());
}

#[test]
fn hostile_text_is_stored_safely_and_printed_neutralised() {
    let env = TestEnv::with_identity();
    let codes = github_codes(2500, 16);
    // Imported text full of escapes, bidi overrides and a 100 KB line around the codes.
    let mut input = String::from("\u{1b}]0;pwned\u{7}\u{1b}[2J GitHub recovery codes\n");
    input.push_str(&"A".repeat(100 * 1024));
    input.push('\n');
    for (i, c) in codes.iter().enumerate() {
        match i % 3 {
            0 => input.push_str(&format!("{c}\n")),
            1 => input.push_str(&format!("\u{202e}{c}\u{202c}\n")),
            _ => input.push_str(&format!("\u{1b}[31m{c}\u{1b}[0m\n")),
        }
    }
    let out = env.run(&["add", "github", "--dry-run"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        !all.contains('\u{1b}') && !all.contains('\u{202e}'),
        "{all:?}"
    );
    let out = env.run(&["add", "github"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = env.load_vault();
    for s in stored.services.values() {
        for c in &s.codes {
            assert!(
                !c.code.chars().any(bcode::sanitize::is_dangerous),
                "{:?}",
                c.code
            );
        }
    }
    // NUL bytes: refused as binary, nothing stored.
    let out = env.run(&["add", "nul"], &format!("{}\0{}\n", codes[0], codes[1]));
    assert_eq!(out.status.code(), Some(7));
    // A note with controls and a 100 KB note.
    let evil = "\u{1b}[31mred\u{1b}]8;;http://x\u{7}link\u{202e}txt.exe\u{200f}";
    env.cmd()
        .args(["set", "github", "--note", evil])
        .assert()
        .success();
    let out = env.run(&["show", "github"], "");
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}') && !text.contains('\u{7}'));
    assert!(
        text.contains("\\u{1b}[31mred") && text.contains("\\u{202e}txt.exe"),
        "{text}"
    );
    let big = "n".repeat(100 * 1024);
    env.cmd()
        .args(["set", "github", "--note", &big])
        .assert()
        .success();
    assert_eq!(
        env.show("github")["note"].as_str().unwrap().len(),
        big.len()
    );

    // A hand-crafted vault whose code and note hold controls and NUL (the recogniser
    // never stores such codes; a merged or edited vault might).
    let doc = serde_json::json!({
        "version": 1,
        "services": {
            "evil": {
                "id": "e1",
                "named": "2026-01-01T00:00:00Z",
                "added": "2026-01-01T00:00:00Z",
                "changed": "2026-01-01T00:00:00Z",
                "note": "nul\u{0}byte\u{1b}[2J",
                "codes": [{"id": "1", "code": "\u{1b}[2Jab\u{0}12-\u{202e}34"}]
            }
        }
    });
    env.write_vault_doc(serde_json::to_string(&doc).unwrap().as_bytes());
    for args in [&["show", "evil"][..], &["list"], &["use", "evil"]] {
        let out = env.run(args, "");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let all = format!("{}{}", stdout(&out), stderr(&out));
        for bad in ['\u{1b}', '\u{0}', '\u{202e}'] {
            assert!(!all.contains(bad), "{args:?} printed {bad:?} raw: {all:?}");
        }
    }
    // JSON output escapes controls (RFC 8259) rather than printing them.
    let out = env.run(&["show", "evil", "--json"], "");
    assert!(!stdout(&out).contains('\u{1b}') && !stdout(&out).contains('\u{0}'));
}
