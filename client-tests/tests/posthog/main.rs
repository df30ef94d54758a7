//! The generated PostHog client against wiremock servers on 127.0.0.1 (no network): every operation's request
//! and answer, error decoding, retries, timeouts, pagination and path encoding.

mod errors;
mod operations;
mod pagination;
mod paths;
mod retries;
mod support;
