//! The client's runtime (feature `client`): configuration, the one request executor all operations share, retries,
//! errors, pagination.
//!
//! Generated operation code stays small: it names its [`Operation`] (method, path template, idempotency), passes
//! the path parameter values, query pairs and JSON body bytes to [`Runtime::send`], and decodes the answer by
//! status. Everything else (URL building with per-segment percent-encoding, the bearer key, timeouts, retries with
//! backoff and `Retry-After`, same-origin checks on pagination links) lives here, written and tested once. The code
//! is generic only over the API's error body type `B`, which is one type per generated crate.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use futures_util::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, RETRY_AFTER,
    USER_AGENT,
};
pub use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::field::Empty;
use tracing::Instrument as _;

// The method of an operation; re-exported so generated code and callers find it beside `Operation`.
pub use super::HttpMethod;
// The three-state body fields' type, for the generated builders' setters.
pub use super::Nullable;

mod hook;
mod request;

pub use hook::{CallInfo, Hook, HookError, HookRequest, HookResponse};
pub use request::{Request, RequestOptions};

/// The idempotency header a key supplied with [`RequestOptions::idempotency_key`] is sent in when the operation
/// names none: the name Stripe's and most other APIs' idempotency support uses.
pub const DEFAULT_IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

/// How many redirects the client the runtime builds follows in one attempt (reqwest's own default).
const MAX_REDIRECTS: usize = 10;

/// How many characters of an undecodable body an error keeps: enough to recognise an HTML error page or a
/// truncated document, small enough for a log line.
const SNIPPET_CHARS: usize = 200;

/// Characters a path parameter may keep as they are: RFC 3986's unreserved set plus `@` and `:`, which are legal
/// in a path segment and read better unencoded (`/projects/@current/`). Everything else, including `/`, `?`, `#`,
/// `%`, `;`, `+` and every non-ASCII byte, is percent-encoded so a value always stays one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@')
    .remove(b':');

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/// Decodes the body of an error answer. Each generated API implements it for its enum of error models.
pub trait ErrorBody: fmt::Debug + fmt::Display + Sized {
    /// Decodes `body` into the first error model it fits, or keeps it as text; never fails.
    fn decode(body: &[u8]) -> Self;
}

/// Everything a call can fail with. `B` is the API's decoded error body (the generated `ApiErrorBody`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B> {
    /// The request could not be sent or its answer not read: connection refused or reset, DNS, TLS.
    Transport {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// What reqwest reported.
        source: reqwest::Error,
    },
    /// No complete answer arrived within the configured timeout.
    Timeout {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// What reqwest reported.
        source: reqwest::Error,
    },
    /// The server answered with a status the operation does not document as a success.
    Api(Box<ApiError<B>>),
    /// The answer's body is not what the operation documents.
    Decode {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// The answer's status.
        status: StatusCode,
        /// Where and why decoding failed (`results[2].id: invalid length`).
        message: String,
        /// The first characters of the body.
        snippet: String,
    },
    /// The arguments cannot make a valid request (a required body field is missing, a path parameter is empty or
    /// is `.` or `..`, which no URL can carry as a segment).
    InvalidRequest {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The client could not be configured (bad base URL, missing environment variable, bad header value).
    Config {
        /// What is wrong.
        message: String,
    },
    /// Pagination stopped rather than follow a `next` link to another scheme, host or port (the API key is only
    /// ever sent to the configured base URL), or a link that is malformed or points at the page just read.
    PageRefused {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// The link as the server sent it.
        url: String,
        /// Why it was not followed.
        reason: &'static str,
    },
    /// The server redirected to another scheme, host or port than the base URL. The client the runtime builds
    /// does not follow such a redirect (the request, with its key, never goes there); a client of your own
    /// ([`ClientBuilder::http_client`]) may have followed it, and its answer is refused all the same: it is not
    /// the API's.
    RedirectRefused {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// Where the redirect led (the answer's URL, or the `Location` that was not followed).
        url: String,
    },
    /// A [`Hook`] refused to let the request go out (nothing was sent).
    Hook {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// What the hook reported.
        source: HookError,
    },
}

/// An answer with a status the operation does not document as a success, with its decoded body.
#[derive(Debug)]
pub struct ApiError<B> {
    /// The operation, as `resource.method`.
    pub operation: &'static str,
    /// The answer's status (compare with a number: `error.status == 404`).
    pub status: StatusCode,
    /// The decoded body: one of the API's error models, or the raw text.
    pub body: B,
    /// The answer's headers (request ids, `Retry-After`, ...).
    pub headers: HeaderMap,
}

