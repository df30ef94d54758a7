//! validate: every semantic rule of the language, checked over the whole spec, all problems reported at once.
//!
//! After this stage passes, [`crate::lower`] may assume names resolve, paths match their parameters and nothing
//! collides; it never reports an error of its own.

use crate::diagnostic::{did_you_mean, Diagnostic, Span};
use crate::ident;
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
    models: HashMap<&'s str, &'s Model>,
    /// Path parameter names by position: (the path before it, parameters blanked) → (name, where it was first seen).
    /// Routers (axum's among them) need one name per position among paths that share a prefix.
    param_slots: HashMap<String, (String, Span)>,
}

/// Where a type expression is used; each place allows different constructors.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Field,
    Param,
    Body,
    Response { paginated: bool },
}

/// Routes seen so far: (method, normalised path) → (operation name, where it was defined).
type Routes = HashMap<(String, String), (String, Span)>;

pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Splits a path into its `{param}` names, or says what is malformed.
pub fn path_params(path: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err("a `}` without a matching `{`".into());
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("a `{` without a matching `}`")?;
        let name = &after[..close];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "`{{{name}}}` is not a parameter name (letters, digits and `_` only)"
            ));
        }
        let seg_start = rest[..open].rfind('/').map_or(0, |i| i + 1);
        let seg_end = after[close + 1..]
            .find('/')
            .map_or(after.len(), |i| close + 1 + i);
        if open != seg_start || close + 1 != seg_end {
            return Err(format!(
                "`{{{name}}}` must fill a whole path segment, as in `/items/{{{name}}}/`"
            ));
        }
        out.push(name);
        rest = &after[close + 1..];
    }
    Ok(out)
}

