//! Every operation sends the documented method, path, query, headers and body, and decodes the documented answer.

use super::support::*;
use posthog_data_warehouse::client::WarehouseSavedQueriesCreateResponse;
use posthog_data_warehouse::models::{
    AccessMethodEnum, CdcManagementMode, EngineEnum, ExternalDataSourceType, HogQLQuery,
    InsightVariablePatch, InsightVariableType, SyncTypeEnum,
};
use posthog_data_warehouse::Nullable;
use serde_json::json;
use wiremock::matchers::{body_json, query_param, query_param_is_missing};
use wiremock::ResponseTemplate;

// ----- external data sources ------------------------------------------------------------------------------------

#[tokio::test]
async fn reload_sends_no_body_and_ignores_an_answer_body() {
    let (server, client) = setup().await;
    // Direct-query sources answer with an undocumented body; `reload` still returns `()`.
    expect("POST", &format!("/external_data_sources/{ID}/reload/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"added": 1, "deleted": 0})))
        .expect(1)
        .mount(&server)
        .await;
    let () = client
        .external_data_sources()
        .reload(PROJECT, id())
        .send()
        .await
        .unwrap();
    assert_bare_request(&server).await;
}

#[tokio::test]
async fn revenue_analytics_config_sends_only_the_fields_set() {
    let (server, client) = setup().await;
    expect_json(
        "PATCH",
        &format!("/external_data_sources/{ID}/revenue_analytics_config/"),
    )
    .and(body_json(json!({"enabled": false})))
    .respond_with(ResponseTemplate::new(200).set_body_json(source()))
    .expect(1)
    .mount(&server)
    .await;
    let source = client
        .external_data_sources()
        .revenue_analytics_config(PROJECT, id())
        .enabled(false)
        .send()
        .await
        .unwrap();
    assert_eq!(source.id, id());
    assert_eq!(source.source_type, ExternalDataSourceType::Stripe);
    assert_eq!(source.access_method, AccessMethodEnum::Warehouse);
    assert!(source.revenue_analytics_config.enabled);
}

#[tokio::test]
async fn update_webhook_inputs_sends_the_inputs_map() {
    let (server, client) = setup().await;
    expect_json(
        "POST",
        &format!("/external_data_sources/{ID}/update_webhook_inputs/"),
    )
    .and(body_json(
        json!({"inputs": {"signing_secret": "whsec_1", "retries": 3}}),
    ))
    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"success": true})))
    .expect(1)
    .mount(&server)
    .await;
    let answer = client
        .external_data_sources()
        .update_webhook_inputs(PROJECT, id())
        .inputs([
            ("signing_secret".to_owned(), json!("whsec_1")),
            ("retries".to_owned(), json!(3)),
        ])
        .send()
        .await
        .unwrap();
    assert!(answer.success);
}

#[tokio::test]
async fn webhook_info_decodes_the_short_shape() {
    let (server, client) = setup().await;
    expect("GET", &format!("/external_data_sources/{ID}/webhook_info/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"supports_webhooks": true, "exists": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let info = client
        .external_data_sources()
        .webhook_info(PROJECT, id())
        .send()
        .await
        .unwrap();
    assert!(info.supports_webhooks && !info.exists);
    assert_eq!(info.webhook_url, Nullable::Absent);
    assert_eq!(info.hog_function, None);
    assert_bare_request(&server).await;
}

#[tokio::test]
async fn check_cdc_prerequisites_sends_the_connection_and_decodes_the_result() {
    let (server, client) = setup().await;
    expect_json("POST", "/external_data_sources/check_cdc_prerequisites/")
        .and(body_json(json!({
            "source_type": "Postgres",
            "host": "db.example.com",
            "port": 5432,
            "database": "app",
            "user": "reader",
            "password": "secret",
            "schema": "public",
            "ssh_tunnel": null,
            "cdc_management_mode": "self_managed",
            "tables": ["orders"]
        })))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"valid": false, "errors": ["wal_level is not logical"]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let result = client
        .external_data_sources()
        .check_cdc_prerequisites(PROJECT)
        .source_type("Postgres")
        .host("db.example.com")
        .port(5432)
        .database("app")
        .user("reader")
        .password("secret")
        .schema("public")
        .ssh_tunnel_null()
        .cdc_management_mode(CdcManagementMode::SelfManaged)
        .tables(vec!["orders".to_owned()])
        .send()
        .await
        .unwrap();
    assert_eq!(result.valid, Some(false));
    assert_eq!(result.errors.unwrap(), ["wal_level is not logical"]);
}

#[tokio::test]
async fn connections_decode_a_bare_array_with_unknown_engines() {
    let (server, client) = setup().await;
    expect("GET", "/external_data_sources/connections/")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": ID, "prefix": "Primary database", "engine": "duckdb"},
            {"id": ID, "prefix": null, "engine": "clickhouse"},
            {"id": ID, "prefix": null, "engine": null}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let connections = client
        .external_data_sources()
        .connections(PROJECT)
        .send()
        .await
        .unwrap();
    let engines: Vec<_> = connections.iter().map(|c| c.engine.clone()).collect();
    assert_eq!(
        engines,
        [
            Some(EngineEnum::Duckdb),
            Some(EngineEnum::Unknown("clickhouse".into())),
            None
        ]
    );
    assert_bare_request(&server).await;
}

#[tokio::test]
async fn database_schema_sends_open_enum_values_as_written() {
    let (server, client) = setup().await;
    expect_json("POST", "/external_data_sources/database_schema/")
        .and(body_json(json!({"source_type": "BrandNewSource", "access_method": "direct"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "table": "orders",
            "should_sync": false,
            "incremental_fields": [{"field": "updated_at"}],
            "incremental_available": true,
            "append_available": true,
            "cdc_available": null,
            "incremental_field": null,
            "sync_type": "xmin",
            "rows": 42,
            "supports_webhooks": false,
            "description": null,
            "should_sync_default": true,
            "available_columns": [{"field": "id", "label": "id", "type": "integer", "nullable": false}],
            "detected_primary_keys": ["id"]
        }])))
        .expect(1)
        .mount(&server)
        .await;
    let tables = client
        .external_data_sources()
        .database_schema(PROJECT)
        .source_type(ExternalDataSourceType::from("BrandNewSource"))
        .access_method(AccessMethodEnum::Direct)
        .send()
        .await
        .unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].rows, Some(42));
    assert_eq!(
        tables[0].sync_type,
        Some(SyncTypeEnum::Unknown("xmin".into()))
    );
    assert_eq!(tables[0].available_columns[0].r#type, "integer");
}

