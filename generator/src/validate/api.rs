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
