//! The golden corpus of `apigen diff`: `diff/NAME/old.yaml` and `diff/NAME/new.yaml` differ by one change (the
//! directory names it), and `diff/NAME/report.txt` is the report the comparison must print, `report.json` its
//! JSON. Refresh them with `UPDATE_EXPECT=1 cargo test -p apigen --test diff` and review the diff.

use apigen::diff::{self, policy, report, rules::Party};
use std::path::Path;

fn pairs() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .expect("the corpus directory exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("old.yaml").exists())
        .collect();
    out.sort();
    out
}

fn lower(path: &Path, display: &str) -> apigen::ir::Api {
    let source = apigen::read_spec(path).expect("corpus specs are UTF-8");
    match apigen::lower_source(display, &source, false) {
        Ok(api) => api,
        Err(e) => panic!("{display} is not a valid spec:\n{e}"),
    }
}

#[test]
fn every_pair_gives_its_report() {
    let pairs = pairs();
    assert!(pairs.len() >= 40, "the corpus shrank: {}", pairs.len());
    let fail_on = [Party::OldClients, Party::ClientCode];
    for dir in pairs {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let (old_name, new_name) = (format!("{name}/old.yaml"), format!("{name}/new.yaml"));
        let old = lower(&dir.join("old.yaml"), &old_name);
        let new = lower(&dir.join("new.yaml"), &new_name);
        let mut changes = diff::diff(&old, &new);
        policy::accept(&mut changes, &[], "", (&old.version, &new.version));
        let failing = policy::failing(&changes, &fail_on).len();
        let files = report::Files {
            old: &old_name,
            new: &new_name,
        };
        // A pair named for a rule must show that rule (the one pair without a change says so).
        if name == "reformatted-no-change" {
            assert!(changes.is_empty(), "{name}: {changes:?}");
        } else {
            let stem = name
                .trim_end_matches("-after-deprecation")
                .trim_end_matches("-strict-model")
                .trim_end_matches("-undeclared")
                .trim_end_matches("-relied-on");
            let ids: Vec<&str> = changes.iter().map(|c| c.rule.rule().id).collect();
            assert!(!changes.is_empty(), "{name}: no change found");
            assert!(
                ids.iter().any(|id| stem.contains(id) || id.contains(stem))
                    || KNOWN_NAMES
                        .iter()
                        .any(|(pair, rule)| *pair == name && ids.contains(rule)),
                "{name}: the rule it is named for is not among {ids:?}"
            );
        }
        let text = report::text(&changes, files, &fail_on, failing, false);
        expect_test::expect_file![dir.join("report.txt")].assert_eq(&text);
        let json = report::json(&changes, files, failing);
        expect_test::expect_file![dir.join("report.json")].assert_eq(&json);
    }
}

/// Pairs whose name says the change in the spec's words rather than the rule's.
const KNOWN_NAMES: &[(&str, &str)] = &[
    ("page-max-limit-lowered", "request-constraint-tightened"),
    ("model-replaced-by-an-earlier-model", "type-replaced"),
    ("file-field-became-a-list", "request-type-widened"),
    ("field-removed", "response-field-removed"),
    ("field-removed-strict-model", "request-field-removed"),
    ("required-field-added", "request-field-added"),
    ("field-rust-name-changed", "rust-name-changed"),
    ("enum-value-rust-name-changed", "rust-name-changed"),
    ("field-became-read-only", "request-field-became-read-only"),
    (
        "field-became-write-only",
        "response-field-became-write-only",
    ),
    ("field-required-on-create", "request-field-became-required"),
    (
        "field-no-longer-required-on-create",
        "request-field-became-optional",
    ),
    (
        "field-became-non-nullable",
        "request-field-became-non-nullable",
    ),
    ("field-type-changed", "request-type-changed"),
    ("field-type-widened", "request-type-widened"),
    ("constraint-tightened", "request-constraint-tightened"),
    ("constraint-loosened", "request-constraint-loosened"),
    ("pattern-added", "pattern-changed"),
    ("default-removed", "default-changed"),
    ("closed-enum-value-added", "response-enum-value-added"),
    ("open-enum-value-added", "response-enum-value-added"),
    ("enum-value-removed", "request-enum-value-removed"),
    ("integer-enum-value-added", "response-enum-value-added"),
    ("union-variant-added", "response-union-variant-added"),
    ("union-variant-removed", "request-union-variant-removed"),
    ("inline-variant-field-added", "request-field-added"),
    ("model-renamed", "type-renamed"),
    ("model-replaced", "type-replaced"),
    ("path-param-type-changed", "request-type-changed"),
    ("scope-replaced-by-implying", "scope-added"),
    ("response-body-removed", "response-body-removed"),
    ("unknown-fields-rejected", "unknown-fields-rejected"),
    ("version-major-bump", "operation-removed"),
    ("implied-scope-removed", "implied-scope-removed"),
    ("required-api-header-added", "required-request-header-added"),
    ("api-header-removed", "request-header-removed"),
    ("api-header-added", "request-header-added"),
    ("binary-field-became-string", "request-type-changed"),
    ("events-data-field-added", "response-field-added"),
    ("status-code-became-default", "status-code-became-range"),
];

#[test]
fn a_major_version_bump_accepts_the_breaks_and_an_allow_file_names_them() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff/operation-removed");
    let old = lower(&dir.join("old.yaml"), "old.yaml");
    let new = lower(&dir.join("new.yaml"), "new.yaml");
    let fail_on = [Party::OldClients, Party::ClientCode];
    let mut changes = diff::diff(&old, &new);
    assert_eq!(policy::failing(&changes, &fail_on).len(), 1);
    let allow = policy::parse_allow("operation-removed todos.del*\n", "allow.txt").unwrap();
    let unused = policy::accept(&mut changes, &allow, "allow.txt", ("1.0.0", "1.1.0"));
    assert!(unused.is_empty());
    assert_eq!(changes[0].accepted.as_deref(), Some("allow.txt:1"));
    assert!(policy::failing(&changes, &fail_on).is_empty());
    // Another subject does not match; a minor bump accepts nothing, a major one everything.
    let mut changes = diff::diff(&old, &new);
    let other = policy::parse_allow("operation-removed todos.list\n", "allow.txt").unwrap();
    assert_eq!(
        policy::accept(&mut changes, &other, "allow.txt", ("1.0.0", "1.1.0")).len(),
        1
    );
    assert_eq!(policy::failing(&changes, &fail_on).len(), 1);
    let mut changes = diff::diff(&old, &new);
    policy::accept(&mut changes, &[], "", ("1.0.0", "2.0.0"));
    assert!(policy::failing(&changes, &fail_on).is_empty());
}

#[test]
fn the_readme_rule_table_is_the_rules_table() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("README.md is readable");
    let table = report::rule_table();
    assert!(
        readme.contains(&table),
        "README.md's rule table differs from generator/src/diff/rules.rs; paste this in:\n{table}"
    );
}

#[test]
fn every_rule_has_a_pair_whose_report_names_it() {
    let reports: Vec<String> = pairs()
        .iter()
        .map(|p| std::fs::read_to_string(p.join("report.json")).expect("each pair has report.json"))
        .collect();
    let missing: Vec<&str> = apigen::diff::rules::RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| {
            let needle = format!("\"rule\": \"{id}\"");
            !reports.iter().any(|r| r.contains(&needle))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "rules no expected report of the corpus names (add a pair for each): {missing:?}"
    );
}
