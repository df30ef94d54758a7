//! serde decoding errors → the API's validation answer. The router checks inputs against the schema first
//! ([`super::schema`]), so these only appear if a generated type and its schema ever disagreed; even then the
//! caller gets the validation answer naming the value, never a 500.
//!
//! Codes and messages follow Django REST framework's, which many JSON APIs share.

use super::error::ApiError;
use std::borrow::Cow;

/// Maps a decoding error to the validation answer: the path becomes `attr`, serde's message the code and detail.
pub(super) fn decode_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_path_to_error::Segment;
    let mut attr: Vec<String> = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    let message = error.inner().to_string();
    let (code, detail): (&'static str, String) =
        if let Some(field) = backticked(&message, "missing field ") {
            attr.push(field.to_owned());
            ("required", "This field is required.".to_owned())
        } else if let Some(field) = backticked(&message, "unknown field ") {
            // The path may stop at the object; the message always names the field.
            if attr.last().map(String::as_str) != Some(field) {
                attr.push(field.to_owned());
            }
            ("invalid_input", "Unknown field.".to_owned())
        } else if let Some(value) = backticked(&message, "unknown variant ") {
            (
                "invalid_choice",
                format!("\"{value}\" is not a valid choice."),
            )
        } else if message.starts_with("invalid type: null") {
            ("null", "This field may not be null.".to_owned())
        } else {
            ("invalid", capitalized(&message))
        };
    ApiError::Validation {
        code: Cow::Borrowed(code),
        detail,
        attr: (!attr.is_empty()).then(|| attr.join("__")),
    }
}

/// The name between backticks right after `prefix` (serde's "missing field `name`").
fn backticked<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`').map(|(name, _)| name)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        query: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        name: String,
        inner: Option<Inner>,
        list: Option<Vec<Inner>>,
        count: Option<i64>,
    }

    fn error(json: serde_json::Value) -> ApiError {
        match serde_path_to_error::deserialize::<_, Body>(json) {
            Ok(body) => panic!("decoded {body:?}"),
            Err(e) => decode_error(e),
        }
    }

    #[test]
    fn decode_errors_name_the_field() {
        use serde_json::json;
        assert_eq!(
            error(json!({})),
            ApiError::field("name", "required", "This field is required.")
        );
        assert_eq!(
            error(json!({"name": "x", "inner": {}})),
            ApiError::field("inner__query", "required", "This field is required.")
        );
        assert_eq!(
            error(json!({"name": null})),
            ApiError::field("name", "null", "This field may not be null.")
        );
        assert_eq!(
            error(json!({"name": "x", "inner": {"query": "q", "extra": 1}})),
            ApiError::field("inner__extra", "invalid_input", "Unknown field.")
        );
        let nested = error(json!({"name": "x", "list": [{"query": "a"}, {"query": 1}]}));
        assert!(
            matches!(&nested, ApiError::Validation { attr: Some(a), .. } if a == "list__1__query"),
            "{nested:?}"
        );
        let wrong = error(json!({"name": "x", "count": "many"}));
        assert!(
            matches!(&wrong, ApiError::Validation { code, attr: Some(a), .. } if code == "invalid" && a == "count"),
            "{wrong:?}"
        );
    }
}
