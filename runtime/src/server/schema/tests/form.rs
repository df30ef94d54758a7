//! [`Schema::form`]: Rails and Stripe bracket keys, typed leaves, empty values, and problems inside forms.

use super::*;

/// A Stripe-like body: plain fields, metadata, expansions and line items.
const CHARGE: usize = 0;
const LINE: usize = 1;
static CHARGES: Schema = Schema {
    types: &[
        TypeDef::Struct(Struct {
            name: "Charge",
            fields: &[
                Field::required("name", Type::String),
                Field {
                    nullable: true,
                    ..Field::optional("description", Type::String)
                },
                Field::optional("label", Type::String),
                Field {
                    nullable: true,
                    ..Field::optional("metadata", Type::Map(&Type::String))
                },
                Field::optional("expand", Type::List(&Type::String)),
                Field::optional("items", Type::List(&Type::Named(LINE))),
                Field::optional("amount", Type::Integer),
                Field::optional("capture", Type::Boolean),
                Field::optional("rate", Type::Number),
                Field::optional("extra", Type::Json),
                Field::optional("level", Type::Named(2)),
                Field::optional("shape", Type::Named(3)),
                Field::optional("scalar", Type::Named(6)),
                Field {
                    nullable: true,
                    ..Field::optional("limit", Type::Integer)
                },
                Field::optional("ids", Type::List(&Type::Integer)),
            ],
            reject_unknown: false,
        }),
        TypeDef::Struct(Struct {
            name: "Line",
            fields: &[
                Field::required("price", Type::String),
                Field {
                    default: Some("1"),
                    rules: Rules {
                        minimum: Some(1.0),
                        ..Rules::NONE
                    },
                    ..Field::optional("quantity", Type::Integer)
                },
            ],
            reject_unknown: true,
        }),
        TypeDef::Enum(Enum {
            name: "Level",
            values: &[Literal::Int(1), Literal::Int(2)],
        }),
        TypeDef::Union(Union {
            name: "Shape",
            tag: Some("kind"),
            variants: &[
                Variant {
                    name: "Circle",
                    tag: Some("circle"),
                    ty: Type::Named(4),
                },
                Variant {
                    name: "Square",
                    tag: Some("square"),
                    ty: Type::Named(5),
                },
            ],
        }),
        TypeDef::Struct(Struct {
            name: "Circle",
            fields: &[
                Field::required("kind", Type::String),
                Field::required("radius", Type::Number),
            ],
            reject_unknown: true,
        }),
        TypeDef::Struct(Struct {
            name: "Square",
            fields: &[
                Field::required("kind", Type::String),
                Field::required("side", Type::String),
            ],
            reject_unknown: true,
        }),
        TypeDef::Union(Union {
            name: "Scalar",
            tag: None,
            variants: &[
                Variant {
                    name: "boolean",
                    tag: None,
                    ty: Type::Boolean,
                },
                Variant {
                    name: "list",
                    tag: None,
                    ty: Type::List(&Type::Integer),
                },
            ],
        }),
    ],
};

fn form(body: &str) -> Result<Value, Invalid> {
    CHARGES.form(body.as_bytes(), &Type::Named(CHARGE))
}

#[test]
fn the_charges_schema_is_sound() {
    assert_eq!(CHARGES.verify(), Ok(()));
}

#[test]
fn stripe_style_nesting() {
    assert_eq!(
        form("name=x&metadata[plan]=pro&expand[]=a&expand[]=b&items[0][price]=p&items[1][price]=q"),
        Ok(json!({
            "name": "x",
            "metadata": {"plan": "pro"},
            "expand": ["a", "b"],
            "items": [{"price": "p", "quantity": 1}, {"price": "q", "quantity": 1}],
        }))
    );
    // Encoded brackets are brackets.
    assert_eq!(
        form("name=x&metadata%5Bplan%5D=pro"),
        Ok(json!({"name": "x", "metadata": {"plan": "pro"}}))
    );
}

