//! The HTTP surface through a router built with `Routes`, served on 127.0.0.1 and called with reqwest:
//! each security scheme (and the default `authenticate_with`), header parameters, form, multipart and binary
//! bodies with their limits, text, binary, event-stream answers, typed headers, status ranges and Link headers.

use super::support::guarded;
use apigen_runtime::axum::extract::{Request, State};
use apigen_runtime::axum::response::Response;
use apigen_runtime::axum::routing::{get, post};
use apigen_runtime::server::answer::{LinkHeader, ResponseHeaders, StatusRange};
use apigen_runtime::server::schema::{Field, Param, Schema, Struct, Type, TypeDef};
use apigen_runtime::server::{
    binary, events, json, json_in, json_with_headers, text, ApiError, AuthScheme, Authenticate,
    Caller, ErrorAnswer, ErrorAnswers, File, FilePart, Operation, Routes, ScopeRules, Security,
    SecurityScheme, ServerOptions, Shared,
};
use apigen_runtime::ErrorKind;
use serde_json::{json as value, Value};

const KEY: &str = "sk_test_surface";

struct Who;

impl Caller for Who {
    fn has_scope(&self, _: &str) -> bool {
        true
    }
}

struct Api;

impl Authenticate for Api {
    type Caller = Who;

    async fn authenticate(&self, key: &str) -> Option<Who> {
        (key == KEY).then_some(Who)
    }
}

static SCHEMES: [SecurityScheme; 4] = [
    SecurityScheme::new("basicAuth", AuthScheme::Basic),
    SecurityScheme::new("bearerAuth", AuthScheme::Bearer),
    SecurityScheme::new("headerKey", AuthScheme::ApiKeyHeader("X-API-Key")),
    SecurityScheme::new("queryKey", AuthScheme::ApiKeyQuery("api_key")),
];

static UPLOAD_FIELDS: [Field; 2] = [
    Field::required("purpose", Type::Named(1)),
    Field::optional("tags", Type::List(&Type::String)),
];
static CHARGE_FIELDS: [Field; 2] = [
    Field::required("amount", Type::Integer),
    Field::optional("metadata", Type::Map(&Type::String)),
];
static PURPOSES: [apigen_runtime::server::schema::Literal; 2] = [
    apigen_runtime::server::schema::Literal::Str("fine-tune"),
    apigen_runtime::server::schema::Literal::Str("assistants"),
];
static SCHEMA: Schema = Schema {
    types: &[
        TypeDef::Struct(Struct {
            name: "Upload",
            fields: &UPLOAD_FIELDS,
            reject_unknown: true,
        }),
        TypeDef::Enum(apigen_runtime::server::schema::Enum {
            name: "Purpose",
            values: &PURPOSES,
        }),
        TypeDef::Struct(Struct {
            name: "Charge",
            fields: &CHARGE_FIELDS,
            reject_unknown: true,
        }),
    ],
};

static WHOAMI: Operation = Operation::new("whoami", Security::required(&[])).schemes(&SCHEMES);
static VERSIONED: Operation = Operation::new("versioned", Security::None).headers(&[
    Param {
        required: true,
        ..Param::header("X-Api-Version", Type::Date)
    },
    Param::header("X-Ids", Type::List(&Type::Integer)),
]);
static CHARGE: Operation = Operation::new("charge", Security::None).form_body(Type::Named(2));
static UPLOAD: Operation = Operation::new("upload", Security::None)
    .multipart_body(
        Type::Named(0),
        &[
            FilePart::required("file"),
            FilePart::optional("extra"),
            FilePart::optional("pages"),
        ],
    )
    .body_limit(64 * 1024);
static RAW: Operation = Operation::new("raw", Security::None).binary_body();
static ANSWERS: Operation =
    Operation::new("answers", Security::None).query(&[Param::query("kind", Type::String)]);

async fn whoami(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare(request, &WHOAMI).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (ctx, _) = call.required()?;
            // The Link header never carries a query key.
            Ok::<_, ApiError>(json_with_headers(
                200,
                &value!({"ok": true}),
                ResponseHeaders::new().link(
                    &LinkHeader::new().next(Some(ctx.absolute_url_with_query("page", Some("2")))),
                ),
            ))
        })
        .await
}

