//! Authentication and scope checks: [`Authenticate`] (the implementation maps a bearer key to a caller),
//! [`Caller`] (what the caller may do) and [`ScopeRules`] (the spec's wildcard and implied-scope rules).
//!
//! The rules are data taken from the spec, not code: a wildcard scope that grants everything, and rules such as
//! `{object}:write` grants `{object}:read`, where `{object}` stands for one `:`-separated segment.

use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use std::future::Future;

/// What an authenticated caller may do.
pub trait Caller: Send + Sync + 'static {
    /// True if the caller holds exactly this scope. Wildcards and implied scopes are applied by [`ScopeRules`];
    /// an implementation only reports what the key was given.
    fn has_scope(&self, scope: &str) -> bool;

    /// Who the caller is, for the request's span (field `caller`): a user or key id, never the key itself.
    /// `None` (the default) leaves the field out.
    fn identity(&self) -> Option<String> {
        None
    }
}

/// Maps an API key to a caller. Every route that needs credentials calls it before its handler runs.
pub trait Authenticate: Send + Sync + 'static {
    /// Who a valid key belongs to; handlers receive it in their `RequestContext`.
    type Caller: Caller;

    /// The caller owning `key` (the bearer token, without the `Bearer ` prefix), or `None` for an unknown key.
    fn authenticate(&self, key: &str) -> impl Future<Output = Option<Self::Caller>> + Send;
}

/// The bearer key of a request: `Authorization: Bearer <key>` (the scheme name is case-insensitive).
/// `None` when there is no such header, another scheme, or an empty key; all of these mean "no credentials".
pub fn bearer_key(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.trim().split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// A scope template: literal text with `{name}` placeholders, each standing for one non-empty segment without `:`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Placeholder(String),
}

impl Template {
    fn parse(text: &str) -> Template {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            match rest[start..].find('}') {
                Some(len) => {
                    if start > 0 {
                        parts.push(Part::Literal(rest[..start].to_owned()));
                    }
                    parts.push(Part::Placeholder(rest[start + 1..start + len].to_owned()));
                    rest = &rest[start + len + 1..];
                }
                None => break,
            }
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_owned()));
        }
        Template { parts }
    }

    /// The placeholder values that make the template equal `scope`, if any.
    fn matches(&self, scope: &str) -> Option<Vec<(String, String)>> {
        fn go(parts: &[Part], text: &str, bound: &mut Vec<(String, String)>) -> bool {
            let Some((first, rest)) = parts.split_first() else {
                return text.is_empty();
            };
            match first {
                Part::Literal(lit) => text
                    .strip_prefix(lit.as_str())
                    .is_some_and(|after| go(rest, after, bound)),
                Part::Placeholder(name) => {
                    let segment_end = text.find(':').unwrap_or(text.len());
                    // Try every length up to the segment's end: a literal may follow inside the segment.
                    for end in (1..=segment_end).rev() {
                        if !text.is_char_boundary(end) {
                            continue;
                        }
                        let value = &text[..end];
                        let consistent = bound
                            .iter()
                            .find(|(n, _)| n == name)
                            .map_or(true, |(_, v)| v == value);
                        if !consistent {
                            continue;
                        }
                        let fresh = !bound.iter().any(|(n, _)| n == name);
                        if fresh {
                            bound.push((name.clone(), value.to_owned()));
                        }
                        if go(rest, &text[end..], bound) {
                            return true;
                        }
                        if fresh {
                            bound.pop();
                        }
                    }
                    false
                }
            }
        }
        let mut bound = Vec::new();
        go(&self.parts, scope, &mut bound).then_some(bound)
    }

    /// The template with its placeholders replaced, or `None` if one of them has no value.
    fn fill(&self, bound: &[(String, String)]) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(lit) => out.push_str(lit),
                Part::Placeholder(name) => {
                    out.push_str(&bound.iter().find(|(n, _)| n == name)?.1);
                }
            }
        }
        Some(out)
    }
}

/// The spec's scope rules: which held scopes satisfy a required one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScopeRules {
    wildcard: Option<String>,
    implied: Vec<(Template, Template)>,
}

impl ScopeRules {
    /// Rules with an optional wildcard scope and `(from, grants)` pairs: holding a scope that matches `from`
    /// grants the scope `grants` with the same placeholder values.
    pub fn new(wildcard: Option<&str>, implied: &[(&str, &str)]) -> Self {
        ScopeRules {
            wildcard: wildcard.map(str::to_owned),
            implied: implied
                .iter()
                .map(|(from, grants)| (Template::parse(from), Template::parse(grants)))
                .collect(),
        }
    }

