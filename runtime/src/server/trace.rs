//! The `tracing` span of each request a generated router serves, and its request id.
//!
//! [`Routes::finish`](super::Routes::finish) wraps every route (and the fallbacks) in [`trace_request`]: it takes
//! the request id from the `X-Request-Id` header when the client sent a sane one, or makes one, echoes it in the
//! answer, and runs the request in an `apigen.request` span. The handler fills in what only it knows (the
//! operation id and the caller's identity) with [`record_operation`] and [`record_caller`]; the layer records
//! the status and the duration once the answer is ready. No header value but the request id is recorded, so never
//! the bearer key.

use super::auth::Caller;
use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::time::Instant;
use tracing::field::Empty;
use tracing::Instrument as _;

/// The header a request id is read from and echoed in.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The longest request id taken from a client; a longer one is replaced (ids end up in every log line).
const MAX_REQUEST_ID_LEN: usize = 128;

/// The id of one request: the client's `X-Request-Id` when sane, else a fresh UUID. Handlers read it with
/// [`RequestContext::request_id`](super::RequestContext::request_id); middleware from the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId(String);

impl RequestId {
    /// The client's id from `headers` if it is sane (1 to 128 characters of letters, digits and `-_.:/+=`,
    /// which covers UUIDs, ULIDs, W3C trace ids and base64), else a fresh random UUID. Anything else could break
    /// log lines or smuggle text into them, so it is not reused.
    pub fn from_headers(headers: &HeaderMap) -> RequestId {
        headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|id| is_sane(id))
            .map_or_else(RequestId::fresh, |id| RequestId(id.to_owned()))
    }

    /// A random version-4 UUID from the thread's fast generator (seeded from the OS once per thread): request ids
    /// must be unique, not unguessable, and this spares a system call per request.
    fn fresh() -> RequestId {
        let bytes = fastrand::u128(..).to_le_bytes();
        RequestId(
            uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .to_string(),
        )
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a client's request id can be logged and echoed as it is.
fn is_sane(id: &str) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b))
}

/// The middleware every generated route runs in: request id, span, status, duration.
///
/// It is `axum::middleware::from_fn` middleware, which boxes and clones a service per request: about 1.9k of the
/// 5.6k instructions the span adds to a request (BENCHMARKS.md). A hand-written tower layer would save those but
/// needs the `tower-layer` and `tower-service` crates as dependencies of the runtime.
///
/// The span is `apigen.request` (INFO) with the fields `request_id`, `method`, `route` (the path template that
/// matched; absent for unknown paths), `operation` and `caller` (recorded by the handler), `status` and
/// `duration_ms` (from the request's arrival to its answer's head).
pub async fn trace_request(mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = RequestId::from_headers(request.headers());
    let span = tracing::info_span!(
        "apigen.request",
        request_id = id.as_str(),
        method = request.method().as_str(),
        route = Empty,
        operation = Empty,
        caller = Empty,
        status = Empty,
        duration_ms = Empty,
    );
    if let Some(route) = request.extensions().get::<MatchedPath>() {
        span.record("route", route.as_str());
    }
    let echoed = HeaderValue::from_str(id.as_str()).ok();
    request.extensions_mut().insert(id);
    let mut response = next.run(request).instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    span.record("duration_ms", started.elapsed().as_micros() as f64 / 1000.0);
    // The id is sane, so it is a valid header value; the `if let` only spares an `unwrap`.
    if let Some(echoed) = echoed {
        response.headers_mut().insert(REQUEST_ID_HEADER, echoed);
    }
    response
}

/// Records the operation id in the current request's span (a handler runs inside it).
pub fn record_operation(id: &'static str) {
    tracing::Span::current().record("operation", id);
}

/// Records who the caller is, as [`Caller::identity`] says, in the current request's span.
pub fn record_caller(caller: &impl Caller) {
    if let Some(identity) = caller.identity() {
        tracing::Span::current().record("caller", identity.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_for(value: &str) -> RequestId {
        let mut headers = HeaderMap::new();
        headers.insert(
            REQUEST_ID_HEADER,
            HeaderValue::from_bytes(value.as_bytes()).expect("a test header value"),
        );
        RequestId::from_headers(&headers)
    }

    #[test]
    fn sane_ids_are_kept_and_others_replaced() {
        for kept in [
            "abc",
            "0af7651916cd43dd8448eb211c80319c",
            "01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "req-1:2/3+4=",
        ] {
            assert_eq!(id_for(kept).as_str(), kept);
        }
        let long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for replaced in ["", "has space", "quote\"", "new\tline", "é", long.as_str()] {
            let id = id_for(replaced);
            assert_ne!(id.as_str(), replaced);
            assert!(
                id.as_str().parse::<uuid::Uuid>().is_ok(),
                "{replaced:?} → {id:?}"
            );
        }
        let fresh = RequestId::from_headers(&HeaderMap::new());
        let other = RequestId::from_headers(&HeaderMap::new());
        assert_ne!(fresh, other);
    }
}
