//! Streamed answers: [`StreamingResponse`] (the head, and the body as a [`ByteStream`] that never holds more than
//! the chunk being read), and server-sent events read from one as typed [`Event`]s ([`EventStream`]), per the
//! WHATWG `text/event-stream` format.

use super::headers;
use super::{snippet, Error, ErrorBody, RawResponse};
use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future as _;
use std::marker::PhantomData;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

/// The most bytes of an error answer a streamed call reads to decode it (an error body is small; a server that
/// sends more is cut off there).
pub const ERROR_BODY_LIMIT: usize = 1024 * 1024;

/// The largest event an [`EventStream`] assembles (its `data` lines together): 8 MiB. A larger one ends the stream
/// with [`Error::TooLarge`], so a server that never sends a blank line cannot fill the memory.
pub const MAX_EVENT_BYTES: usize = 8 * 1024 * 1024;

/// An answer whose head has arrived and whose body is still to be read, from
/// [`Request::send_streaming`](super::Request::send_streaming).
pub struct StreamingResponse<B> {
    pub(super) operation: &'static str,
    pub(super) status: StatusCode,
    pub(super) headers: HeaderMap,
    pub(super) body: ByteStream<B>,
}

impl<B> fmt::Debug for StreamingResponse<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .finish_non_exhaustive()
    }
}

impl<B: ErrorBody> StreamingResponse<B> {
    /// The answer's status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The header `name` as its type (see [`RawResponse::header`]).
    pub fn header<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Error<B>> {
        headers::header(&self.headers, name).map_err(|message| Error::Decode {
            operation: self.operation,
            status: self.status,
            message,
            snippet: String::new(),
        })
    }

    /// The body, whatever the status.
    pub fn into_body(self) -> ByteStream<B> {
        self.body
    }

    /// The body for a success status; for any other, the body read whole (at most [`ERROR_BODY_LIMIT`] bytes) and
    /// decoded into the API's error models, as [`Error::Api`].
    pub async fn success(self) -> Result<ByteStream<B>, Error<B>> {
        if self.status.is_success() {
            return Ok(self.body);
        }
        match self.into_raw(ERROR_BODY_LIMIT).await {
            Ok(raw) => Err(raw.into_error()),
            Err(e) => Err(e),
        }
    }

    /// The typed events of a success answer's `text/event-stream` body, ending at `sentinel` (`[DONE]`) or at
    /// the end of the body; any other status is [`Error::Api`], as for [`StreamingResponse::success`].
    pub async fn success_events<T: DeserializeOwned>(
        self,
        sentinel: Option<&'static str>,
    ) -> Result<EventStream<T, B>, Error<B>> {
        Ok(self.success().await?.events(sentinel))
    }

    /// The whole answer read into memory (at most `max_bytes` of body, else [`Error::TooLarge`]), to decode it
    /// as [`Request::send`](super::Request::send) would have.
    pub async fn into_raw(self, max_bytes: usize) -> Result<RawResponse, Error<B>> {
        let operation = self.operation;
        let status = self.status;
        let headers = self.headers;
        let body = self.body.collect_capped(max_bytes).await?;
        Ok(RawResponse {
            operation,
            status,
            headers,
            body: body.to_vec(),
        })
    }
}

/// A body read as it arrives, chunk by chunk: a [`Stream`] of [`Bytes`] that holds only the chunk being read.
/// Each chunk must arrive within the idle timeout
/// ([`ClientBuilder::idle_timeout`](super::ClientBuilder::idle_timeout)), or the stream ends with
/// [`Error::TimedOut`]. The first error ends it.
pub struct ByteStream<B> {
    operation: &'static str,
    status: StatusCode,
    inner: BoxStream<'static, Result<Bytes, reqwest::Error>>,
    idle: Option<Duration>,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
    done: bool,
    error_body: PhantomData<fn() -> B>,
}

impl<B> fmt::Debug for ByteStream<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("idle_timeout", &self.idle)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<B> ByteStream<B> {
    pub(super) fn new(
        operation: &'static str,
        status: StatusCode,
        response: reqwest::Response,
        idle: Option<Duration>,
        query_keys: bool,
    ) -> Self {
        // A transport error names the URL, which may hold a query key: strip it.
        let inner = response
            .bytes_stream()
            .map(move |chunk| chunk.map_err(|e| if query_keys { e.without_url() } else { e }))
            .boxed();
        ByteStream {
            operation,
            status,
            inner,
            idle,
            timer: None,
            done: false,
            error_body: PhantomData,
        }
    }

