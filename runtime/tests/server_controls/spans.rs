//! One `apigen.request` span per request with its request id, route, operation, caller, status and duration;
//! the id taken from a sane `X-Request-Id` or made, and echoed; never the key.

use super::capture::Capture;
use super::support::*;
use apigen_runtime::axum::body::{to_bytes, Body};
use apigen_runtime::axum::http::Request;
use apigen_runtime::server::ServerOptions;
use serde_json::Value;
use tower::ServiceExt as _;

fn echo_request(request_id: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method("POST")
        .uri("/echo")
        .header("authorization", format!("Bearer {KEY}"));
    if let Some(id) = request_id {
        request = request.header("x-request-id", id);
    }
    request
        .body(Body::from(r#"{"secret_field": "body-marker"}"#))
        .expect("a valid request")
}

#[tokio::test]
async fn each_request_is_one_span_with_its_id_operation_and_caller() {
    let (router, _gate) = router(ServerOptions::default(), true);
    let capture = Capture::default();
    let guard = capture.install();
    let response = router
        .clone()
        .oneshot(echo_request(Some("req-abc.123")))
        .await
        .expect("the router never fails");
    drop(guard);
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-request-id"], "req-abc.123");
    let body = to_bytes(response.into_body(), 1 << 16)
        .await
        .expect("in memory");
    let body: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["request_id"], "req-abc.123", "the handler sees the id");

    let spans = capture.spans("apigen.request");
    assert_eq!(spans.len(), 1, "{spans:?}");
    let span = &spans[0];
    assert_eq!(span["request_id"], "req-abc.123");
    assert_eq!(span["method"], "POST");
    assert_eq!(span["route"], "/echo");
    assert_eq!(span["operation"], "echo");
    assert_eq!(span["caller"], "user-7");
    assert_eq!(span["status"], "200");
    assert!(span["duration_ms"].parse::<f64>().is_ok());
    let text = capture.text();
    assert!(!text.contains(KEY), "the key was logged: {text}");
    assert!(!text.contains("body-marker"), "the body was logged: {text}");
}

#[tokio::test]
async fn an_insane_or_missing_request_id_is_replaced_and_echoed() {
    let (router, _gate) = router(ServerOptions::default(), true);
    for sent in [None, Some("two words"), Some("x\"}{")] {
        let capture = Capture::default();
        let guard = capture.install();
        let response = router
            .clone()
            .oneshot(echo_request(sent))
            .await
            .expect("the router never fails");
        drop(guard);
        let echoed = response.headers()["x-request-id"]
            .to_str()
            .expect("ASCII")
            .to_owned();
        assert!(echoed.parse::<uuid::Uuid>().is_ok(), "{sent:?} → {echoed}");
        assert_eq!(capture.spans("apigen.request")[0]["request_id"], echoed);
    }
}

#[tokio::test]
async fn refused_and_unknown_requests_have_spans_too() {
    let (router, _gate) = router(ServerOptions::default(), true);
    let capture = Capture::default();
    let guard = capture.install();
    let unauthenticated = Request::builder()
        .method("POST")
        .uri("/echo")
        .body(Body::empty())
        .expect("a valid request");
    let response = router
        .clone()
        .oneshot(unauthenticated)
        .await
        .expect("the router never fails");
    assert_eq!(response.status(), 401);
    let unknown = Request::builder()
        .uri("/nowhere")
        .body(Body::empty())
        .expect("a valid request");
    let response = router
        .oneshot(unknown)
        .await
        .expect("the router never fails");
    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("x-request-id"));
    drop(guard);
    let spans = capture.spans("apigen.request");
    assert_eq!(spans.len(), 2);
    assert_eq!(spans[0]["operation"], "echo");
    assert_eq!(spans[0]["status"], "401");
    assert!(!spans[0].contains_key("caller"));
    assert_eq!(spans[1]["status"], "404");
    assert!(!spans[1].contains_key("route"), "no route matched");
}
