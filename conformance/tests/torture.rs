//! The torture spec (`generator/tests/fixtures/ok/torture.yaml`): every awkward wire name survives a JSON round
//! trip exactly, enum values included.

use serde_json::{json, Value};
use torture_test::models::{Color, Kind, Self_};

#[test]
fn every_wire_name_round_trips() {
    let wire = json!({
        "crate": "c", "async": 1, "match": null, "Self": "S", "super": 1.5, "1st": "a", "2nd-place": "b",
        "with.dot": "d", "with space": "s", "camelCase": "x", "camel_case": "y", "CamelCase": "z",
        "naïve": "n", "名前": "名", "": "empty", "very_long": "v", "doc_torture": "*/", "kind": "a-b", "color": "Unknown"
    });
    let decoded: Self_ = serde_json::from_value(wire.clone()).expect("decodes");
    assert_eq!(decoded.camel_case.as_deref(), Some("x"));
    assert_eq!(decoded.camel_case_2.as_deref(), Some("y"));
    assert_eq!(decoded.camel_case_3.as_deref(), Some("z"));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), wire);
}

#[test]
fn awkward_enum_values_round_trip() {
    for value in [
        "type",
        "Self",
        "self",
        "1st",
        "a-b",
        "a_b",
        "",
        "with space",
        "ÄÖÜ",
        "UPPER",
        "upper",
        "-type",
        "+1",
        "-1",
        "v1",
        "v-1",
    ] {
        let kind: Kind =
            serde_json::from_value(Value::from(value)).unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert_eq!(kind.as_str(), value);
        assert_eq!(serde_json::to_value(kind).unwrap(), Value::from(value));
    }
    assert_eq!(Kind::ALL.len(), 16);
    // An open enum whose own values include "Unknown": the known value wins, other strings are kept.
    assert_eq!(
        serde_json::from_value::<Color>(json!("Unknown")).unwrap(),
        Color::Unknown2
    );
    assert_eq!(
        serde_json::from_value::<Color>(json!("mauve")).unwrap(),
        Color::Unknown("mauve".into())
    );
}
