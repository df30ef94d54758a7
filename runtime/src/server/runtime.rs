//! What every generated handler shares: the [`ServerOptions`], the router's state (the implementation, the error
//! answers, the scope rules), the [`RequestContext`] handed to the implementation, and the steps each handler
//! runs in order: authenticate, check scopes, read the body within its limit, call the implementation with
//! panics caught, render the answer.

use super::super::SecurityScheme;
use super::auth::{credentials, Authenticate, Presented, ScopeRules};
use super::error::{ApiError, ErrorAnswers};
use super::schema::Schema;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures::FutureExt as _;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

/// How the generated router serves requests (the body's limits), and how [`serve`](super::listen::serve) serves
/// connections (the head's limits, shutdown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerOptions {
    /// The largest request body accepted, in bytes; a larger one gets the `payload_too_large` answer (413).
    pub body_limit: usize,
    /// The longest reading a request's whole body may take; a body that trickles in or stops gets a bare `408`
    /// and the connection is closed. `None` waits as long as the client keeps the connection open.
    pub body_read_timeout: Option<Duration>,
    /// [`serve`](super::listen::serve) only: the longest a client may take to send a request's head (its request line
    /// and headers), which is also how long an idle keep-alive connection stays open; then the connection is
    /// closed.
    pub header_read_timeout: Duration,
    /// [`serve`](super::listen::serve) only: the largest request head (request line and headers) in bytes, at least
    /// [`ServerOptions::MIN_HEADER_BYTES`]; a larger one gets `431` and the connection is closed.
    pub max_header_bytes: usize,
    /// [`serve`](super::listen::serve) only: the most header fields a request may have; more get `431`.
    pub max_headers: usize,
    /// [`serve`](super::listen::serve) only: after shutdown is asked for, how long requests in flight may take to
    /// finish before their connections are dropped. `None` waits for them however long they take.
    pub shutdown_grace: Option<Duration>,
    /// The most parts a multipart body may have; more get the `payload_too_large` answer (413).
    pub max_parts: usize,
    /// The largest part of a multipart body, in bytes; a larger one gets the `payload_too_large` answer (413).
    /// `None`: only the body limit applies.
    pub max_part_bytes: Option<usize>,
}

impl ServerOptions {
    /// The default body limit: 1 MiB.
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

    /// The smallest head limit hyper accepts (and every real client's head fits): 8 KiB.
    pub const MIN_HEADER_BYTES: usize = 8 * 1024;

    /// These options with another body limit.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// These options with another body read timeout (`None`: no limit).
    pub fn body_read_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.body_read_timeout = timeout;
        self
    }

    /// These options with another header read (and keep-alive idle) timeout.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// These options with another limit on the size of a request's head.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes;
        self
    }

    /// These options with another limit on the number of header fields.
    pub fn max_headers(mut self, count: usize) -> Self {
        self.max_headers = count;
        self
    }

    /// These options with another grace period for requests in flight at shutdown (`None`: no limit).
    pub fn shutdown_grace(mut self, grace: Option<Duration>) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// These options with another limit on the number of parts of a multipart body.
    pub fn max_parts(mut self, parts: usize) -> Self {
        self.max_parts = parts;
        self
    }

    /// These options with a limit on the size of each part of a multipart body (`None`: the body limit only).
    pub fn max_part_bytes(mut self, bytes: Option<usize>) -> Self {
        self.max_part_bytes = bytes;
        self
    }
}

impl Default for ServerOptions {
    /// A 1 MiB body read within 30 s (a multipart one of at most 100 parts); a head of at most 64 KiB and 100
    /// fields read within 30 s; 30 s for requests in flight at shutdown.
    fn default() -> Self {
        ServerOptions {
            body_limit: Self::DEFAULT_BODY_LIMIT,
            body_read_timeout: Some(Duration::from_secs(30)),
            header_read_timeout: Duration::from_secs(30),
            max_header_bytes: 64 * 1024,
            max_headers: 100,
            shutdown_grace: Some(Duration::from_secs(30)),
            max_parts: 100,
            max_part_bytes: None,
        }
    }
}

