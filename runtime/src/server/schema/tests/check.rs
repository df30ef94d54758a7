//! [`Schema::check`] on JSON bodies: every code and message, attrs, defaults, enums and unions.

use super::*;

const DATETIME_FORMAT: &str = "Datetime has wrong format. Use one of these formats instead: \
                               YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
const DATE_FORMAT: &str = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";

fn refused(ty: Type, value: Value) -> Invalid {
    match check_as(ty, value) {
        Ok(value) => panic!("expected a problem, {value} passed"),
        Err(invalid) => invalid,
    }
}

fn wrong(ty: Type, value: Value, detail: &str) {
    assert_eq!(
        refused(ty, value.clone()),
        invalid("invalid", detail, &[]),
        "{value}"
    );
}

#[test]
fn a_valid_body_passes_and_gets_its_defaults() {
    let body = json!({
        "name": "cup",
        "note": null,
        "count": 3,
        "ratio": 1.5,
        "active": true,
        "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "at": "2024-05-01T10:00:00Z",
        "day": "2024-05-01",
        "extra": {"anything": [1, "two", null]},
        "tags": ["a"],
        "items": [{"price": "p"}, {"price": "q", "quantity": 2}],
        "metadata": {"plan": "pro"},
        "level": 2,
        "flag": true,
        "color": "blue",
        "shape": {"kind": "circle", "radius": 2},
        "any": {"name": "ab"},
    });
    let checked = order(body).expect("a valid body");
    assert_eq!(checked["page"], json!(1), "top-level default");
    assert_eq!(
        checked["items"][0]["quantity"],
        json!(1),
        "default inside a list item"
    );
    assert_eq!(
        checked["items"][1]["quantity"],
        json!(2),
        "a value sent is kept"
    );
    assert_eq!(
        checked["any"],
        json!({"name": "ab", "color": "red"}),
        "default of the untagged variant"
    );
    assert_eq!(checked["shape"]["kind"], json!("circle"), "the tag stays");
    assert!(
        !checked
            .as_object()
            .is_some_and(|o| o.contains_key("scalar")),
        "no default, left out"
    );
}

#[test]
fn wrong_json_types_have_django_messages() {
    wrong(Type::String, json!(5), "Not a valid string.");
    wrong(Type::String, json!(["a"]), "Not a valid string.");
    wrong(Type::Integer, json!("5"), "A valid integer is required.");
    wrong(Type::Integer, json!(true), "A valid integer is required.");
    wrong(Type::Integer, json!(5.5), "A valid integer is required.");
    wrong(Type::Number, json!("5"), "A valid number is required.");
    wrong(Type::Number, json!({}), "A valid number is required.");
    wrong(Type::Boolean, json!("true"), "Must be a valid boolean.");
    wrong(Type::Boolean, json!(1), "Must be a valid boolean.");
    wrong(Type::Uuid, json!("not-a-uuid"), "Must be a valid UUID.");
    wrong(Type::Uuid, json!(12), "Must be a valid UUID.");
    wrong(Type::DateTime, json!("2024-05-01"), DATETIME_FORMAT);
    wrong(
        Type::DateTime,
        json!("2024-05-01T10:00:00"),
        DATETIME_FORMAT,
    );
    wrong(Type::DateTime, json!(1714557600), DATETIME_FORMAT);
    wrong(Type::Date, json!("2024-02-30"), DATE_FORMAT);
    wrong(Type::Date, json!("2024-5-1"), DATE_FORMAT);
    wrong(Type::Date, json!("+2024-05-01"), DATE_FORMAT);
    wrong(Type::Date, json!("2024-05-01T00:00:00Z"), DATE_FORMAT);
    wrong(Type::Date, json!(20240501), DATE_FORMAT);
}

