//! Hostile input: nesting far past the limits, untagged unions that would retry for ever, huge numbers, and
//! random JSON, query strings and forms (fixed seeds), none of which may panic or exhaust the stack.

use super::*;
use std::time::{Duration, Instant};

/// `[[[…[1]…]]]`, `depth` lists deep, built by hand: `json!` would copy the value it is given, recursively, at
/// every level.
fn nested_lists(depth: usize) -> Value {
    let mut value = json!(1);
    for _ in 0..depth {
        value = Value::Array(vec![value]);
    }
    value
}

/// Drops a deep value one level at a time: serde_json's own drop recurses, and would overflow on what these tests
/// build.
fn dismantle(value: Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items),
            Value::Object(entries) => stack.extend(entries.into_iter().map(|(_, inner)| inner)),
            _ => {}
        }
    }
}

#[test]
fn deep_json_text_is_refused_by_the_parser() {
    let text = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let error = serde_json::from_str::<Value>(&text).expect_err("too deep");
    assert!(error.to_string().contains("recursion limit"), "{error}");
}

#[test]
fn a_hundred_thousand_levels_stop_at_the_depth_limit() {
    let mut value = nested_lists(100_000);
    let result = SCHEMA.check(&mut value, &Type::Named(NESTED), &Rules::NONE);
    dismantle(value);
    let invalid = result.expect_err("too deep");
    assert_eq!(invalid.code, "invalid");
    assert_eq!(
        invalid.detail,
        "Nested too deeply: at most 128 levels of lists and objects are accepted."
    );
    assert_eq!(invalid.attr.len(), MAX_DEPTH);
    assert!(invalid.attr.iter().all(|segment| segment == "0"));

    // Objects too: a tree of children.
    let mut tree = deep_tree(100_000);
    let result = SCHEMA.check(&mut tree, &Type::Named(TREE), &Rules::NONE);
    dismantle(tree);
    assert_eq!(result.map_err(|invalid| invalid.code), Err("invalid"));
}

#[test]
fn json_values_are_not_walked() {
    // A JSON field is accepted as it is, however deep: the walk does not enter it.
    let mut value = json!({"name": "a"});
    if let Value::Object(entries) = &mut value {
        entries.insert("extra".to_owned(), nested_lists(10_000));
    }
    let result = SCHEMA.check(&mut value, &Type::Named(ORDER), &Rules::NONE);
    dismantle(value);
    assert_eq!(result, Ok(()));
}

/// A tree of `levels` nodes, each an object holding a list: twice as many nested containers.
fn deep_tree(levels: usize) -> Value {
    let mut tree = json!({"name": "leaf"});
    for _ in 0..levels {
        let mut node = Map::new();
        node.insert("name".to_owned(), json!("n"));
        node.insert("children".to_owned(), Value::Array(vec![tree]));
        tree = Value::Object(node);
    }
    tree
}

#[test]
fn values_at_the_depth_limit_pass_on_a_small_stack() {
    // serde_json parses at most about 128 nested lists; each level of the Nested union is resolved through a dry
    // run and a filling run. All of it runs on 512 KiB, a quarter of what test threads and tokio's workers get,
    // in a debug build, whose frames are the largest (a release build needs about 100 KiB).
    let handle = std::thread::Builder::new()
        .stack_size(512 << 10)
        .spawn(|| {
            let deepest = (100..200).rev().find_map(|depth| {
                let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
                serde_json::from_str::<Value>(&text)
                    .ok()
                    .map(|value| (depth, value))
            });
            let Some((depth, mut parsed)) = deepest else {
                return Err("serde_json parsed none".to_owned());
            };
            let check = |ty: usize, value: &mut Value| {
                SCHEMA
                    .check(value, &Type::Named(ty), &Rules::NONE)
                    .map_err(|invalid| invalid.to_string())
            };
            check(NESTED, &mut parsed)?;
            check(NESTED, &mut nested_lists(MAX_DEPTH))?;
            // 63 levels and the leaf: 127 containers.
            check(TREE, &mut deep_tree(MAX_DEPTH / 2 - 1))?;
            // One level more fails, however the value was made.
            let too_deep = check(NESTED, &mut nested_lists(MAX_DEPTH + 1)).is_err()
                && check(TREE, &mut deep_tree(MAX_DEPTH / 2)).is_err();
            Ok((depth, too_deep))
        })
        .expect("a thread");
    let outcome = handle.join().expect("no stack overflow");
    assert!(
        matches!(outcome, Ok((depth, true)) if depth >= 127),
        "{outcome:?}"
    );
}

