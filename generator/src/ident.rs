//! Identifier rules: wire names → valid, idiomatic, unique Rust names.
//!
//! One place decides how a name from the spec becomes Rust: case conversion (heck), Rust keywords (raw identifiers,
//! or a trailing `_` for the four that cannot be raw), leading digits, characters that cannot appear in an
//! identifier, and uniqueness within a scope. The wire name is always kept beside the Rust name in the IR.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Keywords of every edition, strict and reserved.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers (`r#self` is an error).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Keeps the ASCII letters and digits of `wire`, turning every other run of characters into a word break, so heck
/// sees `a-b.c d` as the words `a b c d`. Non-ASCII letters are spelt as their code point (`é` → `u00e9`) so two
/// names that differ only there still differ.
fn words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len());
    for c in wire.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" u{:04x} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    out
}

fn finish(name: String, fallback: &str) -> String {
    let name = if name.is_empty() {
        fallback.to_owned()
    } else {
        name
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("_{name}");
    }
    if NOT_RAW.contains(&name.as_str()) {
        return format!("{name}_");
    }
    name
}

/// A type or variant name: `insight_variables` → `InsightVariables`, `1st` → `_1st`, `self` → `Self_`.
pub fn type_name(wire: &str) -> String {
    type_name_of(&[wire])
}

/// The types and traits of Rust's prelude, and the names the generated models module imports: a model named like
/// one would hide it from the generated code (`struct Option` makes every `Option<T>` in the module an error).
const PRELUDE_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Deserialize",
    "DoubleEndedIterator",
    "Drop",
    "Eq",
    "ExactSizeIterator",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "Nullable",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Serialize",
    "Sized",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// A model's type name: as [`type_name`], and a name of Rust's prelude (or one the models module imports) gets a
/// trailing `_`, as the keywords that cannot be raw do: `Option` → `Option_`, `Result` → `Result_`.
pub fn model_name(wire: &str) -> String {
    let name = type_name(wire);
    if PRELUDE_TYPES.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// A type name made of several parts, escaped once as a whole: `["Self", "Create"]` → `SelfCreate` (not
/// `Self_Create`, which is not UpperCamelCase), `["type", "match"]` → `TypeMatch`.
pub fn type_name_of(parts: &[&str]) -> String {
    finish(parts.iter().map(|p| camel_stem(p)).collect(), "Empty")
}

/// The UpperCamelCase words of a wire name, without any escaping.
pub fn camel_stem(wire: &str) -> String {
    // A name already written as a Rust type name keeps its spelling: `HogQLQuery` stays, heck would give `HogQlQuery`.
    if wire.starts_with(|c: char| c.is_ascii_uppercase())
        && wire.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return wire.to_owned();
    }
    words(wire).to_upper_camel_case()
}

/// An enum variant name for a string value. As [`type_name`], except that a leading sign, which would otherwise
/// vanish and leave two values with one name, is spelt out: before a letter `-` is the common descending-order
/// convention (`-created` → `CreatedDesc`, beside `created` → `Created`); before a digit `-` and `+` are signs
/// (`-1` → `Minus1`, `+1` → `Plus1`).
pub fn variant_name(wire: &str) -> String {
    let mut chars = wire.chars();
    let (sign, next) = (chars.next(), chars.next());
    let rest = wire.get(1..).unwrap_or_default();
    match (sign, next) {
        (Some('-'), Some(c)) if c.is_ascii_alphabetic() => type_name_of(&[rest, "Desc"]),
        (Some('-'), Some(c)) if c.is_ascii_digit() => type_name_of(&["Minus", rest]),
        (Some('+'), Some(c)) if c.is_ascii_digit() => type_name_of(&["Plus", rest]),
        _ => type_name(wire),
    }
}

/// A field, method or module name: `codeName` → `code_name`, `type` → `type` (emit as `r#type`), `self` → `self_`.
pub fn value_name(wire: &str) -> String {
    let snake = words(wire).to_snake_case();
    finish(snake, "empty")
}

/// The names a resource's module cannot take in the generated `client` and `server` modules: their own file
/// (`mod.rs`), the names they import (`models`, `rt`, `runtime`), and their own names (a module inside one of its
/// own name reads as a mistake, and clippy says so).
const MODULE_NAMES_TAKEN: &[&str] = &["mod", "models", "rt", "runtime", "client", "server"];

/// A resource's module name (and file stem): as [`value_name`], and a name the client and server modules already
/// use gets a trailing `_` (`runtime` → `runtime_`, `mod` → `mod_`).
pub fn module_name(wire: &str) -> String {
    let name = value_name(wire);
    if MODULE_NAMES_TAKEN.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// True if the name must be written as a raw identifier (`r#type`).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name) && !NOT_RAW.contains(&name)
}

