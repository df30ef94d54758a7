//! Request input → typed values, every failure an [`ApiError::Validation`] naming the field or parameter.
//!
//! - JSON bodies go through `serde_path_to_error`, so a wrong type deep inside a body names its field
//!   (`query__query`), a missing field is `required`, an unknown value of a closed enum is `invalid_choice`.
//! - Path and query parameters are parsed with `FromStr`; the generated code passes the message for the type.
//! - [`Validate`] checks the spec's constraints (lengths, patterns, bounds) once the body has decoded.
//!
//! Codes and messages follow Django REST framework's, which many JSON APIs share.

use super::error::ApiError;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use regex::Regex;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::str::FromStr;

/// Decodes a JSON request body. An empty body is read as `{}`, so a body with required fields reports them as
/// `required` rather than failing to parse.
pub fn json_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let bytes = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        // Decoding stops at the first wrong value; a body that is not JSON at all is reported as such, wherever
        // its syntax error is (only failures pay for this second pass).
        match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Err(syntax) => parse_error(syntax),
            Ok(_) => body_error(error),
        }
    })?;
    deserializer.end().map_err(parse_error)?;
    Ok(value)
}

fn parse_error(error: serde_json::Error) -> ApiError {
    ApiError::validation("parse_error", format!("JSON parse error - {error}"))
}

/// Maps a decoding error to the validation answer: the path becomes `attr`, serde's message the code and detail.
fn body_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    use serde_path_to_error::Segment;
    let inner = error.inner();
    if !inner.is_data() {
        return parse_error(error.into_inner());
    }
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
    let message = message_without_position(inner);
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
            ("invalid_input", capitalized(&message))
        };
    ApiError::Validation {
        code: Cow::Borrowed(code),
        detail,
        attr: (!attr.is_empty()).then(|| attr.join("__")),
    }
}

/// serde_json's message without its " at line L column C" suffix, which means nothing to an API caller.
fn message_without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
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

/// How to report a parameter value that does not parse: a code and a message (`{value}` is replaced by the value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    /// The validation code.
    pub code: &'static str,
    /// The message; `{value}` stands for the value sent.
    pub detail: &'static str,
}

impl Invalid {
    /// Text parameters always parse.
    pub const TEXT: Invalid = Invalid {
        code: "invalid_input",
        detail: "Not a valid string.",
    };
    /// An integer parameter.
    pub const INTEGER: Invalid = Invalid {
        code: "invalid_input",
        detail: "A valid integer is required.",
    };
    /// A number parameter.
    pub const NUMBER: Invalid = Invalid {
        code: "invalid_input",
        detail: "A valid number is required.",
    };
    /// A boolean parameter (`true` or `false`).
    pub const BOOLEAN: Invalid = Invalid {
        code: "invalid_input",
        detail: "Must be a valid boolean.",
    };
    /// A UUID parameter.
    pub const UUID: Invalid = Invalid {
        code: "invalid_input",
        detail: "Must be a valid UUID.",
    };
    /// A date-time parameter (RFC 3339).
    pub const DATETIME: Invalid = Invalid {
        code: "invalid_input",
        detail: "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
    };
    /// A date parameter.
    pub const DATE: Invalid = Invalid {
        code: "invalid_input",
        detail: "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
    };
    /// A parameter taking one of an enum's values.
    pub const CHOICE: Invalid = Invalid {
        code: "invalid_choice",
        detail: "\"{value}\" is not a valid choice.",
    };

    fn error(&self, name: &str, value: &str) -> ApiError {
        ApiError::field(name, self.code, self.detail.replace("{value}", value))
    }
}

/// Parses one parameter value, naming the parameter when it does not parse.
pub fn parse_param<T: FromStr>(name: &str, value: &str, invalid: &Invalid) -> Result<T, ApiError> {
    value.parse().map_err(|_| invalid.error(name, value))
}

/// The request's path parameters, as the router matched them. Fails only for a parameter that is not UTF-8 once
/// percent-decoded, which is the client's fault.
pub async fn path_params(parts: &mut Parts) -> Result<RawPathParams, ApiError> {
    RawPathParams::from_request_parts(parts, &())
        .await
        .map_err(|rejection| ApiError::validation("invalid_input", rejection.body_text()))
}

/// The path parameter `name` (already percent-decoded by the router), parsed.
pub fn path_param<T: FromStr>(
    params: &RawPathParams,
    name: &str,
    invalid: &Invalid,
) -> Result<T, ApiError> {
    match params.iter().find(|(key, _)| *key == name) {
        Some((_, value)) => parse_param(name, value, invalid),
        // The route's pattern declares every parameter the handler reads, so this is a generator bug.
        None => Err(ApiError::internal(format!(
            "the route has no path parameter `{name}`"
        ))),
    }
}

