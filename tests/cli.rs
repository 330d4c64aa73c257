//! The core commands end to end: the real binary, real age encryption, real files.

mod common;

use std::collections::HashSet;
use std::process::Command as StdCommand;

use common::*;

#[test]
fn init_with_identity_creates_a_private_folder_whatever_the_umask() {
    let env = TestEnv::empty();
    let key = env.write_identity("key.txt");
    let bin = assert_cmd::cargo::cargo_bin("bcode");
    let status = StdCommand::new("sh")
        .arg("-c")
        .arg(r#"umask 000; exec "$0" init --identity "$1""#)
        .arg(&bin)
        .arg(&key)
        .env("BCODE_DIR", &env.dir)
        .env_remove("BCODE_PASSPHRASE_FILE")
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(mode(&env.dir), 0o700);
    for f in ["vault.age", "recipients", "config.json", "lock"] {
        assert_eq!(mode(&env.file(f)), 0o600, "{f}");
    }
    assert!(!env.file("identity.age").exists(), "no key is generated");
    // A change keeps the modes, and backups are private too.
    let env = TestEnv {
        identity: Some(key),
        ..env
    };
    StdCommand::new("sh")
        .arg("-c")
        .arg(r#"umask 000; printf '11111-aaaaa\n22222-bbbbb\n' | exec "$0" add github"#)
        .arg(&bin)
        .env("BCODE_DIR", &env.dir)
        .status()
        .unwrap();
    assert_eq!(mode(&env.file("vault.age")), 0o600);
    assert_eq!(mode(&env.file("backups")), 0o700);
}

#[test]
fn init_refuses_to_overwrite_a_vault() {
    let env = TestEnv::with_identity();
    let before = env.vault_bytes();
    let key = env.write_identity("other.txt");
    let out = env.run(&["init", "--identity", key.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(env.vault_bytes(), before);
}

#[test]
fn commands_without_a_vault_say_to_run_init() {
    let env = TestEnv::empty();
    for args in [
        &["list"][..],
        &["use", "github"],
        &["show", "github"],
        &["check"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        assert!(stderr(&out).contains("bcode init"), "{}", stderr(&out));
    }
    assert!(!env.dir.exists(), "reading commands create nothing");
}

#[test]
fn add_use_show_unuse_round_trip() {
    let env = TestEnv::with_identity();
    let codes = github_codes(1, 16);
    let out = env.run(&["add", "github"], &github_file(&codes));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("Stored 16 codes for github"));
    assert!(stdout(&out).is_empty(), "add prints no codes on stdout");
    for c in &codes {
        assert!(
            !stderr(&out).contains(c.as_str()),
            "add never echoes codes when not at a terminal"
        );
    }

    let out = env.run(&["list"], "");
    assert!(stdout(&out).contains("github"));
    assert!(stdout(&out).contains("16/16 unused"), "{}", stdout(&out));

    let first = env.use_code("github");
    assert_eq!(first, codes[0]);
    let second = env.use_code("GitHub");
    assert_eq!(second, codes[1], "names are case-insensitive");

    let shown = env.show("github");
    assert_eq!(shown["service"], "github");
    let list = shown["codes"].as_array().unwrap();
    assert_eq!(list.len(), 16);
    assert_eq!(list[0]["used"], true);
    assert!(list[0]["used_at"].as_str().unwrap().starts_with("20"));
    assert_eq!(list[2]["used"], false);

    let text = stdout(&env.run(&["show", "github"], ""));
    assert!(text.contains("14 of 16 unused"), "{text}");
    assert!(text.contains(&format!("[x] {first}")), "{text}");

    let out = env.run(&["unuse", "github", &first], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.unused("github").len(), 15);
    // The put-back code is handed out again before later ones.
    assert_eq!(env.use_code("github"), first);
}

#[test]
fn use_prints_exactly_the_code_and_a_newline() {
    let env = TestEnv::with_identity();
    env.add("site", "abc123-def456\nghi789-jkl012\n");
    let out = env.cmd().args(["use", "site"]).output().unwrap();
    assert_eq!(out.stdout, b"abc123-def456\n");
}

#[test]
fn use_code_marks_a_typed_code_and_unuse_reads_stdin() {
    let env = TestEnv::with_identity();
    let codes = github_codes(2, 16);
    env.add("github", &github_file(&codes));
    let typed = codes[5].to_uppercase().replace('-', " ");
    let out = env.run(&["use", "github", "--code", &typed], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(!env.unused("github").contains(&codes[5]));

    let out = env.run(&["use", "github", "--code", &codes[5]], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("already used"));
    assert!(
        !stderr(&out).contains(&codes[5]),
        "errors never show the code"
    );

    // '-' reads the code from standard input, keeping it out of argv.
    let out = env.run(&["unuse", "github", "-"], &format!("{}\n", codes[5]));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["unuse", "github"], &format!("{}\n", codes[6]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not marked used"));

    let out = env.run(&["use", "github", "--code", "-"], "zzzzz-zzzzz\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not in the current set"));
    assert!(!stderr(&out).contains("zzzzz"));
    assert_eq!(env.unused("github").len(), 16);
}

#[test]
fn exhausted_set_fails_cleanly_and_says_what_to_do() {
    let env = TestEnv::with_identity();
    env.add("github", "11111-aaaaa\n22222-bbbbb\n");
    env.use_code("github");
    let out = env.run(&["use", "github"], "");
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("no unused codes left"),
        "{}",
        stderr(&out)
    );
    let before = env.vault_bytes();
    let out = env.run(&["use", "github"], "");
    assert_eq!(out.status.code(), Some(6));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("bcode add github --replace"), "{err}");
    assert_eq!(env.vault_bytes(), before, "a failed use changes nothing");
}

#[test]
fn low_sets_warn_on_use_list_and_check() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(3, 5)));
    env.add(
        "google",
        "1234 5678\n2345 6789\n3456 7890\n4567 8901\n5678 9012\n",
    );
    let out = env.run(&["check"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    env.use_code("github");
    let out = env.run(&["use", "github"], "");
    let err = stderr(&out);
    assert!(err.contains("github has only 3 unused codes left"), "{err}");
    assert!(
        err.contains("https://github.com/settings/auth/recovery-codes"),
        "{err}"
    );

    let out = env.run(&["list"], "");
    assert!(stdout(&out).contains("running low"), "{}", stdout(&out));
    assert!(stderr(&out).contains("warning: github"));
    assert!(!stderr(&out).contains("google"));

    let out = env.run(&["check"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "github: 3 of 5 unused\n");
    let out = env.run(&["check", "--quiet"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());

    // A per-service threshold silences it.
    env.cmd()
        .args(["set", "github", "--threshold", "1"])
        .assert()
        .success();
    assert_eq!(env.run(&["check"], "").status.code(), Some(0));
    env.cmd()
        .args(["set", "github", "--threshold", "default"])
        .assert()
        .success();
    assert_eq!(env.run(&["check"], "").status.code(), Some(1));
}

#[test]
fn list_json_has_the_documented_fields() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(4, 16)));
    env.add("github/work", &github_file(&github_codes(5, 16)));
    env.use_code("github/work");
    let out = env.run(&["list", "--json"], "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[1]["service"], "github/work");
    assert_eq!(arr[1]["unused"], 15);
    assert_eq!(arr[1]["total"], 16);
    assert_eq!(arr[0]["last_used"], serde_json::Value::Null);
}

#[test]
fn add_refuses_input_without_codes_and_stores_nothing() {
    let env = TestEnv::with_identity();
    let before = env.vault_bytes();
    let out = env.run(
        &["add", "github"],
        "Your recovery codes\n\nKeep them safe.\n",
    );
    assert_eq!(out.status.code(), Some(7));
    assert!(
        stderr(&out).contains("no backup codes found"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.vault_bytes(), before);
    let out = env.run(&["add", "github"], "");
    assert_eq!(out.status.code(), Some(7));
}

#[test]
fn add_refuses_an_existing_service_unless_replace() {
    let env = TestEnv::with_identity();
    let old = github_codes(6, 16);
    let new = github_codes(7, 16);
    env.add("github", &github_file(&old));
    let before = env.vault_bytes();
    let out = env.run(&["add", "github"], &github_file(&new));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--replace"));
    assert_eq!(env.vault_bytes(), before);

    let out = env.run(&["add", "github", "--replace"], &github_file(&new));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("kept as history"));
    assert_eq!(env.unused("github"), new);
    let out = env.run(&["show", "github", "--json", "--history"], "");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let retired = v["retired"][0]["codes"].as_array().unwrap();
    assert_eq!(retired.len(), 16);
    assert_eq!(retired[0]["code"], old[0].as_str());
}

#[test]
fn add_reads_a_file_and_dry_run_changes_nothing() {
    let env = TestEnv::with_identity();
    let codes = github_codes(8, 16);
    let path = env.tmp.path().join("github-recovery-codes.txt");
    std::fs::write(&path, github_file(&codes).replace('\n', "\r\n")).unwrap();
    let before = env.vault_bytes();
    let out = env
        .cmd()
        .args(["add", "github", "--dry-run", "--json", "--file"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["service"], "github");
    let got: Vec<&str> = v["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(got, codes);
    assert_eq!(v["codes"][0]["used"], false);
    assert!(v["warnings"].is_array());
    assert_eq!(env.vault_bytes(), before, "dry run touches nothing");

    let out = env
        .cmd()
        .args(["add", "github", "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(env.unused("github"), codes);

    let out = env.run(&["add", "x", "--file", "/nonexistent/codes.txt"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("/nonexistent/codes.txt"));
}

#[test]
fn unknown_service_suggests_the_nearest_names() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(9, 16)));
    let out = env.run(&["use", "githb"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("did you mean: github?"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn rename_and_remove() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(10, 16)));
    env.add("gitlab", "a1b2c3d4e5f6a7b8\nb1b2c3d4e5f6a7b8\n");
    let out = env.run(&["rename", "github", "gitlab"], "");
    assert_eq!(out.status.code(), Some(1), "never overwrites a service");
    env.cmd()
        .args(["rename", "github", "github/personal"])
        .assert()
        .success();
    assert_eq!(env.unused("github/personal").len(), 16);

    let out = env.run(&["remove", "gitlab"], "y\n");
    // No terminal: refuses without --yes.
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(env.run(&["show", "gitlab"], "").status.success());
    env.cmd()
        .args(["remove", "gitlab", "--yes"])
        .assert()
        .success();
    let out = env.run(&["show", "gitlab"], "");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn bad_service_names_are_usage_errors() {
    let env = TestEnv::with_identity();
    let out = env.run(&["add", "bad name"], "11111-aaaaa\n");
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["add", "evil\u{1b}[31m"], "11111-aaaaa\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !stderr(&out).contains('\u{1b}'),
        "no raw escape in the message"
    );
}

#[test]
fn notes_with_terminal_controls_are_neutralised() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(11, 16)));
    env.cmd()
        .args([
            "set",
            "github",
            "--note",
            "evil\u{1b}]0;pwned\u{7}\u{202e}txt",
        ])
        .assert()
        .success();
    let out = env.run(&["show", "github"], "");
    let text = stdout(&out);
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );
    assert!(text.contains("\\u{1b}"), "{text}");
}

#[test]
fn the_vault_opens_with_the_plain_age_tool() {
    let env = TestEnv::with_identity();
    let codes = github_codes(12, 16);
    env.add("github", &github_file(&codes));
    env.use_code("github");
    let out = StdCommand::new("age")
        .arg("-d")
        .arg("-i")
        .arg(env.identity.as_ref().unwrap())
        .arg(env.file("vault.age"))
        .output()
        .expect("the age tool is installed (.ci/run installs it)");
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], 1);
    let stored = doc["services"]["github"]["codes"].as_array().unwrap();
    assert_eq!(stored.len(), 16);
    assert_eq!(stored[0]["code"], codes[0].as_str());
    assert!(stored[0]["used"].is_string());
    assert!(stored[1]["used"].is_null());
}