impl<B> Error<B> {
    /// The operation that failed, as `resource.method` (`None` for configuration errors).
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Decode { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::PageRefused { operation, .. }
            | Error::RedirectRefused { operation, .. }
            | Error::Hook { operation, .. } => Some(operation),
            Error::Api(e) => Some(e.operation),
            Error::Config { .. } => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error answer, if the server sent one.
    pub fn api_error(&self) -> Option<&ApiError<B>> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The decoded error body, if the server sent an error answer.
    pub fn api_body(&self) -> Option<&B> {
        self.api_error().map(|e| &e.body)
    }

    /// True if the call ran out of time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }
}

impl<B: fmt::Display> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, source } => {
                write!(f, "{operation}: the request failed: {source}")
            }
            Error::Timeout { operation, .. } => {
                write!(f, "{operation}: no answer within the timeout")
            }
            Error::Api(e) => write!(
                f,
                "{}: the server answered {}: {}",
                e.operation, e.status, e.body
            ),
            Error::Decode {
                operation,
                status,
                message,
                snippet,
            } => write!(
                f,
                "{operation}: the {status} answer did not decode: {message}; the body starts with: {snippet:?}"
            ),
            Error::InvalidRequest { operation, message } => {
                write!(f, "{operation}: invalid request: {message}")
            }
            Error::Config { message } => write!(f, "invalid client configuration: {message}"),
            Error::PageRefused {
                operation,
                url,
                reason,
            } => write!(
                f,
                "{operation}: refused to follow the next-page link {url:?}: {reason}"
            ),
            Error::RedirectRefused { operation, url } => write!(
                f,
                "{operation}: the server redirected to {url:?}, another scheme, host or port than the base \
                 URL; the answer from there is not the API's and was refused"
            ),
            Error::Hook { operation, source } => {
                write!(f, "{operation}: a hook stopped the request: {source}")
            }
        }
    }
}

impl<B: fmt::Debug + fmt::Display> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } | Error::Timeout { source, .. } => Some(source),
            Error::Hook { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl<B> Error<B> {
    /// A short, fixed name of the error's kind, for the call's span (`status` covers API errors).
    fn label(&self) -> &'static str {
        match self {
            Error::Transport { .. } => "transport",
            Error::Timeout { .. } => "timeout",
            Error::Api(_) => "api",
            Error::Decode { .. } => "decode",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Config { .. } => "config",
            Error::PageRefused { .. } => "page_refused",
            Error::RedirectRefused { .. } => "redirect_refused",
            Error::Hook { .. } => "hook",
        }
    }
}

/// The text of an error answer (lossily decoded): the error body of a client of an API that documents no error
/// models, or of one written by hand.
impl ErrorBody for String {
    fn decode(body: &[u8]) -> Self {
        String::from_utf8_lossy(body).into_owned()
    }
}

/// The first 200 characters of a body (`SNIPPET_CHARS`), lossily decoded, for messages.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.into_owned(),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------------------------

/// When and how often failed calls are tried again.
///
/// A call is retried when the connection fails, or when the server answers `429`, `502`, `503` or `504`; only
/// for operations the spec marks idempotent or calls sent with an idempotency key (the server then acts once
/// whatever the number of attempts), unless [`RetryPolicy::retry_non_idempotent`] is set. A connection
/// that could not be opened is retried for every operation, since nothing was sent. Timeouts are not retried:
/// the timeout is the caller's time budget for one attempt. The wait is the server's `Retry-After` (seconds or an
/// HTTP date) when it sends one, capped at [`RetryPolicy::max_retry_after`]; otherwise exponential backoff with
/// jitter: a random wait between half and all of `initial_backoff × 2^retry`, capped at `max_backoff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// 3 retries, backoff from 200 ms up to 10 s, `Retry-After` honoured up to 30 s, idempotent operations only.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// How many times a call may be retried after its first attempt; `0` turns retries off.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The backoff before the first retry (doubled for each further retry, with jitter).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The longest backoff between two attempts when the server sends no `Retry-After`.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// The longest wait a server's `Retry-After` can impose; a longer one is shortened to this.
    pub fn max_retry_after(mut self, cap: Duration) -> Self {
        self.max_retry_after = cap;
        self
    }

    /// Also retry operations the spec does not mark idempotent (a retried `POST` may then act twice).
    pub fn retry_non_idempotent(mut self, retry: bool) -> Self {
        self.retry_non_idempotent = retry;
        self
    }

    /// The number of retries allowed after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    /// The wait before retry number `retry` (0-based). `retry_after` is the server's hint; `jitter` is a random
    /// number in `[0, 1)` that spreads clients out so they do not all come back at once.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let factor = 2u32.saturating_pow(retry.min(31));
        let ceiling = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        ceiling.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    }
}

/// Parses a `Retry-After` value: a number of seconds, or an HTTP date (a date in the past means now).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // A number too large for u64 is still a number of seconds: saturate rather than ignore it.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

// ---------------------------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------------------------

/// What a generated client tells the runtime about its API.
pub trait BuildClient: Sized {
    /// The API's decoded error body.
    type ErrorBody: ErrorBody;
    /// The base URL used when none is set.
    const DEFAULT_BASE_URL: &'static str;
    /// The environment variable [`ClientBuilder::read_env`] reads the API key from, if the API has one.
    const API_KEY_ENV: Option<&'static str>;
    /// The environment variable [`ClientBuilder::read_env`] reads the base URL from, if the API names one.
    const BASE_URL_ENV: Option<&'static str>;
    /// The default `User-Agent`.
    const USER_AGENT: &'static str;
    /// Wraps a configured runtime.
    fn from_runtime(runtime: Runtime<Self::ErrorBody>) -> Self;
}

/// Configures a client: base URL, API key, timeouts, user agent, retry policy, HTTP client.
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    api_key: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    user_agent: Option<String>,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    hooks: Vec<Arc<dyn Hook>>,
    log_bodies: Option<usize>,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            // The key is a secret: say whether it is set, never what it is.
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("hooks", &self.hooks.len())
            .field("log_bodies", &self.log_bodies)
            .finish_non_exhaustive()
    }
}