async fn versioned(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare_anonymous(request, &VERSIONED).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (_, mut input) = call.anonymous();
            let headers: Value = input.headers()?;
            Ok::<_, ApiError>(json(200, &headers))
        })
        .await
}

async fn charge(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare_anonymous(request, &CHARGE).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (_, mut input) = call.anonymous();
            let body: Value = input.body()?;
            Ok::<_, ApiError>(json(200, &body))
        })
        .await
}

async fn upload(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare_anonymous(request, &UPLOAD).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (_, mut input) = call.anonymous();
            let fields: Value = input.body()?;
            let file = input.file("file")?;
            let extra = input
                .file_opt("extra")
                .map(|f| f.bytes().map_or(0, |b| b.len()));
            // A list of files: every part of the name, with or without `[]`, in the order sent.
            let pages: Vec<String> = input
                .files("pages")
                .iter()
                .map(|f| f.file_name().unwrap_or_default().to_owned())
                .collect();
            Ok::<_, ApiError>(json(
                201,
                &value!({
                    "fields": fields,
                    "name": file.file_name(),
                    "type": file.content_type(),
                    "bytes": String::from_utf8_lossy(file.bytes().map_or(&[][..], |b| b.as_ref())),
                    "extra": extra,
                    "pages": pages,
                }),
            ))
        })
        .await
}

async fn raw(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare_anonymous(request, &RAW).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (_, mut input) = call.anonymous();
            let file = input.binary();
            // Echo the bytes back as a binary answer of the same type.
            Ok::<_, ApiError>(binary(200, file, "application/octet-stream"))
        })
        .await
}

async fn answers(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare_anonymous(request, &ANSWERS).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (_, mut input) = call.anonymous();
            let query: Value = input.query()?;
            Ok::<_, ApiError>(match query["kind"].as_str() {
                Some("text") => text(200, "plain words".into()),
                Some("events") => events(
                    200,
                    futures_util::stream::iter(vec![value!({"n": 1}), value!({"n": 2})]),
                    Some("[DONE]"),
                ),
                Some("file") => binary(
                    200,
                    File::from_path(file_path()),
                    "application/octet-stream",
                ),
                Some("wrong-range") => json_in(200, StatusRange::Class(4), &value!({"e": 1})),
                Some("bad-header") => {
                    json_with_headers(200, &1, ResponseHeaders::new().header("x-bad", "a\nb"))
                }
                _ => json_in(418, StatusRange::Class(4), &value!({"teapot": true})),
            })
        })
        .await
}

fn file_path() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("apigen-answer-{}.bin", std::process::id()))
}

fn error_answers() -> ErrorAnswers {
    ErrorAnswers::new(vec![
        ErrorAnswer {
            kind: ErrorKind::Unauthenticated,
            status: 401,
            body: value!({"code": "not_authenticated"}),
        },
        ErrorAnswer {
            kind: ErrorKind::InvalidCredentials,
            status: 401,
            body: value!({"code": "authentication_failed"}),
        },
        ErrorAnswer {
            kind: ErrorKind::Validation,
            status: 400,
            body: value!({"code": "{code}", "detail": "{detail}", "attr": "{attr}"}),
        },
        ErrorAnswer {
            kind: ErrorKind::PayloadTooLarge,
            status: 413,
            body: value!({"code": "too_large"}),
        },
        ErrorAnswer {
            kind: ErrorKind::ServerError,
            status: 500,
            body: value!({"code": "server_error"}),
        },
    ])
}

/// The router served on 127.0.0.1, and a client for it.
async fn start() -> (String, reqwest::Client) {
    let router = Routes::new(
        Api,
        error_answers(),
        ScopeRules::default(),
        ServerOptions::default().max_parts(5),
        &SCHEMA,
    )
    .route("/whoami", get(whoami))
    .route("/versioned", get(versioned))
    .route("/charge", post(charge))
    .route("/upload", post(upload))
    .route("/raw", post(raw))
    .route("/answers", get(answers))
    .finish();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(async move {
        let _ = apigen_runtime::axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), reqwest::Client::new())
}

async fn answer(request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, String) {
    let response = guarded("an answer", request.send())
        .await
        .expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.expect("a body");
    (status, headers, body)
}