#[test]
fn bcode_identity_overrides_the_configured_identity() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(13, 16)));
    let key = env.identity.clone().unwrap();
    let moved = env.tmp.path().join("moved-key.txt");
    std::fs::rename(&key, &moved).unwrap();
    let out = env.run(&["list"], "");
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("key.txt"), "{}", stderr(&out));
    let out = env
        .cmd()
        .arg("list")
        .env("BCODE_IDENTITY", &moved)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));

    let stranger = env.write_identity("stranger.txt");
    let out = env
        .cmd()
        .arg("list")
        .env("BCODE_IDENTITY", &stranger)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("not encrypted to this identity"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_damaged_vault_is_reported_and_never_overwritten() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(14, 16)));
    env.add("gitlab", "a1b2c3d4e5f6a7b8\nb1b2c3d4e5f6a7b8\n");
    let good = env.vault_bytes();
    let truncated = &good[..good.len() - 40];
    std::fs::write(env.file("vault.age"), truncated).unwrap();
    for args in [&["list"][..], &["use", "github"]] {
        let out = env.run(args, "");
        assert_eq!(out.status.code(), Some(5), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
        assert!(stderr(&out).contains("bcode restore"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert_eq!(env.vault_bytes(), truncated);
    }
    std::fs::write(env.file("vault.age"), b"").unwrap();
    let out = env.run(&["list"], "");
    assert_eq!(out.status.code(), Some(5));
    assert!(stderr(&out).contains("empty"));

    // The backup (the vault before the last change) brings it back.
    let out = env.run(&["restore"], "");
    assert!(stdout(&out).contains("vault-"), "{}", stdout(&out));
    env.cmd().args(["restore", "1"]).assert().success();
    assert_eq!(env.unused("github").len(), 16);
}

#[test]
fn a_vault_from_a_newer_bcode_is_refused_untouched() {
    let env = TestEnv::with_identity();
    let recipients = std::fs::read_to_string(env.file("recipients")).unwrap();
    let r = bcode::keys::parse_recipients(&recipients, &env.file("recipients")).unwrap();
    let doc = br#"{"version": 2, "services": {}, "future": true}"#;
    let ct = bcode::keys::encrypt(&r, doc).unwrap();
    std::fs::write(env.file("vault.age"), &ct).unwrap();
    let out = env.run(&["add", "github"], "11111-aaaaa\n22222-bbbbb\n");
    assert_eq!(out.status.code(), Some(5));
    assert!(stderr(&out).contains("newer bcode"), "{}", stderr(&out));
    assert_eq!(env.vault_bytes(), ct);
}

#[test]
fn passphrase_vault_full_cycle_and_wrong_passphrase() {
    let env = TestEnv::with_passphrase();
    assert!(env.file("identity.age").exists());
    assert_eq!(mode(&env.file("identity.age")), 0o600);
    let sealed = std::fs::read_to_string(env.file("identity.age")).unwrap();
    assert!(sealed.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!sealed.contains("AGE-SECRET-KEY"));

    let codes = github_codes(15, 16);
    env.add("github", &github_file(&codes));
    assert_eq!(env.use_code("github"), codes[0]);

    let wrong = env.tmp.path().join("wrong");
    std::fs::write(&wrong, "not it\n").unwrap();
    let before = env.vault_bytes();
    let out = env
        .cmd()
        .args(["use", "github"])
        .env("BCODE_PASSPHRASE_FILE", &wrong)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("wrong passphrase"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("not it"));
    assert!(out.stdout.is_empty());
    assert_eq!(env.vault_bytes(), before);

    // passwd: the new passphrase opens it, the old one no longer does.
    let newpass = env.tmp.path().join("newpass");
    std::fs::write(&newpass, "a new passphrase\n").unwrap();
    env.cmd()
        .arg("passwd")
        .env("BCODE_NEW_PASSPHRASE_FILE", &newpass)
        .assert()
        .success();
    assert_eq!(env.vault_bytes(), before, "passwd leaves the vault alone");
    assert_eq!(env.run(&["list"], "").status.code(), Some(4));
    let out = env
        .cmd()
        .args(["use", "github"])
        .env("BCODE_PASSPHRASE_FILE", &newpass)
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), codes[1]);
}

