//! Bounded property tests: arbitrary input never panics the generator, and every spec that validates generates code
//! that compiles. (The unbounded version is the fuzz target in `fuzz/`.)

use apigen::{emit, Error, Options};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use std::fmt::Write as _;
use std::path::Path;

mod common;

fn options(client: bool, server: bool) -> Options {
    Options {
        spec_display: "prop.yaml".into(),
        regenerate: "test".into(),
        client,
        server,
        standalone: true,
        // The specs are assembled into modules of one crate (as `Builder::compile` does), which has no resource
        // features of its own.
        resource_features: false,
        // The batch crate lives in a temporary directory: it reaches this workspace's runtime by an absolute path.
        runtime: apigen::Runtime::Path(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../runtime")
                .display()
                .to_string(),
        ),
    }
}

const KITCHEN_SINK: &str = include_str!("fixtures/ok/kitchen_sink.yaml");

/// Runs the whole pure pipeline; the property is only that it returns (any `Result`) instead of panicking.
fn run(text: &str) {
    let result = apigen::generate("prop.yaml", text, &options(true, true), false);
    if let Err(Error::Internal(e)) = result {
        panic!("internal error on input {text:?}: {e}");
    }
}

proptest! {
    // A fixed seed: CI runs the same cases every time (a red build is reproducible); exploring is the fuzzer's job.
    #![proptest_config(Config { cases: 256, failure_persistence: None, rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed), ..Config::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
        run(&text);
    }

    #[test]
    fn yaml_shaped_noise_never_panics(lines in prop::collection::vec("[ a-z_{}<>:\\[\\],&*!|\\-\"'#0-9]{0,30}", 0..30)) {
        run(&lines.join("\n"));
    }

    #[test]
    fn mutated_valid_specs_never_panic(edits in prop::collection::vec((0usize..KITCHEN_SINK.len(), 0u8..4, "[ -~\\n]{0,8}"), 1..6)) {
        let mut text = KITCHEN_SINK.to_owned();
        for (at, kind, insert) in edits {
            let at = (0..=at.min(text.len())).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            match kind {
                0 => text.insert_str(at, &insert),
                1 => { let end = (at + insert.len()).min(text.len()); if text.is_char_boundary(end) { text.replace_range(at..end, ""); } }
                2 => { let end = (at + insert.len()).min(text.len()); if text.is_char_boundary(end) { text.replace_range(at..end, &insert); } }
                _ => { let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1); text.insert_str(line_start, "  "); }
            }
        }
        run(&text);
    }
}

/// Names that stress the identifier rules.
const NAMES: &[&str] = &[
    "item",
    "type",
    "self",
    "Self",
    "crate",
    "async",
    "match",
    "1st",
    "a-b",
    "a.b",
    "with space",
    "camelCase",
    "camel_case",
    "HTTPServer",
    "naïve",
    "名前",
    "r#raw",
    "_",
    "x",
];

fn name(i: usize) -> &'static str {
    NAMES[i % NAMES.len()]
}

