//! Tests of the schema module: one static schema, shaped like generated code, and the helpers every test uses.

use super::*;
use serde_json::json;

mod check;
mod form;
mod hostile;
mod params;
mod verify;

pub(super) const LABEL: usize = 0;
pub(super) const COLOR: usize = 1;
pub(super) const LEVEL: usize = 2;
pub(super) const FLAG: usize = 3;
pub(super) const SHAPE: usize = 4;
pub(super) const CIRCLE: usize = 5;
pub(super) const SQUARE: usize = 6;
pub(super) const CIRCLE_KIND: usize = 7;
pub(super) const ANY: usize = 8;
pub(super) const ITEM: usize = 9;
pub(super) const ORDER: usize = 10;
pub(super) const NESTED: usize = 11;
pub(super) const RANGE: usize = 12;
pub(super) const EXP: usize = 13;
pub(super) const WRAP_ONE: usize = 14;
pub(super) const WRAP_TWO: usize = 15;
pub(super) const ONE: usize = 16;
pub(super) const TWO: usize = 17;
pub(super) const SCALAR: usize = 18;
pub(super) const TREE: usize = 19;
pub(super) const TRIANGLE: usize = 20;
pub(super) const CREATED: usize = 21;

static NAME_PATTERN: Pattern = Pattern::new("^[a-z]+$");