/// A request's query string as decoded `name=value` pairs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryPairs {
    pairs: Vec<(String, String)>,
}

impl QueryPairs {
    /// Decodes a query string (`None`: no query).
    pub fn parse(query: Option<&str>) -> Self {
        let pairs = query
            .map(|q| {
                form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        QueryPairs { pairs }
    }

    /// The parameter `name`, parsed; `None` when it is absent or empty. A repeated parameter takes its last value.
    pub fn optional<T: FromStr>(
        &self,
        name: &str,
        invalid: &Invalid,
    ) -> Result<Option<T>, ApiError> {
        match self.pairs.iter().rev().find(|(key, _)| key == name) {
            Some((_, value)) if !value.is_empty() => parse_param(name, value, invalid).map(Some),
            _ => Ok(None),
        }
    }

    /// The parameter `name`, parsed; `required` when it is absent or empty.
    pub fn required<T: FromStr>(&self, name: &str, invalid: &Invalid) -> Result<T, ApiError> {
        self.optional(name, invalid)?
            .ok_or_else(|| ApiError::field(name, "required", "This field is required."))
    }
}

/// Checks the spec's constraints on a decoded request body. Generated for every body type that has any.
pub trait Validate {
    /// `Ok` when every constraint holds; otherwise the first violation, `attr` naming the field.
    fn validate(&self) -> Result<(), ApiError>;
}

/// Constraint checks used by the generated [`Validate`] impls. Each returns an error without `attr`; the caller
/// places it in its field with [`ApiError::in_field`].
pub mod check {
    use super::*;

    /// Python-style length: characters, not bytes.
    fn length(value: &str) -> usize {
        value.chars().count()
    }

    /// A bound as people write it: `5`, not `5.0`.
    fn number(bound: f64) -> String {
        if bound.fract() == 0.0 && bound.abs() < 1e15 {
            format!("{}", bound as i64)
        } else {
            bound.to_string()
        }
    }

    /// At most `max` characters.
    pub fn max_length(value: &str, max: usize) -> Result<(), ApiError> {
        if length(value) > max {
            return Err(ApiError::validation(
                "max_length",
                format!("Ensure this field has no more than {max} characters."),
            ));
        }
        Ok(())
    }

    /// At least `min` characters.
    pub fn min_length(value: &str, min: usize) -> Result<(), ApiError> {
        if length(value) < min {
            return Err(ApiError::validation(
                "min_length",
                format!("Ensure this field has at least {min} characters."),
            ));
        }
        Ok(())
    }

    /// Matches `pattern` (anywhere, as the pattern's own anchors say).
    pub fn pattern(value: &str, pattern: &Regex) -> Result<(), ApiError> {
        if !pattern.is_match(value) {
            return Err(ApiError::validation(
                "invalid_input",
                format!(
                    "This value does not match the required pattern `{}`.",
                    pattern.as_str()
                ),
            ));
        }
        Ok(())
    }

    /// At least `min`.
    pub fn minimum(value: f64, min: f64) -> Result<(), ApiError> {
        if value < min {
            return Err(ApiError::validation(
                "min_value",
                format!(
                    "Ensure this value is greater than or equal to {}.",
                    number(min)
                ),
            ));
        }
        Ok(())
    }

    /// At most `max`.
    pub fn maximum(value: f64, max: f64) -> Result<(), ApiError> {
        if value > max {
            return Err(ApiError::validation(
                "max_value",
                format!(
                    "Ensure this value is less than or equal to {}.",
                    number(max)
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    enum Kind {
        #[serde(rename = "String")]
        Text,
        Number,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        query: String,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Body {
        name: String,
        kind: Option<Kind>,
        inner: Option<Inner>,
        list: Option<Vec<Inner>>,
        count: Option<i64>,
    }

    fn error(json: &str) -> ApiError {
        json_body::<Body>(json.as_bytes()).expect_err("the body is invalid")
    }

    fn field(attr: &str, code: &'static str, detail: &str) -> ApiError {
        ApiError::field(attr, code, detail)
    }

    #[test]
    fn decodes_valid_bodies() {
        let body: Body =
            json_body(br#"{"name": "x", "kind": "String", "count": 2}"#).expect("valid");
        assert_eq!(body.kind, Some(Kind::Text));
        assert_eq!(body.count, Some(2));
    }

    #[test]
    fn missing_fields_are_required() {
        assert_eq!(
            error("{}"),
            field("name", "required", "This field is required.")
        );
        assert_eq!(
            error(""),
            field("name", "required", "This field is required.")
        );
        assert_eq!(
            error(r#"{"name": "x", "inner": {}}"#),
            field("inner__query", "required", "This field is required.")
        );
    }

    #[test]
    fn wrong_types_name_the_field() {
        let ApiError::Validation { code, attr, detail } =
            error(r#"{"name": "x", "count": "many"}"#)
        else {
            panic!("a validation error")
        };
        assert_eq!(
            (code.as_ref(), attr.as_deref()),
            ("invalid_input", Some("count"))
        );
        assert!(
            detail.starts_with("Invalid type: string \"many\""),
            "{detail}"
        );
        assert!(!detail.contains("line"), "{detail}");
        let nested = error(r#"{"name": "x", "list": [{"query": "a"}, {"query": 1}]}"#);
        assert!(
            matches!(nested, ApiError::Validation { attr: Some(a), .. } if a == "list__1__query")
        );
    }

    #[test]
    fn null_where_not_allowed() {
        assert_eq!(
            error(r#"{"name": null}"#),
            field("name", "null", "This field may not be null.")
        );
    }

    #[test]
    fn unknown_enum_values_are_invalid_choices() {
        assert_eq!(
            error(r#"{"name": "x", "kind": "Text"}"#),
            field("kind", "invalid_choice", "\"Text\" is not a valid choice.")
        );
    }

    #[test]
    fn unknown_fields_where_refused() {
        assert_eq!(
            error(r#"{"name": "x", "inner": {"query": "q", "extra": 1}}"#),
            field("inner__extra", "invalid_input", "Unknown field.")
        );
        // Bodies that do not refuse unknown fields ignore them.
        assert!(json_body::<Body>(br#"{"name": "x", "extra": 1}"#).is_ok());
    }

    #[test]
    fn malformed_json_is_a_parse_error() {
        for text in ["{", "name=string", r#"{"name": "x"} trailing"#, "\u{1}"] {
            let err = error(text);
            assert!(
                matches!(&err, ApiError::Validation { code, attr: None, detail } if code == "parse_error" && detail.starts_with("JSON parse error - ")),
                "{text:?}: {err:?}"
            );
        }
    }

    #[test]
    fn parses_parameters_naming_them() {
        assert_eq!(parse_param::<i64>("page", "2", &Invalid::INTEGER), Ok(2));
        assert_eq!(
            parse_param::<i64>("page", "two", &Invalid::INTEGER),
            Err(field(
                "page",
                "invalid_input",
                "A valid integer is required."
            ))
        );
        assert_eq!(
            parse_param::<bool>("flag", "maybe", &Invalid::CHOICE),
            Err(field(
                "flag",
                "invalid_choice",
                "\"maybe\" is not a valid choice."
            ))
        );
    }

    #[test]
    fn query_pairs_decode_and_take_the_last_value() {
        let query = QueryPairs::parse(Some("search=a%20b&page=1&page=3&empty="));
        assert_eq!(
            query.optional::<String>("search", &Invalid::TEXT),
            Ok(Some("a b".into()))
        );
        assert_eq!(
            query.optional::<i64>("page", &Invalid::INTEGER),
            Ok(Some(3))
        );
        assert_eq!(query.optional::<i64>("empty", &Invalid::INTEGER), Ok(None));
        assert_eq!(query.optional::<i64>("absent", &Invalid::INTEGER), Ok(None));
        assert_eq!(
            query.required::<i64>("absent", &Invalid::INTEGER),
            Err(field("absent", "required", "This field is required."))
        );
        assert_eq!(QueryPairs::parse(None), QueryPairs::default());
    }

    #[test]
    fn constraint_checks() {
        assert!(check::max_length("ééé", 3).is_ok());
        assert_eq!(
            check::max_length("abcd", 3).map_err(|e| e.in_field("name")),
            Err(field(
                "name",
                "max_length",
                "Ensure this field has no more than 3 characters."
            ))
        );
        assert!(check::min_length("", 1).is_err());
        let pattern = Regex::new("^[a-z]+$").expect("a valid pattern");
        assert!(check::pattern("abc", &pattern).is_ok());
        assert!(check::pattern("a-c", &pattern).is_err());
        assert!(check::minimum(1.0, 1.0).is_ok());
        assert_eq!(
            check::minimum(0.0, 1.0),
            Err(ApiError::validation(
                "min_value",
                "Ensure this value is greater than or equal to 1."
            ))
        );
        assert_eq!(
            check::maximum(3.0, 2.5),
            Err(ApiError::validation(
                "max_value",
                "Ensure this value is less than or equal to 2.5."
            ))
        );
    }
}
