//! Reliability under races and crashes (issue 6, parts 1 and 2): nothing is lost, nothing is handed out twice.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn spawn(env: &TestEnv, args: &[&str], stdin: Option<&str>) -> Child {
    let mut cmd = env.std_cmd();
    cmd.args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(text.as_bytes()).unwrap();
    }
    child
}

#[test]
fn thirty_two_racing_uses_hand_out_thirty_two_distinct_codes() {
    let env = TestEnv::with_identity();
    let codes = github_codes(601, 32);
    env.add("github", &github_file(&codes));
    let children: Vec<Child> = (0..32)
        .map(|_| spawn(&env, &["use", "github"], None))
        .collect();
    let mut got = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        got.push(stdout(&out).trim().to_string());
    }
    let distinct: HashSet<&String> = got.iter().collect();
    assert_eq!(distinct.len(), 32, "a code was handed out twice: {got:?}");
    assert_eq!(
        distinct,
        codes.iter().collect::<HashSet<_>>(),
        "every code printed is one of the set"
    );
    assert!(env.unused("github").is_empty(), "the vault shows 0 unused");
    let v = env.load_vault();
    assert!(summary(&v)["github"].iter().all(|c| c.1));

    // The 33rd fails cleanly: exit 6, nothing on stdout, the vault untouched.
    let before = env.vault_bytes();
    let out = env.run(&["use", "github"], "");
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("no unused codes left"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("bcode add github --replace"));
    assert_eq!(env.vault_bytes(), before);
}

/// One round of mixed concurrent commands whose combined effect is known if nothing is lost:
/// uses and unuses on shared services, adds of new services, renames of others.
fn mixed_round(env: &TestEnv, round: u32) -> usize {
    const USE_SERVICES: u32 = 4;
    const USES_EACH: usize = 4;
    const PRE_USED: usize = 3;
    const UNUSES_EACH: usize = 2;
    const ADDS: u32 = 8;
    const RENAMES: u32 = 4;

    // Setup, serially: services to use from (the first PRE_USED codes already used),
    // and services to rename.
    let mut sets = BTreeMap::new();
    for k in 0..USE_SERVICES {
        let name = format!("u{round}-{k}");
        let codes = github_codes(1000 * round + k, 10);
        env.add(&name, &github_file(&codes));
        for _ in 0..PRE_USED {
            env.use_code(&name);
        }
        sets.insert(name, codes);
    }
    let mut renamed = BTreeMap::new();
    for k in 0..RENAMES {
        let name = format!("r{round}-{k}");
        let codes = github_codes(2000 * round + k, 4);
        env.add(&name, &github_file(&codes));
        renamed.insert(name, codes);
    }
    let before = env.load_vault();

    // The race: every command at once.
    let mut uses = Vec::new();
    let mut others = Vec::new();
    for (name, codes) in &sets {
        for _ in 0..USES_EACH {
            uses.push((name.clone(), spawn(env, &["use", name], None)));
        }
        for code in codes.iter().take(UNUSES_EACH) {
            others.push(spawn(env, &["unuse", name, code], None));
        }
    }
    let mut added = BTreeMap::new();
    for j in 0..ADDS {
        let name = format!("a{round}-{j}");
        let codes = github_codes(3000 * round + j, 5);
        others.push(spawn(env, &["add", &name], Some(&github_file(&codes))));
        added.insert(name, codes);
    }
    for name in renamed.keys() {
        others.push(spawn(env, &["rename", name, &format!("{name}-new")], None));
    }
    let processes = uses.len() + others.len();

    let mut printed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, child) in uses {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "use {name}: {}", stderr(&out));
        printed
            .entry(name)
            .or_default()
            .push(stdout(&out).trim().to_string());
    }
    for child in others {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    }

    // The final vault equals the serial outcome.
    let after = env.load_vault();
    let got = summary(&after);
    for (name, codes) in &sets {
        let printed = &printed[name];
        let distinct: BTreeSet<&String> = printed.iter().collect();
        assert_eq!(
            distinct.len(),
            USES_EACH,
            "{name}: a code twice: {printed:?}"
        );
        // used = (pre-used minus the ones put back) plus every code printed.
        let mut expect: BTreeSet<&String> = codes[UNUSES_EACH..PRE_USED].iter().collect();
        expect.extend(distinct.iter().copied());
        let used: BTreeSet<&String> = got[name].iter().filter(|c| c.1).map(|c| &c.0).collect();
        assert_eq!(used, expect, "{name}: lost or extra used mark");
        assert_eq!(got[name].len(), codes.len());
    }
    for (name, codes) in &added {
        let stored: Vec<&String> = got[name].iter().map(|c| &c.0).collect();
        assert_eq!(stored, codes.iter().collect::<Vec<_>>(), "{name} lost");
    }
    for (name, codes) in &renamed {
        assert!(!got.contains_key(name), "{name} still there");
        let new = format!("{name}-new");
        let stored: Vec<&String> = got[&new].iter().map(|c| &c.0).collect();
        assert_eq!(stored, codes.iter().collect::<Vec<_>>(), "{new} lost codes");
    }
    let expected_count = before.services.len() + ADDS as usize;
    assert_eq!(
        after.services.len(),
        expected_count,
        "no service lost or invented"
    );
    processes
}