/// The router's state: the implementation and what the generated handlers need to answer for it. Only generated
/// code builds and uses it.
pub struct ServerState<T> {
    implementation: T,
    answers: ErrorAnswers,
    scopes: ScopeRules,
    options: ServerOptions,
    schema: &'static Schema,
}

/// The state as the router holds it: one allocation shared by every request.
pub type Shared<T> = Arc<ServerState<T>>;

impl<T> ServerState<T> {
    /// The state of a generated router: the implementation, and the spec's error answers, scope rules and schema.
    pub fn new(
        implementation: T,
        answers: ErrorAnswers,
        scopes: ScopeRules,
        options: ServerOptions,
        schema: &'static Schema,
    ) -> Shared<T> {
        Arc::new(ServerState {
            implementation,
            answers,
            scopes,
            options,
            schema,
        })
    }

    /// The implementation of the API's traits.
    pub fn implementation(&self) -> &T {
        &self.implementation
    }

    /// The API's input schema.
    pub fn schema(&self) -> &'static Schema {
        self.schema
    }

    /// The options the router was built with.
    pub fn options(&self) -> &ServerOptions {
        &self.options
    }

    /// The spec's answer for `error`.
    pub fn error_response(&self, error: &ApiError) -> Response {
        self.answers.render(error)
    }

    /// The spec's error answers.
    pub fn answers(&self) -> &ErrorAnswers {
        &self.answers
    }

    /// The whole request body, refused with `payload_too_large` past the limit. The declared length is checked
    /// first, so an oversized upload is refused before it is read.
    pub async fn read_body(&self, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
        self.read_body_within(headers, body, self.options.body_limit)
            .await
    }

    /// [`ServerState::read_body`] with another limit (an operation's own).
    pub async fn read_body_within(
        &self,
        headers: &HeaderMap,
        body: Body,
        limit: usize,
    ) -> Result<Bytes, ApiError> {
        refuse_declared_length(headers, limit)?;
        match Limited::new(body, limit).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(error) if error.is::<LengthLimitError>() => Err(ApiError::PayloadTooLarge),
            Err(error) => Err(ApiError::validation(
                "parse_error",
                format!("Could not read the request body: {error}"),
            )),
        }
    }

    /// Runs the implementation's future and turns its result into the response. A panic is caught and answered
    /// with a bare `500` (and logged) so that no internals leak and the connection stays usable.
    pub async fn respond<R, F>(&self, call: F) -> Response
    where
        R: IntoResponse,
        F: Future<Output = Result<R, ApiError>>,
    {
        // The future is wrapped where it stands rather than moved into another async block: it holds the whole
        // request context, and every move of it is a copy.
        match AssertUnwindSafe(call).catch_unwind().await {
            Ok(Ok(response)) => {
                let response = response.into_response();
                // An answer the implementation got wrong (a header value, a status outside its range) is the
                // server's fault: the spec's server_error answer, logged.
                match response.extensions().get::<super::answer::Fault>() {
                    Some(fault) => self.error_response(&ApiError::Internal(fault.0.clone())),
                    None => response,
                }
            }
            Ok(Err(error)) => self.error_response(&error),
            Err(panic) => {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                self.error_response(&ApiError::Internal(format!("handler panicked: {message}")))
            }
        }
    }
}

impl<T: Authenticate> ServerState<T> {
    /// The caller of a request that needs credentials (a bearer token), after checking it holds every scope of
    /// `required`.
    pub async fn authorize(
        &self,
        headers: &HeaderMap,
        required: &[&str],
    ) -> Result<T::Caller, ApiError> {
        self.authorize_with(headers, None, &[], required)
            .await
            .map(|(caller, _)| caller)
    }