impl<C: BuildClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder {
            base_url: None,
            api_key: None,
            timeout: Some(Duration::from_secs(60)),
            connect_timeout: Duration::from_secs(10),
            user_agent: None,
            retry: RetryPolicy::default(),
            http: None,
            hooks: Vec::new(),
            log_bodies: None,
            client: PhantomData,
        }
    }
}

impl<C: BuildClient> ClientBuilder<C> {
    /// A builder with the defaults: the spec's server, no key, a 60 s timeout per attempt, 10 s to connect,
    /// [`RetryPolicy::default`].
    pub fn new() -> Self {
        Self::default()
    }

    /// The base URL (scheme, host, optional port and path prefix), e.g. `https://eu.posthog.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key, sent as `Authorization: Bearer <key>` to the base URL's host only.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The longest one attempt may take, from sending the request to reading the whole answer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Wait for answers as long as they take.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// The longest opening a connection may take (only for the HTTP client this builder creates).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default: the generated crate's name and version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// When and how often to retry ([`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sends requests with this reqwest client (proxies, TLS roots, connection pool settings of your own).
    ///
    /// Whatever its redirect policy, an answer that arrives from another scheme, host or port than the base URL
    /// (a redirect it followed) is refused with [`Error::RedirectRefused`], never returned as the API's answer.
    /// reqwest drops the `Authorization` header when it follows a redirect to another host, so the key does not
    /// go there either; headers of your own or of hooks do, unless the client follows no redirects
    /// (`reqwest::redirect::Policy::none()`) or only same-origin ones, as the client the runtime builds does.
    /// The connect timeout of this builder does not apply to it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Runs `hook` around every attempt of every call (after the hooks added before it): see [`Hook`].
    pub fn hook(mut self, hook: impl Hook) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// Logs the request and answer bodies of every call as `tracing` events at TRACE level, each cut to
    /// `max_bytes`. Off by default: bodies may hold personal data or secrets (a database password, a webhook
    /// signing secret), which is why the runtime logs none unless asked. [`RequestOptions::log_bodies`] sets it
    /// per request.
    pub fn log_bodies(mut self, max_bytes: usize) -> Self {
        self.log_bodies = Some(max_bytes);
        self
    }

    /// Reads the API key and the base URL from the environment variables the spec names (the base URL's
    /// variable is optional); fails if the key's variable is unset or empty.
    pub fn read_env(self) -> Result<Self, Error<C::ErrorBody>> {
        self.read_env_with(|name| std::env::var(name).ok())
    }

    fn read_env_with(
        mut self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error<C::ErrorBody>> {
        if let Some(name) = C::API_KEY_ENV {
            match var(name).filter(|v| !v.trim().is_empty()) {
                Some(key) => self.api_key = Some(key.trim().to_owned()),
                None => {
                    return Err(Error::Config {
                        message: format!(
                            "the environment variable {name} (the API key) is not set"
                        ),
                    })
                }
            }
        }
        if let Some(url) = C::BASE_URL_ENV.and_then(&var) {
            if !url.trim().is_empty() {
                self.base_url = Some(url.trim().to_owned());
            }
        }
        Ok(self)
    }

    /// Checks the configuration and makes the client.
    pub fn build(self) -> Result<C, Error<C::ErrorBody>> {
        let config = |message: String| Error::Config { message };
        let raw_url = self.base_url.as_deref().unwrap_or(C::DEFAULT_BASE_URL);
        let base_url = parse_base_url(raw_url).map_err(config)?;
        let authorization = match &self.api_key {
            Some(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {key}")).map_err(|_| {
                    config("the API key contains characters a header cannot carry".into())
                })?;
                value.set_sensitive(true);
                Some(value)
            }
            None => None,
        };
        let user_agent = HeaderValue::from_str(self.user_agent.as_deref().unwrap_or(C::USER_AGENT))
            .map_err(|_| {
                config("the user agent contains characters a header cannot carry".into())
            })?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .redirect(same_origin_redirects(&base_url))
                .build()
                .map_err(|e| config(format!("the HTTP client could not be created: {e}")))?,
        };
        Ok(C::from_runtime(Runtime {
            inner: Arc::new(Inner {
                base_url,
                authorization,
                user_agent,
                timeout: self.timeout,
                retry: self.retry,
                http,
                hooks: self.hooks,
                log_bodies: self.log_bodies,
            }),
            error_body: PhantomData,
        }))
    }
}

