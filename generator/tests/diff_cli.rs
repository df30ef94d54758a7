//! `apigen diff` as a command: exit codes, formats, `--against` on a git repository of its own, spec errors printed
//! as the generator prints them, and the generation flags still working beside the subcommand.

use std::path::Path;
use std::process::{Command, Output};

fn apigen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("apigen runs")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn corpus(pair: &str, side: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/diff/{pair}/{side}.yaml"));
    std::fs::read_to_string(path).expect("corpus file")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn against_head_of_an_unchanged_checkout_reports_nothing_and_a_break_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("spec")).unwrap();
    std::fs::write(
        dir.join("spec/api.yaml"),
        corpus("operation-removed", "old"),
    )
    .unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "v1"]);
    let same = apigen(dir, &["diff", "spec/api.yaml", "--against", "HEAD"]);
    assert_eq!(same.status.code(), Some(0), "{}", text(&same));
    assert!(
        text(&same).contains("HEAD:spec/api.yaml → spec/api.yaml: no changes"),
        "{}",
        text(&same)
    );
    // From a subdirectory too: git runs where the file is.
    let sub = apigen(
        &dir.join("spec"),
        &["diff", "api.yaml", "--against", "HEAD"],
    );
    assert_eq!(sub.status.code(), Some(0), "{}", text(&sub));

    std::fs::write(
        dir.join("spec/api.yaml"),
        corpus("operation-removed", "new"),
    )
    .unwrap();
    let broke = apigen(dir, &["diff", "spec/api.yaml", "--against", "HEAD"]);
    assert_eq!(broke.status.code(), Some(1), "{}", text(&broke));
    assert!(
        text(&broke).contains("error[operation-removed]"),
        "{}",
        text(&broke)
    );
    // Only old clients' and client code's breaks fail by default; --fail-on chooses.
    let lenient = apigen(
        dir,
        &[
            "diff",
            "spec/api.yaml",
            "--against",
            "HEAD",
            "--fail-on",
            "old-servers",
        ],
    );
    assert_eq!(lenient.status.code(), Some(0), "{}", text(&lenient));
    // An allow file accepts it; an entry matching nothing is named.
    std::fs::write(
        dir.join("allow.txt"),
        "operation-removed todos.delete  # moved to v2\nscope-added x\n",
    )
    .unwrap();
    let allowed = apigen(
        dir,
        &[
            "diff",
            "spec/api.yaml",
            "--against",
            "HEAD",
            "--allow",
            "allow.txt",
        ],
    );
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed));
    assert!(
        text(&allowed).contains("(accepted: allow.txt:1)"),
        "{}",
        text(&allowed)
    );
    assert!(
        text(&allowed).contains("note: allow.txt:2: `scope-added x` matched no change"),
        "{}",
        text(&allowed)
    );
    // An unknown revision is an error of its own.
    let bad_rev = apigen(
        dir,
        &["diff", "spec/api.yaml", "--against", "no-such-branch"],
    );
    assert_eq!(bad_rev.status.code(), Some(2), "{}", text(&bad_rev));
    assert!(
        text(&bad_rev).contains("git show no-such-branch:./api.yaml"),
        "{}",
        text(&bad_rev)
    );
}

#[test]
fn json_and_github_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("old.yaml"),
        corpus("closed-enum-value-added", "old"),
    )
    .unwrap();
    std::fs::write(
        dir.join("new.yaml"),
        corpus("closed-enum-value-added", "new"),
    )
    .unwrap();
    let out = apigen(dir, &["diff", "old.yaml", "new.yaml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let first = &json["changes"][0];
    assert_eq!(first["rule"], "response-enum-value-added");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["old"]["file"], "old.yaml");
    assert_eq!(first["new"]["line"], 51);
    assert_eq!(first["breaks"]["old_clients"], true);
    assert_eq!(first["breaks"]["old_servers"], false);
    assert_eq!(json["failing"], 1);
    let gh = apigen(dir, &["diff", "old.yaml", "new.yaml", "--format", "github"]);
    let gh = String::from_utf8_lossy(&gh.stdout);
    assert!(
        gh.starts_with("::error file=new.yaml,line=51,col=23,title=apigen diff%3A response-enum-value-added::value `urgent`"),
        "{gh}"
    );
    assert!(gh.contains("::warning file=new.yaml"), "{gh}");
}

#[test]
fn spec_errors_and_usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("ok.yaml"), corpus("operation-removed", "old")).unwrap();
    std::fs::write(dir.join("bad.yaml"), "api:\n  titel: x\n").unwrap();
    let bad = apigen(dir, &["diff", "ok.yaml", "bad.yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("--> bad.yaml:2:3"), "{stderr}");
    assert!(stderr.contains("error: unknown key `titel`"), "{stderr}");
    assert!(
        bad.stdout.is_empty(),
        "nothing is reported for a broken spec"
    );
    for args in [
        &["diff", "ok.yaml"][..],
        &["diff", "ok.yaml", "ok.yaml", "--against", "HEAD"],
        &["diff", "ok.yaml", "ok.yaml", "--fail-on", "clients"],
        &["diff", "ok.yaml", "missing.yaml"],
        &["diff", "ok.yaml", "ok.yaml", "--format", "xml"],
    ] {
        let out = apigen(dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    // The generation flags still work without a subcommand, and still require both.
    let gen = apigen(dir, &["--spec", "ok.yaml", "--out", "crate", "--no-server"]);
    assert_eq!(gen.status.code(), Some(0), "{}", text(&gen));
    assert!(dir.join("crate/Cargo.toml").exists());
    let missing = apigen(dir, &["--spec", "ok.yaml"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
}
