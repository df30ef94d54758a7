//! The words of the HTTP surface that the client and the server share: how callers authenticate
//! ([`AuthScheme`], [`SecurityScheme`]) and how lists and objects are written in a query string ([`ParamStyle`]).
//! Generated code names them in `static`s, so everything here is `const`-constructible.

/// How a credential travels in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `Authorization: Basic <base64 of user:password>` (RFC 7617). Stripe sends its key as the user name with an
    /// empty password.
    Basic,
    /// An API key in the request header of this name (`X-API-Key`).
    ApiKeyHeader(&'static str),
    /// An API key in the query parameter of this name (`api_key`). The client adds it to the URL last, so no hook,
    /// span, log line or error message sees it; prefer a header where the API allows one, since URLs end up in
    /// proxies' and servers' access logs.
    ApiKeyQuery(&'static str),
}

impl AuthScheme {
    /// Whether the credential goes in the `Authorization` header (bearer and basic).
    pub const fn uses_authorization(self) -> bool {
        matches!(self, AuthScheme::Bearer | AuthScheme::Basic)
    }
}

/// One security scheme of an API, as its spec declares it: the scheme's name (the OpenAPI `securitySchemes` key
/// operations refer to it by), how the credential travels, and the environment variable users keep it in.
///
/// ```
/// use apigen_runtime::{AuthScheme, SecurityScheme};
///
/// static SCHEMES: [SecurityScheme; 2] = [
///     SecurityScheme::new("basicAuth", AuthScheme::Basic).env("STRIPE_API_KEY"),
///     SecurityScheme::new("bearerAuth", AuthScheme::Bearer),
/// ];
/// assert_eq!(SCHEMES[0].env, Some("STRIPE_API_KEY"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecurityScheme {
    /// The spec's name of the scheme (`BearerAuth`, `basicAuth`, `ApiKeyAuth`).
    pub name: &'static str,
    /// How the credential travels.
    pub scheme: AuthScheme,
    /// The environment variable the client's `read_env` reads the credential from; for a basic scheme it holds
    /// `user` or `user:password`.
    pub env: Option<&'static str>,
}

impl SecurityScheme {
    /// A scheme without an environment variable.
    pub const fn new(name: &'static str, scheme: AuthScheme) -> SecurityScheme {
        SecurityScheme {
            name,
            scheme,
            env: None,
        }
    }

    /// The same scheme, read from the environment variable `var` by the client's `read_env`.
    pub const fn env(mut self, var: &'static str) -> SecurityScheme {
        self.env = Some(var);
        self
    }

    /// The scheme named `name` among `schemes`.
    pub fn find<'a>(schemes: &'a [SecurityScheme], name: &str) -> Option<&'a SecurityScheme> {
        schemes.iter().find(|scheme| scheme.name == name)
    }
}

/// How a query parameter that is a list or an object is written. Scalars are always `name=value`. The client
/// writes parameters this way and the server reads them this way (the server's `schema::Style` is this type),
/// so the two always agree.
///
/// | style | a list `[1, 2]` | an object `{"gt": 5}` |
/// |---|---|---|
/// | `Form` (the default) | `a=1&a=2` | `a[gt]=5` |
/// | `Comma` | `a=1,2` | `a[gt]=5` |
/// | `Brackets` | `a[]=1&a[]=2` | `a[gt]=5` |
/// | `DeepObject` | `a[0]=1&a[1]=2` | `a[gt]=5` |
///
/// Objects are always deep objects, nested as deep as needed (`a[b][c]=1`); lists inside objects use `[]` for
/// scalars and indexes for objects (`a[items][0][price]=p`), as forms do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ParamStyle {
    /// Lists as repeated keys, `a=1&a=2` (OpenAPI's exploded `form`, the default).
    #[default]
    Form,
    /// Lists as one comma-separated value, `a=1,2` (OpenAPI's `form` with `explode: false`). Repeated keys add
    /// their items. An item holding a comma cannot be sent this way: the server splits it.
    Comma,
    /// Lists as repeated keys with brackets, `a[]=1&a[]=2`, as Rails and PHP send them. Keys without brackets
    /// (`a=1`) add items too, since clients sending one item often leave the brackets out.
    Brackets,
    /// Objects (maps, structs, tagged unions) as `a[k]=v`, nested as deep as forms are (OpenAPI's `deepObject`);
    /// lists as indexed keys, `a[0]=1`. An object parameter is written this way whatever its style, since no
    /// other way is supported.
    DeepObject,
}