#[test]
fn valid_scalars_pass() {
    for (ty, value) in [
        (Type::String, json!("")),
        (Type::Integer, json!(-9_223_372_036_854_775_808_i64)),
        (Type::Integer, json!(i64::MAX)),
        (Type::Number, json!(5)),
        (Type::Number, json!(-0.25)),
        (Type::Number, json!(u64::MAX)),
        (Type::Boolean, json!(false)),
        (Type::Uuid, json!("67e55044-10b1-426f-9247-bb680e5fe0c8")),
        (Type::Uuid, json!("67e5504410b1426f9247bb680e5fe0c8")),
        (Type::Uuid, json!("{67e55044-10b1-426f-9247-bb680e5fe0c8}")),
        (Type::DateTime, json!("2024-05-01T10:00:00.123456+02:00")),
        (Type::DateTime, json!("2024-05-01T10:00:00-05:30")),
        (Type::Date, json!("2024-02-29")),
        (Type::Json, json!([1, {"a": null}])),
        (Type::Json, json!("text")),
    ] {
        assert_eq!(
            check_as(ty, value.clone()),
            Ok(value.clone()),
            "{ty:?} {value}"
        );
    }
}

#[test]
fn integral_floats_are_integers_and_become_them() {
    // Django REST framework accepts `5.0` for an integer; serde would not, so the check rewrites it.
    assert_eq!(check_as(Type::Integer, json!(5.0)), Ok(json!(5)));
    assert_eq!(check_as(Type::Integer, json!(-3.0)), Ok(json!(-3)));
    assert_eq!(check_as(Type::Integer, json!(1e3)), Ok(json!(1000)));
    let rewritten = check_as(Type::Integer, json!(5.0)).expect("integral");
    assert!(rewritten.is_i64());
    // Outside the i64 range, or not integral: refused.
    for value in [
        json!(1e19),
        json!(-1e19),
        json!(u64::MAX),
        json!(0.5),
        json!(1.7e308),
    ] {
        wrong(Type::Integer, value, "A valid integer is required.");
    }
}

#[test]
fn lists_and_objects_name_the_python_type_they_got() {
    for (value, python) in [
        (json!("a"), "str"),
        (json!(1), "int"),
        (json!(1.5), "float"),
        (json!(true), "bool"),
        (json!({}), "dict"),
    ] {
        assert_eq!(
            refused(Type::List(&Type::String), value),
            invalid(
                "not_a_list",
                &format!("Expected a list of items but got type \"{python}\"."),
                &[]
            )
        );
    }
    for ty in [Type::Map(&Type::String), Type::Named(ORDER)] {
        for (value, python) in [(json!([]), "list"), (json!("a"), "str"), (json!(2), "int")] {
            assert_eq!(
                refused(ty, value),
                invalid(
                    "invalid",
                    &format!("Expected a dictionary of items but got type \"{python}\"."),
                    &[]
                )
            );
        }
    }
}

#[test]
fn required_null_and_unknown_fields() {
    assert_eq!(
        order_error(json!({})),
        invalid("required", "This field is required.", &["name"])
    );
    assert_eq!(
        order_error(json!({"name": null})),
        invalid("null", "This field may not be null.", &["name"])
    );
    assert!(
        order(json!({"name": "a", "note": null, "metadata": null})).is_ok(),
        "nullable fields"
    );
    assert_eq!(
        order_error(json!({"name": "a", "count": null})),
        invalid("null", "This field may not be null.", &["count"])
    );
    // Order ignores unknown fields; Label refuses them.
    assert!(order(json!({"name": "a", "whatever": 1})).is_ok());
    assert_eq!(
        refused(Type::Named(LABEL), json!({"name": "ab", "size": 3})),
        invalid("invalid_input", "Unknown field.", &["size"])
    );
    // Null where no field allows it: list items, map values, the body itself, a JSON value.
    assert_eq!(
        order_error(json!({"name": "a", "tags": ["x", null]})),
        invalid("null", "This field may not be null.", &["tags", "1"])
    );
    assert_eq!(
        order_error(json!({"name": "a", "metadata": {"k": null}})),
        invalid("null", "This field may not be null.", &["metadata", "k"])
    );
    assert_eq!(refused(Type::Named(ORDER), json!(null)).code, "null");
    assert_eq!(
        order_error(json!({"name": "a", "extra": null})),
        invalid("null", "This field may not be null.", &["extra"])
    );
}

