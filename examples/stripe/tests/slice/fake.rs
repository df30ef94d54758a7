//! The generated client against the in-memory Stripe on 127.0.0.1: form-encoded creates and updates (nested
//! `metadata[...]`, empty values unsetting), either auth scheme, cursor pages followed to the end, `created[...]`
//! and `expand[]` queries, `default` error answers, and a create retried after a lost answer made only once.

use crate::common::{client, start, stripe_error};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use stripe_example::{Stripe, DEMO_CUSTOMER};
use stripe_slice::client::{Client, RetryPolicy};
use stripe_slice::models::{Address, CreatedFilter, CustomerOrDeleted, RangeQuerySpecs};
use stripe_slice::rt::{axum, indexmap::IndexMap};
use stripe_slice::Nullable;

fn metadata(pairs: &[(&str, &str)]) -> IndexMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_customer_is_created_updated_and_deleted_through_form_bodies() {
    let base = start().await;
    // The key as the basic user name, as Stripe's libraries send it.
    let stripe = Client::builder()
        .base_url(&base)
        .basic_auth("sk_test_demo", None)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let made = stripe
        .customers()
        .create()
        .email("jenny.rosen@example.com")
        .name("Jenny Rosen")
        .metadata(metadata(&[("plan", "pro"), ("seats", "3")]))
        .address(Address {
            city: Nullable::Value("Berlin".into()),
            country: Nullable::Value("DE".into()),
            line1: Nullable::Absent,
            line2: Nullable::Absent,
            postal_code: Nullable::Absent,
            state: Nullable::Absent,
        })
        .send_with_headers()
        .await
        .expect("created");
    let request_id = made.headers.request_id.clone().expect("a Request-Id");
    assert!(request_id.starts_with("req_"), "{request_id}");
    let customer = made.body;
    assert_eq!(
        customer.email,
        Nullable::Value("jenny.rosen@example.com".into())
    );
    assert_eq!(
        customer.metadata,
        Some(metadata(&[("plan", "pro"), ("seats", "3")]))
    );
    let Nullable::Value(address) = &customer.address else {
        panic!("no address: {customer:?}")
    };
    assert_eq!(address.city, Nullable::Value("Berlin".into()));

    // An empty value unsets, metadata merges key by key; the bearer scheme works as well.
    let stripe = client(&base, Some("sk_test_demo"));
    let updated = stripe
        .customers()
        .update(&customer.id)
        .name_null()
        .metadata(metadata(&[("seats", ""), ("region", "eu")]))
        .send()
        .await
        .expect("updated");
    assert_eq!(updated.name, Nullable::Null);
    assert_eq!(updated.email, customer.email);
    assert_eq!(
        updated.metadata,
        Some(metadata(&[("plan", "pro"), ("region", "eu")]))
    );

    let deleted = stripe
        .customers()
        .delete(&customer.id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.id, customer.id);
    let again = stripe
        .customers()
        .retrieve(&customer.id)
        .send()
        .await
        .unwrap();
    assert!(matches!(again, CustomerOrDeleted::Deleted(d) if d.id == customer.id));
    // Errors are the `default` answer: an `Error::Api` with Stripe's body, whatever the status.
    let (status, error) = stripe_error(stripe.customers().delete(&customer.id).send().await);
    assert_eq!(
        (status, error.code.as_deref()),
        (404, Some("resource_missing"))
    );
}