#[test]
fn untagged_unions_retried_without_end_run_out_of_steps() {
    fn wrap(inner: Value) -> Value {
        let mut node = Map::new();
        node.insert("inner".to_owned(), inner);
        node.insert("k".to_owned(), json!("two"));
        Value::Object(node)
    }
    // Each level is tried as WrapOne, which walks all of `inner` before failing on `k`, then as WrapTwo: 2^40
    // visits without a budget.
    let mut value = json!(1);
    for _ in 0..40 {
        value = wrap(value);
    }
    let started = Instant::now();
    let result = check_as(Type::Named(EXP), value);
    assert_eq!(
        result.map_err(|invalid| invalid.detail),
        Err("The value is too complex to check.".to_owned())
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    // Twelve levels (about 8,000 visits) are fine.
    let mut value = json!(1);
    for _ in 0..12 {
        value = wrap(value);
    }
    assert!(check_as(Type::Named(EXP), value).is_ok());
}

#[test]
fn huge_numbers() {
    assert!(
        serde_json::from_str::<Value>("1e400").is_err(),
        "serde_json refuses it"
    );
    let huge = serde_json::from_str::<Value>(&format!("1{}", "0".repeat(300))).expect("a float");
    assert_eq!(
        check_as(Type::Integer, huge.clone()).map_err(|e| e.detail),
        Err("A valid integer is required.".to_owned())
    );
    assert!(check_as(Type::Number, huge).is_ok());
    static PARAMS: [Param; 2] = [
        Param::query("n", Type::Integer),
        Param::query("x", Type::Number),
    ];
    let digits = "9".repeat(5_000);
    for query in [
        format!("n={digits}"),
        format!("x={digits}"),
        "x=1e400".to_owned(),
        "x=-1e400".to_owned(),
    ] {
        let invalid = SCHEMA
            .params(&PARAMS, &[], Some(&query), &HeaderMap::new())
            .expect_err("out of range");
        assert_eq!(invalid.code, "invalid", "{query}");
    }
    let rules = Rules {
        maximum: Some(f64::MAX),
        minimum: Some(f64::MIN),
        ..Rules::NONE
    };
    assert!(check_with(Type::Integer, &rules, json!(i64::MAX)).is_ok());
    assert!(check_with(Type::Integer, &rules, json!(i64::MIN)).is_ok());
}

#[test]
fn long_strings_and_many_items() {
    let long = "é".repeat(500_000);
    let rules = Rules {
        max_length: Some(500_000),
        ..Rules::NONE
    };
    assert!(check_with(Type::String, &rules, json!(long)).is_ok());
    let items: Vec<Value> = (0..200_000)
        .map(|n| json!({"price": n.to_string()}))
        .collect();
    let checked = order(json!({"name": "a", "items": items})).expect("valid");
    assert_eq!(checked["items"][199_999]["quantity"], json!(1));
}

/// A small random JSON value, drawn from pieces the fixture schema knows, so that the walk gets far.
fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    const KEYS: [&str; 22] = [
        "name", "kind", "radius", "side", "items", "price", "quantity", "inner", "k", "children",
        "color", "tags", "pairs", "metadata", "shape", "any", "count", "level", "flag", "extra",
        "gt", "other",
    ];
    const TEXTS: [&str; 16] = [
        "",
        "a",
        "ab",
        "red",
        "circle",
        "square",
        "one",
        "two",
        "1",
        "true",
        "é🦀",
        "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "2024-05-01",
        "2024-05-01T10:00:00Z",
        "AB",
        "%FF",
    ];
    let choices = if depth >= 5 { 6 } else { 8 };
    match rng.u8(0..choices) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => json!([0_i64, 1, -1, 2, 7, 100, i64::MAX, i64::MIN][rng.usize(0..8)]),
        3 => json!([0.5, 5.0, -3.0, 1e300, 2.6, 1e19, -0.0][rng.usize(0..7)]),
        4 => json!(TEXTS[rng.usize(0..TEXTS.len())]),
        5 => json!(u64::MAX),
        6 => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.usize(0..5))
                .map(|_| {
                    (
                        KEYS[rng.usize(0..KEYS.len())].to_owned(),
                        random_value(rng, depth + 1),
                    )
                })
                .collect(),
        ),
    }
}

fn random_text(rng: &mut fastrand::Rng, pieces: &[&str], count: usize) -> String {
    (0..rng.usize(0..count))
        .map(|_| pieces[rng.usize(0..pieces.len())])
        .collect()
}

/// Every type the fixture knows, plus the built-in ones.
fn all_types() -> Vec<Type> {
    let mut types = vec![
        Type::String,
        Type::Integer,
        Type::Number,
        Type::Boolean,
        Type::Uuid,
        Type::DateTime,
        Type::Date,
        Type::Json,
        Type::List(&Type::Named(ITEM)),
        Type::Map(&Type::Integer),
    ];
    types.extend((0..SCHEMA.types.len()).map(Type::Named));
    types
}

