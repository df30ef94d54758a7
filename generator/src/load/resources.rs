//! Resources and operations: paths, methods, scopes, auth, parameters (path, query, headers), bodies and responses
//! (statuses, media types, headers), whose types may be written inline.

use super::{opt_text, Cx};
use crate::diagnostic::did_you_mean;
use crate::spec::*;
use crate::yaml::{self, Node, NodeKind};

/// Where a list of parameters stands, which decides the keys they take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParamPlace {
    Path,
    Query,
    Header,
    ResponseHeader,
}

/// The keys every parameter takes; a query parameter also takes `style`.
const PARAM_KEYS: &[&str] = &super::models::with_constraint_keys::<6, 13>([
    "type",
    "description",
    "required",
    "example",
    "default",
    "deprecated",
]);

impl Cx {
    /// Parameters: a bare type, or `{type, description, required, example, default, deprecated, constraints}`
    /// (query parameters also `style`). `hint` names an enum written in place (`{Resource}{Operation}` + the
    /// parameter's name).
    pub(super) fn params(
        &mut self,
        node: &Node,
        what: &str,
        place: ParamPlace,
        hint: &str,
    ) -> Vec<Param> {
        let path = place == ParamPlace::Path;
        let query_keys: Vec<&str> = PARAM_KEYS.iter().copied().chain(["style"]).collect();
        let keys: &[&str] = if place == ParamPlace::Query {
            &query_keys
        } else {
            PARAM_KEYS
        };
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
                        style: None,
                    });
                }
                continue;
            }
            let Some(o) = self.obj(value, &pwhat, keys) else {
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
            if let Some(d) = &default {
                if path {
                    self.err(d.span, format!("path {pwhat} cannot have a default"), "a path segment is always present, so its default would never be used: remove `default`, or move the parameter to `query`");
                } else if required == Some(true) {
                    self.err(d.span, format!("{pwhat} is required, so its default would never be used"), "a parameter with a default is never required (the server fills it in when it is absent): remove `required: true`, or the default");
                }
            }
            let deprecated = self.deprecation(&o, &pwhat);
            let constraints = self.constraints(&o, &pwhat);
            let style = self
                .opt_string(&o, "style", &pwhat)
                .and_then(|word| self.choice(&word, &ParamStyle::ALL, "parameter style"));
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
                    style,
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
            "idempotency_key",
            "deprecated",
            "headers",
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
            .map(|n| self.params(n, &format!("`params` of {what}"), ParamPlace::Path, &stem))
            .unwrap_or_default();
        let query = o
            .get("query")
            .map(|n| self.params(n, &format!("`query` of {what}"), ParamPlace::Query, &stem))
            .unwrap_or_default();
        let headers = o
            .get("headers")
            .map(|n| {
                self.params(
                    n,
                    &format!("`headers` of {what}"),
                    ParamPlace::Header,
                    &stem,
                )
            })
            .unwrap_or_default();
        let body = o.get("body").and_then(|n| self.body(n, &what, &stem));
        let mut responses = Vec::new();
        if let Some(r) = self.require(&o, "responses", &what) {
            for (sk, sv) in self.entries(r, &format!("`responses` of {what}")) {
                if let Some(response) = self.response(sk, sv, &what, &stem) {
                    responses.push(response);
                }
            }
        }
        let idempotency_key = o.get("idempotency_key").and_then(|n| {
            self.bool(&o, "idempotency_key", &what)
                .map(|b| Spanned::new(b, n.span))
        });
        Some(Operation {
            path: self.opt_string(&o, "path", &what),
            operation_id: self.opt_string(&o, "operation_id", &what),
            description: opt_text(self.opt_string(&o, "description", &what)),
            auth: self.op_auth(&o, &what),
            pagination: self.opt_string(&o, "pagination", &what),
            idempotent: self.bool(&o, "idempotent", &what),
            idempotency_key,
            headers,
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

impl Cx {
    /// An operation's `auth`: `true` (the default schemes), `false` (open), or a list of scheme names.
    fn op_auth(&mut self, o: &super::Obj, what: &str) -> OpAuth {
        let Some(node) = o.get("auth") else {
            return OpAuth::Default;
        };
        if let NodeKind::Seq(items) = &node.kind {
            let names = items
                .iter()
                .filter_map(|item| self.string(item, "a scheme name in `auth`"))
                .collect();
            return OpAuth::AnyOf(names);
        }
        match self.bool(o, "auth", what) {
            Some(false) => OpAuth::Open,
            _ => OpAuth::Default,
        }
    }

    /// A request body: a type (JSON), or `{type, content}`.
    fn body(&mut self, node: &Node, what: &str, stem: &str) -> Option<Body> {
        let hint = crate::ident::type_name_of(&[stem, "Body"]);
        let bwhat = format!("the body of {what}");
        let has_type = matches!(&node.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("type")));
        if !has_type {
            let ty = self.type_at(node, &bwhat, &hint)?;
            return Some(Body { ty, content: None });
        }
        let o = self.obj(node, &bwhat, &["type", "content"])?;
        let ty = self
            .require(&o, "type", &bwhat)
            .and_then(|n| self.type_at(n, &bwhat, &hint))?;
        Some(Body {
            ty,
            content: self.opt_string(&o, "content", &bwhat),
        })
    }

    /// One entry of `responses`: a status (`200`), a range (`4XX`) or `default`, then a type or
    /// `{type, description, content, headers, sentinel}`.
    fn response(&mut self, key: &Node, value: &Node, what: &str, stem: &str) -> Option<Response> {
        let status = self.status_key(key)?;
        let text = status.value.text();
        let rwhat = format!("response {text} of {what}");
        let hint = crate::ident::type_name_of(&[stem, &format!("{text} body")]);
        let has_type = matches!(&value.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("type")));
        if matches!(value.kind, NodeKind::Scalar { .. })
            || (!has_type && super::models::is_inline_definition(value))
        {
            let ty = self.type_at(value, &rwhat, &hint)?;
            return Some(Response {
                status,
                ty,
                description: None,
                content: Vec::new(),
                headers: Vec::new(),
                sentinel: None,
            });
        }
        let ro = self.obj(
            value,
            &rwhat,
            &["type", "description", "content", "headers", "sentinel"],
        )?;
        let ty = self
            .require(&ro, "type", &rwhat)
            .and_then(|n| self.type_at(n, &rwhat, &hint));
        let description = opt_text(self.opt_string(&ro, "description", &rwhat));
        let content = match ro.get("content") {
            Some(node) if matches!(node.kind, NodeKind::Seq(_)) => self
                .seq(node, "`content`")
                .iter()
                .filter_map(|item| self.string(item, "a media type"))
                .collect(),
            Some(node) => self.string(node, "`content`").into_iter().collect(),
            None => Vec::new(),
        };
        let headers = ro
            .get("headers")
            .map(|n| {
                self.params(
                    n,
                    &format!("`headers` of {rwhat}"),
                    ParamPlace::ResponseHeader,
                    &hint,
                )
            })
            .unwrap_or_default();
        let sentinel = self.opt_string(&ro, "sentinel", &rwhat);
        Some(Response {
            status,
            ty: ty?,
            description,
            content,
            headers,
            sentinel,
        })
    }

    /// `200`, `4XX` (any case of `X`) or `default`.
    fn status_key(&mut self, key: &Node) -> Option<Spanned<StatusKey>> {
        let text = key.as_str().unwrap_or_default();
        let unquoted = matches!(key.kind, NodeKind::Scalar { quoted: false, .. });
        let key_of = |text: &str| -> Option<StatusKey> {
            if text == "default" {
                return Some(StatusKey::Default);
            }
            let bytes = text.as_bytes();
            if bytes.len() == 3
                && bytes[1..].eq_ignore_ascii_case(b"xx")
                && (b'1'..=b'5').contains(&bytes[0])
            {
                return Some(StatusKey::Range(bytes[0] - b'0'));
            }
            text.parse::<u16>().ok().map(StatusKey::Code)
        };
        match key_of(text) {
            // A quoted number is still a status: YAML writers quote `"200"` out of habit.
            Some(StatusKey::Code(c)) if !unquoted && yaml::parse_bool(text).is_none() => {
                Some(Spanned::new(StatusKey::Code(c), key.span))
            }
            Some(k) => Some(Spanned::new(k, key.span)),
            None => {
                self.err(
                    key.span,
                    format!("`{text}` is not a response status"),
                    "write a status (`200`), a range (`4XX`) or `default`",
                );
                None
            }
        }
    }
}
