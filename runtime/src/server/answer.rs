//! Answers beside JSON and empty ones: [`text`], [`binary`] (a [`File`] streamed, never read whole into memory
//! when it is a path or a stream), [`events`] (server-sent events), typed response headers ([`ResponseHeaders`],
//! [`with_headers`]), the `Link` header of a paginated list ([`LinkHeader`]), and statuses checked against their
//! spec range ([`StatusRange`]).
//!
//! What an implementation gets wrong in an answer (a header value that cannot be sent, a status outside its
//! range) is the server's fault: these functions then return a [`Fault`] answer, which
//! [`ServerState::respond`](super::ServerState::respond) replaces with the spec's `server_error` answer, logging
//! why.

use super::super::encode;
use super::super::file::{self, File};
use axum::body::{Body, Bytes};
use axum::http::header::{
    HeaderName, HeaderValue, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_TYPE, LINK,
};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt as _};
use serde::Serialize;
use std::convert::Infallible;
use std::time::Duration;

/// In a response's extensions: the answer is wrong, for this reason; answered as the spec's `server_error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault(pub String);

/// A bare `500` carrying a [`Fault`], which the router renders as the spec's `server_error` answer.
pub fn fault(reason: impl Into<String>) -> Response {
    Fault(reason.into()).into_response()
}

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// A `text/plain; charset=utf-8` answer.
pub fn text(status: u16, body: String) -> Response {
    let mut response = (super::runtime::status(status), body).into_response();
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// A binary answer: the file's bytes with its content type (or `content_type`, the spec's, when it has none)
/// and, when it has a file name, `Content-Disposition: attachment; filename="..."`. A file at a path or a stream
/// is streamed in chunks as the client reads it; a file that cannot be opened or a stream that fails cuts the
/// body short (the status is already sent) and is logged.
pub fn binary(status: u16, file: File, content_type: &str) -> Response {
    let media = file.content_type().unwrap_or(content_type);
    let Ok(media) = HeaderValue::from_str(media) else {
        return fault(format!(
            "the content type {media:?} of a binary answer is not a header value"
        ));
    };
    let disposition = match file.file_name() {
        Some(name) => {
            // Quotes and backslashes would end the quoted string early: drop them from the name.
            let safe: String = name.chars().filter(|c| !matches!(c, '"' | '\\')).collect();
            match HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
                Ok(value) => Some(value),
                Err(_) => return fault(format!("the file name {name:?} is not a header value")),
            }
        }
        None => None,
    };
    let (body, length) = match file.bytes() {
        Some(bytes) => (Body::from(bytes.clone()), Some(bytes.len())),
        None => (Body::from_stream(file_stream(file)), None),
    };
    let mut response = (super::runtime::status(status), body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, media);
    if let Some(length) = length {
        headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    }
    if let Some(disposition) = disposition {
        headers.insert(CONTENT_DISPOSITION, disposition);
    }
    response
}

/// A binary answer streamed from `chunks` as they come (see [`binary`]).
pub fn binary_stream<S, E>(status: u16, chunks: S, content_type: &str) -> Response
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<super::super::StreamError> + 'static,
{
    binary(status, File::from_stream(chunks), content_type)
}

/// The chunks of a file that is not in memory, opened when the body is first read.
fn file_stream(
    file: File,
) -> impl Stream<Item = Result<Bytes, super::super::StreamError>> + Send + 'static {
    stream::once(async move { file::open(&file).await })
        .map(|opened| match opened {
            Ok((chunks, _)) => chunks,
            Err(reason) => {
                tracing::error!("a binary answer's file could not be sent: {reason}");
                stream::once(async move { Err(reason.into()) }).boxed()
            }
        })
        .flatten()
        .inspect(|chunk| {
            if let Err(e) = chunk {
                tracing::error!("a binary answer's body was cut short: {e}");
            }
        })
}

/// How often [`events`] sends a keep-alive comment while no event is ready (proxies close idle connections).
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A `text/event-stream` answer: one `data: <json>` event per item of `items`, a `: keep-alive` comment every
/// [`KEEP_ALIVE`] while none is ready, and, when `items` ends, `data: <sentinel>` (OpenAI's `[DONE]`) if one is
/// given. An item that does not serialize (never, for generated models) ends the stream, logged.
pub fn events<T, S>(status: u16, items: S, sentinel: Option<&'static str>) -> Response
where
    T: Serialize,
    S: Stream<Item = T> + Send + 'static,
{
    let data = items
        .map(|item| serde_json::to_string(&item))
        .take_while(|encoded| {
            if let Err(e) = encoded {
                tracing::error!("an event could not be serialized; the stream ends: {e}");
            }
            std::future::ready(encoded.is_ok())
        })
        .filter_map(|encoded| std::future::ready(encoded.ok()))
        .map(|json| Ok::<_, Infallible>(Event::default().data(json)));
    let last = stream::iter(sentinel.map(|s| Ok(Event::default().data(s))));
    let sse = Sse::new(data.chain(last))
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE).text("keep-alive"));
    let mut response = sse.into_response();
    *response.status_mut() = super::runtime::status(status);
    response
}

