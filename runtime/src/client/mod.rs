//! The client's runtime (feature `client`): configuration, the one request executor all operations share, retries,
//! errors, pagination.
//!
//! Generated operation code stays small: it names its [`Operation`] (method, path template, idempotency, accepted
//! security schemes, body kind, pagination style), fills a [`Request`] with the path values, query parameters,
//! headers, body fields and files, and decodes the answer by status. Everything else (URL building with
//! per-segment percent-encoding, credentials for each security scheme, query styles, form and multipart
//! encoding, timeouts, retries with backoff and `Retry-After`, streamed answers and server-sent events, the three
//! pagination styles and their same-origin checks) lives here, written and tested once. The code is generic only
//! over the API's error body type `B`, which is one type per generated crate.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use futures_util::stream::{BoxStream, Stream, StreamExt, TryStreamExt};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER, USER_AGENT,
};
pub use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;
use tracing::field::Empty;
use tracing::Instrument as _;

// The method of an operation; re-exported so generated code and callers find it beside `Operation`.
pub use super::HttpMethod;
// The three-state body fields' type, for the generated builders' setters.
pub use super::Nullable;
// The words both sides share, for generated code and callers to find beside the client's own.
pub use super::{AuthScheme, File, ParamStyle, SecurityScheme};

mod auth;
mod body;
mod headers;
mod hook;
mod paging;
mod request;
mod stream;

pub use auth::{AuthRequirement, Credential};
pub use body::BodyKind;
pub use headers::Answer;
pub use hook::{CallInfo, Hook, HookError, HookRequest, HookResponse};
pub use paging::{CursorPaging, CursorSource, PageFields, Paging};
pub use request::{Request, RequestOptions};
pub use stream::{
    ByteStream, Event, EventStream, StreamingResponse, ERROR_BODY_LIMIT, MAX_EVENT_BYTES,
};

use auth::{Credentials, Ready};
use body::Payload;

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
    /// A streamed call waited too long: for the answer's head (the per-attempt timeout of
    /// [`Request::send_streaming`]), or for the next chunk of its body (the idle timeout).
    TimedOut {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// How long it waited.
        waited: Duration,
        /// What it waited for: `the answer's head`, `the next chunk of the body`.
        what: &'static str,
    },
    /// A body read into memory passed its limit (a capped collect, an error body, one server-sent event).
    TooLarge {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// The limit, in bytes.
        limit: u64,
    },
    /// Reading or writing a local file or writer failed (writing a streamed body out).
    Io {
        /// The operation, as `resource.method`.
        operation: &'static str,
        /// What was being done: `creating /tmp/out.bin`, `writing the answer's body`.
        what: String,
        /// What the system reported.
        source: std::io::Error,
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
            | Error::Hook { operation, .. }
            | Error::TimedOut { operation, .. }
            | Error::TooLarge { operation, .. }
            | Error::Io { operation, .. } => Some(operation),
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

    /// True if the call ran out of time (the timeout of an attempt, or a streamed body's idle timeout).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::TimedOut { .. })
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
            Error::TimedOut {
                operation,
                waited,
                what,
            } => write!(f, "{operation}: {what} did not arrive within {waited:?}"),
            Error::TooLarge { operation, limit } => {
                write!(f, "{operation}: the answer is larger than the limit of {limit} bytes")
            }
            Error::Io {
                operation,
                what,
                source,
            } => write!(f, "{operation}: {what} failed: {source}"),
        }
    }
}

