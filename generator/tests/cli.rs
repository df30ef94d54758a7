//! The `apigen` command as a team outside this repository uses it: usage, exit codes, and a generated crate that
//! builds on its own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn apigen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apigen"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("apigen runs")
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn help_and_usage_errors() {
    let help = apigen(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in ["--spec", "--out", "--check", "--no-client", "--no-server"] {
        assert!(text.contains(flag), "--help lists {flag}");
    }
    assert_eq!(apigen(&["--spec"]).status.code(), Some(2));
    assert_eq!(apigen(&["--bogus"]).status.code(), Some(2));
}

#[test]
fn spec_errors_exit_1_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let result = apigen(&[
        "--spec",
        &fixture("broken/path_params.yaml"),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stderr).contains("path_params.yaml:20:15"));
    assert!(!out.exists());
    let missing = apigen(&[
        "--spec",
        "/nonexistent/spec.yaml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/spec.yaml"));
}

#[test]
fn a_generated_crate_builds_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("todo-client");
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../build-example/todo.yaml");
    let result = apigen(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-client",
        "--no-server",
    ]);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(apigen(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-client",
        "--no-server",
        "--check"
    ])
    .status
    .success());
    // Share a target directory across runs so the dependencies compile once; the crate itself lives in a temp dir.
    let target: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/standalone-crate");
    let build = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "the generated crate does not build:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
}
