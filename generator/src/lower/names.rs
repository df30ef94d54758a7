//! The names the generated client and server give to things that are not spec names: resource accessors, method
//! arguments, builder setters, handler arguments. The rules, as README's "Names" section documents them:
//!
//! - A resource's accessor on `Client` is its snake_case name, unless `Client` already has a method of that name
//!   (`new`, `builder`, `from_env`, `base_url`): then it gets the suffix `_resource` (`builder_resource()`).
//! - A setter is named after its field or query parameter; `set_…` takes the stored form and `…_null` sends null
//!   (`set_` and `_null` are joined to the name without its `_` escapes: `_2nd_edition` gives `set_2nd_edition`
//!   and `_2nd_edition_null`, `self_` gives `set_self`).
//!   A setter whose name is a method of the request builder (`send` and `with_options` always, `body` when the
//!   body is a model, `pages` and `items` when the list is paginated, `send_with_headers` and `send_streaming` when
//!   the answers have them) gets the suffix `_field` (body fields), `_param` (query parameters) or `_header`
//!   (headers); a body field named like a query parameter gets `_field`.
//! - The server's path arguments keep their names, clear of the handler's own `ctx`, `query` and `body`.

use crate::ident::unique;
use crate::spec;

/// Methods of the generated `Client` itself.
const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "base_url", "clone", "fmt"];

/// Methods every request builder has.
const BUILDER_METHODS: &[&str] = &["send", "with_options", "clone", "fmt"];

/// Each resource's accessor on `Client`, in spec order.
pub(super) fn accessors(spec: &spec::Spec) -> Vec<String> {
    let mut taken: Vec<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
    spec.resources
        .iter()
        .map(|r| {
            let name = crate::ident::value_name(&r.name.value);
            let name = if taken.contains(&name) {
                format!("{}_resource", name.trim_end_matches('_'))
            } else {
                name
            };
            unique(name, &mut taken)
        })
        .collect()
}

/// The name of an operation's `static` from its Rust name (unique within its resource, as its name is):
/// `partial_update` → `PARTIAL_UPDATE`; a name that would not start with a letter gets `OP_` in front.
pub(super) fn static_name(rust_name: &str) -> String {
    let shouty = heck::ToShoutySnakeCase::to_shouty_snake_case(rust_name);
    if shouty.starts_with(|c: char| c.is_ascii_alphabetic()) {
        shouty
    } else {
        format!("OP_{shouty}")
    }
}

/// The cargo feature of a resource, from its Rust name: `insight_variables` → `insight-variables`. Resource names
/// are unique, and so are these; one that would be a feature the crate already has (`client`, `server`,
/// `default`, `all-resources`) or would not start with a letter gets `resource-` in front.
fn feature(rust_name: &str) -> String {
    let name = rust_name.trim_start_matches("r#").replace('_', "-");
    let name = name.trim_matches('-');
    if matches!(name, "client" | "server" | "default" | "all-resources")
        || !name.starts_with(|c: char| c.is_ascii_alphabetic())
    {
        format!("resource-{name}").trim_end_matches('-').to_owned()
    } else {
        name.to_owned()
    }
}

/// Each resource's cargo feature, in spec order, unique (`_2` is added to the rare name another one's prefix made).
pub(super) fn features(spec: &spec::Spec) -> Vec<String> {
    let mut taken: Vec<String> = Vec::new();
    spec.resources
        .iter()
        .map(|r| {
            unique(
                feature(&crate::ident::value_name(&r.name.value)),
                &mut taken,
            )
        })
        .collect()
}

/// Chooses the setter names of one request builder.
pub(super) struct SetterNames {
    taken: Vec<String>,
}

impl SetterNames {
    /// The names a builder of an operation with a model body (`body`) and pagination (`paginated`) already has,
    /// and `methods`, the other methods its answers give it (`send_with_headers`, `send_streaming`).
    pub(super) fn new(body: bool, paginated: bool, methods: &[&str]) -> Self {
        let mut taken: Vec<String> = BUILDER_METHODS.iter().map(|s| s.to_string()).collect();
        if body {
            taken.push("body".into());
        }
        if paginated {
            taken.extend(["pages".into(), "items".into()]);
        }
        taken.extend(methods.iter().map(|m| m.to_string()));
        SetterNames { taken }
    }

    /// The value setter, `set_…` and (when `nullable`) `…_null` for the input `rust_name`; `suffix` (`field` or
    /// `param`) tells it apart from a builder method of the same name.
    pub(super) fn names(
        &mut self,
        rust_name: &str,
        suffix: &str,
        nullable: bool,
    ) -> (String, Option<String>, String) {
        let name = if self.taken.iter().any(|t| t == rust_name) {
            format!("{}_{suffix}", rust_name.trim_end_matches('_'))
        } else {
            rust_name.to_owned()
        };
        let name = unique(name, &mut self.taken);
        // The `_` escapes (before a leading digit, after a keyword that cannot be raw) are not needed after `set_`.
        let set = unique(format!("set_{}", name.trim_matches('_')), &mut self.taken);
        let null = nullable.then(|| {
            unique(
                format!("{}_null", name.trim_end_matches('_')),
                &mut self.taken,
            )
        });
        (name, null, set)
    }
}

/// Argument names kept unique within one method.
pub(super) struct ArgNames {
    taken: Vec<String>,
}

impl ArgNames {
    /// Arguments clear of `reserved` (a handler's `ctx`, `query`, `body`).
    pub(super) fn new(reserved: &[&str]) -> Self {
        ArgNames {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub(super) fn name(&mut self, rust_name: &str) -> String {
        unique(rust_name.to_owned(), &mut self.taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setters_clear_of_builder_methods_get_a_suffix() {
        let mut names = SetterNames::new(true, true, &[]);
        assert_eq!(
            names.names("pages", "field", false),
            ("pages_field".into(), None, "set_pages_field".into())
        );
        assert_eq!(names.names("body", "field", true).0, "body_field");
        assert_eq!(
            names.names("name", "field", true),
            ("name".into(), Some("name_null".into()), "set_name".into())
        );
        assert_eq!(
            names.names("_2nd_edition", "field", false).2,
            "set_2nd_edition"
        );
        // Without pagination, `pages` is a plain setter.
        assert_eq!(
            SetterNames::new(true, false, &[])
                .names("pages", "field", false)
                .0,
            "pages"
        );
        assert_eq!(
            SetterNames::new(false, false, &[]).names("self_", "field", true),
            ("self_".into(), Some("self_null".into()), "set_self".into())
        );
        // A keyword keeps its raw form; the `set_` form needs none.
        assert_eq!(
            SetterNames::new(false, false, &[])
                .names("type", "param", false)
                .2,
            "set_type"
        );
    }

    #[test]
    fn features_are_kebab_case_and_clear_of_the_crates_own() {
        assert_eq!(feature("insight_variables"), "insight-variables");
        assert_eq!(feature("client"), "resource-client");
        assert_eq!(feature("_1st"), "resource-1st");
    }

    #[test]
    fn statics_are_capitals_starting_with_a_letter() {
        assert_eq!(static_name("partial_update"), "PARTIAL_UPDATE");
        assert_eq!(static_name("_1st"), "OP_1ST");
        assert_eq!(static_name("type"), "TYPE");
    }

    #[test]
    fn a_body_field_named_like_a_query_parameter_gets_the_suffix() {
        let mut names = SetterNames::new(true, false, &[]);
        assert_eq!(names.names("limit", "param", false).0, "limit");
        assert_eq!(names.names("limit", "field", false).0, "limit_field");
    }
}