    /// A body already in memory, as a stream of one chunk.
    pub(super) fn from_bytes(operation: &'static str, status: StatusCode, bytes: Vec<u8>) -> Self {
        ByteStream {
            operation,
            status,
            inner: futures_util::stream::once(async move { Ok(Bytes::from(bytes)) }).boxed(),
            idle: None,
            timer: None,
            done: false,
            error_body: PhantomData,
        }
    }

    /// The next chunk; `None` at the end (or after an error).
    pub async fn next(&mut self) -> Option<Result<Bytes, Error<B>>> {
        StreamExt::next(self).await
    }

    /// The whole body, or [`Error::TooLarge`] as soon as it passes `max_bytes` (the rest is not read).
    pub async fn collect_capped(mut self, max_bytes: usize) -> Result<Bytes, Error<B>> {
        let mut out = Vec::new();
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            if out.len() + chunk.len() > max_bytes {
                return Err(Error::TooLarge {
                    operation: self.operation,
                    limit: max_bytes as u64,
                });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(Bytes::from(out))
    }

    /// Writes the body to `writer` as it arrives (flushing at the end) and returns how many bytes it had.
    pub async fn write_to<W: AsyncWrite + Unpin>(
        mut self,
        writer: &mut W,
    ) -> Result<u64, Error<B>> {
        let operation = self.operation;
        let io = |source| Error::Io {
            operation,
            what: "writing the answer's body".to_owned(),
            source,
        };
        let mut written = 0u64;
        while let Some(chunk) = self.next().await {
            let chunk = chunk?;
            writer.write_all(&chunk).await.map_err(io)?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(io)?;
        Ok(written)
    }

    /// Writes the body to the file at `path` (created, or truncated) and returns how many bytes it had.
    pub async fn write_to_file(self, path: impl AsRef<Path>) -> Result<u64, Error<B>> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|source| Error::Io {
                operation: self.operation,
                what: format!("creating {}", path.display()),
                source,
            })?;
        self.write_to(&mut file).await
    }

    /// The body's server-sent events, each `data` decoded as JSON into `T`, ending at the event whose data is
    /// `sentinel` (OpenAI's `[DONE]`) or at the end of the body.
    pub fn events<T: DeserializeOwned>(self, sentinel: Option<&'static str>) -> EventStream<T, B> {
        EventStream::new(self, sentinel, decode_json::<T>)
    }

    /// The body's server-sent events with their data as text.
    pub fn text_events(self, sentinel: Option<&'static str>) -> EventStream<String, B> {
        EventStream::new(self, sentinel, |data| Ok(data.to_owned()))
    }
}