/// Makes a snake_case `name` unique among `taken` by appending `_2`, `_3`, ...; records the result in `taken`.
pub fn unique(name: String, taken: &mut Vec<String>) -> String {
    unique_with(name, "_", taken)
}

/// Makes an UpperCamelCase `name` unique among `taken` by appending `2`, `3`, ... (an `_` would break the case),
/// or `_2`, `_3`, ... after a name ending in a digit, where a bare digit would read as part of the number (`V1`
/// and `V1_2`, not `V12`; an `_` between digits keeps the case).
pub fn unique_type(name: String, taken: &mut Vec<String>) -> String {
    let separator = if name.ends_with(|c: char| c.is_ascii_digit()) {
        "_"
    } else {
        ""
    };
    unique_with(name, separator, taken)
}

fn unique_with(name: String, separator: &str, taken: &mut Vec<String>) -> String {
    let mut candidate = name.clone();
    // An escaped keyword (`Self_`) drops its escape once a number follows: `Self2` is no keyword.
    let stem = if separator.is_empty() {
        name.trim_end_matches('_')
    } else {
        name.as_str()
    };
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{stem}{separator}{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_case() {
        assert_eq!(type_name("insight_variables"), "InsightVariables");
        assert_eq!(
            type_name("ExternalDataSourceSerializers"),
            "ExternalDataSourceSerializers"
        );
        assert_eq!(value_name("codeName"), "code_name");
        assert_eq!(value_name("a-b.c d"), "a_b_c_d");
        assert_eq!(type_name("Billing limits too low"), "BillingLimitsTooLow");
        assert_eq!(type_name("HogQLQuery"), "HogQLQuery");
        assert_eq!(type_name("Self"), "Self_");
    }

    #[test]
    fn handles_keywords_digits_and_empties() {
        assert_eq!(value_name("type"), "type");
        assert!(is_keyword("type"));
        assert_eq!(value_name("self"), "self_");
        assert_eq!(type_name("self"), "Self_");
        assert_eq!(value_name("crate"), "crate_");
        assert_eq!(value_name("1st"), "_1st");
        assert_eq!(type_name("1min"), "_1min");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(value_name("--"), "empty");
        assert!(!is_keyword("self_"));
    }

    #[test]
    fn keeps_non_ascii_distinct() {
        assert_ne!(value_name("café"), value_name("cafe"));
        assert!(value_name("名前")
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'));
    }

    #[test]
    fn uniquifies() {
        let mut taken = Vec::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a_2");
        assert_eq!(unique("a".into(), &mut taken), "a_3");
        let mut types = Vec::new();
        assert_eq!(unique_type("Self_".into(), &mut types), "Self_");
        assert_eq!(unique_type("Self_".into(), &mut types), "Self2");
        assert_eq!(unique_type("AB".into(), &mut types), "AB");
        assert_eq!(unique_type("AB".into(), &mut types), "AB2");
        // After a digit a number would run on: `V12` could be a value's own name.
        assert_eq!(unique_type("V1".into(), &mut types), "V1");
        assert_eq!(unique_type("V1".into(), &mut types), "V1_2");
        assert_eq!(unique_type("_1".into(), &mut types), "_1");
        assert_eq!(unique_type("_1".into(), &mut types), "_1_2");
    }

    #[test]
    fn enum_values_spell_out_a_leading_sign() {
        assert_eq!(variant_name("created"), "Created");
        assert_eq!(variant_name("-created"), "CreatedDesc");
        assert_eq!(variant_name("-created_at"), "CreatedAtDesc");
        assert_eq!(variant_name("-1"), "Minus1");
        assert_eq!(variant_name("+1"), "Plus1");
        assert_eq!(variant_name("1"), "_1");
        // Anything else is a plain type name: a sign alone, or before other characters, is a word break.
        assert_eq!(variant_name("-"), "Empty");
        assert_eq!(variant_name("+created"), "Created");
        assert_eq!(variant_name("--x"), "X");
        assert_eq!(variant_name("a-b"), "AB");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("-é"), type_name("-é"));
    }

    #[test]
    fn composes_type_names_before_escaping() {
        assert_eq!(type_name_of(&["Self", "Create"]), "SelfCreate");
        assert_eq!(type_name_of(&["type", "match"]), "TypeMatch");
        assert_eq!(type_name_of(&["1st", "Patch"]), "_1stPatch");
    }
}
