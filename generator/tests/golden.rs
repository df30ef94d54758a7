//! Golden tests: each spec in `fixtures/ok/` generates a whole crate into `golden/NAME/`, a member of the
//! workspace (so clippy and rustdoc see it too); the test compares it with what the generator gives now and then
//! compiles it, every feature on, with warnings denied. Refresh with
//! `UPDATE_EXPECT=1 cargo test -p apigen --test golden` and review the diff.

mod common;

use apigen::{write, Options};
use std::path::Path;

#[test]
fn goldens_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut specs: Vec<_> = std::fs::read_dir(root.join("tests/fixtures/ok"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    specs.sort();
    assert!(!specs.is_empty());
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut stale = Vec::new();
    let mut packages = Vec::new();
    for spec in specs {
        let stem = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let display = format!("generator/tests/fixtures/ok/{stem}.yaml");
        let opts = Options {
            spec_display: display.clone(),
            regenerate: "UPDATE_EXPECT=1 cargo test -p apigen --test golden".into(),
            client: true,
            server: true,
            standalone: false,
            resource_features: true,
            // Goldens are members of this workspace and build on its runtime crate.
            runtime: apigen::Runtime::Path("../../../../runtime".into()),
        };
        let source = apigen::read_spec(&spec).unwrap();
        let files = apigen::generate(&display, &source, &opts, false)
            .unwrap_or_else(|e| panic!("{display}: {e}"));
        let again = apigen::generate(&display, &source, &opts, false).unwrap();
        assert_eq!(files, again, "{display}: generation is not deterministic");
        let out = root.join("tests/golden").join(&stem);
        let api = apigen::lower_source(&display, &source, false).unwrap();
        let first = api.resources.first().map(|r| r.feature.clone());
        packages.push((api.package_name, first));
        if update {
            write::write(&out, &files).unwrap();
        } else {
            let report = write::check(&out, &files).unwrap();
            for (path, _, _) in &report.changed {
                stale.push(format!("{stem}/{path} differs"));
            }
            for path in &report.stale {
                stale.push(format!("{stem}/{path} is no longer generated"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "goldens are stale (run `UPDATE_EXPECT=1 cargo test -p apigen --test golden`):\n{}",
        stale.join("\n")
    );
    // A golden that does not build is worthless: compile each, as the workspace member it is.
    for (package, first_resource) in &packages {
        let workspace = root.join("..");
        common::build(&workspace, &["-p", package, "--all-features", "--locked"]);
        // Per-resource features: the server with none of them, the client with one.
        common::build(
            &workspace,
            &[
                "-p",
                package,
                "--no-default-features",
                "--features",
                "server",
                "--locked",
            ],
        );
        if let Some(feature) = first_resource {
            let features = format!("client,{feature}");
            common::build(
                &workspace,
                &[
                    "-p",
                    package,
                    "--no-default-features",
                    "--features",
                    &features,
                    "--locked",
                ],
            );
        }
    }
}
