//! A request being built by a generated request builder: path values, query parameters, headers, body fields,
//! files and per-request options, then sent by the [`Runtime`].
//!
//! The generated builders are thin: each setter hands one value to a [`Request`] method here (body fields as
//! JSON, query parameters and headers as values encoded in their style), and `send` decodes the [`RawResponse`]
//! by status. So the code emitted per operation is a few lines per input, and everything that can be shared
//! (serializing values, form and multipart encoding, checking required fields, building the URL, paging,
//! streaming) is compiled once, in this crate.

use super::super::{encode, File, ParamStyle};
use super::body::{BodyKind, Payload};
use super::paging::{self, Next, Paging};
use super::{
    Error, ErrorBody, Operation, Paginator, RawResponse, RetryPolicy, Runtime, StreamingResponse,
};
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
    /// `Some(None)`: no idle timeout for this request's streamed body.
    pub(super) idle_timeout: Option<Option<Duration>>,
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
            .field("idle_timeout", &self.idle_timeout)
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

    /// The longest this request's streamed body may go without a chunk (instead of the client's idle timeout).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = Some(Some(timeout));
        self
    }

    /// No idle timeout for this request's streamed body.
    pub fn no_idle_timeout(mut self) -> Self {
        self.idle_timeout = Some(None);
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

/// The body fields a request carries.
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
    /// Each query parameter's pairs (one for a scalar, several for a list or an object), in the order set.
    query: Vec<(&'static str, Vec<(String, String)>)>,
    /// The operation's headers, in the order set; their values never show in `Debug`.
    headers: Vec<(&'static str, Secret)>,
    body: Body,
    /// The file parts of a multipart body, in the order set.
    files: Vec<(&'static str, File)>,
    /// The file of a binary body.
    binary: Option<File>,
    options: RequestOptions,
    /// Why a value could not be serialized; the request then fails when it is sent.
    invalid: Option<String>,
}

/// A header value, hidden from `Debug` (an operation's header may be a secret: a webhook signature, a token).
#[derive(Clone)]
struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<B: ErrorBody> Request<B> {
    /// A request of `op` with its path parameter values, in path order.
    pub fn new(runtime: &Runtime<B>, op: &'static Operation, path: Vec<String>) -> Self {
        Request {
            runtime: runtime.clone(),
            op,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            files: Vec::new(),
            binary: None,
            options: RequestOptions::default(),
            invalid: None,
        }
    }

    fn set_query(mut self, name: &'static str, pairs: Vec<(String, String)>) -> Self {
        match self.query.iter_mut().find(|(n, _)| *n == name) {
            Some(param) => param.1 = pairs,
            None => self.query.push((name, pairs)),
        }
        self
    }

    /// Sets the query parameter `name` (replacing an earlier value).
    pub fn query(self, name: &'static str, value: String) -> Self {
        self.set_query(name, vec![(name.to_owned(), value)])
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

    /// Sets the query parameter `name` to any value, written as `style` says (see [`ParamStyle`]): scalars as
    /// text, lists as `a=1&a=2`, `a=1,2`, `a[]=1&a[]=2` or `a[0]=1`, objects as deep objects (`created[gt]=5`,
    /// nested). `null` and empty lists send nothing. It replaces an earlier value.
    pub fn query_value<T: Serialize + ?Sized>(
        mut self,
        name: &'static str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        match self.serialize(&format!("the query parameter `{name}`"), value) {
            Some(value) => {
                let pairs = encode::query_pairs(name, &value, style);
                self.set_query(name, pairs)
            }
            None => self,
        }
    }

    /// Sets (`Some`) or removes (`None`) the query parameter `name`, as [`Request::query_value`] writes it.
    pub fn query_value_opt<T: Serialize>(
        mut self,
        name: &'static str,
        value: Option<&T>,
        style: ParamStyle,
    ) -> Self {
        match value {
            Some(value) => self.query_value(name, value, style),
            None => {
                self.query.retain(|(n, _)| *n != name);
                self
            }
        }
    }

    /// Sets the operation's header `name` (replacing an earlier value). An invalid value fails the request with
    /// [`Error::InvalidRequest`] when it is sent.
    pub fn header(mut self, name: &'static str, value: String) -> Self {
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(header) => header.1 = Secret(value),
            None => self.headers.push((name, Secret(value))),
        }
        self
    }

    /// Sets (`Some`) or removes (`None`) the operation's header `name`.
    pub fn header_opt(mut self, name: &'static str, value: Option<String>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => {
                self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
                self
            }
        }
    }

    /// Sets the header `name` to any scalar value as text (enums by their wire name), or a list of them
    /// comma-separated (`a, b`), as the server reads header lists.
    pub fn header_value<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        let what = format!("the header `{name}`");
        let Some(value) = self.serialize(&what, value) else {
            return self;
        };
        match encode::header(&value) {
            Ok(text) => self.header(name, text),
            Err(reason) => {
                self.invalid = Some(format!("{what} could not be written: {reason}"));
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

    fn serialize<T: Serialize + ?Sized>(&mut self, what: &str, value: &T) -> Option<Value> {
        match serde_json::to_value(value) {
            Ok(value) => Some(value),
            Err(e) => {
                self.invalid = Some(format!("{what} could not be serialized: {e}"));
                None
            }
        }
    }

    /// Sets the body field `name` (a JSON member, a form key, or a multipart text part).
    pub fn field<T: Serialize>(mut self, name: &'static str, value: T) -> Self {
        if let Some(value) = self.serialize(&format!("the body field `{name}`"), &value) {
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

    /// Sends the body field `name` as `null` (in a form or multipart body: an empty value, Stripe's "unset").
    pub fn null(mut self, name: &'static str) -> Self {
        self.fields().insert(name.to_owned(), Value::Null);
        self
    }

    /// Replaces every body field with those of a whole body model (its files, which serde skips, are set with
    /// [`Request::file`]).
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

    /// Adds the file part `name` of a multipart body (several files may share a name, for a list of files).
    pub fn file(mut self, name: &'static str, file: File) -> Self {
        self.files.push((name, file));
        self
    }

    /// Adds (`Some`) the file part `name`, or leaves it out (`None`).
    pub fn file_opt(self, name: &'static str, file: Option<File>) -> Self {
        match file {
            Some(file) => self.file(name, file),
            None => self,
        }
    }

    /// Sets the file a binary body sends.
    pub fn binary(mut self, file: File) -> Self {
        self.binary = Some(file);
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

    /// The body fields as an object, after checking that every required one was set (a required name of a
    /// multipart body may be a file part).
    fn checked_fields(&self) -> Result<Map<String, Value>, Error<B>> {
        let fields = match &self.body {
            Body::Fields(fields) => fields.clone(),
            Body::Json(Value::Object(fields)) => fields.clone(),
            Body::Json(_) => {
                return Err(self.invalid("the body is not an object of fields".to_owned()))
            }
            Body::None => Map::new(),
        };
        let present = |name: &str| {
            fields.contains_key(name) || self.files.iter().any(|(file, _)| *file == name)
        };
        if let Some(missing) = self.op.required.iter().find(|name| !present(name)) {
            return Err(self.invalid(format!(
                "the body field `{missing}` is required but was not set"
            )));
        }
        Ok(fields)
    }

    /// What the request sends, as its operation's body kind says.
    fn payload(&self) -> Result<Payload, Error<B>> {
        if let Some(message) = &self.invalid {
            return Err(self.invalid(message.clone()));
        }
        let serialized =
            |e: serde_json::Error| self.invalid(format!("the body could not be serialized: {e}"));
        match self.op.body {
            BodyKind::None => match &self.body {
                Body::None => Ok(Payload::None),
                // Fields set on an operation without a body are sent as JSON, as they always were.
                Body::Fields(fields) => serde_json::to_vec(fields)
                    .map(Payload::json)
                    .map_err(serialized),
                Body::Json(value) => serde_json::to_vec(value)
                    .map(Payload::json)
                    .map_err(serialized),
            },
            BodyKind::Json => match &self.body {
                Body::Json(value) => serde_json::to_vec(value)
                    .map(Payload::json)
                    .map_err(serialized),
                _ => serde_json::to_vec(&self.checked_fields()?)
                    .map(Payload::json)
                    .map_err(serialized),
            },
            BodyKind::Form => {
                let pairs = encode::form_pairs(&self.checked_fields()?);
                let text = form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish();
                Ok(Payload::Bytes {
                    bytes: text.into(),
                    content_type: HeaderValue::from_static("application/x-www-form-urlencoded"),
                })
            }
            BodyKind::Multipart => Ok(Payload::Multipart {
                text: encode::form_pairs(&self.checked_fields()?),
                files: self
                    .files
                    .iter()
                    .map(|(name, file)| ((*name).to_owned(), file.clone()))
                    .collect(),
            }),
            BodyKind::Binary => match &self.binary {
                Some(file) => Payload::binary(file.clone()).map_err(|m| self.invalid(m)),
                None => {
                    Err(self.invalid("the body (a file) is required but was not set".to_owned()))
                }
            },
        }
    }

    /// The operation's headers, checked.
    fn header_values(&self) -> Result<Vec<(HeaderName, HeaderValue)>, Error<B>> {
        self.headers
            .iter()
            .map(|(name, Secret(value))| {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| self.invalid(format!("`{name}` is not a valid header name")))?;
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    self.invalid(format!(
                        "the value of the header `{name}` is not a valid header value"
                    ))
                })?;
                value.set_sensitive(true);
                Ok((header, value))
            })
            .collect()
    }

    /// The request's URL.
    fn url(&self) -> Result<reqwest::Url, Error<B>> {
        let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
        let pairs = self
            .query
            .iter()
            .flat_map(|(_, pairs)| pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.runtime.url_with(*self.op, &path, pairs)
    }

    /// Sends the request (retrying as the policy allows) and reads the whole answer, whatever its status.
    pub async fn send(self) -> Result<RawResponse, Error<B>> {
        let payload = self.payload()?;
        let headers = self.header_values()?;
        let url = self.url()?;
        self.runtime
            .call(*self.op, url, &payload, &headers, &self.options, true)
            .await?
            .into_raw(*self.op)
            .await
    }

    /// Sends the request, retrying as the policy allows until an answer's head arrives (within the timeout of an
    /// attempt), and returns it with its body still to be read: a [`ByteStream`](super::ByteStream) that holds one
    /// chunk at a time, each within the idle timeout. For downloads and server-sent events; an error answer can
    /// still be read whole and decoded ([`StreamingResponse::success`]).
    pub async fn send_streaming(self) -> Result<StreamingResponse<B>, Error<B>> {
        let payload = self.payload()?;
        let headers = self.header_values()?;
        let url = self.url()?;
        self.runtime
            .stream(*self.op, url, &payload, &headers, &self.options)
            .await
    }

    /// Every page in turn, from this request's page on, following the operation's pagination (next links,
    /// cursors or `Link` headers, links only to the base URL's scheme, host and port) until the last page.
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
        let paging = self.paging();
        Paginator::from_stream(
            self.page_values()
                .map(move |page| {
                    let items: Result<Vec<T>, Error<B>> =
                        page.and_then(|(raw, mut value)| raw.from_value(paging.items(&mut value)));
                    match items {
                        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
                        Err(e) => stream::once(async move { Err(e) }).right_stream(),
                    }
                })
                .flatten(),
        )
    }

    /// The operation's pagination; an operation described without one pages like Django REST framework.
    fn paging(&self) -> Paging {
        self.op.page.unwrap_or(Paging::NextUrl(paging::PageFields {
            next: "next",
            results: "results",
        }))
    }

    /// Each page as JSON (with the answer it came in, for error messages and `Link` headers).
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
        let paging = self.paging();
        let first_options = self.options.clone();
        // Each further page is a request of its own: a caller's idempotency key belongs to the first.
        let options = RequestOptions {
            idempotency_key: None,
            ..first_options.clone()
        };
        let headers = self.header_values();
        let first_url = self.url();
        stream::try_unfold(Cursor::First(Box::new(self)), move |cursor| {
            let runtime = runtime.clone();
            let options = options.clone();
            let first_options = first_options.clone();
            let headers = headers.as_ref().map(Vec::clone).map_err(|e| e.to_string());
            let first_url = first_url
                .as_ref()
                .map(reqwest::Url::clone)
                .map_err(|e| e.to_string());
            async move {
                let invalid = |message: String| Error::InvalidRequest {
                    operation: op.name,
                    message,
                };
                let (raw, url) = match cursor {
                    Cursor::First(request) => {
                        let payload = request.payload()?;
                        let headers = request.header_values()?;
                        let url = request.url()?;
                        let received = runtime
                            .call(op, url.clone(), &payload, &headers, &first_options, true)
                            .await?;
                        (received.into_raw(op).await?, url)
                    }
                    Cursor::Fetch(url) => {
                        let headers = headers.map_err(invalid)?;
                        let received = runtime
                            .call(op, url.clone(), &Payload::None, &headers, &options, true)
                            .await?;
                        (received.into_raw(op).await?, url)
                    }
                    Cursor::Refuse(e) => return Err(e),
                    Cursor::Done => return Ok(None),
                };
                if !raw.status().is_success() {
                    return Err(raw.into_error());
                }
                let value: Value = raw.json()?;
                let first_url = first_url.map_err(invalid)?;
                let next =
                    match paging::next_page(&runtime, op, paging, &first_url, &url, &raw, &value) {
                        Next::Fetch(url) => Cursor::Fetch(url),
                        Next::Done => Cursor::Done,
                        Next::Refuse(e) => Cursor::Refuse(e),
                    };
                Ok(Some(((raw, value), next)))
            }
        })
    }
}
