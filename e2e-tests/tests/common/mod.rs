//! Harness: the reference server in-process on an ephemeral 127.0.0.1 port, generated clients for it, and checks
//! of the error answers the client decodes.

#![allow(dead_code)] // Each test file uses part of the harness.

use posthog_data_warehouse::client::runtime::{self, BuildClient, HttpMethod, Operation};
use posthog_data_warehouse::client::{ApiErrorBody, Client, Error, RetryPolicy};
use posthog_data_warehouse::models::{ErrorResponse, ErrorType, MessageResponse};
use reference_server::{Config, TokenSpec};
use tokio::sync::oneshot;

/// `*`: every operation.
pub const ADMIN: &str = "admin-key";
/// Only `insight_variable:read`.
pub const VARIABLE_READER: &str = "variable-reader-key";
/// Only `external_data_source:write`, which implies `external_data_source:read`.
pub const SOURCE_WRITER: &str = "source-writer-key";
/// A scope no operation asks for.
pub const USELESS: &str = "useless-key";
/// A key the server does not know.
pub const UNKNOWN: &str = "phx_not_a_key_of_this_server";

/// A running reference server; dropping it stops it.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The server may already be gone when the runtime shuts down first; nothing is left to stop then.
            let _ = stop.send(());
        }
    }
}

/// Starts a reference server with the four keys above on 127.0.0.1:0.
pub async fn start() -> TestServer {
    let tokens = [
        format!("{ADMIN}=*"),
        format!("{VARIABLE_READER}=insight_variable:read"),
        format!("{SOURCE_WRITER}=external_data_source:write"),
        format!("{USELESS}=dashboard:read"),
    ];
    let config = Config {
        tokens: tokens
            .iter()
            .map(|token| {
                token
                    .parse::<TokenSpec>()
                    .expect("the tokens above are KEY=SCOPES")
            })
            .collect(),
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        reference_server::serve(listener, &config, async {
            let _ = stopped.await;
        })
        .await
        .expect("the reference server runs until stopped");
    });
    TestServer {
        base: format!("http://{address}"),
        stop: Some(stop),
    }
}

impl TestServer {
    /// A generated client for this server with `key` (or none). Retries are off so that every answer the tests
    /// see is the first one the server gave.
    pub fn client(&self, key: Option<&str>) -> Client {
        let mut builder = Client::builder()
            .base_url(&self.base)
            .retry_policy(RetryPolicy::none());
        if let Some(key) = key {
            builder = builder.api_key(key);
        }
        builder.build().expect("a valid client configuration")
    }

    /// The client with the `*` key.
    pub fn admin(&self) -> Client {
        self.client(Some(ADMIN))
    }

    /// The generated client's runtime, for inputs the typed builders cannot express (a path id that is not a
    /// UUID, a body field of the wrong JSON type): same URL building, key and error decoding as the client.
    pub fn raw(&self, key: Option<&str>) -> RawClient {
        let mut builder = runtime::ClientBuilder::<RawClient>::new()
            .base_url(&self.base)
            .retry_policy(RetryPolicy::none());
        if let Some(key) = key {
            builder = builder.api_key(key);
        }
        builder.build().expect("a valid client configuration")
    }
}

/// The generated runtime without the typed operations: the client's escape hatch for malformed requests.
pub struct RawClient(runtime::Runtime<ApiErrorBody>);

impl BuildClient for RawClient {
    type ErrorBody = ApiErrorBody;
    const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:1";
    const API_KEY_ENV: Option<&'static str> = None;
    const BASE_URL_ENV: Option<&'static str> = None;
    const USER_AGENT: &'static str = "e2e-tests";

    fn from_runtime(runtime: runtime::Runtime<ApiErrorBody>) -> Self {
        RawClient(runtime)
    }
}

