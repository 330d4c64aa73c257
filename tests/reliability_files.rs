//! Reliability of the files (issue 6, parts 3, 4 and 7): full disks, read-only folders, damaged and foreign files, backups, `bcode doctor`.

mod common;

use std::path::Path;

use common::*;

/// A vault living on a fresh tmpfs (root only), with `n` codes for github.
fn vault_on_tmpfs(size: &str, what: &str) -> Option<(TestEnv, Tmpfs)> {
    let mut env = TestEnv::empty();
    let Some(fs) = Tmpfs::mount(&env.tmp.path().join("disk"), size) else {
        eprintln!("SKIPPED {what}: cannot mount a tmpfs here (needs root)");
        return None;
    };
    env.dir = fs.path.join("vault");
    Some((env.init_with_identity(), fs))
}

/// chmod 600.
fn private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

/// Fills the filesystem holding `dir` to the last byte.
fn fill(dir: &Path) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 4096];
    while f.write_all(&block).is_ok() {}
    while f.write_all(&[0]).is_ok() {}
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_fails_cleanly_prints_nothing_and_keeps_the_backups() {
    let Some((env, fs)) = vault_on_tmpfs("2m", "full disk") else {
        return;
    };
    let codes = github_codes(1100, 16);
    env.add("github", &github_file(&codes));
    // Twelve distinct generations: the ten backups are all different vaults.
    for _ in 0..12 {
        env.use_code("github");
    }
    let backups_before: Vec<_> = env
        .backup_files()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(backups_before.len(), 10);
    let vault_before = env.vault_bytes();
    let filler = fill(&fs.path);

    // Retrying on a full disk, again and again.
    for attempt in 0..12 {
        let out = env.run(&["use", "github"], "");
        assert_eq!(
            out.status.code(),
            Some(1),
            "attempt {attempt}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "no code printed on a failed write");
        let err = stderr(&out);
        assert!(err.contains("No space left on device"), "{err}");
        assert!(err.contains("could not"), "{err}");
        assert_eq!(env.vault_bytes(), vault_before, "old vault intact");
    }
    let out = env.run(
        &["add", "gitlab-selfhosted"],
        &github_file(&github_codes(1101, 10)),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(env.vault_bytes(), vault_before);
    // The backup history was not rotated away by the failed attempts.
    let backups_after: Vec<_> = env
        .backup_files()
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(
        backups_after, backups_before,
        "failed saves churned the backups"
    );
    assert!(
        env.temp_files().is_empty(),
        "a failed write leaves no temp file"
    );
    assert_eq!(
        env.unused("github").len(),
        4,
        "reads still work on a full disk"
    );

    // Space again: the next use hands out the next code, nothing was lost.
    std::fs::remove_file(filler).unwrap();
    assert_eq!(env.use_code("github"), codes[12]);
}

#[test]
fn a_read_only_folder_fails_cleanly_and_still_reads() {
    if let Some((env, fs)) = vault_on_tmpfs("1m", "read-only folder") {
        let codes = github_codes(1200, 16);
        env.add("github", &github_file(&codes));
        let before = env.snapshot();
        fs.remount(true);
        for args in [
            &["use", "github"][..],
            &["add", "gitlab-selfhosted"],
            &["restore", "1"],
        ] {
            let out = env.run(args, &github_file(&github_codes(1201, 10)));
            assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
            assert!(out.stdout.is_empty(), "{args:?}");
            assert!(
                stderr(&out).contains("Read-only file system"),
                "{}",
                stderr(&out)
            );
        }
        assert_eq!(env.snapshot(), before);
        // Reading needs no write access.
        assert_eq!(env.unused("github").len(), 16);
        env.cmd().arg("list").assert().success();
        fs.remount(false);
        assert_eq!(env.use_code("github"), codes[0]);
        return;
    }
    // Without root: permissions do the job (root would ignore them).
    let env = TestEnv::with_identity();
    if std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    {
        eprintln!("SKIPPED read-only folder: root without mount rights");
        return;
    }
    env.add("github", &github_file(&github_codes(1202, 16)));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&env.dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let before = env.vault_bytes();
    let out = env.run(&["use", "github"], "");
    std::fs::set_permissions(&env.dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(env.vault_bytes(), before);
}

/// Runs a reading and two changing commands on a bad vault: each fails with `code`,
/// a message containing `says`, prints nothing and changes nothing.
fn refused(env: &TestEnv, code: i32, says: &str, recover: &str) {
    let before = env.snapshot();
    for args in [
        &["list"][..],
        &["use", "github"],
        &["add", "gitlab-selfhosted"],
    ] {
        let out = env.run(args, &github_file(&github_codes(1300, 10)));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: expected '{says}' in: {err}");
        assert!(
            err.contains(recover),
            "{args:?}: no recovery hint in: {err}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
        assert_eq!(env.snapshot(), before, "{args:?} changed a file");
    }
}

#[test]
fn damaged_and_foreign_vaults_each_get_their_own_message_and_change_nothing() {
    let env = TestEnv::with_identity();
    let codes = github_codes(1301, 16);
    env.add("github", &github_file(&codes));
    env.use_code("github");
    let good = env.vault_bytes();

    std::fs::write(env.file("vault.age"), &good[..good.len() / 2]).unwrap();
    refused(&env, 5, "damaged", "bcode restore");
    refused(&env, 5, "age -d -i IDENTITY", "bcode restore");

    std::fs::write(env.file("vault.age"), b"").unwrap();
    refused(&env, 5, "it is empty (0 bytes)", "bcode restore");

    std::fs::write(env.file("vault.age"), b"{\"version\": 1, \"services\": {}}").unwrap();
    refused(
        &env,
        5,
        "looks like an unencrypted vault document",
        "bcode restore",
    );
    std::fs::write(env.file("vault.age"), b"PK\x03\x04 some zip file").unwrap();
    refused(&env, 5, "not an age file", "bcode restore");

    // A well-formed age file for someone else.
    let other = age::x25519::Identity::generate().to_public();
    let foreign = age::encrypt(&other, b"{\"version\": 1, \"services\": {}}").unwrap();
    std::fs::write(env.file("vault.age"), &foreign).unwrap();
    refused(&env, 4, "not encrypted to this identity", "bcode restore");

    // Encrypted to us, but not a vault document.
    env.write_vault_doc(b"hello, not json");
    refused(&env, 5, "not a valid vault document", "bcode restore");

    // From a newer bcode: refused untouched, told to upgrade.
    env.write_vault_doc(br#"{"version": 7, "services": {}, "new_field": []}"#);
    refused(&env, 5, "newer bcode", "upgrade bcode");

    // Flipped bits anywhere: header, stanza, MAC, payload.
    let mut rng = Rng(0xf11b);
    let mut seen = std::collections::BTreeMap::new();
    for i in 0..40 {
        let mut bad = good.clone();
        let at = if i < 20 {
            rng.below(good.len() as u64 / 2)
        } else {
            rng.below(good.len() as u64)
        } as usize;
        bad[at] ^= 1 << rng.below(8);
        std::fs::write(env.file("vault.age"), &bad).unwrap();
        let out = env.run(&["use", "github"], "");
        let code = out.status.code().unwrap();
        assert!(
            code == 4 || code == 5,
            "flip at {at}: exit {code}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("bcode restore"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert_eq!(env.vault_bytes(), bad);
        *seen.entry(code).or_insert(0) += 1;
    }
    eprintln!("40 single-bit flips: exit codes {seen:?}");

    // The backup brings back the last good vault, even from a damaged one.
    // Backup 1 is the vault before the last change (the use of codes[0]), so that
    // use is undone: docs/reliability.md tells to re-mark it with `use --code`.
    env.cmd().args(["restore", "1"]).assert().success();
    assert_eq!(env.unused("github"), codes.to_vec());
}

#[test]
fn a_missing_identity_says_how_to_get_back_in() {
    let env = TestEnv::with_identity();
    env.add("github", &github_file(&github_codes(1400, 16)));
    let key = env.identity.clone().unwrap();
    let moved = env.tmp.path().join("elsewhere.txt");
    std::fs::rename(&key, &moved).unwrap();
    let before = env.snapshot();
    for args in [&["list"][..], &["use", "github"]] {
        let out = env.run(args, "");
        assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
        assert!(stderr(&out).contains("cannot use the identity"));
        assert!(stderr(&out).contains("BCODE_IDENTITY"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    // BCODE_IDENTITY is the way in meanwhile.
    let out = env
        .cmd()
        .args(["list"])
        .env("BCODE_IDENTITY", &moved)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(env.snapshot(), before);
}

#[test]
fn passphrase_vaults_wrong_three_times_missing_identity_and_doctor() {
    let env = TestEnv::with_passphrase();
    let codes = github_codes(1500, 16);
    env.add("github", &github_file(&codes));
    let before = env.snapshot();
    let wrong = env.tmp.path().join("wrong");
    std::fs::write(&wrong, "Tr0ub4dor&3-not-it\n").unwrap();
    for attempt in 1..=3 {
        let out = env
            .cmd()
            .args(["use", "github"])
            .env("BCODE_PASSPHRASE_FILE", &wrong)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "attempt {attempt}");
        assert!(stderr(&out).contains("wrong passphrase"));
        assert!(stderr(&out).contains("nothing was changed"));
        assert!(!stderr(&out).contains("Tr0ub4dor"));
        assert!(out.stdout.is_empty());
        assert_eq!(env.snapshot(), before, "attempt {attempt} changed a file");
    }
    // Three wrong tries lock nothing out: the right passphrase still opens it.
    assert_eq!(env.use_code("github"), codes[0]);

    // Doctor with the passphrase: all well.
    let out = env.run(&["doctor"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    // identity.age gone: a clear message, exit 4, and doctor says so.
    let sealed = env.file("identity.age");
    let kept = env.tmp.path().join("identity.age.kept");
    std::fs::rename(&sealed, &kept).unwrap();
    let out = env.run(&["use", "github"], "");
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
    assert!(stderr(&out).contains("BCODE_IDENTITY"));
    let out = env.run(&["doctor"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("problem  identity"),
        "{}",
        stdout(&out)
    );
    std::fs::rename(&kept, &sealed).unwrap();
}

#[test]
fn a_symlinked_folder_works_and_a_symlinked_vault_file_is_not_broken() {
    let env = TestEnv::with_identity();
    private(env.identity.as_ref().unwrap());
    let codes = github_codes(1600, 16);
    env.add("github", &github_file(&codes));
    // The folder reached through a symlink: works, writes land in the real folder.
    let link = env.tmp.path().join("link");
    std::os::unix::fs::symlink(&env.dir, &link).unwrap();
    let out = env
        .cmd()
        .args(["use", "github"])
        .env("BCODE_DIR", &link)
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), codes[0], "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(env.unused("github").len(), 15);
    let out = env
        .cmd()
        .arg("doctor")
        .env("BCODE_DIR", &link)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("is a symlink to"), "{}", stdout(&out));

    // vault.age itself a symlink (into a synced folder, say): a change would replace
    // the link with a file; it is refused and the link kept.
    let real = env.tmp.path().join("synced-vault.age");
    std::fs::rename(env.file("vault.age"), &real).unwrap();
    std::os::unix::fs::symlink(&real, env.file("vault.age")).unwrap();
    let real_before = std::fs::read(&real).unwrap();
    let out = env.run(&["use", "github"], "");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        std::fs::symlink_metadata(env.file("vault.age"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), real_before);
    assert_eq!(env.unused("github").len(), 15, "reading through it works");
    let out = env.run(&["doctor"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("is a symlink; bcode replaces"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_lost_vault_file_is_brought_back_from_the_backups_not_reinitialised() {
    let env = TestEnv::with_identity();
    let codes = github_codes(1700, 16);
    env.add("github", &github_file(&codes));
    env.use_code("github");
    std::fs::remove_file(env.file("vault.age")).unwrap();
    let out = env.run(&["use", "github"], "");
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(stderr(&out).contains("missing"), "{}", stderr(&out));
    assert!(stderr(&out).contains("bcode restore"), "{}", stderr(&out));
    // init would make a new key and bury the backups: refused.
    let key = env.write_identity("new.txt");
    let before = env.snapshot();
    let out = env.run(&["init", "--identity", key.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("bcode restore 1"), "{}", stderr(&out));
    assert_eq!(env.snapshot(), before);
    let out = env.run(&["doctor"], "");
    assert!(stdout(&out).contains("problem  vault"), "{}", stdout(&out));
    // restore works without vault.age: the state after the last change... minus it
    // (backup 1 is the vault before the last change).
    env.cmd().args(["restore", "1"]).assert().success();
    assert_eq!(env.unused("github").len(), 16);
}

#[test]
fn every_change_keeps_the_previous_vault_ten_generations_deep() {
    let env = TestEnv::with_identity();
    let codes = github_codes(1800, 16);
    env.add("github", &github_file(&codes));
    let mut states = vec![summary(&env.load_vault())];
    for i in 0..13 {
        match i % 3 {
            0 | 1 => {
                env.use_code("github");
            }
            _ => {
                env.cmd()
                    .args(["set", "github", "--note", &format!("change {i}")])
                    .assert()
                    .success();
            }
        }
        states.push(summary(&env.load_vault()));
        // After every change the newest backup is the vault before it.
        let newest = env.backup_files().pop().unwrap();
        let b = env.load_backup(&newest).unwrap();
        assert_eq!(summary(&b), states[states.len() - 2]);
    }
    // Ten kept, each one generation older than the next.
    let files = env.backup_files();
    assert_eq!(files.len(), 10);
    let notes: Vec<_> = files
        .iter()
        .map(|f| {
            let v = env.load_backup(f).unwrap();
            v.services.values().next().unwrap().note.clone()
        })
        .collect();
    for (k, f) in files.iter().enumerate() {
        // files[9] is the state before the last change: states[12], and so on back.
        let v = env.load_backup(f).unwrap();
        assert_eq!(summary(&v), states[3 + k], "backup {}", 10 - k);
    }
    assert!(notes.iter().any(|n| n.is_some()));

    // `restore` lists them newest first; restoring is itself undoable.
    let out = env.run(&["restore"], "");
    let list = stdout(&out);
    assert_eq!(list.lines().count(), 10);
    assert!(list.lines().next().unwrap().starts_with(" 1  vault-"));
    let current = summary(&env.load_vault());
    env.cmd().args(["restore", "4"]).assert().success();
    assert_eq!(summary(&env.load_vault()), states[13 - 4]);
    env.cmd().args(["restore", "1"]).assert().success();
    assert_eq!(
        summary(&env.load_vault()),
        current,
        "a restore is undone by restore 1"
    );
    // By file name too.
    let name = env.backup_files()[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let oldest = summary(&env.load_backup(&env.backup_files()[0]).unwrap());
    env.cmd().args(["restore", &name]).assert().success();
    assert_eq!(summary(&env.load_vault()), oldest);
    // A damaged backup is refused and nothing changes.
    let newest = env.backup_files().pop().unwrap();
    std::fs::write(&newest, b"garbage").unwrap();
    let before = env.vault_bytes();
    let out = env.run(&["restore", "1"], "");
    assert_eq!(out.status.code(), Some(5));
    assert_eq!(env.vault_bytes(), before);
    let out = env.run(&["restore", "0"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("list them with: bcode restore"));
}

#[test]
fn doctor_passes_a_healthy_folder_and_names_each_problem() {
    let env = TestEnv::with_identity();
    // TestEnv writes the key with the umask's mode; doctor would (rightly) flag it.
    private(env.identity.as_ref().unwrap());
    env.add("github", &github_file(&github_codes(1900, 16)));
    env.use_code("github");
    let out = env.run(&["doctor"], "");
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{report}{}", stderr(&out));
    for check in [
        "folder",
        "files",
        "lock",
        "temp files",
        "config",
        "recipients",
        "identity",
        "vault",
        "backups",
    ] {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("ok ") && l[9..].starts_with(check)),
            "no ok line for {check}: {report}"
        );
    }
    assert!(!report.contains("problem"));

    use std::os::unix::fs::PermissionsExt;
    let set_mode =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    let problem = |what: &str, says: &str| {
        let before = env.snapshot();
        let out = env.run(&["doctor"], "");
        let report = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{what}: {report}");
        let line = report
            .lines()
            .find(|l| l.starts_with("problem") && l.contains(says))
            .unwrap_or_else(|| panic!("{what}: no problem line with '{says}': {report}"));
        assert!(
            line.contains("fix")
                || line.contains("bcode")
                || line.contains("BCODE_")
                || line.contains("rm ")
                || line.contains("age-keygen"),
            "{what}: no advice: {line}"
        );
        assert_eq!(env.snapshot(), before, "doctor changed a file");
    };

    set_mode(&env.dir, 0o755);
    problem("open folder", "chmod 700");
    set_mode(&env.dir, 0o700);

    set_mode(&env.file("vault.age"), 0o644);
    problem("readable vault", "chmod 600");
    set_mode(&env.file("vault.age"), 0o600);

    std::fs::write(env.file(".tmp-abc123"), b"x").unwrap();
    set_mode(&env.file(".tmp-abc123"), 0o600);
    problem("stale temp file", "interrupted command");
    std::fs::remove_file(env.file(".tmp-abc123")).unwrap();

    let b = env.backup_files()[0].clone();
    let kept = std::fs::read(&b).unwrap();
    std::fs::write(&b, b"").unwrap();
    problem("empty backup", "does not open");
    std::fs::write(&b, kept).unwrap();

    let rec = std::fs::read(env.file("recipients")).unwrap();
    let other = age::x25519::Identity::generate().to_public().to_string();
    std::fs::write(env.file("recipients"), format!("{other}\n")).unwrap();
    problem("foreign recipients", "lock you out");
    std::fs::write(env.file("recipients"), b"garbage\n").unwrap();
    problem("bad recipients", "age-keygen -y");
    std::fs::write(env.file("recipients"), rec).unwrap();

    let good = env.vault_bytes();
    std::fs::write(env.file("vault.age"), &good[..good.len() - 10]).unwrap();
    problem("damaged vault", "bcode restore");
    std::fs::write(env.file("vault.age"), &good).unwrap();

    let key = env.identity.clone().unwrap();
    set_mode(&key, 0o644);
    problem("readable identity", "chmod 600");
    std::fs::rename(&key, env.tmp.path().join("gone")).unwrap();
    problem("missing identity", "cannot use the identity");
    std::fs::rename(env.tmp.path().join("gone"), &key).unwrap();
    set_mode(&key, 0o600);

    // While another command holds the lock, doctor still reports (and waits for nothing).
    let lock = std::fs::File::open(env.file("lock")).unwrap();
    lock.lock().unwrap();
    let out = env.run(&["doctor"], "");
    assert!(
        stdout(&out).contains("held by a running bcode command"),
        "{}",
        stdout(&out)
    );
    drop(lock);

    let out = env.run(&["doctor"], "");
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // No folder at all.
    let empty = TestEnv::empty();
    let out = empty.run(&["doctor"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("bcode init"), "{}", stdout(&out));
    assert!(!empty.dir.exists(), "doctor creates nothing");
}
