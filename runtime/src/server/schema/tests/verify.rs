//! [`Schema::verify`] and [`Schema::verify_params`]: each kind of fault in the static data is found.

use super::*;

static BAD_PATTERN: Pattern = Pattern::new("[unclosed");

static BROKEN: Schema = Schema {
    types: &[
        // 0: faults in fields.
        TypeDef::Struct(Struct {
            name: "Fields",
            fields: &[
                Field::optional("dangling", Type::List(&Type::Named(42))),
                Field {
                    default: Some("nope"),
                    ..Field::optional("not_json", Type::Integer)
                },
                Field {
                    default: Some("\"text\""),
                    ..Field::optional("refused_default", Type::Integer)
                },
                Field {
                    default: Some("null"),
                    nullable: true,
                    ..Field::optional("null_default", Type::Integer)
                },
                Field {
                    rules: Rules {
                        pattern: Some(&BAD_PATTERN),
                        ..Rules::NONE
                    },
                    ..Field::optional("bad_pattern", Type::String)
                },
                Field {
                    rules: Rules {
                        max_length: Some(3),
                        ..Rules::NONE
                    },
                    ..Field::optional("misfit", Type::Integer)
                },
                Field {
                    rules: Rules {
                        minimum: Some(5.0),
                        maximum: Some(1.0),
                        ..Rules::NONE
                    },
                    ..Field::optional("crossed", Type::Number)
                },
                Field::optional("twice", Type::String),
                Field::optional("twice", Type::String),
            ],
            reject_unknown: false,
        }),
        // 1
        TypeDef::Enum(Enum {
            name: "Empty",
            values: &[],
        }),
        // 2: tagged, with every kind of faulty variant.
        TypeDef::Union(Union {
            name: "Tagged",
            tag: Some("kind"),
            variants: &[
                Variant {
                    name: "NoTag",
                    tag: None,
                    ty: Type::Named(4),
                },
                Variant {
                    name: "NotAStruct",
                    tag: Some("text"),
                    ty: Type::String,
                },
                Variant {
                    name: "Misdeclared",
                    tag: Some("a"),
                    ty: Type::Named(5),
                },
                Variant {
                    name: "Repeated",
                    tag: Some("a"),
                    ty: Type::Named(4),
                },
            ],
        }),
        // 3: a union that is its own variant.
        TypeDef::Union(Union {
            name: "Loop",
            tag: None,
            variants: &[Variant {
                name: "again",
                tag: None,
                ty: Type::Named(3),
            }],
        }),
        // 4
        TypeDef::Struct(Struct {
            name: "NoKind",
            fields: &[Field::optional("other", Type::String)],
            reject_unknown: false,
        }),
        // 5
        TypeDef::Struct(Struct {
            name: "NumberKind",
            fields: &[Field::required("kind", Type::Integer)],
            reject_unknown: false,
        }),
    ],
};

fn problems() -> Vec<String> {
    BROKEN.verify().expect_err("the schema is broken")
}

fn found(needle: &str) -> bool {
    problems().iter().any(|problem| problem.contains(needle))
}

#[test]
fn every_fault_is_found() {
    for needle in [
        "field `dangling`: refers to type 42",
        "field `not_json`: has a default that is not JSON",
        "field `refused_default`: has a default its own check refuses: A valid integer is required.",
        "field `bad_pattern`: has a pattern that does not compile",
        "field `misfit`: has length or pattern rules but is not a string",
        "field `crossed`: has a minimum above its maximum",
        "field `twice`: is declared twice",
        "`Empty`: is an enum without values",
        "variant `NoTag`: has no tag value in a tagged union",
        "variant `NotAStruct`: is not a struct",
        "variant `Misdeclared`: declares the tag field `kind` as neither a string nor an enum with `a`",
        "variant `Repeated`: repeats the tag value `a`",
        "`Loop`: is a union that is one of its own variants",
    ] {
        assert!(found(needle), "{needle} not in {:#?}", problems());
    }
    assert!(
        !found("variant `Repeated`: declares"),
        "a variant may leave the tag field to the union"
    );
    assert!(
        !found("null_default"),
        "a null default of a nullable field is fine"
    );
}

#[test]
fn a_union_that_contains_itself_stops_the_walk() {
    let mut value = json!(1);
    let fault = BROKEN
        .check(&mut value, &Type::Named(3), &Rules::NONE)
        .expect_err("a fault");
    assert!(fault.is_schema_fault(), "{fault:?}");
}

#[test]
fn parameter_faults() {
    static PARAMS: [Param; 8] = [
        Param {
            required: false,
            ..Param::path("id", Type::Integer)
        },
        Param {
            clamp: Some(100),
            ..Param::query("cursor", Type::String)
        },
        Param::header("X-Label", Type::Named(LABEL)),
        Param::header("x-label", Type::String),
        Param {
            style: Style::Comma,
            ..Param::query("page", Type::Integer)
        },
        Param {
            style: Style::DeepObject,
            ..Param::query("search", Type::String)
        },
        Param {
            default: Some("0"),
            rules: Rules {
                minimum: Some(1.0),
                ..Rules::NONE
            },
            ..Param::query("limit", Type::Integer)
        },
        Param {
            style: Style::Brackets,
            ..Param::header("X-Tags", Type::List(&Type::String))
        },
    ];
    let problems = SCHEMA
        .verify_params(&PARAMS)
        .expect_err("faulty parameters");
    for needle in [
        "parameter `id`: is in the path, so it must be required",
        "parameter `X-Label`: is an object or nested list",
        "parameter `x-label`: is declared twice",
        "parameter `page`: has a list style but is not a list",
        "parameter `search`: has the deepObject style",
        "parameter `limit`: has a default its own check refuses",
        "parameter `X-Tags`: has a style, which only query parameters take",
        "parameter `cursor`: is clamped, but is not an integer",
    ] {
        assert!(
            problems.iter().any(|problem| problem.contains(needle)),
            "{needle} not in {problems:#?}"
        );
    }
    assert_eq!(problems.len(), 8, "{problems:#?}");
}

#[test]
fn sound_parameters_pass() {
    static PARAMS: [Param; 5] = [
        Param::path("id", Type::Uuid),
        Param::header("X-Tags", Type::List(&Type::String)),
        Param {
            style: Style::DeepObject,
            ..Param::query("created", Type::Named(RANGE))
        },
        Param {
            style: Style::Comma,
            ..Param::query("ids", Type::List(&Type::Integer))
        },
        Param {
            default: Some("1"),
            ..Param::query("level", Type::Named(LEVEL))
        },
    ];
    assert_eq!(SCHEMA.verify_params(&PARAMS), Ok(()));
}
