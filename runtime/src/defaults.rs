//! The spec's default values, for generated `#[serde(default = ...)]` functions and `Default` impls.

use serde::de::DeserializeOwned;

/// The default written in the spec, as JSON text, decoded into its field's type.
///
/// # Panics
///
/// If the text is not a value of `T`. The generator checked each default against its field's type before writing
/// the text, so this only happens if a generated type and its spec disagree, which is a generator bug.
pub fn from_json<T: DeserializeOwned>(text: &str) -> T {
    match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => panic!("the spec's default {text} is not a value of its type ({e}); please report this apigen bug"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decodes_what_the_generator_wrote() {
        assert_eq!(super::from_json::<Vec<i64>>("[1,2]"), vec![1, 2]);
        assert_eq!(super::from_json::<String>("\"asc\""), "asc");
    }

    #[test]
    #[should_panic(expected = "apigen bug")]
    fn a_default_of_another_type_is_a_generator_bug() {
        let _: i64 = super::from_json("\"x\"");
    }
}
