//! [`Nullable`]: a field that can be absent, explicitly `null`, or a value.
//!
//! JSON PATCH bodies need all three: leaving a key out keeps the stored value, `null` clears it, and a value
//! replaces it. `Option<Option<T>>` can say the same but reads poorly and needs serde attributes at every use.

use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that may be absent, `null`, or present.
///
/// Use it with `#[serde(default, skip_serializing_if = "Nullable::is_absent")]` so that an absent value is left
/// out of the JSON object (the generated models do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// The key is not sent: the server keeps what it has.
    #[default]
    Absent,
    /// The key is sent as `null`: the server clears the value.
    Null,
    /// The key is sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// True if the key is absent.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// True if the key is present and `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// The value, if there is one (absent and null both give `None`).
    pub fn value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Absent → `None`; null → `Some(None)`; a value → `Some(Some(v))`.
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Nullable::Absent => None,
            Nullable::Null => Some(None),
            Nullable::Value(v) => Some(Some(v)),
        }
    }

    /// Applies a PATCH: absent keeps `current`, null clears it, a value replaces it.
    pub fn apply_to(self, current: &mut Option<T>) {
        match self {
            Nullable::Absent => {}
            Nullable::Null => *current = None,
            Nullable::Value(v) => *current = Some(v),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes `Null` (an explicit clear), `Some(v)` a value.
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Only reached without `skip_serializing_if`; null is the closest JSON has to "absent".
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
            Nullable::Value(v) => serializer.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Called only when the key is present (absent keys take `#[serde(default)]`), so `None` here is `null`.
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// Reads a request field that may be left out but not sent as `null`: use it with
/// `#[serde(default, deserialize_with = "...")]` on an `Option<T>`. Plain `Option<T>` would take `null` as "left out"
/// and silently accept what the API refuses ("This field may not be null.").
pub fn deserialize_some<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        // serde_json words this "invalid type: null, expected ...", which servers report as the `null` code.
        None => Err(D::Error::invalid_type(
            Unexpected::Unit,
            &"a value (the field may be left out, but not null)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Body {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        name: Nullable<String>,
    }

    #[test]
    fn three_states_round_trip() {
        for (json, value) in [
            ("{}", Nullable::Absent),
            (r#"{"name":null}"#, Nullable::Null),
            (r#"{"name":"x"}"#, Nullable::Value("x".to_owned())),
        ] {
            let body: Body = serde_json::from_str(json).unwrap();
            assert_eq!(body.name, value);
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Request {
        #[serde(default, deserialize_with = "super::deserialize_some")]
        name: Option<String>,
    }

    #[test]
    fn optional_request_fields_refuse_null() {
        assert_eq!(
            serde_json::from_str::<Request>("{}").unwrap(),
            Request { name: None }
        );
        assert_eq!(
            serde_json::from_str::<Request>(r#"{"name":"x"}"#).unwrap(),
            Request {
                name: Some("x".into())
            }
        );
        let error = serde_json::from_str::<Request>(r#"{"name":null}"#).unwrap_err();
        assert!(
            error.to_string().starts_with("invalid type: null"),
            "{error}"
        );
    }

    #[test]
    fn applies_patches() {
        let mut current = Some(1);
        Nullable::Absent.apply_to(&mut current);
        assert_eq!(current, Some(1));
        Nullable::Value(2).apply_to(&mut current);
        assert_eq!(current, Some(2));
        Nullable::Null.apply_to(&mut current);
        assert_eq!(current, None);
    }
}
