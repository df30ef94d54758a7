//! What a generated handler calls: [`Operation`], the static description of what the router checks before an
//! operation runs, [`ServerState::prepare`] (authenticate, check scopes, read and check every input against the
//! API's [`Schema`]), the [`Call`] and [`Input`] it hands back, and [`Routes`], which builds the router.
//!
//! A generated handler is then three steps: prepare, take the typed inputs from [`Input`] (serde decoding of
//! values the schema already checked, so it does not fail in practice), call the implementation through
//! [`ServerState::respond`].

use super::super::{AuthScheme, File, SecurityScheme};
use super::auth::{Authenticate, ScopeRules};
use super::error::{ApiError, ErrorAnswers};
use super::extract::decode_error;
use super::runtime::{
    method_not_allowed, not_found, RequestContext, ServerOptions, ServerState, Shared,
};
use super::schema::{self, Invalid, Schema};
use super::trace::{record_caller, record_operation, trace_request};
use axum::extract::{FromRequestParts, RawPathParams, Request};
use axum::http::header::{HeaderValue, CONNECTION, CONTENT_TYPE, WWW_AUTHENTICATE};
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

/// What the router checks before an operation's handler runs; generated as a `static` per operation with the
/// `const` steps below.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Operation {
    /// The operation id, for logs.
    pub id: &'static str,
    /// Who may call it.
    pub security: Security,
    /// The security schemes it accepts, in order: the router reads the credential of the first one the request
    /// has. Empty (the default): a bearer token only.
    pub schemes: &'static [SecurityScheme],
    /// Its path parameters, in path order.
    pub path: &'static [schema::Param],
    /// Its query parameters.
    pub query: &'static [schema::Param],
    /// Its header parameters.
    pub headers: &'static [schema::Param],
    /// The body it takes, if any.
    pub body: Option<RequestBody>,
    /// Its own body limit in bytes, instead of [`ServerOptions::body_limit`] (an upload's).
    pub body_limit: Option<usize>,
}

/// The body an operation takes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RequestBody {
    /// JSON of this type (an empty body reads as `{}`; the `Content-Type` is not checked).
    Json(schema::Type),
    /// `application/x-www-form-urlencoded` with bracket keys, read by [`Schema::form`] as this type.
    Form(schema::Type),
    /// `multipart/form-data`: the text parts read as a form of this type, the declared file parts as files.
    Multipart {
        /// The type of the text parts together.
        ty: schema::Type,
        /// The parts that are files.
        files: &'static [FilePart],
    },
    /// Raw bytes of any content type, handed over as a [`File`].
    Binary,
}

/// A file part of a multipart body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilePart {
    /// The part's name (`file`); `name[]` parts count too, for lists of files.
    pub name: &'static str,
    /// Whether a request without it is refused (`required`, naming it).
    pub required: bool,
}

impl FilePart {
    /// A file part the request must have.
    pub const fn required(name: &'static str) -> FilePart {
        FilePart {
            name,
            required: true,
        }
    }

    /// A file part the request may leave out.
    pub const fn optional(name: &'static str) -> FilePart {
        FilePart {
            name,
            required: false,
        }
    }
}

/// What an operation without schemes accepts: a bearer token, as before schemes existed.
static BEARER: [SecurityScheme; 1] = [SecurityScheme::new("BearerAuth", AuthScheme::Bearer)];

impl Operation {
    /// An operation without parameters or body, taking bearer tokens; generated code adds the rest with the
    /// `const` steps below, in a `static`.
    pub const fn new(id: &'static str, security: Security) -> Operation {
        Operation {
            id,
            security,
            schemes: &[],
            path: &[],
            query: &[],
            headers: &[],
            body: None,
            body_limit: None,
        }
    }

