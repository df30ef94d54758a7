//! The generated client against wiremock standing in for api.stripe.com: what goes on the wire (form bodies with
//! bracket keys, basic auth with the key as user name, `Stripe-Version`, deep-object and bracket queries), a POST
//! retried with the same `Idempotency-Key`, cursor pages followed by the last item's id, and `default` errors.

use crate::common::{fixture, stripe_error};
use slice_testkit::{header, only_request, received};
use std::time::Duration;
use stripe_slice::client::{ApiHeaders, Client, RetryPolicy};
use stripe_slice::models::{CreatedFilter, Customer, RangeQuerySpecs};
use stripe_slice::rt::indexmap::IndexMap;
use stripe_slice::rt::serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn stripe(server: &MockServer, retry: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.uri())
        .basic_auth("sk_test_4eC39HqLyjWDarjtT1zdp7dc", None)
        .stripe_version("2022-11-15")
        .retry_policy(retry)
        .build()
        .expect("a valid configuration")
}

/// Quick retries: the test waits for no real backoff.
fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

/// The pairs of a form body or query, decoded.
fn pairs(text: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(text).into_owned().collect()
}

#[tokio::test]
async fn a_create_is_a_form_body_with_bracket_keys_sent_with_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer.json")))
        .mount(&server)
        .await;
    let metadata: IndexMap<String, String> = [("plan".to_owned(), "pro".to_owned())]
        .into_iter()
        .collect();
    stripe(&server, RetryPolicy::none())
        .customers()
        .create()
        .email("jenny.rosen@example.com")
        .metadata(metadata)
        .preferred_locales(vec!["de".to_owned(), "en".to_owned()])
        .send()
        .await
        .expect("Stripe's customer fixture");
    let request = only_request(&server).await;
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let sent = pairs(&request.body);
    let sent: Vec<(&str, &str)> = sent.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(
        sent,
        [
            ("email", "jenny.rosen@example.com"),
            ("metadata[plan]", "pro"),
            ("preferred_locales[]", "de"),
            ("preferred_locales[]", "en"),
        ]
    );
    // base64("sk_test_4eC39HqLyjWDarjtT1zdp7dc:"): the key as user name, no password.
    assert_eq!(
        header(&request, "authorization"),
        Some("Basic c2tfdGVzdF80ZUMzOUhxTHlqV0Rhcmp0VDF6ZHA3ZGM6")
    );
    assert_eq!(header(&request, "stripe-version"), Some("2022-11-15"));
    assert!(header(&request, "idempotency-key").is_some_and(|k| !k.is_empty()));
}

#[tokio::test]
async fn an_update_sends_null_as_an_empty_value_which_unsets() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers/cus_NZbFQAsc0ptasX"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer.json")))
        .mount(&server)
        .await;
    stripe(&server, RetryPolicy::none())
        .customers()
        .update("cus_NZbFQAsc0ptasX")
        .description_null()
        .name("Jenny")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    let sent = pairs(&request.body);
    assert!(
        sent.contains(&("description".to_owned(), String::new())),
        "{sent:?}"
    );
    assert!(
        sent.contains(&("name".to_owned(), "Jenny".to_owned())),
        "{sent:?}"
    );
}

#[tokio::test]
async fn a_post_answered_503_is_retried_with_the_same_idempotency_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({
            "error": {"type": "api_error", "message": "Try again."}
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/customers"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("customer.json")))
        .mount(&server)
        .await;
    let customer = stripe(&server, quick_retries())
        .customers()
        .create()
        .email("jenny.rosen@example.com")
        .send()
        .await
        .expect("the second attempt succeeds");
    assert_eq!(customer.id, "cus_NZbFQAsc0ptasX");
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    let keys: Vec<_> = requests
        .iter()
        .map(|r| header(r, "idempotency-key"))
        .collect();
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "one key for both attempts");
    assert_eq!(requests[0].body, requests[1].body);

    // A second call is another operation: a fresh key.
    let _ = stripe(&server, RetryPolicy::none())
        .customers()
        .create()
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_ne!(header(&requests[2], "idempotency-key"), keys[0]);
}

/// A page of `ids` (customers made from the fixture), `has_more` as given.
fn customer_page(ids: &[&str], has_more: bool) -> ResponseTemplate {
    let data: Vec<Value> = ids
        .iter()
        .map(|id| {
            let mut customer = fixture("customer.json");
            customer["id"] = json!(id);
            customer
        })
        .collect();
    ResponseTemplate::new(200).set_body_json(json!({
        "object": "list",
        "url": "/v1/customers",
        "has_more": has_more,
        "data": data,
    }))
}

#[tokio::test]
async fn the_client_follows_starting_after_while_has_more() {
    let server = MockServer::start().await;
    let pages = [
        (None, &["cus_1", "cus_2"][..], true),
        (Some("cus_2"), &["cus_3", "cus_4"][..], true),
        (Some("cus_4"), &["cus_5"][..], false),
    ];
    for (after, ids, more) in pages {
        let route = Mock::given(method("GET")).and(path("/v1/customers"));
        let route = match after {
            Some(after) => route.and(query_param("starting_after", after)),
            None => route.and(query_param_is_missing("starting_after")),
        };
        route
            .respond_with(customer_page(ids, more))
            .mount(&server)
            .await;
    }
    let customers: Vec<Customer> = stripe(&server, RetryPolicy::none())
        .customers()
        .list()
        .limit(2)
        .created(CreatedFilter::Range(RangeQuerySpecs {
            gt: Some(1_600_000_000),
            gte: None,
            lt: None,
            lte: None,
        }))
        .expand(vec!["data.default_source".to_owned()])
        .items()
        .try_collect()
        .await
        .expect("three pages");
    let ids: Vec<&str> = customers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["cus_1", "cus_2", "cus_3", "cus_4", "cus_5"]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    // Every page keeps the filters; the cursor is the last item's id.
    for request in &requests {
        let sent = pairs(request.url.query().unwrap_or_default().as_bytes());
        assert!(
            sent.contains(&("created[gt]".into(), "1600000000".into())),
            "{sent:?}"
        );
        assert!(
            sent.contains(&("expand[]".into(), "data.default_source".into())),
            "{sent:?}"
        );
        assert!(sent.contains(&("limit".into(), "2".into())), "{sent:?}");
    }
}

#[tokio::test]
async fn any_error_status_is_the_default_answer_with_stripes_error_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(402).set_body_json(json!({
            "error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
                      "message": "Your card has insufficient funds."}
        })))
        .mount(&server)
        .await;
    let answer = stripe(&server, RetryPolicy::none())
        .customers()
        .retrieve("cus_x")
        .send()
        .await;
    let (status, error) = stripe_error(answer);
    assert_eq!(status, 402);
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
}