#[test]
fn no_terminal_and_no_passphrase_file_is_a_clear_error() {
    let env = TestEnv::with_passphrase();
    let out = env
        .cmd()
        .arg("list")
        .env_remove("BCODE_PASSPHRASE_FILE")
        .env("BCODE_PASSPHRASE_FILE", "")
        .output()
        .unwrap();
    // An empty variable is a file that cannot be read: a clear error either way.
    assert_ne!(out.status.code(), Some(0));
    assert!(!stderr(&out).is_empty());
}

#[test]
fn racing_use_processes_never_get_the_same_code() {
    let env = TestEnv::with_identity();
    let codes = github_codes(16, 16);
    env.add("github", &github_file(&codes));
    let children: Vec<_> = (0..16)
        .map(|_| {
            env.std_cmd()
                .args(["use", "github"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut got = HashSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            got.insert(stdout(&out).trim().to_string()),
            "a code was handed out twice"
        );
    }
    assert_eq!(got, codes.iter().cloned().collect::<HashSet<_>>());
    assert!(env.unused("github").is_empty());
}

#[test]
fn backups_keep_earlier_generations_and_restore_them() {
    let env = TestEnv::with_identity();
    let codes = github_codes(17, 16);
    env.add("github", &github_file(&codes));
    for _ in 0..12 {
        env.use_code("github");
    }
    let out = env.run(&["restore"], "");
    let listed = stdout(&out).lines().count();
    assert_eq!(listed, 10, "ten generations are kept: {}", stdout(&out));
    // Backup 3 is the vault before the last three uses: 9 used.
    env.cmd().args(["restore", "3"]).assert().success();
    assert_eq!(env.unused("github").len(), 16 - 9);
    let out = env.run(&["restore", "99"], "");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_recovery_key_is_shown_not_used_up_and_a_single_code_asks_for_its_successor() {
    let env = TestEnv::with_identity();
    let key = "ABCD2-EFGH3-JKLM4-NPQR5-STUV6";
    let out = env.run(
        &["add", "someapp", "--kind", "recovery-key"],
        &format!("{key}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let before = env.vault_bytes();
    for _ in 0..2 {
        assert_eq!(env.use_code("someapp"), key);
    }
    assert_eq!(
        env.vault_bytes(),
        before,
        "showing a reusable key changes nothing"
    );
    assert_eq!(env.run(&["check"], "").status.code(), Some(0));

    let out = env.run(&["add", "steam", "--kind", "single"], "R12345\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = env.run(&["use", "steam"], "");
    assert_eq!(stdout(&out), "R12345\n");
    assert!(
        stderr(&out).contains("shows a new code after each use"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.run(&["check"], "").status.code(), Some(1));
}

#[test]
fn two_sets_in_one_text_are_refused_until_one_is_picked() {
    let env = TestEnv::with_identity();
    let old = github_codes(800, 16);
    let new = github_codes(801, 16);
    let text = format!(
        "GitHub codes (old, generated 2022-01-10)\n{}\nGitHub codes (new, generated 2024-03-08)\n{}",
        github_file(&old),
        github_file(&new)
    );
    let before = env.vault_bytes();
    let out = env.run(&["add", "github"], &text);
    assert_eq!(out.status.code(), Some(7));
    let err = stderr(&out);
    assert!(err.contains("2 sets") && err.contains("--pick"), "{err}");
    for c in old.iter().chain(&new) {
        assert!(!err.contains(c.as_str()), "the refusal never shows a code");
    }
    assert_eq!(env.vault_bytes(), before);

    let out = env.run(&["add", "github", "--pick", "newest"], &text);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.unused("github"), new);
    let out = env.run(&["add", "github/old", "--pick", "1"], &text);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.unused("github/old"), old);
    let out = env.run(&["add", "github/x", "--pick", "0"], &text);
    assert_eq!(out.status.code(), Some(2));
}