/// Written as the generator writes it: `static` items, struct update syntax over the const constructors.
pub(super) static SCHEMA: Schema = Schema {
    types: &[
        // LABEL
        TypeDef::Struct(Struct {
            name: "Label",
            fields: &[
                Field {
                    rules: Rules {
                        max_length: Some(10),
                        min_length: Some(2),
                        pattern: Some(&NAME_PATTERN),
                        ..Rules::NONE
                    },
                    ..Field::required("name", Type::String)
                },
                Field {
                    default: Some("\"red\""),
                    ..Field::optional("color", Type::Named(COLOR))
                },
            ],
            reject_unknown: true,
        }),
        // COLOR
        TypeDef::Enum(Enum {
            name: "Color",
            values: &[
                Literal::Str("red"),
                Literal::Str("green"),
                Literal::Str("blue"),
            ],
        }),
        // LEVEL
        TypeDef::Enum(Enum {
            name: "Level",
            values: &[Literal::Int(1), Literal::Int(2), Literal::Int(3)],
        }),
        // FLAG
        TypeDef::Enum(Enum {
            name: "Flag",
            values: &[Literal::Bool(true)],
        }),
        // SHAPE
        TypeDef::Union(Union {
            name: "Shape",
            tag: Some("kind"),
            variants: &[
                Variant {
                    name: "Circle",
                    tag: Some("circle"),
                    ty: Type::Named(CIRCLE),
                },
                Variant {
                    name: "Square",
                    tag: Some("square"),
                    ty: Type::Named(SQUARE),
                },
                Variant {
                    name: "Triangle",
                    tag: Some("triangle"),
                    ty: Type::Named(TRIANGLE),
                },
            ],
        }),
        // CIRCLE
        TypeDef::Struct(Struct {
            name: "Circle",
            fields: &[
                Field::required("kind", Type::Named(CIRCLE_KIND)),
                Field {
                    rules: Rules {
                        minimum: Some(0.0),
                        ..Rules::NONE
                    },
                    ..Field::required("radius", Type::Number)
                },
            ],
            reject_unknown: true,
        }),
        // SQUARE
        TypeDef::Struct(Struct {
            name: "Square",
            fields: &[
                Field::required("kind", Type::String),
                Field::required("side", Type::Integer),
            ],
            reject_unknown: false,
        }),
        // CIRCLE_KIND
        TypeDef::Enum(Enum {
            name: "CircleKind",
            values: &[Literal::Str("circle")],
        }),
        // ANY
        TypeDef::Union(Union {
            name: "Any",
            tag: None,
            variants: &[
                Variant {
                    name: "string",
                    tag: None,
                    ty: Type::String,
                },
                Variant {
                    name: "Label",
                    tag: None,
                    ty: Type::Named(LABEL),
                },
            ],
        }),
        // ITEM
        TypeDef::Struct(Struct {
            name: "Item",
            fields: &[
                Field::required("price", Type::String),
                Field {
                    default: Some("1"),
                    rules: Rules {
                        minimum: Some(1.0),
                        maximum: Some(100.0),
                        ..Rules::NONE
                    },
                    ..Field::optional("quantity", Type::Integer)
                },
            ],
            reject_unknown: true,
        }),
        // ORDER
        TypeDef::Struct(Struct {
            name: "Order",
            fields: &[
                Field {
                    rules: Rules {
                        max_length: Some(5),
                        ..Rules::NONE
                    },
                    ..Field::required("name", Type::String)
                },
                Field {
                    nullable: true,
                    ..Field::optional("note", Type::String)
                },
                Field {
                    rules: Rules {
                        minimum: Some(0.0),
                        maximum: Some(10.0),
                        ..Rules::NONE
                    },
                    ..Field::optional("count", Type::Integer)
                },
                Field {
                    rules: Rules {
                        minimum: Some(0.5),
                        maximum: Some(2.5),
                        ..Rules::NONE
                    },
                    ..Field::optional("ratio", Type::Number)
                },
                Field::optional("active", Type::Boolean),
                Field::optional("id", Type::Uuid),
                Field::optional("at", Type::DateTime),
                Field::optional("day", Type::Date),
                Field::optional("extra", Type::Json),
                Field {
                    rules: Rules {
                        min_items: Some(1),
                        max_items: Some(3),
                        ..Rules::NONE
                    },
                    ..Field::optional("tags", Type::List(&Type::String))
                },
                Field {
                    rules: Rules {
                        min_items: Some(2),
                        ..Rules::NONE
                    },
                    ..Field::optional("pairs", Type::List(&Type::Integer))
                },
                Field::optional("items", Type::List(&Type::Named(ITEM))),
                Field {
                    nullable: true,
                    ..Field::optional("metadata", Type::Map(&Type::String))
                },
                Field::optional("level", Type::Named(LEVEL)),
                Field::optional("flag", Type::Named(FLAG)),
                Field::optional("color", Type::Named(COLOR)),
                Field::optional("shape", Type::Named(SHAPE)),
                Field::optional("any", Type::Named(ANY)),
                Field {
                    default: Some("1"),
                    ..Field::optional("page", Type::Integer)
                },
                Field::optional("scalar", Type::Named(SCALAR)),
            ],
            reject_unknown: false,
        }),
        // NESTED: a list of itself, or an integer, so values can nest without end.
        TypeDef::Union(Union {
            name: "Nested",
            tag: None,
            variants: &[
                Variant {
                    name: "list",
                    tag: None,
                    ty: Type::List(&Type::Named(NESTED)),
                },
                Variant {
                    name: "number",
                    tag: None,
                    ty: Type::Integer,
                },
            ],
        }),
        // RANGE
        TypeDef::Struct(Struct {
            name: "Range",
            fields: &[
                Field::optional("gt", Type::Integer),
                Field::optional("lt", Type::Integer),
            ],
            reject_unknown: true,
        }),
        // EXP: two variants that each walk the whole value before failing on their last key, so without a step
        // budget a value nested n deep costs 2^n.
        TypeDef::Union(Union {
            name: "Exp",
            tag: None,
            variants: &[
                Variant {
                    name: "one",
                    tag: None,
                    ty: Type::Named(WRAP_ONE),
                },
                Variant {
                    name: "two",
                    tag: None,
                    ty: Type::Named(WRAP_TWO),
                },
                Variant {
                    name: "leaf",
                    tag: None,
                    ty: Type::Integer,
                },
            ],
        }),
        // WRAP_ONE
        TypeDef::Struct(Struct {
            name: "WrapOne",
            fields: &[
                Field::required("inner", Type::Named(EXP)),
                Field::required("k", Type::Named(ONE)),
            ],
            reject_unknown: false,
        }),
        // WRAP_TWO
        TypeDef::Struct(Struct {
            name: "WrapTwo",
            fields: &[
                Field::required("inner", Type::Named(EXP)),
                Field::required("k", Type::Named(TWO)),
            ],
            reject_unknown: false,
        }),
        // ONE
        TypeDef::Enum(Enum {
            name: "One",
            values: &[Literal::Str("one")],
        }),
        // TWO
        TypeDef::Enum(Enum {
            name: "Two",
            values: &[Literal::Str("two")],
        }),
        // SCALAR
        TypeDef::Union(Union {
            name: "Scalar",
            tag: None,
            variants: &[
                Variant {
                    name: "integer",
                    tag: None,
                    ty: Type::Integer,
                },
                Variant {
                    name: "string",
                    tag: None,
                    ty: Type::String,
                },
            ],
        }),
        // TREE
        TypeDef::Struct(Struct {
            name: "Tree",
            fields: &[
                Field::required("name", Type::String),
                Field::optional("children", Type::List(&Type::Named(TREE))),
            ],
            reject_unknown: false,
        }),
        // TRIANGLE: a variant that leaves the tag field to the union, and refuses unknown fields.
        TypeDef::Struct(Struct {
            name: "Triangle",
            fields: &[Field {
                default: Some("1"),
                ..Field::optional("base", Type::Integer)
            }],
            reject_unknown: true,
        }),
        // CREATED: one value or one object, as Stripe's `created=5` or `created[gt]=5`.
        TypeDef::Union(Union {
            name: "Created",
            tag: None,
            variants: &[
                Variant {
                    name: "integer",
                    tag: None,
                    ty: Type::Integer,
                },
                Variant {
                    name: "Range",
                    tag: None,
                    ty: Type::Named(RANGE),
                },
            ],
        }),
    ],
};

/// The problem a test expects.
pub(super) fn invalid(code: &'static str, detail: &str, attr: &[&str]) -> Invalid {
    Invalid {
        code,
        detail: detail.to_owned(),
        attr: attr.iter().map(|segment| (*segment).to_owned()).collect(),
        location: None,
    }
}

/// Checks `value` against `ty`, returning the value as the check left it.
pub(super) fn check_as(ty: Type, value: Value) -> Result<Value, Invalid> {
    check_with(ty, &Rules::NONE, value)
}

pub(super) fn check_with(ty: Type, rules: &Rules, mut value: Value) -> Result<Value, Invalid> {
    SCHEMA.check(&mut value, &ty, rules).map(|()| value)
}

/// Checks an `Order` body.
pub(super) fn order(value: Value) -> Result<Value, Invalid> {
    check_as(Type::Named(ORDER), value)
}

/// The first problem of an `Order` body, which the test expects to be refused.
pub(super) fn order_error(value: Value) -> Invalid {
    match order(value) {
        Ok(value) => panic!("expected a problem, the body passed as {value}"),
        Err(invalid) => invalid,
    }
}

#[test]
fn the_fixture_schema_is_sound() {
    assert_eq!(SCHEMA.verify(), Ok(()));
}
