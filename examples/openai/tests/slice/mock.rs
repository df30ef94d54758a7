//! The generated client against wiremock standing in for api.openai.com: the multipart upload on the wire, the
//! `OpenAI-Beta`/`OpenAI-Organization` headers, an SSE answer as OpenAI writes it read to `[DONE]`, and the files
//! list followed by `after` through three pages.

use crate::common::user;
use openai_slice::client::{ApiHeaders, Client, RetryPolicy};
use openai_slice::models::{ChatModel, FilePurpose, StreamOn};
use openai_slice::rt::serde_json::{json, Value};
use openai_slice::rt::File;
use slice_testkit::{header, only_request, received};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn openai(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("sk-test")
        .open_ai_beta("assistants=v2")
        .open_ai_organization("org-fake")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

fn file(id: &str) -> Value {
    json!({"id": id, "object": "file", "bytes": 120000, "created_at": 1677610602,
           "filename": "salesOverview.pdf", "purpose": "assistants"})
}

#[tokio::test]
async fn an_upload_is_multipart_with_the_file_part_named_and_typed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(file("file-abc123")))
        .mount(&server)
        .await;
    let uploaded = openai(&server)
        .files()
        .create()
        .file(
            File::from_bytes(&b"%PDF-1.7 fake"[..])
                .with_file_name("salesOverview.pdf")
                .with_content_type("application/pdf"),
        )
        .purpose(FilePurpose::Assistants)
        .send()
        .await
        .expect("OpenAI's file example");
    assert_eq!(uploaded.id, "file-abc123");
    let request = only_request(&server).await;
    let content_type = header(&request, "content-type").unwrap_or_default();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"));
    let body = String::from_utf8_lossy(&request.body);
    assert!(body.contains(&format!("--{boundary}")));
    assert!(
        body.contains(
            "Content-Disposition: form-data; name=\"file\"; filename=\"salesOverview.pdf\""
        ),
        "{body}"
    );
    assert!(body.contains("Content-Type: application/pdf"), "{body}");
    assert!(body.contains("%PDF-1.7 fake"));
    assert!(
        body.contains("name=\"purpose\"\r\n\r\nassistants"),
        "{body}"
    );
    assert_eq!(header(&request, "openai-beta"), Some("assistants=v2"));
    assert_eq!(header(&request, "openai-organization"), Some("org-fake"));
}

#[tokio::test]
async fn openais_event_stream_is_read_to_done() {
    let server = MockServer::start().await;
    // As api.openai.com writes a stream: `data:` lines, blank lines between events, `[DONE]` last.
    let chunk = |content: &str, finish: Value| {
        json!({"id": "chatcmpl-123", "object": "chat.completion.chunk", "created": 1694268190,
               "model": "gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb",
               "choices": [{"index": 0, "delta": {"content": content}, "logprobs": null, "finish_reason": finish}]})
    };
    let body = format!(
        "data: {}\n\ndata: {}\n\n: keep-alive\n\ndata: {}\n\ndata: [DONE]\n\n",
        chunk("Hello", Value::Null),
        chunk("!", Value::Null),
        chunk("", json!("stop")),
    );
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "text/event-stream"),
        )
        .mount(&server)
        .await;
    let mut events = openai(&server)
        .chat()
        .create_completion()
        .model(ChatModel::Gpt4oMini)
        .messages(vec![user("Hi")])
        .stream(StreamOn::True)
        .send()
        .await
        .expect("the stream");
    let mut text = String::new();
    let mut count = 0;
    while let Some(event) = events.next().await {
        let chunk = event.expect("decodes").data;
        count += 1;
        if let openai_slice::Nullable::Value(c) = &chunk.choices[0].delta.content {
            text.push_str(c);
        }
    }
    assert_eq!((count, text.as_str()), (3, "Hello!"));
    let request = only_request(&server).await;
    assert_eq!(header(&request, "accept"), Some("text/event-stream"));
    let sent: Value = openai_slice::rt::serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent["stream"], json!(true));
}

#[tokio::test]
async fn the_files_list_is_followed_after_the_last_id_while_has_more() {
    let server = MockServer::start().await;
    let pages = [
        (None, ["file-1", "file-2"].as_slice(), true),
        (Some("file-2"), ["file-3", "file-4"].as_slice(), true),
        (Some("file-4"), ["file-5"].as_slice(), false),
    ];
    for (after, ids, more) in pages {
        let route = Mock::given(method("GET")).and(path("/v1/files"));
        let route = match after {
            Some(after) => route.and(query_param("after", after)),
            None => route.and(query_param_is_missing("after")),
        };
        let data: Vec<Value> = ids.iter().map(|id| file(id)).collect();
        route
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "object": "list", "data": data, "first_id": ids[0],
                "last_id": ids[ids.len() - 1], "has_more": more,
            })))
            .mount(&server)
            .await;
    }
    let ids: Vec<String> = openai(&server)
        .files()
        .list()
        .limit(2)
        .purpose("assistants")
        .items()
        .try_collect()
        .await
        .expect("three pages")
        .into_iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(ids, ["file-1", "file-2", "file-3", "file-4", "file-5"]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[2].url.query(),
        Some("limit=2&purpose=assistants&after=file-4")
    );
}
