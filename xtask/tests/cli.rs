//! The `cargo xtask codegen` command as a user runs it: exit codes, messages, and what it writes.

use std::path::Path;
use std::process::Command;

fn xtask(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("xtask runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generator/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn a_broken_spec_exits_1_names_the_position_and_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("crate");
    let result = xtask(&[
        "codegen",
        "--spec",
        &fixture("broken/unknown_type.yaml"),
        "--out",
        target.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(stderr.contains("unknown_type.yaml:17:13"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "NO_COLOR is respected");
    assert!(!target.exists(), "a failed run wrote files");
}

#[test]
fn a_custom_spec_generates_a_standalone_crate_and_check_agrees() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("sink");
    let dir = target.to_str().unwrap();
    let spec = fixture("ok/kitchen_sink.yaml");
    let first = xtask(&["codegen", "--spec", &spec, "--out", dir]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let cargo_toml = std::fs::read_to_string(target.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains("[workspace]"),
        "a crate generated elsewhere builds on its own"
    );
    let check = xtask(&["codegen", "--check", "--spec", &spec, "--out", dir]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let again = xtask(&["codegen", "--spec", &spec, "--out", dir]);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("0 written"),
        "an unchanged run rewrites nothing"
    );

    std::fs::write(target.join("src/models.rs"), "// edited by hand\n").unwrap();
    let stale = xtask(&["codegen", "--check", "--spec", &spec, "--out", dir]);
    assert_eq!(stale.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("differs") && stderr.contains("cargo xtask codegen --spec"),
        "{stderr}"
    );
}

#[test]
fn out_pointing_at_a_file_is_a_clear_error() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let result = xtask(&[
        "codegen",
        "--spec",
        &fixture("ok/kitchen_sink.yaml"),
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("not a directory"));
}
