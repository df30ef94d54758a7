//! `RequestOptions` override the client's timeout, retry policy and headers for the one request given them, and
//! the next request of the same client is back to the client's settings.

use super::support::*;
use apigen_runtime::client::{Request, RequestOptions, RetryPolicy};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_request_timeout_applies_to_that_request_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(400)))
        .mount(&server)
        .await;
    // The client waits as long as it takes; the one request gives up long before the answer comes.
    let rt = runtime(builder(&server.uri()).no_timeout());
    let short = RequestOptions::new().timeout(Duration::from_millis(20));
    let outcome = rt
        .execute_with(GET_ITEM, item_url(&server), None, &short)
        .await;
    assert!(matches!(&outcome, Err(e) if e.is_timeout()), "{outcome:?}");
    let raw = rt
        .execute(GET_ITEM, item_url(&server), None)
        .await
        .expect("the client's own setting (no timeout) waits for the answer");
    assert_eq!(raw.status(), 200);

    // The other way round: a client with a short timeout, and one request allowed to wait.
    let rt = runtime(builder(&server.uri()).timeout(Duration::from_millis(20)));
    let patient = RequestOptions::new().no_timeout();
    let raw = rt
        .execute_with(GET_ITEM, item_url(&server), None, &patient)
        .await
        .expect("no timeout for this request");
    assert_eq!(raw.status(), 200);
    let outcome = rt.execute(GET_ITEM, item_url(&server), None).await;
    assert!(matches!(&outcome, Err(e) if e.is_timeout()), "{outcome:?}");
}

#[tokio::test]
async fn a_request_retry_policy_applies_to_that_request_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()).retry_policy(RetryPolicy::none()));
    let retried = RequestOptions::new().retry_policy(fast_retries(2));
    let raw = rt
        .execute_with(GET_ITEM, item_url(&server), None, &retried)
        .await
        .expect("a 503 is an answer");
    assert_eq!(raw.status(), 503);
    assert_eq!(received(&server).await, 3, "one attempt and two retries");
    rt.execute(GET_ITEM, item_url(&server), None)
        .await
        .expect("a 503 is an answer");
    assert_eq!(received(&server).await, 4, "the client's policy: no retry");

    // And a request may turn off the retries of a client that has them.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()).retry_policy(fast_retries(2)));
    let once = RequestOptions::new().retry_policy(RetryPolicy::none());
    rt.execute_with(GET_ITEM, item_url(&server), None, &once)
        .await
        .expect("a 503 is an answer");
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn request_headers_are_sent_with_that_request_only_and_replace_generated_ones() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/1/items/2/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    // Through a request builder, as generated code sends it.
    let options = RequestOptions::new()
        .header("X-Source", "nightly")
        .header("Accept", "application/vnd.test+json");
    Request::new(&rt, &GET_ITEM, vec!["1".into(), "2".into()])
        .with_options(options)
        .send()
        .await
        .expect("answered");
    Request::new(&rt, &GET_ITEM, vec!["1".into(), "2".into()])
        .send()
        .await
        .expect("answered");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    let first = &requests[0].headers;
    assert_eq!(first["x-source"], "nightly");
    let accept: Vec<_> = first.get_all("accept").iter().collect();
    assert_eq!(accept, ["application/vnd.test+json"], "replaced, not added");
    assert_eq!(first["authorization"], format!("Bearer {KEY}").as_str());
    let second = &requests[1].headers;
    assert!(second.get("x-source").is_none(), "the header leaked");
    assert_eq!(second["accept"], "application/json");

    // A bad header is refused before anything is sent.
    let bad = RequestOptions::new().header("Bad Name", "x");
    let outcome = rt
        .execute_with(GET_ITEM, item_url(&server), None, &bad)
        .await;
    assert!(
        matches!(&outcome, Err(Error::InvalidRequest { message, .. }) if message.contains("Bad Name")),
        "{outcome:?}"
    );
    assert_eq!(received(&server).await, 2);
}
