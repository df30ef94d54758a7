//! Shared by the GitHub slice's tests: GitHub's example bodies, the fake on 127.0.0.1 and clients of it.

pub use slice_testkit::round_trip;

use github_example::GitHub;
use github_slice::client::{ApiErrorBody, Client, Error, RetryPolicy};
use github_slice::models::{BasicError, ValidationError};
use github_slice::rt::serde_json::Value;

/// GitHub's example `name` (a file of `tests/data/`, YAML as in the description) as a JSON value.
pub fn example(name: &str) -> Value {
    slice_testkit::example(env!("CARGO_MANIFEST_DIR"), name)
}

/// Starts the fake with the demo tokens and returns its base URL.
pub async fn start() -> String {
    let address = github_example::serve(GitHub::demo())
        .await
        .expect("127.0.0.1 has a free port");
    format!("http://{address}")
}

/// A client of `base` sending `token` (`None`: no credentials). Retries are off: every answer here is final.
pub fn client(base: &str, token: Option<&str>) -> Client {
    let builder = Client::builder()
        .base_url(base)
        .retry_policy(RetryPolicy::none());
    let builder = match token {
        Some(token) => builder.api_key(token),
        None => builder,
    };
    builder.build().expect("a valid configuration")
}

/// The status and `BasicError` body of a failed call; fails the test on anything else.
pub fn basic_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, BasicError) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::BasicError(body) => (error.status.as_u16(), body),
            other => panic!("{}: not a BasicError: {other:?}", error.status),
        },
        other => panic!("expected an error answer, got {other:?}"),
    }
}

/// The status and `ValidationError` body of a failed call; fails the test on anything else.
pub fn validation_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, ValidationError) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::ValidationError(body) => (error.status.as_u16(), body),
            other => panic!("{}: not a ValidationError: {other:?}", error.status),
        },
        other => panic!("expected an error answer, got {other:?}"),
    }
}