    /// The caller of a request that needs credentials, read for the first of `schemes` the request has any for
    /// (`query` is the raw query string; no schemes: a bearer token), after checking it holds every scope of
    /// `required`; with the name of the query parameter the key came in, if it came in one. Nothing sent is
    /// `unauthenticated`, credentials refused (or unreadable) are `invalid_credentials`.
    pub async fn authorize_with(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
        schemes: &[SecurityScheme],
        required: &[&str],
    ) -> Result<(T::Caller, Option<&'static str>), ApiError> {
        let schemes = if schemes.is_empty() {
            &BEARER[..]
        } else {
            schemes
        };
        let (scheme, presented) = match credentials(schemes, headers, query) {
            Presented::Nothing => return Err(ApiError::Unauthenticated),
            Presented::Malformed(_) => return Err(ApiError::InvalidCredentials),
            Presented::Found(scheme, presented) => (scheme, presented),
        };
        let caller = self
            .implementation
            .authenticate_with(scheme, &presented)
            .await
            .ok_or(ApiError::InvalidCredentials)?;
        match self.scopes.first_missing(&caller, required) {
            Some(scope) => Err(ApiError::MissingScope(scope.to_owned())),
            None => Ok((caller, query_name(scheme))),
        }
    }

    /// The caller of a request to a route open to anyone (a bearer token): `None` without a key or with an
    /// unknown one.
    pub async fn identify(&self, headers: &HeaderMap) -> Option<T::Caller> {
        self.identify_with(headers, None, &[]).await.0
    }

    /// [`ServerState::identify`] for the first of `schemes` the request has credentials for, with the query
    /// parameter the key came in.
    pub async fn identify_with(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
        schemes: &[SecurityScheme],
    ) -> (Option<T::Caller>, Option<&'static str>) {
        let schemes = if schemes.is_empty() {
            &BEARER[..]
        } else {
            schemes
        };
        match credentials(schemes, headers, query) {
            Presented::Found(scheme, presented) => {
                let caller = self
                    .implementation
                    .authenticate_with(scheme, &presented)
                    .await;
                let via = caller.as_ref().and(query_name(scheme));
                (caller, via)
            }
            Presented::Nothing | Presented::Malformed(_) => (None, None),
        }
    }
}

/// A bearer token: what an operation described without schemes accepts.
static BEARER: [SecurityScheme; 1] = [SecurityScheme::new(
    "BearerAuth",
    super::super::AuthScheme::Bearer,
)];

/// The query parameter a scheme's key travels in, if it does.
fn query_name(scheme: &SecurityScheme) -> Option<&'static str> {
    match scheme.scheme {
        super::super::AuthScheme::ApiKeyQuery(name) => Some(name),
        _ => None,
    }
}

/// In a request's extensions: the query parameter its API key came in, which absolute URLs leave out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryCredential(pub &'static str);

/// `payload_too_large` for a body whose declared length is over `limit`, so an oversized upload is refused
/// before it is read.
pub(super) fn refuse_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(())
}

/// The router's fallback for paths no operation has: the `not_found` answer.
pub async fn not_found<T: Send + Sync + 'static>(State(state): State<Shared<T>>) -> Response {
    state.error_response(&ApiError::NotFound)
}

/// The router's fallback for a known path with another method: the `method_not_allowed` answer (axum adds the
/// `Allow` header).
pub async fn method_not_allowed<T: Send + Sync + 'static>(
    State(state): State<Shared<T>>,
    method: Method,
) -> Response {
    state.error_response(&ApiError::MethodNotAllowed(method.to_string()))
}

/// A status code from the spec; the spec only holds valid codes, so the fallback is never used.
pub fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// What the implementation learns about a request besides its typed inputs: the caller and the request head.
#[derive(Debug)]
pub struct RequestContext<C> {
    caller: C,
    parts: Parts,
}

impl<C> RequestContext<C> {
    /// A context for `caller` and the request head `parts` (the generated handlers build it; tests may too).
    pub fn new(caller: C, parts: Parts) -> Self {
        RequestContext { caller, parts }
    }

    /// The authenticated caller (for routes open to anyone, `Option` of it).
    pub fn caller(&self) -> &C {
        &self.caller
    }

    /// The caller, by value.
    pub fn into_caller(self) -> C {
        self.caller
    }

