//! Prompts driven through a real pseudo-terminal: passphrases, confirmation, pasting codes, and age's own prompt.

mod common;

use std::process::Command as StdCommand;

use common::*;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

const TIMEOUT_MS: Option<u64> = Some(30_000);

fn spawn(env: &TestEnv, args: &[&str]) -> PtySession {
    let mut cmd = env.std_cmd();
    cmd.args(args).env_remove("BCODE_PASSPHRASE_FILE");
    spawn_command(cmd, TIMEOUT_MS).unwrap()
}

fn exit_code(p: &PtySession) -> i32 {
    match p.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => code,
        other => panic!("bcode did not exit normally: {other:?}"),
    }
}

#[test]
fn init_asks_twice_and_retries_on_mismatch() {
    let env = TestEnv::empty();
    let mut p = spawn(&env, &["init"]);
    p.exp_string("New passphrase: ").unwrap();
    p.send_line("first try").unwrap();
    p.exp_string("Repeat the passphrase: ").unwrap();
    p.send_line("different").unwrap();
    p.exp_string("differ; try again").unwrap();
    p.exp_string("New passphrase: ").unwrap();
    p.send_line(PASSPHRASE).unwrap();
    p.exp_string("Repeat the passphrase: ").unwrap();
    p.send_line(PASSPHRASE).unwrap();
    p.exp_string("Created the vault").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert!(env.file("vault.age").exists());

    // The passphrase typed at the terminal opens it; a wrong one does not.
    let mut p = spawn(&env, &["list"]);
    p.exp_string("Passphrase for the bcode vault").unwrap();
    p.send_line("wrong one").unwrap();
    p.exp_string("wrong passphrase").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 4);

    let mut p = spawn(&env, &["list"]);
    p.exp_string("Passphrase for the bcode vault").unwrap();
    p.send_line(PASSPHRASE).unwrap();
    p.exp_string("No services yet").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn pasted_codes_end_at_an_empty_line_and_are_shown_for_checking() {
    let env = TestEnv::with_identity();
    let codes = github_codes(40, 16);
    let mut p = spawn(&env, &["add", "github"]);
    p.exp_string("Paste the codes for github").unwrap();
    p.send_line("GitHub recovery codes").unwrap();
    p.send_line("").unwrap();
    for c in &codes {
        p.send_line(c).unwrap();
    }
    p.send_line("").unwrap();
    p.exp_string("Stored 16 codes for github").unwrap();
    p.exp_string(&format!("first {}, last {}", codes[0], codes[15]))
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(env.unused("github"), codes);
}

#[test]
fn remove_asks_at_the_terminal() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(41, 16)));
    let mut p = spawn(&env, &["remove", "github"]);
    p.exp_string("Remove github and its 16 codes (16 unused)?")
        .unwrap();
    p.send_line("n").unwrap();
    p.exp_string("Nothing was removed").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 1);
    assert_eq!(env.unused("github").len(), 16);

    let mut p = spawn(&env, &["remove", "github"]);
    p.exp_string("[y/N]").unwrap();
    p.send_line("y").unwrap();
    p.exp_string("Removed github").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    assert_eq!(env.run(&["show", "github"], "").status.code(), Some(1));
}

#[test]
fn the_age_tool_opens_a_passphrase_vault_with_the_sealed_identity() {
    let env = TestEnv::with_passphrase();
    let codes = github_codes(42, 16);
    env.add("github", &github_file(&codes));
    let mut cmd = StdCommand::new("age");
    cmd.arg("-d")
        .arg("-i")
        .arg(env.file("identity.age"))
        .arg("-o")
        .arg(env.tmp.path().join("plain.json"))
        .arg(env.file("vault.age"));
    let mut p =
        spawn_command(cmd, TIMEOUT_MS).expect("the age tool is installed (.ci/run installs it)");
    p.exp_string("passphrase").unwrap();
    p.send_line(PASSPHRASE).unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&p), 0);
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.tmp.path().join("plain.json")).unwrap()).unwrap();
    assert_eq!(
        doc["services"]["github"]["codes"][3]["code"],
        codes[3].as_str()
    );
}

#[test]
fn remove_on_a_passphrase_vault_asks_for_the_passphrase_once() {
    let env = TestEnv::with_passphrase();
    env.add("github", &github_file(&github_codes(43, 16)));
    let mut p = spawn(&env, &["remove", "github"]);
    p.exp_string("Passphrase for the bcode vault").unwrap();
    p.send_line(PASSPHRASE).unwrap();
    p.exp_string("[y/N]").unwrap();
    p.send_line("y").unwrap();
    // A second derivation would ask again here instead of removing.
    let rest = p.exp_eof().unwrap();
    assert!(rest.contains("Removed github"), "{rest}");
    assert!(!rest.contains("Passphrase"), "asked twice: {rest}");
    assert_eq!(exit_code(&p), 0);
}

#[test]
fn completion_never_prompts_for_a_protected_identity() {
    // BCODE_IDENTITY naming a passphrase-protected identity (identity.age itself):
    // completing must give up on names at once, not ask at the terminal.
    let env = TestEnv::with_passphrase();
    env.add("github", &github_file(&github_codes(44, 16)));
    let mut cmd = env.std_cmd();
    cmd.env_remove("BCODE_PASSPHRASE_FILE")
        .env("BCODE_IDENTITY", env.file("identity.age"))
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .args(["--", "bcode", "use", "gi"]);
    let mut p = spawn_command(cmd, Some(10_000)).unwrap();
    let out = p.exp_eof().unwrap();
    assert!(!out.contains("Passphrase"), "completion prompted: {out}");
    assert!(!out.contains("github"), "{out}");
    assert_eq!(exit_code(&p), 0);
}
