//! Credentials: what a client holds for each of its API's security schemes ([`Credential`]), what an operation
//! accepts ([`AuthRequirement`]), and which credential a request sends: the first scheme the operation accepts
//! for which the client holds one.
//!
//! Every credential is turned into its header or query pair once, when the client is built; header values are
//! marked sensitive (so `http`'s `Debug` hides them), and no `Debug` of this module shows a secret.

use super::super::{AuthScheme, SecurityScheme};
use base64::Engine as _;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};
use std::fmt;

/// A credential for one security scheme, given with
/// [`ClientBuilder::credential`](super::ClientBuilder::credential).
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A bearer token or an API key. For a basic scheme it is the user name with an empty password, as Stripe
    /// takes its secret key.
    Key(String),
    /// A user name and password for a basic scheme (`None`: an empty password).
    Basic {
        /// The user name.
        user: String,
        /// The password, if any.
        password: Option<String>,
    },
}

impl Credential {
    /// A bearer token or API key.
    pub fn key(key: impl Into<String>) -> Credential {
        Credential::Key(key.into())
    }

    /// A user name and optional password.
    pub fn basic(user: impl Into<String>, password: Option<&str>) -> Credential {
        Credential::Basic {
            user: user.into(),
            password: password.map(str::to_owned),
        }
    }

    /// The text of an environment variable for a scheme: `user` or `user:password` for basic schemes, the key
    /// otherwise.
    pub(super) fn from_env(scheme: AuthScheme, text: &str) -> Credential {
        match (scheme, text.split_once(':')) {
            (AuthScheme::Basic, Some((user, password))) => Credential::basic(user, Some(password)),
            (AuthScheme::Basic, None) => Credential::basic(text, None),
            _ => Credential::key(text),
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Secrets never show; the user name of a basic credential may be one too (Stripe's key).
        match self {
            Credential::Key(_) => f.write_str("Credential::Key(<redacted>)"),
            Credential::Basic { password, .. } => write!(
                f,
                "Credential::Basic {{ user: <redacted>, password: {} }}",
                if password.is_some() {
                    "<redacted>"
                } else {
                    "None"
                }
            ),
        }
    }
}

/// Which credentials an operation sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthRequirement {
    /// The API's default schemes ([`BuildClient::DEFAULT_SCHEMES`](super::BuildClient::DEFAULT_SCHEMES)).
    Default,
    /// None: the operation is open to anyone.
    None,
    /// One of these schemes (by the spec's names), in order of preference.
    AnyOf(&'static [&'static str]),
}

/// A credential as it goes into a request.
#[derive(Clone)]
pub(super) enum Ready {
    /// A header (`Authorization` or the API key's), its value marked sensitive.
    Header(HeaderName, HeaderValue),
    /// A query parameter, added to the URL after hooks ran.
    Query(&'static str, String),
}

/// The credentials a client holds, one per scheme at most, in the API's order of schemes.
#[derive(Clone, Default)]
pub(super) struct Credentials {
    held: Vec<(&'static str, Ready)>,
    defaults: &'static [&'static str],
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Which schemes have a credential, never what it is.
        let names: Vec<&str> = self.held.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Credentials")
            .field("schemes", &names)
            .finish()
    }
}

/// What a [`ClientBuilder`](super::ClientBuilder) was given, from the least to the most specific.
#[derive(Clone, Default)]
pub(super) struct Given {
    /// `api_key`: every bearer and API-key scheme (and, as its user name, every basic one only when the API has
    /// no other scheme: Stripe's key).
    pub(super) api_key: Option<String>,
    /// `bearer_token`: every bearer scheme.
    pub(super) bearer: Option<String>,
    /// `basic_auth`: every basic scheme.
    pub(super) basic: Option<(String, Option<String>)>,
    /// `credential` and `read_env`: one scheme each, by name; a later one replaces an earlier one.
    pub(super) by_scheme: Vec<(String, Credential)>,
}

impl Given {
    /// Whether any credential was given.
    pub(super) fn is_empty(&self) -> bool {
        self.api_key.is_none()
            && self.bearer.is_none()
            && self.basic.is_none()
            && self.by_scheme.is_empty()
    }
}

