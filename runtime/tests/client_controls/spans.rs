//! One `apigen.call` span per call with its operation, method, route, status, attempts and duration; one event
//! per retry; never the key; bodies only when asked, at TRACE, cut to the cap.

use super::capture::Capture;
use super::support::*;
use apigen_runtime::client::{RequestOptions, Url};
use tracing::Level;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A marker in every body, to check bodies are not logged.
const BODY_MARKER: &str = "body-marker-0123456789";

#[tokio::test]
async fn a_retried_call_is_one_span_with_one_event_per_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/1/items/2/"))
        .respond_with(ResponseTemplate::new(503).set_body_string(BODY_MARKER))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/1/items/2/"))
        .respond_with(ResponseTemplate::new(200).set_body_string(BODY_MARKER))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()).retry_policy(fast_retries(3)));
    let capture = Capture::default();
    let guard = capture.install();
    let raw = rt
        .execute(GET_ITEM, item_url(&server), None)
        .await
        .expect("the third attempt succeeds");
    drop(guard);
    assert_eq!(raw.status(), 200);

    let spans = capture.spans("apigen.call");
    assert_eq!(spans.len(), 1, "{spans:?}");
    let span = &spans[0];
    assert_eq!(span["operation"], "items.get");
    assert_eq!(span["method"], "GET");
    assert_eq!(span["route"], "/api/{project}/items/{id}/");
    assert_eq!(span["status"], "200");
    assert_eq!(span["attempts"], "3");
    let duration: f64 = span["duration_ms"].parse().expect("a number");
    assert!(duration >= 0.0);
    assert!(!span.contains_key("error"));

    let retries = capture.events("retrying");
    assert_eq!(retries.len(), 2, "{retries:?}");
    for (i, (level, parent, fields)) in retries.iter().enumerate() {
        assert_eq!(*level, Level::WARN);
        assert_eq!(parent.as_deref(), Some("apigen.call"));
        assert_eq!(fields["attempt"], (i + 1).to_string());
        assert_eq!(fields["reason"], "503 Service Unavailable");
        assert!(fields["delay_ms"].parse::<f64>().is_ok());
    }

    let text = capture.text();
    assert!(!text.contains(KEY), "the key was logged: {text}");
    assert!(!text.contains(BODY_MARKER), "a body was logged: {text}");
}

#[tokio::test]
async fn a_failed_call_records_the_kind_of_error() {
    // A port that was just free: nothing listens there any more, so the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let rt = runtime(builder(&base));
    let capture = Capture::default();
    let guard = capture.install();
    let url = Url::parse(&format!("{base}/api/1/items/2/")).expect("a valid URL");
    let outcome = rt.execute(GET_ITEM, url, None).await;
    drop(guard);
    assert!(
        matches!(outcome, Err(Error::Transport { .. })),
        "{outcome:?}"
    );
    let spans = capture.spans("apigen.call");
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0]["error"], "transport");
    assert_eq!(spans[0]["attempts"], "1");
    assert!(!spans[0].contains_key("status"));
}

#[tokio::test]
async fn bodies_are_logged_only_when_asked_and_cut_to_the_cap() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_string(format!("{BODY_MARKER}-answer")))
        .mount(&server)
        .await;
    let url = Url::parse(&format!("{}/api/1/items/", server.uri())).expect("a valid URL");
    let body = format!("{{\"name\":\"{BODY_MARKER}\"}}").into_bytes();

    // Per request: this request's bodies are logged, cut to 12 bytes; the next request's are not.
    let rt = runtime(builder(&server.uri()));
    let capture = Capture::default();
    let guard = capture.install();
    let options = RequestOptions::new().log_bodies(12);
    rt.execute_with(CREATE_ITEM, url.clone(), Some(body.clone()), &options)
        .await
        .expect("answered");
    let logged = capture.events("body");
    assert_eq!(logged.len(), 2, "{logged:?}");
    let (level, parent, request) = &logged[0];
    assert_eq!(*level, Level::TRACE);
    assert_eq!(parent.as_deref(), Some("apigen.call"));
    assert_eq!(request["direction"], "request");
    assert_eq!(request["bytes"], body.len().to_string());
    assert_eq!(request["body"], "{\"name\":\"bod…");
    let response = &logged[1].2;
    assert_eq!(response["direction"], "response");
    assert_eq!(response["body"], "body-marker-…");

    rt.execute(CREATE_ITEM, url.clone(), Some(body.clone()))
        .await
        .expect("answered");
    drop(guard);
    assert_eq!(capture.events("body").len(), 2, "the option leaked");
    assert!(!capture.text().contains(BODY_MARKER));

    // For the whole client.
    let rt = runtime(builder(&server.uri()).log_bodies(1000));
    let capture = Capture::default();
    let guard = capture.install();
    rt.execute(CREATE_ITEM, url, Some(body))
        .await
        .expect("answered");
    drop(guard);
    let logged = capture.events("body");
    assert_eq!(logged.len(), 2);
    assert_eq!(
        logged[0].2["body"],
        format!("{{\"name\":\"{BODY_MARKER}\"}}")
    );
    assert_eq!(logged[1].2["body"], format!("{BODY_MARKER}-answer"));
    assert!(!capture.text().contains(KEY));
}
