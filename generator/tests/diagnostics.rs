//! Broken specs and the diagnostics they must produce, side by side: `fixtures/broken/NAME.yaml` and
//! `fixtures/broken/NAME.stderr`. Refresh the expectations with `UPDATE_EXPECT=1 cargo test -p apigen --test diagnostics`
//! and review the diff.

use apigen::{Error, Options};
use std::path::Path;

fn options() -> Options {
    Options {
        spec_display: "spec.yaml".into(),
        regenerate: "test".into(),
        client: true,
        server: true,
        standalone: false,
    }
}

#[test]
fn every_broken_fixture_gives_its_diagnostics() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 15, "the fixture catalogue shrank");
    for path in names {
        let display = format!(
            "fixtures/broken/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let source = apigen::read_spec(&path).unwrap();
        let rendered = match apigen::generate(&display, &source, &options(), false) {
            Err(Error::Spec {
                rendered,
                diagnostics,
            }) => {
                assert!(!diagnostics.is_empty());
                for d in &diagnostics {
                    assert!(
                        d.hint.is_some(),
                        "{display}: every diagnostic carries a hint: {}",
                        d.message
                    );
                    assert!(
                        d.span.line >= 1 && d.span.col >= 1,
                        "{display}: positions are 1-based"
                    );
                }
                rendered
            }
            Err(other) => panic!("{display}: expected spec diagnostics, got {other}"),
            Ok(_) => panic!("{display}: a broken spec generated code"),
        };
        expect_test::expect_file![path.with_extension("stderr")].assert_eq(&rendered);
    }
}

#[test]
fn not_utf8_is_refused_with_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.yaml");
    std::fs::write(&path, b"api:\n  title: caf\xe9\n").unwrap();
    match apigen::read_spec(&path) {
        Err(e @ Error::NotUtf8 { offset: 17, .. }) => assert!(e.to_string().contains("not UTF-8")),
        other => panic!("expected NotUtf8, got {other:?}"),
    }
}
