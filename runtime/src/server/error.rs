//! [`ApiError`], why a request is refused, and [`ErrorAnswers`], the spec's error bodies that render it.
//!
//! The stubs and the implementation say *what* went wrong with an [`ApiError`]; the spec's `errors` section says
//! *how* the API answers it (status and JSON body with `{placeholders}`). Keeping the two apart lets the same
//! runtime serve any API's error shapes: the generated router builds the [`ErrorAnswers`] from the spec once.

use axum::http::header::{HeaderValue, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
// Re-exported beside `ErrorAnswer`, whose `kind` it is.
pub use super::super::ErrorKind;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// Why a request is refused. Generated handlers render it with the spec's error answers.
///
/// Implementations return [`ApiError::NotFound`], [`ApiError::validation`] or [`ApiError::internal`] for the
/// standard answers; an answer documented for one operation only (e.g. a `400` with another body) is a variant of
/// that operation's response enum instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No credentials were sent (answer `unauthenticated`).
    Unauthenticated,
    /// The credentials are unknown or no longer valid (answer `invalid_credentials`).
    InvalidCredentials,
    /// The caller lacks this scope (answer `missing_scope`, `{scope}` filled).
    MissingScope(String),
    /// The request is invalid (answer `validation`, `{code}`, `{detail}` and `{attr}` filled).
    Validation {
        /// Machine-readable code, e.g. `required`, `invalid_input`, `invalid_choice`, `max_length`.
        code: Cow<'static, str>,
        /// Human-readable message.
        detail: String,
        /// The field concerned (nested fields joined with `__`), or `None` for the request as a whole.
        attr: Option<String>,
    },
    /// No such object or route (answer `not_found`).
    NotFound,
    /// The route exists but not with this method (answer `method_not_allowed`, `{method}` filled).
    MethodNotAllowed(String),
    /// The request body is over the size limit (answer `payload_too_large`).
    PayloadTooLarge,
    /// A fault of the server. The message is logged, never sent: the client sees a bare `500`.
    Internal(String),
}

impl ApiError {
    /// A validation error about the request as a whole (`attr` is null).
    pub fn validation(code: impl Into<Cow<'static, str>>, detail: impl Into<String>) -> Self {
        ApiError::Validation {
            code: code.into(),
            detail: detail.into(),
            attr: None,
        }
    }

    /// A validation error about one field.
    pub fn field(
        attr: impl Into<String>,
        code: impl Into<Cow<'static, str>>,
        detail: impl Into<String>,
    ) -> Self {
        ApiError::Validation {
            code: code.into(),
            detail: detail.into(),
            attr: Some(attr.into()),
        }
    }

    /// A server fault; `error` is logged and not sent to the client.
    pub fn internal(error: impl fmt::Display) -> Self {
        ApiError::Internal(error.to_string())
    }

    /// Places a validation error inside the field `name`: `attr` `x` becomes `name__x`, no attr becomes `name`.
    /// Other errors are returned unchanged.
    pub fn in_field(self, name: &str) -> Self {
        match self {
            ApiError::Validation { code, detail, attr } => ApiError::Validation {
                code,
                detail,
                attr: Some(match attr {
                    Some(inner) => format!("{name}__{inner}"),
                    None => name.to_owned(),
                }),
            },
            other => other,
        }
    }

