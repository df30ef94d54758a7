//! Fuzz target: random requests (method, path, query, headers, body) through the generated PostHog router, served
//! by a trivial implementation that answers every operation `not found`. The router must never panic and never
//! answer `500`: every input it refuses gets one of the API's `4xx` answers. What runs is the generated code and
//! the runtime (routing, bearer keys, scopes, path and query parsing, body limits, JSON and schema checks, typed
//! decoding), not an implementation.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use posthog_data_warehouse::models;
use posthog_data_warehouse::rt::axum::body::Body;
use posthog_data_warehouse::rt::axum::http::Request;
use posthog_data_warehouse::rt::axum::Router;
use posthog_data_warehouse::rt::serde_json::{Map, Value};
use posthog_data_warehouse::server::*;
use std::sync::OnceLock;
use tower::ServiceExt as _;

/// A caller with every scope (`all`) or only read scopes (`read`).
struct Key(bool);

impl Caller for Key {
    fn has_scope(&self, scope: &str) -> bool {
        self.0 || scope.ends_with(":read")
    }
}

/// Answers every operation `not found`, after the router has checked and decoded its inputs.
struct Trivial;

impl Authenticate for Trivial {
    type Caller = Key;

    async fn authenticate(&self, key: &str) -> Option<Key> {
        match key {
            "all" => Some(Key(true)),
            "read" => Some(Key(false)),
            _ => None,
        }
    }
}

impl ExternalDataSourcesApi for Trivial {
    async fn reload(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
    ) -> Result<ExternalDataSourcesReloadResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn revenue_analytics_config(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
        _body: models::ExternalDataSourceRevenueAnalyticsConfig,
    ) -> Result<ExternalDataSourcesRevenueAnalyticsConfigResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn update_webhook_inputs(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
        _body: models::UpdateWebhookInputsRequest,
    ) -> Result<ExternalDataSourcesUpdateWebhookInputsResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn webhook_info(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
    ) -> Result<ExternalDataSourcesWebhookInfoResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn check_cdc_prerequisites(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _body: models::CheckCdcPrerequisitesRequest,
    ) -> Result<ExternalDataSourcesCheckCdcPrerequisitesResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn connections(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
    ) -> Result<ExternalDataSourcesConnectionsResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn database_schema(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _body: models::DatabaseSchemaRequest,
    ) -> Result<ExternalDataSourcesDatabaseSchemaResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn source_prefix(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _body: models::SourcePrefixRequest,
    ) -> Result<ExternalDataSourcesSourcePrefixResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn wizard(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
    ) -> Result<ExternalDataSourcesWizardResponse, ApiError> {
        Err(ApiError::NotFound)
    }
}

impl InsightVariablesApi for Trivial {
    async fn list(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _query: InsightVariablesListQuery,
    ) -> Result<InsightVariablesListResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn create(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _body: models::InsightVariableCreate,
    ) -> Result<InsightVariablesCreateResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
    ) -> Result<InsightVariablesRetrieveResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn partial_update(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
        _body: models::InsightVariablePatch,
    ) -> Result<InsightVariablesPartialUpdateResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn destroy(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
    ) -> Result<InsightVariablesDestroyResponse, ApiError> {
        Err(ApiError::NotFound)
    }
}

impl WarehouseSavedQueriesApi for Trivial {
    async fn list(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _query: WarehouseSavedQueriesListQuery,
    ) -> Result<WarehouseSavedQueriesListResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn create(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _body: models::DataWarehouseSavedQueryCreate,
    ) -> Result<WarehouseSavedQueriesCreateResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
    ) -> Result<WarehouseSavedQueriesRetrieveResponse, ApiError> {
        Err(ApiError::NotFound)
    }

    async fn partial_update(
        &self,
        _ctx: RequestContext<Key>,
        _project_id: String,
        _id: posthog_data_warehouse::rt::uuid::Uuid,
        _body: models::DataWarehouseSavedQueryPatch,
    ) -> Result<WarehouseSavedQueriesPartialUpdateResponse, ApiError> {
        Err(ApiError::NotFound)
    }
}

