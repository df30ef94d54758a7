//! A request being built by a generated request builder: path values, query pairs, body fields and per-request
//! options, then sent by the [`Runtime`].
//!
//! The generated builders are thin: each setter hands one value to a [`Request`] method here (the body as a JSON
//! object, query parameters as text), and `send` decodes the [`RawResponse`] by status. So the code emitted per
//! operation is a few lines per input, and everything that can be shared (serializing values, checking required
//! fields, building the URL, paging) is compiled once, in this crate.

use super::{Error, ErrorBody, Operation, Paginator, RawResponse, RetryPolicy, Runtime};
use futures_util::stream::{self, StreamExt};
use reqwest::header::{HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;
use std::time::Duration;

/// Overrides of the client's settings for one request: its timeout, its retry policy, extra headers, its
/// idempotency key, body logging. Only the request they are given to uses them.
///
/// ```
/// # use apigen_runtime::client::RequestOptions;
/// use std::time::Duration;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(5))
///     .header("X-Request-Source", "nightly-job")
///     .idempotency_key("order-1234-create");
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct RequestOptions {
    /// `Some(None)`: no timeout for this request.
    pub(super) timeout: Option<Option<Duration>>,
    pub(super) retry: Option<RetryPolicy>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) idempotency_key: Option<String>,
    /// The byte cap of logged bodies, when they are logged.
    pub(super) log_bodies: Option<usize>,
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: name them, never show them.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("headers", &names)
            .field("idempotency_key", &self.idempotency_key)
            .field("log_bodies", &self.log_bodies)
            .finish()
    }
}

impl RequestOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// The longest one attempt of this request may take (instead of the client's timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// No timeout for this request.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// When and how often to retry this request (instead of the client's policy).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// An extra header sent with this request (after the generated ones, so it can replace them). Invalid names
    /// or values fail the request with [`Error::InvalidRequest`] when it is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The idempotency key of this call, instead of the fresh one the runtime makes for operations that take one
    /// (so a call repeated later, e.g. after a crash, is recognised by the server as the same). It is sent in the
    /// operation's idempotency header, or [`DEFAULT_IDEMPOTENCY_HEADER`](super::DEFAULT_IDEMPOTENCY_HEADER)
    /// (`Idempotency-Key`) when the spec names none, on every attempt, and it makes the call retried as if it
    /// were idempotent: give one only to an API that honours it. A paginated list sends it with its first page
    /// only, since each further page is another request.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Logs this request's bodies (sent and received) as TRACE events, each cut to `max_bytes`; `0` logs only
    /// their sizes. See [`ClientBuilder::log_bodies`](super::ClientBuilder::log_bodies).
    pub fn log_bodies(mut self, max_bytes: usize) -> Self {
        self.log_bodies = Some(max_bytes);
        self
    }

    /// The extra headers, checked.
    pub(super) fn header_values(&self) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| format!("`{name}` is not a valid header name"))?;
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    format!("the value of the header `{name}` is not a valid header value")
                })?;
                value.set_sensitive(true);
                Ok((header, value))
            })
            .collect()
    }
}

/// The body a request carries.
#[derive(Debug, Clone)]
enum Body {
    /// No body set yet: operations with a JSON body send `{}`.
    None,
    /// A body model's fields, set one by one or from a whole model.
    Fields(Map<String, Value>),
    /// A whole JSON body (a list, a map, a scalar).
    Json(Value),
}

/// One request of one operation, being built. Generated request builders wrap it.
#[derive(Debug, Clone)]
pub struct Request<B> {
    runtime: Runtime<B>,
    op: &'static Operation,
    path: Vec<String>,
    query: Vec<(&'static str, String)>,
    body: Body,
    options: RequestOptions,
    /// Why a value could not be serialized; the request then fails when it is sent.
    invalid: Option<String>,
}

impl<B: ErrorBody> Request<B> {
    /// A request of `op` with its path parameter values, in path order.
    pub fn new(runtime: &Runtime<B>, op: &'static Operation, path: Vec<String>) -> Self {
        Request {
            runtime: runtime.clone(),
            op,
            path,
            query: Vec::new(),
            body: Body::None,
            options: RequestOptions::default(),
            invalid: None,
        }
    }

