//! validate: every semantic rule of the language, checked over the whole spec, all problems reported at once.
//!
//! After this stage passes, [`crate::lower`] may assume names resolve, paths match their parameters, patterns
//! compile and nothing collides; it never reports an error of its own. One file per part of the spec: `api`
//! (the `api` section and auth), `pagination`, `errors` (the standard answers and their bodies), `types`
//! (models and type expressions), `routes` (resources, operations, paths and parameters).

mod api;
mod errors;
mod pagination;
mod renames;
mod routes;
mod shadowing;
mod types;

use crate::diagnostic::{Diagnostic, Span};
use crate::spec::*;
use std::collections::HashMap;

/// Checks `spec`; an empty result means it can be lowered.
pub fn validate(spec: &Spec) -> Vec<Diagnostic> {
    let mut v = Validator {
        spec,
        diags: Vec::new(),
        models: HashMap::new(),
        param_slots: HashMap::new(),
    };
    v.run();
    v.diags
}

struct Validator<'s> {
    spec: &'s Spec,
    diags: Vec<Diagnostic>,
    /// Models by name: lookups happen per field, and specs can hold thousands of models.
    models: HashMap<&'s str, &'s Model>,
    /// Path parameter names by position: (the path before it, parameters blanked) → (name, where it was first seen).
    /// Routers (axum's among them) need one name per position among paths that share a prefix.
    param_slots: HashMap<String, (String, Span)>,
}

impl<'s> Validator<'s> {
    fn err(&mut self, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(span, msg).with_hint(hint));
    }

    fn run(&mut self) {
        let spec = self.spec;
        self.model_names_unique();
        for m in &spec.models {
            self.models.entry(m.name.value.as_str()).or_insert(m);
        }
        self.api();
        self.pagination();
        self.errors();
        for m in &spec.models {
            self.model(m);
        }
        self.recursion();
        self.derived_names();
        self.routes();
        self.renames();
    }

    /// Models, written or defined in place, must have distinct Rust names; a name given to an inline definition
    /// says where it stands and how to rename it.
    fn model_names_unique(&mut self) {
        let mut seen: HashMap<String, &Model> = HashMap::new();
        for m in &self.spec.models {
            let rust = crate::ident::model_name(&m.name.value);
            match seen.get(&rust) {
                Some(first) => {
                    let (msg, hint) = match (&m.inline, &first.inline) {
                        (Some(here), _) => (
                            format!("{here} defines a type in place named `{}`, which model `{}` (line {}) already is", m.name.value, first.name.value, first.name.span.line),
                            "give the definition a name of its own with `name: ...`".to_owned(),
                        ),
                        (None, Some(there)) => (
                            format!("model `{}` has the name {there} gives the type it defines in place", m.name.value),
                            "rename the model, or give the definition another with `name: ...`".to_owned(),
                        ),
                        (None, None) if first.name.value == m.name.value => {
                            (format!("model `{}` is defined twice", m.name.value), "rename one of the two models".to_owned())
                        }
                        (None, None) => (
                            format!("model `{}` and model `{}` (line {}) both become `{rust}` in Rust", m.name.value, first.name.value, first.name.span.line),
                            "rename one of the two models".to_owned(),
                        ),
                    };
                    self.err(m.name.span, msg, hint);
                }
                None => {
                    seen.insert(rust, m);
                }
            }
        }
    }

    /// Reports names that are equal after conversion to Rust (`fooBar` and `foo_bar`).
    fn names_unique<'a>(
        &mut self,
        names: impl Iterator<Item = &'a Name>,
        what: &str,
        convert: fn(&str) -> String,
    ) {
        let mut seen: HashMap<String, &Name> = HashMap::new();
        for name in names {
            let rust = convert(&name.value);
            if let Some(first) = seen.get(&rust) {
                let same = first.value == name.value;
                let msg = if same {
                    format!("{what} `{}` is defined twice", name.value)
                } else {
                    format!(
                        "{what} `{}` and {what} `{}` (line {}) both become `{rust}` in Rust",
                        name.value, first.value, first.span.line
                    )
                };
                self.err(name.span, msg, format!("rename one of the two {what}s"));
            } else {
                seen.insert(rust, name);
            }
        }
    }
}