#[test]
fn the_first_problem_in_document_order() {
    assert_eq!(
        order_error(json!({"count": "x", "name": 5})).attr,
        ["count"]
    );
    assert_eq!(order_error(json!({"name": 5, "count": "x"})).attr, ["name"]);
    // Keys sent come before fields missing.
    assert_eq!(
        refused(Type::Named(LABEL), json!({"color": "pink"})),
        invalid(
            "invalid_choice",
            "\"pink\" is not a valid choice.",
            &["color"]
        )
    );
    // Missing fields in declaration order.
    assert_eq!(
        refused(Type::Named(CIRCLE), json!({})),
        invalid("required", "This field is required.", &["kind"])
    );
}

#[test]
fn nested_problems_carry_their_path() {
    assert_eq!(
        order_error(json!({"name": "a", "items": [{"price": "p"}, {"quantity": 2}]})),
        invalid(
            "required",
            "This field is required.",
            &["items", "1", "price"]
        )
    );
    assert_eq!(
        order_error(json!({"name": "a", "items": [{"price": "p", "quantity": 0}]})),
        invalid(
            "min_value",
            "Ensure this value is greater than or equal to 1.",
            &["items", "0", "quantity"]
        )
    );
    assert_eq!(
        order_error(json!({"name": "a", "metadata": {"plan": 5}})),
        invalid("invalid", "Not a valid string.", &["metadata", "plan"])
    );
    assert_eq!(
        order_error(json!({"name": "a", "items": [{"price": "p", "size": 1}]})),
        invalid("invalid_input", "Unknown field.", &["items", "0", "size"])
    );
    let tree = json!({"name": "a", "children": [{"name": "b", "children": [{"name": 1}]}]});
    assert_eq!(
        refused(Type::Named(TREE), tree).attr,
        ["children", "0", "children", "0", "name"]
    );
}

#[test]
fn defaults_fill_only_absent_fields_and_are_not_checked_again() {
    let checked = order(json!({"name": "a", "page": 7})).expect("valid");
    assert_eq!(checked["page"], json!(7));
    assert_eq!(
        order_error(json!({"name": "a", "page": null})),
        invalid("null", "This field may not be null.", &["page"])
    );
    // Defaults land after the fields sent.
    let keys: Vec<String> = order(json!({"name": "a"}))
        .expect("valid")
        .as_object()
        .map(|object| object.keys().cloned().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["name", "page"]);
}

#[test]
fn enums_of_strings_ints_and_bools() {
    let choice = |value: Value| refused(Type::Named(COLOR), value);
    assert_eq!(
        check_as(Type::Named(COLOR), json!("green")),
        Ok(json!("green"))
    );
    assert_eq!(
        choice(json!("purple")),
        invalid("invalid_choice", "\"purple\" is not a valid choice.", &[])
    );
    assert_eq!(
        choice(json!("Red")).detail,
        "\"Red\" is not a valid choice.",
        "case matters"
    );
    assert_eq!(check_as(Type::Named(LEVEL), json!(1)), Ok(json!(1)));
    assert_eq!(
        check_as(Type::Named(LEVEL), json!(3.0)),
        Ok(json!(3)),
        "an integral float"
    );
    for (value, text) in [
        (json!(7), "7"),
        (json!("1"), "1"),
        (json!(1.5), "1.5"),
        (json!(true), "true"),
        (json!({"a": 1}), "{\"a\":1}"),
    ] {
        assert_eq!(
            refused(Type::Named(LEVEL), value),
            invalid(
                "invalid_choice",
                &format!("\"{text}\" is not a valid choice."),
                &[]
            )
        );
    }
    assert_eq!(check_as(Type::Named(FLAG), json!(true)), Ok(json!(true)));
    for value in [json!(false), json!("true"), json!(1)] {
        assert_eq!(refused(Type::Named(FLAG), value).code, "invalid_choice");
    }
    assert_eq!(
        refused(Type::Named(FLAG), json!(null)),
        invalid("null", "This field may not be null.", &[])
    );
}

