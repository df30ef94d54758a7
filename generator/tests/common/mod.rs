//! Shared by the tests that build generated crates with cargo (`cli.rs`, `property.rs`).

use std::path::Path;
use std::process::Command;

/// Builds the crate in `dir` with no warnings allowed, offline (every dependency is in this workspace's lockfile, so
/// the registry cache has it). Every such build shares one target directory, so with the same dependencies and flags
/// the dependencies compile once.
pub fn build(dir: &Path, args: &[&str]) {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/generated-crates");
    let build = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--offline"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "the generated code in {} does not compile:\n{}",
        dir.display(),
        String::from_utf8_lossy(&build.stderr)
    );
}