/// The redirect policy of the client the runtime builds: follow a redirect only to the base URL's scheme, host
/// and port, at most [`MAX_REDIRECTS`] times. A redirect elsewhere is not followed; its `3xx` answer then comes
/// back to the executor, which refuses it with [`Error::RedirectRefused`].
fn same_origin_redirects(base_url: &Url) -> reqwest::redirect::Policy {
    let origin = base_url.origin();
    reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if attempt.url().origin() == origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Parses and checks a base URL: http or https, a host, no query or fragment; the path keeps no trailing slash.
fn parse_base_url(raw: &str) -> Result<Url, String> {
    let mut url = Url::parse(raw.trim()).map_err(|e| {
        format!("the base URL {raw:?} is not a URL ({e}); write it like https://example.com")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the base URL {raw:?} must start with http:// or https://"
        ));
    }
    if url.host().is_none() {
        return Err(format!("the base URL {raw:?} has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "the base URL {raw:?} must not have a query or fragment"
        ));
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

// ---------------------------------------------------------------------------------------------------------------
// The executor
// ---------------------------------------------------------------------------------------------------------------

/// The method as reqwest names it.
fn reqwest_method(method: HttpMethod) -> reqwest::Method {
    match method {
        HttpMethod::Get => reqwest::Method::GET,
        HttpMethod::Post => reqwest::Method::POST,
        HttpMethod::Put => reqwest::Method::PUT,
        HttpMethod::Patch => reqwest::Method::PATCH,
        HttpMethod::Delete => reqwest::Method::DELETE,
        HttpMethod::Head => reqwest::Method::HEAD,
        HttpMethod::Options => reqwest::Method::OPTIONS,
    }
}

/// What the runtime needs to know about an operation; generated as a constant per operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// `resource.method`, used in errors.
    pub name: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template below the base URL, parameters in braces: `/api/projects/{project_id}/items/{id}/`.
    pub path: &'static str,
    /// Whether retrying is safe.
    pub idempotent: bool,
    /// Whether the API key is sent.
    pub auth: bool,
    /// Whether the operation takes a JSON body (`{}` is sent when no field was set).
    pub body: bool,
    /// The body fields a request must set (wire names).
    pub required: &'static [&'static str],
    /// Where a paginated list's envelope keeps the next page's URL and the items.
    pub page: Option<PageFields>,
    /// The header the API reads idempotency keys from (`Idempotency-Key`), if the operation accepts one. The
    /// runtime then sends a fresh key (a random UUID) with each call, the same on every retry of it, and retries
    /// the call as if it were idempotent.
    pub idempotency_header: Option<&'static str>,
}

impl Operation {
    /// An operation with credentials, no body, not paginated, idempotent as its method says. Generated code
    /// describes each operation with these `const` steps, in a `static`.
    pub const fn new(name: &'static str, method: HttpMethod, path: &'static str) -> Operation {
        Operation {
            name,
            method,
            path,
            idempotent: method.is_idempotent(),
            auth: true,
            body: false,
            required: &[],
            page: None,
            idempotency_header: None,
        }
    }

    /// Sends a fresh idempotency key in this header with each call (the same on its retries), which makes the
    /// call safe to retry.
    pub const fn idempotency_key(mut self, header: &'static str) -> Operation {
        self.idempotency_header = Some(header);
        self
    }

    /// Whether retrying is safe, when the spec says otherwise than the method.
    pub const fn retry_safe(mut self, idempotent: bool) -> Operation {
        self.idempotent = idempotent;
        self
    }

    /// Sent without credentials.
    pub const fn open(mut self) -> Operation {
        self.auth = false;
        self
    }

    /// Takes a JSON body, of which these fields must be set.
    pub const fn json_body(mut self, required: &'static [&'static str]) -> Operation {
        self.body = true;
        self.required = required;
        self
    }

    /// A paginated list whose envelope has these fields.
    pub const fn paginated(mut self, next: &'static str, results: &'static str) -> Operation {
        self.page = Some(PageFields { next, results });
        self
    }
}

/// The wire names of a page envelope's fields that pagination follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageFields {
    /// The absolute (or relative) URL of the next page; `null` or absent on the last page.
    pub next: &'static str,
    /// The page's items.
    pub results: &'static str,
}

/// A date-time as its RFC 3339 text, the wire form of `datetime` parameters (`Display` would add spaces).
pub fn datetime_text(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// One attempt of a call, as the executor hands it to [`Runtime::attempt`].
struct Attempt<'a> {
    op: Operation,
    url: &'a Url,
    body: Option<&'a [u8]>,
    /// The call's headers before hooks and the key.
    headers: &'a HeaderMap,
    timeout: Option<Duration>,
    /// 1 for the first attempt.
    number: u32,
}

/// Why an attempt brought back no answer to hand to the operation.
enum AttemptError {
    /// reqwest failed: connection, timeout, body.
    Http(reqwest::Error),
    /// A hook refused to send it.
    Hook(HookError),
    /// The answer came from another origin, or redirects there.
    Redirected(String),
}

impl AttemptError {
    fn into_error<B>(self, op: Operation) -> Error<B> {
        let operation = op.name;
        match self {
            AttemptError::Http(source) if source.is_timeout() => {
                Error::Timeout { operation, source }
            }
            AttemptError::Http(source) => Error::Transport { operation, source },
            AttemptError::Hook(source) => Error::Hook { operation, source },
            AttemptError::Redirected(url) => Error::RedirectRefused { operation, url },
        }
    }
}

