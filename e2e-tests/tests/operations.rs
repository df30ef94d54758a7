//! Every operation through the generated client succeeds against the reference server with the documented
//! outcome, and its typed answer carries the values the server keeps.

mod common;

use common::*;
use futures::StreamExt;
use posthog_data_warehouse::client::WarehouseSavedQueriesCreateResponse;
use posthog_data_warehouse::models::{
    AccessMethodEnum, CdcManagementMode, DataWarehouseSavedQueryStatus, EngineEnum,
    ExternalDataSourceType, HogQLQuery, InsightVariableType, Nullable,
};
use reference_server::store::DemoSource;
use reference_server::CURRENT_PROJECT;
use serde_json::json;
use std::collections::HashSet;

fn hogql(query: &str) -> HogQLQuery {
    HogQLQuery {
        kind: Some("HogQLQuery".into()),
        query: query.into(),
    }
}

#[tokio::test]
async fn insight_variable_lifecycle() {
    let server = start().await;
    let client = server.admin();
    let variables = client.insight_variables();

    let created = variables
        .create("@current")
        .name("Country Code")
        .r#type(InsightVariableType::String)
        .default_value("US")
        .send()
        .await
        .unwrap();
    assert_eq!(created.name, "Country Code");
    assert_eq!(created.r#type, InsightVariableType::String);
    assert_eq!(created.default_value, Some(json!("US")));
    assert_eq!(created.code_name.as_deref(), Some("country_code"));
    // The `*` key is the first token: user 1.
    assert_eq!(created.created_by, Some(1));

    let retrieved = variables
        .retrieve("@current", created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(retrieved, created);
    // The same project by number.
    let by_number = variables
        .retrieve(CURRENT_PROJECT.to_string(), created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(by_number, created);

    // Three states: a value changes the field, null clears it, absent leaves it alone.
    let renamed = variables
        .partial_update("@current", created.id)
        .name("Land")
        .default_value_null()
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.name, "Land");
    assert_eq!(renamed.default_value, None);
    assert_eq!(
        renamed.code_name.as_deref(),
        Some("country_code"),
        "PATCH keeps code_name"
    );
    let untouched = variables
        .partial_update("@current", created.id)
        .send()
        .await
        .unwrap();
    assert_eq!(untouched, renamed);
    let valued = variables
        .partial_update("@current", created.id)
        .default_value(json!({"nested": [1, 2]}))
        .send()
        .await
        .unwrap();
    assert_eq!(valued.default_value, Some(json!({"nested": [1, 2]})));
    assert_eq!(valued.name, "Land");

    let list = variables.list("@current").send().await.unwrap();
    assert_eq!(
        (list.count, list.next.clone(), list.previous.clone()),
        (1, None, None)
    );
    assert_eq!(list.results, vec![valued.clone()]);

    variables
        .destroy("@current", created.id)
        .send()
        .await
        .unwrap();
    let gone = variables.retrieve("@current", created.id).send().await;
    assert_eq!(error_response(gone), (404, not_found()));
    let again = variables.destroy("@current", created.id).send().await;
    assert_eq!(error_response(again), (404, not_found()));
    assert_eq!(variables.list("@current").send().await.unwrap().count, 0);
}

#[tokio::test]
async fn list_variables_keep_string_values() {
    let server = start().await;
    let variables = server.admin();
    let variables = variables.insight_variables();
    let created = variables
        .create("@current")
        .name("Plan")
        .r#type(InsightVariableType::List)
        .values(json!(["free", 2, true]))
        .default_value(2)
        .send()
        .await
        .unwrap();
    assert_eq!(created.values, Some(json!(["free", "2", "true"])));
    assert_eq!(created.default_value, Some(json!("2")));
}

#[tokio::test]
async fn pagination_streams_every_item_across_pages() {
    let server = start().await;
    let client = server.admin();
    // One more than the server's page size (500), in a project of its own.
    let project = "2";
    let created: HashSet<uuid::Uuid> = futures::stream::iter(0..501)
        .map(|i| {
            let client = client.clone();
            async move {
                client
                    .insight_variables()
                    .create(project)
                    .name(format!("Variable {i}"))
                    .r#type(InsightVariableType::Number)
                    .default_value(i)
                    .send()
                    .await
                    .unwrap()
                    .id
            }
        })
        .buffer_unordered(8)
        .collect()
        .await;
    assert_eq!(created.len(), 501);

    let items = client
        .insight_variables()
        .list(project)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items.len(), 501);
    let streamed: HashSet<uuid::Uuid> = items.iter().map(|v| v.id).collect();
    assert_eq!(streamed, created, "each item exactly once");
    // Each variable kept its own value (the creates ran 8 at a time, so their order is not known).
    let mut defaults: Vec<i64> = items
        .iter()
        .map(|v| v.default_value.as_ref().and_then(|d| d.as_i64()).unwrap())
        .collect();
    defaults.sort_unstable();
    assert_eq!(defaults, (0..501).collect::<Vec<_>>());

    let pages = client
        .insight_variables()
        .list(project)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let shape: Vec<(i64, usize, bool, bool)> = pages
        .iter()
        .map(|p| {
            (
                p.count,
                p.results.len(),
                p.next.is_some(),
                p.previous.is_some(),
            )
        })
        .collect();
    assert_eq!(shape, [(501, 500, true, false), (501, 1, false, true)]);
    let paged: Vec<_> = pages.iter().flat_map(|p| p.results.clone()).collect();
    assert_eq!(paged, items, "items() is the pages' results in order");
    // The links are absolute, on the server's own address.
    let next = pages[0].next.as_deref().unwrap();
    assert_eq!(
        next,
        format!("{}/api/projects/2/insight_variables/?page=2", server.base)
    );

    let second = client
        .insight_variables()
        .list(project)
        .page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(second.results, pages[1].results);
    // `pages()` from page 2 on yields only the last page.
    let from_second = client
        .insight_variables()
        .list(project)
        .page(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(from_second.len(), 1);
    let (status, body) = error_response(
        client
            .insight_variables()
            .list(project)
            .page(3)
            .send()
            .await,
    );
    assert_eq!(
        (status, body.code.as_str(), body.detail.as_str()),
        (404, "not_found", "Invalid page.")
    );
    // Other projects do not see them.
    assert_eq!(
        client
            .insight_variables()
            .list("3")
            .send()
            .await
            .unwrap()
            .count,
        0
    );
}

#[tokio::test]
async fn saved_query_lifecycle() {
    let server = start().await;
    let client = server.admin();
    let queries = client.warehouse_saved_queries();

    let created = match queries
        .create("@current")
        .name("my_view")
        .query(hogql(
            "SELECT event, count() AS total FROM events GROUP BY event",
        ))
        .send()
        .await
        .unwrap()
    {
        WarehouseSavedQueriesCreateResponse::Created(view) => view,
        other => panic!("a new name is created (201), got {}", other.status()),
    };
    assert_eq!(created.name, "my_view");
    assert_eq!(created.deleted, Some(false));
    assert_eq!(
        created.query,
        Some(hogql(
            "SELECT event, count() AS total FROM events GROUP BY event"
        ))
    );
    let columns: Vec<&str> = created
        .columns
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["event", "total"]);
    assert_eq!(created.created_by.as_ref().map(|u| u.id), Some(1));
    assert!(!created.is_test);
    assert_eq!(
        queries
            .retrieve("@current", created.id)
            .send()
            .await
            .unwrap(),
        created
    );

    // The same name again is an upsert: 200 and the same object, with the query changed.
    let history = created.latest_history_id.unwrap().to_string();
    let upserted = queries
        .create("@current")
        .name("my_view")
        .query(hogql("SELECT event FROM events"))
        .edited_history_id(history)
        .send()
        .await
        .unwrap();
    assert_eq!(upserted.status(), 200);
    let upserted = match upserted {
        WarehouseSavedQueriesCreateResponse::Ok(view) => view,
        other => panic!("an existing name is updated (200), got {}", other.status()),
    };
    assert_eq!(upserted.id, created.id);
    assert_eq!(upserted.query, Some(hogql("SELECT event FROM events")));
    assert_eq!(
        upserted.status,
        Some(DataWarehouseSavedQueryStatus::Modified)
    );
    assert!(upserted.latest_history_id > created.latest_history_id);

    // A stale history id is refused, and changes nothing.
    let stale = queries
        .create("@current")
        .name("my_view")
        .query(hogql("SELECT 1 AS one"))
        .edited_history_id(created.latest_history_id.unwrap().to_string())
        .send()
        .await;
    let (status, body) = error_response(stale);
    assert_eq!(
        (status, body.detail.as_str()),
        (400, "The query was modified by someone else.")
    );
    assert_eq!(
        queries
            .retrieve("@current", created.id)
            .send()
            .await
            .unwrap(),
        upserted
    );

    let renamed = queries
        .partial_update("@current", created.id)
        .name("renamed_view")
        .send()
        .await
        .unwrap();
    assert_eq!(
        (renamed.id, renamed.name.as_str()),
        (created.id, "renamed_view")
    );
    assert_eq!(renamed.query, upserted.query, "absent fields are kept");

    let list = queries.list("@current").send().await.unwrap();
    assert_eq!(list.count, 1);
    assert_eq!(
        (list.results[0].id, list.results[0].name.as_str()),
        (created.id, "renamed_view")
    );
    let found = queries
        .list("@current")
        .search("RENAMED")
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    let none = queries
        .list("@current")
        .search("nothing")
        .send()
        .await
        .unwrap();
    assert_eq!((none.count, none.results.len()), (0, 0));

    // Deleting is a PATCH of `deleted`; the query is hidden from then on.
    let deleted = queries
        .partial_update("@current", created.id)
        .deleted(true)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.deleted, Some(true));
    let gone = queries.retrieve("@current", created.id).send().await;
    assert_eq!(error_response(gone), (404, not_found()));
    let patch_gone = queries
        .partial_update("@current", created.id)
        .deleted(false)
        .send()
        .await;
    assert_eq!(error_response(patch_gone), (404, not_found()));
    assert_eq!(queries.list("@current").send().await.unwrap().count, 0);
    // The name is free again: a new create is a 201 with another id.
    let again = queries
        .create("@current")
        .name("renamed_view")
        .query(hogql("SELECT 2 AS two"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 201);
    assert_ne!(again.into_inner().id, created.id);
}

#[tokio::test]
async fn saved_query_pages_stream() {
    let server = start().await;
    let client = server.admin();
    for i in 0..3 {
        client
            .warehouse_saved_queries()
            .create("@current")
            .name(format!("view_{i}"))
            .query(hogql("SELECT 1 AS one"))
            .send()
            .await
            .unwrap();
    }
    let pages = client
        .warehouse_saved_queries()
        .list("@current")
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    let names: Vec<String> = client
        .warehouse_saved_queries()
        .list("@current")
        .items()
        .map(|item| item.unwrap().name)
        .collect()
        .await;
    // Newest first.
    assert_eq!(names, ["view_2", "view_1", "view_0"]);
}

#[tokio::test]
async fn source_actions() {
    let server = start().await;
    let client = server.admin();
    let sources = client.external_data_sources();
    let stripe = DemoSource::Stripe.id(CURRENT_PROJECT);

    sources.reload("@current", stripe).send().await.unwrap();

    let source = sources
        .revenue_analytics_config("@current", stripe)
        .enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(source.id, stripe);
    assert_eq!(source.source_type, ExternalDataSourceType::Stripe);
    assert_eq!(source.status, "Running", "reload started a sync");
    assert!(!source.revenue_analytics_config.enabled);
    assert!(
        source.revenue_analytics_config.include_invoiceless_charges,
        "the key not sent is kept"
    );
    let source = sources
        .revenue_analytics_config("@current", stripe)
        .include_invoiceless_charges(false)
        .send()
        .await
        .unwrap();
    assert!(!source.revenue_analytics_config.enabled);
    assert!(!source.revenue_analytics_config.include_invoiceless_charges);

    let inputs = indexmap::IndexMap::from([("signing_secret".to_owned(), json!("whsec_new"))]);
    let updated = sources
        .update_webhook_inputs("@current", stripe)
        .inputs(inputs)
        .send()
        .await
        .unwrap();
    assert!(updated.success);

    let unknown = uuid::Uuid::new_v4();
    let missing = sources.reload("@current", unknown).send().await;
    assert_eq!(error_response(missing), (404, not_found()));
}

#[tokio::test]
async fn webhook_info_has_three_shapes() {
    let server = start().await;
    let client = server.admin();
    let sources = client.external_data_sources();
    let info = |which: DemoSource| {
        sources
            .webhook_info("@current", which.id(CURRENT_PROJECT))
            .send()
    };

    let with_webhook = info(DemoSource::Stripe).await.unwrap();
    assert!(with_webhook.supports_webhooks && with_webhook.exists);
    let function = with_webhook.hog_function.unwrap();
    let Nullable::Value(url) = &with_webhook.webhook_url else {
        panic!(
            "an existing webhook has a URL: {:?}",
            with_webhook.webhook_url
        );
    };
    assert_eq!(
        url,
        &format!("{}/public/webhooks/{}", server.base, function.id)
    );
    let Nullable::Value(external) = &with_webhook.external_status else {
        panic!("an existing webhook has an external status");
    };
    assert_eq!(external.url.as_ref(), Some(url));
    assert!(with_webhook.schema_mapping.unwrap().contains_key("charge"));

    // Supported, not created yet: the keys are left out.
    let not_yet = info(DemoSource::StripeEu).await.unwrap();
    assert!(not_yet.supports_webhooks && !not_yet.exists);
    assert!(not_yet.hog_function.is_none());
    assert!(not_yet.webhook_url.is_absent() && not_yet.external_status.is_absent());

    // Not supported: the keys are null.
    let unsupported = info(DemoSource::AnalyticsPostgres).await.unwrap();
    assert!(!unsupported.supports_webhooks && !unsupported.exists);
    assert!(unsupported.webhook_url.is_null() && unsupported.external_status.is_null());
    assert_eq!(unsupported.schema_mapping, Some(indexmap::IndexMap::new()));
}

#[tokio::test]
async fn source_wizard_checks() {
    let server = start().await;
    let client = server.admin();
    let sources = client.external_data_sources();

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
    let valid = cdc().send().await.unwrap();
    assert_eq!((valid.valid, valid.errors), (Some(true), Some(Vec::new())));
    let self_managed = cdc()
        .cdc_management_mode(CdcManagementMode::SelfManaged)
        .send()
        .await
        .unwrap();
    assert_eq!(self_managed.valid, Some(false));
    assert_eq!(self_managed.errors.map(|e| e.len()), Some(2));
    let unreachable = cdc().host("db.example.invalid").send().await;
    assert!(message_400(unreachable).starts_with("Could not connect to Postgres"));

    let connections = sources.connections("@current").send().await.unwrap();
    assert_eq!(connections.len(), 1, "only the direct Postgres source");
    assert_eq!(
        connections[0].id,
        DemoSource::PrimaryDatabase.id(CURRENT_PROJECT)
    );
    assert_eq!(connections[0].prefix.as_deref(), Some("Primary database"));
    assert_eq!(connections[0].engine, Some(EngineEnum::Duckdb));

    let tables = sources
        .database_schema("@current")
        .source_type(ExternalDataSourceType::Stripe)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, ["Charge", "Customer", "Invoice", "Subscription"]);
    let direct = sources
        .database_schema("@current")
        .source_type(ExternalDataSourceType::Stripe)
        .access_method(AccessMethodEnum::Direct)
        .send()
        .await;
    assert_eq!(
        message_400(direct),
        "Direct query mode is currently supported only for Postgres sources."
    );

    // No Hubspot source yet: no prefix needed. Stripe sources exist with the prefixes "" and "eu_".
    sources
        .source_prefix("@current")
        .source_type("Hubspot")
        .send()
        .await
        .unwrap();
    sources
        .source_prefix("@current")
        .source_type("Stripe")
        .prefix("prod")
        .send()
        .await
        .unwrap();
    let taken = sources
        .source_prefix("@current")
        .source_type("Stripe")
        .prefix("eu_")
        .send()
        .await;
    assert_eq!(message_400(taken), "Prefix already exists");
    let needed = sources
        .source_prefix("@current")
        .source_type("Stripe")
        .prefix_null()
        .send()
        .await;
    assert_eq!(
        message_400(needed),
        "Source type already exists. Prefix is required"
    );

    let wizard = sources.wizard("@current").send().await.unwrap();
    let kinds: Vec<&str> = wizard.keys().map(String::as_str).collect();
    assert_eq!(kinds, ["Stripe", "Hubspot", "Postgres"]);
    assert_eq!(wizard["Stripe"]["fields"][0]["name"], "stripe_secret_key");
}
