//! Security schemes against wiremock: each scheme's credential where it belongs, the first accepted scheme the
//! client holds, nothing for open operations, and no credential in `Debug`, errors, hooks or spans.

use super::capture::Capture;
use super::support::*;
use apigen_runtime::client::{
    AuthScheme, BuildClient, ClientBuilder, Credential, Hook, HookError, HookRequest, HttpMethod,
    Operation, Request, RetryPolicy, Runtime, SecurityScheme,
};
use std::sync::{Arc, Mutex};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// An API with all four kinds of scheme.
pub struct Multi(pub Runtime<Text>);

impl BuildClient for Multi {
    type ErrorBody = Text;
    const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:9";
    const SCHEMES: &'static [SecurityScheme] = &[
        SecurityScheme::new("basicAuth", AuthScheme::Basic),
        SecurityScheme::new("bearerAuth", AuthScheme::Bearer),
        SecurityScheme::new("headerKey", AuthScheme::ApiKeyHeader("X-API-Key")),
        SecurityScheme::new("queryKey", AuthScheme::ApiKeyQuery("api_key")),
    ];
    const DEFAULT_SCHEMES: &'static [&'static str] = &["basicAuth", "bearerAuth"];
    const BASE_URL_ENV: Option<&'static str> = None;
    const USER_AGENT: &'static str = "auth-test/1.0";
    fn from_runtime(runtime: Runtime<Text>) -> Self {
        Multi(runtime)
    }
}

const SECRET: &str = "sk_live_secret_42";

static DEFAULT: Operation = Operation::new("things.list", HttpMethod::Get, "/things");
static QUERY: Operation =
    Operation::new("things.query", HttpMethod::Get, "/things").auth_any_of(&["queryKey"]);
static HEADER: Operation = Operation::new("things.header", HttpMethod::Get, "/things")
    .auth_any_of(&["headerKey", "queryKey"]);
static OPEN: Operation = Operation::new("things.open", HttpMethod::Get, "/things").open();

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    server
}

fn client(builder: ClientBuilder<Multi>, server: &MockServer) -> Runtime<Text> {
    match builder
        .base_url(server.uri())
        .retry_policy(RetryPolicy::none())
        .build()
    {
        Ok(Multi(runtime)) => runtime,
        Err(e) => panic!("a valid configuration: {e}"),
    }
}

/// The `Authorization`, `X-API-Key` and query of the last request `server` received.
async fn last(server: &MockServer) -> (Option<String>, Option<String>, Option<String>) {
    let requests = server.received_requests().await.unwrap_or_default();
    let request = requests.last().expect("a request was received");
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    (
        header("authorization"),
        header("x-api-key"),
        request.url.query().map(str::to_owned),
    )
}

async fn send(rt: &Runtime<Text>, op: &'static Operation) {
    let raw = Request::new(rt, op, vec![]).send().await.expect("answered");
    assert_eq!(raw.status(), 200);
}

#[tokio::test]
async fn each_scheme_sends_its_credential_where_it_belongs() {
    let server = ok_server().await;
    // Basic: Stripe's key as the user name, empty password; preferred by the API's defaults.
    let rt = client(
        ClientBuilder::new()
            .basic_auth(SECRET, None)
            .bearer_token("tok"),
        &server,
    );
    send(&rt, &DEFAULT).await;
    // base64("sk_live_secret_42:")
    assert_eq!(
        last(&server).await.0.as_deref(),
        Some("Basic c2tfbGl2ZV9zZWNyZXRfNDI6")
    );
    // Bearer: the second default, when the client holds no basic credential.
    let rt = client(ClientBuilder::new().api_key(SECRET), &server);
    send(&rt, &DEFAULT).await;
    assert_eq!(last(&server).await.0, Some(format!("Bearer {SECRET}")));
    // An API key in a header, and in the query.
    send(&rt, &HEADER).await;
    assert_eq!(last(&server).await, (None, Some(SECRET.to_owned()), None));
    send(&rt, &QUERY).await;
    assert_eq!(
        last(&server).await,
        (None, None, Some(format!("api_key={SECRET}")))
    );
    // Open operations send nothing; so does an operation whose schemes the client holds nothing for.
    send(&rt, &OPEN).await;
    assert_eq!(last(&server).await, (None, None, None));
    let only_basic = client(
        ClientBuilder::new().credential("basicAuth", Credential::basic("ada", Some("pw"))),
        &server,
    );
    send(&only_basic, &HEADER).await;
    assert_eq!(last(&server).await, (None, None, None));
    send(&only_basic, &DEFAULT).await;
    assert_eq!(last(&server).await.0.as_deref(), Some("Basic YWRhOnB3"));
}

/// Records every header value and URL hooks see.
#[derive(Default)]
struct Spy(Mutex<Vec<String>>);

impl Hook for Spy {
    fn before_send(&self, request: &mut HookRequest<'_>) -> Result<(), HookError> {
        let mut seen = self.0.lock().map_err(|_| "poisoned")?;
        seen.push(request.url().to_string());
        for value in request.headers().values() {
            seen.push(String::from_utf8_lossy(value.as_bytes()).into_owned());
        }
        Ok(())
    }
}

#[tokio::test]
async fn no_credential_leaks_through_debug_errors_hooks_or_spans() {
    let server = ok_server().await;
    let spy = Arc::new(Spy::default());
    let capture = Capture::default();
    let guard = capture.install();
    let builder = ClientBuilder::<Multi>::new()
        .api_key(SECRET)
        .basic_auth(SECRET, Some(SECRET))
        .default_header("X-Team", "team-7")
        .hook(Arc::clone(&spy));
    assert!(!format!("{builder:?}").contains(SECRET));
    let rt = client(builder, &server);
    assert!(!format!("{rt:?}").contains(SECRET), "{rt:?}");
    for op in [&DEFAULT, &HEADER, &QUERY] {
        send(&rt, op).await;
    }
    // A transport error of a request whose URL holds the key: the message names no key.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound").port()
    };
    let dead = match ClientBuilder::<Multi>::new()
        .api_key(SECRET)
        .base_url(format!("http://127.0.0.1:{closed}"))
        .retry_policy(RetryPolicy::none())
        .build()
    {
        Ok(Multi(runtime)) => runtime,
        Err(e) => panic!("{e}"),
    };
    let error = Request::new(&dead, &QUERY, vec![])
        .send()
        .await
        .expect_err("nothing listens");
    drop(guard);
    let text = format!("{error} {error:?}");
    assert!(!text.contains(SECRET), "{text}");
    assert!(text.contains("things.query"), "{text}");
    let seen = spy.0.lock().map(|s| s.join("\n")).unwrap_or_default();
    assert!(
        seen.contains("auth-test/1.0"),
        "the hook saw the headers: {seen}"
    );
    // The default header is not a credential: hooks see it. Credentials they never see.
    assert!(seen.contains("team-7"), "{seen}");
    assert!(
        !seen.contains(SECRET) && !seen.contains("Basic ") && !seen.contains("api_key"),
        "{seen}"
    );
    assert!(!capture.text().contains(SECRET), "{}", capture.text());
    assert_eq!(capture.spans("apigen.call").len(), 4);
}