    /// True if `caller` may use `scope`: it holds it, holds the wildcard, or holds a scope that grants it through
    /// the implied rules (followed backwards from `scope`, so the caller never has to list its scopes).
    pub fn allows(&self, caller: &impl Caller, scope: &str) -> bool {
        if self
            .wildcard
            .as_deref()
            .is_some_and(|w| caller.has_scope(w))
        {
            return true;
        }
        // Each step applies one rule, so a chain longer than the rule count must be a cycle.
        self.allows_within(caller, scope, self.implied.len())
    }

    fn allows_within(&self, caller: &impl Caller, scope: &str, steps: usize) -> bool {
        if caller.has_scope(scope) {
            return true;
        }
        if steps == 0 {
            return false;
        }
        self.implied.iter().any(|(from, grants)| {
            grants
                .matches(scope)
                .and_then(|bound| from.fill(&bound))
                .is_some_and(|source| {
                    source != scope && self.allows_within(caller, &source, steps - 1)
                })
        })
    }

    /// The first of `required` that `caller` may not use, if any.
    pub fn first_missing<'a>(&self, caller: &impl Caller, required: &[&'a str]) -> Option<&'a str> {
        required
            .iter()
            .copied()
            .find(|scope| !self.allows(caller, scope))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Scopes(&'static [&'static str]);

    impl Caller for Scopes {
        fn has_scope(&self, scope: &str) -> bool {
            self.0.contains(&scope)
        }
    }

    fn rules() -> ScopeRules {
        ScopeRules::new(Some("*"), &[("{object}:write", "{object}:read")])
    }

    #[test]
    fn exact_scopes_are_allowed() {
        let caller = Scopes(&["things:read"]);
        assert!(rules().allows(&caller, "things:read"));
        assert!(!rules().allows(&caller, "things:write"));
        assert!(!rules().allows(&caller, "widgets:read"));
    }

    #[test]
    fn the_wildcard_grants_everything() {
        let caller = Scopes(&["*"]);
        assert!(rules().allows(&caller, "anything:write"));
        let no_wildcard = ScopeRules::new(None, &[]);
        assert!(!no_wildcard.allows(&caller, "anything:write"));
    }

    #[test]
    fn write_implies_read_but_not_the_reverse() {
        let writer = Scopes(&["things:write"]);
        assert!(rules().allows(&writer, "things:read"));
        assert!(!rules().allows(&writer, "widgets:read"));
        let reader = Scopes(&["things:read"]);
        assert!(!rules().allows(&reader, "things:write"));
    }

    #[test]
    fn a_placeholder_matches_exactly_one_segment() {
        let caller = Scopes(&["a:b:write"]);
        // `{object}` cannot stand for `a:b`, so `a:b:read` is not granted by `a:b:write`.
        assert!(!rules().allows(&caller, "a:b:read"));
        assert!(!rules().allows(&Scopes(&[":write"]), ":read"));
    }

    #[test]
    fn rules_chain_and_cycles_end() {
        let rules = ScopeRules::new(
            None,
            &[
                ("{o}:admin", "{o}:write"),
                ("{o}:write", "{o}:read"),
                ("{o}:read", "{o}:write"),
            ],
        );
        assert!(rules.allows(&Scopes(&["x:admin"]), "x:read"));
        assert!(!rules.allows(&Scopes(&["y:admin"]), "x:read"));
        // The read/write cycle must not loop forever.
        assert!(!rules.allows(&Scopes(&[]), "x:read"));
    }

    #[test]
    fn literals_inside_a_segment_and_repeated_placeholders() {
        let rules = ScopeRules::new(None, &[("{o}_all:{o}", "{o}:read")]);
        assert!(rules.allows(&Scopes(&["team_all:team"]), "team:read"));
        let template = Template::parse("{o}_all:{o}");
        assert!(template.matches("team_all:other").is_none());
        assert_eq!(
            template.matches("my_team_all:my_team"),
            Some(vec![("o".to_owned(), "my_team".to_owned())])
        );
    }

    #[test]
    fn reports_the_first_missing_scope() {
        let caller = Scopes(&["a:write"]);
        assert_eq!(
            rules().first_missing(&caller, &["a:read", "b:read", "c:read"]),
            Some("b:read")
        );
        assert_eq!(rules().first_missing(&caller, &["a:read"]), None);
        assert_eq!(rules().first_missing(&caller, &[]), None);
    }

    #[test]
    fn reads_bearer_keys() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_key(&headers), None);
        for (value, key) in [
            ("Bearer abc", Some("abc")),
            ("bearer  abc ", Some("abc")),
            ("Basic abc", None),
            ("Bearer ", None),
            ("Bearer", None),
        ] {
            headers.insert(AUTHORIZATION, value.parse().expect("a valid header value"));
            assert_eq!(bearer_key(&headers), key, "{value:?}");
        }
    }
}