/// The idempotency header and key of a call: the caller's key if they gave one, else a fresh random UUID if the
/// operation names an idempotency header; the caller's key goes in the operation's header, or
/// [`DEFAULT_IDEMPOTENCY_HEADER`] when it names none.
fn idempotency_key(
    op: Operation,
    options: &RequestOptions,
) -> Result<Option<(HeaderName, HeaderValue)>, String> {
    let key = match (&options.idempotency_key, op.idempotency_header) {
        (Some(key), _) => key.clone(),
        (None, Some(_)) => uuid::Uuid::new_v4().to_string(),
        (None, None) => return Ok(None),
    };
    let name = op.idempotency_header.unwrap_or(DEFAULT_IDEMPOTENCY_HEADER);
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{name}` is not a valid header name"))?;
    let value = HeaderValue::from_str(&key)
        .map_err(|_| format!("the idempotency key {key:?} is not a valid header value"))?;
    Ok(Some((header, value)))
}

/// A duration in milliseconds with microsecond precision, as spans and events record it.
fn milliseconds(duration: Duration) -> f64 {
    duration.as_micros() as f64 / 1000.0
}

/// Logs a body (opted in) at TRACE: its size and at most `cap` bytes of it, cut on a character boundary.
fn log_body(direction: &'static str, body: &[u8], cap: usize) {
    let mut end = body.len().min(cap);
    let text = match std::str::from_utf8(body) {
        Ok(text) => {
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            std::borrow::Cow::Borrowed(&text[..end])
        }
        Err(_) => String::from_utf8_lossy(&body[..end]),
    };
    let cut = if end < body.len() { "…" } else { "" };
    tracing::trace!(direction, bytes = body.len(), body = %format_args!("{text}{cut}"), "body");
}

/// A configured client: shared, cheap to clone. `B` is the API's error body, which every error it returns carries.
pub struct Runtime<B> {
    inner: Arc<Inner>,
    error_body: PhantomData<fn() -> B>,
}

impl<B> Clone for Runtime<B> {
    fn clone(&self) -> Self {
        Runtime {
            inner: Arc::clone(&self.inner),
            error_body: PhantomData,
        }
    }
}

struct Inner {
    base_url: Url,
    authorization: Option<HeaderValue>,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    http: reqwest::Client,
    hooks: Vec<Arc<dyn Hook>>,
    log_bodies: Option<usize>,
}

impl<B> fmt::Debug for Runtime<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("base_url", &self.inner.base_url.as_str())
            .field(
                "api_key",
                &self.inner.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("hooks", &self.inner.hooks.len())
            .finish_non_exhaustive()
    }
}

/// An answer as read from the wire, before the operation decodes it.
#[derive(Debug)]
pub struct RawResponse {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl<B: ErrorBody> Runtime<B> {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Builds an operation's URL: `params` fill the path template's parameters in order, each percent-encoded as
    /// one segment; `query` pairs are form-encoded.
    pub fn url(
        &self,
        op: Operation,
        params: &[&str],
        query: &[(&'static str, String)],
    ) -> Result<Url, Error<B>> {
        let invalid = |message: String| Error::InvalidRequest {
            operation: op.name,
            message,
        };
        let mut path = self.inner.base_url.path().trim_end_matches('/').to_owned();
        let mut values = params.iter();
        for piece in op.path.trim_start_matches('/').split('/') {
            path.push('/');
            let Some(name) = piece.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
                path.extend(utf8_percent_encode(piece, SEGMENT));
                continue;
            };
            let value = values
                .next()
                .ok_or_else(|| invalid(format!("no value for the path parameter `{name}`")))?;
            match *value {
                "" => return Err(invalid(format!("the path parameter `{name}` is empty"))),
                // URL parsers (this one and the server's) drop `.` and `..` segments even when encoded, so the
                // request would reach another resource; refuse instead.
                "." | ".." => {
                    return Err(invalid(format!(
                        "the path parameter `{name}` is {value:?}, which a URL cannot carry as a segment"
                    )))
                }
                value => path.extend(utf8_percent_encode(value, SEGMENT)),
            }
        }
        let mut url = self.inner.base_url.clone();
        url.set_path(&path);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }

    /// Builds the URL and executes the request: an escape hatch for requests no generated builder makes (see
    /// [`Runtime::execute`]).
    pub async fn send(
        &self,
        op: Operation,
        params: &[&str],
        query: &[(&'static str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error<B>> {
        let url = self.url(op, params, query)?;
        self.execute(op, url, body).await
    }

    /// Sends one request, retrying as the policy allows, and reads the whole answer. Any status is returned as a
    /// [`RawResponse`]; only transport failures and timeouts are errors here.
    pub async fn execute(
        &self,
        op: Operation,
        url: Url,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error<B>> {
        self.execute_with(op, url, body, &RequestOptions::default())
            .await
    }

    /// [`Runtime::execute`] with per-request overrides of the timeout, the retry policy, headers, the idempotency
    /// key and body logging.
    ///
    /// The whole call, every attempt included, runs in one `tracing` span named `apigen.call` (INFO level) with
    /// the fields `operation` (`resource.method`), `method`, `route` (the path template), and, once it is over,
    /// `status` (of the last answer), `attempts`, `duration_ms` and, for a call that failed without an answer,
    /// `error` (`transport`, `timeout`, ...). Each retry is a WARN event in it with `attempt` (the one that
    /// failed), `reason` and `delay_ms`. Neither ever holds a header value (so never the API key) or a body;
    /// bodies are TRACE events only when [`ClientBuilder::log_bodies`] or [`RequestOptions::log_bodies`] asks.
    pub async fn execute_with(
        &self,
        op: Operation,
        url: Url,
        body: Option<Vec<u8>>,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error<B>> {
        let span = tracing::info_span!(
            "apigen.call",
            operation = op.name,
            method = op.method.as_str(),
            route = op.path,
            status = Empty,
            attempts = Empty,
            duration_ms = Empty,
            error = Empty,
        );
        let started = Instant::now();
        let mut attempts = 0;
        let outcome = self
            .attempts(op, url, body, options, &mut attempts)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts);
        span.record("duration_ms", milliseconds(started.elapsed()));
        match &outcome {
            Ok(raw) => span.record("status", raw.status.as_u16()),
            Err(e) => span.record("error", e.label()),
        };
        outcome
    }

    /// The attempts of one call, as the policy allows; `attempts` counts them for the span.
    async fn attempts(
        &self,
        op: Operation,
        url: Url,
        body: Option<Vec<u8>>,
        options: &RequestOptions,
        attempts: &mut u32,
    ) -> Result<RawResponse, Error<B>> {
        let invalid = |message| Error::InvalidRequest {
            operation: op.name,
            message,
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        // One key per call, the same on every attempt: that is what lets the server act only once.
        let idempotency = idempotency_key(op, options).map_err(invalid)?;
        if let Some((name, value)) = &idempotency {
            headers.insert(name.clone(), value.clone());
        }
        // After the generated headers, so that a request's own replace them.
        for (name, value) in options.header_values().map_err(invalid)? {
            headers.insert(name, value);
        }
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let log_bodies = options.log_bodies.or(self.inner.log_bodies);
        if let (Some(cap), Some(body)) = (log_bodies, &body) {
            log_body("request", body, cap);
        }
        let retry_safe = op.idempotent || policy.retry_non_idempotent || idempotency.is_some();
        loop {
            *attempts += 1;
            let attempt = Attempt {
                op,
                url: &url,
                body: body.as_deref(),
                headers: &headers,
                timeout,
                number: *attempts,
            };
            let outcome = self.attempt(attempt).await;
            if let (Some(cap), Ok(raw)) = (log_bodies, &outcome) {
                log_body("response", &raw.body, cap);
            }
            let retry = *attempts - 1;
            let reason = match &outcome {
                _ if retry >= policy.max_retries => None,
                Ok(raw) if retry_safe && is_retryable_status(raw.status) => {
                    Some(raw.status.to_string())
                }
                Ok(_) => None,
                // Nothing reached the server when the connection could not be opened: safe for any method.
                Err(AttemptError::Http(e)) if e.is_connect() => {
                    Some(format!("the connection failed: {e}"))
                }
                Err(AttemptError::Http(e))
                    if retry_safe && !e.is_timeout() && (e.is_request() || e.is_body()) =>
                {
                    Some(format!("the request failed: {e}"))
                }
                Err(_) => None,
            };
            let Some(reason) = reason else {
                return outcome.map_err(|e| e.into_error(op));
            };
            let retry_after = outcome.as_ref().ok().and_then(|raw| {
                let value = raw.headers.get(RETRY_AFTER)?.to_str().ok()?;
                parse_retry_after(value, SystemTime::now())
            });
            let delay = policy.delay(retry, retry_after, fastrand::f64());
            tracing::warn!(
                attempt = *attempts,
                reason = %reason,
                delay_ms = milliseconds(delay),
                "retrying"
            );
            tokio::time::sleep(delay).await;
        }
    }

    /// One attempt: the hooks, the key, the request, the whole answer, and the check that it came from the base
    /// URL's origin.
    async fn attempt(&self, attempt: Attempt<'_>) -> Result<RawResponse, AttemptError> {
        let inner = &self.inner;
        let op = attempt.op;
        let info = CallInfo {
            operation: op.name,
            method: op.method,
            route: op.path,
            url: attempt.url,
            attempt: attempt.number,
        };
        let mut headers = attempt.headers.clone();
        for hook in &inner.hooks {
            hook.before_send(&mut HookRequest {
                info,
                headers: &mut headers,
                body: attempt.body,
            })
            .map_err(AttemptError::Hook)?;
        }
        // Last, so no hook sees the key; a request or hook that set its own `Authorization` keeps it.
        if let (true, Some(authorization)) = (op.auth, &inner.authorization) {
            headers
                .entry(AUTHORIZATION)
                .or_insert_with(|| authorization.clone());
        }
        let mut request = inner
            .http
            .request(reqwest_method(op.method), attempt.url.clone())
            .headers(headers);
        if let Some(body) = attempt.body {
            request = request.body(body.to_vec());
        }
        if let Some(timeout) = attempt.timeout {
            request = request.timeout(timeout);
        }
        let started = Instant::now();
        let answer = async {
            let response = request.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            let url = response.url().clone();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>((url, status, headers, body))
        }
        .await;
        let elapsed = started.elapsed();
        for hook in &inner.hooks {
            hook.after_receive(&HookResponse {
                info,
                outcome: match &answer {
                    Ok((_, status, headers, _)) => Ok((*status, headers)),
                    Err(e) => Err(e),
                },
                elapsed,
            });
        }
        let (url, status, headers, body) = answer.map_err(AttemptError::Http)?;
        let origin = inner.base_url.origin();
        // A client of the user's own may have followed a redirect elsewhere: that answer is not the API's.
        if url.origin() != origin {
            return Err(AttemptError::Redirected(url.to_string()));
        }
        // The runtime's own client stops at a redirect elsewhere and hands back the `3xx` itself.
        if status.is_redirection() {
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| url.join(v).ok());
            if let Some(location) = location.filter(|l| l.origin() != origin) {
                return Err(AttemptError::Redirected(location.to_string()));
            }
        }
        Ok(RawResponse {
            operation: op.name,
            status,
            headers,
            body,
        })
    }

    /// Resolves a `next` link against the page it came from and checks it may be followed: same scheme, host and
    /// port as the base URL (so the key never leaves for another origin), and not the page just read.
    pub fn follow(&self, op: Operation, current: &Url, next: &str) -> Result<Url, Error<B>> {
        let refuse = |reason| Error::PageRefused {
            operation: op.name,
            url: next.to_owned(),
            reason,
        };
        let url = current
            .join(next)
            .map_err(|_| refuse("it is not a valid URL"))?;
        if url.origin() != self.inner.base_url.origin() {
            return Err(refuse(
                "it points to another scheme, host or port than the base URL",
            ));
        }
        if url == *current {
            return Err(refuse("it points to the page just read"));
        }
        Ok(url)
    }
}

impl RawResponse {
    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The answer's body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Decodes the body as JSON; a failure names the path to the bad value and keeps a snippet of the body.
    pub fn json<T: DeserializeOwned, B>(&self) -> Result<T, Error<B>> {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if path == "." {
                    inner.to_string()
                } else {
                    format!("at `{path}`: {inner}")
                }
            })
            .and_then(|value| {
                deserializer
                    .end()
                    .map(|()| value)
                    .map_err(|e| e.to_string())
            })
            .map_err(|message| Error::Decode {
                operation: self.operation,
                status: self.status,
                message,
                snippet: snippet(&self.body),
            })
    }

    /// `()` for a success status (any body is ignored: the operation documents none), the API error otherwise.
    pub fn unit<B: ErrorBody>(self) -> Result<(), Error<B>> {
        if self.status.is_success() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// The body decoded as JSON for a success status, the API error otherwise.
    pub fn success_json<T: DeserializeOwned, B: ErrorBody>(self) -> Result<T, Error<B>> {
        if self.status.is_success() {
            self.json()
        } else {
            Err(self.into_error())
        }
    }

    /// Decodes a part of the body (a page's items), already read as JSON, naming the path to a bad value.
    pub fn from_value<T: DeserializeOwned, B>(
        &self,
        value: serde_json::Value,
    ) -> Result<T, Error<B>> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            Error::Decode {
                operation: self.operation,
                status: self.status,
                message: if path == "." {
                    inner.to_string()
                } else {
                    format!("at `{path}`: {inner}")
                },
                snippet: snippet(&self.body),
            }
        })
    }

    /// The answer as an [`Error::Api`], its body decoded into the API's error models.
    pub fn into_error<B: ErrorBody>(self) -> Error<B> {
        Error::Api(Box::new(ApiError {
            operation: self.operation,
            status: self.status,
            body: B::decode(&self.body),
            headers: self.headers,
        }))
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------------------------

/// A stream of pages or items that fetches the next page when the current one is used up.
///
/// Use it as a [`Stream`], or without importing a trait: `while let Some(item) = items.next().await { ... }`,
/// or `items.try_collect().await` for everything at once. The first error ends it.
pub struct Paginator<T, E> {
    inner: BoxStream<'static, Result<T, E>>,
}

impl<T, E> fmt::Debug for Paginator<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator").finish_non_exhaustive()
    }
}

impl<T, E> Paginator<T, E> {
    pub(super) fn from_stream(stream: impl Stream<Item = Result<T, E>> + Send + 'static) -> Self {
        Paginator {
            inner: stream.boxed(),
        }
    }

    /// The next page or item; `None` at the end (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, E>> {
        self.inner.next().await
    }

    /// Everything left, or the first error.
    pub async fn try_collect(self) -> Result<Vec<T>, E> {
        TryStreamExt::try_collect(self.inner).await
    }
}

impl<T, E> Stream for Paginator<T, E> {
    type Item = Result<T, E>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error body of the test client: the text, as an API without error models would have it.
    type Text = String;

    struct TestClient(Runtime<Text>);

    impl BuildClient for TestClient {
        type ErrorBody = Text;
        const DEFAULT_BASE_URL: &'static str = "https://api.example.com";
        const API_KEY_ENV: Option<&'static str> = Some("TEST_KEY");
        const BASE_URL_ENV: Option<&'static str> = Some("TEST_HOST");
        const USER_AGENT: &'static str = "test/1.0";
        fn from_runtime(runtime: Runtime<Text>) -> Self {
            TestClient(runtime)
        }
    }

    type Result<T> = std::result::Result<T, Error<Text>>;

    const GET_ITEM: Operation = Operation {
        name: "items.get",
        method: HttpMethod::Get,
        path: "/api/{project}/items/{id}/",
        idempotent: true,
        auth: true,
        body: false,
        required: &[],
        page: None,
        idempotency_header: None,
    };

    fn runtime(base: &str) -> Runtime<Text> {
        match ClientBuilder::<TestClient>::new().base_url(base).build() {
            Ok(client) => client.0,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn path_parameters_stay_one_segment() {
        let rt = runtime("http://127.0.0.1:9");
        let url: Result<Url> = rt.url(GET_ITEM, &["@current", "a/b?c#d%e é"], &[]);
        assert_eq!(
            url.unwrap().as_str(),
            "http://127.0.0.1:9/api/@current/items/a%2Fb%3Fc%23d%25e%20%C3%A9/"
        );
        let url: Result<Url> = rt.url(GET_ITEM, &["1", "../x"], &[]);
        assert_eq!(url.unwrap().path(), "/api/1/items/..%2Fx/");
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        let rt = runtime("http://127.0.0.1:9");
        for bad in ["", ".", ".."] {
            let url: Result<Url> = rt.url(GET_ITEM, &["1", bad], &[]);
            assert!(
                matches!(url, Err(Error::InvalidRequest { ref message, .. }) if message.contains("`id`")),
                "{bad:?}: {url:?}"
            );
        }
    }

    #[test]
    fn base_path_prefix_and_query_are_kept() {
        let rt = runtime("https://example.com/prefix/");
        let query = [("search", "a&b c".to_owned()), ("page", "2".to_owned())];
        let url: Result<Url> = rt.url(GET_ITEM, &["1", "2"], &query);
        assert_eq!(
            url.unwrap().as_str(),
            "https://example.com/prefix/api/1/items/2/?search=a%26b+c&page=2"
        );
    }

    #[test]
    fn bad_base_urls_are_configuration_errors() {
        for bad in [
            "example.com",
            "ftp://example.com",
            "https://example.com/?a=1",
            "not a url",
        ] {
            let built = ClientBuilder::<TestClient>::new().base_url(bad).build();
            assert!(matches!(built, Err(Error::Config { .. })), "{bad}");
        }
        let built = ClientBuilder::<TestClient>::new()
            .api_key("bad\nkey")
            .build();
        assert!(matches!(built, Err(Error::Config { .. })));
    }

    #[test]
    fn environment_gives_key_and_base_url() {
        let env = |name: &str| match name {
            "TEST_KEY" => Some("secret".to_owned()),
            "TEST_HOST" => Some("http://127.0.0.1:1234".to_owned()),
            _ => None,
        };
        let builder = ClientBuilder::<TestClient>::new()
            .read_env_with(env)
            .unwrap();
        assert_eq!(builder.api_key.as_deref(), Some("secret"));
        let rt = builder.build().unwrap().0;
        assert_eq!(rt.base_url().as_str(), "http://127.0.0.1:1234/");
        // The key must never show up in debug output.
        assert!(!format!("{rt:?}").contains("secret"));

        let missing = ClientBuilder::<TestClient>::new().read_env_with(|_| None);
        assert!(matches!(missing, Err(Error::Config { message }) if message.contains("TEST_KEY")));
    }

    #[test]
    fn next_links_must_stay_on_the_base_origin() {
        let rt = runtime("http://127.0.0.1:8000");
        let current = Url::parse("http://127.0.0.1:8000/api/items/?page=1").unwrap();
        let follow = |next: &str| -> Result<Url> { rt.follow(GET_ITEM, &current, next) };
        assert_eq!(
            follow("http://127.0.0.1:8000/api/items/?page=2")
                .unwrap()
                .as_str(),
            "http://127.0.0.1:8000/api/items/?page=2"
        );
        assert_eq!(
            follow("/api/items/?page=3").unwrap().as_str(),
            "http://127.0.0.1:8000/api/items/?page=3"
        );
        for other in [
            "http://localhost:8000/api/items/?page=2",
            "http://127.0.0.1:8001/api/items/?page=2",
            "https://127.0.0.1:8000/api/items/?page=2",
            "//evil.example/api/items/?page=2",
            "http://127.0.0.1:8000/api/items/?page=1",
        ] {
            assert!(
                matches!(follow(other), Err(Error::PageRefused { .. })),
                "{other}"
            );
        }
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for bad in ["", "-1", "1.5", "soon"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
        }
    }

    #[test]
    fn delays_follow_retry_after_up_to_the_cap() {
        let policy = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        let hint = Some(Duration::from_secs(2));
        assert_eq!(policy.delay(0, hint, 0.9), Duration::from_secs(2));
        let long = Some(Duration::from_secs(3600));
        assert_eq!(policy.delay(0, long, 0.9), Duration::from_secs(5));
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let policy = RetryPolicy::default()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_secs(1));
        assert_eq!(policy.delay(0, None, 0.0), Duration::from_millis(50));
        assert_eq!(policy.delay(0, None, 1.0), Duration::from_millis(100));
        assert_eq!(policy.delay(2, None, 1.0), Duration::from_millis(400));
        assert_eq!(policy.delay(10, None, 1.0), Duration::from_secs(1));
        assert_eq!(
            policy.delay(u32::MAX, None, 0.0),
            Duration::from_millis(500)
        );
        for retry in 0..6 {
            let d = policy.delay(retry, None, fastrand::f64());
            assert!(
                d >= Duration::from_millis(50) && d <= Duration::from_secs(1),
                "{d:?}"
            );
        }
        assert_eq!(RetryPolicy::none().retries(), 0);
    }

    #[test]
    fn decode_errors_name_the_path_and_keep_a_snippet() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            id: u32,
        }
        let raw = RawResponse {
            operation: "items.get",
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: br#"{"id": "x"}"#.to_vec(),
        };
        let err = raw.json::<Item, Text>().unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("items.get: the 200 OK answer did not decode: at `id`"),
            "{text}"
        );
        assert!(text.contains(r#"{\"id\": \"x\"}"#), "{text}");

        let raw = RawResponse {
            body: br#"{"id": 1} trailing"#.to_vec(),
            ..raw
        };
        assert!(matches!(
            raw.json::<Item, Text>(),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn api_errors_keep_status_and_decoded_body() {
        let raw = RawResponse {
            operation: "items.get",
            status: StatusCode::NOT_FOUND,
            headers: HeaderMap::new(),
            body: b"gone".to_vec(),
        };
        let err: Error<Text> = raw.into_error();
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(err.api_body().map(String::as_str), Some("gone"));
        assert_eq!(err.operation(), Some("items.get"));
        assert_eq!(
            err.to_string(),
            "items.get: the server answered 404 Not Found: gone"
        );
    }

    #[test]
    fn snippets_are_cut_on_character_boundaries() {
        let long = "é".repeat(SNIPPET_CHARS + 10);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(snippet(b"short"), "short");
        assert_eq!(snippet(&[0xff, b'a']), "\u{fffd}a");
    }
}
