//! Each of the 18 operations behaves as the real PostHog server does (per `posthog-endpoints.md`): bodies,
//! statuses, pagination links, partial updates, upserts, project isolation and the demo sources.

mod common;

use common::*;
use reference_server::store::DemoSource;
use serde_json::{json, Value};

const VARIABLES: &str = "/api/projects/1/insight_variables/";
const QUERIES: &str = "/api/projects/1/warehouse_saved_queries/";
const SOURCES: &str = "/api/projects/1/external_data_sources";

#[tokio::test]
async fn insight_variables_lifecycle() {
    let server = start().await;
    let created = server
        .post(
            VARIABLES,
            json!({"name": "Event Name (v2)", "type": "String", "default_value": "$pageview"}),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let variable = created.json.clone();
    assert_eq!(variable["code_name"], "event_name_v2");
    assert_eq!(variable["created_by"], 1);
    assert_eq!(variable["values"], Value::Null);
    assert!(variable["id"]
        .as_str()
        .unwrap()
        .parse::<uuid::Uuid>()
        .is_ok());
    assert!(chrono::DateTime::parse_from_rfc3339(variable["created_at"].as_str().unwrap()).is_ok());
    let path = format!("{VARIABLES}{}/", variable["id"].as_str().unwrap());

    assert_eq!(server.get(&path).await.json, variable);

    // PATCH: absent keeps, null clears, a value replaces; code_name never changes.
    let patched = server
        .patch(&path, json!({"name": "Renamed", "default_value": null}))
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["name"], "Renamed");
    assert_eq!(patched.json["default_value"], Value::Null);
    assert_eq!(patched.json["type"], "String");
    assert_eq!(patched.json["code_name"], "event_name_v2");
    let patched = server.patch(&path, json!({"default_value": 5})).await;
    assert_eq!(patched.json["default_value"], 5);
    assert_eq!(patched.json["name"], "Renamed");

    let duplicate = server
        .post(
            VARIABLES,
            json!({"name": "event name v2", "type": "Number"}),
        )
        .await;
    assert_eq!(duplicate.status, 400);
    assert_eq!(
        duplicate.json,
        json!({"type": "validation_error", "code": "invalid_input", "detail": "Variable with this code name already exists", "attr": null})
    );

    let deleted = server.delete(&path).await;
    assert_eq!((deleted.status, deleted.text.as_str()), (204, ""));
    for answer in [
        server.get(&path).await,
        server.delete(&path).await,
        server.patch(&path, json!({})).await,
    ] {
        assert_eq!(answer.status, 404);
        assert_eq!(
            answer.json,
            json!({"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": null})
        );
    }
}

#[tokio::test]
async fn list_variables_keep_string_values() {
    let server = start().await;
    let created = server
        .post(VARIABLES, json!({"name": "Plan", "type": "List", "values": ["free", 2, true], "default_value": 2}))
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["values"], json!(["free", "2", "true"]));
    assert_eq!(created.json["default_value"], "2");
    let bare = server
        .post(VARIABLES, json!({"name": "Empty list", "type": "List"}))
        .await;
    assert_eq!(bare.json["values"], json!([]));
    let bad = server
        .post(
            VARIABLES,
            json!({"name": "Bad", "type": "List", "values": [{"a": 1}]}),
        )
        .await;
    assert_eq!(
        (bad.status, bad.json["attr"].as_str()),
        (400, Some("values"))
    );
}