#[test]
fn mixed_concurrent_commands_equal_a_serial_order() {
    let env = TestEnv::with_identity();
    let started = Instant::now();
    let processes: usize = (1..=3).map(|r| mixed_round(&env, r)).sum();
    eprintln!(
        "mixed race: {processes} concurrent commands in 3 rounds, no lost update ({:.1?})",
        started.elapsed()
    );
    // Every backup of that history still opens.
    for b in env.backup_files() {
        env.load_backup(&b).unwrap();
    }
    assert!(env.temp_files().is_empty());
}

/// What one crash trial expects of the vault afterwards.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Old,
    New,
    Either,
}

/// Checks a `use` trial: the vault opens and is the old state or the old state with the
/// next code used; a printed code is always the one recorded as used.
fn check_use(
    env: &TestEnv,
    before: &bcode::vault::Vault,
    service: &str,
    printed: &str,
    expect: Outcome,
) -> Outcome {
    let after = env.load_vault();
    let (b, a) = (summary(before), summary(&after));
    let next = b[service].iter().position(|c| !c.1).expect("codes left");
    let mut new = b.clone();
    new.get_mut(service).unwrap()[next].1 = true;
    let got = if a == b {
        Outcome::Old
    } else if a == new {
        Outcome::New
    } else {
        panic!("the vault is neither the old nor the new state after a crash")
    };
    if !printed.is_empty() {
        assert_eq!(printed, b[service][next].0, "printed code is the next one");
        assert_eq!(got, Outcome::New, "a printed code is recorded as used");
    }
    if expect != Outcome::Either {
        assert_eq!(got, expect);
    }
    got
}

fn check_add(env: &TestEnv, name: &str, codes: &[String], expect: Outcome) -> Outcome {
    let after = summary(&env.load_vault());
    let got = match after.get(name) {
        None => Outcome::Old,
        Some(stored) => {
            let want: Vec<(String, bool)> = codes.iter().map(|c| (c.clone(), false)).collect();
            assert_eq!(stored, &want, "{name}: a half-stored set");
            Outcome::New
        }
    };
    if expect != Outcome::Either {
        assert_eq!(got, expect, "{name}");
    }
    got
}

#[derive(Default, Debug)]
struct Tally {
    trials: usize,
    old: usize,
    new: usize,
    printed: usize,
    burnt: usize,
    temp_left: usize,
}

impl Tally {
    /// `printed`: for a `use`, whether a code reached stdout; None for an `add`.
    fn count(&mut self, o: Outcome, printed: Option<bool>) {
        self.trials += 1;
        match o {
            Outcome::Old => self.old += 1,
            _ => self.new += 1,
        }
        if printed == Some(true) {
            self.printed += 1;
        } else if printed == Some(false) && o == Outcome::New {
            // Recorded as used but never shown: by design (recorded before printed);
            // `bcode show` still lists it.
            self.burnt += 1;
        }
    }
}

#[test]
fn crashes_at_every_injected_point_leave_the_old_or_the_new_vault() {
    if !crash_points_built() {
        eprintln!("SKIPPED: crash points need: cargo test --all-features (fault-injection)");
        return;
    }
    let env = TestEnv::with_identity();
    let codes = github_codes(700, 40);
    env.add("github", &github_file(&codes));
    let mut tally = Tally::default();

    let use_points = [
        ("before-save", Outcome::Old),
        ("after-temp-write", Outcome::Old),
        ("after-backup", Outcome::Old),
        ("after-rename", Outcome::New),
        ("before-print", Outcome::New),
    ];
    for round in 0..12 {
        for (point, expect) in use_points {
            let before = env.load_vault();
            let out = env
                .cmd()
                .args(["use", "github"])
                .env("BCODE_CRASH_AT", point)
                .output()
                .unwrap();
            assert!(!out.status.success(), "{point}: did not crash");
            let printed = stdout(&out).trim().to_string();
            assert!(printed.is_empty(), "{point}: printed before the crash");
            let got = check_use(&env, &before, "github", &printed, expect);
            tally.count(got, Some(false));
            tally.temp_left += env.temp_files().len();
            // The next command reads fine whatever was left behind.
            if round % 2 == 0 {
                env.cmd().arg("list").assert().success();
            }
        }
    }

    let add_points = [
        ("before-save", Outcome::Old),
        ("after-temp-write", Outcome::Old),
        ("after-backup", Outcome::Old),
        ("after-rename", Outcome::New),
    ];
    for round in 0..10 {
        for (i, (point, expect)) in add_points.iter().enumerate() {
            let name = format!("svc{round}-{i}");
            let set = github_codes(800 + (round * 10 + i) as u32, 6);
            let out = env
                .cmd()
                .args(["add", &name])
                .env("BCODE_CRASH_AT", point)
                .write_stdin(github_file(&set))
                .output()
                .unwrap();
            assert!(!out.status.success(), "{point}: did not crash");
            tally.count(check_add(&env, &name, &set, *expect), None);
            tally.temp_left += env.temp_files().len();
        }
    }

    // The next change removes every temp file a crash left; every backup opens.
    env.use_code("github");
    assert!(env.temp_files().is_empty(), "stale temp files not cleaned");
    for b in env.backup_files() {
        env.load_backup(&b).unwrap();
    }
    assert!(env.backup_files().len() <= 10);
    eprintln!("injected crashes: {tally:?}");
    assert_eq!(tally.trials, 100);
}

