//! What a generated handler calls: [`Operation`], the static description of what the router checks before an
//! operation runs, [`ServerState::prepare`] (authenticate, check scopes, read and check every input against the
//! API's [`Schema`]), the [`Call`] and [`Input`] it hands back, and [`Routes`], which builds the router.
//!
//! A generated handler is then three steps: prepare, take the typed inputs from [`Input`] (serde decoding of
//! values the schema already checked, so it does not fail in practice), call the implementation through
//! [`ServerState::respond`].

use super::auth::{Authenticate, ScopeRules};
use super::error::{ApiError, ErrorAnswers};
use super::extract::decode_error;
use super::runtime::{
    method_not_allowed, not_found, RequestContext, ServerOptions, ServerState, Shared,
};
use super::schema::{self, Invalid, Schema};
use super::trace::{record_caller, record_operation, trace_request};
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::header::{HeaderValue, CONNECTION};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::Router;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Who may call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// The API has no authentication.
    None,
    /// Open to anyone; a valid key still identifies the caller.
    Optional,
    /// A valid key holding every one of these scopes.
    Required {
        /// The scopes the key must hold (after the API's wildcard and implication rules).
        scopes: &'static [&'static str],
    },
}

impl Security {
    /// A valid key holding every one of `scopes`.
    pub const fn required(scopes: &'static [&'static str]) -> Security {
        Security::Required { scopes }
    }
}

/// What the router checks before an operation's handler runs; generated as a `static` per operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operation {
    /// The operation id, for logs.
    pub id: &'static str,
    /// Who may call it.
    pub security: Security,
    /// Its path parameters, in path order.
    pub path: &'static [schema::Param],
    /// Its query parameters.
    pub query: &'static [schema::Param],
    /// The type of its JSON body, if it takes one.
    pub body: Option<schema::Type>,
}

impl Operation {
    /// An operation without parameters or body; generated code adds them with the `const` steps below, in a
    /// `static`.
    pub const fn new(id: &'static str, security: Security) -> Operation {
        Operation {
            id,
            security,
            path: &[],
            query: &[],
            body: None,
        }
    }

    /// With these path parameters, in path order.
    pub const fn path(mut self, params: &'static [schema::Param]) -> Operation {
        self.path = params;
        self
    }

    /// With these query parameters.
    pub const fn query(mut self, params: &'static [schema::Param]) -> Operation {
        self.query = params;
        self
    }

    /// With a JSON body of this type.
    pub const fn json_body(mut self, ty: schema::Type) -> Operation {
        self.body = Some(ty);
        self
    }
}

/// A request that passed every check: the caller (if any), the request head and the checked inputs.
#[derive(Debug)]
pub struct Call<C> {
    caller: Option<C>,
    parts: Parts,
    input: Input,
}

impl<C> Call<C> {
    /// The context and inputs of an operation that needs credentials. The caller was authenticated by
    /// [`ServerState::prepare`]; without one (the operation was described as open), this is `unauthenticated`.
    pub fn required(self) -> Result<(RequestContext<C>, Input), ApiError> {
        match self.caller {
            Some(caller) => Ok((RequestContext::new(caller, self.parts), self.input)),
            None => Err(ApiError::Unauthenticated),
        }
    }

    /// The context and inputs of an operation open to anyone: the caller if a valid key was sent.
    pub fn optional(self) -> (RequestContext<Option<C>>, Input) {
        (RequestContext::new(self.caller, self.parts), self.input)
    }

    /// The context and inputs of an operation of an API without authentication.
    pub fn anonymous(self) -> (RequestContext<()>, Input) {
        (RequestContext::new((), self.parts), self.input)
    }
}

/// The checked inputs of a request, taken out one by one as the operation's typed arguments.
#[derive(Debug, Default)]
pub struct Input {
    path: Map<String, Value>,
    query: Map<String, Value>,
    body: Option<Value>,
}

impl Input {
    /// The path parameter `name`, as its type.
    pub fn path<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ApiError> {
        let value = self.path.remove(name).unwrap_or(Value::Null);
        decode(value).map_err(|e| e.in_field(name))
    }

    /// Every query parameter, as the operation's query struct.
    pub fn query<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        decode(Value::Object(std::mem::take(&mut self.query)))
    }

    /// The request body, as its type.
    pub fn body<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        decode(self.body.take().unwrap_or(Value::Null))
    }
}

/// Decodes a checked value into its generated type. The schema describes the same types serde decodes, so this
/// only fails if the two disagree; the answer is still the validation error naming the value, never a 500.
fn decode<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(decode_error)
}

/// A schema's refusal as the API's validation answer: `attr` joins the path with `__`, as PostHog does. A fault
/// of the schema itself is the server's, answered with 500.
pub fn invalid(error: Invalid) -> ApiError {
    if error.is_schema_fault() {
        return ApiError::internal(error);
    }
    let attr = error.attr_joined("__");
    ApiError::Validation {
        code: error.code.into(),
        detail: error.detail,
        attr,
    }
}