/// Typed response headers, each written as text (scalars as they are, enums by their wire value, lists
/// comma-separated), to add to an answer with [`with_headers`].
///
/// ```
/// use apigen_runtime::server::answer::{empty_with_headers, ResponseHeaders};
///
/// let headers = ResponseHeaders::new()
///     .header("x-ratelimit-remaining", &4999)
///     .header_opt("location", Some(&"/v1/items/7"));
/// let response = empty_with_headers(201, headers);
/// assert_eq!(response.headers()["x-ratelimit-remaining"], "4999");
/// ```
#[derive(Debug, Default)]
pub struct ResponseHeaders {
    values: Vec<(&'static str, Result<String, String>)>,
}

impl ResponseHeaders {
    /// No headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// The header `name` with `value` as text.
    pub fn header<T: Serialize + ?Sized>(mut self, name: &'static str, value: &T) -> Self {
        let text = serde_json::to_value(value)
            .map_err(|e| e.to_string())
            .and_then(|value| encode::header(&value));
        self.values.push((name, text));
        self
    }

    /// The header `name` when `value` is `Some`.
    pub fn header_opt<T: Serialize>(self, name: &'static str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// The `Link` header of `links`, unless it has none.
    pub fn link(mut self, links: &LinkHeader) -> Self {
        if let Some(value) = links.value() {
            self.values.push((LINK.as_str(), Ok(value)));
        }
        self
    }

    /// Sets the headers on `response`; a name or value that cannot be sent makes it a [`Fault`].
    pub fn apply(self, mut response: Response) -> Response {
        for (name, text) in self.values {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a valid header name"))
                .and_then(|header| {
                    let text =
                        text.map_err(|e| format!("the header `{name}` has no text form: {e}"))?;
                    HeaderValue::from_str(&text)
                        .map(|value| (header, value))
                        .map_err(|_| {
                            format!("the value of the header `{name}` cannot be sent in a header")
                        })
                });
            match header {
                Ok((header, value)) => {
                    response.headers_mut().append(header, value);
                }
                Err(reason) => return fault(reason),
            }
        }
        response
    }
}

/// `response` with `headers` added (see [`ResponseHeaders::apply`]).
pub fn with_headers(response: Response, headers: ResponseHeaders) -> Response {
    headers.apply(response)
}

/// A JSON answer with headers.
pub fn json_with_headers<B: Serialize>(
    status: u16,
    body: &B,
    headers: ResponseHeaders,
) -> Response {
    headers.apply(super::serve::json(status, body))
}

/// An answer without a body, with headers.
pub fn empty_with_headers(status: u16, headers: ResponseHeaders) -> Response {
    headers.apply(super::serve::empty(status))
}

/// The `Link` header of a paginated list (RFC 8288): `<url>; rel="next"`, and `prev`, `first`, `last`. Build
/// the URLs with [`RequestContext::absolute_url_with_query`](super::RequestContext::absolute_url_with_query), which keeps the request's other
/// parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkHeader {
    links: Vec<(String, String)>,
}

impl LinkHeader {
    /// No links.
    pub fn new() -> Self {
        Self::default()
    }

    /// A link of relation `rel` to `url`.
    pub fn rel(mut self, rel: impl Into<String>, url: impl Into<String>) -> Self {
        self.links.push((rel.into(), url.into()));
        self
    }

    /// The next page, if there is one.
    pub fn next(self, url: Option<String>) -> Self {
        self.optional("next", url)
    }

    /// The previous page, if there is one.
    pub fn prev(self, url: Option<String>) -> Self {
        self.optional("prev", url)
    }

    /// The first page.
    pub fn first(self, url: Option<String>) -> Self {
        self.optional("first", url)
    }

    /// The last page.
    pub fn last(self, url: Option<String>) -> Self {
        self.optional("last", url)
    }

    fn optional(self, rel: &str, url: Option<String>) -> Self {
        match url {
            Some(url) => self.rel(rel, url),
            None => self,
        }
    }

    /// The header's value, `None` without links. `>` in a URL (never in one the router built) is escaped.
    pub fn value(&self) -> Option<String> {
        if self.links.is_empty() {
            return None;
        }
        let links: Vec<String> = self
            .links
            .iter()
            .map(|(rel, url)| {
                let rel: String = rel.chars().filter(|c| !matches!(c, '"' | '\\')).collect();
                format!("<{}>; rel=\"{rel}\"", url.replace('>', "%3E"))
            })
            .collect();
        Some(links.join(", "))
    }
}

/// A range of statuses an answer of the spec covers: `4XX` is `Class(4)`, `default` is `Any`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusRange {
    /// Every status of one class: `Class(4)` is `400` to `499`.
    Class(u8),
    /// Any status (the spec's `default`).
    Any,
}

impl StatusRange {
    /// Whether `status` is in the range (and a status at all: 100 to 599).
    pub fn contains(self, status: u16) -> bool {
        (100..=599).contains(&status)
            && match self {
                StatusRange::Class(class) => status / 100 == u16::from(class),
                StatusRange::Any => true,
            }
    }
}

