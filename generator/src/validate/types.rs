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
    /// A path parameter: a scalar or an enum.
    Path,
    /// A query parameter: a scalar, an enum, a list of them, or an object (a struct model or a map, written as a
    /// deep object).
    Query,
    /// A request or response header: a scalar, an enum, or a list of them (comma-separated).
    Header,
    Body,
    Response {
        paginated: bool,
        success: bool,
    },
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

    /// Whether a type is a scalar a parameter can carry as text: a primitive other than `json` and `binary`, or an
    /// enum (open or closed).
    pub(super) fn is_scalar(&self, ty: &TypeExpr) -> bool {
        match ty {
            TypeExpr::Prim(p) => !matches!(p, Prim::Json | Prim::Binary),
            TypeExpr::Named(n) => matches!(
                self.models.get(n.as_str()),
                Some(Model {
                    kind: ModelKind::Enum { .. },
                    ..
                })
            ),
            _ => false,
        }
    }

    /// Checks a type expression in a given place.
    pub(super) fn ty(&mut self, ty: &TypeExpr, span: Span, place: Place) {
        let param = matches!(place, Place::Path | Place::Query | Place::Header);
        if param {
            self.param_ty(ty, span, place);
            return;
        }
        match ty {
            TypeExpr::Prim(Prim::Binary) if place == Place::Field => {
                // A file part of a multipart body: `binary_fields` checks where its model is used.
            }
            TypeExpr::List(inner)
                if place == Place::Field && matches!(**inner, TypeExpr::Prim(Prim::Binary)) =>
            {
                // Several file parts of one name (`attachment`, `files[]`), likewise.
            }
            TypeExpr::Prim(_) => {}
            TypeExpr::List(inner) | TypeExpr::Map(inner) => {
                if inner.is_file() {
                    // Files travel as parts: one (`binary`) or several of one name (`list<binary>`), as a field
                    // of a multipart body; nothing else holds them.
                    self.err(
                        span,
                        "files have no wire form here: a multipart body's field is `binary` (one file part) or `list<binary>` (several parts of one name)",
                        "declare a `binary` field per file part, or one `list<binary>` field for several files of one name",
                    );
                    return;
                }
                self.ty(inner, span, Place::Field);
            }
            TypeExpr::Named(name) => {
                if !self.models.contains_key(name.as_str()) {
                    self.unknown_type(name, span);
                }
            }
            TypeExpr::Page(inner) => match place {
                Place::Response {
                    paginated: true, ..
                } => self.ty(inner, span, Place::Field),
                Place::Response {
                    paginated: false, ..
                } => self.err(
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
            TypeExpr::Events(inner) => match place {
                Place::Response { success: true, .. } => {
                    if matches!(**inner, TypeExpr::Prim(Prim::Binary) | TypeExpr::None) {
                        self.err(
                            span,
                            "an event's data is a JSON value",
                            "write `events<Model>` (or `events<json>`)",
                        );
                    } else {
                        self.ty(inner, span, Place::Field);
                    }
                }
                _ => self.err(
                    span,
                    "`events<T>` is only allowed as a success response type",
                    "use it for a `text/event-stream` answer; elsewhere use `T` or `list<T>`",
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
                        kind: ModelKind::Enum { .. } | ModelKind::Union { .. },
                        ..
                    }) => self.err(
                        span,
                        format!("`{name}` is not a struct model"),
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

    /// A parameter's type: scalars everywhere, lists of scalars in the query and in headers, objects in the query.
    fn param_ty(&mut self, ty: &TypeExpr, span: Span, place: Place) {
        let what = match place {
            Place::Path => "a path parameter",
            Place::Header => "a header",
            _ => "a query parameter",
        };
        match ty {
            TypeExpr::Named(name) if !self.models.contains_key(name.as_str()) => {
                self.unknown_type(name, span)
            }
            _ if self.is_scalar(ty) => {}
            TypeExpr::List(inner) if place != Place::Path && self.is_scalar(inner) => {}
            TypeExpr::Map(inner) if place == Place::Query && self.is_scalar(inner) => {}
            TypeExpr::Named(name)
                if place == Place::Query
                    && matches!(
                        self.models.get(name.as_str()),
                        Some(Model {
                            kind: ModelKind::Struct { .. },
                            ..
                        })
                    ) => {}
            // An untagged union of what a query parameter can be on its own, one value or one object (Stripe's
            // `created=5` or `created[gt]=5`): the value written says which variant it is.
            TypeExpr::Named(name) if place == Place::Query && self.query_union(name).is_some() => {
                let unfit: Vec<String> = self
                    .query_union(name)
                    .unwrap_or_default()
                    .iter()
                    .filter(|v| !self.is_query_value(&v.ty.value))
                    .map(|v| v.ty.value.text())
                    .collect();
                for variant in unfit {
                    self.err(
                        span,
                        format!("a query parameter of the union `{name}` cannot hold its variant `{variant}`"),
                        "a union in the query has variants that are scalars, enums, struct models or `map<scalar>` (one value, or one object written as `name[key]=value`); a list is a parameter of its own",
                    );
                }
            }
            _ => {
                let allowed = match place {
                    Place::Path => "a scalar type (string, integer, number, boolean, uuid, datetime, date) or an enum",
                    Place::Header => "a scalar type, an enum, or a list of them (sent comma-separated)",
                    _ => "a scalar type, an enum, a list of them (`style: form`, `comma` or `brackets`), an object (a struct model or `map<scalar>`, written as `name[key]=value`), or an untagged union of scalars and objects",
                };
                let found = match ty {
                    TypeExpr::Named(n) => format!("`{n}`"),
                    TypeExpr::List(_) if place == Place::Path => "a list".to_owned(),
                    TypeExpr::List(_) => "a list of non-scalars".to_owned(),
                    TypeExpr::Map(_) => "a map".to_owned(),
                    TypeExpr::Prim(p) => format!("`{}`", p.name()),
                    _ => "this type".to_owned(),
                };
                self.err(
                    span,
                    format!("{what} cannot be {found}"),
                    format!("{what} takes {allowed}"),
                );
            }
        }
    }

    /// The variants of `name` when it is an untagged union (a query parameter may be one).
    fn query_union(&self, name: &str) -> Option<&[UnionVariant]> {
        match &self.models.get(name)?.kind {
            ModelKind::Union {
                tag: None,
                variants,
                ..
            } => Some(variants),
            _ => None,
        }
    }

    /// Whether a variant of a union in the query can be written there alone: a scalar, an enum, a struct model or
    /// a map of scalars.
    fn is_query_value(&self, ty: &TypeExpr) -> bool {
        match ty {
            TypeExpr::Map(inner) => self.is_scalar(inner),
            TypeExpr::Named(n) => matches!(
                self.models.get(n.as_str()).map(|m| &m.kind),
                Some(ModelKind::Struct { .. } | ModelKind::Enum { .. })
            ),
            _ => self.is_scalar(ty),
        }
    }

    pub(super) fn model(&mut self, m: &Model) {
        match &m.kind {
            ModelKind::Enum { values, .. } => self.enum_values(m, values),
            ModelKind::Struct {
                fields, extends, ..
            } => {
                self.extends(m, extends);
                let lookup = |name: &str| self.models.get(name).copied();
                let inherited: Vec<(&str, &str)> = m
                    .all_fields(&lookup)
                    .iter()
                    .filter(|f| !fields.iter().any(|own| std::ptr::eq(own, **f)))
                    .map(|f| (f.name.value.as_str(), ""))
                    .collect();
                let mut seen: Vec<&str> = Vec::new();
                for f in fields {
                    if seen.contains(&f.name.value.as_str()) {
                        self.err(
                            f.name.span,
                            format!("field `{}` is defined twice", f.name.value),
                            "remove one",
                        );
                    } else if inherited.iter().any(|(n, _)| *n == f.name.value) {
                        self.err(
                            f.name.span,
                            format!(
                                "field `{}` is already a field of a model `{}` extends",
                                f.name.value, m.name.value
                            ),
                            "rename it, or leave it to the base model",
                        );
                    }
                    seen.push(&f.name.value);
                    self.field(f);
                }
            }
            ModelKind::Union {
                tag,
                variants,
                open,
            } => self.union(m, tag.as_ref(), variants, *open),
        }
    }

    fn enum_values(&mut self, m: &Model, values: &[EnumValue]) {
        if values.is_empty() {
            self.err(
                m.name.span,
                format!("enum `{}` has no values", m.name.value),
                "list its values under `enum:`",
            );
        }
        let mut seen: Vec<&Literal> = Vec::new();
        let mut rust_names: Vec<String> = Vec::new();
        let first_kind = values.first().map(|v| v.value.value.kind());
        for v in values {
            if seen.contains(&&v.value.value) {
                self.err(
                    v.value.span,
                    format!("enum value `{}` is listed twice", v.value.value.text()),
                    "remove one",
                );
            }
            seen.push(&v.value.value);
            if Some(v.value.value.kind()) != first_kind {
                self.err(
                    v.value.span,
                    format!(
                        "enum value `{}` is {}, but the enum's first value is {}",
                        v.value.value.text(),
                        v.value.value.kind(),
                        first_kind.unwrap_or("a string")
                    ),
                    "an enum's values are all strings, all integers or all booleans; quote a value to make it a string",
                );
            }
            if let Some(r) = &v.rust_name {
                if !is_type_identifier(&r.value) {
                    self.err(
                        r.span,
                        format!("`{}` is not a Rust type name", r.value),
                        "use UpperCamelCase letters and digits, e.g. `CreatedDesc`",
                    );
                } else if rust_names.contains(&r.value) || r.value == "Unknown" {
                    self.err(
                        r.span,
                        format!("the Rust name `{}` is already taken in this enum", r.value),
                        "choose another `rust_name`",
                    );
                } else {
                    rust_names.push(r.value.clone());
                }
            }
        }
    }

    fn extends(&mut self, m: &Model, extends: &[Name]) {
        // Each inherited field by name, with the base that brought it: a field two bases bring (other than one both
        // inherit from a common base, which comes once) would be a Rust struct field written twice.
        let mut inherited: Vec<(&Field, &str)> = Vec::new();
        for (i, base) in extends.iter().enumerate() {
            if extends[..i].iter().any(|b| b.value == base.value) {
                self.err(
                    base.span,
                    format!(
                        "`{}` is listed twice in the `extends` of `{}`",
                        base.value, m.name.value
                    ),
                    "remove one",
                );
                continue;
            }
            if let Some(
                b @ Model {
                    kind: ModelKind::Struct { .. },
                    ..
                },
            ) = self.models.get(base.value.as_str()).copied()
            {
                if !self.extends_itself(&base.value, &m.name.value, &mut Vec::new()) {
                    let lookup = |name: &str| self.models.get(name).copied();
                    for f in b.all_fields(&lookup) {
                        match inherited.iter().find(|(g, _)| g.name.value == f.name.value) {
                            Some((g, _)) if std::ptr::eq(*g, f) => {}
                            Some((_, other)) => {
                                let other = other.to_string();
                                self.err(
                                    base.span,
                                    format!("`{other}` and `{}` both have a field `{}`, so `{}` would have it twice", base.value, f.name.value, m.name.value),
                                    "rename the field in one of them, or move it to a base both extend",
                                );
                            }
                            None => inherited.push((f, &base.value)),
                        }
                    }
                }
            }
            match self.models.get(base.value.as_str()) {
                None => self.unknown_type(&base.value, base.span),
                Some(Model {
                    kind: ModelKind::Struct { .. },
                    ..
                }) => {
                    if self.extends_itself(&base.value, &m.name.value, &mut Vec::new()) {
                        self.err(
                            base.span,
                            format!(
                                "model `{}` extends itself through `{}`",
                                m.name.value, base.value
                            ),
                            "remove one `extends` of the cycle",
                        );
                    }
                }
                Some(_) => self.err(
                    base.span,
                    format!(
                        "`{}` is not a struct model, so `{}` cannot extend it",
                        base.value, m.name.value
                    ),
                    "`extends` takes struct models, whose fields come first",
                ),
            }
        }
    }

    fn extends_itself(&self, from: &str, target: &str, seen: &mut Vec<String>) -> bool {
        if from == target {
            return true;
        }
        if seen.iter().any(|s| s == from) {
            return false;
        }
        seen.push(from.to_owned());
        match self.models.get(from).map(|m| &m.kind) {
            Some(ModelKind::Struct { extends, .. }) => extends
                .iter()
                .any(|b| self.extends_itself(&b.value, target, seen)),
            _ => false,
        }
    }

    pub(super) fn field(&mut self, f: &Field) {
        self.ty(&f.ty.value, f.ty.span, Place::Field);
        if f.ty.value.is_file() && f.constraints.any() {
            let at = f
                .constraints
                .span_of(&[
                    "min_items",
                    "max_items",
                    "min_length",
                    "max_length",
                    "pattern",
                    "minimum",
                    "maximum",
                ])
                .unwrap_or(f.ty.span);
            self.err(
                at,
                format!("file field `{}` takes no constraints: the server does not count or measure file parts", f.name.value),
                "remove the constraint (a part's size is bounded by the server's `max_part_bytes`, their number by `max_parts`)",
            );
        }
        if self.has_binary_field(&f.ty.value) {
            self.err(
                f.ty.span,
                format!("field `{}` holds a model with `binary` fields", f.name.value),
                "a model with file parts is a multipart body of its own; nest the files' metadata instead",
            );
        }
        if f.read_only && f.write_only {
            self.err(
                f.name.span,
                format!("field `{}` is both read-only and write-only", f.name.value),
                "a field is read-only (responses only), write-only (requests only), or neither",
            );
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
        let what = format!("`{}`", f.name.value);
        self.constraints(&f.constraints, &f.ty, &what);
        if let Some(r) = &f.rust_name {
            if !is_identifier(&r.value) {
                self.err(
                    r.span,
                    format!("`{}` is not a Rust identifier", r.value),
                    "use snake_case letters, digits and `_`",
                );
            }
        }
        if let Some(d) = &f.default {
            if f.required_on_create {
                self.err(
                    d.span,
                    format!(
                        "field `{}` has a default, so it need not be required on create",
                        f.name.value
                    ),
                    "remove `required_on_create` or the default",
                );
            }
            self.default(
                d,
                &f.ty.value,
                &f.constraints,
                Some(f.nullable),
                &format!("field `{}`", f.name.value),
            );
        }
        if let Some(w) = &f.write_as {
            let target = model_of(&f.ty.value);
            let is_struct = target
                .and_then(|t| self.models.get(t))
                .is_some_and(|m| matches!(m.kind, ModelKind::Struct { .. }));
            if !is_struct {
                self.err(w.span, format!("`write_as` needs a field whose type is a struct model (or a list or map of one), but `{}` is not", f.name.value), "remove `write_as`");
            }
            if f.read_only {
                self.err(
                    w.span,
                    format!(
                        "field `{}` is read-only, so no request body holds it",
                        f.name.value
                    ),
                    "remove `write_as` or `read_only`",
                );
            }
        }
    }

    /// Constraints must fit the type they are written on (`what` names it in messages).
    pub(super) fn constraints(&mut self, c: &Constraints, ty: &Spanned<TypeExpr>, what: &str) {
        let stringy = matches!(
            ty.value,
            TypeExpr::Prim(Prim::String | Prim::Uri | Prim::Email)
        );
        let numeric = matches!(ty.value, TypeExpr::Prim(Prim::Integer | Prim::Number));
        let listy = matches!(ty.value, TypeExpr::List(_));
        // Each mistake points at the constraint written, the type only when no position is known.
        let at = |keys: &[&str]| c.span_of(keys).unwrap_or(ty.span);
        if !stringy && (c.max_length.is_some() || c.min_length.is_some() || c.pattern.is_some()) {
            self.err(
                at(&["max_length", "min_length", "pattern"]),
                format!("length and pattern constraints need a string type, but {what} is not one"),
                "remove the constraint or change the type",
            );
        }
        if !numeric && (c.minimum.is_some() || c.maximum.is_some()) {
            self.err(
                at(&["minimum", "maximum"]),
                format!("`minimum`/`maximum` need a number type, but {what} is not one"),
                "remove the constraint or change the type",
            );
        }
        if !listy && (c.min_items.is_some() || c.max_items.is_some()) {
            self.err(
                at(&["min_items", "max_items"]),
                format!("`min_items`/`max_items` need a list type, but {what} is not one"),
                "remove the constraint or change the type to `list<...>`",
            );
        }
        for (lo, hi, key, names) in [
            (
                c.min_length,
                c.max_length,
                "min_length",
                "`min_length` is greater than `max_length`",
            ),
            (
                c.min_items,
                c.max_items,
                "min_items",
                "`min_items` is greater than `max_items`",
            ),
        ] {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo > hi {
                    self.err(at(&[key]), format!("{names} on {what}"), "swap them");
                }
            }
        }
        for (n, key) in [
            (c.min_length, "min_length"),
            (c.max_length, "max_length"),
            (c.min_items, "min_items"),
            (c.max_items, "max_items"),
        ] {
            if n.is_some_and(|n| n < 0) {
                self.err(
                    at(&[key]),
                    format!("`{key}` on {what} is negative"),
                    "counts start at 0",
                );
            }
        }
        if let (Some(lo), Some(hi)) = (c.minimum, c.maximum) {
            if lo > hi {
                self.err(
                    at(&["minimum"]),
                    format!("`minimum` is greater than `maximum` on {what}"),
                    "swap them",
                );
            }
        }
        if let Some(p) = &c.pattern {
            self.pattern(p);
        }
    }

    /// A default must be a value of the type, within its constraints. `nullable` is `None` for a parameter, which
    /// cannot be null; `what` names the field or parameter.
    pub(super) fn default(
        &mut self,
        d: &Spanned<serde_json::Value>,
        ty: &TypeExpr,
        c: &Constraints,
        nullable: Option<bool>,
        what: &str,
    ) {
        if d.value.is_null() {
            match nullable {
                Some(true) => {}
                Some(false) => self.err(
                    d.span,
                    format!("the default of {what} is null, but the field is not nullable"),
                    "write `nullable: true` beside it, or remove the default",
                ),
                None => self.err(
                    d.span,
                    format!("the default of {what} is null, but a parameter cannot be null"),
                    "remove the default: an absent parameter already means no value",
                ),
            }
            return;
        }
        if let Err(why) = self.json_fits(&d.value, ty, Placeholders::No, 0) {
            self.err(
                d.span,
                format!("the default of {what} does not fit its type: {why}"),
                "write a value of the declared type, as YAML",
            );
        } else if let Err(why) = constraint_holds(&d.value, c) {
            self.err(
                d.span,
                format!("the default of {what} breaks its constraints: {why}"),
                "write a default within the constraints, or change them",
            );
        }
    }

    /// Whether `value` is a value of `ty`. With [`Placeholders::Text`] a string `{name}` stands for a value the server
    /// fills in (error answer bodies), so it fits a string, and alone it may stand for `null` where `null` fits.
    pub(super) fn json_fits(
        &self,
        value: &serde_json::Value,
        ty: &TypeExpr,
        placeholders: Placeholders,
        depth: usize,
    ) -> Result<(), String> {
        use serde_json::Value;
        if depth > 64 {
            return Ok(());
        }
        let shown = || {
            let text = value.to_string();
            if text.chars().count() > 40 {
                format!("{}…", text.chars().take(40).collect::<String>())
            } else {
                text
            }
        };
        let ok = match (ty, value) {
            (TypeExpr::Prim(Prim::Json), _) => true,
            (TypeExpr::Prim(Prim::String | Prim::Uri | Prim::Email), Value::String(_)) => true,
            (TypeExpr::Prim(Prim::Integer), Value::Number(n)) => n.is_i64() || n.is_u64(),
            (TypeExpr::Prim(Prim::Number), Value::Number(_)) => true,
            (TypeExpr::Prim(Prim::Boolean), Value::Bool(_)) => true,
            (TypeExpr::Prim(Prim::Uuid), Value::String(s)) => is_uuid(s),
            (TypeExpr::Prim(Prim::DateTime), Value::String(s)) => is_datetime(s),
            (TypeExpr::Prim(Prim::Date), Value::String(s)) => is_date(s),
            (TypeExpr::List(inner), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    if placeholders.null_attr(item) {
                        return Err(format!("item {i} is {NULL_ATTR}"));
                    }
                    self.json_fits(item, inner, placeholders, depth + 1)
                        .map_err(|e| format!("item {i}: {e}"))?;
                }
                true
            }
            (TypeExpr::Map(inner), Value::Object(entries)) => {
                for (k, v) in entries {
                    if placeholders.null_attr(v) {
                        return Err(format!("`{k}` is {NULL_ATTR}"));
                    }
                    self.json_fits(v, inner, placeholders, depth + 1)
                        .map_err(|e| format!("`{k}`: {e}"))?;
                }
                true
            }
            (TypeExpr::Named(name), _) => {
                return self.json_fits_model(value, name, placeholders, depth)
            }
            _ => false,
        };
        // A placeholder stands for text the server fills in: it fits any string type.
        let placeholder = placeholders.allowed() && value.as_str().is_some_and(is_placeholder);
        if ok
            || (placeholder && matches!(ty, TypeExpr::Prim(Prim::String | Prim::Uri | Prim::Email)))
        {
            Ok(())
        } else {
            Err(format!("{} is not {}", shown(), type_words(ty)))
        }
    }

    fn json_fits_model(
        &self,
        value: &serde_json::Value,
        name: &str,
        placeholders: Placeholders,
        depth: usize,
    ) -> Result<(), String> {
        use serde_json::Value;
        let Some(m) = self.models.get(name).copied() else {
            // Reported where the type is written.
            return Ok(());
        };
        match (&m.kind, value) {
            (ModelKind::Enum { values, .. }, _) => {
                let fits = values.iter().any(|v| match (&v.value.value, value) {
                    (Literal::Str(s), Value::String(t)) => s == t,
                    (Literal::Int(i), Value::Number(n)) => n.as_i64() == Some(*i),
                    (Literal::Bool(b), Value::Bool(c)) => b == c,
                    _ => false,
                });
                if fits || (placeholders.allowed() && value.as_str().is_some_and(is_placeholder)) {
                    Ok(())
                } else {
                    Err(format!("{value} is not a value of the enum `{name}`"))
                }
            }
            (
                ModelKind::Struct {
                    reject_unknown_fields,
                    ..
                },
                Value::Object(entries),
            ) => {
                let lookup = |n: &str| self.models.get(n).copied();
                let fields = m.all_fields(&lookup);
                for (key, v) in entries {
                    match fields.iter().find(|f| f.name.value == *key) {
                        Some(f) => {
                            if placeholders.null_attr(v) && !f.nullable {
                                return Err(format!(
                                    "`{key}` is {NULL_ATTR}, but it is not nullable"
                                ));
                            }
                            let lone =
                                placeholders.allowed() && v.as_str().is_some_and(is_placeholder);
                            if v.is_null() || (lone && f.nullable) {
                                if !f.nullable && v.is_null() {
                                    return Err(format!("`{key}` is null, but it is not nullable"));
                                }
                                continue;
                            }
                            self.json_fits(v, &f.ty.value, placeholders, depth + 1)
                                .map_err(|e| format!("`{key}`: {e}"))?;
                        }
                        None if *reject_unknown_fields => {
                            return Err(format!(
                                "`{key}` is not a field of `{name}`, which refuses unknown fields"
                            ));
                        }
                        None => {}
                    }
                }
                if let Some(missing) = fields.iter().find(|f| {
                    !f.optional
                        && f.default.is_none()
                        && !entries.contains_key(&f.name.value)
                        && !f.write_only
                }) {
                    return Err(format!(
                        "the field `{}` of `{name}` is missing",
                        missing.name.value
                    ));
                }
                Ok(())
            }
            (
                ModelKind::Union {
                    tag: Some(tag),
                    variants,
                    ..
                },
                Value::Object(entries),
            ) => {
                let Some(chosen) = entries.get(&tag.value).and_then(Value::as_str) else {
                    return Err(format!(
                        "the tag field `{}` of the union `{name}` is missing",
                        tag.value
                    ));
                };
                match variants
                    .iter()
                    .find(|v| v.tag.as_ref().is_some_and(|t| t.value == chosen))
                {
                    Some(v) => {
                        let mut rest = value.clone();
                        if let (Some(Value::Object(obj)), TypeExpr::Named(target)) =
                            (Some(&mut rest), &v.ty.value)
                        {
                            let declares = self.models.get(target.as_str()).is_some_and(|t| {
                                let lookup = |n: &str| self.models.get(n).copied();
                                t.all_fields(&lookup)
                                    .iter()
                                    .any(|f| f.name.value == tag.value)
                            });
                            if !declares {
                                obj.remove(&tag.value);
                            }
                        }
                        self.json_fits(&rest, &v.ty.value, placeholders, depth + 1)
                    }
                    None => Err(format!(
                        "`{chosen}` is not a tag value of the union `{name}`"
                    )),
                }
            }
            (
                ModelKind::Union {
                    tag: None,
                    variants,
                    ..
                },
                _,
            ) => {
                let mut reasons = Vec::new();
                for v in variants {
                    match self.json_fits(value, &v.ty.value, placeholders, depth + 1) {
                        Ok(()) => return Ok(()),
                        Err(e) => reasons.push(e),
                    }
                }
                Err(format!(
                    "{value} fits no variant of the union `{name}` ({})",
                    reasons.join("; ")
                ))
            }
            _ => Err(format!("{value} is not an object of `{name}`")),
        }
    }

    fn union(&mut self, m: &Model, tag: Option<&Name>, variants: &[UnionVariant], open: bool) {
        let mut seen_types: Vec<&TypeExpr> = Vec::new();
        let mut rust_names: Vec<&str> = Vec::new();
        let mut seen_tags: Vec<&str> = Vec::new();
        for v in variants {
            self.ty(&v.ty.value, v.ty.span, Place::Field);
            if seen_types.contains(&&v.ty.value) {
                self.err(
                    v.ty.span,
                    format!("union `{}` lists this type twice", m.name.value),
                    "remove one variant",
                );
            }
            seen_types.push(&v.ty.value);
            if let Some(r) = &v.rust_name {
                if !is_type_identifier(&r.value) {
                    self.err(
                        r.span,
                        format!("`{}` is not a Rust type name", r.value),
                        "use UpperCamelCase letters and digits, e.g. `Object`",
                    );
                } else if rust_names.contains(&r.value.as_str()) || (open && r.value == "Unknown") {
                    // As for enum values: a written name is used as written, never numbered out of the way.
                    let why = if open && r.value == "Unknown" {
                        "an open union's last variant is `Unknown`"
                    } else {
                        "another variant has it"
                    };
                    self.err(
                        r.span,
                        format!(
                            "the Rust name `{}` is already taken in union `{}`: {why}",
                            r.value, m.name.value
                        ),
                        "choose another `rust_name`",
                    );
                } else {
                    rust_names.push(&r.value);
                }
            }
            let (Some(tag), Some(value)) = (tag, &v.tag) else {
                continue;
            };
            if seen_tags.contains(&value.value.as_str()) {
                self.err(
                    value.span,
                    format!("tag value `{}` is listed twice", value.value),
                    "remove one",
                );
            }
            seen_tags.push(&value.value);
            // A tagged variant is an object: a struct model, whose field named like the tag (if it declares one)
            // must accept the variant's value.
            let target = match &v.ty.value {
                TypeExpr::Named(n) => self.models.get(n.as_str()).copied(),
                _ => None,
            };
            match target {
                Some(
                    t @ Model {
                        kind: ModelKind::Struct { .. },
                        ..
                    },
                ) => {
                    let lookup = |n: &str| self.models.get(n).copied();
                    let declared = t
                        .all_fields(&lookup)
                        .into_iter()
                        .find(|f| f.name.value == tag.value);
                    if let Some(f) = declared {
                        let fits = self.json_fits(
                            &serde_json::Value::String(value.value.clone()),
                            &f.ty.value,
                            Placeholders::No,
                            0,
                        );
                        if let Err(why) = fits {
                            self.err(f.ty.span, format!("the tag field `{}` of `{}` cannot hold the tag value `{}`: {why}", tag.value, t.name.value, value.value), "make it a string, or an enum that has the value");
                        } else if f.optional || f.nullable {
                            self.err(
                                f.name.span,
                                format!(
                                    "the tag field `{}` of `{}` may be absent or null",
                                    tag.value, t.name.value
                                ),
                                "a tag field is always sent: remove `optional`/`nullable`",
                            );
                        }
                    }
                }
                Some(_) | None if !matches!(v.ty.value, TypeExpr::Named(ref n) if !self.models.contains_key(n.as_str())) =>
                {
                    self.err(v.ty.span, format!("variant `{}` of union `{}` is not a struct model", value.value, m.name.value), "a union tagged by a field has objects as variants: name a struct model, or define one in place with `{fields: ...}`");
                }
                _ => {}
            }
        }
        if tag.is_none() {
            self.shadowed_variants(m, variants);
        }
    }

    /// A struct that holds itself through required, non-null fields alone can never be written down.
    pub(super) fn recursion(&mut self) {
        for m in &self.spec.models {
            let ModelKind::Struct { fields, .. } = &m.kind else {
                continue;
            };
            for f in fields {
                if f.optional || f.nullable || f.default.is_some() {
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
                    if let TypeExpr::Create(m) | TypeExpr::Patch(m) = &b.ty.value {
                        derived.extend(self.write_as_forms(m, b.ty.span));
                    }
                    match &b.ty.value {
                        TypeExpr::Create(m) => {
                            derived.push((ident::type_name_of(&[m, "Create"]), b.ty.span))
                        }
                        TypeExpr::Patch(m) => {
                            derived.push((ident::type_name_of(&[m, "Patch"]), b.ty.span))
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
            .map(|m| (ident::model_name(&m.name.value), m))
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

    /// The request forms a body of model `m` reaches through `write_as` fields, as (Rust name, where).
    fn write_as_forms(&self, m: &str, span: Span) -> Vec<(String, Span)> {
        let mut out = Vec::new();
        let mut todo = vec![m.to_owned()];
        let mut seen: Vec<String> = Vec::new();
        while let Some(name) = todo.pop() {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let Some(model) = self.models.get(name.as_str()).copied() else {
                continue;
            };
            let lookup = |n: &str| self.models.get(n).copied();
            for f in model.all_fields(&lookup) {
                if let (Some(_), Some(target)) = (&f.write_as, model_of(&f.ty.value)) {
                    out.push((ident::type_name_of(&[target, "Create"]), span));
                    out.push((ident::type_name_of(&[target, "Patch"]), span));
                    todo.push(target.to_owned());
                }
            }
        }
        out
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

/// The model a field's type names, through lists and maps (for `write_as`).
fn model_of(t: &TypeExpr) -> Option<&str> {
    match t {
        TypeExpr::Named(n) => Some(n),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => model_of(inner),
        _ => None,
    }
}

/// A type as words, for messages.
fn type_words(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Prim(p) => {
            let name = p.name();
            let article = if name.starts_with(['a', 'e', 'i', 'o']) {
                "an"
            } else {
                "a"
            };
            format!("{article} {name}")
        }
        TypeExpr::List(i) => format!(
            "a list of {}",
            type_words(i)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
        TypeExpr::Map(i) => format!(
            "a map of {}",
            type_words(i)
                .trim_start_matches("a ")
                .trim_start_matches("an ")
        ),
        TypeExpr::Named(n) => format!("a `{n}`"),
        _ => "a value of this type".to_owned(),
    }
}

/// `{name}`: a placeholder the server fills in.
/// What a `{name}` string means to [`Validator::json_fits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Placeholders {
    /// Text as written (defaults, examples).
    No,
    /// Text the server fills in (error answers).
    Text,
    /// As `Text`, and `{attr}` written alone may also be `null`: the validation answer fills it with nothing when an
    /// error is about no field in particular (a body that is not JSON, say), so where it stands `null` must fit.
    TextOrNullAttr,
}

impl Placeholders {
    fn allowed(self) -> bool {
        self != Placeholders::No
    }

    fn null_attr(self, value: &serde_json::Value) -> bool {
        self == Placeholders::TextOrNullAttr && value.as_str() == Some("{attr}")
    }
}

/// How a diagnostic says what [`Placeholders::TextOrNullAttr`] means.
const NULL_ATTR: &str =
    "`\"{attr}\"`, which the server sends as `null` when an error is about no field";

fn is_placeholder(text: &str) -> bool {
    text.contains('{') && text.contains('}')
}

fn is_uuid(s: &str) -> bool {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_datetime(s: &str) -> bool {
    s.len() >= 20 && is_date(&s[..10]) && matches!(s.as_bytes()[10], b'T' | b't' | b' ')
}

/// Whether a default within its type also meets the constraints written beside it; the error names the limit.
fn constraint_holds(v: &serde_json::Value, c: &Constraints) -> Result<(), String> {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let n = s.chars().count() as i64;
            if let Some(m) = c.max_length.filter(|m| n > *m) {
                return Err(format!(
                    "\"{s}\" is {n} characters long, over `max_length: {m}`"
                ));
            }
            if let Some(m) = c.min_length.filter(|m| n < *m) {
                return Err(format!(
                    "\"{s}\" is {n} characters long, under `min_length: {m}`"
                ));
            }
            if let Some(p) = &c.pattern {
                if regex::Regex::new(&p.value).is_ok_and(|re| !re.is_match(s)) {
                    return Err(format!("\"{s}\" does not match `pattern: {}`", p.value));
                }
            }
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            if let Some(m) = c.minimum.filter(|m| x < *m) {
                return Err(format!("{n} is under `minimum: {m}`"));
            }
            if let Some(m) = c.maximum.filter(|m| x > *m) {
                return Err(format!("{n} is over `maximum: {m}`"));
            }
        }
        Value::Array(items) => {
            let n = items.len() as i64;
            let count = if n == 1 {
                "1 item".to_owned()
            } else {
                format!("{n} items")
            };
            if let Some(m) = c.min_items.filter(|m| n < *m) {
                return Err(format!("it has {count}, under `min_items: {m}`"));
            }
            if let Some(m) = c.max_items.filter(|m| n > *m) {
                return Err(format!("it has {count}, over `max_items: {m}`"));
            }
        }
        _ => {}
    }
    Ok(())
}

/// True for a name usable as a Rust type or variant name (`rust_name` of enum values and union variants).
fn is_type_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// True for a name usable as a plain Rust identifier (`rust_name` overrides).
fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
