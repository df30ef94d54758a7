//! Request bodies, query styles and headers against wiremock: forms with bracket keys, multipart text and file
//! parts (bytes, a path read again on a retry, a stream sent once), binary bodies, query lists and objects read
//! back by the server's `Schema::params`, operation and default headers.

use super::support::*;
use apigen_runtime::client::{File, HttpMethod, Operation, ParamStyle, Request, Runtime};
#[cfg(feature = "server")]
use apigen_runtime::server::schema::{Field, Param, Schema, Struct, Type, TypeDef};
use apigen_runtime::Nullable;
use bytes::Bytes;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

static FORM: Operation =
    Operation::new("charges.create", HttpMethod::Post, "/v1/charges").form_body(&["amount"]);
static UPLOAD: Operation = Operation::new("files.create", HttpMethod::Post, "/v1/files")
    .multipart_body(&["file", "purpose"]);
static RAW: Operation = Operation::new("audio.put", HttpMethod::Put, "/v1/audio").binary_body();
static SEARCH: Operation = Operation::new("things.search", HttpMethod::Get, "/v1/things");

async fn answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header(request: &wiremock::Request, name: &str) -> String {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The Stripe-shaped model the form test sends and the server's schema reads back.
#[cfg(feature = "server")]
static CHARGE_FIELDS: [Field; 5] = [
    Field::required("amount", Type::Integer),
    Field {
        nullable: true,
        ..Field::optional("description", Type::String)
    },
    Field::optional("metadata", Type::Map(&Type::String)),
    Field::optional("expand", Type::List(&Type::String)),
    Field::optional("items", Type::List(&Type::Named(1))),
];
#[cfg(feature = "server")]
static ITEM_FIELDS: [Field; 2] = [
    Field::required("price", Type::String),
    Field::optional("quantity", Type::Integer),
];
#[cfg(feature = "server")]
static SCHEMA: Schema = Schema {
    types: &[
        TypeDef::Struct(Struct {
            name: "Charge",
            fields: &CHARGE_FIELDS,
            reject_unknown: true,
        }),
        TypeDef::Struct(Struct {
            name: "Item",
            fields: &ITEM_FIELDS,
            reject_unknown: true,
        }),
    ],
};

#[tokio::test]
async fn a_form_body_has_bracket_keys_the_server_reads_back() {
    let server = answering(200).await;
    let rt = runtime(builder(&server.uri()));
    Request::new(&rt, &FORM, vec![])
        .field("amount", 2000)
        .field_nullable::<String>("description", Nullable::Null)
        .field("metadata", json!({"plan": "pro"}))
        .field("expand", ["customer", "invoice"])
        .field(
            "items",
            json!([{"price": "p1", "quantity": 2}, {"price": "p2"}]),
        )
        .send()
        .await
        .expect("answered");
    let sent = &requests(&server).await[0];
    assert_eq!(
        header(sent, "content-type"),
        "application/x-www-form-urlencoded"
    );
    let body = String::from_utf8_lossy(&sent.body).into_owned();
    assert_eq!(
        body,
        "amount=2000&description=&metadata%5Bplan%5D=pro&expand%5B%5D=customer&expand%5B%5D=invoice\
         &items%5B0%5D%5Bprice%5D=p1&items%5B0%5D%5Bquantity%5D=2&items%5B1%5D%5Bprice%5D=p2"
    );
    #[cfg(feature = "server")]
    assert_eq!(
        SCHEMA
            .form(&sent.body, &Type::Named(0))
            .expect("the server reads it"),
        json!({"amount": 2000, "description": null, "metadata": {"plan": "pro"},
               "expand": ["customer", "invoice"],
               "items": [{"price": "p1", "quantity": 2}, {"price": "p2"}]})
    );
    // A required field left out is refused before anything is sent.
    let missing = Request::new(&rt, &FORM, vec![])
        .field("metadata", json!({}))
        .send()
        .await;
    assert!(
        matches!(missing, Err(Error::InvalidRequest { .. })),
        "{missing:?}"
    );
    assert_eq!(received(&server).await, 1);
}

#[tokio::test]
async fn multipart_parts_are_rebuilt_for_each_attempt_and_a_stream_is_sent_once() {
    // 503 twice, then 201: the path file is read on every attempt.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .mount(&server)
        .await;
    let dir = std::env::temp_dir().join(format!("apigen-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("train.jsonl");
    std::fs::write(&path, b"{\"prompt\": \"hi\"}\n").expect("written");
    let rt =
        runtime(builder(&server.uri()).retry_policy(fast_retries(3).retry_non_idempotent(true)));
    let raw = Request::new(&rt, &UPLOAD, vec![])
        .field("purpose", "fine-tune")
        .field("tags", ["a", "b"])
        .file(
            "file",
            File::from_path(&path).with_content_type("application/jsonl"),
        )
        .file("extra", File::from_bytes(&b"\x00\x01"[..]))
        .file(
            "pages",
            File::from_bytes(&b"one"[..]).with_file_name("1.txt"),
        )
        .file(
            "pages",
            File::from_bytes(&b"two"[..]).with_file_name("2.txt"),
        )
        .send()
        .await
        .expect("answered");
    assert_eq!(raw.status(), 201);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3, "retried twice");
    for request in &sent {
        let content_type = header(request, "content-type");
        assert!(
            content_type.starts_with("multipart/form-data; boundary="),
            "{content_type}"
        );
        // Part headers' names are case-insensitive: compare in lower case.
        let body = String::from_utf8_lossy(&request.body).to_lowercase();
        assert!(
            body.contains("name=\"purpose\"\r\n\r\nfine-tune\r\n"),
            "{body}"
        );
        assert!(body.contains("name=\"tags[]\"\r\n\r\na\r\n"), "{body}");
        assert!(
            body.contains("name=\"file\"; filename=\"train.jsonl\"\r\ncontent-type: application/jsonl\r\n\r\n{\"prompt\": \"hi\"}\n"),
            "every attempt read the file: {body}"
        );
        assert!(
            body.contains(
                "name=\"extra\"\r\ncontent-type: application/octet-stream\r\n\r\n\u{0}\u{1}"
            ),
            "{body}"
        );
        // Files sharing a name (a `list<binary>` field) are one part each, in the order added.
        let one = body.find("name=\"pages\"; filename=\"1.txt\"");
        let two = body.find("name=\"pages\"; filename=\"2.txt\"");
        assert!(matches!((one, two), (Some(a), Some(b)) if a < b), "{body}");
    }
    // A stream part: one attempt only, whatever the policy.
    let server = answering(503).await;
    let rt =
        runtime(builder(&server.uri()).retry_policy(fast_retries(3).retry_non_idempotent(true)));
    let chunks =
        futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"streamed"))]);
    let file = File::from_stream(chunks).with_file_name("s.bin");
    let request = Request::new(&rt, &UPLOAD, vec![])
        .field("purpose", "x")
        .file("file", file);
    let raw = request.clone().send().await.expect("answered");
    assert_eq!(raw.status(), 503);
    assert_eq!(received(&server).await, 1, "a stream is never retried");
    assert!(String::from_utf8_lossy(&requests(&server).await[0].body).contains("streamed"));
    // Its clone shares the stream, which is gone.
    let again = request.send().await;
    assert!(
        matches!(&again, Err(Error::InvalidRequest { message, .. }) if message.contains("already sent")),
        "{again:?}"
    );
    // A file that does not exist fails the request, naming it.
    let gone = Request::new(&rt, &UPLOAD, vec![])
        .field("purpose", "x")
        .file("file", File::from_path(dir.join("missing.bin")))
        .send()
        .await;
    assert!(
        matches!(&gone, Err(Error::InvalidRequest { message, .. }) if message.contains("missing.bin")),
        "{gone:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_binary_body_is_the_file_with_its_content_type() {
    let server = answering(200).await;
    let rt = runtime(builder(&server.uri()));
    let audio = File::from_bytes(vec![7u8; 1000]).with_content_type("audio/mpeg");
    Request::new(&rt, &RAW, vec![])
        .binary(audio)
        .send()
        .await
        .expect("answered");
    let sent = &requests(&server).await[0];
    assert_eq!(header(sent, "content-type"), "audio/mpeg");
    assert_eq!(sent.body, vec![7u8; 1000]);
    let none = Request::new(&rt, &RAW, vec![]).send().await;
    assert!(matches!(none, Err(Error::InvalidRequest { .. })));
}

