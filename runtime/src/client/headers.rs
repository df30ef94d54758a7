//! Response headers typed as the spec declares them: one header ([`RawResponse::header`](super::RawResponse::header))
//! or a struct of them ([`RawResponse::headers_as`](super::RawResponse::headers_as)), and [`Answer`], a decoded body
//! with its headers.
//!
//! A header is text; [`Text`] is a serde deserializer that reads it as the declared type: strings as they are,
//! integers, numbers and booleans parsed, enums by their wire name (or value), lists split on commas (HTTP's list
//! syntax, spaces around items dropped), options as present.

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::fmt;

/// A decoded answer with its typed headers: what generated `send_with_headers()` methods return.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T, H> {
    /// The answer's status.
    pub status: StatusCode,
    /// The decoded body.
    pub body: T,
    /// The headers the operation declares, typed.
    pub headers: H,
    /// Every header of the answer, as received.
    pub raw_headers: HeaderMap,
}

impl<T, H> Answer<T, H> {
    /// The body, without the headers.
    pub fn into_body(self) -> T {
        self.body
    }
}

/// Why a header could not be read as its type.
#[derive(Debug)]
pub(super) struct TextError(String);

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TextError {}

impl de::Error for TextError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TextError(msg.to_string())
    }
}

/// The text of a header (or one item of a list), read as whatever type asks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Text<'a>(pub(super) &'a str);

impl<'a> Text<'a> {
    fn parse<T: std::str::FromStr>(self, what: &str) -> Result<T, TextError> {
        self.0
            .trim()
            .parse()
            .map_err(|_| TextError(format!("{:?} is not {what}", self.0)))
    }
}

macro_rules! parsed {
    ($($method:ident $visit:ident $ty:ty, $what:literal;)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
            visitor.$visit(self.parse::<$ty>($what)?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Text<'_> {
    type Error = TextError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_str(self.0)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        match self.0.trim() {
            text if text.eq_ignore_ascii_case("true") || text == "1" => visitor.visit_bool(true),
            text if text.eq_ignore_ascii_case("false") || text == "0" => visitor.visit_bool(false),
            _ => Err(TextError(format!("{:?} is not a boolean", self.0))),
        }
    }

    parsed! {
        deserialize_i8 visit_i8 i8, "an integer";
        deserialize_i16 visit_i16 i16, "an integer";
        deserialize_i32 visit_i32 i32, "an integer";
        deserialize_i64 visit_i64 i64, "an integer";
        deserialize_u8 visit_u8 u8, "a non-negative integer";
        deserialize_u16 visit_u16 u16, "a non-negative integer";
        deserialize_u32 visit_u32 u32, "a non-negative integer";
        deserialize_u64 visit_u64 u64, "a non-negative integer";
        deserialize_f32 visit_f32 f32, "a number";
        deserialize_f64 visit_f64 f64, "a number";
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TextError> {
        let items = self
            .0
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Text);
        visitor.visit_seq(de::value::SeqDeserializer::new(items))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TextError> {
        visitor.visit_enum(self.0.trim().into_deserializer())
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TextError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct tuple tuple_struct map struct identifier
        ignored_any
    }
}

impl<'de, 'a> IntoDeserializer<'de, TextError> for Text<'a> {
    type Deserializer = Text<'a>;

    fn into_deserializer(self) -> Text<'a> {
        self
    }
}

/// The value of the header `name` as `T`; `None` when absent. Several fields of the header are one list, joined
/// with commas (RFC 9110's rule), so a list type reads them all and a scalar the single one.
pub(super) fn header<T: DeserializeOwned>(
    headers: &HeaderMap,
    name: &str,
) -> Result<Option<T>, String> {
    let values: Vec<&str> = headers
        .get_all(name)
        .iter()
        .map(|value| value.to_str())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("the header `{name}` is not text"))?;
    if values.is_empty() {
        return Ok(None);
    }
    let joined = values.join(", ");
    T::deserialize(Text(&joined))
        .map(Some)
        .map_err(|e| format!("the header `{name}`: {e}"))
}

/// Every header, as a struct whose fields are named (or renamed) as the lower-case header names; an absent
/// header is a missing field (an `Option` field is then `None`).
pub(super) fn headers_as<H: DeserializeOwned>(headers: &HeaderMap) -> Result<H, String> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let Ok(text) = value.to_str() else {
            // A header that is not text cannot be a declared one; any field it was for is reported missing.
            continue;
        };
        match pairs.iter_mut().find(|(n, _)| n == name.as_str()) {
            Some((_, joined)) => {
                joined.push_str(", ");
                joined.push_str(text);
            }
            None => pairs.push((name.as_str().to_owned(), text.to_owned())),
        }
    }
    let map = de::value::MapDeserializer::new(
        pairs.iter().map(|(name, text)| (name.as_str(), Text(text))),
    );
    let mut track = serde_path_to_error::Track::new();
    H::deserialize(serde_path_to_error::Deserializer::new(map, &mut track)).map_err(
        |e: TextError| {
            let path = track.path().to_string();
            if path == "." {
                e.to_string().replace("missing field", "missing header")
            } else {
                format!("the header `{path}`: {e}")
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    enum Kind {
        #[serde(rename = "full")]
        Full,
        #[serde(rename = "partial")]
        Partial,
    }

    #[test]
    fn one_header_as_its_type() {
        let map = headers(&[
            ("x-ratelimit-remaining", " 42 "),
            ("x-flag", "true"),
            ("x-kind", "partial"),
            ("x-list", "a, b"),
            ("x-list", "c"),
            ("x-bad", "many"),
            ("location", "/v1/items/7"),
        ]);
        assert_eq!(header::<i64>(&map, "x-ratelimit-remaining"), Ok(Some(42)));
        assert_eq!(header::<bool>(&map, "X-Flag"), Ok(Some(true)));
        assert_eq!(header::<Kind>(&map, "x-kind"), Ok(Some(Kind::Partial)));
        assert_eq!(
            header::<Vec<String>>(&map, "x-list"),
            Ok(Some(vec!["a".into(), "b".into(), "c".into()]))
        );
        assert_eq!(
            header::<String>(&map, "location"),
            Ok(Some("/v1/items/7".into()))
        );
        assert_eq!(header::<i64>(&map, "x-absent"), Ok(None));
        let error = header::<i64>(&map, "x-bad").unwrap_err();
        assert!(
            error.contains("`x-bad`") && error.contains("integer"),
            "{error}"
        );
        assert!(header::<Kind>(&map, "location").is_err());
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Limits {
        #[serde(rename = "x-ratelimit-limit")]
        limit: u32,
        #[serde(rename = "x-ratelimit-reset")]
        reset: Option<i64>,
        location: Option<String>,
    }

    #[test]
    fn a_struct_of_headers() {
        let map = headers(&[
            ("x-ratelimit-limit", "5000"),
            ("X-RateLimit-Reset", "1700000000"),
        ]);
        assert_eq!(
            headers_as::<Limits>(&map),
            Ok(Limits {
                limit: 5000,
                reset: Some(1_700_000_000),
                location: None
            })
        );
        let missing = headers_as::<Limits>(&headers(&[])).unwrap_err();
        assert!(missing.contains("x-ratelimit-limit"), "{missing}");
        let bad = headers_as::<Limits>(&headers(&[("x-ratelimit-limit", "lots")])).unwrap_err();
        assert!(bad.contains("`x-ratelimit-limit`"), "{bad}");
    }
}
