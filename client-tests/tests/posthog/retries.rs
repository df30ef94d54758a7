//! Retries: on 429 and 502/503/504 for idempotent operations, honouring `Retry-After`, bounded by the policy;
//! never for a non-idempotent operation unless the policy allows it.
//!
//! The waits themselves are unit-tested in the runtime (`RetryPolicy::delay`, `parse_retry_after`); these tests
//! count the requests that reach the server, so they never depend on how long anything took.

use super::support::*;
use posthog_data_warehouse::client::{Error, RetryPolicy};
use posthog_data_warehouse::models::InsightVariableType;
use std::time::{Duration, SystemTime};
use wiremock::ResponseTemplate;

fn fast_retries(retries: u32) -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(retries)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured_then_the_call_succeeds() {
    let server = wiremock::MockServer::start().await;
    let client = builder(&server)
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    expect("GET", &format!("/insight_variables/{ID}/"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    expect("GET", &format!("/insight_variables/{ID}/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(insight_variable("Country")))
        .mount(&server)
        .await;
    let variable = client
        .insight_variables()
        .retrieve(PROJECT, id())
        .send()
        .await
        .unwrap();
    assert_eq!(variable.name, "Country");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_as_an_http_date_and_429_are_retried() {
    let server = wiremock::MockServer::start().await;
    let client = builder(&server)
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    // A date in the past means "now".
    let date = httpdate::fmt_http_date(SystemTime::now() - Duration::from_secs(60));
    expect("GET", "/external_data_sources/wizard/")
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", date.as_str()))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    expect("GET", "/external_data_sources/wizard/")
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let wizard = client
        .external_data_sources()
        .wizard(PROJECT)
        .send()
        .await
        .unwrap();
    assert!(wizard.is_empty());
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn retries_stop_at_the_policy_bound() {
    for status in [502, 503, 504] {
        let server = wiremock::MockServer::start().await;
        let client = builder(&server)
            .retry_policy(fast_retries(2))
            .build()
            .unwrap();
        expect("GET", "/external_data_sources/connections/")
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let err = client
            .external_data_sources()
            .connections(PROJECT)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        // The first attempt and two retries.
        assert_eq!(received(&server).await.len(), 3, "status {status}");
    }
}

#[tokio::test]
async fn long_retry_after_is_capped() {
    let server = wiremock::MockServer::start().await;
    let policy = fast_retries(1).max_retry_after(Duration::from_millis(10));
    let client = builder(&server).retry_policy(policy).build().unwrap();
    expect("GET", "/external_data_sources/connections/")
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    // Only a hang guard: without the cap the call would wait an hour.
    let outcome = tokio::time::timeout(
        Duration::from_secs(120),
        client.external_data_sources().connections(PROJECT).send(),
    )
    .await
    .expect("the Retry-After cap bounds the wait");
    assert!(matches!(outcome, Err(Error::Api(_))));
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let server = wiremock::MockServer::start().await;
    let client = builder(&server)
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    expect("GET", "/external_data_sources/connections/")
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = client
        .external_data_sources()
        .connections(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn non_idempotent_operations_are_not_retried() {
    let server = wiremock::MockServer::start().await;
    let client = builder(&server)
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    expect_json("POST", "/insight_variables/")
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let err = client
        .insight_variables()
        .create(PROJECT)
        .name("Country")
        .r#type(InsightVariableType::String)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn non_idempotent_operations_are_retried_when_the_policy_says_so() {
    let server = wiremock::MockServer::start().await;
    let policy = fast_retries(3).retry_non_idempotent(true);
    let client = builder(&server).retry_policy(policy).build().unwrap();
    expect_json("POST", "/insight_variables/")
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    expect_json("POST", "/insight_variables/")
        .respond_with(ResponseTemplate::new(201).set_body_json(insight_variable("Country")))
        .mount(&server)
        .await;
    client
        .insight_variables()
        .create(PROJECT)
        .name("Country")
        .r#type(InsightVariableType::String)
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    // The retry sends the same body again.
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let server = wiremock::MockServer::start().await;
    let client = builder(&server)
        .retry_policy(fast_retries(0))
        .build()
        .unwrap();
    expect("GET", "/external_data_sources/connections/")
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = client
        .external_data_sources()
        .connections(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_slow_answer_gives_the_timeout_error_and_is_not_retried() {
    let server = wiremock::MockServer::start().await;
    let client = builder(&server)
        .retry_policy(fast_retries(3))
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    expect("GET", "/external_data_sources/wizard/")
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let err = client
        .external_data_sources()
        .wizard(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "external_data_sources.wizard: no answer within the timeout"
    );
    assert_eq!(received(&server).await.len(), 1);
}
