//! What the server-control tests share: a small API built with the runtime's `Routes` (echo, open, panic,
//! internal error, a handler that waits for the test), served by `serve` on 127.0.0.1, and raw HTTP helpers.

use apigen_runtime::axum::extract::{Request, State};
use apigen_runtime::axum::response::Response;
use apigen_runtime::axum::routing::{get, post};
use apigen_runtime::axum::Router;
use apigen_runtime::server::schema::{Schema, Type};
use apigen_runtime::server::{
    json, serve, ApiError, Authenticate, Caller, ErrorAnswer, ErrorAnswers, Operation, Routes,
    ScopeRules, Security, ServerOptions, Shared,
};
use apigen_runtime::ErrorKind;
use serde_json::{json as value, Value};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Notify};
use tokio::task::JoinHandle;

/// The key the tests authenticate with.
pub const KEY: &str = "srv_secret_test_key";

/// How long any one step of a test may take before the test fails instead of hanging; far above what any step
/// takes, so it bounds a broken server, not a slow machine.
pub const HANG_GUARD: Duration = Duration::from_secs(20);

/// The caller behind [`KEY`].
pub struct User;

impl Caller for User {
    fn has_scope(&self, _scope: &str) -> bool {
        true
    }

    fn identity(&self) -> Option<String> {
        Some("user-7".to_owned())
    }
}

/// Where the `/slow` handler waits for the test.
#[derive(Default)]
pub struct Gate {
    /// Notified when `/slow` has started.
    pub entered: Notify,
    /// `/slow` answers once this is notified.
    pub release: Notify,
}

/// The implementation: the gate, shared with the test.
pub struct Api {
    gate: Arc<Gate>,
}

impl Authenticate for Api {
    type Caller = User;

    async fn authenticate(&self, key: &str) -> Option<User> {
        (key == KEY).then_some(User)
    }
}

static SCHEMA: Schema = Schema { types: &[] };

const ECHO: Operation = Operation::new("echo", Security::required(&[])).json_body(Type::Json);
const HELLO: Operation = Operation::new("hello", Security::None);
const PANIC: Operation = Operation::new("panic", Security::None);
const INTERNAL: Operation = Operation::new("internal", Security::None);
const SLOW: Operation = Operation::new("slow", Security::None);

/// `POST /echo`: the body and the request id back.
async fn echo(State(state): State<Shared<Api>>, request: Request) -> Response {
    let call = match state.prepare(request, &ECHO).await {
        Ok(call) => call,
        Err(response) => return response,
    };
    state
        .respond(async {
            let (ctx, mut input) = call.required()?;
            let body: Value = input.body()?;
            Ok::<_, ApiError>(json(
                200,
                &value!({"request_id": ctx.request_id(), "body": body}),
            ))
        })
        .await
}

/// The handler of an operation without inputs that answers with `answer`.
async fn without_inputs(
    state: &Shared<Api>,
    request: Request,
    op: &'static Operation,
    answer: impl std::future::Future<Output = Result<Response, ApiError>>,
) -> Response {
    if let Err(response) = state.prepare_anonymous(request, op).await {
        return response;
    }
    state.respond(answer).await
}

/// `GET /hello`: `{"hello": "world"}`.
async fn hello(State(state): State<Shared<Api>>, request: Request) -> Response {
    without_inputs(&state, request, &HELLO, async {
        Ok(json(200, &value!({"hello": "world"})))
    })
    .await
}

/// `GET /panic`: the handler panics with a message that must not reach the client.
async fn panics(State(state): State<Shared<Api>>, request: Request) -> Response {
    without_inputs(&state, request, &PANIC, async {
        if KEY.is_empty() {
            return Ok(json(200, &value!({})));
        }
        panic!("secret internals {KEY}")
    })
    .await
}

/// `GET /internal`: the handler fails with `ApiError::Internal`.
async fn internal(State(state): State<Shared<Api>>, request: Request) -> Response {
    without_inputs(&state, request, &INTERNAL, async {
        Err(ApiError::internal("secret database error"))
    })
    .await
}

/// `GET /slow`: tells the test it started, then waits for the test to release it.
async fn slow(State(state): State<Shared<Api>>, request: Request) -> Response {
    let gate = Arc::clone(&state.implementation().gate);
    without_inputs(&state, request, &SLOW, async move {
        gate.entered.notify_one();
        gate.release.notified().await;
        Ok(json(200, &value!({"slow": "done"})))
    })
    .await
}

/// The API's error answers; with `server_error` declared or not.
pub fn answers(server_error: bool) -> ErrorAnswers {
    let mut answers = vec![
        ErrorAnswer {
            kind: ErrorKind::Unauthenticated,
            status: 401,
            body: value!({"code": "not_authenticated"}),
        },
        ErrorAnswer {
            kind: ErrorKind::PayloadTooLarge,
            status: 413,
            body: value!({"code": "payload_too_large"}),
        },
        ErrorAnswer {
            kind: ErrorKind::NotFound,
            status: 404,
            body: value!({"code": "not_found"}),
        },
    ];
    if server_error {
        answers.push(ErrorAnswer {
            kind: ErrorKind::ServerError,
            status: 500,
            body: value!({"type": "server_error", "code": "error", "detail": "A server error occurred.", "attr": null}),
        });
    }
    ErrorAnswers::new(answers)
}

/// The router of [`Api`], and the gate of its `/slow` handler.
pub fn router(options: ServerOptions, server_error: bool) -> (Router, Arc<Gate>) {
    let gate = Arc::new(Gate::default());
    let api = Api {
        gate: Arc::clone(&gate),
    };
    let router = Routes::new(
        api,
        answers(server_error),
        ScopeRules::default(),
        options,
        &SCHEMA,
    )
    .route("/echo", post(echo))
    .route("/hello", get(hello))
    .route("/panic", get(panics))
    .route("/internal", get(internal))
    .route("/slow", get(slow))
    .finish();
    (router, gate)
}

/// A router served by the runtime's `serve` on an ephemeral port of 127.0.0.1.
pub struct Served {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Completing it asks for the shutdown.
    pub stop: Option<oneshot::Sender<()>>,
    /// `serve` itself, to see it return.
    pub task: JoinHandle<std::io::Result<()>>,
}

/// Serves `router` with `options` until [`Served::stop`] is used.
pub async fn start(router: Router, options: ServerOptions) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on 127.0.0.1");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(listener, router, &options, async {
            let _ = stopped.await;
        })
        .await
    });
    Served {
        addr,
        stop: Some(stop),
        task,
    }
}

/// Runs `step`, failing the test if it takes longer than [`HANG_GUARD`].
pub async fn guarded<F: std::future::Future>(what: &str, step: F) -> F::Output {
    match tokio::time::timeout(HANG_GUARD, step).await {
        Ok(output) => output,
        Err(_) => panic!("{what}: no progress within {HANG_GUARD:?}"),
    }
}

/// Sends `bytes` on a new connection and reads until the server closes it.
pub async fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("the server accepts");
    stream.write_all(bytes).await.expect("the server reads");
    read_to_close(&mut stream).await
}

/// Reads what the server sends until it closes the connection (a reset counts as closed).
pub async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let _ = guarded("reading the answer", stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// The status code of a raw HTTP answer (`HTTP/1.1 431 ...`), 0 when there is none.
pub fn status_of(answer: &str) -> u16 {
    answer
        .strip_prefix("HTTP/1.1 ")
        .and_then(|rest| rest.get(..3))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

/// The body of a raw HTTP answer (after the blank line).
pub fn body_of(answer: &str) -> &str {
    answer.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}