#[tokio::test]
async fn insight_variables_paginate_by_500_with_absolute_links() {
    let server = start().await;
    for i in 0..501 {
        let answer = server
            .post(
                VARIABLES,
                json!({"name": format!("v{i}"), "type": "Number"}),
            )
            .await;
        assert_eq!(answer.status, 201);
    }
    let first = server.get(VARIABLES).await;
    assert_eq!(first.json["count"], 501);
    assert_eq!(first.json["results"].as_array().unwrap().len(), 500);
    assert_eq!(first.json["results"][0]["name"], "v0");
    let next = first.json["next"].as_str().unwrap();
    assert_eq!(next, format!("{}{VARIABLES}?page=2", server.base));
    assert_eq!(first.json["previous"], Value::Null);

    let second = server.get(&next[server.base.len()..]).await;
    assert_eq!(second.json["results"].as_array().unwrap().len(), 1);
    assert_eq!(second.json["next"], Value::Null);
    assert_eq!(
        second.json["previous"],
        format!("{}{VARIABLES}", server.base)
    );

    let past = server.get(&format!("{VARIABLES}?page=3")).await;
    assert_eq!(past.status, 404);
    assert_eq!(
        past.json,
        json!({"type": "invalid_request", "code": "not_found", "detail": "Invalid page.", "attr": null})
    );
}

#[tokio::test]
async fn saved_queries_upsert_by_name() {
    let server = start().await;
    let body = json!({"name": "daily_events", "query": {"kind": "HogQLQuery", "query": "SELECT event, count() AS total FROM events GROUP BY event"}});
    let created = server.post(QUERIES, body.clone()).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let saved = created.json.clone();
    assert_eq!(saved["origin"], "data_warehouse");
    assert_eq!(saved["created_by"]["email"], "user1@example.com");
    let columns: Vec<&str> = saved["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["event", "total"]);
    for write_only in ["edited_history_id", "soft_update", "dag_id"] {
        assert!(
            saved.get(write_only).is_none(),
            "{write_only} must not be returned"
        );
    }

    // The same name again updates the existing saved query (200), checking the history id for a query change.
    let again = server
        .post(QUERIES, json!({"name": "daily_events", "is_test": false}))
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json["id"], saved["id"]);
    let stale = server
        .post(QUERIES, json!({"name": "daily_events", "query": {"query": "SELECT 2"}, "edited_history_id": "0"}))
        .await;
    assert_eq!(
        (stale.status, stale.json["detail"].as_str()),
        (400, Some("The query was modified by someone else."))
    );
    let history = saved["latest_history_id"].as_i64().unwrap().to_string();
    let changed = server
        .post(QUERIES, json!({"name": "daily_events", "query": {"query": "SELECT 2 AS two"}, "edited_history_id": history}))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(changed.json["status"], "Modified");
    assert_ne!(
        changed.json["latest_history_id"],
        saved["latest_history_id"]
    );

    let missing_query = server.post(QUERIES, json!({"name": "no_query"})).await;
    assert_eq!(
        (missing_query.status, missing_query.json["detail"].as_str()),
        (400, Some("Failed to retrieve types for view"))
    );
    let system = server
        .post(
            QUERIES,
            json!({"name": "events", "query": {"query": "SELECT 1"}}),
        )
        .await;
    assert_eq!(
        system.json,
        json!({"type": "validation_error", "code": "invalid_input", "detail": "A table with this name already exists.", "attr": "name"})
    );
}

