//! `bcode print` end to end: the text sheet, the PDF file (0600, dated name), stdout, filters.

mod common;

use std::process::Command;

use common::*;

fn pdftotext(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext is installed (.ci/run installs poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn vault() -> (TestEnv, Vec<String>, Vec<String>) {
    let env = TestEnv::with_identity();
    let gh = github_codes(500, 16);
    let gl = codes_for("gitlab", 501, 10);
    env.add("github", &github_file(&gh));
    env.add("gitlab/work", &github_file(&gl));
    env.use_code("github");
    (env, gh, gl)
}

#[test]
fn text_sheet_on_stdout_lists_every_code_and_marks_used_ones() {
    let (env, gh, gl) = vault();
    let out = env.run(&["print"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for c in gh.iter().chain(&gl) {
        assert!(text.contains(c.as_str()), "{c} missing");
    }
    assert!(text.contains(&format!("[x] {}", gh[0])), "{text}");
    assert!(text.contains(&format!("[ ] {}", gh[1])), "{text}");
    let out = env.run(&["print", "--unused", "gitlab/work"], "");
    let text = stdout(&out);
    assert!(!text.contains(gh[1].as_str()), "only the named service");
    assert!(text.contains(gl[0].as_str()));
}

#[test]
fn pdf_goes_to_a_dated_private_file_with_every_code_as_text() {
    let (env, gh, gl) = vault();
    let work = env.tmp.path().join("out");
    std::fs::create_dir(&work).unwrap();
    let out = env
        .cmd()
        .current_dir(&work)
        .args(["print", "--pdf"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let files: Vec<_> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    let name = files[0].file_name().unwrap().to_str().unwrap().to_string();
    assert!(
        name.starts_with("bcode-backup-codes-20") && name.ends_with(".pdf"),
        "{name}"
    );
    assert!(stderr(&out).contains(&name), "says where: {}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(mode(&files[0]), 0o600);
    let text = pdftotext(&files[0]);
    for c in gh.iter().chain(&gl) {
        assert!(text.contains(c.as_str()), "{c} missing from the PDF text");
    }
    assert!(text.contains("page 1 of 1"));
}

#[test]
fn pdf_to_a_named_file_or_stdout_and_never_to_a_terminal() {
    let (env, gh, _) = vault();
    let path = env.tmp.path().join("sheet.pdf");
    std::fs::write(&path, "old").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    env.cmd()
        .args(["print", "--pdf", "--paper", "letter", "-o"])
        .arg(&path)
        .arg("github")
        .assert()
        .success();
    assert_eq!(mode(&path), 0o600, "an existing file is made private too");
    assert!(pdftotext(&path).contains(gh[5].as_str()));
    let info = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(
        String::from_utf8_lossy(&info.stdout).contains("612 x 792"),
        "letter size"
    );

    let out = env.run(&["print", "--pdf", "-o", "-"], "");
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"%PDF-"));

    // At a terminal, PDF bytes are refused.
    let mut cmd = env.std_cmd();
    cmd.args(["print", "--pdf", "-o", "-"]);
    let mut p = rexpect::session::spawn_command(cmd, Some(30_000)).unwrap();
    p.exp_string("not writing PDF bytes to a terminal").unwrap();
    p.exp_eof().unwrap();

    let out = env.run(&["print", "nosuch"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no service named 'nosuch'"));
}

#[test]
fn a_failed_pdf_write_leaves_no_codes_behind_and_says_where() {
    let (env, _, _) = vault();
    // An unknown service: refused before any file is made.
    let path = env.tmp.path().join("sheet.pdf");
    let out = env.run(
        &["print", "--pdf", "-o", path.to_str().unwrap(), "nosuch"],
        "",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!path.exists(), "no file for a refused print");

    // A device that is always full: the error names it, and the device stays.
    let out = env.run(&["print", "--pdf", "-o", "/dev/full"], "");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("/dev/full"), "{err}");
    assert!(std::path::Path::new("/dev/full").exists());

    // A file that cannot be grown past a few bytes (RLIMIT_FSIZE): the half-written
    // file is removed, an existing one is emptied rather than left with some codes.
    for existing in [false, true] {
        if existing {
            std::fs::write(&path, "old").unwrap();
        }
        let mut cmd = env.std_cmd();
        cmd.args(["print", "--pdf", "-o"]).arg(&path);
        let out = limited_file_size(cmd, 2000);
        assert!(!out.status.success(), "{}", stderr(&out));
        assert!(stderr(&out).contains("sheet.pdf"), "{}", stderr(&out));
        if existing {
            assert_eq!(std::fs::read(&path).unwrap().len(), 0, "emptied");
        } else {
            assert!(!path.exists(), "removed");
        }
    }
}

/// Runs `cmd` with files limited to `bytes` (writing past it fails with EFBIG;
/// SIGXFSZ is ignored so the write returns an error instead of killing the process).
fn limited_file_size(cmd: Command, bytes: u64) -> std::process::Output {
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {}; exec \"$0\" \"$@\"",
            bytes / 512
        ))
        .arg(program)
        .args(args);
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        sh.current_dir(dir);
    }
    sh.output().unwrap()
}