impl<T: Send + Sync + 'static> ServerState<T> {
    /// Checks a request to an operation of an API without authentication.
    pub async fn prepare_anonymous(
        &self,
        request: Request,
        op: &Operation,
    ) -> Result<Call<()>, Response> {
        record_operation(op.id);
        self.inputs(request, op, None).await
    }

    /// Reads and checks the inputs; `caller` is who the request was authenticated as, if anyone.
    async fn inputs<C>(
        &self,
        request: Request,
        op: &Operation,
        caller: Option<C>,
    ) -> Result<Call<C>, Response> {
        let (mut parts, body) = request.into_parts();
        let result = async {
            let mut input = Input::default();
            if !op.path.is_empty() {
                let raw = RawPathParams::from_request_parts(&mut parts, &())
                    .await
                    .map_err(|rejection| ApiError::validation("invalid", rejection.body_text()))?;
                let pairs: Vec<(&str, &str)> = raw.iter().collect();
                input.path = self
                    .schema()
                    .params(op.path, &pairs, None, &parts.headers)
                    .map_err(|e| {
                        if self.answers().malformed_path_is_not_found() && !e.is_schema_fault() {
                            ApiError::NotFound
                        } else {
                            invalid(e)
                        }
                    })?;
            }
            if !op.query.is_empty() {
                input.query = self
                    .schema()
                    .params(op.query, &[], parts.uri.query(), &parts.headers)
                    .map_err(invalid)?;
            }
            if let Some(ty) = &op.body {
                let read = self.read_body(&parts.headers, body);
                let bytes = match self.options().body_read_timeout {
                    Some(limit) => tokio::time::timeout(limit, read)
                        .await
                        .map_err(|_| Refused::BodyTimeout)??,
                    None => read.await?,
                };
                let mut value = json_body(&bytes)?;
                self.schema()
                    .check(&mut value, ty, &schema::Rules::NONE)
                    .map_err(invalid)?;
                input.body = Some(value);
            }
            Ok::<_, Refused>(input)
        }
        .await;
        match result {
            Ok(input) => Ok(Call {
                caller,
                parts,
                input,
            }),
            Err(Refused::Api(error)) => Err(self.error_response(&error)),
            Err(Refused::BodyTimeout) => Err(body_timeout()),
        }
    }
}

/// Why the inputs of a request were not read.
enum Refused {
    /// An answer of the API's.
    Api(ApiError),
    /// The body did not arrive within [`ServerOptions::body_read_timeout`].
    BodyTimeout,
}

impl From<ApiError> for Refused {
    fn from(error: ApiError) -> Self {
        Refused::Api(error)
    }
}

/// The answer to a body that did not arrive in time: `408` and `Connection: close`, so the server stops reading
/// from a client that trickles or stalls instead of keeping the connection for its next request.
fn body_timeout() -> Response {
    tracing::info!("the request body did not arrive within the body read timeout");
    let mut response = StatusCode::REQUEST_TIMEOUT.into_response();
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

impl<T: Authenticate> ServerState<T> {
    /// Checks a request to an operation: credentials and scopes as the operation requires, then every input.
    pub async fn prepare(
        &self,
        request: Request,
        op: &Operation,
    ) -> Result<Call<T::Caller>, Response> {
        record_operation(op.id);
        let caller = match op.security {
            Security::None => None,
            Security::Optional => self.identify(request.headers()).await,
            Security::Required { scopes } => {
                match self.authorize(request.headers(), scopes).await {
                    Ok(caller) => Some(caller),
                    Err(error) => return Err(self.error_response(&error)),
                }
            }
        };
        if let Some(caller) = &caller {
            record_caller(caller);
        }
        self.inputs(request, op, caller).await
    }
}

/// Parses a JSON request body. An empty body is read as `{}`, so a body with required fields reports them as
/// `required` rather than failing to parse.
fn json_body(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Map::new()));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::validation(
            "parse_error",
            format!("JSON parse error - {}", without_position(&e)),
        )
    })
}

/// serde_json's message without its " at line L column C" suffix, which means little to an API caller.
fn without_position(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

/// A JSON answer with a status from the spec.
pub fn json<B: serde::Serialize>(status: u16, body: &B) -> Response {
    super::error::json_response(super::runtime::status(status), body)
}

/// An answer without a body.
pub fn empty(status: u16) -> Response {
    super::runtime::status(status).into_response()
}

/// Builds a generated router: each path is served with and without its trailing slash, unknown paths get the
/// API's not-found answer and known paths with another method its method-not-allowed answer.
pub struct Routes<T> {
    router: Router<Shared<T>>,
    state: Shared<T>,
}

impl<T: Send + Sync + 'static> Routes<T> {
    /// Starts a router serving `implementation` with the API's answers, scope rules and schema.
    pub fn new(
        implementation: T,
        answers: ErrorAnswers,
        scopes: ScopeRules,
        options: ServerOptions,
        schema: &'static Schema,
    ) -> Self {
        Routes {
            router: Router::new(),
            state: ServerState::new(implementation, answers, scopes, options, schema),
        }
    }

    /// Serves `methods` at `path`, and at `path` with its trailing slash added or removed.
    pub fn route(mut self, path: &str, methods: MethodRouter<Shared<T>>) -> Self {
        let other = match path.strip_suffix('/') {
            Some(bare) => bare.to_owned(),
            None => format!("{path}/"),
        };
        if !other.is_empty() {
            self.router = self.router.route(&other, methods.clone());
        }
        self.router = self.router.route(path, methods);
        self
    }

    /// The finished router. Every route and fallback runs in [`trace_request`]: a request id (echoed in
    /// `X-Request-Id`) and an `apigen.request` span per request.
    pub fn finish(self) -> Router {
        self.router
            .fallback(not_found::<T>)
            .method_not_allowed_fallback(method_not_allowed::<T>)
            .layer(axum::middleware::from_fn(trace_request))
            .with_state(self.state)
    }
}
