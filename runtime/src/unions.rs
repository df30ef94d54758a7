//! What the generated unions share: (de)serializing a union tagged by a field (the tag may live inside the variant's
//! own struct, or be the union's alone), and trying an untagged union's variants in order with an error that says
//! which were tried and why each failed. Values pass through `serde_json::Value`, which unions need anyway (the tag
//! must be read before the variant is known) and which keeps the generated code to one call per variant.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// How long a failure reason may be in an untagged union's message, so that nested unions stay readable.
const REASON_CHARS: usize = 160;

/// The tag of a tagged union's value: the string at `tag`.
pub fn tag_of<E: serde::de::Error>(value: &Value, tag: &str, union: &str) -> Result<String, E> {
    match value {
        Value::Object(entries) => match entries.get(tag) {
            Some(Value::String(t)) => Ok(t.clone()),
            Some(other) => Err(E::custom(format!(
                "the tag `{tag}` of {union} is {other}, not a string"
            ))),
            None => Err(E::custom(format!(
                "missing field `{tag}` (the tag of {union})"
            ))),
        },
        other => Err(E::custom(format!(
            "{union} is an object with a `{tag}` field, found {}",
            kind(other)
        ))),
    }
}

/// A tagged variant's value from the union's object. A variant whose struct does not declare the tag field gets
/// the object without it (its struct may refuse unknown fields). A value that does not fit fails with serde's
/// message followed by the variant it was read as (``missing field `brand` (in the `object: card` variant of
/// PaymentSource)``): the tag chose the variant, so the message says which, as an untagged union's names each tried.
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(
    mut value: Value,
    tag: &str,
    tag_value: &str,
    union: &str,
    declares_tag: bool,
) -> Result<T, E> {
    if !declares_tag {
        if let Value::Object(entries) = &mut value {
            entries.shift_remove(tag);
        }
    }
    serde_json::from_value(value).map_err(|e| {
        E::custom(format!(
            "{e} (in the `{tag}: {tag_value}` variant of {union})"
        ))
    })
}

/// The error for a tag no variant of a closed union has.
pub fn unknown_tag<E: serde::de::Error>(
    tag_value: &str,
    tag: &str,
    union: &str,
    known: &[&str],
) -> E {
    let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    E::custom(format!(
        "unknown variant `{tag_value}` of {union} (field `{tag}`), expected one of {}",
        known.join(", ")
    ))
}

/// Serializes a tagged variant: its own fields, with the tag field set to `tag_value` (first, where the variant
/// does not declare it).
pub fn serialize_tagged<V: Serialize, S: Serializer>(
    value: &V,
    tag: &str,
    tag_value: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut object = match serde_json::to_value(value).map_err(S::Error::custom)? {
        Value::Object(entries) => entries,
        other => {
            return Err(S::Error::custom(format!(
                "a tagged union's variant is an object, found {}",
                kind(&other)
            )))
        }
    };
    if !object.contains_key(tag) {
        let mut tagged = serde_json::Map::with_capacity(object.len() + 1);
        tagged.insert(tag.to_owned(), Value::String(tag_value.to_owned()));
        tagged.append(&mut object);
        object = tagged;
    }
    object.serialize(serializer)
}

/// The variants of an untagged union tried so far, and why each failed.
#[derive(Debug)]
pub struct Tried {
    union: &'static str,
    reasons: Vec<String>,
}

impl Tried {
    /// Nothing tried yet, for the union named `union`.
    pub fn new(union: &'static str) -> Self {
        Tried {
            union,
            reasons: Vec::new(),
        }
    }

    /// Decodes `value` as the variant `name`, or records why it is not one.
    pub fn attempt<T: DeserializeOwned>(&mut self, value: &Value, name: &str) -> Option<T> {
        match serde_json::from_value(value.clone()) {
            Ok(v) => Some(v),
            Err(e) => {
                let mut reason = e.to_string();
                if reason.chars().count() > REASON_CHARS {
                    reason = reason.chars().take(REASON_CHARS).collect::<String>() + "…";
                }
                self.reasons.push(format!("{name} ({reason})"));
                None
            }
        }
    }

    /// The error once every variant failed.
    pub fn error<E: serde::de::Error>(self) -> E {
        E::custom(format!(
            "{} matches none of its variants: {}",
            self.union,
            self.reasons.join("; ")
        ))
    }
}

/// A JSON value's kind, for messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Text {
        text: String,
    }

    #[test]
    fn a_variant_without_the_tag_field_decodes_without_it_and_serializes_with_it() {
        let value = serde_json::json!({"type": "text", "text": "hi"});
        let text: Result<Text, serde_json::Error> = variant(value, "type", "text", "Part", false);
        assert_eq!(text.ok(), Some(Text { text: "hi".into() }));
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::new(&mut out);
        assert!(serialize_tagged(&Text { text: "hi".into() }, "type", "text", &mut ser).is_ok());
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"type":"text","text":"hi"}"#
        );
    }

    #[test]
    fn a_variant_that_does_not_fit_names_itself_after_serdes_message() {
        let value = serde_json::json!({"type": "text"});
        let text: Result<Text, serde_json::Error> = variant(value, "type", "text", "Part", false);
        assert_eq!(
            text.map_err(|e| e.to_string()),
            Err("missing field `text` (in the `type: text` variant of Part)".to_owned())
        );
    }

    #[test]
    fn tags_must_be_strings_of_objects() {
        let tag =
            |v: Value| tag_of::<serde_json::Error>(&v, "type", "Part").map_err(|e| e.to_string());
        assert_eq!(tag(serde_json::json!({"type": "a"})), Ok("a".into()));
        assert!(tag(serde_json::json!({"type": 1})).is_err_and(|e| e.contains("not a string")));
        assert!(tag(serde_json::json!({})).is_err_and(|e| e.contains("missing field `type`")));
        assert!(tag(serde_json::json!([1])).is_err_and(|e| e.contains("found an array")));
    }

    #[test]
    fn untagged_failures_name_every_variant_tried() {
        let value = serde_json::json!({"x": 1});
        let mut tried = Tried::new("Title");
        assert_eq!(tried.attempt::<String>(&value, "String"), None);
        assert_eq!(tried.attempt::<i64>(&value, "Integer"), None);
        let error: serde_json::Error = tried.error();
        let text = error.to_string();
        assert!(
            text.starts_with("Title matches none of its variants: String (invalid type"),
            "{text}"
        );
        assert!(text.contains("; Integer (invalid type"), "{text}");
    }
}