impl RawClient {
    /// Sends `method path` (a template whose `{...}` parameters take `params` in order) with a JSON body, and
    /// returns the answer as the generated client reports a non-success: an [`Error`]. A success is an error here.
    pub async fn send_bad(
        &self,
        name: &'static str,
        method: HttpMethod,
        path: &'static str,
        params: &[&str],
        query: &[(&'static str, String)],
        body: Option<serde_json::Value>,
    ) -> Error {
        let operation = Operation::new(name, method, path).retry_safe(false);
        let body = body.map(|b| serde_json::to_vec(&b).expect("a JSON value serializes"));
        let raw = match self.0.send(operation, params, query, body).await {
            Ok(raw) => raw,
            Err(error) => return error,
        };
        assert!(
            !raw.status().is_success(),
            "{name}: the bad input was accepted with {}: {}",
            raw.status(),
            String::from_utf8_lossy(raw.body())
        );
        raw.into_error()
    }
}

/// The status and PostHog error body of an [`Error::Api`]; anything else fails the test.
pub fn error_response<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, ErrorResponse) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::ErrorResponse(body) => (error.status.as_u16(), body),
            other => panic!(
                "{}: {} with a body that is not an ErrorResponse: {other:?}",
                error.operation, error.status
            ),
        },
        other => panic!("expected an Error::Api with an ErrorResponse, got {other:?}"),
    }
}

/// The `{message}` body of a `400` [`Error::Api`]; anything else fails the test.
pub fn message_400<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::Api(error)) if error.status == 400 => match error.body {
            ApiErrorBody::MessageResponse(MessageResponse { message }) => message,
            other => panic!(
                "{}: a 400 without a message body: {other:?}",
                error.operation
            ),
        },
        other => panic!("expected a 400 Error::Api with a MessageResponse, got {other:?}"),
    }
}

/// PostHog's `404` body.
pub fn not_found() -> ErrorResponse {
    ErrorResponse {
        r#type: ErrorType::InvalidRequest,
        code: "not_found".into(),
        detail: "Not found.".into(),
        attr: None,
    }
}

/// Checks a `400` validation answer: its code and the field it names.
pub fn assert_validation(
    status: u16,
    body: &ErrorResponse,
    code: &str,
    attr: Option<&str>,
    context: &str,
) {
    assert_eq!(status, 400, "{context}: {body:?}");
    assert_eq!(
        body.r#type,
        ErrorType::ValidationError,
        "{context}: {body:?}"
    );
    assert_eq!(body.code, code, "{context}: {body:?}");
    assert_eq!(body.attr.as_deref(), attr, "{context}: {body:?}");
}

/// Objects of project 1 the operations act on.
#[derive(Debug, Clone, Copy)]
pub struct Ids {
    /// An insight variable.
    pub variable: uuid::Uuid,
    /// A saved query.
    pub saved_query: uuid::Uuid,
    /// The demo Stripe source (it has a webhook).
    pub source: uuid::Uuid,
}

/// Creates an insight variable and a saved query in project 1 with the `*` key.
pub async fn seed(server: &TestServer) -> Ids {
    use posthog_data_warehouse::models::{HogQLQuery, InsightVariableType};
    let client = server.admin();
    let variable = client
        .insight_variables()
        .create("@current")
        .name("Country")
        .r#type(InsightVariableType::String)
        .default_value("US")
        .send()
        .await
        .expect("create an insight variable");
    let saved_query = client
        .warehouse_saved_queries()
        .create("@current")
        .name("my_view")
        .query(HogQLQuery {
            kind: Some("HogQLQuery".into()),
            query: "SELECT event FROM events".into(),
        })
        .send()
        .await
        .expect("create a saved query")
        .into_inner();
    Ids {
        variable: variable.id,
        saved_query: saved_query.id,
        source: reference_server::store::DemoSource::Stripe.id(reference_server::CURRENT_PROJECT),
    }
}

/// One operation of the client, sent with valid arguments (the answer's value dropped).
pub type Call = fn(Client, Ids) -> BoxFuture<'static, Result<(), Error>>;

/// An operation: its name as the client reports it, the scope it needs, and a valid call.
pub struct Case {
    /// `resource.method`, as in [`Error::operation`].
    pub name: &'static str,
    /// The scope the operation requires.
    pub scope: &'static str,
    /// Sends it.
    pub call: Call,
}

use futures::future::{BoxFuture, FutureExt};