impl<B> Stream for ByteStream<B> {
    type Item = Result<Bytes, Error<B>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        match this.inner.poll_next_unpin(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                // The wait for the next chunk starts now.
                this.timer = None;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(source))) => {
                this.done = true;
                let operation = this.operation;
                Poll::Ready(Some(Err(if source.is_timeout() {
                    Error::Timeout { operation, source }
                } else {
                    Error::Transport { operation, source }
                })))
            }
            Poll::Ready(None) => {
                this.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => {
                let Some(idle) = this.idle else {
                    return Poll::Pending;
                };
                let timer = this
                    .timer
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
                match timer.as_mut().poll(cx) {
                    Poll::Ready(()) => {
                        this.done = true;
                        Poll::Ready(Some(Err(Error::TimedOut {
                            operation: this.operation,
                            waited: idle,
                            what: "the next chunk of the body",
                        })))
                    }
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's type: its `event:` field, `message` without one.
    pub event: String,
    /// Its `data:` lines, joined with newlines and decoded.
    pub data: T,
    /// The last event id the stream set (an `id:` field of this event or an earlier one), as a browser's
    /// `lastEventId`; `None` until one is set.
    pub id: Option<String>,
    /// The reconnection time the stream asked for last (`retry:`), if any.
    pub retry: Option<Duration>,
}

/// An event as the parser assembled it, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawEvent {
    event: String,
    data: String,
    id: Option<String>,
    retry: Option<Duration>,
}

/// The WHATWG `text/event-stream` parser: bytes in, complete events out. Lines end with CRLF, LF or CR; a line
/// starting with `:` is a comment; `field: value` sets a field (one space after the colon dropped); a blank line
/// dispatches the event, unless it has no data; an unterminated event at the end of the stream is dropped, as the
/// format says.
#[derive(Debug, Default)]
struct Parser {
    /// The bytes of the line being read.
    line: Vec<u8>,
    /// A CR ended the last line: an LF right after it belongs to it.
    after_cr: bool,
    /// Whether the stream's first bytes were seen (a BOM there is dropped).
    started: bool,
    event: String,
    data: String,
    last_id: Option<String>,
    retry: Option<Duration>,
}

impl Parser {
    /// Feeds `chunk`, pushing every event it completes onto `out`; an error when an event passes `limit`.
    fn feed(
        &mut self,
        mut chunk: &[u8],
        limit: usize,
        out: &mut VecDeque<RawEvent>,
    ) -> Result<(), ()> {
        if !self.started && !chunk.is_empty() {
            self.started = true;
            chunk = chunk
                .strip_prefix(b"\xEF\xBB\xBF".as_slice())
                .unwrap_or(chunk);
        }
        for &byte in chunk {
            if std::mem::take(&mut self.after_cr) && byte == b'\n' {
                continue;
            }
            match byte {
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.line(&line, out);
                }
                _ => {
                    self.line.push(byte);
                    if self.line.len() + self.data.len() > limit {
                        return Err(());
                    }
                }
            }
        }
        if self.data.len() > limit {
            return Err(());
        }
        Ok(())
    }

    fn line(&mut self, line: &[u8], out: &mut VecDeque<RawEvent>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let text = String::from_utf8_lossy(line);
        let (field, value) = match text.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (text.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits only, so the parse fails only past u64, which is no reconnection time anyway.
                if let Ok(ms) = value.parse() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut VecDeque<RawEvent>) {
        let event = std::mem::take(&mut self.event);
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        out.push_back(RawEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
            retry: self.retry,
        });
    }
}

fn decode_json<T: DeserializeOwned>(data: &str) -> Result<T, String> {
    let mut deserializer = serde_json::Deserializer::from_str(data);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            inner.to_string()
        } else {
            format!("at `{path}`: {inner}")
        }
    })?;
    deserializer.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// The typed server-sent events of a body: a [`Stream`] of [`Event`]s, ending at the sentinel (if one is given)
/// or at the end of the body. An event whose data does not decode ends it with [`Error::Decode`] naming the event
/// (its type and id) and quoting its data.
pub struct EventStream<T, B> {
    bytes: ByteStream<B>,
    parser: Parser,
    ready: VecDeque<RawEvent>,
    sentinel: Option<&'static str>,
    decode: fn(&str) -> Result<T, String>,
    done: bool,
}

impl<T, B> fmt::Debug for EventStream<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("operation", &self.bytes.operation)
            .field("sentinel", &self.sentinel)
            .field("last_event_id", &self.parser.last_id)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<T, B> EventStream<T, B> {
    fn new(
        bytes: ByteStream<B>,
        sentinel: Option<&'static str>,
        decode: fn(&str) -> Result<T, String>,
    ) -> Self {
        EventStream {
            bytes,
            parser: Parser::default(),
            ready: VecDeque::new(),
            sentinel,
            decode,
            done: false,
        }
    }

    /// The next event; `None` at the end (the sentinel, the end of the body, or after an error).
    pub async fn next(&mut self) -> Option<Result<Event<T>, Error<B>>>
    where
        T: Unpin,
    {
        StreamExt::next(self).await
    }

    /// The last event id the stream set, to send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_id.as_deref()
    }

    /// The reconnection time the stream asked for last (`retry:`).
    pub fn retry(&self) -> Option<Duration> {
        self.parser.retry
    }

    /// The event's data decoded, or the decode error naming the event.
    fn decoded(&self, raw: RawEvent) -> Result<Event<T>, Error<B>> {
        match (self.decode)(&raw.data) {
            Ok(data) => Ok(Event {
                event: raw.event,
                data,
                id: raw.id,
                retry: raw.retry,
            }),
            Err(message) => Err(Error::Decode {
                operation: self.bytes.operation,
                status: self.bytes.status,
                message: format!(
                    "the event `{}`{} did not decode: {message}",
                    raw.event,
                    raw.id
                        .as_deref()
                        .map(|id| format!(" (id {id:?})"))
                        .unwrap_or_default()
                ),
                snippet: snippet(raw.data.as_bytes()),
            }),
        }
    }
}

