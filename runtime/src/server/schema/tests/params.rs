//! [`Schema::params`]: path, query in every style, deep objects, headers, defaults and empty values.

use super::*;
use axum::http::header::{HeaderName, HeaderValue};

fn run(
    params: &[Param],
    path: &[(&str, &str)],
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Value, Invalid> {
    SCHEMA
        .params(params, path, query, headers)
        .map(Value::Object)
}

fn query(params: &[Param], query: &str) -> Result<Value, Invalid> {
    run(params, &[], Some(query), &HeaderMap::new())
}

fn at(location: Location, code: &'static str, detail: &str, attr: &[&str]) -> Invalid {
    Invalid {
        location: Some(location),
        ..invalid(code, detail, attr)
    }
}

fn in_query(code: &'static str, detail: &str, attr: &[&str]) -> Invalid {
    at(Location::Query, code, detail, attr)
}

fn headers(pairs: &[(&'static str, &[u8])]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let value = HeaderValue::from_bytes(value).expect("a valid header value");
        map.append(HeaderName::from_static(name), value);
    }
    map
}

static PAGE: Param = Param {
    rules: Rules {
        minimum: Some(1.0),
        ..Rules::NONE
    },
    ..Param::query("page", Type::Integer)
};
static SEARCH: Param = Param {
    rules: Rules {
        max_length: Some(5),
        ..Rules::NONE
    },
    ..Param::query("search", Type::String)
};
static LIMIT: Param = Param {
    default: Some("100"),
    ..Param::query("limit", Type::Integer)
};
static TEAM: Param = Param {
    required: true,
    ..Param::query("team", Type::String)
};

#[test]
fn path_parameters_are_typed() {
    static PARAMS: [Param; 2] = [
        Param::path("project_id", Type::Integer),
        Param::path("id", Type::Uuid),
    ];
    let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    assert_eq!(
        run(
            &PARAMS,
            &[("project_id", "5"), ("id", id)],
            None,
            &HeaderMap::new()
        ),
        Ok(json!({"project_id": 5, "id": id}))
    );
    assert_eq!(
        run(
            &PARAMS,
            &[("project_id", "five"), ("id", id)],
            None,
            &HeaderMap::new()
        ),
        Err(at(
            Location::Path,
            "invalid",
            "A valid integer is required.",
            &["project_id"]
        ))
    );
    assert_eq!(
        run(
            &PARAMS,
            &[("project_id", "5"), ("id", "x")],
            None,
            &HeaderMap::new()
        ),
        Err(at(
            Location::Path,
            "invalid",
            "Must be a valid UUID.",
            &["id"]
        ))
    );
    assert_eq!(
        run(&PARAMS, &[("project_id", "")], None, &HeaderMap::new()),
        Err(at(
            Location::Path,
            "required",
            "This field is required.",
            &["project_id"]
        ))
    );
    static IDS: [Param; 1] = [Param::path("ids", Type::List(&Type::Integer))];
    assert_eq!(
        run(&IDS, &[("ids", "1,2,3")], None, &HeaderMap::new()),
        Ok(json!({"ids": [1, 2, 3]}))
    );
}

#[test]
fn query_scalars_empty_values_and_defaults() {
    let params = [PAGE, SEARCH, LIMIT];
    assert_eq!(
        query(&params, "page=2&search=a%20b"),
        Ok(json!({"page": 2, "search": "a b", "limit": 100}))
    );
    assert_eq!(
        query(&params, "search=a+b"),
        Ok(json!({"search": "a b", "limit": 100})),
        "+ is a space"
    );
    // Present but empty is absent: no page, the default limit.
    assert_eq!(query(&params, "page=&limit="), Ok(json!({"limit": 100})));
    assert_eq!(query(&params, ""), Ok(json!({"limit": 100})));
    assert_eq!(
        run(&params, &[], None, &HeaderMap::new()),
        Ok(json!({"limit": 100}))
    );
    // A repeated scalar takes its last value, even an empty one.
    assert_eq!(
        query(&params, "page=1&page=3"),
        Ok(json!({"page": 3, "limit": 100}))
    );
    assert_eq!(query(&params, "page=2&page="), Ok(json!({"limit": 100})));
    // Unknown parameters are ignored.
    assert_eq!(
        query(&params, "other=1&page=2"),
        Ok(json!({"page": 2, "limit": 100}))
    );
    // Declaration order, whatever the query's order.
    let keys: Vec<String> = query(&params, "limit=5&search=x&page=1")
        .ok()
        .and_then(|value| {
            value
                .as_object()
                .map(|object| object.keys().cloned().collect())
        })
        .unwrap_or_default();
    assert_eq!(keys, ["page", "search", "limit"]);
}

#[test]
fn required_parameters() {
    let params = [TEAM];
    let missing = in_query("required", "This field is required.", &["team"]);
    assert_eq!(query(&params, ""), Err(missing.clone()));
    assert_eq!(query(&params, "team="), Err(missing.clone()));
    assert_eq!(run(&params, &[], None, &HeaderMap::new()), Err(missing));
    assert_eq!(query(&params, "team=core"), Ok(json!({"team": "core"})));
}

#[test]
fn query_rules_and_types() {
    let params = [PAGE, SEARCH];
    assert_eq!(
        query(&params, "page=0"),
        Err(in_query(
            "min_value",
            "Ensure this value is greater than or equal to 1.",
            &["page"]
        ))
    );
    assert_eq!(
        query(&params, "search=toolong"),
        Err(in_query(
            "max_length",
            "Ensure this field has no more than 5 characters.",
            &["search"]
        ))
    );
    for text in ["two", "1.5", "1e3", "99999999999999999999", "0x10"] {
        assert_eq!(
            query(&params, &format!("page={text}")),
            Err(in_query(
                "invalid",
                "A valid integer is required.",
                &["page"]
            )),
            "{text}"
        );
    }
    // Django REST framework's integer text: surrounding spaces and a zero fraction are fine.
    for text in ["7", "+7", "7.0", "7.", "%207%20"] {
        assert_eq!(
            query(&params, &format!("page={text}")),
            Ok(json!({"page": 7})),
            "{text}"
        );
    }
}

#[test]
fn numbers_booleans_dates_from_text() {
    static PARAMS: [Param; 5] = [
        Param::query("ratio", Type::Number),
        Param::query("active", Type::Boolean),
        Param::query("day", Type::Date),
        Param::query("at", Type::DateTime),
        Param::query("filter", Type::Json),
    ];
    assert_eq!(
        query(
            &PARAMS,
            "ratio=2.5&active=true&day=2024-05-01&at=2024-05-01T10:00:00%2B02:00"
        ),
        Ok(
            json!({"ratio": 2.5, "active": true, "day": "2024-05-01", "at": "2024-05-01T10:00:00+02:00"})
        )
    );
    assert_eq!(query(&PARAMS, "ratio=5"), Ok(json!({"ratio": 5})));
    for text in ["1e400", "inf", "NaN", "-infinity", "x"] {
        assert_eq!(
            query(&PARAMS, &format!("ratio={text}")),
            Err(in_query(
                "invalid",
                "A valid number is required.",
                &["ratio"]
            )),
            "{text}"
        );
    }
    for (text, flag) in [
        ("true", true),
        ("True", true),
        ("1", true),
        ("yes", true),
        ("on", true),
        ("false", false),
        ("False", false),
        ("0", false),
        ("no", false),
        ("off", false),
    ] {
        assert_eq!(
            query(&PARAMS, &format!("active={text}")),
            Ok(json!({"active": flag})),
            "{text}"
        );
    }
    assert_eq!(
        query(&PARAMS, "active=maybe"),
        Err(in_query("invalid", "Must be a valid boolean.", &["active"]))
    );
    assert_eq!(
        query(&PARAMS, "day=01/05/2024"),
        Err(in_query(
            "invalid",
            "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
            &["day"]
        ))
    );
    assert_eq!(
        query(&PARAMS, "at=yesterday").map_err(|e| e.attr),
        Err(vec!["at".to_owned()])
    );
    assert_eq!(
        query(&PARAMS, "filter=%7B%22a%22%3A%5B1%5D%7D"),
        Ok(json!({"filter": {"a": [1]}}))
    );
    assert_eq!(
        query(&PARAMS, "filter=%7B"),
        Err(in_query(
            "invalid",
            "Value must be valid JSON.",
            &["filter"]
        ))
    );
}

#[test]
fn enum_parameters_match_by_text() {
    static PARAMS: [Param; 3] = [
        Param::query("level", Type::Named(LEVEL)),
        Param::query("flag", Type::Named(FLAG)),
        Param::query("color", Type::Named(COLOR)),
    ];
    assert_eq!(
        query(&PARAMS, "level=1&flag=true&color=red"),
        Ok(json!({"level": 1, "flag": true, "color": "red"}))
    );
    assert_eq!(
        query(&PARAMS, "level=2.0&flag=True"),
        Ok(json!({"level": 2, "flag": true}))
    );
    assert_eq!(
        query(&PARAMS, "level=7"),
        Err(in_query(
            "invalid_choice",
            "\"7\" is not a valid choice.",
            &["level"]
        ))
    );
    assert_eq!(
        query(&PARAMS, "flag=false"),
        Err(in_query(
            "invalid_choice",
            "\"false\" is not a valid choice.",
            &["flag"]
        ))
    );
    assert_eq!(
        query(&PARAMS, "color=Red"),
        Err(in_query(
            "invalid_choice",
            "\"Red\" is not a valid choice.",
            &["color"]
        ))
    );
}

#[test]
fn untagged_unions_of_scalars() {
    static PARAMS: [Param; 1] = [Param::query("scalar", Type::Named(SCALAR))];
    assert_eq!(query(&PARAMS, "scalar=5"), Ok(json!({"scalar": 5})));
    assert_eq!(query(&PARAMS, "scalar=five"), Ok(json!({"scalar": "five"})));
}

#[test]
fn list_styles() {
    static FORM: [Param; 1] = [Param::query("ids", Type::List(&Type::Integer))];
    static COMMA: [Param; 1] = [Param {
        style: Style::Comma,
        ..Param::query("ids", Type::List(&Type::Integer))
    }];
    static BRACKETS: [Param; 1] = [Param {
        style: Style::Brackets,
        ..Param::query("ids", Type::List(&Type::Integer))
    }];
    static DEEP: [Param; 1] = [Param {
        style: Style::DeepObject,
        ..Param::query("ids", Type::List(&Type::Integer))
    }];
    let three = Ok(json!({"ids": [1, 2, 3]}));
    assert_eq!(query(&FORM, "ids=1&ids=2&other=x&ids=3"), three);
    assert_eq!(
        query(&FORM, "ids=1,2"),
        Err(in_query(
            "invalid",
            "A valid integer is required.",
            &["ids", "0"]
        ))
    );
    assert_eq!(query(&COMMA, "ids=1,2,3"), three);
    assert_eq!(
        query(&COMMA, "ids=1,2&ids=3"),
        three,
        "repeated keys add items"
    );
    assert_eq!(
        query(&COMMA, "ids=1%2C2%2C3"),
        three,
        "an encoded comma is still a comma once decoded"
    );
    assert_eq!(query(&BRACKETS, "ids[]=1&ids[]=2&ids[]=3"), three);
    assert_eq!(query(&BRACKETS, "ids%5B%5D=1&ids=2&ids[]=3"), three);
    assert_eq!(
        query(&DEEP, "ids[0]=1&ids[2]=3&ids[1]=2"),
        three,
        "ordered by index"
    );
    assert_eq!(query(&DEEP, "ids[]=1&ids[]=2&ids[]=3"), three);
    // Empty values are no values; a list of them is no list.
    assert_eq!(query(&COMMA, "ids=1,,2,"), Ok(json!({"ids": [1, 2]})));
    assert_eq!(query(&FORM, "ids=&ids="), Ok(json!({})));
    assert_eq!(
        query(&COMMA, "ids=1,x"),
        Err(in_query(
            "invalid",
            "A valid integer is required.",
            &["ids", "1"]
        ))
    );
    static TAGS: [Param; 1] = [Param {
        rules: Rules {
            max_items: Some(2),
            ..Rules::NONE
        },
        ..Param::query("tags", Type::List(&Type::Named(COLOR)))
    }];
    assert_eq!(
        query(&TAGS, "tags=red&tags=blue"),
        Ok(json!({"tags": ["red", "blue"]}))
    );
    assert_eq!(
        query(&TAGS, "tags=red&tags=pink"),
        Err(in_query(
            "invalid_choice",
            "\"pink\" is not a valid choice.",
            &["tags", "1"]
        ))
    );
    assert_eq!(
        query(&TAGS, "tags=red&tags=blue&tags=green"),
        Err(in_query(
            "max_length",
            "Ensure this field has no more than 2 elements.",
            &["tags"]
        ))
    );
}

#[test]
fn deep_objects() {
    static CREATED: [Param; 1] = [Param {
        style: Style::DeepObject,
        ..Param::query("created", Type::Named(RANGE))
    }];
    assert_eq!(
        query(&CREATED, "created[gt]=5&created[lt]=9"),
        Ok(json!({"created": {"gt": 5, "lt": 9}}))
    );
    assert_eq!(
        query(&CREATED, "created%5Bgt%5D=5"),
        Ok(json!({"created": {"gt": 5}}))
    );
    assert_eq!(
        query(&CREATED, "created[gt]=soon"),
        Err(in_query(
            "invalid",
            "A valid integer is required.",
            &["created", "gt"]
        ))
    );
    assert_eq!(
        query(&CREATED, "created[gt]=1&created[gte]=2"),
        Err(in_query(
            "invalid_input",
            "Unknown field.",
            &["created", "gte"]
        ))
    );
    assert_eq!(
        query(&CREATED, "created=5"),
        Err(in_query(
            "invalid",
            "Expected a dictionary of items but got type \"str\".",
            &["created"]
        ))
    );
    // All leaves empty: absent.
    assert_eq!(query(&CREATED, "created[gt]=&created[lt]="), Ok(json!({})));
    assert_eq!(
        query(&CREATED, "created[gt]=&created[lt]=3"),
        Ok(json!({"created": {"lt": 3}}))
    );
    // A map of integers, whatever the declared style: objects are always deep objects.
    static LIMITS: [Param; 1] = [Param::query("limits", Type::Map(&Type::Integer))];
    assert_eq!(
        query(&LIMITS, "limits[cpu]=2&limits[memory]=512"),
        Ok(json!({"limits": {"cpu": 2, "memory": 512}}))
    );
    // A tagged union, typed by its tag; and a struct with its defaults.
    static SHAPES: [Param; 2] = [
        Param::query("shape", Type::Named(SHAPE)),
        Param::query("label", Type::Named(LABEL)),
    ];
    assert_eq!(
        query(&SHAPES, "shape[kind]=square&shape[side]=3&label[name]=ab"),
        Ok(
            json!({"shape": {"kind": "square", "side": 3}, "label": {"name": "ab", "color": "red"}})
        )
    );
    assert_eq!(
        query(&SHAPES, "shape[side]=3"),
        Err(in_query(
            "required",
            "This field is required.",
            &["shape", "kind"]
        ))
    );
    // A JSON parameter sent as a deep object has text leaves; sent plain, its text is JSON.
    static FILTER: [Param; 1] = [Param::query("filter", Type::Json)];
    assert_eq!(
        query(&FILTER, "filter[a][b]=1&filter[c][]=x&filter[d]="),
        Ok(json!({"filter": {"a": {"b": "1"}, "c": ["x"]}}))
    );
    assert_eq!(query(&FILTER, "filter=%5B1%5D"), Ok(json!({"filter": [1]})));
    // A key nested too deeply is refused, not walked.
    let deep = format!("label{}=1", "[a]".repeat(40));
    assert_eq!(
        query(&SHAPES, &deep),
        Err(in_query(
            "invalid",
            "Keys may be nested at most 32 levels deep.",
            &["label"]
        ))
    );
}

#[test]
fn header_parameters() {
    static PARAMS: [Param; 3] = [
        Param::header("X-Request-Id", Type::Uuid),
        Param::header("X-Tags", Type::List(&Type::String)),
        Param {
            required: true,
            ..Param::header("X-Count", Type::Integer)
        },
    ];
    let id = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let sent = headers(&[
        ("x-request-id", id.as_bytes()),
        ("x-tags", b"a, b"),
        ("x-tags", b"c"),
        ("x-count", b"1"),
        ("x-count", b"2"),
    ]);
    assert_eq!(
        run(&PARAMS, &[], None, &sent),
        Ok(json!({"X-Request-Id": id, "X-Tags": ["a", "b", "c"], "X-Count": 2}))
    );
    assert_eq!(
        run(&PARAMS, &[], None, &headers(&[("x-count", b"")])),
        Err(at(
            Location::Header,
            "required",
            "This field is required.",
            &["X-Count"]
        ))
    );
    assert_eq!(
        run(&PARAMS, &[], None, &headers(&[("x-count", b"many")])),
        Err(at(
            Location::Header,
            "invalid",
            "A valid integer is required.",
            &["X-Count"]
        ))
    );
    // Header bytes that are not UTF-8 are refused with the type's message.
    static TEXT: [Param; 1] = [Param::header("X-Name", Type::String)];
    assert_eq!(
        run(&TEXT, &[], None, &headers(&[("x-name", b"caf\xe9")])),
        Err(at(
            Location::Header,
            "invalid",
            "Not a valid string.",
            &["X-Name"]
        ))
    );
    assert_eq!(
        run(&TEXT, &[], None, &headers(&[("x-name", "café".as_bytes())])),
        Ok(json!({"X-Name": "café"})),
        "UTF-8 beyond ASCII is fine"
    );
    // A name that is no header name finds nothing.
    static ODD: [Param; 1] = [Param::header("not a header", Type::String)];
    assert_eq!(
        run(&ODD, &[], None, &headers(&[("x-name", b"v")])),
        Ok(json!({}))
    );
}

#[test]
fn query_text_that_is_not_utf8_or_badly_encoded() {
    let params = [SEARCH, PAGE];
    assert_eq!(
        query(&params, "search=%FF"),
        Err(in_query("invalid", "Not a valid string.", &["search"]))
    );
    assert_eq!(
        query(&params, "page=%FF"),
        Err(in_query(
            "invalid",
            "A valid integer is required.",
            &["page"]
        ))
    );
    // A malformed percent sequence is kept as sent.
    assert_eq!(query(&params, "search=%zz%"), Ok(json!({"search": "%zz%"})));
    assert_eq!(query(&params, "search=%4"), Ok(json!({"search": "%4"})));
    // Stray separators.
    assert_eq!(
        query(&params, "&&search=a&&=x&=&page"),
        Ok(json!({"search": "a"}))
    );
    static COLORS: [Param; 1] = [Param::query("color", Type::Named(COLOR))];
    assert_eq!(
        query(&COLORS, "color=%FF"),
        Err(in_query(
            "invalid_choice",
            "\"\u{FFFD}\" is not a valid choice.",
            &["color"]
        ))
    );
}

#[test]
fn a_broken_default_is_a_schema_fault() {
    static BROKEN: [Param; 1] = [Param {
        default: Some("{"),
        ..Param::query("x", Type::Integer)
    }];
    let fault = query(&BROKEN, "").expect_err("a fault");
    assert!(fault.is_schema_fault(), "{fault:?}");
    assert_eq!(fault.attr, ["x"]);
}

#[test]
fn a_clamped_limit_above_its_largest_is_the_largest() {
    static PARAMS: [Param; 1] = [Param {
        clamp: Some(100),
        rules: Rules {
            minimum: Some(1.0),
            ..Rules::NONE
        },
        ..Param::query("per_page", Type::Integer)
    }];
    assert_eq!(query(&PARAMS, "per_page=500"), Ok(json!({"per_page": 100})));
    assert_eq!(query(&PARAMS, "per_page=100"), Ok(json!({"per_page": 100})));
    assert_eq!(query(&PARAMS, "per_page=7"), Ok(json!({"per_page": 7})));
    assert_eq!(query(&PARAMS, ""), Ok(json!({})));
    // The value's own checks come first: a clamp does not make a bad value good.
    assert_eq!(
        query(&PARAMS, "per_page=0").map_err(|e| e.code),
        Err("min_value")
    );
    assert_eq!(
        query(&PARAMS, "per_page=lots").map_err(|e| e.code),
        Err("invalid")
    );
}

#[test]
fn an_untagged_union_in_the_query_is_one_value_or_one_object() {
    static PARAMS: [Param; 1] = [Param {
        style: Style::DeepObject,
        ..Param::query("created", Type::Named(CREATED))
    }];
    SCHEMA
        .verify_params(&PARAMS)
        .expect("an object variant makes the deepObject style sound");
    assert_eq!(query(&PARAMS, "created=5"), Ok(json!({"created": 5})));
    assert_eq!(
        query(&PARAMS, "created[gt]=5&created[lt]=9"),
        Ok(json!({"created": {"gt": 5, "lt": 9}}))
    );
    assert_eq!(query(&PARAMS, ""), Ok(json!({})));
    let refused = query(&PARAMS, "created=soon").expect_err("neither an integer nor a range");
    assert_eq!(refused.attr, ["created"]);
    let refused = query(&PARAMS, "created[after]=5").expect_err("Range refuses unknown keys");
    assert_eq!(refused.attr, ["created"]);
}
