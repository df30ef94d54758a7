//! Resources and operations: paths and their parameters, routes that do not collide, operation ids, scopes,
//! pagination, bodies and responses.

use super::types::Place;
use super::Validator;
use crate::diagnostic::{did_you_mean, Span};
use crate::ident;
use crate::spec::*;
use std::collections::HashMap;

/// Routes seen so far: (method, normalised path) → (operation name, where it was defined).
type Routes = HashMap<(Method, String), (String, Span)>;

impl<'s> Validator<'s> {
    pub(super) fn routes(&mut self) {
        let spec = self.spec;
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

    /// Checks that the `{params}` of `path` and the declared parameters are the same set.
    pub(super) fn path_matches(
        &mut self,
        path: &str,
        span: Span,
        declared: &[&Name],
        where_declared: &str,
    ) {
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

    /// `/items/{id}/a` and `/items/{key}/b` cannot both be routed: the same position needs the same name.
    pub(super) fn param_names_agree(&mut self, full: &str, span: Span) {
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

    /// Path and query parameters take the same types.
    pub(super) fn param(&mut self, p: &Param) {
        self.ty(&p.ty.value, p.ty.span, Place::Param);
        let what = format!("parameter `{}`", p.name.value);
        self.constraints(&p.constraints, &p.ty, &what);
        if let Some(d) = &p.default {
            self.default(d, &p.ty.value, &p.constraints, false);
        }
    }

    pub(super) fn resource(
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
        // Parameters in a resource path are reported here once; its operations are then checked without them, so
        // that each does not report them again as undeclared or declared but unused.
        let resource_params = path_params(&r.path.value).unwrap_or_default();
        let resource_path_ok = path_params(&r.path.value).is_ok_and(|p| p.is_empty());
        if !resource_path_ok {
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
        for op in &r.operations {
            let what = format!("operation `{}`", op.name.value);
            let method = op.method.value;
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
            let declared: Vec<&Name> = op
                .params
                .iter()
                .map(|p| &p.name)
                .filter(|n| !resource_params.contains(&n.value.as_str()))
                .collect();
            let own_path = op_path.map_or("", |p| p.value.as_str());
            self.path_matches(
                match (own_path.is_empty(), resource_path_ok) {
                    (false, _) => own_path,
                    (true, true) => &r.path.value,
                    (true, false) => "",
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
            let full = self.spec.op_path(r, op);
            self.param_names_agree(&full, path_span);
            let route = normalize_route(&full);
            let key = (method, route);
            if let Some((first_op, first_span)) = routes.get(&key) {
                let msg = format!(
                    "{} {full} is already defined by operation `{first_op}` (line {})",
                    method.as_str(),
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
                for (param, _) in style.params() {
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
                if !method.has_body() {
                    self.err(
                        b.span,
                        format!("a {} request has no body", method.as_str()),
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
    pub(super) fn routes_ignore_parameter_names_and_trailing_slashes() {
        assert_eq!(normalize_route("/a/{id}/"), normalize_route("/a/{other}"));
        assert_ne!(normalize_route("/a/{id}/b"), normalize_route("/a/{id}"));
    }
}
