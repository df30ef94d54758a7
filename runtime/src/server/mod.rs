//! The runtime of generated axum servers (feature `server`): what every generated handler calls.
//!
//! - [`auth`]: the credentials of each security scheme (bearer, basic, API keys in a header or the query),
//!   [`auth::Authenticate`] and [`auth::Caller`], and the spec's scope rules;
//! - [`answer`]: text, binary and server-sent-event answers, typed response headers, `Link` headers, statuses
//!   checked against their spec range;
//! - [`error`]: [`error::ApiError`], why a request is refused, and the spec's error answers that render it;
//! - [`schema`]: the static description of an API's inputs, and the checks of every request against it;
//! - [`serve`](mod@serve): what a generated handler calls (prepare a request, hand out its inputs, build the
//!   router);
//! - [`runtime`]: the router's state, the body limit, caught panics, and the [`runtime::RequestContext`];
//! - [`trace`]: the request id and the `tracing` span of each request;
//! - [`listen`]: [`serve`](listen::serve), serving a router on a listener with limits on slow and hostile
//!   clients and graceful shutdown;
//! - `extract`: serde decoding errors as validation answers; `multipart`: multipart bodies within their limits.

pub mod answer;
pub mod auth;
pub mod error;
mod extract;
pub mod listen;
mod multipart;
pub mod runtime;
pub mod schema;
pub mod serve;
pub mod trace;

pub use super::{AuthScheme, File, SecurityScheme};
pub use answer::{
    binary, binary_stream, empty_in, empty_with_headers, events, fault, json_in, json_with_headers,
    status_in, text, with_headers, Fault, LinkHeader, ResponseHeaders, StatusRange,
};
pub use auth::{Authenticate, Caller, Credentials, ScopeRules};
pub use error::{json_response, ApiError, ErrorAnswer, ErrorAnswers};
pub use listen::serve;

/// The events of a `text/event-stream` answer, as a generated answer enum holds them: any `Stream` of the event
/// type, boxed (`futures::StreamExt::boxed`, or `Box::pin(stream)`), sent by [`events`].
pub type EventStream<T> = std::pin::Pin<Box<dyn futures::Stream<Item = T> + Send + 'static>>;
pub use runtime::{RequestContext, ServerOptions, ServerState, Shared};
pub use serve::{empty, json, Call, FilePart, Input, Operation, RequestBody, Routes, Security};
pub use trace::{RequestId, REQUEST_ID_HEADER};