/// The status of an answer for a range of the spec, when `status` is in it; otherwise the handler answered
/// wrongly (a `200` for a `4XX` answer) and this is the [`Fault`] to answer with (rendered as `server_error`).
pub fn status_in(status: u16, range: StatusRange) -> Result<u16, Fault> {
    if range.contains(status) {
        Ok(status)
    } else {
        Err(Fault(format!(
            "the handler answered {status} for an answer documented for {}",
            match range {
                StatusRange::Class(class) => format!("{class}XX"),
                StatusRange::Any => "any status".to_owned(),
            }
        )))
    }
}

/// A JSON answer for a range of the spec (see [`status_in`]).
pub fn json_in<B: Serialize>(status: u16, range: StatusRange, body: &B) -> Response {
    match status_in(status, range) {
        Ok(status) => super::serve::json(status, body),
        Err(fault) => fault.into_response(),
    }
}

/// An answer without a body for a range of the spec (see [`status_in`]).
pub fn empty_in(status: u16, range: StatusRange) -> Response {
    match status_in(status, range) {
        Ok(status) => super::serve::empty(status),
        Err(fault) => fault.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(response: Response) -> String {
        let bytes =
            futures::executor::block_on(axum::body::to_bytes(response.into_body(), 1 << 20))
                .expect("in memory");
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn headers_are_text_and_bad_ones_are_faults() {
        #[derive(Serialize)]
        enum Tier {
            #[serde(rename = "pro")]
            Pro,
        }
        let response = json_with_headers(
            200,
            &serde_json::json!({"a": 1}),
            ResponseHeaders::new()
                .header("x-tier", &Tier::Pro)
                .header("x-scopes", &["a", "b"])
                .header_opt::<i64>("x-absent", None),
        );
        assert_eq!(response.headers()["x-tier"], "pro");
        assert_eq!(response.headers()["x-scopes"], "a, b");
        assert!(response.headers().get("x-absent").is_none());
        assert!(response.extensions().get::<Fault>().is_none());
        for bad in [
            ResponseHeaders::new().header("x-bad", "line\nbreak"),
            ResponseHeaders::new().header("x-obj", &serde_json::json!({"a": 1})),
            ResponseHeaders::new().header("bad name", &1),
        ] {
            let response = empty_with_headers(200, bad);
            assert_eq!(response.status(), 500);
            assert!(response.extensions().get::<Fault>().is_some());
        }
    }

    #[test]
    fn link_headers() {
        let links = LinkHeader::new()
            .next(Some("http://h/items?page=3".into()))
            .prev(Some("http://h/items?page=1".into()))
            .last(None);
        assert_eq!(
            links.value().as_deref(),
            Some(r#"<http://h/items?page=3>; rel="next", <http://h/items?page=1>; rel="prev""#)
        );
        assert_eq!(LinkHeader::new().value(), None);
        let response = empty_with_headers(200, ResponseHeaders::new().link(&links));
        assert!(response.headers()[LINK]
            .to_str()
            .is_ok_and(|v| v.contains("page=3")));
    }

    #[test]
    fn statuses_must_be_in_their_range() {
        assert!(StatusRange::Class(4).contains(404));
        assert!(!StatusRange::Class(4).contains(200));
        assert!(StatusRange::Any.contains(302));
        assert!(!StatusRange::Any.contains(600));
        assert!(!StatusRange::Class(5).contains(5));
        assert_eq!(json_in(422, StatusRange::Class(4), &1).status(), 422);
        let wrong = json_in(200, StatusRange::Class(4), &1);
        assert_eq!(wrong.status(), 500);
        assert!(wrong
            .extensions()
            .get::<Fault>()
            .is_some_and(|f| f.0.contains("4XX")));
        assert_eq!(empty_in(503, StatusRange::Class(5)).status(), 503);
    }

    #[test]
    fn text_and_binary_answers() {
        let response = text(200, "héllo".into());
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            "text/plain; charset=utf-8"
        );
        assert_eq!(body(response), "héllo");
        let file = File::from_bytes(&b"\x00\x01"[..]).with_file_name("a\"b.bin");
        let response = binary(200, file, "application/octet-stream");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/octet-stream");
        assert_eq!(response.headers()[CONTENT_LENGTH], "2");
        assert_eq!(
            response.headers()[CONTENT_DISPOSITION],
            "attachment; filename=\"ab.bin\""
        );
        let typed = binary(
            201,
            File::from_bytes(&b"x"[..]).with_content_type("audio/mpeg"),
            "x/y",
        );
        assert_eq!(typed.status(), 201);
        assert_eq!(typed.headers()[CONTENT_TYPE], "audio/mpeg");
        let bad = binary(
            200,
            File::from_bytes(&b"x"[..]).with_content_type("a\nb"),
            "x/y",
        );
        assert!(bad.extensions().get::<Fault>().is_some());
    }
}
