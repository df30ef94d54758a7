//! Resources and operations: paths, methods, scopes, parameters (path, query), bodies and responses, whose types may
//! be written inline.

use super::{opt_text, Cx};
use crate::diagnostic::did_you_mean;
use crate::spec::*;
use crate::yaml::{Node, NodeKind};

impl Cx {
    /// Parameters: a bare type, or `{type, description, required, example, default, deprecated, constraints}`.
    /// `hint` names an enum written in place (`{Resource}{Operation}` + the parameter's name).
    pub(super) fn params(&mut self, node: &Node, what: &str, path: bool, hint: &str) -> Vec<Param> {
        const KEYS: &[&str] = &[
            "type",
            "description",
            "required",
            "example",
            "default",
            "deprecated",
            "max_length",
            "min_length",
            "pattern",
            "minimum",
            "maximum",
            "min_items",
            "max_items",
        ];
        let mut out = Vec::new();
        for (key, value) in self.entries(node, what) {
            let name = self.name(key);
            let pwhat = format!("parameter `{}`", name.value);
            let name_hint = crate::ident::type_name_of(&[hint, &name.value]);
            let has_type = matches!(&value.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("type")));
            if matches!(value.kind, NodeKind::Scalar { .. })
                || (!has_type && super::models::is_inline_definition(value))
            {
                if let Some(ty) = self.type_at(value, &format!("the type of {pwhat}"), &name_hint) {
                    out.push(Param {
                        name,
                        ty,
                        description: None,
                        required: path,
                        example: None,
                        default: None,
                        deprecated: None,
                        constraints: Constraints::default(),
                    });
                }
                continue;
            }
            let Some(o) = self.obj(value, &pwhat, KEYS) else {
                continue;
            };
            let ty = self
                .require(&o, "type", &pwhat)
                .and_then(|n| self.type_at(n, &format!("the type of {pwhat}"), &name_hint));
            let description = opt_text(self.opt_string(&o, "description", &pwhat));
            let required = self.bool(&o, "required", &pwhat);
            if let (Some(false), Some(n)) = (required.filter(|_| path), o.get("required")) {
                self.err(n.span, format!("path {pwhat} cannot be optional"), "a path segment is always present; remove `required: false` or move the parameter to `query`");
            }
            let example = o.get("example").map(Node::to_json);
            let default = o.get("default").map(|n| Spanned::new(n.to_json(), n.span));
            let deprecated = self.deprecation(&o, &pwhat);
            let constraints = self.constraints(&o, &pwhat);
            if let Some(ty) = ty {
                out.push(Param {
                    name,
                    ty,
                    description,
                    required: path || required.unwrap_or(false),
                    example,
                    default,
                    deprecated,
                    constraints,
                });
            }
        }
        out
    }

    pub(super) fn resources(&mut self, node: &Node) -> Vec<Resource> {
        let mut out = Vec::new();
        for (key, value) in self.entries(node, "`resources`") {
            let name = self.name(key);
            let what = format!("resource `{}`", name.value);
            let Some(o) = self.obj(value, &what, &["description", "path", "operations"]) else {
                continue;
            };
            let description = opt_text(self.opt_string(&o, "description", &what));
            let path = self.req_string(&o, "path", &what);
            let mut operations = Vec::new();
            if let Some(ops) = self.require(&o, "operations", &what) {
                for (ok, ov) in self.entries(ops, &format!("`operations` of {what}")) {
                    if let Some(op) = self.operation(&name.value, ok, ov) {
                        operations.push(op);
                    }
                }
            }
            if let Some(path) = path {
                out.push(Resource {
                    name,
                    description,
                    path,
                    operations,
                });
            }
        }
        out
    }

    fn operation(&mut self, resource: &str, key: &Node, value: &Node) -> Option<Operation> {
        const KEYS: &[&str] = &[
            "method",
            "path",
            "operation_id",
            "summary",
            "description",
            "scopes",
            "auth",
            "params",
            "query",
            "body",
            "responses",
            "pagination",
            "idempotent",
            "deprecated",
            "renamed_from",
        ];
        let name = self.name(key);
        // Types defined in place in this operation are named after it: `{Resource}{Operation}...`.
        let stem = crate::ident::type_name_of(&[resource, &name.value]);
        let what = format!("operation `{}`", name.value);
        let o = self.obj(value, &what, KEYS)?;
        let method = self.req_string(&o, "method", &what).map(|m| {
            let method: Option<Method> = m.value.to_ascii_uppercase().parse().ok();
            if method.is_none() {
                let names = Method::ALL.map(Method::as_str);
                let hint = match did_you_mean(&m.value.to_ascii_uppercase(), names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of {}", names.join(", ")),
                };
                self.err(m.span, format!("`{}` is not an HTTP method", m.value), hint);
            }
            // An unknown method was reported; POST stands in so that the rest of the operation is still checked
            // (it allows a body, so it adds no complaint of its own), and lower never sees it.
            Spanned::new(method.unwrap_or(Method::Post), m.span)
        });
        let summary = self.req_string(&o, "summary", &what);
        let mut scopes = Vec::new();
        if let Some(s) = o.get("scopes") {
            for item in self.seq(s, "`scopes`") {
                if let Some(scope) = self.string(item, "a scope") {
                    scopes.push(scope);
                }
            }
        }
        let params = o
            .get("params")
            .map(|n| self.params(n, &format!("`params` of {what}"), true, &stem))
            .unwrap_or_default();
        let query = o
            .get("query")
            .map(|n| self.params(n, &format!("`query` of {what}"), false, &stem))
            .unwrap_or_default();
        let body_hint = crate::ident::type_name_of(&[&stem, "Body"]);
        let body = o
            .get("body")
            .and_then(|n| self.type_at(n, &format!("the body of {what}"), &body_hint));
        let mut responses = Vec::new();
        if let Some(r) = self.require(&o, "responses", &what) {
            for (sk, sv) in self.entries(r, &format!("`responses` of {what}")) {
                let Some(status) = self.int(sk, "a response status") else {
                    continue;
                };
                let status = Spanned::new(status, sk.span);
                let rwhat = format!("response {} of {what}", status.value);
                let hint = crate::ident::type_name_of(&[&stem, &format!("{} body", status.value)]);
                let has_type = matches!(&sv.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("type")));
                if matches!(sv.kind, NodeKind::Scalar { .. })
                    || (!has_type && super::models::is_inline_definition(sv))
                {
                    if let Some(ty) = self.type_at(sv, &rwhat, &hint) {
                        responses.push(Response {
                            status,
                            ty,
                            description: None,
                        });
                    }
                    continue;
                }
                let Some(ro) = self.obj(sv, &rwhat, &["type", "description"]) else {
                    continue;
                };
                let ty = self
                    .require(&ro, "type", &rwhat)
                    .and_then(|n| self.type_at(n, &rwhat, &hint));
                let description = opt_text(self.opt_string(&ro, "description", &rwhat));
                if let Some(ty) = ty {
                    responses.push(Response {
                        status,
                        ty,
                        description,
                    });
                }
            }
        }
        Some(Operation {
            path: self.opt_string(&o, "path", &what),
            operation_id: self.opt_string(&o, "operation_id", &what),
            description: opt_text(self.opt_string(&o, "description", &what)),
            auth: self.bool(&o, "auth", &what).unwrap_or(true),
            pagination: self.opt_string(&o, "pagination", &what),
            idempotent: self.bool(&o, "idempotent", &what),
            deprecated: self.deprecation(&o, &what),
            renamed_from: self.opt_string(&o, "renamed_from", &what),
            name,
            method: method?,
            summary: summary?.value,
            scopes,
            params,
            query,
            body,
            responses,
        })
    }
}
