//! Idempotency keys: one fresh key per call of an operation that takes one, the same on each retry, which makes
//! a POST retried like an idempotent call; a caller's own key; none for operations without an idempotency
//! header.

use super::support::*;
use apigen_runtime::client::{Request, RequestOptions, Url};
use serde_json::{json, Value};
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn items_url(server: &MockServer) -> Url {
    Url::parse(&format!("{}/api/1/items/", server.uri())).expect("a valid URL")
}

/// The `Idempotency-Key` of each request `server` received.
async fn keys(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .get("idempotency-key")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
        .collect()
}

/// A server answering the first POST 503 and every later one 201.
async fn busy_once() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_keyed_post_is_retried_with_the_same_key_and_each_call_gets_its_own() {
    let server = busy_once().await;
    let rt = runtime(builder(&server.uri()).retry_policy(fast_retries(3)));
    let raw = rt
        .execute(CREATE_ITEM_KEYED, items_url(&server), Some(b"{}".to_vec()))
        .await
        .expect("answered");
    assert_eq!(raw.status(), 201, "the 503 was retried");
    rt.execute(CREATE_ITEM_KEYED, items_url(&server), Some(b"{}".to_vec()))
        .await
        .expect("answered");
    let keys = keys(&server).await;
    assert_eq!(keys.len(), 3);
    let first = keys[0].clone().expect("a key was sent");
    let parsed: uuid::Uuid = first.parse().expect("the key is a UUID");
    assert_eq!(parsed.get_version_num(), 4);
    assert_eq!(
        keys[1].as_deref(),
        Some(first.as_str()),
        "the retry kept the key"
    );
    let second = keys[2].clone().expect("a key was sent");
    assert_ne!(second, first, "another call, another key");
}

#[tokio::test]
async fn a_post_without_a_key_is_not_retried_and_sends_none() {
    let server = busy_once().await;
    let rt = runtime(builder(&server.uri()).retry_policy(fast_retries(3)));
    let raw = rt
        .execute(CREATE_ITEM, items_url(&server), Some(b"{}".to_vec()))
        .await
        .expect("answered");
    assert_eq!(raw.status(), 503, "not retried: it might act twice");
    assert_eq!(keys(&server).await, [None]);
}

#[tokio::test]
async fn a_callers_key_is_sent_on_every_attempt_and_allows_retries() {
    let server = busy_once().await;
    let rt = runtime(builder(&server.uri()).retry_policy(fast_retries(3)));
    let options = RequestOptions::new().idempotency_key("order-42");
    // The operation names no header: the caller's key goes in `Idempotency-Key`.
    let raw = rt
        .execute_with(
            CREATE_ITEM,
            items_url(&server),
            Some(b"{}".to_vec()),
            &options,
        )
        .await
        .expect("answered");
    assert_eq!(raw.status(), 201);
    // An operation with its own header takes the caller's key instead of a fresh one.
    rt.execute_with(
        CREATE_ITEM_KEYED,
        items_url(&server),
        Some(b"{}".to_vec()),
        &options,
    )
    .await
    .expect("answered");
    let expected = Some("order-42".to_owned());
    assert_eq!(
        keys(&server).await,
        [expected.clone(), expected.clone(), expected]
    );

    let bad = RequestOptions::new().idempotency_key("line\nbreak");
    let outcome = rt
        .execute_with(CREATE_ITEM, items_url(&server), None, &bad)
        .await;
    assert!(
        matches!(outcome, Err(Error::InvalidRequest { .. })),
        "{outcome:?}"
    );
    assert_eq!(received(&server).await, 3);
}

#[tokio::test]
async fn a_callers_key_goes_with_the_first_page_only() {
    let server = MockServer::start().await;
    let next = format!("{}/api/1/items/?page=2", server.uri());
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"next": null, "results": [2]})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"next": next, "results": [1]})),
        )
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    let items: Vec<Value> = Request::new(&rt, &LIST_ITEMS, vec!["1".into()])
        .with_options(RequestOptions::new().idempotency_key("list-1"))
        .items()
        .try_collect()
        .await
        .expect("two pages");
    assert_eq!(items, [json!(1), json!(2)]);
    assert_eq!(keys(&server).await, [Some("list-1".to_owned()), None]);
}
