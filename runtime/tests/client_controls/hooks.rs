//! Hooks run around every attempt, in the order they were added; `before_send` can add headers (request ids,
//! signatures) and never sees the key; `after_receive` sees status, headers and duration; a hook's error stops
//! the call before anything is sent.

use super::support::*;
use apigen_runtime::client::{Hook, HookError, HookRequest, HookResponse, Url};
use std::sync::{Arc, Mutex};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Records what it sees under its name, and appends its name to the `x-order` header.
#[derive(Clone)]
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn note(&self, line: String) {
        if let Ok(mut log) = self.log.lock() {
            log.push(line);
        }
    }
}

impl Hook for Recorder {
    fn before_send(&self, request: &mut HookRequest<'_>) -> Result<(), HookError> {
        let order = match request.headers().get("x-order") {
            Some(before) => format!("{},{}", before.to_str()?, self.name),
            None => self.name.to_owned(),
        };
        request.set_header("x-order", &order)?;
        request.set_header("x-request-id", &format!("call-7-{}", request.attempt()))?;
        let authorization = request.headers().contains_key("authorization");
        self.note(format!(
            "{} before {} {} {} attempt {} authorization {authorization}",
            self.name,
            request.operation(),
            request.method().as_str(),
            request.route(),
            request.attempt(),
        ));
        Ok(())
    }

    fn after_receive(&self, response: &HookResponse<'_>) {
        let status = response.status().map_or(0, |s| s.as_u16());
        let server = response
            .headers()
            .and_then(|h| h.get("x-server"))
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_owned();
        // The duration is read (a metrics hook would record it) but its value depends on the machine.
        let _elapsed = response.elapsed();
        self.note(format!(
            "{} after attempt {} status {status} server {server}",
            self.name,
            response.attempt()
        ));
    }
}

#[tokio::test]
async fn hooks_run_in_order_around_every_attempt_without_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("x-server", "busy"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-server", "ok"))
        .mount(&server)
        .await;
    let log = Arc::new(Mutex::new(Vec::new()));
    let first = Recorder {
        name: "a",
        log: Arc::clone(&log),
    };
    let second = Recorder {
        name: "b",
        log: Arc::clone(&log),
    };
    let rt = runtime(
        builder(&server.uri())
            .retry_policy(fast_retries(2))
            .hook(first)
            .hook(second),
    );
    let url = Url::parse(&format!("{}/api/1/items/2/", server.uri())).expect("a valid URL");
    let raw = rt.execute(GET_ITEM, url, None).await.expect("answered");
    assert_eq!(raw.status(), 200);

    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    let route = "items.get GET /api/{project}/items/{id}/";
    assert_eq!(
        log,
        [
            format!("a before {route} attempt 1 authorization false"),
            format!("b before {route} attempt 1 authorization false"),
            "a after attempt 1 status 503 server busy".to_owned(),
            "b after attempt 1 status 503 server busy".to_owned(),
            format!("a before {route} attempt 2 authorization false"),
            format!("b before {route} attempt 2 authorization false"),
            "a after attempt 2 status 200 server ok".to_owned(),
            "b after attempt 2 status 200 server ok".to_owned(),
        ]
    );
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 2);
    for (i, request) in requests.iter().enumerate() {
        assert_eq!(request.headers["x-order"], "a,b");
        assert_eq!(
            request.headers["x-request-id"],
            format!("call-7-{}", i + 1).as_str()
        );
        // The key is added after the hooks, and still sent.
        assert_eq!(
            request.headers["authorization"],
            format!("Bearer {KEY}").as_str()
        );
    }
}

/// Signs each request: a checksum of the method, the path and the body, in `x-signature`.
struct Signer;

/// FNV-1a: a stand-in for an HMAC, enough to show the hook sees exactly what is sent.
fn signature(method: &str, path: &str, body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in method
        .bytes()
        .chain(path.bytes())
        .chain(body.iter().copied())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

impl Hook for Signer {
    fn before_send(&self, request: &mut HookRequest<'_>) -> Result<(), HookError> {
        let signed = signature(
            request.method().as_str(),
            request.url().path(),
            request.body().unwrap_or_default(),
        );
        request.set_header("x-signature", &signed)
    }
}

#[tokio::test]
async fn a_signing_hook_signs_what_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()).hook(Signer));
    let url = Url::parse(&format!("{}/api/1/items/", server.uri())).expect("a valid URL");
    rt.execute(CREATE_ITEM, url, Some(br#"{"name":"x"}"#.to_vec()))
        .await
        .expect("answered");
    let requests = server.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    // The server recomputes it from what it received.
    let expected = signature(request.method.as_str(), request.url.path(), &request.body);
    assert_eq!(request.headers["x-signature"], expected.as_str());
}

/// Refuses every request, as a signer without its secret would.
struct Refuser;

impl Hook for Refuser {
    fn before_send(&self, _request: &mut HookRequest<'_>) -> Result<(), HookError> {
        Err("no signing key loaded".into())
    }
}

#[tokio::test]
async fn a_hook_error_stops_the_call_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let rt = runtime(
        builder(&server.uri())
            .retry_policy(fast_retries(3))
            .hook(Refuser),
    );
    let url = Url::parse(&format!("{}/api/1/items/2/", server.uri())).expect("a valid URL");
    let outcome = rt.execute(GET_ITEM, url, None).await;
    match outcome {
        Err(e @ Error::Hook { .. }) => {
            assert_eq!(
                e.to_string(),
                "items.get: a hook stopped the request: no signing key loaded"
            );
        }
        other => panic!("expected a hook error, got {other:?}"),
    }
    assert_eq!(received(&server).await, 0, "not sent, not retried");
}
