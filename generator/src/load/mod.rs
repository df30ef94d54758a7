//! load: YAML source → [`Spec`], collecting every shape error (unknown keys, wrong kinds, missing keys) at once.
//!
//! Decoding is written by hand over [`yaml::Node`] rather than derived with serde because each error must carry
//! the position of the offending node and a hint (a "did you mean" for a misspelt key), and because decoding goes
//! on after an error so that one run reports every problem. This file holds the decoding helpers and the `api`,
//! `pagination` and `errors` sections; `models` decodes models and type positions (hoisting inline definitions
//! into named models), `resources` resources, operations and their parameters.

mod models;
mod resources;

use resources::ParamPlace;

use crate::diagnostic::{did_you_mean, Diagnostic, Span};
use crate::spec::*;
use crate::yaml::{self, Node, NodeKind};

/// Parses and decodes a spec. All problems found are returned together.
pub fn load(source: &str) -> Result<Spec, Vec<Diagnostic>> {
    match load_partial(source) {
        (Some(spec), diags) if diags.is_empty() => Ok(spec),
        (_, diags) => Err(diags),
    }
}

/// Like [`load`], but also returns what could be decoded despite errors, so that validation can still report the
/// problems of the rest in the same run. A YAML syntax error gives no spec at all.
pub fn load_partial(source: &str) -> (Option<Spec>, Vec<Diagnostic>) {
    let root = match yaml::parse(source) {
        Ok(root) => root,
        Err(diags) => return (None, diags),
    };
    let mut cx = Cx {
        diags: Vec::new(),
        inline: Vec::new(),
    };
    let spec = cx.spec(&root);
    if spec.is_none() && cx.diags.is_empty() {
        // Decoding only gives up after saying why; keep the promise visible if that ever changes.
        cx.diags.push(
            Diagnostic::error(root.span, "the spec could not be read")
                .with_hint("check the structure against the spec language in README.md"),
        );
    }
    (spec, cx.diags)
}

struct Cx {
    diags: Vec<Diagnostic>,
    /// Models written inline where a type was expected, named after where they stand; added to the spec's models.
    inline: Vec<Model>,
}

/// A mapping being decoded: remembers which keys are allowed so unknown ones are reported once, with a suggestion.
struct Obj<'n> {
    node: &'n Node,
    entries: &'n [(Node, Node)],
}

impl<'n> Obj<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }
}

fn opt_text(s: Option<Name>) -> Option<String> {
    s.map(|n| n.value)
}

