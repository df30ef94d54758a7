//! Authentication and scope checks: [`Authenticate`] (the implementation maps a credential to a caller),
//! [`Credentials`] (what a request sent, for one of the operation's [`SecurityScheme`]s: a bearer token, a basic
//! user and password, an API key in a header or the query), [`Caller`] (what the caller may do) and
//! [`ScopeRules`] (the spec's wildcard and implied-scope rules).
//!
//! The rules are data taken from the spec, not code: a wildcard scope that grants everything, and rules such as
//! `{object}:write` grants `{object}:read`, where `{object}` stands for one `:`-separated segment.

use super::super::{AuthScheme, SecurityScheme};
use axum::http::header::AUTHORIZATION;
use axum::http::HeaderMap;
use base64::Engine as _;
use std::borrow::Cow;
use std::fmt;
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

/// Maps a credential to a caller. Every route that needs credentials calls it before its handler runs.
///
/// An implementation for an API with one kind of key implements [`Authenticate::authenticate`] only; one whose
/// schemes differ (a basic user and password beside a bearer token) implements
/// [`Authenticate::authenticate_with`], which receives the scheme and what was sent.
pub trait Authenticate: Send + Sync + 'static {
    /// Who a valid key belongs to; handlers receive it in their `RequestContext`.
    type Caller: Caller;

    /// The caller owning `key` (the bearer token without the `Bearer ` prefix, or the API key), or `None` for an
    /// unknown key.
    fn authenticate(&self, key: &str) -> impl Future<Output = Option<Self::Caller>> + Send;

    /// The caller `credentials` (sent for `scheme`, one of the operation's schemes) belong to, or `None` when
    /// they are refused. The default hands a key to [`Authenticate::authenticate`]: a bearer token, an API key,
    /// or a basic credential's user name when its password is empty (as Stripe sends its key); a basic
    /// credential with a password is refused.
    fn authenticate_with(
        &self,
        scheme: &SecurityScheme,
        credentials: &Credentials<'_>,
    ) -> impl Future<Output = Option<Self::Caller>> + Send {
        let _ = scheme;
        let key = credentials.key();
        async move {
            match key {
                Some(key) => self.authenticate(key).await,
                None => None,
            }
        }
    }
}

/// What a request sent for one security scheme.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials<'a> {
    /// `Authorization: Bearer <token>`.
    Bearer(&'a str),
    /// `Authorization: Basic <base64 of user:password>`, decoded.
    Basic {
        /// The user name.
        user: String,
        /// The password (empty when none was sent).
        password: String,
    },
    /// An API key from its header or (percent-decoded) query parameter.
    ApiKey(Cow<'a, str>),
}

impl<'a> Credentials<'a> {
    /// The key these credentials amount to: a bearer token, an API key, or the user name of a basic credential
    /// without a password.
    pub fn key(&self) -> Option<&str> {
        match self {
            Credentials::Bearer(key) => Some(key),
            Credentials::ApiKey(key) => Some(key),
            Credentials::Basic { user, password } if password.is_empty() => Some(user),
            Credentials::Basic { .. } => None,
        }
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret: a basic user name may be a key too.
        match self {
            Credentials::Bearer(_) => f.write_str("Credentials::Bearer(<redacted>)"),
            Credentials::Basic { .. } => f.write_str("Credentials::Basic(<redacted>)"),
            Credentials::ApiKey(_) => f.write_str("Credentials::ApiKey(<redacted>)"),
        }
    }
}

/// What a request sent for an operation's schemes.
#[derive(Debug)]
pub enum Presented<'a> {
    /// Nothing for any of them.
    Nothing,
    /// Credentials for this scheme (the first of the operation's for which the request has any).
    Found(&'a SecurityScheme, Credentials<'a>),
    /// Credentials for this scheme that cannot be read (basic credentials that are not base64 of `user:password`).
    Malformed(&'a SecurityScheme),
}

/// The credentials of the first of `schemes` the request has any for, reading the `Authorization` header and
/// the API keys' headers and query parameters (`query` is the raw query string). An empty value counts as none.
pub fn credentials<'a>(
    schemes: &'a [SecurityScheme],
    headers: &'a HeaderMap,
    query: Option<&'a str>,
) -> Presented<'a> {
    for scheme in schemes {
        match scheme.scheme {
            AuthScheme::Bearer => {
                if let Some(key) = bearer_key(headers) {
                    return Presented::Found(scheme, Credentials::Bearer(key));
                }
            }
            AuthScheme::Basic => match basic(headers) {
                Some(Some((user, password))) => {
                    return Presented::Found(scheme, Credentials::Basic { user, password })
                }
                Some(None) => return Presented::Malformed(scheme),
                None => {}
            },
            AuthScheme::ApiKeyHeader(name) => {
                let key = headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::trim)
                    .filter(|key| !key.is_empty());
                if let Some(key) = key {
                    return Presented::Found(scheme, Credentials::ApiKey(Cow::Borrowed(key)));
                }
            }
            AuthScheme::ApiKeyQuery(name) => {
                if let Some(key) = query.and_then(|query| query_key(query, name)) {
                    return Presented::Found(scheme, Credentials::ApiKey(key));
                }
            }
        }
    }
    Presented::Nothing
}