#[test]
fn rails_style_list_items() {
    // A key repeated within the last item starts a new one.
    assert_eq!(
        form("name=x&items[][price]=p&items[][quantity]=2&items[][price]=q"),
        Ok(json!({
            "name": "x",
            "items": [{"price": "p", "quantity": 2}, {"price": "q", "quantity": 1}],
        }))
    );
    // Indexes order the items and gaps close.
    assert_eq!(
        form("name=x&items[5][price]=q&items[0][price]=p"),
        Ok(json!({
            "name": "x",
            "items": [{"price": "p", "quantity": 1}, {"price": "q", "quantity": 1}],
        }))
    );
    // Repeated plain keys make a list too.
    assert_eq!(
        form("name=x&expand=a&expand=b"),
        Ok(json!({"name": "x", "expand": ["a", "b"]}))
    );
    assert_eq!(
        form("name=x&ids[]=1&ids[]=2"),
        Ok(json!({"name": "x", "ids": [1, 2]}))
    );
}

#[test]
fn leaves_are_typed_by_their_fields() {
    assert_eq!(
        form("name=x&amount=500&capture=true&rate=0.5&level=2&extra[a]=1&extra[b][]=2"),
        Ok(json!({
            "name": "x",
            "amount": 500,
            "capture": true,
            "rate": 0.5,
            "level": 2,
            "extra": {"a": "1", "b": ["2"]},
        }))
    );
    // Text that is not the declared type is reported as in a JSON body.
    assert_eq!(
        form("name=x&amount=lots"),
        Err(invalid(
            "invalid",
            "A valid integer is required.",
            &["amount"]
        ))
    );
    assert_eq!(
        form("name=x&capture=perhaps"),
        Err(invalid("invalid", "Must be a valid boolean.", &["capture"]))
    );
    assert_eq!(
        form("name=x&level=3"),
        Err(invalid(
            "invalid_choice",
            "\"3\" is not a valid choice.",
            &["level"]
        ))
    );
    assert_eq!(
        form("name=x&items[0][price]=p&items[0][quantity]=0"),
        Err(invalid(
            "min_value",
            "Ensure this value is greater than or equal to 1.",
            &["items", "0", "quantity"]
        ))
    );
    assert_eq!(
        form("name=x&ids[]=1&ids[]=two"),
        Err(invalid(
            "invalid",
            "A valid integer is required.",
            &["ids", "1"]
        ))
    );
}

#[test]
fn empty_values_follow_django_form_rules() {
    // Nullable: null, which is how Stripe unsets a field.
    assert_eq!(
        form("name=x&description=&metadata=&limit="),
        Ok(json!({"name": "x", "description": null, "metadata": null, "limit": null}))
    );
    // Optional and not a string: absent.
    assert_eq!(
        form("name=x&amount=&capture=&expand="),
        Ok(json!({"name": "x"}))
    );
    // A string keeps the empty string, required or not.
    assert_eq!(form("name=&label="), Ok(json!({"name": "", "label": ""})));
    // List items are kept: an empty string item, or an integer item that is refused.
    assert_eq!(
        form("name=x&expand[]="),
        Ok(json!({"name": "x", "expand": [""]}))
    );
    assert_eq!(
        form("name=x&ids[]="),
        Err(invalid(
            "invalid",
            "A valid integer is required.",
            &["ids", "0"]
        ))
    );
}

#[test]
fn shapes_that_do_not_fit() {
    assert_eq!(
        form("name=x&metadata=pro"),
        Err(invalid(
            "invalid",
            "Expected a dictionary of items but got type \"str\".",
            &["metadata"]
        ))
    );
    assert_eq!(
        form("name=x&items[a][price]=p"),
        Err(invalid(
            "not_a_list",
            "Expected a list of items but got type \"dict\".",
            &["items"]
        ))
    );
    assert_eq!(
        form("name[first]=x"),
        Err(invalid("invalid", "Not a valid string.", &["name"]))
    );
    assert_eq!(
        form("name=x&items[0][price]=p&items[0][color]=red"),
        Err(invalid(
            "invalid_input",
            "Unknown field.",
            &["items", "0", "color"]
        ))
    );
    // The later pair wins when two disagree on a shape.
    assert_eq!(
        form("name=x&metadata=pro&metadata[plan]=pro"),
        Ok(json!({"name": "x", "metadata": {"plan": "pro"}}))
    );
    // Malformed keys are plain keys, and unknown fields of Charge are ignored.
    assert_eq!(
        form("name=x&metadata[plan=pro&a]b=1&[c]=2&d[e]f=3"),
        Ok(json!({"name": "x"}))
    );
}