/// All 18 operations of the client, each with a request that succeeds with the `*` key on a seeded server.
pub fn operations() -> Vec<Case> {
    use posthog_data_warehouse::models::{ExternalDataSourceType, HogQLQuery, InsightVariableType};
    fn case(name: &'static str, scope: &'static str, call: Call) -> Case {
        Case { name, scope, call }
    }
    let source_write = "external_data_source:write";
    let source_read = "external_data_source:read";
    vec![
        case("external_data_sources.reload", source_write, |c, ids| {
            async move {
                c.external_data_sources()
                    .reload("@current", ids.source)
                    .send()
                    .await
            }
            .boxed()
        }),
        case(
            "external_data_sources.revenue_analytics_config",
            source_write,
            |c, ids| {
                async move {
                    let eds = c.external_data_sources();
                    eds.revenue_analytics_config("@current", ids.source)
                        .enabled(true)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "external_data_sources.update_webhook_inputs",
            source_write,
            |c, ids| {
                async move {
                    let inputs = indexmap::IndexMap::from([(
                        "signing_secret".to_owned(),
                        "whsec_e2e".into(),
                    )]);
                    let eds = c.external_data_sources();
                    eds.update_webhook_inputs("@current", ids.source)
                        .inputs(inputs)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "external_data_sources.webhook_info",
            source_read,
            |c, ids| {
                async move {
                    c.external_data_sources()
                        .webhook_info("@current", ids.source)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "external_data_sources.check_cdc_prerequisites",
            source_write,
            |c, _| {
                async move {
                    c.external_data_sources()
                        .check_cdc_prerequisites("@current")
                        .source_type("Postgres")
                        .host("db.example.com")
                        .port(5432)
                        .database("app")
                        .user("posthog")
                        .password("secret")
                        .schema("public")
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case("external_data_sources.connections", source_read, |c, _| {
            async move {
                c.external_data_sources()
                    .connections("@current")
                    .send()
                    .await
                    .map(drop)
            }
            .boxed()
        }),
        case(
            "external_data_sources.database_schema",
            source_write,
            |c, _| {
                async move {
                    let eds = c.external_data_sources();
                    eds.database_schema("@current")
                        .source_type(ExternalDataSourceType::Stripe)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "external_data_sources.source_prefix",
            source_write,
            |c, _| {
                async move {
                    c.external_data_sources()
                        .source_prefix("@current")
                        .source_type("Hubspot")
                        .send()
                        .await
                }
                .boxed()
            },
        ),
        case("external_data_sources.wizard", source_read, |c, _| {
            async move {
                c.external_data_sources()
                    .wizard("@current")
                    .send()
                    .await
                    .map(drop)
            }
            .boxed()
        }),
        case("insight_variables.list", "insight_variable:read", |c, _| {
            async move {
                c.insight_variables()
                    .list("@current")
                    .send()
                    .await
                    .map(drop)
            }
            .boxed()
        }),
        case(
            "insight_variables.create",
            "insight_variable:write",
            |c, _| {
                async move {
                    c.insight_variables()
                        .create("@current")
                        .name(format!("Variable {}", uuid::Uuid::new_v4().simple()))
                        .r#type(InsightVariableType::Number)
                        .default_value(3)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "insight_variables.retrieve",
            "insight_variable:read",
            |c, ids| {
                async move {
                    c.insight_variables()
                        .retrieve("@current", ids.variable)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "insight_variables.partial_update",
            "insight_variable:write",
            |c, ids| {
                async move {
                    let variables = c.insight_variables();
                    variables
                        .partial_update("@current", ids.variable)
                        .default_value("FR")
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "insight_variables.destroy",
            "insight_variable:write",
            |c, ids| {
                async move {
                    c.insight_variables()
                        .destroy("@current", ids.variable)
                        .send()
                        .await
                }
                .boxed()
            },
        ),
        case(
            "warehouse_saved_queries.list",
            "warehouse_view:read",
            |c, _| {
                async move {
                    c.warehouse_saved_queries()
                        .list("@current")
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "warehouse_saved_queries.create",
            "warehouse_view:write",
            |c, _| {
                async move {
                    c.warehouse_saved_queries()
                        .create("@current")
                        .name(format!("view_{}", uuid::Uuid::new_v4().simple()))
                        .query(HogQLQuery {
                            kind: Some("HogQLQuery".into()),
                            query: "SELECT 1 AS one".into(),
                        })
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "warehouse_saved_queries.retrieve",
            "warehouse_view:read",
            |c, ids| {
                async move {
                    c.warehouse_saved_queries()
                        .retrieve("@current", ids.saved_query)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
        case(
            "warehouse_saved_queries.partial_update",
            "warehouse_view:write",
            |c, ids| {
                async move {
                    let queries = c.warehouse_saved_queries();
                    queries
                        .partial_update("@current", ids.saved_query)
                        .deleted(false)
                        .send()
                        .await
                        .map(drop)
                }
                .boxed()
            },
        ),
    ]
}