    /// Accepting these security schemes, in order of preference.
    pub const fn schemes(mut self, schemes: &'static [SecurityScheme]) -> Operation {
        self.schemes = schemes;
        self
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

    /// With these header parameters ([`schema::Param::header`]).
    pub const fn headers(mut self, params: &'static [schema::Param]) -> Operation {
        self.headers = params;
        self
    }

    /// With a JSON body of this type.
    pub const fn json_body(mut self, ty: schema::Type) -> Operation {
        self.body = Some(RequestBody::Json(ty));
        self
    }

    /// With an `application/x-www-form-urlencoded` body of this type.
    pub const fn form_body(mut self, ty: schema::Type) -> Operation {
        self.body = Some(RequestBody::Form(ty));
        self
    }

    /// With a `multipart/form-data` body: text parts of this type and these file parts.
    pub const fn multipart_body(
        mut self,
        ty: schema::Type,
        files: &'static [FilePart],
    ) -> Operation {
        self.body = Some(RequestBody::Multipart { ty, files });
        self
    }

    /// With a raw binary body.
    pub const fn binary_body(mut self) -> Operation {
        self.body = Some(RequestBody::Binary);
        self
    }

    /// With its own body limit, in bytes.
    pub const fn body_limit(mut self, bytes: usize) -> Operation {
        self.body_limit = Some(bytes);
        self
    }

    /// The schemes the router reads, in order.
    fn accepted(&self) -> &'static [SecurityScheme] {
        if self.schemes.is_empty() {
            &BEARER
        } else {
            self.schemes
        }
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
    headers: Map<String, Value>,
    body: Option<Value>,
    files: Vec<(String, File)>,
    binary: Option<File>,
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

    /// Every header parameter, as the operation's header struct (fields named as the declared header names).
    pub fn headers<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        decode(Value::Object(std::mem::take(&mut self.headers)))
    }

    /// The header parameter `name` (as declared), as its type; `Option` types read an absent one as `None`.
    pub fn header<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ApiError> {
        let value = self.headers.remove(name).unwrap_or(Value::Null);
        decode(value).map_err(|e| e.in_field(name))
    }

    /// The request body, as its type (for a multipart body: its text parts).
    pub fn body<T: DeserializeOwned>(&mut self) -> Result<T, ApiError> {
        decode(self.body.take().unwrap_or(Value::Null))
    }

    /// The file part `name` (or `name[]`) of a multipart body; a required one was checked by the router, so a
    /// missing one is the validation answer naming it.
    pub fn file(&mut self, name: &str) -> Result<File, ApiError> {
        self.file_opt(name)
            .ok_or_else(|| ApiError::field(name, "required", REQUIRED))
    }

    /// The file part `name` (or `name[]`), if the request has one.
    pub fn file_opt(&mut self, name: &str) -> Option<File> {
        let at = self
            .files
            .iter()
            .position(|(part, _)| is_part(part, name))?;
        Some(self.files.remove(at).1)
    }

    /// Every file part named `name` (or `name[]`), in the order sent.
    pub fn files(&mut self, name: &str) -> Vec<File> {
        let (mine, rest) = std::mem::take(&mut self.files)
            .into_iter()
            .partition(|(part, _)| is_part(part, name));
        self.files = rest;
        mine.into_iter().map(|(_, file)| file).collect()
    }

    /// The raw body of a binary operation, with its content type.
    pub fn binary(&mut self) -> File {
        self.binary.take().unwrap_or_default()
    }
}

/// Django REST framework's message for a missing input.
const REQUIRED: &str = "This field is required.";