impl<B: fmt::Debug + fmt::Display> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } | Error::Timeout { source, .. } => Some(source),
            Error::Hook { source, .. } => Some(source.as_ref()),
            Error::Io { source, .. } => Some(source),
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
            Error::TimedOut { .. } => "timeout",
            Error::TooLarge { .. } => "too_large",
            Error::Io { .. } => "io",
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
    /// The environment variable of the API key, for a client that keeps the default [`BuildClient::SCHEMES`]
    /// (one bearer scheme); a client that lists its schemes names each one's variable there instead.
    const API_KEY_ENV: Option<&'static str> = None;
    /// The API's security schemes, in the spec's order. The default is what every client had before schemes
    /// existed: one bearer scheme, `BearerAuth`, whose key is in [`BuildClient::API_KEY_ENV`].
    const SCHEMES: &'static [SecurityScheme] = &[SecurityScheme {
        name: "BearerAuth",
        scheme: AuthScheme::Bearer,
        env: Self::API_KEY_ENV,
    }];
    /// The schemes an operation accepts unless it says otherwise ([`AuthRequirement::Default`]), in order of
    /// preference. Empty (the default): every scheme of [`BuildClient::SCHEMES`], in its order.
    const DEFAULT_SCHEMES: &'static [&'static str] = &[];
    /// The environment variable [`ClientBuilder::read_env`] reads the base URL from, if the API names one.
    const BASE_URL_ENV: Option<&'static str>;
    /// The default `User-Agent`.
    const USER_AGENT: &'static str;
    /// Wraps a configured runtime.
    fn from_runtime(runtime: Runtime<Self::ErrorBody>) -> Self;
}

/// Configures a client: base URL, credentials, default headers, timeouts, user agent, retry policy, HTTP client.
pub struct ClientBuilder<C> {
    base_url: Option<String>,
    credentials: auth::Given,
    default_headers: Vec<(String, String)>,
    timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
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
            // Credentials and header values are secrets: say whether they are set, never what they are.
            .field(
                "credentials",
                &(!self.credentials.is_empty()).then_some("<redacted>"),
            )
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("idle_timeout", &self.idle_timeout)
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
            credentials: auth::Given::default(),
            default_headers: Vec::new(),
            timeout: Some(Duration::from_secs(60)),
            idle_timeout: Some(Duration::from_secs(60)),
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

    /// The API key: the credential of every bearer and API-key scheme of the API (and, for an API whose schemes
    /// are all basic, its user name, as Stripe takes its key). It is sent to the base URL's origin only.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.credentials.api_key = Some(key.into());
        self
    }

    /// The token of every bearer scheme (`Authorization: Bearer <token>`), instead of the API key.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials.bearer = Some(token.into());
        self
    }

    /// The user name and password of every basic scheme (`Authorization: Basic ...`); `None` sends an empty
    /// password (Stripe: `basic_auth("sk_test_...", None)`).
    pub fn basic_auth(mut self, user: impl Into<String>, password: Option<&str>) -> Self {
        self.credentials.basic = Some((user.into(), password.map(str::to_owned)));
        self
    }

    /// The credential of the security scheme named `scheme` (the spec's name), which wins over
    /// [`api_key`](Self::api_key), [`bearer_token`](Self::bearer_token) and [`basic_auth`](Self::basic_auth).
    /// A name the API does not have, or a credential of the wrong kind (a user and password for a key scheme),
    /// fails [`build`](Self::build) with [`Error::Config`].
    pub fn credential(mut self, scheme: impl Into<String>, credential: Credential) -> Self {
        self.credentials.by_scheme.push((scheme.into(), credential));
        self
    }

    /// A header sent with every request (the API's version header, an `Accept` of its own), before the
    /// operation's headers and a request's own options, which may replace it. An invalid name or value fails
    /// [`build`](Self::build) with [`Error::Config`]. Its value never appears in `Debug` output or logs.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// The longest a streamed body ([`Request::send_streaming`]) may go without a chunk arriving (60 s by
    /// default); then it ends with [`Error::TimedOut`].
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(timeout);
        self
    }

    /// Streamed bodies wait for each chunk as long as it takes.
    pub fn no_idle_timeout(mut self) -> Self {
        self.idle_timeout = None;
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

    /// Reads each security scheme's credential and the base URL from the environment variables the spec names (a
    /// basic scheme's variable holds `user` or `user:password`; the base URL's variable is optional). Fails only
    /// when the API names variables for its schemes and none of them is set (or all are empty).
    pub fn read_env(self) -> Result<Self, Error<C::ErrorBody>> {
        self.read_env_with(|name| std::env::var(name).ok())
    }

    fn read_env_with(
        mut self,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error<C::ErrorBody>> {
        let mut names = Vec::new();
        let mut found = false;
        for scheme in C::SCHEMES {
            let Some(name) = scheme.env else {
                continue;
            };
            names.push(name);
            if let Some(text) = var(name).filter(|v| !v.trim().is_empty()) {
                found = true;
                let credential = auth::Credential::from_env(scheme.scheme, text.trim());
                self.credentials
                    .by_scheme
                    .push((scheme.name.to_owned(), credential));
            }
        }
        if !found && !names.is_empty() {
            let message = match names.as_slice() {
                [name] => format!("the environment variable {name} (the API key) is not set"),
                names => format!(
                    "none of the environment variables {} (the API's credentials) is set",
                    names.join(", ")
                ),
            };
            return Err(Error::Config { message });
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
        let credentials = Credentials::resolve(C::SCHEMES, C::DEFAULT_SCHEMES, &self.credentials)
            .map_err(config)?;
        let default_headers = self
            .default_headers
            .iter()
            .map(|(name, value)| {
                let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    config(format!("the default header name {name:?} is not valid"))
                })?;
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    config(format!(
                        "the value of the default header `{name}` is not a valid header value"
                    ))
                })?;
                value.set_sensitive(true);
                Ok((header, value))
            })
            .collect::<Result<Vec<_>, Error<C::ErrorBody>>>()?;
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
                credentials,
                default_headers,
                user_agent,
                timeout: self.timeout,
                idle_timeout: self.idle_timeout,
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