impl Credentials {
    /// Resolves what was given against the API's schemes; an unknown scheme name or a credential of the wrong
    /// kind is an error naming it.
    pub(super) fn resolve(
        schemes: &'static [SecurityScheme],
        defaults: &'static [&'static str],
        given: &Given,
    ) -> Result<Credentials, String> {
        for (name, _) in &given.by_scheme {
            if SecurityScheme::find(schemes, name).is_none() {
                let known: Vec<&str> = schemes.iter().map(|s| s.name).collect();
                return Err(format!(
                    "a credential was given for the security scheme `{name}`, which the API does not have (it has: {})",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ));
            }
        }
        let only_basic = schemes.iter().all(|s| s.scheme == AuthScheme::Basic);
        let mut held = Vec::new();
        for scheme in schemes {
            let explicit = given
                .by_scheme
                .iter()
                .rev()
                .find(|(name, _)| name == scheme.name)
                .map(|(_, credential)| credential.clone());
            let credential = explicit.or_else(|| match scheme.scheme {
                AuthScheme::Bearer => given
                    .bearer
                    .clone()
                    .or_else(|| given.api_key.clone())
                    .map(Credential::Key),
                AuthScheme::Basic => match &given.basic {
                    Some((user, password)) => Some(Credential::Basic {
                        user: user.clone(),
                        password: password.clone(),
                    }),
                    None if only_basic => given.api_key.clone().map(Credential::Key),
                    None => None,
                },
                AuthScheme::ApiKeyHeader(_) | AuthScheme::ApiKeyQuery(_) => {
                    given.api_key.clone().map(Credential::Key)
                }
            });
            if let Some(credential) = credential {
                held.push((scheme.name, ready(scheme, credential)?));
            }
        }
        Ok(Credentials { held, defaults })
    }

    /// The credential to send for an operation: that of the first accepted scheme the client holds one for.
    pub(super) fn choose(&self, requirement: AuthRequirement) -> Option<&Ready> {
        let accepted = match requirement {
            AuthRequirement::None => return None,
            // No defaults named: every scheme of the API, in its order.
            AuthRequirement::Default if self.defaults.is_empty() => {
                return self.held.first().map(|(_, ready)| ready)
            }
            AuthRequirement::Default => self.defaults,
            AuthRequirement::AnyOf(names) => names,
        };
        accepted.iter().find_map(|name| {
            self.held
                .iter()
                .find(|(held, _)| held == name)
                .map(|(_, ready)| ready)
        })
    }

    /// Whether the client holds any credential (for `Debug`).
    pub(super) fn any(&self) -> bool {
        !self.held.is_empty()
    }

    /// The query parameters credentials travel in, to strip from URLs that error messages quote.
    pub(super) fn query_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.held.iter().filter_map(|(_, ready)| match ready {
            Ready::Query(name, _) => Some(*name),
            Ready::Header(..) => None,
        })
    }
}

