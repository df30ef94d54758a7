//! Test harness: a reference server on an ephemeral 127.0.0.1 port, and a small JSON HTTP client for it.

#![allow(dead_code)] // Each test file uses part of the harness.

use reference_server::store::DemoSource;
use reference_server::{Config, TokenSpec};
use serde_json::Value;
use tokio::sync::oneshot;

/// Keys every test server accepts.
pub const ADMIN: &str = "admin-key"; // `*`
pub const NO_SCOPES: &str = "no-scopes-key";
pub const READER: &str = "reader-key"; // every `:read` scope
pub const WRITER: &str = "writer-key"; // every `:write` scope, which implies the reads

/// The scope objects of the spec's operations.
pub const OBJECTS: [&str; 3] = ["external_data_source", "insight_variable", "warehouse_view"];

/// A running server; dropping it stops it.
pub struct TestServer {
    pub base: String,
    client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The answer to a request: status, body parsed as JSON (`Null` when empty), raw text, and headers.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub text: String,
    pub headers: reqwest::header::HeaderMap,
}

pub async fn start() -> TestServer {
    start_with(1024 * 1024).await
}

pub async fn start_with(body_limit: usize) -> TestServer {
    let scopes = |suffix: &str| OBJECTS.map(|o| format!("{o}:{suffix}")).join(",");
    let tokens = [
        format!("{ADMIN}=*"),
        format!("{NO_SCOPES}="),
        format!("{READER}={}", scopes("read")),
        format!("{WRITER}={}", scopes("write")),
    ];
    let config = Config {
        tokens: tokens
            .iter()
            .map(|t| t.parse::<TokenSpec>().unwrap())
            .collect(),
        body_limit,
        log_requests: false,
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        reference_server::serve(listener, &config, async {
            let _ = stopped.await;
        })
        .await
        .unwrap();
    });
    TestServer {
        base: format!("http://{address}"),
        client: reqwest::Client::new(),
        stop: Some(stop),
    }
}

/// The path of a demo source's action in project `project`.
pub fn source_path(project: i64, source: DemoSource, action: &str) -> String {
    format!(
        "/api/projects/{project}/external_data_sources/{}/{action}/",
        source.id(project)
    )
}

