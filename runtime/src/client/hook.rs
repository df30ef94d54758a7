//! Hooks: user code the client runs around every attempt of every call, for metrics, request ids, signing or
//! anything else that needs to see (or add to) each request and answer without wrapping every builder.
//!
//! A [`Hook`] is registered with [`ClientBuilder::hook`](super::ClientBuilder::hook); several run in the order
//! they were added. [`Hook::before_send`] sees the operation, method, URL, headers and body of one attempt and may
//! add or replace headers; [`Hook::after_receive`] sees the answer's status and headers (or the transport error)
//! and how long the attempt took. The API key is added after every `before_send` has run, so no hook ever sees it
//! (a hook does not need it: it cannot change who the request authenticates as).

use super::HttpMethod;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use std::fmt;
use std::time::Duration;

/// Why a hook refused to let a request go out; the call then fails with [`Error::Hook`](super::Error::Hook).
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Code run around every attempt of every call of a client. Both methods do nothing by default, so a hook
/// implements only the one it needs.
///
/// ```
/// use apigen_runtime::client::{Hook, HookError, HookRequest, HookResponse};
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// /// Gives every attempt its own request id and counts the server errors.
/// #[derive(Default)]
/// struct RequestIds {
///     next: AtomicU64,
///     server_errors: AtomicU64,
/// }
///
/// impl Hook for RequestIds {
///     fn before_send(&self, request: &mut HookRequest<'_>) -> Result<(), HookError> {
///         let id = self.next.fetch_add(1, Ordering::Relaxed);
///         request.set_header("x-request-id", &format!("req-{id}"))
///     }
///
///     fn after_receive(&self, response: &HookResponse<'_>) {
///         if response.status().is_some_and(|s| s.is_server_error()) {
///             self.server_errors.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
/// ```
pub trait Hook: Send + Sync + 'static {
    /// Runs before each attempt is sent (a retried call runs it again, with [`HookRequest::attempt`] counting
    /// up). It may add or replace headers; an error stops the call before anything is sent.
    fn before_send(&self, request: &mut HookRequest<'_>) -> Result<(), HookError> {
        let _ = request;
        Ok(())
    }

    /// Runs after each attempt, with its answer's head or the transport error, before the runtime decides
    /// whether to retry.
    fn after_receive(&self, response: &HookResponse<'_>) {
        let _ = response;
    }
}

/// A shared hook is a hook, so the code that registered it can keep a handle (to read the metrics it gathers).
impl<H: Hook> Hook for std::sync::Arc<H> {
    fn before_send(&self, request: &mut HookRequest<'_>) -> Result<(), HookError> {
        H::before_send(self, request)
    }

    fn after_receive(&self, response: &HookResponse<'_>) {
        H::after_receive(self, response)
    }
}

/// What a hook knows about the call an attempt belongs to.
#[derive(Debug, Clone, Copy)]
pub struct CallInfo<'a> {
    pub(super) operation: &'static str,
    pub(super) method: HttpMethod,
    pub(super) route: &'static str,
    pub(super) url: &'a Url,
    pub(super) attempt: u32,
}

/// One attempt about to be sent, as [`Hook::before_send`] sees it.
pub struct HookRequest<'a> {
    pub(super) info: CallInfo<'a>,
    pub(super) headers: &'a mut HeaderMap,
    pub(super) body: Option<&'a [u8]>,
}

/// One attempt's outcome, as [`Hook::after_receive`] sees it.
pub struct HookResponse<'a> {
    pub(super) info: CallInfo<'a>,
    pub(super) outcome: Result<(StatusCode, &'a HeaderMap), &'a reqwest::Error>,
    pub(super) elapsed: Duration,
}

/// The accessors both views share: which call, which attempt.
macro_rules! call_info {
    () => {
        /// The operation, as `resource.method` (`insight_variables.create`).
        pub fn operation(&self) -> &'static str {
            self.info.operation
        }

        /// The HTTP method.
        pub fn method(&self) -> HttpMethod {
            self.info.method
        }

        /// The operation's path template (`/api/projects/{project_id}/insight_variables/`): a label with few
        /// values, fit for metrics, unlike the URL.
        pub fn route(&self) -> &'static str {
            self.info.route
        }

        /// The URL of this attempt, query included.
        pub fn url(&self) -> &Url {
            self.info.url
        }

        /// Which attempt of the call this is: 1 for the first, 2 for the first retry, ...
        pub fn attempt(&self) -> u32 {
            self.info.attempt
        }
    };
}

impl HookRequest<'_> {
    call_info!();

    /// The headers set so far: the generated ones (`Accept`, `User-Agent`, `Content-Type`, an idempotency key),
    /// the request's own ([`RequestOptions::header`](super::RequestOptions::header)) and those of earlier hooks.
    /// Never the API key.
    pub fn headers(&self) -> &HeaderMap {
        self.headers
    }

    /// The headers, to change them in any way.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }

    /// Sets the header `name` to `value`, replacing any earlier value; fails (as a [`HookError`] to return from
    /// `before_send`) if either is not valid in a header.
    pub fn set_header(&mut self, name: &str, value: &str) -> Result<(), HookError> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a valid header name"))?;
        let value = HeaderValue::from_str(value).map_err(|_| {
            format!("the value for the header `{name}` is not a valid header value")
        })?;
        self.headers.insert(name, value);
        Ok(())
    }

    /// The JSON body's bytes, exactly as they will be sent (for signing), if the request has one.
    pub fn body(&self) -> Option<&[u8]> {
        self.body
    }
}

impl fmt::Debug for HookRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials a hook added (a signature): names only.
        f.debug_struct("HookRequest")
            .field("info", &self.info)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body_bytes", &self.body.map(<[u8]>::len))
            .finish()
    }
}

impl HookResponse<'_> {
    call_info!();

    /// The answer's status; `None` when no answer arrived (see [`HookResponse::error`]).
    pub fn status(&self) -> Option<StatusCode> {
        self.outcome.as_ref().ok().map(|(status, _)| *status)
    }

    /// The answer's headers; `None` when no answer arrived.
    pub fn headers(&self) -> Option<&HeaderMap> {
        self.outcome.as_ref().ok().map(|(_, headers)| *headers)
    }

    /// Why no answer arrived (connection refused or reset, timeout), if none did.
    pub fn error(&self) -> Option<&reqwest::Error> {
        self.outcome.as_ref().err().copied()
    }

    /// How long the attempt took, from handing the request to the HTTP client to reading the whole answer.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

impl fmt::Debug for HookResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookResponse")
            .field("info", &self.info)
            .field("status", &self.status())
            .field("error", &self.error())
            .field("elapsed", &self.elapsed)
            .finish()
    }
}
