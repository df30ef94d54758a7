//! At least one bad input per operation gets a `400` (never a `500`) with the body the client decodes: PostHog's
//! validation body naming the field in `attr`, or `{message}` where the real API answers that way. Inputs the
//! typed builders cannot express (a path id that is not a UUID, a field of the wrong JSON type, a page that is
//! not a number) go through the generated runtime directly (`RawClient`), with the same URL building and decoding.

mod common;

use common::*;
use posthog_data_warehouse::client::runtime::HttpMethod;
use posthog_data_warehouse::client::Error;
use posthog_data_warehouse::models::{ExternalDataSourceType, HogQLQuery, InsightVariableType};
use serde_json::json;

const SOURCE_ACTION: &str = "/api/projects/{project_id}/external_data_sources/{id}/";
const VARIABLE: &str = "/api/projects/{project_id}/insight_variables/{id}/";
const VARIABLES: &str = "/api/projects/{project_id}/insight_variables/";
const QUERY: &str = "/api/projects/{project_id}/warehouse_saved_queries/{id}/";
const QUERIES: &str = "/api/projects/{project_id}/warehouse_saved_queries/";

fn validation<T: std::fmt::Debug>(
    result: Result<T, Error>,
    code: &str,
    attr: Option<&str>,
    context: &str,
) {
    let (status, body) = error_response(result);
    assert_validation(status, &body, code, attr, context);
}

/// A path id that is not a UUID is answered 404, for every operation that takes one: the spec's
/// `errors.malformed_path: not_found`, as PostHog's `get_object_or_404` finds no object for it.
#[tokio::test]
async fn ids_that_are_not_uuids() {
    let server = start().await;
    let raw = server.raw(Some(ADMIN));
    let cases: [(&'static str, HttpMethod, &'static str); 10] = [
        (
            "external_data_sources.reload",
            HttpMethod::Post,
            "/api/projects/{project_id}/external_data_sources/{id}/reload/",
        ),
        (
            "external_data_sources.revenue_analytics_config",
            HttpMethod::Patch,
            "/api/projects/{project_id}/external_data_sources/{id}/revenue_analytics_config/",
        ),
        (
            "external_data_sources.update_webhook_inputs",
            HttpMethod::Post,
            "/api/projects/{project_id}/external_data_sources/{id}/update_webhook_inputs/",
        ),
        (
            "external_data_sources.webhook_info",
            HttpMethod::Get,
            "/api/projects/{project_id}/external_data_sources/{id}/webhook_info/",
        ),
        ("insight_variables.retrieve", HttpMethod::Get, VARIABLE),
        (
            "insight_variables.partial_update",
            HttpMethod::Patch,
            VARIABLE,
        ),
        ("insight_variables.destroy", HttpMethod::Delete, VARIABLE),
        ("warehouse_saved_queries.retrieve", HttpMethod::Get, QUERY),
        (
            "warehouse_saved_queries.partial_update",
            HttpMethod::Patch,
            QUERY,
        ),
        // The source itself has no route here: the path of an unknown action is a 404, checked below.
        (
            "external_data_sources.unknown_action",
            HttpMethod::Get,
            SOURCE_ACTION,
        ),
    ];
    // `null,null` is what schemathesis sent when it found the undocumented 400 (ST103).
    for id in ["not-a-uuid", "null,null"] {
        for (name, method, path) in cases {
            let body = matches!(method, HttpMethod::Post | HttpMethod::Patch).then(|| json!({}));
            let error = raw
                .send_bad(name, method, path, &["@current", id], &[], body)
                .await;
            let answer = error_response::<()>(Err(error));
            assert_eq!(answer, (404, not_found()), "{name} {id}");
        }
    }
}

