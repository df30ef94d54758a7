//! Shared fixtures: a mock server with a client pointed at it, request matchers, and documented answer bodies.

use posthog_data_warehouse::client::{Client, ClientBuilder, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path};
use wiremock::{MockBuilder, MockServer, Request};

pub const KEY: &str = "phx_test_key";
pub const PROJECT: &str = "@current";
pub const ID: &str = "497f6eca-6276-4993-bfeb-53cbbbba6f08";

pub fn id() -> uuid::Uuid {
    ID.parse().expect("ID is a valid UUID literal")
}

/// A builder aimed at `server` with the test key and no retries (tests that need retries set their own policy).
pub fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .retry_policy(RetryPolicy::none())
}

pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = builder(&server).build().expect("valid configuration");
    (server, client)
}

/// A mock expecting `verb` on the project-relative `rest` path, with the bearer key and a JSON `Accept`.
pub fn expect(verb: &str, rest: &str) -> MockBuilder {
    wiremock::Mock::given(method(verb))
        .and(path(format!("/api/projects/{PROJECT}{rest}")))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("accept", "application/json"))
        .and(header("user-agent", "posthog-data-warehouse/1.0.0"))
}

/// The same, for a request that carries a JSON body.
pub fn expect_json(verb: &str, rest: &str) -> MockBuilder {
    expect(verb, rest).and(header("content-type", "application/json"))
}

/// The requests the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

/// Checks that the only request sent had no body, no content type and no query string.
pub async fn assert_bare_request(server: &MockServer) {
    let requests = received(server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert!(request.body.is_empty(), "unexpected body");
    assert!(request.headers.get("content-type").is_none());
    assert_eq!(request.url.query(), None);
}

pub fn insight_variable(name: &str) -> Value {
    json!({
        "id": ID,
        "name": name,
        "type": "String",
        "default_value": "US",
        "created_by": 1,
        "created_at": "2024-05-01T10:00:00Z",
        "code_name": name.to_lowercase(),
        "values": []
    })
}

pub fn user() -> Value {
    json!({
        "id": 1,
        "uuid": "095be615-a8ad-4c33-8e9c-c7612fbf6c9f",
        "distinct_id": "abc",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "is_email_verified": true,
        "hedgehog_config": null,
        "role_at_organization": ""
    })
}

pub fn saved_query(name: &str) -> Value {
    json!({
        "id": ID,
        "deleted": false,
        "name": name,
        "query": {"kind": "HogQLQuery", "query": "SELECT 1"},
        "created_by": user(),
        "created_at": "2024-05-01T10:00:00Z",
        "sync_frequency": null,
        "columns": [{"key": "1", "name": "1", "type": "integer"}],
        "status": "Completed",
        "last_run_at": null,
        "managed_viewset_kind": null,
        "folder_id": null,
        "folder_name": null,
        "latest_error": null,
        "latest_history_id": 7,
        "is_materialized": false,
        "origin": "data_warehouse",
        "is_test": false,
        "expires_at": null,
        "user_access_level": "editor"
    })
}

pub fn saved_query_minimal(name: &str) -> Value {
    let mut value = saved_query(name);
    if let Some(object) = value.as_object_mut() {
        object.remove("query");
        object.remove("latest_history_id");
    }
    value
}

pub fn source() -> Value {
    json!({
        "id": ID,
        "created_at": "2024-05-01T10:00:00Z",
        "created_by": "ada@example.com",
        "status": "Completed",
        "source_type": "Stripe",
        "latest_error": null,
        "prefix": "prod",
        "description": null,
        "access_method": "warehouse",
        "engine": null,
        "last_run_at": "2024-05-02T10:00:00Z",
        "schemas": [],
        "job_inputs": {"stripe_account_id": "acct_1"},
        "revenue_analytics_config": {"enabled": true, "include_invoiceless_charges": true},
        "user_access_level": null,
        "supports_webhooks": true
    })
}

/// A page of a page-number list; `next` is a full URL on `base` or null.
pub fn page(count: usize, next: Option<String>, results: Vec<Value>) -> Value {
    json!({"count": count, "next": next, "previous": null, "results": results})
}
