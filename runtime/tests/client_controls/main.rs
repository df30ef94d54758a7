//! The client's production controls against wiremock servers on 127.0.0.1: the `tracing` span of each call,
//! per-request options, hooks, redirects, idempotency keys. Tests count requests and read what was logged; none
//! depends on how long anything took.

mod auth;
mod bodies;
#[path = "../common/capture.rs"]
mod capture;
mod hooks;
mod idempotency;
mod options;
mod paging;
mod redirects;
mod responses;
mod spans;
mod support;