#[test]
fn unions_in_forms() {
    assert_eq!(
        form("name=x&shape[kind]=circle&shape[radius]=2"),
        Ok(json!({"name": "x", "shape": {"kind": "circle", "radius": 2}}))
    );
    // The same text typed by the other variant: a square's side is a string.
    assert_eq!(
        form("name=x&shape[kind]=square&shape[side]=2"),
        Ok(json!({"name": "x", "shape": {"kind": "square", "side": "2"}}))
    );
    assert_eq!(
        form("name=x&shape[kind]=hexagon"),
        Err(invalid(
            "invalid_choice",
            "\"hexagon\" is not a valid choice.",
            &["shape", "kind"]
        ))
    );
    assert_eq!(
        form("name=x&shape[radius]=2"),
        Err(invalid(
            "required",
            "This field is required.",
            &["shape", "kind"]
        ))
    );
    // Untagged: each variant types the leaves its own way.
    assert_eq!(
        form("name=x&scalar=true"),
        Ok(json!({"name": "x", "scalar": true}))
    );
    assert_eq!(
        form("name=x&scalar[]=1&scalar[]=2"),
        Ok(json!({"name": "x", "scalar": [1, 2]}))
    );
    assert_eq!(
        form("name=x&scalar=maybe"),
        Err(invalid(
            "invalid",
            "Matches none of: boolean (Must be a valid boolean.), list (0: A valid integer is required.)",
            &["scalar"]
        ))
    );
}

#[test]
fn bodies_that_are_hostile_or_odd() {
    assert_eq!(
        form(""),
        Err(invalid("required", "This field is required.", &["name"]))
    );
    assert_eq!(form("name=a+b%21"), Ok(json!({"name": "a b!"})));
    assert_eq!(
        form("name=%zz%4"),
        Ok(json!({"name": "%zz%4"})),
        "malformed percent sequences are kept"
    );
    assert_eq!(
        CHARGES.form(b"name=caf\xe9", &Type::Named(CHARGE)),
        Err(invalid("invalid", "Not a valid string.", &["name"])),
        "raw bytes that are not UTF-8"
    );
    assert_eq!(
        form("name=%C3%28"),
        Err(invalid("invalid", "Not a valid string.", &["name"])),
        "encoded bytes that are not UTF-8"
    );
    assert_eq!(
        form("name=x&amount=%FF"),
        Err(invalid(
            "invalid",
            "A valid integer is required.",
            &["amount"]
        ))
    );
    assert_eq!(
        form("name=x&extra=%FF"),
        Err(invalid("invalid", "Not a valid string.", &["extra"]))
    );
    let deep = format!("name=x&extra{}=1", "[a]".repeat(33));
    assert_eq!(
        form(&deep),
        Err(invalid(
            "invalid",
            "Keys may be nested at most 32 levels deep.",
            &["extra"]
        ))
    );
    let just_deep_enough = format!("name=x&extra{}=1", "[a]".repeat(31));
    assert!(form(&just_deep_enough).is_ok());
    // A body that is not an object's type.
    assert_eq!(
        CHARGES.form(b"a=1", &Type::Integer),
        Err(invalid("invalid", "A valid integer is required.", &[]))
    );
    // Many keys at one level stay linear (an index per object, not a scan).
    let many: String = (0..20_000).map(|n| format!("metadata[k{n}]=v&")).collect();
    let value = form(&format!("name=x&{many}")).expect("valid");
    assert_eq!(value["metadata"].as_object().map(|m| m.len()), Some(20_000));
}

#[test]
fn forms_of_the_fixture_schema() {
    let body =
        "name=ab&tags[]=x&items[0][price]=p&shape[kind]=circle&shape[radius]=1.5&any[name]=ab";
    assert_eq!(
        SCHEMA.form(body.as_bytes(), &Type::Named(ORDER)),
        Ok(json!({
            "name": "ab",
            "tags": ["x"],
            "items": [{"price": "p", "quantity": 1}],
            "shape": {"kind": "circle", "radius": 1.5},
            "any": {"name": "ab", "color": "red"},
            "page": 1,
        }))
    );
}
