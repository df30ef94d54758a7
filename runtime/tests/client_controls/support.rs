//! What the client-control tests share: a client type for the runtime, operations, URLs and counts.

use apigen_runtime::client::{
    BuildClient, ClientBuilder, HttpMethod, Operation, RetryPolicy, Runtime, Url,
};
use std::time::Duration;

/// The key every test client sends.
pub const KEY: &str = "phx_secret_test_key";

/// The error body of the test client: the text (the runtime decodes `String` bodies as such).
pub type Text = String;

/// A stand-in for a generated client.
pub struct TestClient(pub Runtime<Text>);

impl BuildClient for TestClient {
    type ErrorBody = Text;
    const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:9";
    const BASE_URL_ENV: Option<&'static str> = None;
    const USER_AGENT: &'static str = "controls-test/1.0";
    fn from_runtime(runtime: Runtime<Text>) -> Self {
        TestClient(runtime)
    }
}

pub type Error = apigen_runtime::client::Error<Text>;

/// `GET /api/{project}/items/{id}/`: idempotent, authenticated.
pub const GET_ITEM: Operation =
    Operation::new("items.get", HttpMethod::Get, "/api/{project}/items/{id}/");

/// `POST /api/{project}/items/`: not idempotent, no idempotency header.
pub const CREATE_ITEM: Operation =
    Operation::new("items.create", HttpMethod::Post, "/api/{project}/items/").json_body(&[]);

/// The same POST, for an API that reads idempotency keys from `Idempotency-Key`.
pub const CREATE_ITEM_KEYED: Operation = CREATE_ITEM.idempotency_key("Idempotency-Key");

/// `GET /api/{project}/items/`: a paginated list.
pub const LIST_ITEMS: Operation =
    Operation::new("items.list", HttpMethod::Get, "/api/{project}/items/")
        .paginated("next", "results");

/// `GET_ITEM`'s URL on `server`, for project 1 and item 2.
pub fn item_url(server: &wiremock::MockServer) -> Url {
    Url::parse(&format!("{}/api/1/items/2/", server.uri())).expect("a valid URL")
}

/// How many requests `server` received.
pub async fn received(server: &wiremock::MockServer) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |requests| requests.len())
}

/// Retries without waiting long: the tests count requests, never time them.
pub fn fast_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// A builder aimed at `base` with the test key and no retries.
pub fn builder(base: &str) -> ClientBuilder<TestClient> {
    ClientBuilder::new()
        .base_url(base)
        .api_key(KEY)
        .retry_policy(RetryPolicy::none())
}

/// A built client's runtime.
pub fn runtime(builder: ClientBuilder<TestClient>) -> Runtime<Text> {
    match builder.build() {
        Ok(client) => client.0,
        Err(e) => panic!("the test configuration is valid: {e}"),
    }
}