/// The last value of the query parameter `name`, percent-decoded (a client encodes a key's `+`, `/` and `=`).
fn query_key<'q>(query: &'q str, name: &str) -> Option<Cow<'q, str>> {
    form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value)
        .last()
        .filter(|value| !value.is_empty())
}

/// `Authorization: Basic ...` decoded: `None` without one, `Some(None)` when it does not decode to `user:password`.
fn basic(headers: &HeaderMap) -> Option<Option<(String, String)>> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok());
    Some(decoded.and_then(|text| {
        text.split_once(':')
            .map(|(user, password)| (user.to_owned(), password.to_owned()))
            .filter(|(user, _)| !user.is_empty())
    }))
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
    fn reads_the_first_scheme_present() {
        static SCHEMES: [SecurityScheme; 4] = [
            SecurityScheme::new("basic", AuthScheme::Basic),
            SecurityScheme::new("bearer", AuthScheme::Bearer),
            SecurityScheme::new("header", AuthScheme::ApiKeyHeader("X-API-Key")),
            SecurityScheme::new("query", AuthScheme::ApiKeyQuery("api_key")),
        ];
        let mut headers = HeaderMap::new();
        let name = |presented: Presented<'_>| match presented {
            Presented::Found(scheme, credentials) => {
                format!("{} {:?}", scheme.name, credentials.key())
            }
            Presented::Nothing => "nothing".to_owned(),
            Presented::Malformed(scheme) => format!("malformed {}", scheme.name),
        };
        assert_eq!(
            name(credentials(&SCHEMES, &headers, Some("a=1"))),
            "nothing"
        );
        assert_eq!(
            name(credentials(&SCHEMES, &headers, Some("a=1&api_key=k1"))),
            r#"query Some("k1")"#
        );
        assert_eq!(
            name(credentials(&SCHEMES, &headers, Some("api_key="))),
            "nothing"
        );
        headers.insert("x-api-key", "k2".parse().expect("a header value"));
        assert_eq!(
            name(credentials(&SCHEMES, &headers, None)),
            r#"header Some("k2")"#
        );
        headers.insert(AUTHORIZATION, "Bearer t".parse().expect("a header value"));
        assert_eq!(
            name(credentials(&SCHEMES, &headers, None)),
            r#"bearer Some("t")"#
        );
        // "sk_1:" — Stripe's key as the user name.
        headers.insert(
            AUTHORIZATION,
            "Basic c2tfMTo=".parse().expect("a header value"),
        );
        assert_eq!(
            name(credentials(&SCHEMES, &headers, None)),
            r#"basic Some("sk_1")"#
        );
        // "ada:pw": a password, so no key.
        headers.insert(
            AUTHORIZATION,
            "basic YWRhOnB3".parse().expect("a header value"),
        );
        assert_eq!(name(credentials(&SCHEMES, &headers, None)), "basic None");
        for bad in ["Basic !!!", "Basic bm9jb2xvbg==", "Basic OnB3"] {
            headers.insert(AUTHORIZATION, bad.parse().expect("a header value"));
            assert_eq!(
                name(credentials(&SCHEMES, &headers, None)),
                "malformed basic",
                "{bad}"
            );
        }
        let shown = format!(
            "{:?}",
            Credentials::Basic {
                user: "secret".into(),
                password: "secret".into()
            }
        );
        assert!(!shown.contains("secret"));
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