impl Cx {
    fn err(&mut self, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(span, msg).with_hint(hint));
    }

    /// Opens `node` as a mapping whose keys must be among `known`.
    fn obj<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Obj<'n>> {
        match &node.kind {
            NodeKind::Map(entries) => {
                for (k, _) in entries {
                    let key = k.as_str().unwrap_or_default();
                    if !known.contains(&key) {
                        let hint = match did_you_mean(key, known.iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            // Fields say `optional`; parameters say the opposite.
                            None if key == "optional" && known.contains(&"required") => {
                                "parameters are optional unless `required: true`: remove `optional`".to_owned()
                            }
                            // Prose as a key is the mark of a comma inside `{ ... }`, which starts a new key.
                            None if key.contains(' ') => "inside `{ ... }` a comma starts a new key: quote a value that contains a comma".to_owned(),
                            None => format!("{what} takes: {}", known.join(", ")),
                        };
                        self.err(k.span, format!("unknown key `{key}` in {what}"), hint);
                    }
                }
                Some(Obj { node, entries })
            }
            _ => {
                self.err(
                    node.span,
                    format!("{what} must be a mapping, found {}", node.kind_name()),
                    format!(
                        "write it as `key: value` lines; {what} takes: {}",
                        known.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn require<'n>(&mut self, o: &Obj<'n>, key: &str, what: &str) -> Option<&'n Node> {
        let v = o.get(key);
        if v.is_none() {
            self.err(
                o.node.span,
                format!("{what} is missing the required key `{key}`"),
                format!("add `{key}:` to {what}"),
            );
        }
        v
    }

    fn string(&mut self, node: &Node, what: &str) -> Option<Name> {
        match &node.kind {
            NodeKind::Scalar { text, .. } if !node.is_null() => {
                Some(Spanned::new(text.clone(), node.span))
            }
            _ if node.is_null() => {
                // Nothing after the colon (or `~`, `null`) is YAML's null: quoting is not the problem.
                self.err(
                    node.span,
                    format!("{what} must be a string, found null"),
                    "write the value after the colon, or leave the key out",
                );
                None
            }
            _ => {
                self.err(node.span, format!("{what} must be a string, found {}", node.kind_name()), "write a single value on the same line, quoted if it contains `: ` or starts with a special character");
                None
            }
        }
    }

    fn opt_string(&mut self, o: &Obj, key: &str, what: &str) -> Option<Name> {
        let node = o.get(key)?;
        self.string(node, &format!("`{key}` of {what}"))
    }

    fn req_string(&mut self, o: &Obj, key: &str, what: &str) -> Option<Name> {
        let node = self.require(o, key, what)?;
        self.string(node, &format!("`{key}` of {what}"))
    }

    fn bool(&mut self, o: &Obj, key: &str, what: &str) -> Option<bool> {
        let node = o.get(key)?;
        match (&node.kind, node.as_str().and_then(yaml::parse_bool)) {
            (NodeKind::Scalar { quoted: false, .. }, Some(b)) => Some(b),
            _ => {
                self.err(
                    node.span,
                    format!(
                        "`{key}` of {what} must be `true` or `false`, found {}",
                        describe(node)
                    ),
                    "write true or false, without quotes",
                );
                None
            }
        }
    }

    fn int(&mut self, node: &Node, what: &str) -> Option<i64> {
        match (&node.kind, node.as_str().map(str::parse::<i64>)) {
            (NodeKind::Scalar { quoted: false, .. }, Some(Ok(i))) => Some(i),
            _ => {
                self.err(
                    node.span,
                    format!("{what} must be an integer, found {}", describe(node)),
                    "write a whole number, without quotes",
                );
                None
            }
        }
    }

    fn opt_int(&mut self, o: &Obj, key: &str, what: &str) -> Option<i64> {
        let node = o.get(key)?;
        self.int(node, &format!("`{key}` of {what}"))
    }

    fn opt_float(&mut self, o: &Obj, key: &str, what: &str) -> Option<f64> {
        let node = o.get(key)?;
        match (&node.kind, node.as_str().map(str::parse::<f64>)) {
            (NodeKind::Scalar { quoted: false, .. }, Some(Ok(f))) if f.is_finite() => Some(f),
            _ => {
                self.err(
                    node.span,
                    format!(
                        "`{key}` of {what} must be a number, found {}",
                        describe(node)
                    ),
                    "write a number, without quotes",
                );
                None
            }
        }
    }

    /// Iterates a mapping of named entries (models, resources, fields ...).
    fn entries<'n>(&mut self, node: &'n Node, what: &str) -> &'n [(Node, Node)] {
        match &node.kind {
            NodeKind::Map(entries) => entries,
            _ if node.is_null() => &[],
            _ => {
                self.err(
                    node.span,
                    format!(
                        "{what} must be a mapping of names to definitions, found {}",
                        node.kind_name()
                    ),
                    "write one `name:` per entry",
                );
                &[]
            }
        }
    }

    fn seq<'n>(&mut self, node: &'n Node, what: &str) -> &'n [Node] {
        match &node.kind {
            NodeKind::Seq(items) => items,
            _ if node.is_null() => &[],
            _ => {
                self.err(
                    node.span,
                    format!("{what} must be a list, found {}", node.kind_name()),
                    "write `[a, b]` or one `- item` per line",
                );
                &[]
            }
        }
    }

    /// One of a fixed set of words (`choices` pairs each word with its value), or an error with a suggestion.
    fn choice<T: Copy>(
        &mut self,
        word: &Name,
        choices: &[(&str, T)],
        what: &str,
    ) -> Option<Spanned<T>> {
        if let Some((_, value)) = choices.iter().find(|(w, _)| *w == word.value) {
            return Some(Spanned::new(*value, word.span));
        }
        let words: Vec<&str> = choices.iter().map(|(w, _)| *w).collect();
        let hint = match did_you_mean(&word.value, words.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "use {}",
                words
                    .iter()
                    .map(|w| format!("`{w}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        self.err(word.span, format!("unknown {what} `{}`", word.value), hint);
        None
    }

    fn name(&mut self, key: &Node) -> Name {
        Spanned::new(key.as_str().unwrap_or_default().to_owned(), key.span)
    }

    fn spec(&mut self, root: &Node) -> Option<Spec> {
        if root.is_null() {
            self.err(root.span, "the spec is empty", "start from the example in README.md (the spec language): `api:`, `models:` and `resources:` at the top level");
            return None;
        }
        let o = self.obj(
            root,
            "the spec",
            &["api", "pagination", "errors", "models", "resources"],
        )?;
        let api = self
            .require(&o, "api", "the spec")
            .and_then(|n| self.api(n));
        let pagination = o
            .get("pagination")
            .map(|n| self.pagination(n))
            .unwrap_or_default();
        let errors = o.get("errors").and_then(|n| self.errors(n));
        let mut models = o.get("models").map(|n| self.models(n)).unwrap_or_default();
        let resources = self
            .require(&o, "resources", "the spec")
            .map(|n| self.resources(n))
            .unwrap_or_default();
        // Inline definitions come after the written models, in the order they were met.
        models.append(&mut self.inline);
        let errors = errors.unwrap_or(Errors {
            span: root.span,
            models: Vec::new(),
            answers: Vec::new(),
            malformed_path: None,
        });
        Some(Spec {
            api: api?,
            pagination,
            errors,
            models,
            resources,
        })
    }

    fn api(&mut self, node: &Node) -> Option<Api> {
        const KEYS: &[&str] = &[
            "name",
            "title",
            "version",
            "description",
            "server",
            "server_env",
            "auth",
            "base_path",
            "base_params",
            "headers",
            "response_headers",
            "idempotency_header",
        ];
        let o = self.obj(node, "`api`", KEYS)?;
        let name = self.req_string(&o, "name", "`api`");
        let title = self.req_string(&o, "title", "`api`");
        let version = self.req_string(&o, "version", "`api`");
        let description = opt_text(self.opt_string(&o, "description", "`api`"));
        let server = self.req_string(&o, "server", "`api`");
        let server_env = self.opt_string(&o, "server_env", "`api`");
        let auth = o.get("auth").and_then(|n| self.auth(n));
        let base_path = self.opt_string(&o, "base_path", "`api`");
        let base_params = o
            .get("base_params")
            .map(|n| self.params(n, "`api.base_params`", ParamPlace::Path, "Base"))
            .unwrap_or_default();
        let headers = o
            .get("headers")
            .map(|n| self.params(n, "`api.headers`", ParamPlace::Header, "Api"))
            .unwrap_or_default();
        let response_headers = o
            .get("response_headers")
            .map(|n| {
                self.params(
                    n,
                    "`api.response_headers`",
                    ParamPlace::ResponseHeader,
                    "Api",
                )
            })
            .unwrap_or_default();
        let idempotency_header = self.opt_string(&o, "idempotency_header", "`api`");
        Some(Api {
            name: name?,
            title: title?.value,
            version: version?,
            description,
            server: server?,
            server_env,
            auth,
            base_path,
            base_params,
            headers,
            response_headers,
            idempotency_header,
        })
    }

    /// `api.auth`: one scheme (`{scheme: bearer, name, env, ...}`), or several (`{schemes: {name: {scheme, ...}},
    /// default: [...]}`), with the scope rules either way.
    fn auth(&mut self, node: &Node) -> Option<Auth> {
        const SINGLE: &[&str] = &[
            "scheme",
            "name",
            "in",
            "key_name",
            "env",
            "description",
            "wildcard_scope",
            "implied_scopes",
        ];
        const SEVERAL: &[&str] = &["schemes", "default", "wildcard_scope", "implied_scopes"];
        let several = matches!(&node.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("schemes")));
        let o = self.obj(node, "`api.auth`", if several { SEVERAL } else { SINGLE })?;
        let mut implied_scopes = Vec::new();
        if let Some(rules) = o.get("implied_scopes") {
            for rule in self.seq(rules, "`implied_scopes`") {
                if let Some(r) = self.obj(rule, "a scope rule", &["from", "grants"]) {
                    let from = self.req_string(&r, "from", "a scope rule");
                    let grants = self.req_string(&r, "grants", "a scope rule");
                    if let (Some(from), Some(grants)) = (from, grants) {
                        implied_scopes.push(ScopeRule { from, grants });
                    }
                }
            }
        }
        let mut schemes = Vec::new();
        let mut default = Vec::new();
        if several {
            if let Some(list) = o.get("schemes") {
                for (key, value) in self.entries(list, "`api.auth.schemes`") {
                    let name = self.name(key);
                    let what = format!("auth scheme `{}`", name.value);
                    const KEYS: &[&str] = &["scheme", "in", "key_name", "env", "description"];
                    if let Some(so) = self.obj(value, &what, KEYS) {
                        if let Some(scheme) = self.scheme(&so, name, &what) {
                            schemes.push(scheme);
                        }
                    }
                }
            }
            if let Some(list) = o.get("default") {
                for item in self.seq(list, "`api.auth.default`") {
                    if let Some(name) = self.string(item, "a scheme name") {
                        default.push(name);
                    }
                }
            }
        } else {
            let name = self
                .opt_string(&o, "name", "`api.auth`")
                .unwrap_or_else(|| Spanned::new("BearerAuth".to_owned(), node.span));
            if let Some(scheme) = self.scheme(&o, name, "`api.auth`") {
                schemes.push(scheme);
            }
        }
        Some(Auth {
            span: node.span,
            schemes,
            default,
            wildcard_scope: self.opt_string(&o, "wildcard_scope", "`api.auth`"),
            implied_scopes,
        })
    }

    /// One scheme's keys: `scheme`, and for API keys `in` and `key_name`; `env`, `description`.
    fn scheme(&mut self, o: &Obj, name: Name, what: &str) -> Option<AuthScheme> {
        let kind = self.req_string(o, "scheme", what)?;
        let kind = self.choice(&kind, &SchemeKind::ALL, "auth scheme")?;
        let key_location = self.opt_string(o, "in", what).and_then(|word| {
            const CHOICES: [(&str, KeyLocation); 2] = [
                ("header", KeyLocation::Header),
                ("query", KeyLocation::Query),
            ];
            self.choice(&word, &CHOICES, "API key location")
        });
        Some(AuthScheme {
            name,
            kind,
            key_location,
            key_name: self.opt_string(o, "key_name", what),
            env: self.opt_string(o, "env", what),
            description: opt_text(self.opt_string(o, "description", what)),
        })
    }

    fn pagination(&mut self, node: &Node) -> Vec<PaginationStyle> {
        const KEYS: &[&str] = &[
            "style",
            "description",
            "limit_param",
            "offset_param",
            "default_limit",
            "max_limit",
            "above_max_limit",
            "page_param",
            "page_size",
            "count",
            "next",
            "previous",
            "results",
            "cursor_param",
            "cursor_item",
            "cursor_field",
            "has_more",
            "fields",
        ];
        let mut out = Vec::new();
        for (key, value) in self.entries(node, "`pagination`") {
            let name = self.name(key);
            let what = format!("pagination style `{}`", name.value);
            let Some(o) = self.obj(value, &what, KEYS) else {
                continue;
            };
            let Some(style) = self.req_string(&o, "style", &what) else {
                continue;
            };
            let chosen = self.choice(&style, &PageStyleKind::ALL, "pagination style");
            let known = chosen.is_some();
            // An unknown style was reported; it is kept under its name (so operations that use it are not
            // reported too), without the keys that depend on the style, and lower never sees it.
            let style = chosen.unwrap_or(Spanned::new(PageStyleKind::PageNumber, style.span));
            let specific =
                |cx: &mut Self, key: &str| known.then(|| cx.opt_string(&o, key, &what)).flatten();
            let limit_param = specific(self, "limit_param");
            let offset_param = specific(self, "offset_param");
            let page_param = specific(self, "page_param");
            let default_limit = known
                .then(|| self.opt_int(&o, "default_limit", &what))
                .flatten();
            let max_limit = known
                .then(|| {
                    let node = o.get("max_limit")?;
                    let value = self.int(node, &format!("`max_limit` of {what}"))?;
                    Some(Spanned::new(value, node.span))
                })
                .flatten();
            let above_max_limit = known
                .then(|| {
                    let word = self.opt_string(&o, "above_max_limit", &what)?;
                    self.choice(&word, &AboveMaxLimit::ALL, "`above_max_limit` value")
                })
                .flatten();
            let page_size = known
                .then(|| self.opt_int(&o, "page_size", &what))
                .flatten();
            let cursor_param = specific(self, "cursor_param");
            let cursor_item = specific(self, "cursor_item");
            let cursor_field = specific(self, "cursor_field");
            let has_more = specific(self, "has_more");
            let stem = crate::ident::type_name_of(&[&name.value, "page"]);
            let mut fields = Vec::new();
            if let Some(f) = o.get("fields") {
                for (fk, fv) in self.entries(f, &format!("`fields` of {what}")) {
                    if let Some(field) = self.field(fk, fv, &stem, &what) {
                        fields.push(field);
                    }
                }
            }
            out.push(PaginationStyle {
                name,
                style,
                limit_param,
                offset_param,
                default_limit,
                max_limit,
                above_max_limit,
                page_param,
                page_size,
                description: opt_text(self.opt_string(&o, "description", &what)),
                count: self.envelope_name(&o, "count", &what),
                next: self.envelope_name(&o, "next", &what),
                previous: self.envelope_name(&o, "previous", &what),
                results: self.envelope_name(&o, "results", &what),
                cursor_param,
                cursor_item,
                cursor_field,
                has_more,
                fields,
            });
        }
        out
    }

    /// The wire name of one of a page envelope's fields. `count: null` (or an empty value) reads like "no count
    /// field", which the language does not have: every envelope has all four, so the message says what to write.
    fn envelope_name(&mut self, o: &Obj, key: &str, what: &str) -> Option<Name> {
        match o.get(key) {
            Some(node) if node.is_null() => {
                self.err(
                    node.span,
                    format!("`{key}` of {what} must be a field name, found null"),
                    format!("write the name the API gives the page's `{key}` field (e.g. `{key}: total`), or leave `{key}` out for the default `{key}`; every page envelope has count, next, previous and results"),
                );
                None
            }
            _ => self.opt_string(o, key, what),
        }
    }

    fn errors(&mut self, node: &Node) -> Option<Errors> {
        const KEYS: &[&str] = &[
            "models",
            "unauthenticated",
            "invalid_credentials",
            "missing_scope",
            "validation",
            "not_found",
            "method_not_allowed",
            "payload_too_large",
            "server_error",
            "malformed_path",
        ];
        let o = self.obj(node, "`errors`", KEYS)?;
        let mut models = Vec::new();
        if let Some(list) = self.require(&o, "models", "`errors`") {
            for item in self.seq(list, "`errors.models`") {
                if let Some(n) = self.string(item, "an error model") {
                    models.push(n);
                }
            }
        }
        let malformed_path = self
            .opt_string(&o, "malformed_path", "`errors`")
            .and_then(|word| {
                const CHOICES: [(&str, ErrorKind); 2] = [
                    ("validation", ErrorKind::Validation),
                    ("not_found", ErrorKind::NotFound),
                ];
                self.choice(&word, &CHOICES, "answer for a malformed path parameter")
            });
        let mut answers = Vec::new();
        for (key, value) in o.entries {
            let name = self.name(key);
            if name.value == "malformed_path" {
                continue;
            }
            // Unknown keys were reported by `obj`.
            let Ok(kind) = name.value.parse::<ErrorKind>() else {
                continue;
            };
            let kind = Spanned::new(kind, name.span);
            let what = format!("error answer `{}`", name.value);
            let Some(a) = self.obj(value, &what, &["status", "model", "body", "description"])
            else {
                continue;
            };
            let status = self
                .require(&a, "status", &what)
                .and_then(|n| self.int(n, "`status`").map(|s| Spanned::new(s, n.span)));
            let model = self.req_string(&a, "model", &what);
            let body = self.require(&a, "body", &what);
            let description = opt_text(self.opt_string(&a, "description", &what));
            if let (Some(status), Some(model), Some(body)) = (status, model, body) {
                answers.push(ErrorAnswer {
                    kind,
                    status,
                    model,
                    body: body.to_json(),
                    body_span: body.span,
                    description,
                });
            }
        }
        Some(Errors {
            span: node.span,
            models,
            answers,
            malformed_path,
        })
    }
}

fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Scalar { text, quoted: true } => format!("the quoted string \"{text}\""),
        NodeKind::Scalar { text, .. } if !node.is_null() => format!("`{text}`"),
        _ => node.kind_name().to_owned(),
    }
}