/// The router (with a small body limit, so large bodies are reached) and the runtime that drives it, made once.
fn setup() -> &'static (Router, tokio::runtime::Runtime) {
    static SETUP: OnceLock<(Router, tokio::runtime::Runtime)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let options = ServerOptions::default().body_limit(4096);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime builds");
        (router_with(Trivial, options), runtime)
    })
}

/// Every path template of the API, and a few that are not.
const PATHS: &[&str] = &[
    "/api/projects/{p}/external_data_sources/{i}/reload/",
    "/api/projects/{p}/external_data_sources/{i}/revenue_analytics_config/",
    "/api/projects/{p}/external_data_sources/{i}/update_webhook_inputs/",
    "/api/projects/{p}/external_data_sources/{i}/webhook_info/",
    "/api/projects/{p}/external_data_sources/check_cdc_prerequisites/",
    "/api/projects/{p}/external_data_sources/connections/",
    "/api/projects/{p}/external_data_sources/database_schema/",
    "/api/projects/{p}/external_data_sources/source_prefix/",
    "/api/projects/{p}/external_data_sources/wizard/",
    "/api/projects/{p}/insight_variables/",
    "/api/projects/{p}/insight_variables/{i}/",
    "/api/projects/{p}/warehouse_saved_queries/",
    "/api/projects/{p}/warehouse_saved_queries/{i}/",
    "/api/projects/{p}/",
    "/{p}",
];

const METHODS: &[&str] = &[
    "GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "TRACE", "BREW",
];

/// Field names of the API's bodies, so generated objects reach the schema checks of real fields.
const FIELDS: &[&str] = &[
    "name",
    "type",
    "default_value",
    "values",
    "query",
    "kind",
    "enabled",
    "include_invoiceless_charges",
    "inputs",
    "source_type",
    "prefix",
    "access_method",
    "host",
    "port",
    "database",
    "user",
    "password",
    "schema",
    "ssh_tunnel",
    "cdc_management_mode",
    "tables",
    "cdc_slot_name",
    "cdc_publication_name",
    "deleted",
    "edited_history_id",
    "soft_update",
    "sync_frequency",
    "folder_id",
    "is_test",
];

/// Values worth trying where the API expects one of a few: enum values, UUIDs, numbers at the edges.
const WORDS: &[&str] = &[
    "String",
    "Number",
    "Boolean",
    "List",
    "Date",
    "HogQLQuery",
    "Stripe",
    "Postgres",
    "warehouse",
    "direct",
    "posthog",
    "self_managed",
    "@current",
    "1",
    "0",
    "-1",
    "9223372036854775808",
    "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "",
    ".",
    "..",
    "%2F",
    "%",
    "é",
    "a/b",
    "1e400",
    "null",
    "true",
];

/// A fuzzed request.
#[derive(Debug)]
struct Input {
    method: u8,
    path: u8,
    project: Segment,
    id: Segment,
    trailing_slash: bool,
    query: Vec<(u8, Segment)>,
    auth: u8,
    headers: Vec<(u8, String)>,
    body: BodyInput,
}

// Written out rather than derived: libfuzzer-sys re-exports `arbitrary` without its derive macro.
impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Input {
            method: u.arbitrary()?,
            path: u.arbitrary()?,
            project: u.arbitrary()?,
            id: u.arbitrary()?,
            trailing_slash: u.arbitrary()?,
            query: u.arbitrary()?,
            auth: u.arbitrary()?,
            headers: u.arbitrary()?,
            body: u.arbitrary()?,
        })
    }
}

/// A path segment or query value: a known word or any text.
#[derive(Debug)]
enum Segment {
    Word(u8),
    Text(String),
}

impl<'a> Arbitrary<'a> for Segment {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(if u.arbitrary::<bool>()? {
            Segment::Word(u.arbitrary()?)
        } else {
            Segment::Text(u.arbitrary()?)
        })
    }
}