/// True for a scope string the language accepts: segments of letters, digits, `_`, `-`, `.` joined by `:`.
pub fn is_valid_scope(scope: &str) -> bool {
    !scope.is_empty()
        && scope.split(':').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

impl<'s> Validator<'s> {
    fn err(&mut self, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(span, msg).with_hint(hint));
    }

    fn run(&mut self) {
        let spec = self.spec;
        self.names_unique(
            spec.models.iter().map(|m| &m.name),
            "model",
            ident::type_name,
        );
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
        self.names_unique(
            spec.resources.iter().map(|r| &r.name),
            "resource",
            ident::value_name,
        );
        // Maps, not lists: specs with thousands of operations must stay linear to check.
        let mut routes: Routes = HashMap::new();
        let mut op_ids: HashMap<String, Span> = HashMap::new();
        let mut type_names: HashMap<String, Span> = HashMap::new();
        for r in &spec.resources {
            self.resource(r, &mut routes, &mut op_ids, &mut type_names);
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

    fn api(&mut self) {
        let api = &self.spec.api;
        let n = &api.name.value;
        if n.is_empty()
            || !n.starts_with(|c: char| c.is_ascii_lowercase())
            || !n
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            self.err(
                api.name.span,
                format!("`{n}` is not a valid package name"),
                "use lowercase letters, digits and `-`, starting with a letter, e.g. `my-api`",
            );
        }
        let v = &api.version.value;
        let parts: Vec<&str> = v
            .split(['-', '+'])
            .next()
            .unwrap_or_default()
            .split('.')
            .collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
        {
            self.err(
                api.version.span,
                format!("`{v}` is not a semantic version"),
                "write it as MAJOR.MINOR.PATCH, e.g. `1.0.0`",
            );
        }
        let s = &api.server.value;
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"));
        if rest.is_none_or(|r| r.is_empty() || r.starts_with('/') || r.contains(['?', '#', ' '])) {
            self.err(
                api.server.span,
                format!("`{s}` is not a base URL"),
                "write scheme and host, e.g. `https://api.example.com`",
            );
        }
        if let Some(env) = &api.server_env {
            self.env_name(env);
        }
        if let Some(auth) = &api.auth {
            if auth.scheme.value != "bearer" {
                self.err(auth.scheme.span, format!("unknown auth scheme `{}`", auth.scheme.value), "the only scheme is `bearer` (an API key sent as `Authorization: Bearer <key>`)");
            }
            if let Some(env) = &auth.env {
                self.env_name(env);
            }
            if let Some(w) = &auth.wildcard_scope {
                if w.value.is_empty() || w.value.contains(char::is_whitespace) {
                    self.err(
                        w.span,
                        "the wildcard scope must be a non-empty word",
                        "PostHog uses `*`",
                    );
                }
            }
            for rule in &auth.implied_scopes {
                for part in [&rule.from, &rule.grants] {
                    let plain = part.value.replace("{object}", "object");
                    if !is_valid_scope(&plain) {
                        self.err(part.span, format!("`{}` is not a scope pattern", part.value), "write a scope, with `{object}` standing for one segment, e.g. `{object}:write`");
                    }
                }
                if rule.from.value.contains("{object}") != rule.grants.value.contains("{object}") {
                    self.err(
                        rule.grants.span,
                        "`{object}` must appear in both `from` and `grants`, or in neither",
                        "e.g. `from: \"{object}:write\"`, `grants: \"{object}:read\"`",
                    );
                }
            }
        }
        let base_path = api.base_path.as_ref();
        let declared: Vec<&Name> = api.base_params.iter().map(|p| &p.name).collect();
        let span = base_path.map_or(api.name.span, |b| b.span);
        self.path_matches(
            base_path.map_or("", |b| b.value.as_str()),
            span,
            &declared,
            "`api.base_params`",
        );
        if let Some(b) = base_path {
            if !b.value.starts_with('/') {
                self.err(
                    b.span,
                    "`base_path` must start with `/`",
                    format!("write `/{}`", b.value),
                );
            }
        }
        for p in &api.base_params {
            self.param(p);
        }
    }

    fn env_name(&mut self, env: &Name) {
        if env.value.is_empty()
            || !env
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            || env.value.starts_with(|c: char| c.is_ascii_digit())
        {
            self.err(
                env.span,
                format!("`{}` is not an environment variable name", env.value),
                "use letters, digits and `_`, e.g. `MY_API_KEY`",
            );
        }
    }

    /// Checks that the `{params}` of `path` and the declared parameters are the same set.
    fn path_matches(&mut self, path: &str, span: Span, declared: &[&Name], where_declared: &str) {
        let used = match path_params(path) {
            Ok(used) => used,
            Err(msg) => {
                self.err(
                    span,
                    format!("malformed path `{path}`: {msg}"),
                    "parameters are written `{name}`, one per path segment",
                );
                return;
            }
        };
        for (i, u) in used.iter().enumerate() {
            if used[..i].contains(u) {
                self.err(
                    span,
                    format!("path parameter `{u}` appears twice in `{path}`"),
                    "give each parameter its own name",
                );
            } else if !declared.iter().any(|d| d.value == *u) {
                let hint = match did_you_mean(u, declared.iter().map(|d| d.value.as_str())) {
                    Some(s) => {
                        format!("did you mean `{s}`? Otherwise declare `{u}` in {where_declared}")
                    }
                    None => format!("declare `{u}:` in {where_declared}"),
                };
                self.err(
                    span,
                    format!("path parameter `{{{u}}}` is not declared"),
                    hint,
                );
            }
        }
        for d in declared {
            if !used.contains(&d.value.as_str()) {
                self.err(
                    d.span,
                    format!(
                        "parameter `{}` is declared but not in the path `{path}`",
                        d.value
                    ),
                    format!(
                        "add `{{{}}}` to the path, or remove the declaration",
                        d.value
                    ),
                );
            }
        }
    }

    fn pagination(&mut self) {
        let spec = self.spec;
        self.names_unique(
            spec.pagination.iter().map(|p| &p.name),
            "pagination style",
            |s| s.to_owned(),
        );
        for p in &spec.pagination {
            // (the style's own parameter names, the other style's keys and whether they were written)
            type Keys<'a> = (&'a [(&'a str, &'a Option<Name>)], &'a [(&'a str, bool)]);
            let (own, other): Keys = match p.style.value.as_str() {
                "limit_offset" => (
                    &[
                        ("limit_param", &p.limit_param),
                        ("offset_param", &p.offset_param),
                    ],
                    &[
                        ("page_param", p.page_param.is_some()),
                        ("page_size", p.page_size.is_some()),
                    ],
                ),
                "page_number" => (
                    &[("page_param", &p.page_param)],
                    &[
                        ("limit_param", p.limit_param.is_some()),
                        ("offset_param", p.offset_param.is_some()),
                        ("default_limit", p.default_limit.is_some()),
                    ],
                ),
                other => {
                    let hint = match did_you_mean(other, ["limit_offset", "page_number"]) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use `limit_offset` or `page_number`".into(),
                    };
                    self.err(
                        p.style.span,
                        format!("unknown pagination style `{other}`"),
                        hint,
                    );
                    continue;
                }
            };
            for (key, present) in other {
                if *present {
                    self.err(
                        p.style.span,
                        format!("`{key}` does not apply to the `{}` style", p.style.value),
                        format!("remove `{key}`"),
                    );
                }
            }
            for (_, name) in own.iter().copied().chain([
                ("count", &p.count),
                ("next", &p.next),
                ("previous", &p.previous),
                ("results", &p.results),
            ]) {
                if let Some(n) = name {
                    if n.value.is_empty() {
                        self.err(
                            n.span,
                            "a parameter or field name cannot be empty",
                            "write the name used on the wire",
                        );
                    }
                }
            }
        }
    }

    fn errors(&mut self) {
        let errors = &self.spec.errors;
        if errors.models.is_empty() {
            self.err(errors.span, "`errors.models` lists no error body model", "add `errors:` with `models: [ErrorModel]` and the standard answers (see the spec language in README.md)");
        }
        for m in &errors.models {
            match self.models.get(m.value.as_str()) {
                Some(Model {
                    kind: ModelKind::Struct { .. },
                    ..
                }) => {}
                Some(_) => self.err(
                    m.span,
                    format!("error model `{}` is an enum", m.value),
                    "an error body must be a struct model",
                ),
                None => self.unknown_type(&m.value, m.span),
            }
        }
        let mut required = vec!["validation", "not_found"];
        if self.spec.api.auth.is_some() {
            required.extend(["unauthenticated", "invalid_credentials", "missing_scope"]);
        }
        for kind in required {
            if !errors.answers.iter().any(|a| a.kind.value == kind) {
                self.err(
                    errors.span,
                    format!("`errors` is missing the `{kind}` answer"),
                    format!(
                        "add `{kind}: {{status, model, body}}`: generated servers answer with it"
                    ),
                );
            }
        }
        for a in &errors.answers {
            if !(400..=599).contains(&a.status.value) {
                self.err(
                    a.status.span,
                    format!("`{}` is not an error status", a.status.value),
                    "an error answer has a status from 400 to 599",
                );
            }
            if !errors.models.iter().any(|m| m.value == a.model.value) {
                self.err(
                    a.model.span,
                    format!("`{}` is not one of `errors.models`", a.model.value),
                    "list it under `errors.models`, or use one that is",
                );
            }
            if !a.body.is_object() {
                self.err(
                    a.body_span,
                    "an error body must be a mapping",
                    "write the JSON body as a YAML mapping",
                );
            }
        }
    }

    fn unknown_type(&mut self, name: &str, span: Span) {
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
    fn ty(&mut self, ty: &TypeExpr, span: Span, place: Place) {
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

    fn model(&mut self, m: &Model) {
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
                        if let Err(e) = regex_lite_check(&p.value) {
                            self.err(
                                p.span,
                                format!("`pattern` is not a valid regular expression: {e}"),
                                "write a regular expression in Rust `regex` syntax",
                            );
                        }
                    }
                    if let Some(r) = &f.rust_name {
                        if syn_ident_invalid(&r.value) {
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
    fn recursion(&mut self) {
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

    fn required_path(&self, from: &str, to: &str, visited: &mut Vec<String>) -> bool {
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

    /// `/items/{id}/a` and `/items/{key}/b` cannot both be routed: the same position needs the same name.
    fn param_names_agree(&mut self, full: &str, span: Span) {
        let mut prefix = String::new();
        for segment in full.trim_start_matches('/').split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                match self.param_slots.get(&prefix) {
                    Some((first, first_span)) if first != name => {
                        let msg = format!("path parameter `{{{name}}}` stands where another path has `{{{first}}}` (line {})", first_span.line);
                        self.err(span, msg, format!("paths that share the part before it must name it alike: rename it to `{first}`"));
                        return;
                    }
                    Some(_) => {}
                    None => {
                        self.param_slots
                            .insert(prefix.clone(), (name.to_owned(), span));
                    }
                }
                prefix.push_str("/{}");
            } else {
                prefix.push('/');
                prefix.push_str(segment);
            }
        }
    }

    /// Generated names (`{M}Create`, `{M}Patch`, `Paginated{T}List`) must not collide with written ones.
    fn derived_names(&mut self) {
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
                        derived.push((page_name(inner), resp.ty.span));
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

    /// Path and query parameters take the same types.
    fn param(&mut self, p: &Param) {
        self.ty(&p.ty.value, p.ty.span, Place::Param);
    }

    fn resource(
        &mut self,
        r: &'s Resource,
        routes: &mut Routes,
        op_ids: &mut HashMap<String, Span>,
        type_names: &mut HashMap<String, Span>,
    ) {
        if !r.path.value.starts_with('/') {
            self.err(
                r.path.span,
                "a resource path must start with `/`",
                format!("write `/{}`", r.path.value),
            );
        }
        if path_params(&r.path.value)
            .map(|p| !p.is_empty())
            .unwrap_or(true)
        {
            self.err(
                r.path.span,
                "a resource path cannot hold parameters",
                "put `{params}` in the operation paths (or in `api.base_path`)",
            );
        }
        self.names_unique(
            r.operations.iter().map(|o| &o.name),
            "operation",
            ident::value_name,
        );
        let base = self
            .spec
            .api
            .base_path
            .as_ref()
            .map_or("", |b| b.value.as_str());
        for op in &r.operations {
            let what = format!("operation `{}`", op.name.value);
            let method = op.method.value.to_ascii_uppercase();
            if !METHODS.contains(&method.as_str()) {
                let hint = match did_you_mean(&method, METHODS) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of {}", METHODS.join(", ")),
                };
                self.err(
                    op.method.span,
                    format!("`{}` is not an HTTP method", op.method.value),
                    hint,
                );
            }
            let op_path = op.path.as_ref();
            let path_span = op_path.map_or(op.name.span, |p| p.span);
            if let Some(p) = op_path {
                if !p.value.is_empty() && !p.value.starts_with('/') {
                    self.err(
                        p.span,
                        "an operation path must start with `/`",
                        format!("write `/{}`", p.value),
                    );
                }
            }
            let declared: Vec<&Name> = op.params.iter().map(|p| &p.name).collect();
            let own_path = op_path.map_or("", |p| p.value.as_str());
            self.path_matches(
                if own_path.is_empty() {
                    &r.path.value
                } else {
                    own_path
                },
                path_span,
                &declared,
                &format!("`params` of {what}"),
            );
            for p in &op.params {
                if self
                    .spec
                    .api
                    .base_params
                    .iter()
                    .any(|b| b.name.value == p.name.value)
                {
                    self.err(
                        p.name.span,
                        format!("parameter `{}` is already a base parameter", p.name.value),
                        "rename it: base parameters are shared by every operation",
                    );
                }
            }
            let full = join_path(&[base, &r.path.value, own_path]);
            self.param_names_agree(&full, path_span);
            let route = normalize_route(&full);
            let key = (method.clone(), route);
            if let Some((first_op, first_span)) = routes.get(&key) {
                let msg = format!(
                    "{method} {full} is already defined by operation `{first_op}` (line {})",
                    first_span.line
                );
                self.err(
                    path_span,
                    msg,
                    "two operations cannot share a method and path; change the path or the method",
                );
            } else {
                routes.insert(key, (op.name.value.clone(), op.name.span));
            }
            let op_id = op.operation_id.as_ref().map_or_else(
                || format!("{}_{}", r.name.value, op.name.value),
                |o| o.value.clone(),
            );
            if let Some(first) = op_ids.get(&op_id) {
                let msg = format!(
                    "operation id `{op_id}` is already used (line {})",
                    first.line
                );
                self.err(
                    op.operation_id.as_ref().map_or(op.name.span, |o| o.span),
                    msg,
                    "operation ids must be unique across the API",
                );
            } else {
                op_ids.insert(op_id, op.name.span);
            }
            let type_name = ident::type_name_of(&[&r.name.value, &op.name.value]);
            if let Some(first) = type_names.get(&type_name) {
                let msg = format!("operation `{}` gives the Rust type name `{type_name}`, already taken at line {}", op.name.value, first.line);
                self.err(op.name.span, msg, "rename the operation or the resource");
            } else {
                type_names.insert(type_name, op.name.span);
            }
            for s in &op.scopes {
                if !is_valid_scope(&s.value) {
                    self.err(s.span, format!("`{}` is not a valid scope", s.value), "a scope is words of letters, digits, `_`, `-` or `.`, joined by `:`, e.g. `insight_variable:read`");
                }
            }
            if !op.auth && !op.scopes.is_empty() {
                self.err(
                    op.scopes[0].span,
                    format!("{what} has `auth: false` but requires scopes"),
                    "remove the scopes, or `auth: false`",
                );
            }
            for p in op.params.iter() {
                self.param(p);
            }
            self.names_unique(
                op.query.iter().map(|p| &p.name),
                "query parameter",
                ident::value_name,
            );
            for p in &op.query {
                self.param(p);
            }
            let style = op.pagination.as_ref().and_then(|name| {
                let found = self
                    .spec
                    .pagination
                    .iter()
                    .find(|p| p.name.value == name.value);
                if found.is_none() {
                    let hint = match did_you_mean(
                        &name.value,
                        self.spec.pagination.iter().map(|p| p.name.value.as_str()),
                    ) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "define it under `pagination:`".into(),
                    };
                    self.err(
                        name.span,
                        format!("unknown pagination style `{}`", name.value),
                        hint,
                    );
                }
                found
            });
            if let Some(style) = style {
                for (param, _) in page_params(style) {
                    if let Some(q) = op.query.iter().find(|q| q.name.value == param) {
                        self.err(
                            q.name.span,
                            format!(
                                "query parameter `{param}` is added by pagination style `{}`",
                                style.name.value
                            ),
                            "remove it from `query`",
                        );
                    }
                }
                if !op
                    .responses
                    .iter()
                    .any(|r| matches!(r.ty.value, TypeExpr::Page(_)))
                {
                    self.err(
                        op.pagination.as_ref().map_or(op.name.span, |p| p.span),
                        format!("{what} is paginated but no response is `page<T>`"),
                        "make the success response `page<Item>`",
                    );
                }
            }
            if let Some(b) = &op.body {
                self.ty(&b.value, b.span, Place::Body);
                if matches!(method.as_str(), "GET" | "DELETE") {
                    self.err(
                        b.span,
                        format!("a {method} request has no body"),
                        "remove `body`, or use POST, PUT or PATCH",
                    );
                }
            }
            if op.responses.is_empty() {
                self.err(
                    op.name.span,
                    format!("{what} documents no response"),
                    "add `responses: {200: Model}` (or `204: none`)",
                );
            }
            if !op.responses.is_empty()
                && !op
                    .responses
                    .iter()
                    .any(|r| (200..300).contains(&r.status.value))
            {
                self.err(
                    op.name.span,
                    format!("{what} documents no success (2xx) response"),
                    "add the 2xx answer",
                );
            }
            let mut statuses: Vec<i64> = Vec::new();
            for resp in &op.responses {
                let s = resp.status.value;
                if !(100..=599).contains(&s) {
                    self.err(
                        resp.status.span,
                        format!("`{s}` is not an HTTP status code"),
                        "use a code from 100 to 599, e.g. 200, 201, 204, 400, 404",
                    );
                }
                if statuses.contains(&s) {
                    self.err(
                        resp.status.span,
                        format!("status {s} is documented twice"),
                        "remove one",
                    );
                }
                statuses.push(s);
                self.ty(
                    &resp.ty.value,
                    resp.ty.span,
                    Place::Response {
                        paginated: style.is_some(),
                    },
                );
                if s == 204 && resp.ty.value != TypeExpr::None {
                    self.err(
                        resp.ty.span,
                        "a 204 response has no body",
                        "write `204: none`",
                    );
                }
            }
        }
    }
}

fn syn_ident_invalid(s: &str) -> bool {
    s.is_empty()
        || s.starts_with(|c: char| c.is_ascii_digit())
        || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Pattern syntax is checked by the generated server's regex at run time; here only what is surely broken is
/// refused (unbalanced brackets), so a typo is caught before it reaches a compiler.
fn regex_lite_check(p: &str) -> Result<(), String> {
    let mut depth: Vec<char> = Vec::new();
    let mut escaped = false;
    let mut in_class = false;
    for c in p.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth.push(c),
            ')' if !in_class && depth.pop().is_none() => return Err("unbalanced `)`".into()),
            _ => {}
        }
    }
    if in_class {
        return Err("unclosed `[`".into());
    }
    if !depth.is_empty() {
        return Err("unclosed `(`".into());
    }
    if escaped {
        return Err("trailing `\\`".into());
    }
    Ok(())
}

/// The query parameters a pagination style adds, with the server's default value for docs.
pub fn page_params(style: &PaginationStyle) -> Vec<(String, Option<i64>)> {
    let name = |n: &Option<Name>, default: &str| {
        n.as_ref().map_or(default.to_owned(), |n| n.value.clone())
    };
    match style.style.value.as_str() {
        "limit_offset" => vec![
            (name(&style.limit_param, "limit"), style.default_limit),
            (name(&style.offset_param, "offset"), None),
        ],
        _ => vec![(name(&style.page_param, "page"), None)],
    }
}

/// The envelope type name for `page<T>`.
pub fn page_name(item: &TypeExpr) -> String {
    fn stem(t: &TypeExpr) -> String {
        match t {
            TypeExpr::Prim(p) => ident::camel_stem(p.name()),
            TypeExpr::List(i) => format!("{}List", stem(i)),
            TypeExpr::Map(i) => format!("{}Map", stem(i)),
            TypeExpr::Named(n) => ident::camel_stem(n),
            _ => "Item".into(),
        }
    }
    ident::type_name_of(&["Paginated", &stem(item), "List"])
}

/// Joins path pieces with single slashes: `["/api", "/items", "/{id}/"]` → `/api/items/{id}/`.
pub fn join_path(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if out.ends_with('/') && p.starts_with('/') {
            out.push_str(&p[1..]);
        } else if !out.is_empty() && !out.ends_with('/') && !p.starts_with('/') {
            out.push('/');
            out.push_str(p);
        } else {
            out.push_str(p);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// A route's identity for duplicate detection: parameter names and the trailing slash do not matter.
fn normalize_route(path: &str) -> String {
    path.trim_end_matches('/')
        .split('/')
        .map(|s| if s.starts_with('{') { "{}" } else { s })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_are_whole_segments() {
        assert_eq!(path_params("/a/{id}/b/{x_1}/"), Ok(vec!["id", "x_1"]));
        assert!(path_params("/a/{id").is_err());
        assert!(path_params("/a/id}").is_err());
        assert!(path_params("/a/x{id}")
            .unwrap_err()
            .contains("whole path segment"));
        assert!(path_params("/a/{}").is_err());
    }

    #[test]
    fn joins_paths() {
        assert_eq!(
            join_path(&["/api/projects/{project_id}", "/insight_variables", "/{id}/"]),
            "/api/projects/{project_id}/insight_variables/{id}/"
        );
        assert_eq!(join_path(&["", "/items", "/"]), "/items/");
        assert_eq!(join_path(&["", "/items", ""]), "/items");
        assert_eq!(normalize_route("/a/{id}/"), normalize_route("/a/{other}"));
    }

    #[test]
    fn scopes() {
        assert!(is_valid_scope("insight_variable:read"));
        assert!(is_valid_scope("admin"));
        assert!(!is_valid_scope("a::b"));
        assert!(!is_valid_scope("has space:read"));
        assert!(!is_valid_scope(""));
    }
}
