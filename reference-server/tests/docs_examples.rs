//! The 18 example requests of PostHog's "Data" API docs page, pointed at the reference server with a valid key,
//! give the statuses the page documents.
//!
//! Each example is sent twice: to the path of its "Example request" line (no trailing slash) and to its curl URL
//! (trailing slash). `:project_id` becomes `@current` and `:id` a real object. The page's `-d key="value"`
//! arguments are not valid bodies (they send `key=value` text under a JSON content type, or name the fields of
//! the wrong serializer), so each example sends the JSON body the endpoint reads, as `docs/server.md` shows.

mod common;

use common::*;
use reference_server::store::DemoSource;
use reference_server::CURRENT_PROJECT;
use serde_json::{json, Value};

struct Example {
    title: &'static str,
    method: &'static str,
    /// The path after `/api/projects/:project_id/`, with `:id` where the page has it.
    path: &'static str,
    body: Option<Value>,
    /// The status the docs page shows (the first one where it lists several).
    status: u16,
}

fn examples() -> Vec<Example> {
    let example = |title, method, path, body, status| Example {
        title,
        method,
        path,
        body,
        status,
    };
    vec![
        example(
            "Create external data sources reload",
            "POST",
            "external_data_sources/:stripe/reload",
            None,
            200,
        ),
        example(
            "Update external data sources revenue analytics config",
            "PATCH",
            "external_data_sources/:stripe/revenue_analytics_config",
            Some(json!({"enabled": true})),
            200,
        ),
        example(
            "Create external data sources update webhook inputs",
            "POST",
            "external_data_sources/:stripe/update_webhook_inputs",
            Some(json!({"inputs": {"signing_secret": "whsec_example"}})),
            200,
        ),
        example(
            "Retrieve external data sources webhook info",
            "GET",
            "external_data_sources/:stripe/webhook_info",
            None,
            200,
        ),
        example(
            "Create external data sources check cdc prerequisites",
            "POST",
            "external_data_sources/check_cdc_prerequisites",
            Some(
                json!({"source_type": "Postgres", "host": "db.example.com", "port": 5432, "database": "app", "user": "posthog", "password": "secret", "schema": "public"}),
            ),
            200,
        ),
        example(
            "List all external data sources connections",
            "GET",
            "external_data_sources/connections",
            None,
            200,
        ),
        example(
            "Create external data sources database schema",
            "POST",
            "external_data_sources/database_schema",
            Some(json!({"source_type": "Stripe", "stripe_secret_key": "sk_test_example"})),
            200,
        ),
        example(
            "Create external data sources source prefix",
            "POST",
            "external_data_sources/source_prefix",
            Some(json!({"source_type": "Stripe", "prefix": "string"})),
            200,
        ),
        example(
            "Retrieve external data sources wizard",
            "GET",
            "external_data_sources/wizard",
            None,
            200,
        ),
        example(
            "List all insight variables",
            "GET",
            "insight_variables",
            None,
            200,
        ),
        example(
            "Create insight variables",
            "POST",
            "insight_variables",
            Some(json!({"name": "string", "type": "String"})),
            201,
        ),
        example(
            "Retrieve insight variables",
            "GET",
            "insight_variables/:variable",
            None,
            200,
        ),
        example(
            "Update insight variables",
            "PATCH",
            "insight_variables/:variable",
            Some(json!({"name": "string"})),
            200,
        ),
        example(
            "Delete insight variables",
            "DELETE",
            "insight_variables/:variable",
            None,
            204,
        ),
        example(
            "List all warehouse saved queries",
            "GET",
            "warehouse_saved_queries",
            None,
            200,
        ),
        example(
            "Create warehouse saved queries",
            "POST",
            "warehouse_saved_queries",
            Some(json!({"name": "string", "query": {"kind": "HogQLQuery", "query": "SELECT 1"}})),
            201,
        ),
        example(
            "Retrieve warehouse saved queries",
            "GET",
            "warehouse_saved_queries/:query",
            None,
            200,
        ),
        example(
            "Update warehouse saved queries",
            "PATCH",
            "warehouse_saved_queries/:query",
            Some(json!({"deleted": false})),
            200,
        ),
    ]
}

#[tokio::test]
async fn the_docs_examples_give_the_documented_statuses() {
    let examples = examples();
    assert_eq!(examples.len(), 18);
    // Both spellings of each path, each on a fresh server so that creates and deletes start from the same state.
    for slash in ["", "/"] {
        let server = start().await;
        let variable = server
            .post(
                "/api/projects/@current/insight_variables/",
                json!({"name": "Country", "type": "String"}),
            )
            .await;
        let query = server
            .post(
                "/api/projects/@current/warehouse_saved_queries/",
                json!({"name": "my_view", "query": {"query": "SELECT event FROM events"}}),
            )
            .await;
        for example in &examples {
            let path = example
                .path
                .replace(
                    ":stripe",
                    &DemoSource::Stripe.id(CURRENT_PROJECT).to_string(),
                )
                .replace(":variable", variable.json["id"].as_str().unwrap())
                .replace(":query", query.json["id"].as_str().unwrap());
            let path = format!("/api/projects/@current/{path}{slash}");
            let answer = server
                .send(example.method, &path, ADMIN, example.body.clone())
                .await;
            assert_eq!(
                answer.status, example.status,
                "{} ({} {path}): {}",
                example.title, example.method, answer.text
            );
        }
    }
}