#[test]
fn string_rules_count_characters() {
    let rules = Rules {
        max_length: Some(3),
        min_length: Some(2),
        ..Rules::NONE
    };
    assert!(
        check_with(Type::String, &rules, json!("ééé")).is_ok(),
        "3 characters, 6 bytes"
    );
    assert!(check_with(Type::String, &rules, json!("🦀🦀")).is_ok());
    assert_eq!(
        check_with(Type::String, &rules, json!("abcd")),
        Err(invalid(
            "max_length",
            "Ensure this field has no more than 3 characters.",
            &[]
        ))
    );
    assert_eq!(
        check_with(Type::String, &rules, json!("é")),
        Err(invalid(
            "min_length",
            "Ensure this field has at least 2 characters.",
            &[]
        ))
    );
    assert_eq!(
        refused(Type::Named(LABEL), json!({"name": "AB"})),
        invalid(
            "invalid",
            "This value does not match the required pattern.",
            &["name"]
        )
    );
    // Maximum length is checked before the pattern, as Django's validators run.
    assert_eq!(
        refused(Type::Named(LABEL), json!({"name": "ABCDEFGHIJKL"})).code,
        "max_length"
    );
    static SEARCH: Pattern = Pattern::new("[0-9]");
    let search = Rules {
        pattern: Some(&SEARCH),
        ..Rules::NONE
    };
    assert!(
        check_with(Type::String, &search, json!("ab3cd")).is_ok(),
        "patterns search"
    );
}

#[test]
fn number_rules_print_bounds_as_written() {
    assert_eq!(
        order_error(json!({"name": "a", "count": 11})),
        invalid(
            "max_value",
            "Ensure this value is less than or equal to 10.",
            &["count"]
        )
    );
    assert_eq!(
        order_error(json!({"name": "a", "count": -1})),
        invalid(
            "min_value",
            "Ensure this value is greater than or equal to 0.",
            &["count"]
        )
    );
    assert_eq!(
        order_error(json!({"name": "a", "ratio": 2.6})),
        invalid(
            "max_value",
            "Ensure this value is less than or equal to 2.5.",
            &["ratio"]
        )
    );
    assert_eq!(
        order_error(json!({"name": "a", "ratio": 0.25})),
        invalid(
            "min_value",
            "Ensure this value is greater than or equal to 0.5.",
            &["ratio"]
        )
    );
    assert!(
        order(json!({"name": "a", "count": 10, "ratio": 0.5})).is_ok(),
        "bounds are inclusive"
    );
    // Exact near i64::MAX, where f64 would round 2^53 + 1 down to the bound.
    let rules = Rules {
        maximum: Some(9_007_199_254_740_992.0),
        ..Rules::NONE
    };
    assert!(check_with(Type::Integer, &rules, json!(9_007_199_254_740_992_i64)).is_ok());
    assert_eq!(
        check_with(Type::Integer, &rules, json!(9_007_199_254_740_993_i64)).map_err(|e| e.code),
        Err("max_value")
    );
    let fractional = Rules {
        minimum: Some(1.5),
        ..Rules::NONE
    };
    assert!(check_with(Type::Integer, &fractional, json!(1)).is_err());
    assert!(check_with(Type::Integer, &fractional, json!(2)).is_ok());
}

#[test]
fn item_rules() {
    assert_eq!(
        order_error(json!({"name": "a", "tags": []})),
        invalid("empty", "This list may not be empty.", &["tags"])
    );
    assert_eq!(
        order_error(json!({"name": "a", "tags": ["a", "b", "c", "d"]})),
        invalid(
            "max_length",
            "Ensure this field has no more than 3 elements.",
            &["tags"]
        )
    );
    // A minimum above one is a length, even for an empty list, as in Django REST framework.
    assert_eq!(
        order_error(json!({"name": "a", "pairs": []})),
        invalid(
            "min_length",
            "Ensure this field has at least 2 elements.",
            &["pairs"]
        )
    );
    assert_eq!(
        order_error(json!({"name": "a", "pairs": [1]})),
        invalid(
            "min_length",
            "Ensure this field has at least 2 elements.",
            &["pairs"]
        )
    );
    // Counts come before the items.
    assert_eq!(
        order_error(json!({"name": "a", "tags": [1, 2, 3, 4]})).code,
        "max_length"
    );
}