#[tokio::test]
async fn every_scheme_authenticates_and_keys_stay_out_of_links() {
    let (base, http) = start().await;
    let url = format!("{base}/whoami");
    let basic = |user: &str, password: Option<&str>| http.get(&url).basic_auth(user, password);
    assert_eq!(
        answer(basic(KEY, None)).await.0,
        200,
        "Stripe's key as the user name"
    );
    assert_eq!(answer(http.get(&url).bearer_auth(KEY)).await.0, 200);
    assert_eq!(answer(http.get(&url).header("X-API-Key", KEY)).await.0, 200);
    let (status, headers, _) = answer(http.get(format!("{url}?api_key={KEY}&page=1"))).await;
    assert_eq!(status, 200);
    let link = headers["link"].to_str().expect("text").to_owned();
    assert!(link.contains("page=2") && !link.contains(KEY), "{link}");
    // Refused: a password (the default authenticate_with takes keys only), a wrong key, malformed basic.
    for refused in [
        basic(KEY, Some("pw")),
        http.get(&url).bearer_auth("nope"),
        http.get(&url).header("authorization", "Basic !!!"),
    ] {
        let (status, _, body) = answer(refused).await;
        assert_eq!(
            (status, body.as_str()),
            (401, r#"{"code":"authentication_failed"}"#)
        );
    }
    let (status, headers, body) = answer(http.get(&url)).await;
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"code":"not_authenticated"}"#)
    );
    let challenges: Vec<&str> = headers
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert_eq!(challenges, ["Basic realm=\"api\"", "Bearer"]);
}