#[test]
fn sigkill_at_random_moments_never_loses_a_printed_code_or_a_set() {
    let env = TestEnv::with_identity();
    // A set holds at most 100 codes: a fresh set replaces a spent one between trials.
    let mut sets = 0;
    let mut refill = |env: &TestEnv| {
        sets += 1;
        let codes = github_codes(900 + sets, 100);
        env.cmd()
            .args(["add", "github", "--replace"])
            .write_stdin(github_file(&codes))
            .assert()
            .success();
    };
    env.add("github", &github_file(&github_codes(900, 100)));
    // How long a command takes here, to spread the kills over its whole run.
    let t0 = Instant::now();
    for _ in 0..5 {
        env.use_code("github");
    }
    let typical = (t0.elapsed() / 5).max(Duration::from_millis(2));
    let window = typical.as_micros() as u64 * 3 / 2;

    let mut rng = Rng(0x5eed_b0c0_de00_0006);
    let mut tally = Tally::default();
    let trials_use = 120;
    let trials_add = 80;
    for _ in 0..trials_use {
        if env.unused("github").len() < 2 {
            refill(&env);
        }
        let before = env.load_vault();
        let mut child = spawn(&env, &["use", "github"], None);
        std::thread::sleep(Duration::from_micros(rng.below(window)));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let printed = stdout(&out).trim().to_string();
        let got = check_use(&env, &before, "github", &printed, Outcome::Either);
        tally.count(got, Some(!printed.is_empty()));
        tally.temp_left += env.temp_files().len();
    }
    for i in 0..trials_add {
        let name = format!("k{i}");
        let set = github_codes(5000 + i, 6);
        let mut child = spawn(&env, &["add", &name], Some(&github_file(&set)));
        std::thread::sleep(Duration::from_micros(rng.below(window)));
        let _ = child.kill();
        let _ = child.wait_with_output().unwrap();
        tally.count(check_add(&env, &name, &set, Outcome::Either), None);
        tally.temp_left += env.temp_files().len();
    }
    env.use_code("github");
    assert!(env.temp_files().is_empty(), "stale temp files not cleaned");
    for b in env.backup_files() {
        env.load_backup(&b).unwrap();
    }
    eprintln!("SIGKILL trials (window {window} us): {tally:?}");
    assert_eq!(tally.trials, (trials_use + trials_add) as usize);
}

#[test]
fn repeated_failed_saves_do_not_rotate_the_backup_history_away() {
    if !crash_points_built() {
        eprintln!("SKIPPED: crash points need: cargo test --all-features (fault-injection)");
        return;
    }
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(950, 30)));
    for _ in 0..12 {
        env.use_code("github");
    }
    let distinct = |env: &TestEnv| {
        env.backup_files()
            .iter()
            .map(|p| std::fs::read(p).unwrap())
            .collect::<BTreeSet<_>>()
            .len()
    };
    assert_eq!(distinct(&env), 10);
    // A save that keeps failing after the backup step (a retry loop on a flaky disk).
    for point in ["after-temp-write", "after-backup"] {
        for _ in 0..12 {
            let out = env
                .cmd()
                .args(["use", "github"])
                .env("BCODE_CRASH_AT", point)
                .output()
                .unwrap();
            assert!(!out.status.success());
        }
    }
    assert_eq!(env.backup_files().len(), 10);
    assert_eq!(
        distinct(&env),
        10,
        "failed saves replaced earlier generations with copies of one vault"
    );
    assert_eq!(
        env.unused("github").len(),
        18,
        "no failed save changed the vault"
    );
}