    /// The request's method.
    pub fn method(&self) -> &Method {
        &self.parts.method
    }

    /// The request's URI as received (usually path and query only).
    pub fn uri(&self) -> &Uri {
        &self.parts.uri
    }

    /// The request's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.parts.headers
    }

    /// The request head, with extensions set by middleware.
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The request's id: the client's `X-Request-Id` when it sent a sane one, else the one the router made; the
    /// answer echoes it. `None` only for a context built outside the router.
    pub fn request_id(&self) -> Option<&str> {
        self.parts
            .extensions
            .get::<super::trace::RequestId>()
            .map(super::trace::RequestId::as_str)
    }

    /// The absolute URL of this request, as the client addressed it: the URI's own scheme and authority when it
    /// has them, else `http` and the `Host` header (`localhost` without one). An API key the request sent in the
    /// query is left out, so links built from it never carry the key.
    pub fn absolute_url(&self) -> String {
        let url = self.raw_absolute_url();
        match self.parts.extensions.get::<QueryCredential>() {
            Some(QueryCredential(name)) => without_param(&url, name),
            None => url,
        }
    }

    fn raw_absolute_url(&self) -> String {
        let uri = &self.parts.uri;
        let scheme = uri.scheme_str().unwrap_or("http");
        let host = uri
            .authority()
            .map(|a| a.as_str())
            .or_else(|| {
                self.parts
                    .headers
                    .get(axum::http::header::HOST)
                    .and_then(|h| h.to_str().ok())
            })
            .unwrap_or("localhost");
        let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
        format!("{scheme}://{host}{path_and_query}")
    }

    /// [`absolute_url`](Self::absolute_url) with the query parameter `name` set to `value` (or removed for
    /// `None`). The other parameters are kept, sorted by name, so links are stable (as Django REST framework's).
    pub fn absolute_url_with_query(&self, name: &str, value: Option<&str>) -> String {
        let url = self.absolute_url();
        let (base, query) = url.split_once('?').unwrap_or((&url, ""));
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k != name)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some(value) = value {
            pairs.push((name.to_owned(), value.to_owned()));
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        if pairs.is_empty() {
            return base.to_owned();
        }
        let query = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        format!("{base}?{query}")
    }
}

/// `url` without the query parameter `name` (the other pairs kept in order, re-encoded).
fn without_param(url: &str, name: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_owned();
    };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != name)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if pairs.is_empty() {
        return base.to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    format!("{base}?{query}")
}

#[cfg(test)]
mod tests {
    use super::super::super::ErrorKind;
    use super::super::auth::Caller;
    use super::super::error::ErrorAnswer;
    use super::*;
    use axum::http::Request;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt as _;

    struct Key(&'static str);

    impl Caller for Key {
        fn has_scope(&self, scope: &str) -> bool {
            self.0 == scope
        }
    }

    struct Keys;

    impl Authenticate for Keys {
        type Caller = Key;

        async fn authenticate(&self, key: &str) -> Option<Key> {
            match key {
                "reader" => Some(Key("things:read")),
                "writer" => Some(Key("things:write")),
                _ => None,
            }
        }
    }

    static EMPTY: Schema = Schema { types: &[] };

    fn state(limit: usize) -> Shared<Keys> {
        ServerState::new(
            Keys,
            ErrorAnswers::new(vec![ErrorAnswer {
                kind: ErrorKind::MissingScope,
                status: 403,
                body: serde_json::json!({"missing": "{scope}"}),
            }]),
            ScopeRules::new(None, &[("{o}:write", "{o}:read")]),
            ServerOptions::default().body_limit(limit),
            &EMPTY,
        )
    }

    fn headers(key: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(key) = key {
            let value = format!("Bearer {key}");
            headers.insert(
                axum::http::header::AUTHORIZATION,
                value.parse().expect("a header value"),
            );
        }
        headers
    }

    fn run<F: Future>(future: F) -> F::Output {
        futures::executor::block_on(future)
    }

    #[test]
    fn authorize_checks_key_then_scopes() {
        let state = state(10);
        let authorize = |key, scopes: &'static [&'static str]| {
            run(state.authorize(&headers(key), scopes)).map(|caller| caller.0)
        };
        assert_eq!(authorize(None, &[]), Err(ApiError::Unauthenticated));
        assert_eq!(
            authorize(Some("nobody"), &[]),
            Err(ApiError::InvalidCredentials)
        );
        assert_eq!(
            authorize(Some("reader"), &["things:read"]),
            Ok("things:read")
        );
        assert_eq!(
            authorize(Some("writer"), &["things:read"]),
            Ok("things:write")
        );
        assert_eq!(
            authorize(Some("reader"), &["things:write"]),
            Err(ApiError::MissingScope("things:write".into()))
        );
        assert!(run(state.identify(&headers(Some("nobody")))).is_none());
        assert!(run(state.identify(&headers(Some("reader")))).is_some());
    }