impl TestServer {
    /// Sends `method path` with `key` (if any) and a raw body (if any).
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        Answer {
            status,
            json,
            text,
            headers,
        }
    }

    /// Sends `method path` with `key` and a JSON body.
    pub async fn send(&self, method: &str, path: &str, key: &str, body: Option<Value>) -> Answer {
        let body = body.map(|b| serde_json::to_vec(&b).unwrap());
        self.raw(method, path, Some(key), body).await
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send("GET", path, ADMIN, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send("POST", path, ADMIN, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send("PATCH", path, ADMIN, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send("DELETE", path, ADMIN, None).await
    }
}

/// One operation of the spec, with a request that succeeds against a fresh project 1.
pub struct Operation {
    pub name: &'static str,
    pub method: &'static str,
    pub path: String,
    pub scope: &'static str,
    pub body: Option<Value>,
    pub status: u16,
}

/// All 18 operations. `variable` and `saved_query` are ids of existing objects in project 1.
pub fn operations(variable: &str, saved_query: &str) -> Vec<Operation> {
    use serde_json::json;
    let eds = "/api/projects/1/external_data_sources";
    let op = |name, method, path: String, scope, body, status| Operation {
        name,
        method,
        path,
        scope,
        body,
        status,
    };
    vec![
        op(
            "reload",
            "POST",
            source_path(1, DemoSource::Stripe, "reload"),
            "external_data_source:write",
            None,
            200,
        ),
        op(
            "revenue_analytics_config",
            "PATCH",
            source_path(1, DemoSource::Stripe, "revenue_analytics_config"),
            "external_data_source:write",
            Some(json!({"enabled": false})),
            200,
        ),
        op(
            "update_webhook_inputs",
            "POST",
            source_path(1, DemoSource::Stripe, "update_webhook_inputs"),
            "external_data_source:write",
            Some(json!({"inputs": {"signing_secret": "whsec_new"}})),
            200,
        ),
        op(
            "webhook_info",
            "GET",
            source_path(1, DemoSource::Stripe, "webhook_info"),
            "external_data_source:read",
            None,
            200,
        ),
        op(
            "check_cdc_prerequisites",
            "POST",
            format!("{eds}/check_cdc_prerequisites/"),
            "external_data_source:write",
            Some(
                json!({"source_type": "Postgres", "host": "db.example.com", "port": 5432, "database": "app", "user": "posthog", "password": "secret", "schema": "public"}),
            ),
            200,
        ),
        op(
            "connections",
            "GET",
            format!("{eds}/connections/"),
            "external_data_source:read",
            None,
            200,
        ),
        op(
            "database_schema",
            "POST",
            format!("{eds}/database_schema/"),
            "external_data_source:write",
            Some(json!({"source_type": "Stripe", "stripe_secret_key": "sk_test"})),
            200,
        ),
        op(
            "source_prefix",
            "POST",
            format!("{eds}/source_prefix/"),
            "external_data_source:write",
            Some(json!({"source_type": "Hubspot"})),
            200,
        ),
        op(
            "wizard",
            "GET",
            format!("{eds}/wizard/"),
            "external_data_source:read",
            None,
            200,
        ),
        op(
            "insight_variables.list",
            "GET",
            "/api/projects/1/insight_variables/".into(),
            "insight_variable:read",
            None,
            200,
        ),
        op(
            "insight_variables.create",
            "POST",
            "/api/projects/1/insight_variables/".into(),
            "insight_variable:write",
            Some(json!({"name": "Another variable", "type": "Number", "default_value": 3})),
            201,
        ),
        op(
            "insight_variables.retrieve",
            "GET",
            format!("/api/projects/1/insight_variables/{variable}/"),
            "insight_variable:read",
            None,
            200,
        ),
        op(
            "insight_variables.partial_update",
            "PATCH",
            format!("/api/projects/1/insight_variables/{variable}/"),
            "insight_variable:write",
            Some(json!({"default_value": "FR"})),
            200,
        ),
        op(
            "insight_variables.destroy",
            "DELETE",
            format!("/api/projects/1/insight_variables/{variable}/"),
            "insight_variable:write",
            None,
            204,
        ),
        op(
            "warehouse_saved_queries.list",
            "GET",
            "/api/projects/1/warehouse_saved_queries/".into(),
            "warehouse_view:read",
            None,
            200,
        ),
        op(
            "warehouse_saved_queries.create",
            "POST",
            "/api/projects/1/warehouse_saved_queries/".into(),
            "warehouse_view:write",
            Some(
                json!({"name": "another_view", "query": {"kind": "HogQLQuery", "query": "SELECT 1 AS one"}}),
            ),
            201,
        ),
        op(
            "warehouse_saved_queries.retrieve",
            "GET",
            format!("/api/projects/1/warehouse_saved_queries/{saved_query}/"),
            "warehouse_view:read",
            None,
            200,
        ),
        op(
            "warehouse_saved_queries.partial_update",
            "PATCH",
            format!("/api/projects/1/warehouse_saved_queries/{saved_query}/"),
            "warehouse_view:write",
            Some(json!({"deleted": false})),
            200,
        ),
    ]
}

/// Creates an insight variable and a saved query in project 1; returns their ids.
pub async fn seed(server: &TestServer) -> (String, String) {
    use serde_json::json;
    let variable = server
        .post(
            "/api/projects/1/insight_variables/",
            json!({"name": "Country", "type": "String", "default_value": "US"}),
        )
        .await;
    assert_eq!(variable.status, 201, "{}", variable.text);
    let query = server
        .post(
            "/api/projects/1/warehouse_saved_queries/",
            json!({"name": "my_view", "query": {"kind": "HogQLQuery", "query": "SELECT event FROM events"}}),
        )
        .await;
    assert_eq!(query.status, 201, "{}", query.text);
    (
        variable.json["id"].as_str().unwrap().to_owned(),
        query.json["id"].as_str().unwrap().to_owned(),
    )
}
