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
        resource_features: true,
        runtime: apigen::Runtime::Vendored,
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
    assert!(names.len() >= 30, "the fixture catalogue shrank");
    for path in names {
        let display = format!(
            "fixtures/broken/{}",
            path.file_name().unwrap().to_string_lossy()
        );
        let source = match apigen::read_spec(&path) {
            Ok(source) => source,
            Err(e) => {
                // Unreadable input (not UTF-8) has no diagnostics to render, only the error itself.
                let text = e.to_string().replace(&path.display().to_string(), &display) + "\n";
                expect_test::expect_file![path.with_extension("stderr")].assert_eq(&text);
                continue;
            }
        };
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
        Err(
            e @ Error::NotUtf8 {
                offset: 17,
                line: 2,
                col: 13,
                ..
            },
        ) => assert!(e.to_string().contains("not UTF-8")),
        other => panic!("expected NotUtf8, got {other:?}"),
    }
}

#[test]
fn a_very_large_spec_is_checked_whole() {
    // 2,000 resources of 3 operations each, with one mistake near the end: it is found, at its line.
    let mut spec = String::from(
        "api: {name: big, title: Big, version: 1.0.0, server: \"https://big.example.com\"}\nerrors:\n  models: [Problem]\n  validation: {status: 400, model: Problem, body: {detail: x}}\n  not_found: {status: 404, model: Problem, body: {detail: x}}\nmodels:\n  Problem: {fields: {detail: string}}\nresources:\n",
    );
    for i in 0..2000 {
        let ty = if i == 1999 { "Problm" } else { "Problem" };
        spec.push_str(&format!(
            "  r{i}:\n    path: /r{i}\n    operations:\n      list: {{method: GET, summary: L., responses: {{200: list<Problem>}}}}\n      get: {{method: GET, path: \"/{{id}}\", summary: G., params: {{id: uuid}}, responses: {{200: {ty}}}}}\n      delete: {{method: DELETE, path: \"/{{id}}\", summary: D., params: {{id: uuid}}, responses: {{204: none}}}}\n"
        ));
    }
    let expected_line = spec.lines().position(|l| l.contains("Problm")).unwrap() + 1;
    match apigen::generate("big.yaml", &spec, &options(), false) {
        Err(Error::Spec { diagnostics, .. }) => {
            assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
            assert_eq!(diagnostics[0].span.line, expected_line);
            assert_eq!(
                diagnostics[0].hint.as_deref(),
                Some("did you mean `Problem`?")
            );
        }
        other => panic!("expected one diagnostic, got {:?}", other.map(|f| f.len())),
    }
}