#[tokio::test]
async fn customers_and_sources_come_three_pages_at_a_time_by_cursor() {
    let base = start().await;
    let stripe = client(&base, Some("sk_test_demo"));
    // The demo customer and four more: pages of 2, 2 and 1, newest first.
    let mut made = Vec::new();
    for n in 0..4 {
        let customer = stripe
            .customers()
            .create()
            .email(format!("c{n}@example.com"))
            .send()
            .await
            .expect("created");
        made.push(customer.id);
    }
    let mut pages = stripe.customers().list().limit(2).pages();
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        sizes.push(page.data.len());
        assert_eq!(page.has_more, sizes.len() < 3);
        seen.extend(page.data.into_iter().map(|c| c.id));
    }
    assert_eq!(sizes, [2, 2, 1]);
    let mut newest_first: Vec<String> = made.into_iter().rev().collect();
    newest_first.push(DEMO_CUSTOMER.to_owned());
    assert_eq!(seen, newest_first);

    // The demo customer's bank account, card and source, one a page.
    let sources = stripe
        .customer_sources()
        .list(DEMO_CUSTOMER)
        .limit(1)
        .pages()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(
        sources.iter().map(|p| p.data.len()).collect::<Vec<_>>(),
        [1, 1, 1]
    );
    assert!(!sources[2].has_more);

    // A page holds at most 100 (`max_limit`): a larger limit is refused before the fake sees it, naming `limit`.
    let (status, error) = stripe_error(stripe.customers().list().limit(101).send().await);
    assert_eq!(
        (status, error.param),
        (400, Nullable::Value("limit".to_owned()))
    );
    let page = stripe.customers().list().limit(100).send().await.unwrap();
    assert_eq!(page.data.len(), 5);
}

#[tokio::test]
async fn created_ranges_and_expand_travel_as_stripe_reads_them() {
    let base = start().await;
    let stripe = client(&base, Some("sk_test_demo"));
    let first = stripe.customers().create().send().await.unwrap();
    let second = stripe.customers().create().send().await.unwrap();
    let range = |gte, lte| {
        CreatedFilter::Range(RangeQuerySpecs {
            gt: None,
            gte,
            lt: None,
            lte,
        })
    };
    let only_second = stripe
        .customers()
        .list()
        .created(range(Some(second.created), None))
        .expand(vec!["data.default_source".to_owned()])
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        only_second.iter().map(|c| &c.id).collect::<Vec<_>>(),
        [&second.id]
    );
    let both = stripe
        .customers()
        .list()
        .created(range(Some(first.created), Some(second.created)))
        .send()
        .await
        .unwrap();
    assert_eq!(both.data.len(), 2);
    // Or one time, as a bare integer (`created=...`): the same parameter, the other variant.
    let exactly = stripe
        .customers()
        .list()
        .created(CreatedFilter::Exactly(first.created))
        .send()
        .await
        .unwrap();
    assert_eq!(
        exactly.data.iter().map(|c| &c.id).collect::<Vec<_>>(),
        [&first.id]
    );
}

#[tokio::test]
async fn restricted_keys_need_the_customer_permission() {
    let base = start().await;
    let reader = client(&base, Some("rk_test_reader"));
    reader
        .customers()
        .list()
        .send()
        .await
        .expect("reading is allowed");
    let (status, error) = stripe_error(reader.customers().create().send().await);
    assert_eq!(status, 403);
    assert!(error
        .message
        .unwrap_or_default()
        .contains("rak_customer_write"));
    let (status, _) = stripe_error(client(&base, None).customers().list().send().await);
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_retried_with_its_key_and_made_once() {
    // The first answer of a POST is replaced by a 503 after the fake handled it, as when a proxy loses it.
    let lost = Arc::new(AtomicBool::new(false));
    let app = stripe_example::app(Stripe::demo()).layer(axum::middleware::map_response(
        move |response: axum::response::Response| {
            let first = !lost.swap(true, Ordering::SeqCst);
            async move {
                if first {
                    axum::response::IntoResponse::into_response(
                        axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    )
                } else {
                    response
                }
            }
        },
    ));
    let address = stripe_example::serve_app(app).await.unwrap();
    let stripe = Client::builder()
        .base_url(format!("http://{address}"))
        .api_key("sk_test_demo")
        .retry_policy(
            RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let customer = stripe
        .customers()
        .create()
        .email("once@example.com")
        .send()
        .await
        .expect("the retry answers the customer the first attempt made");
    let all = stripe.customers().list().limit(100).send().await.unwrap();
    let named: Vec<_> = all
        .data
        .iter()
        .filter(|c| c.email == Nullable::Value("once@example.com".into()))
        .collect();
    assert_eq!(named.len(), 1, "created once");
    assert_eq!(named[0].id, customer.id);
}
