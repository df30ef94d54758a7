//! What the generated enums share. Each generated enum holds one table, `ALL`, of its known values with their wire
//! values (strings, integers or booleans); these functions do the rest (wire value of a value, value of a wire
//! value, serde), so an enum costs a line per value in generated code instead of one per value in each of several
//! `match`es.

use serde::de::{Deserialize, Deserializer, Error as _};
use std::fmt::Display;

/// The wire value of a known value. Every value of a generated enum but `Unknown` is in its table, so `fallback`
/// is never returned for them.
pub fn wire<T: PartialEq, W: Copy>(value: &T, known: &'static [(T, W)], fallback: W) -> W {
    known
        .iter()
        .find(|(v, _)| v == value)
        .map_or(fallback, |(_, wire)| *wire)
}

/// The wire name of a known value of a string enum (see [`wire`]).
pub fn wire_name<T: PartialEq>(value: &T, known: &'static [(T, &'static str)]) -> &'static str {
    wire(value, known, "")
}

/// The known value with this wire value.
pub fn known<T: Clone, W: PartialEq + ?Sized>(
    wire: &W,
    known: &[(T, impl std::borrow::Borrow<W>)],
) -> Option<T> {
    known
        .iter()
        .find(|(_, w)| w.borrow() == wire)
        .map(|(v, _)| v.clone())
}

/// The message for a value a closed enum does not know, with serde's wording ("unknown variant").
fn unknown<T, W: Display>(text: &dyn Display, known: &[(T, W)], enum_name: &str) -> String {
    let names: Vec<String> = known.iter().map(|(_, n)| format!("`{n}`")).collect();
    format!(
        "unknown variant `{text}` of {enum_name}, expected one of {}",
        names.join(", ")
    )
}

/// A closed string enum's value from its wire name (`FromStr`).
pub fn parse<T: Clone>(text: &str, table: &[(T, &str)], enum_name: &str) -> Result<T, String> {
    known(text, table).ok_or_else(|| unknown(&text, table, enum_name))
}

/// An open string enum's value from its wire name: a known value, or `unknown(text)`.
pub fn parse_open<T: Clone>(text: &str, table: &[(T, &str)], unknown: fn(String) -> T) -> T {
    known(text, table).unwrap_or_else(|| unknown(text.to_owned()))
}

/// A closed integer or boolean enum's value from its text (`FromStr`): `1`, `true`.
pub fn parse_value<T: Clone, W: PartialEq + Display + std::str::FromStr>(
    text: &str,
    table: &[(T, W)],
    enum_name: &str,
) -> Result<T, String> {
    text.trim()
        .parse::<W>()
        .ok()
        .and_then(|w| known(&w, table))
        .ok_or_else(|| unknown(&text, table, enum_name))
}

/// Deserializes a closed string enum from its wire name.
pub fn deserialize<'de, D: Deserializer<'de>, T: Clone>(
    deserializer: D,
    table: &[(T, &str)],
    enum_name: &str,
) -> Result<T, D::Error> {
    // Borrowing would fail for escaped strings, so take an owned String.
    let text = String::deserialize(deserializer)?;
    parse(&text, table, enum_name).map_err(D::Error::custom)
}

/// Deserializes an open string enum: an unknown value is kept as `unknown(text)`.
pub fn deserialize_open<'de, D: Deserializer<'de>, T: Clone>(
    deserializer: D,
    table: &[(T, &str)],
    unknown: fn(String) -> T,
) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(parse_open(&text, table, unknown))
}

/// Deserializes an integer or boolean enum from its wire value; an unknown value is `unknown(value)` for an open
/// enum (`Some`), an error for a closed one (`None`).
pub fn deserialize_value<'de, D, T, W>(
    deserializer: D,
    table: &[(T, W)],
    enum_name: &str,
    unknown_value: Option<fn(W) -> T>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Clone,
    W: Deserialize<'de> + PartialEq + Display + Copy,
{
    let wire = W::deserialize(deserializer)?;
    match (known(&wire, table), unknown_value) {
        (Some(value), _) => Ok(value),
        (None, Some(open)) => Ok(open(wire)),
        (None, None) => Err(D::Error::custom(unknown(&wire, table, enum_name))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    enum Kind {
        A,
        B,
        Unknown(String),
    }

    const ALL: &[(Kind, &str)] = &[(Kind::A, "a"), (Kind::B, "b-b")];

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Level {
        One,
        Three,
    }

    const LEVELS: &[(Level, i64)] = &[(Level::One, 1), (Level::Three, 3)];

    #[test]
    fn names_and_values_both_ways() {
        assert_eq!(wire_name(&Kind::B, ALL), "b-b");
        assert_eq!(parse("a", ALL, "Kind"), Ok(Kind::A));
        assert_eq!(
            parse("c", ALL, "Kind"),
            Err("unknown variant `c` of Kind, expected one of `a`, `b-b`".to_owned())
        );
        assert_eq!(
            parse_open("c", ALL, Kind::Unknown),
            Kind::Unknown("c".into())
        );
        assert_eq!(wire(&Level::Three, LEVELS, 0), 3);
        assert_eq!(parse_value("3", LEVELS, "Level"), Ok(Level::Three));
        assert!(parse_value("2", LEVELS, "Level").is_err());
    }

    #[test]
    fn serde_reads_wire_values() {
        let mut de = serde_json::Deserializer::from_str("\"b-b\"");
        assert_eq!(deserialize(&mut de, ALL, "Kind").ok(), Some(Kind::B));
        let mut de = serde_json::Deserializer::from_str("\"z\\u0041\"");
        assert_eq!(
            deserialize_open(&mut de, ALL, Kind::Unknown).ok(),
            Some(Kind::Unknown("zA".into()))
        );
        let mut de = serde_json::Deserializer::from_str("\"z\"");
        let error = deserialize(&mut de, ALL, "Kind").map_err(|e| e.to_string());
        assert!(error.is_err_and(|e| e.starts_with("unknown variant `z`")));
        let mut de = serde_json::Deserializer::from_str("1");
        assert_eq!(
            deserialize_value(&mut de, LEVELS, "Level", None).ok(),
            Some(Level::One)
        );
        let mut de = serde_json::Deserializer::from_str("2");
        assert!(deserialize_value(&mut de, LEVELS, "Level", None).is_err());
        // A string is not a number, even one that reads as one.
        let mut de = serde_json::Deserializer::from_str("\"1\"");
        assert!(deserialize_value(&mut de, LEVELS, "Level", None).is_err());
    }
}