#[test]
fn rules_that_do_not_fit_the_type_are_ignored() {
    let rules = Rules {
        max_length: Some(1),
        maximum: Some(0.0),
        max_items: Some(0),
        ..Rules::NONE
    };
    assert!(check_with(Type::Boolean, &rules, json!(true)).is_ok());
    assert!(check_with(Type::Map(&Type::Integer), &rules, json!({"a": 5, "b": 6})).is_ok());
    assert_eq!(
        check_with(Type::String, &rules, json!("ab")).map_err(|e| e.code),
        Err("max_length")
    );
}

#[test]
fn tagged_unions() {
    let shape = |value: Value| check_as(Type::Named(SHAPE), value);
    assert_eq!(
        shape(json!({"kind": "square", "side": 2.0})),
        Ok(json!({"kind": "square", "side": 2}))
    );
    assert_eq!(
        shape(json!({"radius": 1})),
        Err(invalid("required", "This field is required.", &["kind"]))
    );
    assert_eq!(
        shape(json!({"kind": "hexagon"})),
        Err(invalid(
            "invalid_choice",
            "\"hexagon\" is not a valid choice.",
            &["kind"]
        ))
    );
    assert_eq!(
        shape(json!({"kind": 5})),
        Err(invalid(
            "invalid_choice",
            "\"5\" is not a valid choice.",
            &["kind"]
        ))
    );
    assert_eq!(
        shape(json!({"kind": null})),
        Err(invalid("null", "This field may not be null.", &["kind"]))
    );
    assert_eq!(
        shape(json!(["circle"])),
        Err(invalid(
            "invalid",
            "Expected a dictionary of items but got type \"list\".",
            &[]
        ))
    );
    // The variant's own problems, the tag field included in its fields.
    assert_eq!(
        shape(json!({"kind": "circle"})),
        Err(invalid("required", "This field is required.", &["radius"]))
    );
    assert_eq!(
        shape(json!({"kind": "circle", "radius": 1, "side": 2})),
        Err(invalid("invalid_input", "Unknown field.", &["side"]))
    );
    assert_eq!(
        order_error(json!({"name": "a", "shape": {"kind": "circle", "radius": -1}})).attr,
        ["shape", "radius"]
    );
    // A variant without the tag field: checked without the tag, which stays, first; its defaults are filled in.
    assert_eq!(
        shape(json!({"base": 3, "kind": "triangle"})),
        Ok(json!({"kind": "triangle", "base": 3}))
    );
    assert_eq!(
        shape(json!({"kind": "triangle"})),
        Ok(json!({"kind": "triangle", "base": 1}))
    );
    assert_eq!(
        shape(json!({"kind": "triangle", "side": 2})),
        Err(invalid("invalid_input", "Unknown field.", &["side"]))
    );
}

#[test]
fn untagged_unions() {
    let any = |value: Value| check_as(Type::Named(ANY), value);
    assert_eq!(any(json!("text")), Ok(json!("text")));
    assert_eq!(
        any(json!({"name": "ab"})),
        Ok(json!({"name": "ab", "color": "red"}))
    );
    assert_eq!(
        any(json!({})),
        Err(invalid(
            "invalid",
            "Matches none of: string (Not a valid string.), Label (name: This field is required.)",
            &[]
        ))
    );
    assert_eq!(
        any(json!(null)),
        Err(invalid("null", "This field may not be null.", &[]))
    );
    assert_eq!(
        order_error(json!({"name": "a", "any": 5})),
        invalid(
            "invalid",
            "Matches none of: string (Not a valid string.), Label (Expected a dictionary of items but got type \"int\".)",
            &["any"]
        )
    );
    // The first variant that passes wins, in declaration order.
    assert_eq!(check_as(Type::Named(SCALAR), json!(5.0)), Ok(json!(5)));
    assert_eq!(check_as(Type::Named(SCALAR), json!("5")), Ok(json!("5")));
}