#[tokio::test]
async fn header_parameters_are_typed_and_checked() {
    let (base, http) = start().await;
    let url = format!("{base}/versioned");
    let (status, _, body) = answer(
        http.get(&url)
            .header("X-Api-Version", "2022-11-28")
            .header("X-Ids", "1, 2"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).ok(),
        Some(value!({"X-Api-Version": "2022-11-28", "X-Ids": [1, 2]}))
    );
    let (status, _, body) = answer(http.get(&url)).await;
    assert_eq!(status, 400);
    assert_eq!(
        serde_json::from_str::<Value>(&body).ok(),
        Some(
            value!({"code": "required", "detail": "This field is required.", "attr": "X-Api-Version"})
        )
    );
    let (status, _, body) = answer(
        http.get(&url)
            .header("X-Api-Version", "2022-11-28")
            .header("X-Ids", "1,x"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains(r#""attr":"X-Ids__1""#), "{body}");
}

#[tokio::test]
async fn form_bodies_are_typed_and_the_media_type_is_checked() {
    let (base, http) = start().await;
    let url = format!("{base}/charge");
    let form = |body: &'static str| {
        http.post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let (status, _, body) = answer(form("amount=2000&metadata[plan]=pro")).await;
    assert_eq!(
        (status, body.as_str()),
        (200, r#"{"amount":2000,"metadata":{"plan":"pro"}}"#)
    );
    let (status, _, body) = answer(form("amount=lots")).await;
    assert_eq!(status, 400);
    assert!(body.contains(r#""attr":"amount""#), "{body}");
    let (status, _, body) = answer(
        http.post(&url)
            .header("content-type", "application/json")
            .body("{}"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("unsupported_media_type") && body.contains("application/json"),
        "{body}"
    );
}

#[tokio::test]
async fn multipart_bodies_with_files_and_limits() {
    let (base, http) = start().await;
    let url = format!("{base}/upload");
    let send = |form: reqwest::multipart::Form| http.post(&url).multipart(form);
    let file = || {
        reqwest::multipart::Part::bytes(b"{\"a\":1}\n".to_vec())
            .file_name("train.jsonl")
            .mime_str("application/jsonl")
            .expect("a media type")
    };
    let form = reqwest::multipart::Form::new()
        .text("purpose", "fine-tune")
        .text("tags[]", "x")
        .text("tags[]", "y")
        .part("file", file());
    let (status, _, body) = answer(send(form)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body).ok(),
        Some(
            value!({"fields": {"purpose": "fine-tune", "tags": ["x", "y"]}, "name": "train.jsonl",
                     "type": "application/jsonl", "bytes": "{\"a\":1}\n", "extra": null, "pages": []})
        )
    );
    // Several parts of one name are one list of files, `pages` and `pages[]` alike.
    let page =
        |name: &'static str| reqwest::multipart::Part::bytes(b"%PDF".to_vec()).file_name(name);
    let (status, _, body) = answer(send(
        reqwest::multipart::Form::new()
            .text("purpose", "fine-tune")
            .part("file", file())
            .part("pages", page("1.pdf"))
            .part("pages[]", page("2.pdf"))
            .part("pages", page("3.pdf")),
    ))
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        serde_json::from_str::<Value>(&body)
            .ok()
            .map(|v| v["pages"].clone()),
        Some(value!(["1.pdf", "2.pdf", "3.pdf"]))
    );
    // A text part checked like a form field, naming it.
    let (status, _, body) = answer(send(
        reqwest::multipart::Form::new()
            .text("purpose", "fun")
            .part("file", file()),
    ))
    .await;
    assert_eq!(status, 400);
    assert!(
        body.contains("invalid_choice") && body.contains(r#""attr":"purpose""#),
        "{body}"
    );
    // A required file part missing.
    let (status, _, body) = answer(send(
        reqwest::multipart::Form::new().text("purpose", "fine-tune"),
    ))
    .await;
    assert_eq!(
        (status, body.as_str()),
        (
            400,
            r#"{"code":"required","detail":"This field is required.","attr":"file"}"#
        )
    );
    // Over the operation's 64 KiB limit, and too many parts.
    let big = reqwest::multipart::Part::bytes(vec![0u8; 100 * 1024]).file_name("big.bin");
    let (status, _, _) = answer(send(
        reqwest::multipart::Form::new()
            .text("purpose", "fine-tune")
            .part("file", big),
    ))
    .await;
    assert_eq!(status, 413);
    let mut many = reqwest::multipart::Form::new()
        .text("purpose", "fine-tune")
        .part("file", file());
    for _ in 0..5 {
        many = many.text("tags[]", "t");
    }
    assert_eq!(answer(send(many)).await.0, 413);
    // Not multipart at all, and a multipart without a boundary.
    assert_eq!(answer(http.post(&url).body("x")).await.0, 400);
    let (status, _, body) = answer(
        http.post(&url)
            .header("content-type", "multipart/form-data")
            .body("x"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("Multipart form parse error"), "{body}");
}

#[tokio::test]
async fn binary_bodies_and_answers() {
    let (base, http) = start().await;
    let (status, headers, body) = answer(
        http.post(format!("{base}/raw"))
            .header("content-type", "audio/mpeg")
            .body(vec![b'm'; 10]),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "mmmmmmmmmm"));
    assert_eq!(headers["content-type"], "audio/mpeg");
    std::fs::write(file_path(), vec![b'f'; 300_000]).expect("written");
    let (status, headers, body) = answer(http.get(format!("{base}/answers?kind=file"))).await;
    assert_eq!(status, 200);
    assert_eq!(body.len(), 300_000, "the file streamed whole");
    assert_eq!(
        headers["content-disposition"],
        format!(
            "attachment; filename=\"{}\"",
            file_path()
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
        )
    );
    let _ = std::fs::remove_file(file_path());
    let (status, headers, body) = answer(http.get(format!("{base}/answers?kind=text"))).await;
    assert_eq!((status, body.as_str()), (200, "plain words"));
    assert_eq!(headers["content-type"], "text/plain; charset=utf-8");
}

#[tokio::test]
async fn event_streams_ranges_and_faults() {
    let (base, http) = start().await;
    let (status, headers, body) = answer(http.get(format!("{base}/answers?kind=events"))).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/event-stream");
    assert_eq!(
        body,
        "data: {\"n\":1}\n\ndata: {\"n\":2}\n\ndata: [DONE]\n\n"
    );
    let (status, _, body) = answer(http.get(format!("{base}/answers?kind=teapot"))).await;
    assert_eq!((status, body.as_str()), (418, r#"{"teapot":true}"#));
    // A 200 for a 4XX answer, and a header that cannot be sent: the server's faults, the spec's server_error.
    for kind in ["wrong-range", "bad-header"] {
        let (status, _, body) = answer(http.get(format!("{base}/answers?kind={kind}"))).await;
        assert_eq!(
            (status, body.as_str()),
            (500, r#"{"code":"server_error"}"#),
            "{kind}"
        );
    }
}
