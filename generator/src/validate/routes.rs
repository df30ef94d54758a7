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

    /// A parameter of a path, the query or the headers (`place`): its type, constraints, default and style.
    pub(super) fn param(&mut self, p: &Param, place: Place) {
        self.ty(&p.ty.value, p.ty.span, place);
        let what = format!("parameter `{}`", p.name.value);
        self.constraints(&p.constraints, &p.ty, &what);
        if let Some(d) = &p.default {
            self.default(d, &p.ty.value, &p.constraints, None, &what);
        }
        if let Some(style) = &p.style {
            let object = match &p.ty.value {
                TypeExpr::Map(_) => true,
                TypeExpr::Named(n) => matches!(
                    self.models.get(n.as_str()),
                    Some(Model {
                        kind: ModelKind::Struct { .. },
                        ..
                    })
                ),
                _ => false,
            };
            let list = matches!(p.ty.value, TypeExpr::List(_));
            let fits = match style.value {
                ParamStyle::DeepObject => object,
                ParamStyle::Form | ParamStyle::Comma | ParamStyle::Brackets => list,
            };
            if !fits {
                let hint = if object {
                    "an object is written `name[key]=value`: use `style: deep_object`, or leave `style` out"
                } else if list {
                    "a list takes `form` (`a=1&a=2`), `comma` (`a=1,2`) or `brackets` (`a[]=1&a[]=2`)"
                } else {
                    "a scalar is always `name=value`: remove `style`"
                };
                self.err(
                    style.span,
                    format!(
                        "style `{}` does not fit parameter `{}`",
                        style.value.name(),
                        p.name.value
                    ),
                    hint,
                );
            }
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
            self.op_auth(op, &what);
            for p in op.params.iter() {
                self.param(p, Place::Path);
            }
            self.names_unique(
                op.query.iter().map(|p| &p.name),
                "query parameter",
                ident::value_name,
            );
            for p in &op.query {
                self.param(p, Place::Query);
            }
            self.op_headers(op);
            if let (Some(k), None) = (&op.idempotency_key, &self.spec.api.idempotency_header) {
                if k.value {
                    self.err(
                        k.span,
                        format!(
                            "{what} takes an idempotency key, but the API names no header for it"
                        ),
                        "add `idempotency_header: Idempotency-Key` (the header's name) to `api`",
                    );
                }
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
                let link = style.style.value == PageStyleKind::Link;
                let paged = op.responses.iter().any(|r| {
                    r.status.value.is_success()
                        && match &r.ty.value {
                            TypeExpr::Page(_) => !link,
                            TypeExpr::List(_) => link,
                            _ => false,
                        }
                });
                if !paged {
                    let (msg, hint) = if link {
                        (
                            format!("{what} is paginated with the `Link` header but no success response is `list<T>`"),
                            "make the success response `list<Item>`: the links are in the header, the items in the body",
                        )
                    } else {
                        (
                            format!("{what} is paginated but no response is `page<T>`"),
                            "make the success response `page<Item>`",
                        )
                    };
                    self.err(
                        op.pagination.as_ref().map_or(op.name.span, |p| p.span),
                        msg,
                        hint,
                    );
                }
            }
            if let Some(b) = &op.body {
                self.ty(&b.ty.value, b.ty.span, Place::Body);
                self.body_content(b);
                if !method.has_body() {
                    self.err(
                        b.ty.span,
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
            if !op.responses.is_empty() && !op.responses.iter().any(|r| r.status.value.is_success())
            {
                self.err(
                    op.name.span,
                    format!("{what} documents no success (2xx) response"),
                    "add the 2xx answer",
                );
            }
            let mut statuses: Vec<StatusKey> = Vec::new();
            for resp in &op.responses {
                let s = resp.status.value;
                if let StatusKey::Code(code) = s {
                    if !(100..=599).contains(&code) {
                        self.err(
                            resp.status.span,
                            format!("`{code}` is not an HTTP status code"),
                            "use a code from 100 to 599, e.g. 200, 201, 204, 400, 404",
                        );
                    }
                }
                if statuses.contains(&s) {
                    self.err(
                        resp.status.span,
                        format!("status {} is documented twice", s.text()),
                        "remove one",
                    );
                }
                statuses.push(s);
                self.ty(
                    &resp.ty.value,
                    resp.ty.span,
                    Place::Response {
                        paginated: style.is_some(),
                        success: s.is_success(),
                    },
                );
                if s == StatusKey::Code(204) && resp.ty.value != TypeExpr::None {
                    self.err(
                        resp.ty.span,
                        "a 204 response has no body",
                        "write `204: none`",
                    );
                }
                if method == Method::Head && resp.ty.value != TypeExpr::None {
                    self.err(
                        resp.ty.span,
                        "an answer to HEAD has no body",
                        "write `none` (headers may still be declared)",
                    );
                }
                self.response_content(resp);
                for h in &resp.headers {
                    self.header_param(h, "a response header");
                }
                self.header_names_unique(resp.headers.iter(), "response header");
            }
        }
    }
}

impl Validator<'_> {
    /// An operation's `auth`: scheme names the API declares, and no scopes on an open operation.
    fn op_auth(&mut self, op: &Operation, what: &str) {
        let spec = self.spec;
        match (&op.auth, &spec.api.auth) {
            (OpAuth::Open, _) if !op.scopes.is_empty() => self.err(
                op.scopes[0].span,
                format!("{what} has `auth: false` but requires scopes"),
                "remove the scopes, or `auth: false`",
            ),
            (OpAuth::AnyOf(names), None) => {
                let span = names.first().map_or(op.name.span, |n| n.span);
                self.err(
                    span,
                    format!("{what} names auth schemes, but the API has no `auth`"),
                    "declare the schemes under `api.auth.schemes`",
                );
            }
            (OpAuth::AnyOf(names), Some(auth)) => {
                if names.is_empty() {
                    self.err(
                        op.name.span,
                        format!("{what} accepts no auth scheme (`auth: []`)"),
                        "list the schemes it accepts, or write `auth: false` for an open operation",
                    );
                }
                for n in names {
                    self.scheme_ref(auth, n);
                }
            }
            _ => {}
        }
    }

    /// The operation's headers: names and types, unique (without case) among themselves and the API's, and
    /// none that an API key of its schemes travels in.
    fn op_headers(&mut self, op: &Operation) {
        let spec = self.spec;
        for h in &op.headers {
            self.header_param(h, "a request header");
            if spec
                .api
                .headers
                .iter()
                .any(|a| a.name.value.eq_ignore_ascii_case(&h.name.value))
            {
                self.err(
                    h.name.span,
                    format!("header `{}` is already an API-wide header", h.name.value),
                    "remove it here: `api.headers` go with every operation",
                );
            }
        }
        self.header_names_unique(op.headers.iter(), "request header");
        if let Some(auth) = &spec.api.auth {
            for s in &auth.schemes {
                let (Some(at), Some(key)) = (&s.key_location, &s.key_name) else {
                    continue;
                };
                let clash = match at.value {
                    KeyLocation::Header => op
                        .headers
                        .iter()
                        .chain(&spec.api.headers)
                        .find(|h| h.name.value.eq_ignore_ascii_case(&key.value)),
                    KeyLocation::Query => op.query.iter().find(|q| q.name.value == key.value),
                };
                if let Some(p) = clash {
                    self.err(
                        p.name.span,
                        format!("`{}` is where the key of auth scheme `{}` goes", p.name.value, s.name.value),
                        "remove the parameter: credentials are set on the client and checked by the server",
                    );
                }
            }
        }
    }

    /// A body's `content` fits its type: form and multipart bodies are objects, other media types are `binary`
    /// or (text) `string`.
    fn body_content(&mut self, b: &Body) {
        let binary = matches!(b.ty.value, TypeExpr::Prim(Prim::Binary));
        let string = matches!(b.ty.value, TypeExpr::Prim(Prim::String));
        let object = self.is_struct_body(&b.ty.value);
        let Some(content) = &b.content else {
            if self.has_binary_field(&b.ty.value) {
                self.err(
                    b.ty.span,
                    "a body with `binary` fields is sent as `multipart/form-data`",
                    "add `content: multipart`",
                );
            }
            return;
        };
        let c = content.value.as_str();
        let json = c == "json" || is_json_media(c);
        let (fits, hint) = match c {
            "form" | "application/x-www-form-urlencoded" => (object, "a form body is a struct model (or `create<M>`/`patch<M>`)"),
            "multipart" | "multipart/form-data" => (object, "a multipart body is a struct model whose `binary` fields are its file parts"),
            _ if json => (!binary, "a JSON body cannot be `binary`: use a media type such as `application/octet-stream`"),
            _ if !c.contains('/') => (false, "write `json`, `form`, `multipart`, or a media type such as `application/octet-stream`"),
            _ => (binary || string, "a body of another media type is `binary` (raw bytes) or, for `text/...`, `string`"),
        };
        if !fits {
            self.err(
                content.span,
                format!("content `{c}` does not fit the body's type"),
                hint,
            );
        }
        if !matches!(c, "multipart" | "multipart/form-data") && self.has_binary_field(&b.ty.value) {
            self.err(
                content.span,
                "a body with `binary` fields is sent as `multipart/form-data`",
                "write `content: multipart`",
            );
        }
    }

    /// An answer's `content` fits its type; a `sentinel` belongs to event streams.
    fn response_content(&mut self, r: &Response) {
        let events = matches!(r.ty.value, TypeExpr::Events(_));
        if let (Some(s), false) = (&r.sentinel, events) {
            self.err(
                s.span,
                "`sentinel` is for event streams",
                "remove it, or make the type `events<T>`",
            );
        }
        if self.has_binary_field(&r.ty.value) {
            self.err(
                r.ty.span,
                "an answer cannot hold `binary` fields",
                "answer with `binary` itself (raw bytes), or a model without them",
            );
        }
        let binary = matches!(r.ty.value, TypeExpr::Prim(Prim::Binary));
        let string = matches!(r.ty.value, TypeExpr::Prim(Prim::String));
        if r.content.len() > 1 && !binary {
            self.err(
                r.content[1].span,
                "several media types are for `binary` answers",
                "give one media type, or make the type `binary`",
            );
        }
        for c in &r.content {
            let m = c.value.as_str();
            let json = is_json_media(m);
            let fits = if !m.contains('/') {
                false
            } else if events {
                m == "text/event-stream"
            } else if binary {
                !json
            } else if string {
                true
            } else {
                json
            };
            if !fits {
                let hint = if events {
                    "an event stream is `text/event-stream` (or leave `content` out)"
                } else if binary {
                    "raw bytes have a non-JSON media type, e.g. `audio/mpeg` or `application/pdf`"
                } else if !m.contains('/') {
                    "write a media type, e.g. `application/json` or `text/plain`"
                } else {
                    "a JSON type is `application/json` or `...+json`; use `string` for text or `binary` for bytes"
                };
                self.err(
                    c.span,
                    format!("content `{m}` does not fit the answer's type"),
                    hint,
                );
            }
        }
    }

    /// Whether a body type is a struct model (written, or its create or PATCH form).
    fn is_struct_body(&self, t: &TypeExpr) -> bool {
        match t {
            TypeExpr::Named(n) | TypeExpr::Create(n) | TypeExpr::Patch(n) => matches!(
                self.models.get(n.as_str()),
                Some(Model {
                    kind: ModelKind::Struct { .. },
                    ..
                })
            ),
            _ => false,
        }
    }

    /// Whether a type is a struct model with a `binary` field (its own or inherited).
    pub(super) fn has_binary_field(&self, t: &TypeExpr) -> bool {
        let name = match t {
            TypeExpr::Named(n) | TypeExpr::Create(n) | TypeExpr::Patch(n) => n,
            _ => return false,
        };
        let Some(m) = self.models.get(name.as_str()) else {
            return false;
        };
        let lookup = |n: &str| self.models.get(n).copied();
        m.all_fields(&lookup).iter().any(|f| f.ty.value.is_file())
    }
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`).
fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence == "application/json" || essence.ends_with("+json")
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
