//! What the generated enums share. Each generated enum holds one table, `ALL`, of its known values with their wire
//! names; these functions do the rest (wire name of a value, value of a wire name, serde), so an enum costs a line
//! per value in generated code instead of one per value in each of several `match`es.

use serde::de::{Deserialize, Deserializer, Error as _};

/// The wire name of a known value. Every value of a generated enum but `Unknown` is in its table, so the empty
/// string is never returned for them.
pub fn wire_name<T: PartialEq>(value: &T, known: &'static [(T, &'static str)]) -> &'static str {
    known
        .iter()
        .find(|(v, _)| v == value)
        .map_or("", |(_, name)| name)
}

/// The known value with this wire name.
pub fn known<T: Clone>(text: &str, known: &[(T, &str)]) -> Option<T> {
    known
        .iter()
        .find(|(_, name)| *name == text)
        .map(|(v, _)| v.clone())
}

/// The message for a value a closed enum does not know, with serde's wording ("unknown variant").
fn unknown<T>(text: &str, known: &[(T, &str)], enum_name: &str) -> String {
    let names: Vec<String> = known.iter().map(|(_, n)| format!("`{n}`")).collect();
    format!(
        "unknown variant `{text}` of {enum_name}, expected one of {}",
        names.join(", ")
    )
}

/// A closed enum's value from its wire name (`FromStr`).
pub fn parse<T: Clone>(text: &str, table: &[(T, &str)], enum_name: &str) -> Result<T, String> {
    known(text, table).ok_or_else(|| unknown(text, table, enum_name))
}

/// An open enum's value from its wire name: a known value, or `unknown(text)`.
pub fn parse_open<T: Clone>(text: &str, table: &[(T, &str)], unknown: fn(String) -> T) -> T {
    known(text, table).unwrap_or_else(|| unknown(text.to_owned()))
}

/// Deserializes a closed enum from its wire name.
pub fn deserialize<'de, D: Deserializer<'de>, T: Clone>(
    deserializer: D,
    table: &[(T, &str)],
    enum_name: &str,
) -> Result<T, D::Error> {
    // Borrowing would fail for escaped strings, so take an owned String.
    let text = String::deserialize(deserializer)?;
    parse(&text, table, enum_name).map_err(D::Error::custom)
}

/// Deserializes an open enum: an unknown value is kept as `unknown(text)`.
pub fn deserialize_open<'de, D: Deserializer<'de>, T: Clone>(
    deserializer: D,
    table: &[(T, &str)],
    unknown: fn(String) -> T,
) -> Result<T, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(parse_open(&text, table, unknown))
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
    }

    #[test]
    fn serde_reads_wire_names() {
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
    }
}
