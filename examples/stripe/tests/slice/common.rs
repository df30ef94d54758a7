//! Shared by the Stripe slice's tests: Stripe's fixtures, the fake on 127.0.0.1 and clients of it.

pub use slice_testkit::round_trip;

use stripe_example::Stripe;
use stripe_slice::client::{ApiErrorBody, Client, Error, RetryPolicy};
use stripe_slice::models::ApiErrors;
use stripe_slice::rt::serde_json::{self, Value};

/// Stripe's fixture `name` (a file of `tests/data/`) as a JSON value.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Starts the fake with the demo keys and returns its base URL.
pub async fn start() -> String {
    let address = stripe_example::serve(Stripe::demo())
        .await
        .expect("127.0.0.1 has a free port");
    format!("http://{address}")
}

/// A client of `base` sending `key` as a bearer token (`None`: no credentials). Retries are off: every answer here
/// is final.
pub fn client(base: &str, key: Option<&str>) -> Client {
    let builder = Client::builder()
        .base_url(base)
        .retry_policy(RetryPolicy::none());
    let builder = match key {
        Some(key) => builder.api_key(key),
        None => builder,
    };
    builder.build().expect("a valid configuration")
}

/// The status and Stripe `error` object of a failed call; fails the test on anything else.
pub fn stripe_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, ApiErrors) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::Error(body) => (error.status.as_u16(), body.error),
            other => panic!("{}: not Stripe's error body: {other:?}", error.status),
        },
        other => panic!("expected an error answer, got {other:?}"),
    }
}