impl<T: Unpin, B> Stream for EventStream<T, B> {
    type Item = Result<Event<T>, Error<B>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(raw) = this.ready.pop_front() {
                if this.sentinel == Some(raw.data.as_str()) {
                    this.done = true;
                    return Poll::Ready(None);
                }
                let event = this.decoded(raw);
                this.done = event.is_err();
                return Poll::Ready(Some(event));
            }
            match this.bytes.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(chunk))) => {
                    if this
                        .parser
                        .feed(&chunk, MAX_EVENT_BYTES, &mut this.ready)
                        .is_err()
                    {
                        this.done = true;
                        return Poll::Ready(Some(Err(Error::TooLarge {
                            operation: this.bytes.operation,
                            limit: MAX_EVENT_BYTES as u64,
                        })));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(chunks: &[&[u8]]) -> (Vec<RawEvent>, Parser) {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        for chunk in chunks {
            parser
                .feed(chunk, MAX_EVENT_BYTES, &mut out)
                .expect("under the limit");
        }
        (out.into_iter().collect(), parser)
    }

    fn event(event: &str, data: &str, id: Option<&str>) -> RawEvent {
        RawEvent {
            event: event.into(),
            data: data.into(),
            id: id.map(str::to_owned),
            retry: None,
        }
    }

    #[test]
    fn the_whatwg_examples() {
        // From the HTML standard's examples: multi-line data, comments, ids, a field without a colon.
        let (events, _) = parse(&[b": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n"]);
        assert_eq!(
            events,
            [
                event("message", "first event", Some("1")),
                event("message", "second event", Some("")),
                event("message", " third event", Some("")),
            ]
        );
        let (events, _) = parse(&[b"data\n\ndata\ndata\n\ndata:\n"]);
        // The first two events have data "" and "\n"; the last is never terminated, so it is dropped.
        assert_eq!(
            events,
            [event("message", "", None), event("message", "\n", None)]
        );
        let (events, _) = parse(&[b"data:test\n\ndata: test\n\n"]);
        assert_eq!(
            events,
            [
                event("message", "test", None),
                event("message", "test", None)
            ]
        );
    }

    #[test]
    fn line_endings_split_across_chunks_and_a_bom() {
        let (events, parser) = parse(&[
            b"\xEF\xBB\xBFevent: add\r",
            b"\ndata: {\"a\":\r\ndata: 1}\r",
            b"\r",
            b"retry: 2500\nid: x\0y\nevent: up\rdata: 2\n\n",
        ]);
        let mut second = event("up", "2", None);
        second.retry = Some(Duration::from_millis(2500));
        assert_eq!(events, [event("add", "{\"a\":\n1}", None), second]);
        // An id holding NUL is ignored.
        assert_eq!(parser.last_id, None);
    }

    #[test]
    fn an_event_without_data_is_not_dispatched_and_resets_its_type() {
        let (events, _) = parse(&[b"event: ping\n\ndata: x\n\n"]);
        assert_eq!(events, [event("message", "x", None)]);
    }

    #[test]
    fn a_huge_event_is_refused() {
        let mut parser = Parser::default();
        let mut out = VecDeque::new();
        let line = vec![b'a'; 100];
        assert!(parser.feed(b"data: ", 64, &mut out).is_ok());
        assert!(parser.feed(&line, 64, &mut out).is_err());
        let mut parser = Parser::default();
        let many = b"data: 0123456789\n".repeat(10);
        assert!(parser.feed(&many, 64, &mut out).is_err());
        assert!(out.is_empty());
    }
}