    /// The kind of the spec's error answer for this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ApiError::Unauthenticated => ErrorKind::Unauthenticated,
            ApiError::InvalidCredentials => ErrorKind::InvalidCredentials,
            ApiError::MissingScope(_) => ErrorKind::MissingScope,
            ApiError::Validation { .. } => ErrorKind::Validation,
            ApiError::NotFound => ErrorKind::NotFound,
            ApiError::MethodNotAllowed(_) => ErrorKind::MethodNotAllowed,
            ApiError::PayloadTooLarge => ErrorKind::PayloadTooLarge,
            ApiError::Internal(_) => ErrorKind::ServerError,
        }
    }

    /// The status used when the spec has no answer of this kind.
    fn default_status(&self) -> StatusCode {
        StatusCode::from_u16(self.kind().default_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The values of the answer's placeholders; `None` renders a value that is exactly the placeholder as null.
    fn placeholders(&self) -> Vec<(&'static str, Option<&str>)> {
        match self {
            ApiError::MissingScope(scope) => vec![("scope", Some(scope))],
            ApiError::Validation { code, detail, attr } => vec![
                ("code", Some(code)),
                ("detail", Some(detail)),
                ("attr", attr.as_deref()),
            ],
            ApiError::MethodNotAllowed(method) => vec![("method", Some(method))],
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthenticated => f.write_str("no credentials were sent"),
            ApiError::InvalidCredentials => f.write_str("the credentials are invalid"),
            ApiError::MissingScope(scope) => write!(f, "missing required scope `{scope}`"),
            ApiError::Validation {
                code,
                detail,
                attr: Some(attr),
            } => write!(f, "invalid `{attr}` ({code}): {detail}"),
            ApiError::Validation { code, detail, .. } => {
                write!(f, "invalid request ({code}): {detail}")
            }
            ApiError::NotFound => f.write_str("not found"),
            ApiError::MethodNotAllowed(method) => write!(f, "method {method} not allowed"),
            ApiError::PayloadTooLarge => f.write_str("request body too large"),
            ApiError::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for ApiError {}

/// One error answer of the spec: its kind (`not_found`, ...), status and body template.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorAnswer {
    /// The answer's kind, as [`ApiError::kind`] gives it.
    pub kind: ErrorKind,
    /// The HTTP status.
    pub status: u16,
    /// The JSON body, with `{placeholder}`s in its strings.
    pub body: Value,
}

/// The spec's error answers, by kind.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorAnswers {
    answers: Vec<ErrorAnswer>,
    /// A path parameter that does not parse is `not_found` (not a validation error).
    malformed_path_not_found: bool,
}

impl ErrorAnswers {
    /// The answers (a handful: a list is searched faster than a map is hashed).
    pub fn new(answers: Vec<ErrorAnswer>) -> Self {
        ErrorAnswers {
            answers,
            malformed_path_not_found: false,
        }
    }

    /// Answers a path parameter that does not parse with `not_found`, as Django REST framework's
    /// `get_object_or_404` answers a malformed id, instead of a validation error naming it.
    pub fn malformed_path_not_found(mut self) -> Self {
        self.malformed_path_not_found = true;
        self
    }

    /// Whether a malformed path parameter is answered `not_found`.
    pub fn malformed_path_is_not_found(&self) -> bool {
        self.malformed_path_not_found
    }

    /// The answers as a generated crate writes them: kind, status and the body template as JSON text, parsed
    /// here once when the router is built. The generator wrote the text from a JSON value, so it parses; if it
    /// ever did not, the answer would have an empty body rather than fail the server.
    pub fn from_json(answers: &[(ErrorKind, u16, &str)]) -> Self {
        ErrorAnswers::new(
            answers
                .iter()
                .map(|(kind, status, body)| ErrorAnswer {
                    kind: *kind,
                    status: *status,
                    body: serde_json::from_str(body).unwrap_or(Value::Null),
                })
                .collect(),
        )
    }

    /// The response for `error`: the spec's answer of its kind with placeholders filled, or a bare status when
    /// the spec has none. Internal errors are logged here, so their text never reaches the client.
    pub fn render(&self, error: &ApiError) -> Response {
        if let ApiError::Internal(message) = error {
            tracing::error!("internal error while serving a request: {message}");
        }
        let mut response = match self.answers.iter().find(|a| a.kind == error.kind()) {
            Some(answer) => {
                let status = StatusCode::from_u16(answer.status).unwrap_or(error.default_status());
                json_response(status, &fill(&answer.body, &error.placeholders()))
            }
            None => error.default_status().into_response(),
        };
        if matches!(
            error,
            ApiError::Unauthenticated | ApiError::InvalidCredentials
        ) {
            // RFC 9110 asks a 401 to name the scheme the client should use.
            response
                .headers_mut()
                .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// Replaces `{name}` in every string of `template`. A string that is exactly one placeholder whose value is
/// `None` becomes `null` (so `attr: "{attr}"` is null for errors about no field).
pub fn fill(template: &Value, values: &[(&str, Option<&str>)]) -> Value {
    match template {
        Value::String(text) => {
            let lone = text.strip_prefix('{').and_then(|t| t.strip_suffix('}'));
            if let Some((_, None)) = values.iter().find(|(name, _)| lone == Some(*name)) {
                return Value::Null;
            }
            Value::String(substitute(text, values))
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, values)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill(v, values)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Replaces each `{name}` of `text` in one pass, so a value that itself holds `{...}` is left as it is.
fn substitute(text: &str, values: &[(&str, Option<&str>)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let known = after.find('}').and_then(|end| {
            let name = &after[..end];
            let (_, value) = values.iter().find(|(n, _)| *n == name)?;
            Some((end, value.unwrap_or("")))
        });
        match known {
            Some((end, value)) => {
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A JSON response. Serializing the generated models cannot fail (string keys only); if it ever did, the client
/// gets a bare `500` and the reason is logged.
pub fn json_response<T: serde::Serialize>(status: StatusCode, body: &T) -> Response {
    // Most bodies are a few hundred bytes: starting there saves the reallocations of growing from empty.
    let mut bytes = Vec::with_capacity(256);
    match serde_json::to_writer(&mut bytes, body) {
        Ok(()) => {
            let mut response = (status, bytes).into_response();
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response
        }
        Err(error) => {
            tracing::error!("could not serialize a response body: {error}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answers() -> ErrorAnswers {
        ErrorAnswers::new(vec![
            ErrorAnswer {
                kind: ErrorKind::MissingScope,
                status: 403,
                body: json!({"type": "authentication_error", "detail": "API key missing required scope '{scope}'", "attr": null}),
            },
            ErrorAnswer {
                kind: ErrorKind::Validation,
                status: 400,
                body: json!({"type": "validation_error", "code": "{code}", "detail": "{detail}", "attr": "{attr}"}),
            },
            ErrorAnswer {
                kind: ErrorKind::Unauthenticated,
                status: 401,
                body: json!({"code": "not_authenticated"}),
            },
        ])
    }

    fn body_of(response: Response) -> (u16, Value) {
        let status = response.status().as_u16();
        let bytes =
            futures::executor::block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
                .expect("an in-memory body always reads");
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("the body is JSON")
        };
        (status, value)
    }

    #[test]
    fn fills_placeholders_inside_strings() {
        let (status, body) = body_of(answers().render(&ApiError::MissingScope("a:write".into())));
        assert_eq!(status, 403);
        assert_eq!(body["detail"], "API key missing required scope 'a:write'");
        assert_eq!(body["attr"], Value::Null);
    }

    #[test]
    fn a_lone_placeholder_without_value_is_null() {
        let (_, body) = body_of(answers().render(&ApiError::validation("parse_error", "bad")));
        assert_eq!(
            body,
            json!({"type": "validation_error", "code": "parse_error", "detail": "bad", "attr": null})
        );
        let (_, body) = body_of(answers().render(&ApiError::field("name", "required", "x")));
        assert_eq!(body["attr"], "name");
    }

    #[test]
    fn a_placeholder_value_is_not_expanded_again() {
        let error = ApiError::field("{detail}", "c", "{attr} {code}");
        let (_, body) = body_of(answers().render(&error));
        assert_eq!(body["attr"], "{detail}");
        assert_eq!(body["detail"], "{attr} {code}");
        let text = fill(&json!("{unknown} {code} {"), &[("code", Some("x"))]);
        assert_eq!(text, json!("{unknown} x {"));
    }

    #[test]
    fn kinds_without_an_answer_give_a_bare_status() {
        let (status, body) = body_of(answers().render(&ApiError::PayloadTooLarge));
        assert_eq!((status, body), (413, Value::Null));
        let response = answers().render(&ApiError::Internal("secret detail".into()));
        let (status, body) = body_of(response);
        assert_eq!((status, body), (500, Value::Null));
    }

    #[test]
    fn unauthorized_answers_name_the_scheme() {
        let response = answers().render(&ApiError::Unauthenticated);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");
        assert_eq!(
            body_of(response),
            (401, json!({"code": "not_authenticated"}))
        );
    }

    #[test]
    fn nests_field_names() {
        let error = ApiError::validation("max_length", "too long")
            .in_field("name")
            .in_field("query");
        assert_eq!(
            error,
            ApiError::field("query__name", "max_length", "too long")
        );
        assert_eq!(ApiError::NotFound.in_field("x"), ApiError::NotFound);
    }
}