impl Segment {
    fn text(&self) -> String {
        match self {
            Segment::Word(i) => WORDS[*i as usize % WORDS.len()].to_owned(),
            Segment::Text(text) => text.clone(),
        }
    }
}

/// A body: raw bytes, or a JSON value built to resemble the API's bodies.
#[derive(Debug)]
enum BodyInput {
    Raw(Vec<u8>),
    Json(Value),
}

impl<'a> Arbitrary<'a> for BodyInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        if u.arbitrary::<bool>()? {
            Ok(BodyInput::Raw(u.arbitrary()?))
        } else {
            Ok(BodyInput::Json(json(u, 0)?))
        }
    }
}

/// A JSON value, objects keyed mostly by the API's field names, at most 6 levels deep.
fn json(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
    let choice = if depth >= 6 {
        u.int_in_range(0..=4)?
    } else {
        u.int_in_range(0..=6)?
    };
    Ok(match choice {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => Value::from(u.arbitrary::<f64>()?),
        4 => Value::String(Segment::arbitrary(u)?.text()),
        5 => {
            let len = u.int_in_range(0..=4)?;
            Value::Array(
                (0..len)
                    .map(|_| json(u, depth + 1))
                    .collect::<arbitrary::Result<_>>()?,
            )
        }
        _ => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=8)? {
                let key = if u.arbitrary::<bool>()? {
                    FIELDS[u.choose_index(FIELDS.len())?].to_owned()
                } else {
                    u.arbitrary::<String>()?
                };
                map.insert(key, json(u, depth + 1)?);
            }
            Value::Object(map)
        }
    })
}

/// Percent-encodes what a URI cannot carry as it is, so that most inputs make a request.
fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'@'
            | b':'
            | b'%' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

const HEADER_NAMES: &[&str] = &[
    "content-type",
    "content-length",
    "x-request-id",
    "accept",
    "transfer-encoding",
    "authorization",
    "host",
    "x-other",
];

fn request(input: &Input) -> Option<Request<Body>> {
    let method = METHODS[input.method as usize % METHODS.len()];
    let template = PATHS[input.path as usize % PATHS.len()];
    let mut path = template
        .replace("{p}", &encoded(&input.project.text()))
        .replace("{i}", &encoded(&input.id.text()));
    if !input.trailing_slash {
        path = path.trim_end_matches('/').to_owned();
    }
    let query: Vec<String> = input
        .query
        .iter()
        .map(|(name, value)| {
            let name = ["page", "limit", "offset", "search", "x"][*name as usize % 5];
            format!("{name}={}", encoded(&value.text()))
        })
        .collect();
    if !query.is_empty() {
        path = format!("{path}?{}", query.join("&"));
    }
    let mut builder = Request::builder().method(method).uri(path);
    match input.auth % 4 {
        0 => {}
        1 => builder = builder.header("authorization", "Bearer all"),
        2 => builder = builder.header("authorization", "Bearer read"),
        _ => builder = builder.header("authorization", "Bearer unknown"),
    }
    for (name, value) in &input.headers {
        builder = builder.header(
            HEADER_NAMES[*name as usize % HEADER_NAMES.len()],
            value.as_str(),
        );
    }
    let body = match &input.body {
        BodyInput::Raw(bytes) => bytes.clone(),
        BodyInput::Json(value) => posthog_data_warehouse::rt::serde_json::to_vec(value).ok()?,
    };
    // An invalid method, URI or header value is refused by the HTTP layer before any router sees it.
    builder.body(Body::from(body)).ok()
}

fuzz_target!(|input: Input| {
    let Some(request) = request(&input) else {
        return;
    };
    let (router, runtime) = setup();
    let response = runtime
        .block_on(router.clone().oneshot(request))
        .unwrap_or_else(|never| match never {});
    let status = response.status().as_u16();
    assert!(status != 500, "500 for {input:?}");
    assert!(
        (200..500).contains(&status) || status == 501,
        "{status} for {input:?}"
    );
});