/// The parameters the query test sends, as the server declares them.
#[cfg(feature = "server")]
static PARAMS: [Param; 5] = [
    Param {
        style: ParamStyle::Form,
        ..Param::query("ids", Type::List(&Type::Integer))
    },
    Param {
        style: ParamStyle::Comma,
        ..Param::query("labels", Type::List(&Type::String))
    },
    Param {
        style: ParamStyle::Brackets,
        ..Param::query("expand", Type::List(&Type::String))
    },
    Param::query("created", Type::Map(&Type::Integer)),
    Param::query("q", Type::String),
];

#[tokio::test]
async fn query_values_round_trip_through_the_servers_params() {
    let server = answering(200).await;
    let rt = runtime(builder(&server.uri()));
    Request::new(&rt, &SEARCH, vec![])
        .query_value("ids", &[1, 2], ParamStyle::Form)
        .query_value("labels", &["bug", "ui"], ParamStyle::Comma)
        .query_value("expand", &["customer"], ParamStyle::Brackets)
        .query_value(
            "created",
            &json!({"gt": 5, "lte": 9}),
            ParamStyle::DeepObject,
        )
        .query_value("q", "a&b c", ParamStyle::Form)
        .query_value_opt::<String>("absent", None, ParamStyle::Form)
        .send()
        .await
        .expect("answered");
    let sent = &requests(&server).await[0];
    let query = sent.url.query().expect("a query").to_owned();
    assert_eq!(
        query,
        "ids=1&ids=2&labels=bug%2Cui&expand%5B%5D=customer&created%5Bgt%5D=5&created%5Blte%5D=9&q=a%26b+c"
    );
    #[cfg(feature = "server")]
    assert_eq!(
        serde_json::Value::Object(
            SCHEMA
                .params(&PARAMS, &[], Some(&query), &Default::default())
                .expect("the server reads it")
        ),
        json!({"ids": [1, 2], "labels": ["bug", "ui"], "expand": ["customer"],
               "created": {"gt": 5, "lte": 9}, "q": "a&b c"})
    );
}

#[tokio::test]
async fn operation_and_default_headers() {
    let server = answering(200).await;
    let rt: Runtime<Text> = runtime(
        builder(&server.uri())
            .default_header("X-GitHub-Api-Version", "2022-11-28")
            .default_header("Accept", "application/vnd.github+json"),
    );
    Request::new(&rt, &SEARCH, vec![])
        .header("OpenAI-Beta", "assistants=v2".to_owned())
        .header_value("X-Ids", &[1, 2])
        .header_opt("X-Absent", None)
        .send()
        .await
        .expect("answered");
    let sent = &requests(&server).await[0];
    assert_eq!(header(sent, "x-github-api-version"), "2022-11-28");
    assert_eq!(
        header(sent, "accept"),
        "application/vnd.github+json",
        "the default replaced the generated one"
    );
    assert_eq!(header(sent, "openai-beta"), "assistants=v2");
    assert_eq!(header(sent, "x-ids"), "1, 2");
    assert!(sent.headers.get("x-absent").is_none());
    let bad = Request::new(&rt, &SEARCH, vec![])
        .header("X-Bad", "line\nbreak".to_owned())
        .send()
        .await;
    assert!(matches!(bad, Err(Error::InvalidRequest { .. })));
}