/// Whether serde (and chrono and uuid, as their serde impls parse) decodes a value of a built-in type.
fn decodes(ty: Type, value: Value) -> bool {
    use std::collections::HashMap;
    use std::str::FromStr;
    let text = value.as_str().unwrap_or_default().to_owned();
    match ty {
        Type::String => serde_json::from_value::<String>(value).is_ok(),
        Type::Integer => serde_json::from_value::<i64>(value).is_ok(),
        Type::Number => serde_json::from_value::<f64>(value).is_ok(),
        Type::Boolean => serde_json::from_value::<bool>(value).is_ok(),
        Type::Uuid => uuid::Uuid::parse_str(&text).is_ok(),
        Type::DateTime => chrono::DateTime::<chrono::Utc>::from_str(&text).is_ok(),
        Type::Date => chrono::NaiveDate::from_str(&text).is_ok(),
        Type::Map(Type::Integer) => serde_json::from_value::<HashMap<String, i64>>(value).is_ok(),
        _ => true,
    }
}

#[test]
fn random_json_never_panics_and_checks_are_idempotent() {
    let mut rng = fastrand::Rng::with_seed(0x5eed_cafe);
    let types = all_types();
    let rules = [
        Rules::NONE,
        Rules {
            max_length: Some(1),
            minimum: Some(0.0),
            maximum: Some(5.0),
            min_items: Some(1),
            max_items: Some(2),
            ..Rules::NONE
        },
    ];
    let mut passed = 0;
    for _ in 0..20_000 {
        let value = random_value(&mut rng, 0);
        let ty = types[rng.usize(0..types.len())];
        let rule = &rules[rng.usize(0..rules.len())];
        if let Ok(checked) = check_with(ty, rule, value) {
            passed += 1;
            // What passed passes again, unchanged: defaults and rewrites are done once.
            assert_eq!(check_with(ty, rule, checked.clone()), Ok(checked.clone()));
            assert!(
                decodes(ty, checked.clone()),
                "{ty:?} passed {checked} but serde refuses it"
            );
        }
    }
    assert!(
        passed > 1_000,
        "the generator should make some valid values: {passed}"
    );
}

#[test]
fn random_queries_and_headers_never_panic() {
    const PIECES: [&str; 30] = [
        "page", "ids", "created", "shape", "kind", "gt", "lt", "=", "=", "&", "&", "[", "]", "[]",
        "%", "%FF", "%zz", "%5B", "%5D", "+", "1", "0", "-7", "a", ",", "é", "square", "1e400",
        "true", "label",
    ];
    static PARAMS: [Param; 7] = [
        Param::query("page", Type::Integer),
        Param {
            style: Style::Comma,
            ..Param::query("ids", Type::List(&Type::Integer))
        },
        Param {
            style: Style::DeepObject,
            ..Param::query("created", Type::Named(RANGE))
        },
        Param::query("shape", Type::Named(SHAPE)),
        Param::query("label", Type::Named(LABEL)),
        Param::header("X-Tags", Type::List(&Type::Named(COLOR))),
        Param::path("kind", Type::Named(SCALAR)),
    ];
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..20_000 {
        let query = random_text(&mut rng, &PIECES, 24);
        let header = random_text(&mut rng, &PIECES, 6);
        let path = random_text(&mut rng, &PIECES, 4);
        let mut headers = HeaderMap::new();
        if let Ok(value) = axum::http::HeaderValue::from_str(&header) {
            headers.insert("x-tags", value);
        }
        let _ = SCHEMA.params(&PARAMS, &[("kind", &path)], Some(&query), &headers);
    }
}

#[test]
fn random_forms_never_panic_and_their_output_checks() {
    const PIECES: [&str; 34] = [
        "name", "items", "price", "quantity", "tags", "metadata", "shape", "kind", "radius", "any",
        "note", "count", "extra", "=", "=", "&", "&", "[", "]", "[]", "[0]", "[1]", "%", "%FF",
        "%zz", "+", "1", "x", "circle", "ab", "", ";", "é", "[a][b]",
    ];
    let mut rng = fastrand::Rng::with_seed(11);
    for _ in 0..20_000 {
        let mut body = random_text(&mut rng, &PIECES, 30).into_bytes();
        if rng.u8(0..10) == 0 {
            body.push(rng.u8(..));
        }
        if let Ok(value) = SCHEMA.form(&body, &Type::Named(ORDER)) {
            assert_eq!(check_as(Type::Named(ORDER), value.clone()), Ok(value));
        }
    }
}