#[tokio::test]
async fn source_prefix_sends_its_body_and_returns_unit() {
    let (server, client) = setup().await;
    expect_json("POST", "/external_data_sources/source_prefix/")
        .and(body_json(
            json!({"source_type": "Stripe", "prefix": "prod"}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client
        .external_data_sources()
        .source_prefix(PROJECT)
        .source_type("Stripe")
        .prefix("prod")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn wizard_decodes_a_map_of_free_form_configurations() {
    let (server, client) = setup().await;
    expect("GET", "/external_data_sources/wizard/")
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "Stripe": {"name": "Stripe", "fields": []},
            "Postgres": {"name": "Postgres", "betaSource": false}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let wizard = client
        .external_data_sources()
        .wizard(PROJECT)
        .send()
        .await
        .unwrap();
    // The map keeps the server's order.
    assert_eq!(wizard.keys().collect::<Vec<_>>(), ["Stripe", "Postgres"]);
    assert_eq!(wizard["Postgres"]["betaSource"], json!(false));
    assert_bare_request(&server).await;
}

// ----- insight variables ----------------------------------------------------------------------------------------

#[tokio::test]
async fn insight_variables_list_sends_the_page_and_decodes_the_envelope() {
    let (server, client) = setup().await;
    expect("GET", "/insight_variables/")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            501,
            None,
            vec![insight_variable("Country")],
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .insight_variables()
        .list(PROJECT)
        .page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.count, 501);
    assert_eq!(page.next, None);
    assert_eq!(page.results[0].name, "Country");
    assert_eq!(page.results[0].r#type, InsightVariableType::String);
}

#[tokio::test]
async fn insight_variables_create_sends_required_and_set_fields() {
    let (server, client) = setup().await;
    expect_json("POST", "/insight_variables/")
        .and(body_json(
            json!({"name": "Country", "type": "String", "default_value": "US"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(insight_variable("Country")))
        .expect(1)
        .mount(&server)
        .await;
    let created = client
        .insight_variables()
        .create(PROJECT)
        .name("Country")
        .r#type(InsightVariableType::String)
        .default_value("US")
        .send()
        .await
        .unwrap();
    assert_eq!(created.code_name.as_deref(), Some("country"));
    assert_eq!(created.created_by, Some(1));
}

#[tokio::test]
async fn insight_variables_retrieve_decodes_the_variable() {
    let (server, client) = setup().await;
    expect("GET", &format!("/insight_variables/{ID}/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(insight_variable("Country")))
        .expect(1)
        .mount(&server)
        .await;
    let variable = client
        .insight_variables()
        .retrieve(PROJECT, id())
        .send()
        .await
        .unwrap();
    assert_eq!(variable.id, id());
    assert_eq!(variable.default_value, Some(json!("US")));
    assert_bare_request(&server).await;
}

#[tokio::test]
async fn insight_variables_partial_update_sends_absent_null_and_values() {
    let (server, client) = setup().await;
    // `values` is left out (absent), `default_value` is cleared (null), `name` is set.
    expect_json("PATCH", &format!("/insight_variables/{ID}/"))
        .and(body_json(json!({"name": "Land", "default_value": null})))
        .respond_with(ResponseTemplate::new(200).set_body_json(insight_variable("Land")))
        .expect(2)
        .mount(&server)
        .await;
    let updated = client
        .insight_variables()
        .partial_update(PROJECT, id())
        .name("Land")
        .default_value_null()
        .send()
        .await
        .unwrap();
    assert_eq!(updated.name, "Land");
    // The same body from a whole struct.
    let body = InsightVariablePatch {
        name: Some("Land".into()),
        default_value: Nullable::Null,
        ..Default::default()
    };
    client
        .insight_variables()
        .partial_update(PROJECT, id())
        .body(body)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn insight_variables_destroy_accepts_no_content() {
    let (server, client) = setup().await;
    expect("DELETE", &format!("/insight_variables/{ID}/"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client
        .insight_variables()
        .destroy(PROJECT, id())
        .send()
        .await
        .unwrap();
    assert_bare_request(&server).await;
}

// ----- warehouse saved queries ----------------------------------------------------------------------------------

#[tokio::test]
async fn saved_queries_list_sends_search_and_leaves_unset_page_out() {
    let (server, client) = setup().await;
    expect("GET", "/warehouse_saved_queries/")
        .and(query_param("search", "rev & co"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            1,
            None,
            vec![saved_query_minimal("revenue")],
        )))
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .warehouse_saved_queries()
        .list(PROJECT)
        .search("rev & co")
        .send()
        .await
        .unwrap();
    assert_eq!(page.results[0].name, "revenue");
    let created_by = page.results[0].created_by.as_ref().unwrap();
    assert_eq!(created_by.email, "ada@example.com");
    let query = received(&server).await[0].url.query().map(str::to_owned);
    assert_eq!(query.as_deref(), Some("search=rev+%26+co"));
}

#[tokio::test]
async fn saved_queries_create_tells_created_from_updated() {
    let (server, client) = setup().await;
    let body = json!({"name": "my_view", "query": {"kind": "HogQLQuery", "query": "SELECT 1"}});
    expect_json("POST", "/warehouse_saved_queries/")
        .and(body_json(body.clone()))
        .respond_with(ResponseTemplate::new(201).set_body_json(saved_query("my_view")))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect_json("POST", "/warehouse_saved_queries/")
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(saved_query("my_view")))
        .expect(1)
        .mount(&server)
        .await;
    let request = client
        .warehouse_saved_queries()
        .create(PROJECT)
        .name("my_view")
        .query(HogQLQuery {
            kind: Some("HogQLQuery".into()),
            query: "SELECT 1".into(),
        });
    let first = request.clone().send().await.unwrap();
    assert!(
        matches!(first, WarehouseSavedQueriesCreateResponse::Created(ref q) if q.name == "my_view")
    );
    assert_eq!(first.status(), 201);
    let second = request.send().await.unwrap();
    assert!(matches!(second, WarehouseSavedQueriesCreateResponse::Ok(_)));
    assert_eq!(second.status(), 200);
    assert_eq!(second.into_inner().latest_history_id, Some(7));
}

#[tokio::test]
async fn saved_queries_retrieve_decodes_nested_models() {
    let (server, client) = setup().await;
    expect("GET", &format!("/warehouse_saved_queries/{ID}/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(saved_query("my_view")))
        .expect(1)
        .mount(&server)
        .await;
    let query = client
        .warehouse_saved_queries()
        .retrieve(PROJECT, id())
        .send()
        .await
        .unwrap();
    assert_eq!(query.query.unwrap().query, "SELECT 1");
    assert_eq!(query.user_access_level, Nullable::Value("editor".into()));
    assert_bare_request(&server).await;
}

#[tokio::test]
async fn saved_queries_partial_update_sends_three_state_fields() {
    let (server, client) = setup().await;
    expect_json("PATCH", &format!("/warehouse_saved_queries/{ID}/"))
        .and(body_json(json!({
            "query": {"query": "SELECT 2"},
            "edited_history_id": "7",
            "folder_id": null
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(saved_query("my_view")))
        .expect(1)
        .mount(&server)
        .await;
    let updated = client
        .warehouse_saved_queries()
        .partial_update(PROJECT, id())
        .query(HogQLQuery {
            kind: None,
            query: "SELECT 2".into(),
        })
        .edited_history_id("7")
        .set_folder_id(Nullable::Null)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.id, id());
}

#[test]
fn clients_requests_futures_and_streams_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    fn assert_send<T: Send>(_: &T) {}
    let client = posthog_data_warehouse::client::Client::new("http://127.0.0.1:9", KEY).unwrap();
    assert_send_sync(&client);
    let request = client.insight_variables().list(PROJECT);
    assert_send_sync(&request);
    // Compile-time checks: a `send` future or a stream that is not `Send` could not be spawned on tokio.
    assert_send(&request.clone().send());
    assert_send(&request.items());
}
