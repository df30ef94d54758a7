//! The server's production controls: the span and request id of each request, the `server_error` answer of
//! panics and internal errors, and `serve` against slow and hostile clients (trickled heads and bodies, huge
//! heads, bodies over the limit) and at shutdown, all on 127.0.0.1. Waits are bounded by a guard that fails the
//! test; no test asserts how long anything took.

// Shared with the client-control tests, which read more of it.
#[allow(dead_code)]
#[path = "../common/capture.rs"]
mod capture;
mod errors;
mod hostile;
mod shutdown;
mod spans;
mod support;
mod surface;
