//! Three pages through each pagination style against wiremock: cursor from the last item with `has_more`
//! (Stripe), cursor from an envelope token without a flag, and the `Link` header (GitHub); a cursor that does not
//! advance and a `Link` to another origin are refused.

use super::support::*;
use apigen_runtime::client::{CursorSource, HttpMethod, Operation, Request, RequestOptions};
use serde_json::{json, Value};
use wiremock::matchers::{method, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

static STRIPE: Operation = Operation::new("customers.list", HttpMethod::Get, "/v1/customers")
    .cursor_paginated(
        "starting_after",
        CursorSource::LastItem("id"),
        "data",
        Some("has_more"),
    );
static TOKENS: Operation = Operation::new("events.list", HttpMethod::Get, "/v1/events")
    .cursor_paginated(
        "cursor",
        CursorSource::Envelope("next_cursor"),
        "items",
        None,
    );
static GITHUB: Operation =
    Operation::new("issues.list", HttpMethod::Get, "/repos/o/r/issues").link_paginated();

async fn page(
    server: &MockServer,
    matcher: impl wiremock::Match + 'static,
    body: Value,
    link: Option<String>,
) {
    let mut answer = ResponseTemplate::new(200).set_body_json(body);
    if let Some(link) = link {
        answer = answer.insert_header("link", link.as_str());
    }
    Mock::given(method("GET"))
        .and(matcher)
        .respond_with(answer)
        .mount(server)
        .await;
}

#[tokio::test]
async fn cursor_from_the_last_item_until_has_more_is_false() {
    let server = MockServer::start().await;
    page(
        &server,
        query_param_is_missing("starting_after"),
        json!({"data": [{"id": "cus_1"}, {"id": "cus_2"}], "has_more": true}),
        None,
    )
    .await;
    page(
        &server,
        query_param("starting_after", "cus_2"),
        json!({"data": [{"id": "cus_3"}], "has_more": true}),
        None,
    )
    .await;
    page(
        &server,
        query_param("starting_after", "cus_3"),
        json!({"data": [{"id": "cus_4"}], "has_more": false}),
        None,
    )
    .await;
    let rt = runtime(builder(&server.uri()));
    let items: Vec<Value> = Request::new(&rt, &STRIPE, vec![])
        .query("limit", "2".to_owned())
        .with_options(RequestOptions::new().idempotency_key("first-only"))
        .items()
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4"]);
    let sent = server.received_requests().await.unwrap_or_default();
    assert_eq!(sent.len(), 3);
    // Each next request is the first with the cursor set: the other parameters are kept.
    assert_eq!(sent[2].url.query(), Some("limit=2&starting_after=cus_3"));
    let keys: Vec<bool> = sent
        .iter()
        .map(|r| r.headers.contains_key("idempotency-key"))
        .collect();
    assert_eq!(keys, [true, false, false]);
}

#[tokio::test]
async fn cursor_from_an_envelope_token_until_it_is_empty() {
    let server = MockServer::start().await;
    page(
        &server,
        query_param_is_missing("cursor"),
        json!({"items": [1], "next_cursor": "b"}),
        None,
    )
    .await;
    page(
        &server,
        query_param("cursor", "b"),
        json!({"items": [2, 3], "next_cursor": "c"}),
        None,
    )
    .await;
    page(
        &server,
        query_param("cursor", "c"),
        json!({"items": [4], "next_cursor": ""}),
        None,
    )
    .await;
    let rt = runtime(builder(&server.uri()));
    let pages: Vec<Value> = Request::new(&rt, &TOKENS, vec![])
        .pages()
        .try_collect()
        .await
        .expect("three pages");
    assert_eq!(pages.len(), 3);
    let items: Vec<i64> = Request::new(&rt, &TOKENS, vec![])
        .items()
        .try_collect()
        .await
        .expect("items");
    assert_eq!(items, [1, 2, 3, 4]);
}

#[tokio::test]
async fn a_cursor_that_does_not_advance_is_refused() {
    let server = MockServer::start().await;
    page(
        &server,
        query_param_is_missing("cursor"),
        json!({"items": [1], "next_cursor": "same"}),
        None,
    )
    .await;
    page(
        &server,
        query_param("cursor", "same"),
        json!({"items": [2], "next_cursor": "same"}),
        None,
    )
    .await;
    let rt = runtime(builder(&server.uri()));
    let mut items = Request::new(&rt, &TOKENS, vec![]).items::<i64>();
    assert_eq!(items.next().await.map(Result::ok), Some(Some(1)));
    assert_eq!(items.next().await.map(Result::ok), Some(Some(2)));
    let error = items.next().await.expect("an item").expect_err("refused");
    assert!(
        matches!(&error, Error::PageRefused { reason, .. } if reason.contains("advance")),
        "{error:?}"
    );
    assert_eq!(received(&server).await, 2);
}

#[tokio::test]
async fn the_link_header_until_no_next() {
    let server = MockServer::start().await;
    let url = |page: u32| format!("{}/repos/o/r/issues?page={page}", server.uri());
    page(
        &server,
        query_param_is_missing("page"),
        json!([{"n": 1}, {"n": 2}]),
        Some(format!(
            "<{}>; rel=\"next\", <{}>; rel=\"last\"",
            url(2),
            url(3)
        )),
    )
    .await;
    page(
        &server,
        query_param("page", "2"),
        json!([{"n": 3}]),
        Some(format!(
            "<{}>; rel=\"prev\", <{}>; rel=\"next\"",
            url(1),
            url(3)
        )),
    )
    .await;
    page(
        &server,
        query_param("page", "3"),
        json!([{"n": 4}]),
        Some(format!("<{}>; rel=\"first\"", url(1))),
    )
    .await;
    let rt = runtime(builder(&server.uri()));
    let items: Vec<Value> = Request::new(&rt, &GITHUB, vec![])
        .items()
        .try_collect()
        .await
        .expect("three pages");
    let numbers: Vec<i64> = items.iter().filter_map(|i| i["n"].as_i64()).collect();
    assert_eq!(numbers, [1, 2, 3, 4]);
    let pages: Vec<Vec<Value>> = Request::new(&rt, &GITHUB, vec![])
        .pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [2, 1, 1]);
}

#[tokio::test]
async fn a_link_to_another_origin_is_not_followed() {
    let server = MockServer::start().await;
    let other = MockServer::start().await;
    page(
        &server,
        query_param_is_missing("page"),
        json!([1]),
        Some(format!(
            "<{}/repos/o/r/issues?page=2>; rel=\"next\"",
            other.uri()
        )),
    )
    .await;
    let rt = runtime(builder(&server.uri()));
    let mut items = Request::new(&rt, &GITHUB, vec![]).items::<i64>();
    assert_eq!(items.next().await.map(Result::ok), Some(Some(1)));
    let error = items.next().await.expect("an item").expect_err("refused");
    assert!(matches!(error, Error::PageRefused { .. }), "{error:?}");
    assert_eq!(received(&other).await, 0, "nothing, and no key, went there");
}
