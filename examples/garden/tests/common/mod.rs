//! Shared by the end-to-end tests: a garden server on 127.0.0.1, clients of it, and raw requests for input the
//! typed client cannot send.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use apigen_runtime::{reqwest, serde_json};
use garden_example::api::client::{ApiErrorBody, Client, Error, RetryPolicy};
use garden_example::api::models::{Notice, Problem};
use garden_example::GardenServer;

/// The garden every test works in (the base path's `{garden}`).
pub const GARDEN: &str = "riverside";

/// Starts a server with the demo keys and returns its base URL.
pub async fn start() -> String {
    let address = garden_example::serve(GardenServer::demo())
        .await
        .expect("127.0.0.1 has a free port");
    format!("http://{address}")
}

/// A client sending `key`. Retries are off: every answer of these tests is final.
pub fn client(base: &str, key: &str) -> Client {
    Client::builder()
        .base_url(base)
        .api_key(key)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

/// A client sending no key at all.
pub fn anonymous(base: &str) -> Client {
    Client::builder()
        .base_url(base)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

/// The status and `Problem` body of a failed call; fails the test on anything else.
pub fn problem<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, Problem) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::Problem(problem) => (error.status.as_u16(), problem),
            other => panic!("{}: not a Problem: {other:?}", error.status),
        },
        other => panic!("expected an error answer, got {other:?}"),
    }
}

/// The status and `Notice` body of a failed call; fails the test on anything else.
pub fn notice<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, Notice) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::Notice(notice) => (error.status.as_u16(), notice),
            other => panic!("{}: not a Notice: {other:?}", error.status),
        },
        other => panic!("expected an error answer, got {other:?}"),
    }
}

/// Sends `method path` (relative to the garden) with `key` and a raw JSON `body`, and returns the status and the
/// body as JSON (`null` when empty).
pub async fn raw(
    base: &str,
    method: reqwest::Method,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> (u16, serde_json::Value) {
    let url = format!("{base}/v2/gardens/{GARDEN}{path}");
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("the body arrives");
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a JSON body")
    };
    (status, json)
}