    /// Sets the query parameter `name` (replacing an earlier value).
    pub fn query(mut self, name: &'static str, value: String) -> Self {
        match self.query.iter_mut().find(|(n, _)| *n == name) {
            Some(pair) => pair.1 = value,
            None => self.query.push((name, value)),
        }
        self
    }

    /// Sets (`Some`) or removes (`None`) the query parameter `name`.
    pub fn query_opt(mut self, name: &'static str, value: Option<String>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => {
                self.query.retain(|(n, _)| *n != name);
                self
            }
        }
    }

    fn fields(&mut self) -> &mut Map<String, Value> {
        if !matches!(self.body, Body::Fields(_)) {
            self.body = Body::Fields(Map::new());
        }
        match &mut self.body {
            Body::Fields(fields) => fields,
            // Set just above.
            Body::None | Body::Json(_) => unreachable!("the body was just made a field map"),
        }
    }

    fn serialize(&mut self, what: &str, value: impl Serialize) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.invalid = Some(format!("{what} could not be serialized: {e}"));
                None
            }
        }
    }

    /// Sets the body field `name`.
    pub fn field<T: Serialize>(mut self, name: &'static str, value: T) -> Self {
        if let Some(value) = self.serialize(&format!("the body field `{name}`"), value) {
            self.fields().insert(name.to_owned(), value);
        }
        self
    }

    /// Sets (`Some`) or leaves out (`None`) the body field `name`.
    pub fn field_opt<T: Serialize>(mut self, name: &'static str, value: Option<T>) -> Self {
        match value {
            Some(value) => self.field(name, value),
            None => {
                self.fields().remove(name);
                self
            }
        }
    }

    /// Sets, sends as `null`, or leaves out the body field `name`.
    pub fn field_nullable<T: Serialize>(
        mut self,
        name: &'static str,
        value: super::super::Nullable<T>,
    ) -> Self {
        match value {
            super::super::Nullable::Value(value) => self.field(name, value),
            super::super::Nullable::Null => self.null(name),
            super::super::Nullable::Absent => {
                self.fields().remove(name);
                self
            }
        }
    }

    /// Sends the body field `name` as `null`.
    pub fn null(mut self, name: &'static str) -> Self {
        self.fields().insert(name.to_owned(), Value::Null);
        self
    }

    /// Replaces every body field with those of a whole body model.
    pub fn body_fields<T: Serialize>(mut self, body: &T) -> Self {
        match self.serialize("the body", body) {
            Some(Value::Object(fields)) => self.body = Body::Fields(fields),
            Some(_) => self.invalid = Some("the body is not a JSON object".to_owned()),
            None => {}
        }
        self
    }

    /// Sets the whole JSON body.
    pub fn json<T: Serialize>(mut self, body: &T) -> Self {
        if let Some(value) = self.serialize("the body", body) {
            self.body = Body::Json(value);
        }
        self
    }

    /// Applies per-request overrides of the client's settings.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    fn invalid(&self, message: String) -> Error<B> {
        Error::InvalidRequest {
            operation: self.op.name,
            message,
        }
    }

    /// The body's bytes, after checking that every required field was set.
    fn body_bytes(&self) -> Result<Option<Vec<u8>>, Error<B>> {
        if let Some(message) = &self.invalid {
            return Err(self.invalid(message.clone()));
        }
        let empty = Map::new();
        let fields = match &self.body {
            Body::Fields(fields) => Some(fields),
            Body::None if self.op.body => Some(&empty),
            Body::None => None,
            Body::Json(value) => {
                return serde_json::to_vec(value)
                    .map(Some)
                    .map_err(|e| self.invalid(format!("the body could not be serialized: {e}")))
            }
        };
        let Some(fields) = fields else {
            return Ok(None);
        };
        if let Some(missing) = self
            .op
            .required
            .iter()
            .find(|name| !fields.contains_key(**name))
        {
            return Err(self.invalid(format!(
                "the body field `{missing}` is required but was not set"
            )));
        }
        serde_json::to_vec(fields)
            .map(Some)
            .map_err(|e| self.invalid(format!("the body could not be serialized: {e}")))
    }

    /// Sends the request (retrying as the policy allows) and reads the whole answer, whatever its status.
    pub async fn send(self) -> Result<RawResponse, Error<B>> {
        let body = self.body_bytes()?;
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let url = self.runtime.url(*self.op, &path, &self.query)?;
        self.runtime
            .execute_with(*self.op, url, body, &self.options)
            .await
    }

    /// Every page in turn, from this request's page on, following the `next` links of the operation's page
    /// envelope (only to the base URL's scheme, host and port) until the last page.
    pub fn pages<P>(self) -> Paginator<P, Error<B>>
    where
        P: DeserializeOwned + Send + 'static,
        B: Send + 'static,
    {
        Paginator::from_stream(
            self.page_values()
                .map(|page| page.and_then(|(raw, value)| raw.from_value(value))),
        )
    }

    /// Every item of every page, fetching pages as the stream is read.
    pub fn items<T>(self) -> Paginator<T, Error<B>>
    where
        T: DeserializeOwned + Send + 'static,
        B: Send + 'static,
    {
        let results = self.op.page.map_or("results", |p| p.results);
        Paginator::from_stream(
            self.page_values()
                .map(move |page| {
                    let items: Result<Vec<T>, Error<B>> = page.and_then(|(raw, mut value)| {
                        let items = value
                            .get_mut(results)
                            .map(Value::take)
                            .unwrap_or(Value::Array(Vec::new()));
                        raw.from_value(items)
                    });
                    match items {
                        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
                        Err(e) => stream::once(async move { Err(e) }).right_stream(),
                    }
                })
                .flatten(),
        )
    }

    /// Each page as JSON (with the answer it came in, for error messages), following `next`.
    fn page_values(
        self,
    ) -> impl futures_util::Stream<Item = Result<(RawResponse, Value), Error<B>>> + Send + 'static
    where
        B: Send + 'static,
    {
        enum Cursor<B> {
            First(Box<Request<B>>),
            Fetch(reqwest::Url),
            /// The page before was yielded; the link after it may not be followed.
            Refuse(Error<B>),
            Done,
        }
        let runtime = self.runtime.clone();
        let op = *self.op;
        let first_options = self.options.clone();
        // Each further page is a request of its own: a caller's idempotency key belongs to the first.
        let options = RequestOptions {
            idempotency_key: None,
            ..first_options.clone()
        };
        let next_field = self.op.page.map_or("next", |p| p.next);
        stream::try_unfold(Cursor::First(Box::new(self)), move |cursor| {
            let runtime = runtime.clone();
            let options = options.clone();
            let first_options = first_options.clone();
            async move {
                let (raw, url) = match cursor {
                    Cursor::First(request) => {
                        let body = request.body_bytes()?;
                        let path: Vec<&str> = request.path.iter().map(String::as_str).collect();
                        let url = runtime.url(op, &path, &request.query)?;
                        (
                            runtime
                                .execute_with(op, url.clone(), body, &first_options)
                                .await?,
                            url,
                        )
                    }
                    Cursor::Fetch(url) => (
                        runtime
                            .execute_with(op, url.clone(), None, &options)
                            .await?,
                        url,
                    ),
                    Cursor::Refuse(e) => return Err(e),
                    Cursor::Done => return Ok(None),
                };
                if !raw.status().is_success() {
                    return Err(raw.into_error());
                }
                let value: Value = raw.json()?;
                let next = match value.get(next_field).and_then(Value::as_str) {
                    None | Some("") => Cursor::Done,
                    Some(next) => match runtime.follow(op, &url, next) {
                        Ok(url) => Cursor::Fetch(url),
                        Err(e) => Cursor::Refuse(e),
                    },
                };
                Ok(Some(((raw, value), next)))
            }
        })
    }
}
