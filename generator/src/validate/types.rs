//! Models and type expressions: names resolve, each constructor in a place that allows it, constraints that fit
//! their types, patterns that compile, no struct that contains itself through required fields, no model named like
//! a generated type.

use super::Validator;
use crate::diagnostic::{did_you_mean, Span};
use crate::ident;
use crate::spec::*;
use std::collections::HashMap;

/// Where a type expression is used; each place allows different constructors.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Place {
    Field,
    Param,
    Body,
    Response { paginated: bool },
}

impl Validator<'_> {
    pub(super) fn unknown_type(&mut self, name: &str, span: Span) {
        let candidates = self
            .spec
            .models
            .iter()
            .map(|m| m.name.value.as_str())
            .chain(Prim::ALL.iter().map(|(n, _)| *n));
        let hint = match did_you_mean(name, candidates) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("define `{name}` under `models:`, or use a primitive type"),
        };
        self.err(span, format!("unknown type `{name}`"), hint);
    }

    /// Checks a type expression in a given place.
    pub(super) fn ty(&mut self, ty: &TypeExpr, span: Span, place: Place) {
        match ty {
            TypeExpr::Prim(_) => {}
            TypeExpr::List(inner) | TypeExpr::Map(inner) => {
                let inner_place = if place == Place::Param {
                    Place::Param
                } else {
                    Place::Field
                };
                if place == Place::Param {
                    self.err(span, "a parameter cannot be a list or map", "use a scalar type (string, integer, number, boolean, uuid, datetime, date) or an enum");
                } else {
                    self.ty(inner, span, inner_place);
                }
            }
            TypeExpr::Named(name) => match self.models.get(name.as_str()) {
                None => self.unknown_type(name, span),
                Some(Model {
                    kind: ModelKind::Struct { .. },
                    ..
                }) if place == Place::Param => {
                    self.err(
                        span,
                        format!("parameter type `{name}` is a struct model"),
                        "a parameter takes a scalar type or an enum",
                    );
                }
                Some(_) => {}
            },
            TypeExpr::Page(inner) => match place {
                Place::Response { paginated: true } => self.ty(inner, span, Place::Field),
                Place::Response { paginated: false } => self.err(
                    span,
                    "`page<T>` needs `pagination:` on the operation",
                    "add `pagination: <style name>` to the operation",
                ),
                _ => self.err(
                    span,
                    "`page<T>` is only allowed as a response type",
                    "use `list<T>` here",
                ),
            },
            TypeExpr::Create(name) | TypeExpr::Patch(name) => {
                if place != Place::Body {
                    self.err(
                        span,
                        "`create<M>` and `patch<M>` are only allowed as a request body",
                        "use the model name here",
                    );
                }
                match self.models.get(name.as_str()) {
                    None => self.unknown_type(name, span),
                    Some(Model {
                        kind: ModelKind::Enum { .. },
                        ..
                    }) => self.err(
                        span,
                        format!("`{name}` is an enum"),
                        "create<M> and patch<M> take a struct model",
                    ),
                    Some(_) => {}
                }
            }
            TypeExpr::None => {
                if !matches!(place, Place::Response { .. }) {
                    self.err(
                        span,
                        "`none` is only allowed as a response type",
                        "leave the key out instead",
                    );
                }
            }
        }
    }

    pub(super) fn model(&mut self, m: &Model) {
        match &m.kind {
            ModelKind::Enum { values, .. } => {
                if values.is_empty() {
                    self.err(
                        m.name.span,
                        format!("enum `{}` has no values", m.name.value),
                        "list its values under `enum:`",
                    );
                }
                let mut seen: Vec<&str> = Vec::new();
                for v in values {
                    if seen.contains(&v.value.value.as_str()) {
                        self.err(
                            v.value.span,
                            format!("enum value `{}` is listed twice", v.value.value),
                            "remove one",
                        );
                    }
                    seen.push(&v.value.value);
                }
            }
            ModelKind::Struct { fields, .. } => {
                let mut seen: Vec<&str> = Vec::new();
                for f in fields {
                    if seen.contains(&f.name.value.as_str()) {
                        self.err(
                            f.name.span,
                            format!("field `{}` is defined twice", f.name.value),
                            "remove one",
                        );
                    }
                    seen.push(&f.name.value);
                    self.ty(&f.ty.value, f.ty.span, Place::Field);
                    if f.read_only && f.write_only {
                        self.err(f.name.span, format!("field `{}` is both read-only and write-only", f.name.value), "a field is read-only (responses only), write-only (requests only), or neither");
                    }
                    if f.read_only && f.required_on_create {
                        self.err(
                            f.name.span,
                            format!(
                                "field `{}` is read-only but required on create",
                                f.name.value
                            ),
                            "remove `required_on_create`, or `read_only`",
                        );
                    }
                    let c = &f.constraints;
                    let stringy = matches!(
                        f.ty.value,
                        TypeExpr::Prim(Prim::String | Prim::Uri | Prim::Email)
                    );
                    let numeric =
                        matches!(f.ty.value, TypeExpr::Prim(Prim::Integer | Prim::Number));
                    if !stringy
                        && (c.max_length.is_some() || c.min_length.is_some() || c.pattern.is_some())
                    {
                        self.err(f.ty.span, format!("length and pattern constraints need a string type, but `{}` is not one", f.name.value), "remove the constraint or change the type");
                    }
                    if !numeric && (c.minimum.is_some() || c.maximum.is_some()) {
                        self.err(
                            f.ty.span,
                            format!(
                                "`minimum`/`maximum` need a number type, but `{}` is not one",
                                f.name.value
                            ),
                            "remove the constraint or change the type",
                        );
                    }
                    if let (Some(lo), Some(hi)) = (c.min_length, c.max_length) {
                        if lo > hi {
                            self.err(
                                f.name.span,
                                "`min_length` is greater than `max_length`",
                                "swap them",
                            );
                        }
                    }
                    if let Some(p) = &c.pattern {
                        self.pattern(p);
                    }
                    if let Some(r) = &f.rust_name {
                        if !is_identifier(&r.value) {
                            self.err(
                                r.span,
                                format!("`{}` is not a Rust identifier", r.value),
                                "use snake_case letters, digits and `_`",
                            );
                        }
                    }
                }
            }
        }
    }

    /// A struct that holds itself through required, non-null fields alone can never be written down.
    pub(super) fn recursion(&mut self) {
        for m in &self.spec.models {
            let ModelKind::Struct { fields, .. } = &m.kind else {
                continue;
            };
            for f in fields {
                if f.optional || f.nullable {
                    continue;
                }
                if let TypeExpr::Named(target) = &f.ty.value {
                    if self.required_path(target, &m.name.value, &mut Vec::new()) {
                        self.err(
                            f.ty.span,
                            format!("model `{}` contains itself through required fields (`{}`), so no value of it can exist", m.name.value, f.name.value),
                            "make one field of the cycle `optional: true` or `nullable: true`, or use `list<...>`",
                        );
                    }
                }
            }
        }
    }

    pub(super) fn required_path(&self, from: &str, to: &str, visited: &mut Vec<String>) -> bool {
        if from == to {
            return true;
        }
        if visited.iter().any(|v| v == from) {
            return false;
        }
        visited.push(from.to_owned());
        let Some(Model {
            kind: ModelKind::Struct { fields, .. },
            ..
        }) = self.models.get(from)
        else {
            return false;
        };
        fields
            .iter()
            .filter(|f| !f.optional && !f.nullable)
            .any(|f| match &f.ty.value {
                TypeExpr::Named(n) => self.required_path(n, to, visited),
                _ => false,
            })
    }

    /// Generated names (`{M}Create`, `{M}Patch`, `Paginated{T}List`) must not collide with written ones.
    pub(super) fn derived_names(&mut self) {
        let mut derived: Vec<(String, Span)> = Vec::new();
        for r in &self.spec.resources {
            for op in &r.operations {
                if let Some(b) = &op.body {
                    match &b.value {
                        TypeExpr::Create(m) => {
                            derived.push((ident::type_name_of(&[m, "Create"]), b.span))
                        }
                        TypeExpr::Patch(m) => {
                            derived.push((ident::type_name_of(&[m, "Patch"]), b.span))
                        }
                        _ => {}
                    }
                }
                for resp in &op.responses {
                    if let TypeExpr::Page(inner) = &resp.ty.value {
                        derived.push((inner.page_name(), resp.ty.span));
                    }
                }
            }
        }
        let by_rust_name: HashMap<String, &Model> = self
            .spec
            .models
            .iter()
            .map(|m| (ident::type_name(&m.name.value), m))
            .collect();
        for (name, span) in derived {
            if let Some(m) = by_rust_name.get(&name) {
                self.err(
                    m.name.span,
                    format!("model `{}` has the name of a generated type", m.name.value),
                    format!(
                        "`{name}` is generated for the type at line {}; rename the model",
                        span.line
                    ),
                );
            }
        }
    }

    /// A `pattern` must compile with the `regex` crate the generated server uses to enforce it.
    pub(super) fn pattern(&mut self, p: &Name) {
        if let Err(e) = regex::Regex::new(&p.value) {
            // regex's message spans several lines (the pattern, a caret, the reason); the reason is the last one.
            let reason = e.to_string();
            let reason = reason
                .lines()
                .last()
                .unwrap_or_default()
                .trim()
                .trim_start_matches("error: ");
            self.err(
                p.span,
                format!("`pattern` is not a regular expression the generated server can compile: {reason}"),
                "write it in Rust `regex` syntax (no look-around or back-references), e.g. `^[a-z][a-z0-9_]*$`",
            );
        }
    }
}

/// True for a name usable as a plain Rust identifier (`rust_name` overrides).
fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