/// Whether the part named `part` is the file part `name`: `name`, or `name[]` for lists of files.
fn is_part(part: &str, name: &str) -> bool {
    part == name || part.strip_prefix(name) == Some("[]")
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
            if !op.headers.is_empty() {
                input.headers = self
                    .schema()
                    .params(op.headers, &[], None, &parts.headers)
                    .map_err(invalid)?;
            }
            if let Some(kind) = &op.body {
                let limit = op.body_limit.unwrap_or(self.options().body_limit);
                let read = self.read_input_body(&parts.headers, body, kind, limit, &mut input);
                match self.options().body_read_timeout {
                    Some(timeout) => tokio::time::timeout(timeout, read)
                        .await
                        .map_err(|_| Refused::BodyTimeout)??,
                    None => read.await?,
                }
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

impl<T: Send + Sync + 'static> ServerState<T> {
    /// Reads and checks a body of `kind` into `input`.
    async fn read_input_body(
        &self,
        headers: &axum::http::HeaderMap,
        body: axum::body::Body,
        kind: &RequestBody,
        limit: usize,
        input: &mut Input,
    ) -> Result<(), ApiError> {
        let media = media_type(headers);
        match kind {
            RequestBody::Json(ty) => {
                let bytes = self.read_body_within(headers, body, limit).await?;
                let mut value = json_body(&bytes)?;
                self.schema()
                    .check(&mut value, ty, &schema::Rules::NONE)
                    .map_err(invalid)?;
                input.body = Some(value);
            }
            RequestBody::Form(ty) => {
                if media
                    .as_deref()
                    .is_some_and(|m| m != "application/x-www-form-urlencoded")
                {
                    return Err(unsupported(headers));
                }
                let bytes = self.read_body_within(headers, body, limit).await?;
                input.body = Some(self.schema().form(&bytes, ty).map_err(invalid)?);
            }
            RequestBody::Multipart { ty, files } => {
                if media.as_deref() != Some("multipart/form-data") {
                    return Err(unsupported(headers));
                }
                let parts =
                    super::multipart::read(headers, body, limit, files, self.options()).await?;
                input.body = Some(self.schema().form_pairs(parts.text, ty).map_err(invalid)?);
                if let Some(missing) = files.iter().find(|part| {
                    part.required && !parts.files.iter().any(|(name, _)| is_part(name, part.name))
                }) {
                    return Err(ApiError::field(missing.name, "required", REQUIRED));
                }
                input.files = parts.files;
            }
            RequestBody::Binary => {
                let bytes = self.read_body_within(headers, body, limit).await?;
                let mut file = File::from_bytes(bytes);
                if let Some(content_type) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok())
                {
                    file = file.with_content_type(content_type);
                }
                input.binary = Some(file);
            }
        }
        Ok(())
    }
}

/// The media type of the request's `Content-Type`, lower-case, without parameters.
fn media_type(headers: &axum::http::HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let media = value.split(';').next().unwrap_or_default().trim();
    Some(media.to_ascii_lowercase())
}

/// The validation answer for a body of another media type than the operation's, with Django REST framework's
/// code and message.
fn unsupported(headers: &axum::http::HeaderMap) -> ApiError {
    let sent = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    ApiError::validation(
        "unsupported_media_type",
        format!("Unsupported media type \"{sent}\" in request."),
    )
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
    /// Checks a request to an operation: credentials (of the first of its schemes the request has) and scopes as
    /// the operation requires, then every input.
    pub async fn prepare(
        &self,
        mut request: Request,
        op: &Operation,
    ) -> Result<Call<T::Caller>, Response> {
        record_operation(op.id);
        let schemes = op.accepted();
        let query = request.uri().query();
        let (caller, via) = match op.security {
            Security::None => (None, None),
            Security::Optional => self.identify_with(request.headers(), query, schemes).await,
            Security::Required { scopes } => {
                match self
                    .authorize_with(request.headers(), query, schemes, scopes)
                    .await
                {
                    Ok((caller, via)) => (Some(caller), via),
                    Err(error) => {
                        let mut response = self.error_response(&error);
                        if !op.schemes.is_empty() {
                            challenge(&mut response, op.schemes);
                        }
                        return Err(response);
                    }
                }
            }
        };
        if let Some(caller) = &caller {
            record_caller(caller);
        }
        if let Some(name) = via {
            // So the context's absolute URLs (and the Link headers built from them) leave the key out.
            request
                .extensions_mut()
                .insert(super::runtime::QueryCredential(name));
        }
        self.inputs(request, op, caller).await
    }
}

/// Sets the `WWW-Authenticate` challenges of a 401 to the operation's HTTP schemes (RFC 9110 asks a 401 to name
/// them); API keys have no standard challenge, so an operation taking only keys sends none.
fn challenge(response: &mut Response, schemes: &[SecurityScheme]) {
    if !response.headers().contains_key(WWW_AUTHENTICATE) {
        return;
    }
    response.headers_mut().remove(WWW_AUTHENTICATE);
    for scheme in schemes {
        let value = match scheme.scheme {
            AuthScheme::Bearer => "Bearer",
            AuthScheme::Basic => "Basic realm=\"api\"",
            AuthScheme::ApiKeyHeader(_) | AuthScheme::ApiKeyQuery(_) => continue,
        };
        response
            .headers_mut()
            .append(WWW_AUTHENTICATE, HeaderValue::from_static(value));
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