#[tokio::test]
async fn source_actions_refuse_bad_input() {
    let server = start().await;
    let client = server.admin();
    let raw = server.raw(Some(ADMIN));
    let sources = client.external_data_sources();
    let stripe = reference_server::store::DemoSource::Stripe.id(reference_server::CURRENT_PROJECT);
    let postgres = reference_server::store::DemoSource::AnalyticsPostgres
        .id(reference_server::CURRENT_PROJECT);
    let stripe_text = stripe.to_string();

    // reload: only path parameters; a bad id is above, a wrong-typed one here.
    let wrong_type = raw
        .send_bad(
            "external_data_sources.revenue_analytics_config",
            HttpMethod::Patch,
            "/api/projects/{project_id}/external_data_sources/{id}/revenue_analytics_config/",
            &["@current", &stripe_text],
            &[],
            Some(json!({"enabled": "yes"})),
        )
        .await;
    validation::<()>(
        Err(wrong_type),
        "invalid",
        Some("enabled"),
        "revenue_analytics_config",
    );

    let no_inputs = sources
        .update_webhook_inputs("@current", stripe)
        .inputs(indexmap::IndexMap::new())
        .send()
        .await;
    assert_eq!(message_400(no_inputs), "No inputs provided");
    let unknown = indexmap::IndexMap::from([("colour".to_owned(), json!("blue"))]);
    let unknown_key = sources
        .update_webhook_inputs("@current", stripe)
        .inputs(unknown)
        .send()
        .await;
    assert_eq!(message_400(unknown_key), "Invalid input keys: colour");
    let secret = indexmap::IndexMap::from([("signing_secret".to_owned(), json!("x"))]);
    let unsupported = sources
        .update_webhook_inputs("@current", postgres)
        .inputs(secret)
        .send()
        .await;
    assert_eq!(
        message_400(unsupported),
        "This source type does not support webhooks"
    );

    let cdc = || {
        sources
            .check_cdc_prerequisites("@current")
            .source_type("Postgres")
            .host("db.example.com")
            .port(5432)
            .database("app")
            .user("posthog")
            .password("secret")
            .schema("public")
    };
    assert!(message_400(cdc().port(0).send().await).starts_with("Invalid source config"));
    assert_eq!(
        message_400(cdc().host("10.0.0.1").send().await),
        "Hosts with internal IP addresses are not allowed"
    );
    // A missing required field never leaves the client...
    match cdc().set_host(None).send().await {
        Err(Error::InvalidRequest { operation, message }) => {
            assert_eq!(operation, "external_data_sources.check_cdc_prerequisites");
            assert!(message.contains("host"), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    // ...and the server names it when it is sent anyway.
    let missing = raw
        .send_bad(
            "external_data_sources.check_cdc_prerequisites",
            HttpMethod::Post,
            "/api/projects/{project_id}/external_data_sources/check_cdc_prerequisites/",
            &["@current"],
            &[],
            Some(json!({"source_type": "Postgres", "port": 5432, "database": "app", "user": "u", "password": "p", "schema": "public"})),
        )
        .await;
    validation::<()>(
        Err(missing),
        "required",
        Some("host"),
        "check_cdc_prerequisites",
    );

    let unknown_type = sources
        .database_schema("@current")
        .source_type(ExternalDataSourceType::Unknown("Nope".into()))
        .send()
        .await;
    assert!(message_400(unknown_type).starts_with("Invalid source config"));
    let wrong_type = raw
        .send_bad(
            "external_data_sources.database_schema",
            HttpMethod::Post,
            "/api/projects/{project_id}/external_data_sources/database_schema/",
            &["@current"],
            &[],
            Some(json!({"source_type": 5})),
        )
        .await;
    validation::<()>(
        Err(wrong_type),
        "invalid",
        Some("source_type"),
        "database_schema",
    );

    let no_prefix = sources
        .source_prefix("@current")
        .source_type("Stripe")
        .send()
        .await;
    assert_eq!(
        message_400(no_prefix),
        "Source type already exists. Prefix is required"
    );
    let direct = sources
        .source_prefix("@current")
        .source_type("Postgres")
        .access_method(posthog_data_warehouse::models::AccessMethodEnum::Direct)
        .send()
        .await;
    assert_eq!(
        message_400(direct),
        "Name is required for direct query sources"
    );
}

/// `connections` and `wizard` read nothing but the project: no input of theirs can be a `400`. An unknown project
/// is a `404` (never a `500`).
#[tokio::test]
async fn project_only_operations_answer_404_for_unknown_projects() {
    let server = start().await;
    let client = server.admin();
    for project in ["0", "-1", "abc", "@other", "99999999999999999999"] {
        let connections = client
            .external_data_sources()
            .connections(project)
            .send()
            .await;
        assert_eq!(error_response(connections), (404, not_found()), "{project}");
        let wizard = client.external_data_sources().wizard(project).send().await;
        assert_eq!(error_response(wizard), (404, not_found()), "{project}");
    }
}

#[tokio::test]
async fn insight_variables_refuse_bad_input() {
    let server = start().await;
    let ids = seed(&server).await;
    let client = server.admin();
    let raw = server.raw(Some(ADMIN));
    let variables = client.insight_variables();

    let page = raw
        .send_bad(
            "insight_variables.list",
            HttpMethod::Get,
            VARIABLES,
            &["@current"],
            &[("page", "two".into())],
            None,
        )
        .await;
    validation::<()>(Err(page), "invalid", Some("page"), "list page");

    let too_long = variables
        .create("@current")
        .name("x".repeat(401))
        .r#type(InsightVariableType::String)
        .send()
        .await;
    validation(too_long, "max_length", Some("name"), "create name");
    let duplicate = variables
        .create("@current")
        .name("country")
        .r#type(InsightVariableType::String)
        .send()
        .await;
    let (status, body) = error_response(duplicate);
    assert_validation(status, &body, "invalid_input", None, "duplicate code_name");
    assert_eq!(body.detail, "Variable with this code name already exists");
    let bad_choice = raw
        .send_bad(
            "insight_variables.create",
            HttpMethod::Post,
            VARIABLES,
            &["@current"],
            &[],
            Some(json!({"name": "x", "type": "Text"})),
        )
        .await;
    validation::<()>(
        Err(bad_choice),
        "invalid_choice",
        Some("type"),
        "create type",
    );

    let too_long = variables
        .partial_update("@current", ids.variable)
        .name("y".repeat(401))
        .send()
        .await;
    validation(too_long, "max_length", Some("name"), "partial_update name");
    // `name` may be left out of a PATCH, but not sent as null (PostHog: "This field may not be null.").
    let null_name = raw
        .send_bad(
            "insight_variables.partial_update",
            HttpMethod::Patch,
            VARIABLE,
            &["@current", &ids.variable.to_string()],
            &[],
            Some(json!({"name": null})),
        )
        .await;
    validation::<()>(
        Err(null_name),
        "null",
        Some("name"),
        "partial_update null name",
    );
    // Nothing was changed by the refused updates.
    assert_eq!(
        variables
            .retrieve("@current", ids.variable)
            .send()
            .await
            .unwrap()
            .name,
        "Country"
    );
}

#[tokio::test]
async fn saved_queries_refuse_bad_input() {
    let server = start().await;
    let ids = seed(&server).await;
    let client = server.admin();
    let raw = server.raw(Some(ADMIN));
    let queries = client.warehouse_saved_queries();
    let select = HogQLQuery {
        kind: Some("HogQLQuery".into()),
        query: "SELECT 1 AS one".into(),
    };

    let page = raw
        .send_bad(
            "warehouse_saved_queries.list",
            HttpMethod::Get,
            QUERIES,
            &["@current"],
            &[("page", "1.5".into())],
            None,
        )
        .await;
    validation::<()>(Err(page), "invalid", Some("page"), "list page");

    let pattern = queries
        .create("@current")
        .name("1 bad name")
        .query(select.clone())
        .send()
        .await;
    validation(pattern, "invalid", Some("name"), "create pattern");
    let reserved = queries
        .create("@current")
        .name("events")
        .query(select.clone())
        .send()
        .await;
    validation(
        reserved,
        "invalid_input",
        Some("name"),
        "create reserved name",
    );
    let not_select = HogQLQuery {
        kind: None,
        query: "DELETE FROM events".into(),
    };
    let bad_query = queries
        .create("@current")
        .name("fine_name")
        .query(not_select)
        .send()
        .await;
    validation(bad_query, "invalid_input", Some("query"), "create query");
    let nested = raw
        .send_bad(
            "warehouse_saved_queries.create",
            HttpMethod::Post,
            QUERIES,
            &["@current"],
            &[],
            Some(json!({"name": "fine_name", "query": {"kind": "HogQLQuery"}})),
        )
        .await;
    validation::<()>(
        Err(nested),
        "required",
        Some("query__query"),
        "create nested field",
    );

    let folder = queries
        .partial_update("@current", ids.saved_query)
        .folder_id(uuid::Uuid::new_v4())
        .send()
        .await;
    validation(
        folder,
        "invalid_input",
        Some("folder_id"),
        "partial_update folder",
    );
    let pattern = queries
        .partial_update("@current", ids.saved_query)
        .name("has space")
        .send()
        .await;
    validation(pattern, "invalid", Some("name"), "partial_update pattern");
    let too_long = queries
        .partial_update("@current", ids.saved_query)
        .name("v".repeat(129))
        .send()
        .await;
    validation(
        too_long,
        "max_length",
        Some("name"),
        "partial_update length",
    );
    assert_eq!(
        queries
            .retrieve("@current", ids.saved_query)
            .send()
            .await
            .unwrap()
            .name,
        "my_view"
    );
}