/// What the runtime needs to know about an operation; generated as a constant per operation with the `const`
/// steps below (`Operation::new(..).json_body(..).paginated(..)`), in a `static`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// `resource.method`, used in errors.
    pub name: &'static str,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template below the base URL, parameters in braces: `/api/projects/{project_id}/items/{id}/`.
    pub path: &'static str,
    /// Whether retrying is safe.
    pub idempotent: bool,
    /// Which credentials are sent.
    pub auth: AuthRequirement,
    /// The kind of body it takes.
    pub body: BodyKind,
    /// The body fields (or, for multipart bodies, file parts) a request must set (wire names).
    pub required: &'static [&'static str],
    /// How a paginated list's pages link to each other.
    pub page: Option<Paging>,
    /// The header the API reads idempotency keys from (`Idempotency-Key`), if the operation accepts one. The
    /// runtime then sends a fresh key (a random UUID) with each call, the same on every retry of it, and retries
    /// the call as if it were idempotent.
    pub idempotency_header: Option<&'static str>,
    /// The `Accept` header sent (`application/json` unless the operation answers another media type).
    pub accept: &'static str,
}

impl Operation {
    /// An operation with the API's default credentials, no body, not paginated, idempotent as its method says,
    /// accepting JSON.
    pub const fn new(name: &'static str, method: HttpMethod, path: &'static str) -> Operation {
        Operation {
            name,
            method,
            path,
            idempotent: method.is_idempotent(),
            auth: AuthRequirement::Default,
            body: BodyKind::None,
            required: &[],
            page: None,
            idempotency_header: None,
            accept: "application/json",
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
        self.auth = AuthRequirement::None;
        self
    }

    /// Accepts these security schemes (the spec's names), in order of preference, instead of the API's default
    /// ones: the request carries the credential of the first one the client holds, or none (the server then
    /// answers 401).
    pub const fn auth_any_of(mut self, schemes: &'static [&'static str]) -> Operation {
        self.auth = AuthRequirement::AnyOf(schemes);
        self
    }

