//! A panic and `ApiError::Internal` are answered with the spec's `server_error` body when it declares one (a
//! bare `500` otherwise), through the whole router; the message is logged in the request's span, never sent.

use super::capture::Capture;
use super::support::*;
use apigen_runtime::axum::body::{to_bytes, Body};
use apigen_runtime::axum::http::Request;
use apigen_runtime::server::ServerOptions;
use serde_json::{json, Value};
use tower::ServiceExt as _;

async fn get(server_error: bool, path: &str) -> (u16, Vec<u8>, Capture) {
    let (router, _gate) = router(ServerOptions::default(), server_error);
    let request = Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("a valid request");
    let capture = Capture::default();
    let guard = capture.install();
    let response = router
        .oneshot(request)
        .await
        .expect("the router never fails");
    drop(guard);
    let status = response.status().as_u16();
    let body = to_bytes(response.into_body(), 1 << 16)
        .await
        .expect("in memory");
    (status, body.to_vec(), capture)
}

#[tokio::test]
async fn panics_and_internal_errors_get_the_declared_server_error_body() {
    for path in ["/panic", "/internal"] {
        let (status, body, capture) = get(true, path).await;
        assert_eq!(status, 500, "{path}");
        let body: Value = serde_json::from_slice(&body).expect("a JSON body");
        assert_eq!(
            body,
            json!({"type": "server_error", "code": "error", "detail": "A server error occurred.", "attr": null})
        );
        // The reason is logged, inside the request's span, and only there.
        let logged: Vec<_> = capture
            .seen()
            .into_iter()
            .filter(|seen| format!("{seen:?}").contains("secret"))
            .collect();
        assert_eq!(logged.len(), 1, "{path}: {logged:?}");
        assert!(format!("{:?}", logged[0]).contains("apigen.request"));
    }
}

#[tokio::test]
async fn without_a_declared_server_error_the_answer_is_a_bare_500() {
    for path in ["/panic", "/internal"] {
        let (status, body, _capture) = get(false, path).await;
        assert_eq!(status, 500, "{path}");
        assert!(
            body.is_empty(),
            "{path}: {}",
            String::from_utf8_lossy(&body)
        );
    }
}