/// Parses a type expression such as `list<map<InsightVariable>>`.
pub fn parse_type(text: &str) -> Result<TypeExpr, String> {
    let text = text.trim();
    if let Some(open) = text.find('<') {
        let Some(inner) = text[open + 1..].strip_suffix('>') else {
            return Err(format!(
                "`{text}` has a `<` without a matching `>` at the end"
            ));
        };
        let head = text[..open].trim();
        let inner_ty = parse_type(inner)?;
        let model_name = |ty: TypeExpr| match ty {
            TypeExpr::Named(n) => Ok(n),
            _ => Err(format!("`{head}<...>` takes a model name, found `{inner}`")),
        };
        return match head {
            "list" => Ok(TypeExpr::List(Box::new(inner_ty))),
            "map" => Ok(TypeExpr::Map(Box::new(inner_ty))),
            "page" => Ok(TypeExpr::Page(Box::new(inner_ty))),
            "create" => model_name(inner_ty).map(TypeExpr::Create),
            "patch" => model_name(inner_ty).map(TypeExpr::Patch),
            "events" => Ok(TypeExpr::Events(Box::new(inner_ty))),
            other => {
                let hint =
                    did_you_mean(other, ["list", "map", "page", "create", "patch", "events"])
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                Err(format!("unknown type constructor `{other}`{hint}"))
            }
        };
    }
    if text == "none" {
        return Ok(TypeExpr::None);
    }
    if let Some((_, prim)) = Prim::ALL.iter().find(|(n, _)| *n == text) {
        return Ok(TypeExpr::Prim(*prim));
    }
    if text.is_empty()
        || !text.chars().all(|c| c.is_alphanumeric() || c == '_')
        || text.contains('>')
    {
        return Err(format!("`{text}` is not a type"));
    }
    Ok(TypeExpr::Named(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_type_expressions() {
        assert_eq!(
            parse_type("list<map<Foo>>"),
            Ok(TypeExpr::List(Box::new(TypeExpr::Map(Box::new(
                TypeExpr::Named("Foo".into())
            )))))
        );
        assert_eq!(parse_type("uuid"), Ok(TypeExpr::Prim(Prim::Uuid)));
        assert_eq!(parse_type("patch<Foo>"), Ok(TypeExpr::Patch("Foo".into())));
        assert!(parse_type("patch<list<Foo>>").is_err());
        assert!(parse_type("lst<Foo>")
            .unwrap_err()
            .contains("did you mean `list`"));
        assert!(parse_type("list<Foo").is_err());
        assert!(parse_type("a b").is_err());
    }

    #[test]
    fn reports_every_shape_error_at_once() {
        let src = "api:\n  titel: x\n  name: n\nresources:\n  r:\n    path: /r\n    operations:\n      get:\n        method: GET\n        responses: {200: Foo}\n";
        let errs = load(src).unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|d| d.message.as_str()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("unknown key `titel`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("missing the required key `summary`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("missing the required key `version`")),
            "{msgs:?}"
        );
        let titel = errs.iter().find(|d| d.message.contains("titel")).unwrap();
        assert_eq!((titel.span.line, titel.span.col), (2, 3));
        assert_eq!(titel.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn wrong_kinds_are_named() {
        let src = "api: [1]\nresources: {}\n";
        let errs = load(src).unwrap_err();
        assert!(
            errs[0]
                .message
                .contains("`api` must be a mapping, found a sequence"),
            "{errs:?}"
        );
    }
}
