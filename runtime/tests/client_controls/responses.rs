//! Answers against wiremock: typed response headers (one, or a struct of them with the body), HEAD without a
//! body, OPTIONS, streamed bodies with their error answers and idle timeout, and server-sent events read to the
//! end (comments, multi-line data, ids, the sentinel).

use super::support::*;
use apigen_runtime::client::{Answer, Event, HttpMethod, Operation, Request};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

static GET: Operation = Operation::new("items.get", HttpMethod::Get, "/items/1");
static HEAD: Operation = Operation::new("items.head", HttpMethod::Head, "/items/1");
static OPTIONS: Operation = Operation::new("items.options", HttpMethod::Options, "/items/1");
static CHAT: Operation = Operation::new("chat.create", HttpMethod::Post, "/chat")
    .json_body(&[])
    .accept("text/event-stream");

#[derive(Debug, PartialEq, Deserialize)]
struct Limits {
    #[serde(rename = "x-ratelimit-remaining")]
    remaining: u32,
    location: Option<String>,
}

#[tokio::test]
async fn response_headers_are_typed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-remaining", "4999")
                .insert_header("x-scopes", "repo, user")
                .set_body_json(json!({"id": 1})),
        )
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    let raw = Request::new(&rt, &GET, vec![])
        .send()
        .await
        .expect("answered");
    assert_eq!(
        raw.header::<u32, Text>("X-RateLimit-Remaining").ok(),
        Some(Some(4999))
    );
    assert_eq!(
        raw.header::<Vec<String>, Text>("x-scopes").ok(),
        Some(Some(vec!["repo".to_owned(), "user".to_owned()]))
    );
    let bad = raw.header::<bool, Text>("x-scopes");
    assert!(
        matches!(&bad, Err(Error::Decode { message, .. }) if message.contains("`x-scopes`")),
        "{bad:?}"
    );
    let answer: Answer<Value, Limits> = raw
        .success_json_with_headers::<_, _, Text>()
        .expect("decoded");
    assert_eq!(answer.body, json!({"id": 1}));
    assert_eq!(
        answer.headers,
        Limits {
            remaining: 4999,
            location: None
        }
    );
    assert_eq!(answer.raw_headers["x-scopes"], "repo, user");
}

#[tokio::test]
async fn head_has_no_body_and_options_works() {
    let server = MockServer::start().await;
    Mock::given(method("HEAD"))
        .respond_with(ResponseTemplate::new(200).insert_header("content-length", "42"))
        .mount(&server)
        .await;
    Mock::given(method("OPTIONS"))
        .respond_with(ResponseTemplate::new(204).insert_header("allow", "GET, HEAD, OPTIONS"))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    let head = Request::new(&rt, &HEAD, vec![])
        .send()
        .await
        .expect("answered");
    assert_eq!(head.status(), 200);
    assert!(head.body().is_empty());
    head.unit::<Text>().expect("a success");
    let options = Request::new(&rt, &OPTIONS, vec![])
        .send()
        .await
        .expect("answered");
    assert_eq!(
        options
            .header::<Vec<String>, Text>("allow")
            .ok()
            .flatten()
            .map(|a| a.len()),
        Some(3)
    );
}

#[derive(Debug, PartialEq, Deserialize)]
struct Delta {
    content: String,
}