/// A random spec that is valid by construction (names made unique after conversion).
fn random_spec() -> impl Strategy<Value = String> {
    let field = (
        0usize..100,
        0usize..14,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let model = prop::collection::vec(field, 0..7);
    let op = (0usize..4, 0usize..5, any::<bool>());
    (prop::collection::vec(model, 1..4), prop::collection::vec(0usize..100, 0..5), any::<bool>(), prop::collection::vec(op, 1..5), 0usize..100)
        .prop_map(|(models, enum_values, enum_open, ops, seed)| {
            let mut s = String::from("api:\n  name: prop\n  title: Prop\n  version: 1.0.0\n  server: http://127.0.0.1:1\n  auth: {scheme: bearer, wildcard_scope: \"*\"}\n");
            s.push_str("pagination:\n  pages: {style: page_number}\n  offsets: {style: limit_offset}\n");
            s.push_str("errors:\n  models: [Problem]\n  unauthenticated: {status: 401, model: Problem, body: {detail: a}}\n  invalid_credentials: {status: 401, model: Problem, body: {detail: b}}\n  missing_scope: {status: 403, model: Problem, body: {detail: \"{scope}\"}}\n  validation: {status: 400, model: Problem, body: {detail: \"{detail}\"}}\n  not_found: {status: 404, model: Problem, body: {detail: c}}\n");
            s.push_str("models:\n  Problem: {fields: {detail: string}}\n");
            let mut values = Vec::new();
            for v in &enum_values {
                if !values.contains(&name(*v)) {
                    values.push(name(*v));
                }
            }
            if values.is_empty() {
                values.push("only");
            }
            let _ = writeln!(s, "  Choice:\n    open: {enum_open}\n    enum: [{}]", values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(", "));
            let model_names: Vec<String> = (0..models.len()).map(|i| format!("M{i}{}", ["", "Self", "type", "1st"][(seed + i) % 4].replace("1st", "First"))).collect();
            for (i, fields) in models.iter().enumerate() {
                let _ = writeln!(s, "  {}:\n    fields:", model_names[i]);
                let mut seen: Vec<String> = Vec::new();
                for (n, ty, nullable, optional, ro, wo) in fields {
                    let field_name = name(*n);
                    let rust = apigen::ident::value_name(field_name);
                    if seen.contains(&rust) {
                        continue;
                    }
                    seen.push(rust);
                    let other = &model_names[(i + 1) % model_names.len()];
                    let ty = match ty {
                        0 => "string".to_owned(),
                        1 => "integer".to_owned(),
                        2 => "number".to_owned(),
                        3 => "boolean".to_owned(),
                        4 => "uuid".to_owned(),
                        5 => "datetime".to_owned(),
                        6 => "date".to_owned(),
                        7 => "json".to_owned(),
                        8 => "list<string>".to_owned(),
                        9 => "map<list<integer>>".to_owned(),
                        10 => "Choice".to_owned(),
                        11 => format!("list<{other}>"),
                        12 => other.clone(),
                        _ => model_names[i].clone(),
                    };
                    // A direct reference to a model may close a cycle; keeping it nullable keeps it representable.
                    let nullable = *nullable || !ty.contains('<') && model_names.contains(&ty);
                    let _ = writeln!(s, "      {field_name:?}: {{type: {ty:?}, nullable: {nullable}, optional: {optional}, read_only: {}, write_only: {}}}", ro & !wo, *wo);
                }
            }
            s.push_str("resources:\n  things:\n    path: /things\n    operations:\n");
            for (i, (method, shape, scoped)) in ops.iter().enumerate() {
                let model = &model_names[i % model_names.len()];
                let scopes = if *scoped { "[\"thing:write\"]" } else { "[]" };
                let _ = write!(s, "      op{i}:\n        summary: Op {i}.\n        scopes: {scopes}\n        path: /p{i}/{{id}}/\n        params: {{id: {}}}\n", ["uuid", "string", "integer", "Choice"][i % 4]);
                match (method, shape) {
                    (0, 0) => { let _ = writeln!(s, "        method: GET\n        pagination: pages\n        responses: {{200: page<{model}>, 404: Problem}}"); }
                    (0, 1) => { let _ = writeln!(s, "        method: GET\n        pagination: offsets\n        query: {{q: string, flag: boolean}}\n        responses: {{200: page<{model}>}}"); }
                    (0, _) => { let _ = writeln!(s, "        method: GET\n        query: {{when: datetime, choice: Choice}}\n        responses: {{200: {model}, 404: Problem}}"); }
                    (1, _) => { let _ = writeln!(s, "        method: POST\n        body: create<{model}>\n        responses: {{201: {model}, 200: {model}, 400: Problem}}"); }
                    (2, _) => { let _ = writeln!(s, "        method: PATCH\n        body: patch<{model}>\n        responses: {{200: {model}}}"); }
                    _ => { let _ = writeln!(s, "        method: DELETE\n        responses: {{204: none}}"); }
                }
            }
            s
        })
}

#[test]
fn random_valid_specs_generate_crates_that_compile() {
    // A fixed seed keeps the run reproducible; the specs vary widely within it.
    let mut runner = TestRunner::deterministic();
    let strategy = random_spec();
    let mut modules = String::new();
    let count = 12;
    for i in 0..count {
        let text = strategy
            .new_tree(&mut runner)
            .expect("strategy yields a value")
            .current();
        let files = match apigen::generate("prop.yaml", &text, &options(true, true), false) {
            Ok(files) => files,
            Err(e) => panic!("a spec valid by construction was refused:\n{text}\n{e}"),
        };
        let module = emit::module::assemble(&files, "prop").expect("assembles");
        let _ = writeln!(
            modules,
            "#[allow(missing_docs, dead_code)]\npub mod spec{i} {{\n{module}\n}}"
        );
    }
    // One crate holds every generated module, so one cargo build checks them all.
    let dir = tempfile::tempdir().unwrap();
    // The kitchen-sink spec uses every type, so its Cargo.toml carries every dependency a generated module may need.
    let sink = apigen::generate(
        "kitchen_sink.yaml",
        KITCHEN_SINK,
        &options(true, true),
        false,
    )
    .unwrap();
    let cargo_toml = sink
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .expect("a Cargo.toml")
        .contents
        .replace("name = \"kitchen-sink\"", "name = \"prop-batch\"");
    std::fs::write(dir.path().join("Cargo.toml"), cargo_toml).unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), modules).unwrap();
    common::build(dir.path(), &["--all-features"]);
}

/// Inputs the fuzzer found crashing once, kept as regression tests.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        run(&String::from_utf8_lossy(&bytes));
        count += 1;
    }
    assert!(count > 0);
}