/// The header or query pair of `credential` for `scheme`.
fn ready(scheme: &SecurityScheme, credential: Credential) -> Result<Ready, String> {
    let cannot = |what: &str| {
        format!(
            "the credential of the security scheme `{}` contains characters {what} cannot carry",
            scheme.name
        )
    };
    let header = |name: HeaderName, text: String| {
        let mut value = HeaderValue::from_str(&text).map_err(|_| cannot("a header"))?;
        value.set_sensitive(true);
        Ok(Ready::Header(name, value))
    };
    match (scheme.scheme, credential) {
        (AuthScheme::Bearer, Credential::Key(key)) => {
            header(AUTHORIZATION, format!("Bearer {key}"))
        }
        (AuthScheme::Basic, credential) => {
            let (user, password) = match credential {
                Credential::Key(key) => (key, None),
                Credential::Basic { user, password } => (user, password),
            };
            let pair = format!("{user}:{}", password.unwrap_or_default());
            let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
            header(AUTHORIZATION, format!("Basic {encoded}"))
        }
        (AuthScheme::ApiKeyHeader(name), Credential::Key(key)) => {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                format!("the security scheme `{}` names the header {name:?}, which is not a valid header name", scheme.name)
            })?;
            header(name, key)
        }
        (AuthScheme::ApiKeyQuery(name), Credential::Key(key)) => Ok(Ready::Query(name, key)),
        (_, Credential::Basic { .. }) => Err(format!(
            "the security scheme `{}` takes a key, not a user name and password",
            scheme.name
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SCHEMES: [SecurityScheme; 4] = [
        SecurityScheme::new("basic", AuthScheme::Basic),
        SecurityScheme::new("bearer", AuthScheme::Bearer),
        SecurityScheme::new("header", AuthScheme::ApiKeyHeader("X-API-Key")),
        SecurityScheme::new("query", AuthScheme::ApiKeyQuery("api_key")),
    ];

    fn shown(ready: Option<&Ready>) -> Option<String> {
        ready.map(|ready| match ready {
            Ready::Header(name, value) => format!("{name}: {}", value.to_str().unwrap_or("?")),
            Ready::Query(name, value) => format!("?{name}={value}"),
        })
    }

    #[test]
    fn an_api_key_serves_every_key_scheme_and_the_first_accepted_wins() {
        let given = Given {
            api_key: Some("k".into()),
            ..Given::default()
        };
        let held = Credentials::resolve(&SCHEMES, &["basic", "bearer"], &given).unwrap();
        // Basic has no credential (the API has other schemes), so the default sends the bearer token.
        assert_eq!(
            shown(held.choose(AuthRequirement::Default)).as_deref(),
            Some("authorization: Bearer k")
        );
        assert_eq!(
            shown(held.choose(AuthRequirement::AnyOf(&["query", "header"]))).as_deref(),
            Some("?api_key=k")
        );
        assert_eq!(
            shown(held.choose(AuthRequirement::AnyOf(&["header"]))).as_deref(),
            Some("x-api-key: k")
        );
        assert!(held.choose(AuthRequirement::None).is_none());
        assert!(held.choose(AuthRequirement::AnyOf(&["basic"])).is_none());
        assert_eq!(held.query_names().collect::<Vec<_>>(), ["api_key"]);
    }

    #[test]
    fn basic_credentials_are_base64_and_a_key_is_the_user_name() {
        let given = Given {
            by_scheme: vec![("basic".into(), Credential::key("sk_test_1"))],
            ..Given::default()
        };
        let held = Credentials::resolve(&SCHEMES, &[], &given).unwrap();
        // "sk_test_1:" in base64.
        assert_eq!(
            shown(held.choose(AuthRequirement::Default)).as_deref(),
            Some("authorization: Basic c2tfdGVzdF8xOg==")
        );
        let given = Given {
            basic: Some(("ada".into(), Some("pw".into()))),
            ..Given::default()
        };
        let held = Credentials::resolve(&SCHEMES, &[], &given).unwrap();
        assert_eq!(
            shown(held.choose(AuthRequirement::AnyOf(&["basic"]))).as_deref(),
            Some("authorization: Basic YWRhOnB3")
        );
        assert_eq!(
            Credential::from_env(AuthScheme::Basic, "ada:p:w"),
            Credential::basic("ada", Some("p:w"))
        );
    }

    #[test]
    fn wrong_names_and_kinds_are_refused() {
        let given = Given {
            by_scheme: vec![("nope".into(), Credential::key("k"))],
            ..Given::default()
        };
        let error = Credentials::resolve(&SCHEMES, &[], &given).unwrap_err();
        assert!(
            error.contains("`nope`") && error.contains("basic, bearer"),
            "{error}"
        );
        let given = Given {
            by_scheme: vec![("bearer".into(), Credential::basic("u", None))],
            ..Given::default()
        };
        assert!(Credentials::resolve(&SCHEMES, &[], &given).is_err());
        let given = Given {
            bearer: Some("bad\nkey".into()),
            ..Given::default()
        };
        assert!(Credentials::resolve(&SCHEMES, &[], &given).is_err());
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let text = format!(
            "{:?} {:?}",
            Credential::basic("user-secret", Some("pw-secret")),
            Credential::key("key-secret")
        );
        assert!(!text.contains("secret"), "{text}");
        let given = Given {
            api_key: Some("key-secret".into()),
            ..Given::default()
        };
        let held = Credentials::resolve(&SCHEMES, &[], &given).unwrap();
        assert!(!format!("{held:?}").contains("secret"));
    }
}