    /// Takes a JSON body, of which these fields must be set.
    pub const fn json_body(mut self, required: &'static [&'static str]) -> Operation {
        self.body = BodyKind::Json;
        self.required = required;
        self
    }

    /// Takes an `application/x-www-form-urlencoded` body (see [`BodyKind::Form`]), of which these fields must be
    /// set.
    pub const fn form_body(mut self, required: &'static [&'static str]) -> Operation {
        self.body = BodyKind::Form;
        self.required = required;
        self
    }

    /// Takes a `multipart/form-data` body (see [`BodyKind::Multipart`]), of which these fields or file parts must
    /// be set.
    pub const fn multipart_body(mut self, required: &'static [&'static str]) -> Operation {
        self.body = BodyKind::Multipart;
        self.required = required;
        self
    }

    /// Takes a raw binary body, the [`File`] given with [`Request::binary`] (required).
    pub const fn binary_body(mut self) -> Operation {
        self.body = BodyKind::Binary;
        self
    }

    /// Sends this `Accept` header (`text/event-stream`, `application/octet-stream`, `*/*`).
    pub const fn accept(mut self, media_type: &'static str) -> Operation {
        self.accept = media_type;
        self
    }

    /// A paginated list whose envelope has these fields: the next page's URL and the items.
    pub const fn paginated(mut self, next: &'static str, results: &'static str) -> Operation {
        self.page = Some(Paging::NextUrl(PageFields { next, results }));
        self
    }

    /// A list paginated with a cursor: each next request is the first one with the query parameter `param` set
    /// to the cursor read from `source`; the items are the envelope's field `results`. With `has_more` (the
    /// envelope's boolean field), pages follow while it is true; without, while the cursor is neither null nor
    /// empty and the page has items.
    pub const fn cursor_paginated(
        mut self,
        param: &'static str,
        source: CursorSource,
        results: &'static str,
        has_more: Option<&'static str>,
    ) -> Operation {
        self.page = Some(Paging::Cursor(CursorPaging {
            param,
            source,
            has_more,
            results,
        }));
        self
    }

    /// A list paginated with the `Link` header (RFC 8288): the next page is the `rel="next"` target; the body
    /// is the list of items itself.
    pub const fn link_paginated(mut self) -> Operation {
        self.page = Some(Paging::Link);
        self
    }
}

/// A date-time as its RFC 3339 text, the wire form of `datetime` parameters (`Display` would add spaces).
pub fn datetime_text(value: &chrono::DateTime<chrono::Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// One attempt of a call, as the executor hands it to [`Runtime::attempt`].
struct Attempt<'a> {
    op: Operation,
    url: &'a Url,
    payload: &'a Payload,
    /// The call's headers before hooks and credentials.
    headers: &'a HeaderMap,
    timeout: Option<Duration>,
    /// 1 for the first attempt.
    number: u32,
    /// Read the whole body (else hand back the answer once its head arrived).
    whole: bool,
}

/// Why an attempt brought back no answer to hand to the operation.
enum AttemptError {
    /// reqwest failed: connection, timeout, body (its URL stripped when it held a query credential).
    Http(reqwest::Error),
    /// A hook refused to send it.
    Hook(HookError),
    /// The answer came from another origin, or redirects there.
    Redirected(String),
    /// The body could not be built (a file that does not open, a stream already sent).
    Body(String),
    /// A streamed call's head did not arrive within the timeout.
    HeadTimeout(Duration),
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
            AttemptError::Body(message) => Error::InvalidRequest { operation, message },
            AttemptError::HeadTimeout(waited) => Error::TimedOut {
                operation,
                waited,
                what: "the answer's head",
            },
        }
    }
}

/// An answer as one attempt received it: the head, and the body read whole or still to be read.
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: ReceivedBody,
}

enum ReceivedBody {
    Read(Vec<u8>),
    Pending(reqwest::Response),
}

impl Received {
    /// The whole answer (reading what is left of the body).
    async fn into_raw<B>(self, op: Operation) -> Result<RawResponse, Error<B>> {
        let body = match self.body {
            ReceivedBody::Read(body) => body,
            ReceivedBody::Pending(response) => response
                .bytes()
                .await
                .map_err(|e| AttemptError::Http(e.without_url()).into_error(op))?
                .to_vec(),
        };
        Ok(RawResponse {
            operation: op.name,
            status: self.status,
            headers: self.headers,
            body,
        })
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
    credentials: Credentials,
    default_headers: Vec<(HeaderName, HeaderValue)>,
    user_agent: HeaderValue,
    timeout: Option<Duration>,
    idle_timeout: Option<Duration>,
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
                &self.inner.credentials.any().then_some("<redacted>"),
            )
            .field("credentials", &self.inner.credentials)
            .field(
                "default_headers",
                &self
                    .inner
                    .default_headers
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>(),
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
        self.url_with(op, params, query.iter().map(|(k, v)| (*k, v.as_str())))
    }