#[tokio::test]
async fn saved_queries_update_list_and_hide_deleted() {
    let server = start().await;
    let mut ids = Vec::new();
    for name in ["alpha_view", "beta_view", "alphabet"] {
        let answer = server
            .post(
                QUERIES,
                json!({"name": name, "query": {"query": "SELECT 1 AS x"}}),
            )
            .await;
        assert_eq!(answer.status, 201, "{}", answer.text);
        ids.push(answer.json["id"].as_str().unwrap().to_owned());
    }
    let list = server.get(QUERIES).await;
    let names: Vec<&str> = list.json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["alphabet", "beta_view", "alpha_view"],
        "newest first"
    );
    assert_eq!(list.json["count"], 3);
    assert!(
        list.json["results"][0].get("query").is_none(),
        "the list shows the minimal form"
    );

    let search = server.get(&format!("{QUERIES}?search=ALPHA")).await;
    assert_eq!(search.json["count"], 2);

    let path = format!("{QUERIES}{}/", ids[1]);
    let renamed = server.patch(&path, json!({"name": "gamma_view"})).await;
    assert_eq!(
        (renamed.status, renamed.json["name"].as_str()),
        (200, Some("gamma_view"))
    );
    let clash = server.patch(&path, json!({"name": "alphabet"})).await;
    assert_eq!(
        (clash.status, clash.json["attr"].as_str()),
        (400, Some("name"))
    );
    let no_history = server
        .patch(&path, json!({"query": {"query": "SELECT 3"}}))
        .await;
    assert_eq!(no_history.status, 400);
    let soft = server
        .patch(
            &path,
            json!({"query": {"query": "SELECT 3"}, "soft_update": true}),
        )
        .await;
    assert_eq!(
        (soft.status, soft.json["query"]["query"].as_str()),
        (200, Some("SELECT 3"))
    );

    let deleted = server.patch(&path, json!({"deleted": true})).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(server.get(&path).await.status, 404);
    assert_eq!(server.get(QUERIES).await.json["count"], 2);
    // A deleted name is free again: creating it makes a new saved query.
    let reused = server
        .post(
            QUERIES,
            json!({"name": "gamma_view", "query": {"query": "SELECT 1"}}),
        )
        .await;
    assert_eq!(reused.status, 201);
}