#[tokio::test]
async fn an_event_stream_is_read_to_its_sentinel() {
    let server = MockServer::start().await;
    let body = ": keep-alive\n\n\
                data: {\"content\": \"Hel\"}\n\n\
                id: 7\nevent: delta\ndata: {\"content\":\n\
                data: \"lo\"}\n\n\
                : a comment between events\n\
                retry: 3000\ndata: {\"content\": \"!\"}\r\n\r\n\
                data: [DONE]\n\n\
                data: {\"content\": \"after the sentinel\"}\n\n";
    Mock::given(method("POST"))
        .and(path("/chat"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    let answer = Request::new(&rt, &CHAT, vec![])
        .field("stream", true)
        .send_streaming()
        .await
        .expect("a head");
    assert_eq!(answer.status(), 200);
    let mut events = answer
        .success_events::<Delta>(Some("[DONE]"))
        .await
        .expect("a success");
    let mut seen = Vec::new();
    while let Some(event) = events.next().await {
        seen.push(event.expect("every event decodes"));
    }
    let delta = |event: &str, content: &str, id: Option<&str>, retry: Option<u64>| Event {
        event: event.to_owned(),
        data: Delta {
            content: content.to_owned(),
        },
        id: id.map(str::to_owned),
        retry: retry.map(Duration::from_millis),
    };
    assert_eq!(
        seen,
        [
            delta("message", "Hel", None, None),
            delta("delta", "lo", Some("7"), None),
            delta("message", "!", Some("7"), Some(3000)),
        ]
    );
    assert_eq!(events.last_event_id(), Some("7"));
    let sent = &server.received_requests().await.unwrap_or_default()[0];
    assert_eq!(sent.headers["accept"], "text/event-stream");
}

#[tokio::test]
async fn a_bad_event_names_itself_and_an_error_answer_is_read_whole() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            "id: e1\nevent: delta\ndata: {\"content\": 5}\n\n",
            "text/event-stream",
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_string("slow down"))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    let answer = Request::new(&rt, &CHAT, vec![])
        .send_streaming()
        .await
        .expect("a head");
    let mut events = answer
        .success_events::<Delta>(None)
        .await
        .expect("a success");
    let error = events
        .next()
        .await
        .expect("one item")
        .expect_err("a decode error");
    let text = error.to_string();
    assert!(
        text.contains("the event `delta` (id \"e1\")") && text.contains("content"),
        "{text}"
    );
    assert!(events.next().await.is_none(), "an error ends the stream");
    let answer = Request::new(&rt, &CHAT, vec![])
        .send_streaming()
        .await
        .expect("a head");
    assert_eq!(answer.status(), 429);
    let error = answer.success().await.expect_err("an error answer");
    assert_eq!(error.api_body().map(String::as_str), Some("slow down"));
}

#[tokio::test]
async fn a_stalled_body_ends_with_the_idle_timeout_and_caps_are_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![1u8; 4096]))
        .mount(&server)
        .await;
    let rt = runtime(builder(&server.uri()));
    let answer = Request::new(&rt, &GET, vec![])
        .send_streaming()
        .await
        .expect("a head");
    let capped = answer.into_body().collect_capped(100).await;
    assert!(
        matches!(capped, Err(Error::TooLarge { limit: 100, .. })),
        "{capped:?}"
    );
    let answer = Request::new(&rt, &GET, vec![])
        .send_streaming()
        .await
        .expect("a head");
    let mut sink = Vec::new();
    let written = answer
        .into_body()
        .write_to(&mut sink)
        .await
        .expect("written");
    assert_eq!((written, sink.len()), (4096, 4096));

    // A raw server that sends a head and then nothing: the idle timeout ends the body.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let addr = listener.local_addr().expect("bound");
    let stall = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let (mut socket, _) = listener.accept().await.expect("a client");
        let mut buffer = [0u8; 4096];
        let _ = socket.read(&mut buffer).await;
        let _ = socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial")
            .await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let rt = runtime(builder(&format!("http://{addr}")).idle_timeout(Duration::from_millis(200)));
    let answer = Request::new(&rt, &GET, vec![])
        .send_streaming()
        .await
        .expect("a head");
    let mut body = answer.into_body();
    assert_eq!(
        body.next().await.map(|c| c.map(|b| b.len()).ok()),
        Some(Some(7))
    );
    let error = body.next().await.expect("an item").expect_err("timed out");
    assert!(
        error.is_timeout() && matches!(error, Error::TimedOut { .. }),
        "{error:?}"
    );
    stall.abort();
}