#[test]
fn a_failed_variant_leaves_no_defaults_behind() {
    // The first variant would fill in `a` before finding `b` missing; the dry run fills in nothing, so the JSON
    // variant that wins sees the value as sent.
    static LOCAL: Schema = Schema {
        types: &[
            TypeDef::Union(Union {
                name: "Either",
                tag: None,
                variants: &[
                    Variant {
                        name: "WithDefault",
                        tag: None,
                        ty: Type::Named(1),
                    },
                    Variant {
                        name: "json",
                        tag: None,
                        ty: Type::Json,
                    },
                ],
            }),
            TypeDef::Struct(Struct {
                name: "WithDefault",
                fields: &[
                    Field {
                        default: Some("1"),
                        ..Field::optional("a", Type::Integer)
                    },
                    Field::required("b", Type::String),
                ],
                reject_unknown: false,
            }),
        ],
    };
    let mut value = json!({"c": 1});
    assert_eq!(
        LOCAL.check(&mut value, &Type::Named(0), &Rules::NONE),
        Ok(())
    );
    assert_eq!(value, json!({"c": 1}));
    let mut value = json!({"b": "x"});
    assert_eq!(
        LOCAL.check(&mut value, &Type::Named(0), &Rules::NONE),
        Ok(())
    );
    assert_eq!(
        value,
        json!({"b": "x", "a": 1}),
        "the winner's defaults are filled in"
    );
    // A value that passes WrapOne only after WrapOne's inner walk: nested dry runs still pick the right variant.
    let nested = json!({"inner": {"inner": 1, "k": "two"}, "k": "one"});
    assert_eq!(check_as(Type::Named(EXP), nested.clone()), Ok(nested));
}

#[test]
fn schema_faults_are_reported_as_such() {
    static BROKEN_PATTERN: Pattern = Pattern::new("(unclosed");
    static BROKEN: Schema = Schema {
        types: &[TypeDef::Struct(Struct {
            name: "Broken",
            fields: &[
                Field {
                    default: Some("not json"),
                    ..Field::optional("bad_default", Type::Integer)
                },
                Field::optional("dangling", Type::Named(99)),
                Field {
                    rules: Rules {
                        pattern: Some(&BROKEN_PATTERN),
                        ..Rules::NONE
                    },
                    ..Field::optional("bad_pattern", Type::String)
                },
            ],
            reject_unknown: false,
        })],
    };
    let ty = Type::Named(0);
    let fault = |value: Value| {
        let mut value = value;
        let invalid = BROKEN
            .check(&mut value, &ty, &Rules::NONE)
            .expect_err("a fault");
        assert!(invalid.is_schema_fault(), "{invalid:?}");
        invalid.detail
    };
    assert!(fault(json!({})).contains("bad_default"));
    assert!(fault(json!({"bad_default": 1, "dangling": 1})).contains("type number 99"));
    assert!(fault(json!({"bad_default": 1, "bad_pattern": "x"})).contains("(unclosed"));
    assert!(BROKEN.verify().is_err());
}

#[test]
fn invalid_displays_with_its_attr() {
    let problem = invalid(
        "required",
        "This field is required.",
        &["items", "0", "price"],
    );
    assert_eq!(
        problem.to_string(),
        "items.0.price: This field is required."
    );
    assert_eq!(
        problem.attr_joined("__").as_deref(),
        Some("items__0__price")
    );
    assert_eq!(invalid("null", "x", &[]).attr_joined("__"), None);
    assert_eq!(invalid("null", "x", &[]).to_string(), "x");
}

#[test]
fn a_checked_body_decodes_into_serde_types() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Item {
        price: String,
        quantity: i64,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Order {
        name: String,
        page: i64,
        items: Vec<Item>,
    }
    let checked =
        order(json!({"name": "a", "items": [{"price": "p", "quantity": 2.0}]})).expect("valid");
    let decoded: Order = serde_json::from_value(checked).expect("decodes");
    assert_eq!(
        decoded,
        Order {
            name: "a".into(),
            page: 1,
            items: vec![Item {
                price: "p".into(),
                quantity: 2
            }]
        }
    );
}