    /// [`Runtime::url`] with query pairs whose keys are built (`a[]`, `created[gt]`).
    fn url_with<'a>(
        &self,
        op: Operation,
        params: &[&str],
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
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
        let mut query = query.into_iter().peekable();
        if query.peek().is_some() {
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
    /// [`RawResponse`]; only transport failures and timeouts are errors here. `body` is sent as JSON.
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
    /// failed), `reason` and `delay_ms`. Neither ever holds a header value (so never a credential), a URL (so
    /// never a query key) or a body; bodies are TRACE events only when [`ClientBuilder::log_bodies`] or
    /// [`RequestOptions::log_bodies`] asks.
    pub async fn execute_with(
        &self,
        op: Operation,
        url: Url,
        body: Option<Vec<u8>>,
        options: &RequestOptions,
    ) -> Result<RawResponse, Error<B>> {
        let payload = body.map_or(Payload::None, Payload::json);
        self.call(op, url, &payload, &[], options, true)
            .await?
            .into_raw(op)
            .await
    }

    /// One call in its span: every attempt of sending `payload` to `url` with the operation's own `headers`,
    /// reading each answer whole or (for `whole == false`) up to its head.
    async fn call(
        &self,
        op: Operation,
        url: Url,
        payload: &Payload,
        headers: &[(HeaderName, HeaderValue)],
        options: &RequestOptions,
        whole: bool,
    ) -> Result<Received, Error<B>> {
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
            .attempts(op, url, payload, headers, options, whole, &mut attempts)
            .instrument(span.clone())
            .await;
        span.record("attempts", attempts);
        span.record("duration_ms", milliseconds(started.elapsed()));
        match &outcome {
            Ok(received) => span.record("status", received.status.as_u16()),
            Err(e) => span.record("error", e.label()),
        };
        outcome
    }

    /// The attempts of one call, as the policy allows; `attempts` counts them for the span.
    #[allow(clippy::too_many_arguments)]
    async fn attempts(
        &self,
        op: Operation,
        url: Url,
        payload: &Payload,
        operation_headers: &[(HeaderName, HeaderValue)],
        options: &RequestOptions,
        whole: bool,
        attempts: &mut u32,
    ) -> Result<Received, Error<B>> {
        let invalid = |message| Error::InvalidRequest {
            operation: op.name,
            message,
        };
        let mut headers = HeaderMap::new();
        let accept = HeaderValue::from_str(op.accept).map_err(|_| {
            invalid(format!(
                "the media type {:?} is not a valid header value",
                op.accept
            ))
        })?;
        headers.insert(ACCEPT, accept);
        headers.insert(USER_AGENT, self.inner.user_agent.clone());
        if let Some(content_type) = payload.content_type().map_err(invalid)? {
            headers.insert(CONTENT_TYPE, content_type);
        }
        // API-wide headers, then the operation's, then idempotency, then the request's own options: each may
        // replace the one before.
        for (name, value) in self.inner.default_headers.iter().chain(operation_headers) {
            headers.insert(name.clone(), value.clone());
        }
        // One key per call, the same on every attempt: that is what lets the server act only once.
        let idempotency = idempotency_key(op, options).map_err(invalid)?;
        if let Some((name, value)) = &idempotency {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in options.header_values().map_err(invalid)? {
            headers.insert(name, value);
        }
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let log_bodies = options.log_bodies.or(self.inner.log_bodies);
        if let (Some(cap), Some(body)) = (log_bodies, payload.bytes()) {
            log_body("request", body, cap);
        }
        let retry_safe = op.idempotent || policy.retry_non_idempotent || idempotency.is_some();
        // A streamed body is gone after the first attempt: nothing can be sent again.
        let max_retries = if payload.is_single_use() {
            0
        } else {
            policy.max_retries
        };
        loop {
            *attempts += 1;
            let attempt = Attempt {
                op,
                url: &url,
                payload,
                headers: &headers,
                timeout,
                number: *attempts,
                whole,
            };
            let outcome = self.attempt(attempt).await;
            if let (
                Some(cap),
                Ok(Received {
                    body: ReceivedBody::Read(body),
                    ..
                }),
            ) = (log_bodies, &outcome)
            {
                log_body("response", body, cap);
            }
            let retry = *attempts - 1;
            let reason = match &outcome {
                _ if retry >= max_retries => None,
                Ok(received) if retry_safe && is_retryable_status(received.status) => {
                    Some(received.status.to_string())
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
            let retry_after = outcome.as_ref().ok().and_then(|received| {
                let value = received.headers.get(RETRY_AFTER)?.to_str().ok()?;
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

    /// One attempt: the hooks, the credential, the request, the answer (whole, or its head), and the check that
    /// it came from the base URL's origin.
    async fn attempt(&self, attempt: Attempt<'_>) -> Result<Received, AttemptError> {
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
                body: attempt.payload.bytes(),
            })
            .map_err(AttemptError::Hook)?;
        }
        // Last, so no hook sees the credential; a request or hook that set the same header itself keeps it. A
        // query key goes on a copy of the URL that only reqwest sees.
        let mut url = std::borrow::Cow::Borrowed(attempt.url);
        let mut query_key = false;
        match inner.credentials.choose(op.auth) {
            Some(Ready::Header(name, value)) => {
                headers.entry(name.clone()).or_insert_with(|| value.clone());
            }
            Some(Ready::Query(name, key)) => {
                url.to_mut().query_pairs_mut().append_pair(name, key);
                query_key = true;
            }
            None => {}
        }
        // reqwest's errors print their URL: one holding a key must not.
        let strip = |e: reqwest::Error| if query_key { e.without_url() } else { e };
        let mut request = inner
            .http
            .request(reqwest_method(op.method), url.as_ref().clone())
            .headers(headers);
        request = attempt
            .payload
            .attach(request)
            .await
            .map_err(AttemptError::Body)?;
        // A streamed answer's timeout covers its head only (its body has the idle timeout), so it is not
        // reqwest's, which would cover the whole body too.
        if let (Some(timeout), true) = (attempt.timeout, attempt.whole) {
            request = request.timeout(timeout);
        }
        let started = Instant::now();
        let answer = async {
            let sent = request.send();
            let response = match (attempt.timeout, attempt.whole) {
                (Some(limit), false) => tokio::time::timeout(limit, sent)
                    .await
                    .map_err(|_| AttemptError::HeadTimeout(limit))?,
                _ => sent.await,
            }
            .map_err(|e| AttemptError::Http(strip(e)))?;
            let status = response.status();
            let headers = response.headers().clone();
            let url = response.url().clone();
            let body = if attempt.whole {
                let bytes = response
                    .bytes()
                    .await
                    .map_err(|e| AttemptError::Http(strip(e)))?;
                ReceivedBody::Read(bytes.to_vec())
            } else {
                ReceivedBody::Pending(response)
            };
            Ok::<_, AttemptError>((url, status, headers, body))
        }
        .await;
        let elapsed = started.elapsed();
        let outcome = match &answer {
            Ok((_, status, headers, _)) => Some(Ok((*status, headers))),
            Err(AttemptError::Http(e)) => Some(Err(e)),
            // A head that never came has no reqwest error to show: the hooks are not called for it.
            Err(_) => None,
        };
        if let Some(outcome) = outcome {
            for hook in &inner.hooks {
                hook.after_receive(&HookResponse {
                    info,
                    outcome,
                    elapsed,
                });
            }
        }
        let (answered, status, headers, body) = answer?;
        let origin = inner.base_url.origin();
        let redact = |url: &Url| self.redacted(url);
        // A client of the user's own may have followed a redirect elsewhere: that answer is not the API's.
        if answered.origin() != origin {
            return Err(AttemptError::Redirected(redact(&answered)));
        }
        // The runtime's own client stops at a redirect elsewhere and hands back the `3xx` itself.
        if status.is_redirection() {
            let location = headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| answered.join(v).ok());
            if let Some(location) = location.filter(|l| l.origin() != origin) {
                return Err(AttemptError::Redirected(redact(&location)));
            }
        }
        Ok(Received {
            status,
            headers,
            body,
        })
    }

    /// `url` as error messages may quote it: without the query parameters credentials travel in.
    fn redacted(&self, url: &Url) -> String {
        let names: Vec<&str> = self.inner.credentials.query_names().collect();
        if names.is_empty() || url.query().is_none() {
            return url.to_string();
        }
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| !names.contains(&name.as_ref()))
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        let mut url = url.clone();
        url.set_query(None);
        if !kept.is_empty() {
            url.query_pairs_mut().extend_pairs(kept);
        }
        url.to_string()
    }

    /// Sends a request and returns its answer once the head arrived, the body to be read as a stream (see
    /// [`Request::send_streaming`]).
    async fn stream(
        &self,
        op: Operation,
        url: Url,
        payload: &Payload,
        headers: &[(HeaderName, HeaderValue)],
        options: &RequestOptions,
    ) -> Result<StreamingResponse<B>, Error<B>> {
        let received = self.call(op, url, payload, headers, options, false).await?;
        let idle = options.idle_timeout.unwrap_or(self.inner.idle_timeout);
        let query_key = self.inner.credentials.query_names().next().is_some();
        let body = match received.body {
            ReceivedBody::Pending(response) => {
                ByteStream::new(op.name, received.status, response, idle, query_key)
            }
            // Only a whole read gives bytes; kept total rather than assumed.
            ReceivedBody::Read(bytes) => ByteStream::from_bytes(op.name, received.status, bytes),
        };
        Ok(StreamingResponse {
            operation: op.name,
            status: received.status,
            headers: received.headers,
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

    /// The answer's body (empty for a `HEAD` request).
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The header `name` as `T` (strings, integers, numbers, booleans, enums, lists split on commas); `None` when
    /// the answer has none. A value that is not a `T` is an [`Error::Decode`] naming the header.
    pub fn header<T: DeserializeOwned, B>(&self, name: &str) -> Result<Option<T>, Error<B>> {
        headers::header(&self.headers, name).map_err(|message| self.decode_error(message))
    }

    /// Every header the type `H` declares: a struct deserialized from the headers, each field named (or
    /// `#[serde(rename)]`d) as its lower-case header name, typed as [`RawResponse::header`] types one. A missing
    /// header is a missing field (`Option` fields are then `None`); an error names the header.
    pub fn headers_as<H: DeserializeOwned, B>(&self) -> Result<H, Error<B>> {
        headers::headers_as(&self.headers).map_err(|message| self.decode_error(message))
    }

    /// `body` with the answer's typed headers `H` (see [`RawResponse::headers_as`]): what a generated
    /// `send_with_headers()` returns once it decoded the body.
    pub fn into_answer<T, H: DeserializeOwned, B>(self, body: T) -> Result<Answer<T, H>, Error<B>> {
        let headers = self.headers_as()?;
        Ok(Answer {
            status: self.status,
            body,
            headers,
            raw_headers: self.headers,
        })
    }

    /// [`RawResponse::success_json`] with the typed headers.
    pub fn success_json_with_headers<T: DeserializeOwned, H: DeserializeOwned, B: ErrorBody>(
        self,
    ) -> Result<Answer<T, H>, Error<B>> {
        if !self.status.is_success() {
            return Err(self.into_error());
        }
        let body = self.json()?;
        self.into_answer(body)
    }

    /// [`RawResponse::unit`] with the typed headers.
    pub fn unit_with_headers<H: DeserializeOwned, B: ErrorBody>(
        self,
    ) -> Result<Answer<(), H>, Error<B>> {
        if !self.status.is_success() {
            return Err(self.into_error());
        }
        self.into_answer(())
    }

    /// The body as text (lossily decoded) for a success status, the API error otherwise.
    pub fn success_text<B: ErrorBody>(self) -> Result<String, Error<B>> {
        if self.status.is_success() {
            Ok(String::from_utf8_lossy(&self.body).into_owned())
        } else {
            Err(self.into_error())
        }
    }

    /// The body's bytes for a success status, the API error otherwise.
    pub fn success_bytes<B: ErrorBody>(self) -> Result<bytes::Bytes, Error<B>> {
        if self.status.is_success() {
            Ok(bytes::Bytes::from(self.body))
        } else {
            Err(self.into_error())
        }
    }

    fn decode_error<B>(&self, message: String) -> Error<B> {
        Error::Decode {
            operation: self.operation,
            status: self.status,
            message,
            snippet: String::new(),
        }
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

    const GET_ITEM: Operation =
        Operation::new("items.get", HttpMethod::Get, "/api/{project}/items/{id}/");

    /// An API with every kind of scheme, each with its variable.
    struct Schemes;

    impl BuildClient for Schemes {
        type ErrorBody = Text;
        const DEFAULT_BASE_URL: &'static str = "https://api.example.com";
        const SCHEMES: &'static [SecurityScheme] = &[
            SecurityScheme::new("basic", AuthScheme::Basic).env("S_BASIC"),
            SecurityScheme::new("header", AuthScheme::ApiKeyHeader("X-Key")).env("S_HEADER"),
        ];
        const BASE_URL_ENV: Option<&'static str> = None;
        const USER_AGENT: &'static str = "test/1.0";
        fn from_runtime(_: Runtime<Text>) -> Self {
            Schemes
        }
    }

    #[test]
    fn the_default_schemes_are_one_bearer_scheme_read_from_the_old_variable() {
        assert_eq!(
            TestClient::SCHEMES,
            [SecurityScheme::new("BearerAuth", AuthScheme::Bearer).env("TEST_KEY")]
        );
        assert!(TestClient::DEFAULT_SCHEMES.is_empty());
    }

    #[test]
    fn environment_variables_per_scheme() {
        let env = |name: &str| (name == "S_BASIC").then(|| "ada:pw".to_owned());
        let builder = ClientBuilder::<Schemes>::new().read_env_with(env).unwrap();
        assert_eq!(
            builder.credentials.by_scheme,
            [("basic".to_owned(), Credential::basic("ada", Some("pw")))]
        );
        let none = ClientBuilder::<Schemes>::new().read_env_with(|_| None);
        assert!(
            matches!(none, Err(Error::Config { ref message }) if message.contains("S_BASIC, S_HEADER")),
            "{none:?}"
        );
        // An API without variables for its schemes needs none.
        assert!(ClientBuilder::<ClientOnly>::new()
            .read_env_with(|_| None)
            .is_ok());
        let unknown = ClientBuilder::<Schemes>::new()
            .credential("nope", Credential::key("k"))
            .build();
        assert!(matches!(unknown, Err(Error::Config { .. })));
        let header = ClientBuilder::<Schemes>::new()
            .default_header("X-Version", "bad\nvalue")
            .build();
        assert!(matches!(header, Err(Error::Config { .. })));
    }

    /// A client that keeps the default scheme and names no variable.
    struct ClientOnly;

    impl BuildClient for ClientOnly {
        type ErrorBody = Text;
        const DEFAULT_BASE_URL: &'static str = "https://api.example.com";
        const BASE_URL_ENV: Option<&'static str> = None;
        const USER_AGENT: &'static str = "test/1.0";
        fn from_runtime(_: Runtime<Text>) -> Self {
            ClientOnly
        }
    }

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
        assert_eq!(
            builder.credentials.by_scheme,
            [("BearerAuth".to_owned(), Credential::key("secret"))]
        );
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