    #[test]
    fn bodies_over_the_limit_are_refused() {
        let state = state(4);
        let read = |declared: Option<&str>, body: &'static str| {
            let mut headers = HeaderMap::new();
            if let Some(n) = declared {
                headers.insert(
                    axum::http::header::CONTENT_LENGTH,
                    n.parse().expect("a header value"),
                );
            }
            run(state.read_body(&headers, Body::from(body)))
        };
        assert_eq!(read(None, "1234"), Ok(Bytes::from_static(b"1234")));
        assert_eq!(read(None, "12345"), Err(ApiError::PayloadTooLarge));
        assert_eq!(read(Some("5"), ""), Err(ApiError::PayloadTooLarge));
    }

    #[test]
    fn panics_become_bare_500s() {
        let state = state(4);
        let response = run(state.respond(async {
            if state.options.body_limit > 0 {
                panic!("secret");
            }
            Ok::<_, ApiError>(StatusCode::OK)
        }));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = run(axum::body::to_bytes(response.into_body(), 100)).expect("in memory");
        assert!(body.is_empty());
        let response =
            run(state.respond(async { Err::<StatusCode, _>(ApiError::MissingScope("s".into())) }));
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn fallbacks_answer_404_and_405() {
        let app = Router::new()
            .route("/things", get(|| async { "ok" }))
            .fallback(not_found::<Keys>)
            .method_not_allowed_fallback(method_not_allowed::<Keys>)
            .with_state(state(4));
        let call = |method: &str, path: &str| {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .body(Body::empty())
                .expect("a valid request");
            run(app.clone().oneshot(request)).expect("the router never fails")
        };
        assert_eq!(call("GET", "/things").status(), StatusCode::OK);
        assert_eq!(call("GET", "/nothing").status(), StatusCode::NOT_FOUND);
        let response = call("DELETE", "/things");
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()[axum::http::header::ALLOW], "GET,HEAD");
    }

    fn context(uri: &str, host: Option<&str>) -> RequestContext<()> {
        let mut request = Request::builder().uri(uri);
        if let Some(host) = host {
            request = request.header("host", host);
        }
        let (parts, ()) = request.body(()).expect("a valid request").into_parts();
        RequestContext::new((), parts)
    }

    #[test]
    fn builds_absolute_urls_from_the_host() {
        let ctx = context("/api/items/?search=a%20b&page=2", Some("127.0.0.1:8010"));
        assert_eq!(
            ctx.absolute_url(),
            "http://127.0.0.1:8010/api/items/?search=a%20b&page=2"
        );
        assert_eq!(
            ctx.absolute_url_with_query("page", Some("3")),
            "http://127.0.0.1:8010/api/items/?page=3&search=a+b"
        );
        assert_eq!(
            ctx.absolute_url_with_query("page", None),
            "http://127.0.0.1:8010/api/items/?search=a+b"
        );
        let bare = context("/api/items/?page=2", None);
        assert_eq!(
            bare.absolute_url_with_query("page", None),
            "http://localhost/api/items/"
        );
        let absolute = context("https://example.com/x", Some("ignored"));
        assert_eq!(absolute.absolute_url(), "https://example.com/x");
    }
}
