//! Shell completion in real shells: bash completes subcommands, flags and service names;
//! zsh and fish load the scripts; fish completes names too; nothing prompts or leaks.

mod common;

use std::process::{Command, Output, Stdio};

use common::*;

/// Runs a shell script with bcode on PATH, in the test's environment, with no stdin.
fn shell(env: &TestEnv, shell: &str, script: &str) -> Output {
    let mut cmd = Command::new(shell);
    let base = env.std_cmd();
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.env("PATH", path_with_bcode())
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{shell} is installed (.ci/run installs it): {e}"))
}

fn vault_with_services() -> TestEnv {
    let env = TestEnv::with_identity();
    for (i, name) in ["github", "github/work", "gitlab", "google"]
        .iter()
        .enumerate()
    {
        env.add(name, &github_file(&codes_for(name, 100 + i as u32, 10)));
    }
    env
}

/// What bash offers for the words (the last one is being completed).
fn bash_complete(env: &TestEnv, words: &[&str]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        r#"source <(bcode completions bash) || exit 9
COMP_WORDS=({words}); COMP_CWORD={cword}; COMP_TYPE=9; COMP_LINE="{line}"; COMP_POINT=${{#COMP_LINE}}
_clap_complete_bcode bcode '{cur}' '{prev}'
printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = quoted.join(" "),
        cword = words.len() - 1,
        line = words.join(" "),
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let out = shell(env, "bash", &script);
    assert!(out.status.success(), "bash: {}", stderr(&out));
    stdout(&out)
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completes_subcommands_flags_values_and_service_names() {
    let env = vault_with_services();
    let subs = bash_complete(&env, &["bcode", ""]);
    for s in [
        "init",
        "add",
        "use",
        "unuse",
        "list",
        "show",
        "print",
        "completions",
    ] {
        assert!(subs.contains(&s.to_string()), "{s} not offered: {subs:?}");
    }
    assert_eq!(bash_complete(&env, &["bcode", "pri"]), ["print"]);
    let flags = bash_complete(&env, &["bcode", "print", "--pa"]);
    assert_eq!(flags, ["--paper"]);
    let papers = bash_complete(&env, &["bcode", "print", "--paper", ""]);
    assert_eq!(papers, ["a4", "letter"]);
    let shells = bash_complete(&env, &["bcode", "completions", ""]);
    for s in ["bash", "zsh", "fish", "elvish", "powershell"] {
        assert!(shells.contains(&s.to_string()), "{shells:?}");
    }

    let names = bash_complete(&env, &["bcode", "use", "gi"]);
    assert_eq!(names, ["github", "github/work", "gitlab"]);
    let names = bash_complete(&env, &["bcode", "show", "go"]);
    assert_eq!(names, ["google"]);
    // --dir on the command line points completion at another vault.
    let other = TestEnv::with_identity();
    other.add("gitea", &github_file(&github_codes(200, 16)));
    let dir = other.dir.to_str().unwrap();
    let names = bash_complete(&env, &["bcode", "--dir", dir, "use", "gi"]);
    assert_eq!(names, ["gitea"]);
}

#[test]
fn passphrase_vault_completes_no_names_without_asking_unless_opted_in() {
    let env = TestEnv::with_passphrase();
    env.add("github", &github_file(&github_codes(300, 16)));
    // Completion never reads the passphrase, even when a passphrase file is offered,
    // and prints nothing (no error) into the command line.
    assert!(env.passfile.is_some());
    assert!(bash_complete(&env, &["bcode", "use", "gi"]).is_empty());
    assert_eq!(bash_complete(&env, &["bcode", "sh"]), ["show"]);

    env.cmd()
        .args(["config", "plain-names", "on"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(env.file("service-names")).unwrap(),
        "github\n"
    );
    let names = bash_complete(&env, &["bcode", "use", "gi"]);
    assert_eq!(names, ["github"]);
    // The list follows changes and goes away when turned off.
    env.cmd()
        .args(["rename", "github", "github/me"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(env.file("service-names")).unwrap(),
        "github/me\n"
    );
    env.cmd()
        .args(["config", "plain-names", "off"])
        .assert()
        .success();
    assert!(!env.file("service-names").exists());
}

#[test]
fn fish_loads_the_script_and_completes_service_names() {
    let env = vault_with_services();
    let out = shell(
        &env,
        "fish",
        "bcode completions fish | source; and complete -C 'bcode use gi'; and complete -C 'bcode li'",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_string())
        .collect();
    for want in ["github", "github/work", "gitlab", "list"] {
        assert!(
            lines.contains(&want.to_string()),
            "{want} missing: {lines:?}"
        );
    }
    assert!(!lines.contains(&"google".to_string()));
}

#[test]
fn zsh_loads_the_script_without_error() {
    let env = vault_with_services();
    let out = shell(
        &env,
        "zsh",
        "autoload -Uz compinit && compinit -u -d \"$HOME/.zcompdump\" && source <(bcode completions zsh) && (( $+functions[_clap_dynamic_completer_bcode] ))",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    // The checked-in script (kept equal to the generated one by the drift test) parses.
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("zsh")
        .arg("-n")
        .arg(format!("{root}/completions/_bcode"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn completions_survive_a_closed_pipe_and_never_touch_the_vault() {
    let env = TestEnv::empty();
    for sh in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = shell(
            &env,
            "bash",
            &format!("bcode completions {sh} | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}"),
        );
        assert_eq!(stdout(&out).trim(), "0", "{sh}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
    assert!(
        !env.dir.exists(),
        "completions never create or open the vault"
    );
    let out = env.run(&["--help"], "");
    assert!(out.status.success());
    assert!(!env.dir.exists());
}
