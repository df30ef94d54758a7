//! The `api` section: package name, version, base URL, environment variable names, auth and the base path.

use super::Validator;
use crate::spec::*;

impl Validator<'_> {
    pub(super) fn api(&mut self) {
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
        } else if let Some((origin, path)) = rest
            .and_then(|r| r.split_once('/'))
            .filter(|(_, path)| !path.trim_matches('/').is_empty())
        {
            // A path here would be the client's alone: the generated router serves the operations' paths, so the
            // two would disagree by it (and the OpenAPI document with the router).
            let scheme = if s.starts_with("https://") {
                "https"
            } else {
                "http"
            };
            self.err(
                api.server.span,
                format!("`server` holds the path `/{path}`, which the generated server would not serve"),
                format!(
                    "write the origin alone, `server: {scheme}://{origin}`, and the path as `base_path: /{}` (joined before every operation's path, on both sides)",
                    path.trim_matches('/')
                ),
            );
        }
        if let Some(env) = &api.server_env {
            self.env_name(env);
        }
        if let Some(auth) = &api.auth {
            self.auth(auth);
        }
        for h in &api.headers {
            self.header_param(h, "a request header");
        }
        for h in &api.response_headers {
            self.header_param(h, "a response header");
        }
        self.header_names_unique(api.headers.iter(), "request header");
        self.header_names_unique(api.response_headers.iter(), "response header");
        if let Some(h) = &api.idempotency_header {
            self.header_name(h);
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
            self.param(p, super::types::Place::Path);
        }
    }

    fn auth(&mut self, auth: &Auth) {
        if auth.schemes.is_empty() {
            self.err(
                auth.span,
                "`auth` declares no scheme",
                "write `schemes: {name: {scheme: bearer}}`, or remove `auth` for an API without authentication",
            );
        }
        self.names_unique(auth.schemes.iter().map(|s| &s.name), "auth scheme", |s| {
            s.to_owned()
        });
        for s in &auth.schemes {
            if s.name.value.is_empty()
                || !s
                    .name
                    .value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                self.err(
                    s.name.span,
                    format!("`{}` is not a scheme name", s.name.value),
                    "use letters, digits, `_`, `-` and `.` (it is an OpenAPI component name)",
                );
            }
            match (s.kind.value, &s.key_location, &s.key_name) {
                (SchemeKind::ApiKey, None, _) | (SchemeKind::ApiKey, _, None) => self.err(
                    s.kind.span,
                    format!("API-key scheme `{}` must say where the key goes", s.name.value),
                    "add `in: header` (or `in: query`) and `key_name: X-API-Key` (the header or parameter name)",
                ),
                (SchemeKind::ApiKey, Some(_), Some(name)) => self.header_name(name),
                (_, Some(at), _) => self.err(
                    at.span,
                    "`in` is for API-key schemes only",
                    "remove `in`, or make the scheme `api_key`",
                ),
                (_, _, Some(name)) => self.err(
                    name.span,
                    "`key_name` is for API-key schemes only",
                    "remove `key_name`, or make the scheme `api_key`",
                ),
                _ => {}
            }
            if let Some(env) = &s.env {
                self.env_name(env);
            }
        }
        for name in &auth.default {
            self.scheme_ref(auth, name);
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

    /// A scheme name written in `auth.default` or an operation's `auth` must be one of the API's schemes.
    pub(super) fn scheme_ref(&mut self, auth: &Auth, name: &Name) {
        if !auth.schemes.iter().any(|s| s.name.value == name.value) {
            let names: Vec<&str> = auth.schemes.iter().map(|s| s.name.value.as_str()).collect();
            let hint = match crate::diagnostic::did_you_mean(&name.value, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the API's schemes are: {}", names.join(", ")),
            };
            self.err(
                name.span,
                format!("unknown auth scheme `{}`", name.value),
                hint,
            );
        }
    }

    /// A header's name: an HTTP token, and not one the runtime sets itself.
    pub(super) fn header_name(&mut self, name: &Name) {
        let n = &name.value;
        let token = !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
        if !token {
            self.err(
                name.span,
                format!("`{n}` is not a header name"),
                "use letters, digits and `-`, e.g. `X-Request-Source`",
            );
            return;
        }
        const OWN: &[&str] = &[
            "authorization",
            "content-type",
            "content-length",
            "host",
            "transfer-encoding",
            "connection",
        ];
        if OWN.contains(&n.to_ascii_lowercase().as_str()) {
            self.err(
                name.span,
                format!("the header `{n}` is set by the generated code itself"),
                "declare credentials under `api.auth` and bodies with `body`/`content`; remove this header",
            );
        }
    }

    /// A header parameter or response header: its name, and a scalar type or a list of scalars.
    pub(super) fn header_param(&mut self, p: &Param, what: &str) {
        self.header_name(&p.name);
        if p.style.is_some() {
            // `style` is only read for query parameters; load refuses it elsewhere.
            debug_assert!(false, "{what} with a style");
        }
        self.param(p, super::types::Place::Header);
    }

    /// Header names compare without case: two that differ only in case are one header.
    pub(super) fn header_names_unique<'a>(
        &mut self,
        headers: impl Iterator<Item = &'a Param>,
        what: &str,
    ) {
        let mut seen: Vec<&Name> = Vec::new();
        for h in headers {
            match seen
                .iter()
                .find(|s| s.value.eq_ignore_ascii_case(&h.name.value))
            {
                Some(first) => self.err(
                    h.name.span,
                    format!(
                        "{what} `{}` repeats `{}` (line {}): header names ignore case",
                        h.name.value, first.value, first.span.line
                    ),
                    "remove one of the two",
                ),
                None => seen.push(&h.name),
            }
        }
    }

    pub(super) fn env_name(&mut self, env: &Name) {
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
}