#[tokio::test]
async fn projects_never_see_each_other() {
    let server = start().await;
    let variable = server
        .post(VARIABLES, json!({"name": "Only in one", "type": "Boolean"}))
        .await;
    let id = variable.json["id"].as_str().unwrap();
    let query = server
        .post(
            QUERIES,
            json!({"name": "private_view", "query": {"query": "SELECT 1"}}),
        )
        .await;
    let query_id = query.json["id"].as_str().unwrap();

    assert_eq!(
        server.get("/api/projects/2/insight_variables/").await.json["count"],
        0
    );
    assert_eq!(
        server
            .get(&format!("/api/projects/2/insight_variables/{id}/"))
            .await
            .status,
        404
    );
    assert_eq!(
        server
            .delete(&format!("/api/projects/2/insight_variables/{id}/"))
            .await
            .status,
        404
    );
    assert_eq!(
        server
            .get(&format!(
                "/api/projects/2/warehouse_saved_queries/{query_id}/"
            ))
            .await
            .status,
        404
    );
    // The same name is free in another project.
    let other = server
        .post(
            "/api/projects/2/warehouse_saved_queries/",
            json!({"name": "private_view", "query": {"query": "SELECT 1"}}),
        )
        .await;
    assert_eq!(other.status, 201);
    // A project's demo sources are its own.
    let foreign =
        source_path(2, DemoSource::Stripe, "webhook_info").replace("/projects/2/", "/projects/1/");
    assert_eq!(server.get(&foreign).await.status, 404);
    // `@current` is project 1.
    assert_eq!(
        server
            .get("/api/projects/@current/insight_variables/")
            .await
            .json["count"],
        1
    );
    assert_eq!(
        server
            .get("/api/projects/not-a-project/insight_variables/")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn webhook_info_has_three_shapes() {
    let server = start().await;
    let none = server
        .get(&source_path(
            1,
            DemoSource::AnalyticsPostgres,
            "webhook_info",
        ))
        .await;
    assert_eq!(
        none.json,
        json!({"supports_webhooks": false, "exists": false, "webhook_url": null, "schema_mapping": {}, "external_status": null})
    );
    let not_created = server
        .get(&source_path(1, DemoSource::StripeEu, "webhook_info"))
        .await;
    assert_eq!(
        not_created.json,
        json!({"supports_webhooks": true, "exists": false})
    );
    let created = server
        .get(&source_path(1, DemoSource::Stripe, "webhook_info"))
        .await;
    let info = created.json.as_object().unwrap();
    let keys: Vec<&str> = info.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "supports_webhooks",
            "exists",
            "hog_function",
            "webhook_url",
            "schema_mapping",
            "external_status"
        ]
    );
    assert!(info["webhook_url"]
        .as_str()
        .unwrap()
        .starts_with(&server.base));
    let unknown = server
        .get(&format!("{SOURCES}/{}/webhook_info/", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn update_webhook_inputs_answers_with_messages() {
    let server = start().await;
    let post = |source, body| {
        let path = source_path(1, source, "update_webhook_inputs");
        let server = &server;
        async move { server.post(&path, body).await }
    };
    let ok = post(
        DemoSource::Stripe,
        json!({"inputs": {"signing_secret": "whsec_2"}}),
    )
    .await;
    assert_eq!((ok.status, &ok.json), (200, &json!({"success": true})));
    for (source, body, message) in [
        (
            DemoSource::AnalyticsPostgres,
            json!({"inputs": {"x": 1}}),
            "This source type does not support webhooks",
        ),
        (
            DemoSource::Stripe,
            json!({"inputs": {}}),
            "No inputs provided",
        ),
        (
            DemoSource::Stripe,
            json!({"inputs": {"b": 1, "a": 2}}),
            "Invalid input keys: b, a",
        ),
        (
            DemoSource::Stripe,
            json!({"inputs": {"signing_secret": " "}}),
            "Missing required fields: signing_secret",
        ),
        (
            DemoSource::StripeEu,
            json!({"inputs": {"signing_secret": "s"}}),
            "No webhook function found for this source. Create a webhook first.",
        ),
    ] {
        let answer = post(source, body).await;
        assert_eq!(
            (answer.status, &answer.json),
            (400, &json!({"message": message}))
        );
    }
}

#[tokio::test]
async fn reload_and_revenue_analytics_config() {
    let server = start().await;
    let reload = server
        .send(
            "POST",
            &source_path(1, DemoSource::Stripe, "reload"),
            ADMIN,
            None,
        )
        .await;
    assert_eq!((reload.status, reload.text.as_str()), (200, ""));
    let direct = server
        .send(
            "POST",
            &source_path(1, DemoSource::PrimaryDatabase, "reload"),
            ADMIN,
            None,
        )
        .await;
    assert_eq!(direct.status, 200);

    let path = source_path(1, DemoSource::Stripe, "revenue_analytics_config");
    let updated = server
        .patch(&path, json!({"include_invoiceless_charges": false}))
        .await;
    assert_eq!(updated.status, 200, "{}", updated.text);
    assert_eq!(updated.json["id"], DemoSource::Stripe.id(1).to_string());
    assert_eq!(updated.json["source_type"], "Stripe");
    assert_eq!(
        updated.json["status"], "Running",
        "the reload started a sync"
    );
    assert_eq!(
        updated.json["revenue_analytics_config"],
        json!({"enabled": true, "include_invoiceless_charges": false})
    );
    for write_only in ["client_secret", "account_id"] {
        assert!(updated.json.get(write_only).is_none());
    }
    let wrong_type = server.patch(&path, json!({"enabled": "yes"})).await;
    assert_eq!(
        (wrong_type.status, wrong_type.json["attr"].as_str()),
        (400, Some("enabled"))
    );
}

#[tokio::test]
async fn connections_list_only_direct_postgres_sources() {
    let server = start().await;
    let answer = server.get(&format!("{SOURCES}/connections/")).await;
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.json,
        json!([{"id": DemoSource::PrimaryDatabase.id(1).to_string(), "prefix": "Primary database", "engine": "duckdb"}])
    );
}

#[tokio::test]
async fn source_prefix_checks() {
    let server = start().await;
    let path = format!("{SOURCES}/source_prefix/");
    let ok = server
        .post(&path, json!({"source_type": "Stripe", "prefix": "us_"}))
        .await;
    assert_eq!((ok.status, ok.text.as_str()), (200, ""));
    for (body, message) in [
        (
            json!({"source_type": "Stripe"}),
            "Source type already exists. Prefix is required",
        ),
        (
            json!({"source_type": "Stripe", "prefix": "eu_"}),
            "Prefix already exists",
        ),
        (
            json!({"source_type": "Stripe", "prefix": "x", "access_method": "direct"}),
            "Direct query mode is currently supported only for Postgres sources.",
        ),
        (
            json!({"source_type": "Postgres", "access_method": "direct"}),
            "Name is required for direct query sources",
        ),
    ] {
        let answer = server.post(&path, body.clone()).await;
        assert_eq!(
            (answer.status, &answer.json),
            (400, &json!({"message": message})),
            "{body}"
        );
    }
}

#[tokio::test]
async fn check_cdc_prerequisites_reports_unmet_prerequisites() {
    let server = start().await;
    let path = format!("{SOURCES}/check_cdc_prerequisites/");
    let connection = |host: &str| json!({"source_type": "Postgres", "host": host, "port": 5432, "database": "app", "user": "u", "password": "p", "schema": "public"});
    let ok = server.post(&path, connection("db.example.com")).await;
    assert_eq!(
        (ok.status, &ok.json),
        (200, &json!({"valid": true, "errors": []}))
    );
    let mut self_managed = connection("db.example.com");
    self_managed["cdc_management_mode"] = json!("self_managed");
    let unmet = server.post(&path, self_managed).await;
    assert_eq!(unmet.json["valid"], false);
    assert_eq!(unmet.json["errors"].as_array().unwrap().len(), 2);
    let mut mysql = connection("db.example.com");
    mysql["source_type"] = json!("MySQL");
    for (body, message) in [
        (
            mysql,
            "CDC prerequisite checks are only supported for Postgres.",
        ),
        (
            connection("10.0.0.5"),
            "Hosts with internal IP addresses are not allowed",
        ),
    ] {
        let answer = server.post(&path, body).await;
        assert_eq!(
            (answer.status, &answer.json),
            (400, &json!({"message": message}))
        );
    }
    let unreachable = server.post(&path, connection("db.invalid")).await;
    assert!(unreachable.json["message"]
        .as_str()
        .unwrap()
        .starts_with("Could not connect to Postgres"));
}

#[tokio::test]
async fn database_schema_and_wizard() {
    let server = start().await;
    let tables = server
        .post(
            &format!("{SOURCES}/database_schema/"),
            json!({"source_type": "Postgres", "host": "db.example.com"}),
        )
        .await;
    assert_eq!(tables.status, 200, "{}", tables.text);
    let first = &tables.json[0];
    assert_eq!(
        (first["table"].as_str(), first["should_sync"].as_bool()),
        (Some("accounts"), Some(false))
    );
    assert_eq!(first["sync_type"], Value::Null);
    let unknown = server
        .post(
            &format!("{SOURCES}/database_schema/"),
            json!({"source_type": "Nope"}),
        )
        .await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.json["message"].is_string());

    let wizard = server.get(&format!("{SOURCES}/wizard/")).await;
    assert_eq!(wizard.status, 200);
    assert_eq!(
        wizard.json["Stripe"]["webhookFields"][0]["name"],
        "signing_secret"
    );
}

#[tokio::test]
async fn concurrent_creates_lose_nothing() {
    let server = std::sync::Arc::new(start().await);
    let tasks: Vec<_> = (0..64)
        .map(|i| {
            let server = server.clone();
            tokio::spawn(async move {
                server
                    .post(
                        VARIABLES,
                        json!({"name": format!("concurrent {i}"), "type": "String"}),
                    )
                    .await
                    .status
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }
    let list = server.get(VARIABLES).await;
    assert_eq!(list.json["count"], 64);

    // Concurrent upserts of one name: exactly one creates it, the others update it.
    let upserts: Vec<_> = (0..16)
        .map(|_| {
            let server = server.clone();
            tokio::spawn(async move {
                server
                    .post(
                        QUERIES,
                        json!({"name": "shared", "query": {"query": "SELECT 1"}}),
                    )
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for task in upserts {
        statuses.push(task.await.unwrap());
    }
    statuses.sort_unstable();
    assert_eq!(statuses, [[200; 15].as_slice(), &[201]].concat());
    assert_eq!(server.get(QUERIES).await.json["count"], 1);
}
