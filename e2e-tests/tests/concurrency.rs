//! Many clients creating, patching and deleting at once lose no update and corrupt nothing: afterwards every
//! object that was not deleted exists exactly once with its last patch applied, deleted ones are gone, the lists'
//! `count` equals what survives, and no request failed. Loops are bounded by count, never by time.

mod common;

use common::*;
use posthog_data_warehouse::client::{Client, Error, WarehouseSavedQueriesCreateResponse};
use posthog_data_warehouse::models::{HogQLQuery, InsightVariableType};
use serde_json::{json, Value};
use std::collections::HashMap;
use tokio::task::JoinSet;
use uuid::Uuid;

const WORKERS: usize = 16;
const ITERATIONS: usize = 25;
/// Variables every worker patches, to race whole-object updates against each other.
const SHARED: usize = 4;

/// What one worker expects to survive.
#[derive(Default)]
struct Expected {
    /// Insight variables: id → (name, default value).
    variables: HashMap<Uuid, (String, Option<Value>)>,
    /// Saved queries: id → (name, query text).
    queries: HashMap<Uuid, (String, String)>,
    /// Deleted objects of both kinds.
    deleted_variables: Vec<Uuid>,
    deleted_queries: Vec<Uuid>,
    /// How many times this worker's upsert of the shared view was a create (201).
    shared_view_created: usize,
}

fn hogql(query: String) -> HogQLQuery {
    HogQLQuery {
        kind: Some("HogQLQuery".into()),
        query,
    }
}

async fn worker(client: Client, worker: usize, shared: Vec<Uuid>) -> Result<Expected, Error> {
    let mut expected = Expected::default();
    let variables = client.insight_variables();
    let queries = client.warehouse_saved_queries();
    for i in 0..ITERATIONS {
        // An insight variable of this worker, patched in one of the three states, every fourth one deleted.
        let name = format!("Var {worker} {i}");
        let variable = variables
            .create("@current")
            .name(name.clone())
            .r#type(InsightVariableType::String)
            .default_value(format!("{worker}-{i}"))
            .send()
            .await?;
        let patch = variables.partial_update("@current", variable.id);
        let (name, default) = match i % 3 {
            // A value: changed.
            0 => (name, Some(json!(format!("patched {worker}-{i}")))),
            // Null: cleared.
            1 => {
                patch.clone().default_value_null().send().await?;
                (name, None)
            }
            // Absent: kept, while the name changes.
            _ => {
                let renamed = format!("Renamed {worker} {i}");
                patch.clone().name(renamed.clone()).send().await?;
                (renamed, Some(json!(format!("{worker}-{i}"))))
            }
        };
        if i % 3 == 0 {
            patch
                .default_value(default.clone().unwrap_or_default())
                .send()
                .await?;
        }
        if i % 4 == 0 {
            variables.destroy("@current", variable.id).send().await?;
            expected.deleted_variables.push(variable.id);
        } else {
            expected.variables.insert(variable.id, (name, default));
        }

        // A shared variable, patched with name and default value together: whoever wins, the two must match.
        let tag = format!("{worker}.{i}");
        variables
            .partial_update("@current", shared[(worker + i) % SHARED])
            .name(format!("Shared {tag}"))
            .default_value(tag)
            .send()
            .await?;

        // A saved query of this worker, re-sent once as an upsert, every fifth one deleted.
        let view = format!("view_{worker}_{i}");
        let created = queries
            .create("@current")
            .name(view.clone())
            .query(hogql(format!("SELECT {i} AS n")))
            .send()
            .await?;
        let WarehouseSavedQueriesCreateResponse::Created(created) = created else {
            panic!("{view}: a new name must be created (201)");
        };
        let text = format!("SELECT {worker} AS w, {i} AS n");
        let upserted = queries
            .create("@current")
            .name(view.clone())
            .query(hogql(text.clone()))
            .edited_history_id(created.latest_history_id.unwrap_or_default().to_string())
            .send()
            .await?;
        assert_eq!(
            upserted.status(),
            200,
            "{view}: an existing name is updated"
        );
        assert_eq!(upserted.into_inner().id, created.id);
        if i % 5 == 0 {
            queries
                .partial_update("@current", created.id)
                .deleted(true)
                .send()
                .await?;
            expected.deleted_queries.push(created.id);
        } else {
            expected.queries.insert(created.id, (view, text));
        }

        // Everyone upserts one view by name at once: it must be created exactly once.
        let shared_view = queries
            .create("@current")
            .name("shared_view")
            .soft_update(true)
            .send()
            .await?;
        if shared_view.status() == 201 {
            expected.shared_view_created += 1;
        }
    }
    Ok(expected)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clients_lose_no_update() {
    let server = start().await;
    let admin = server.admin();
    let mut shared = Vec::new();
    for n in 0..SHARED {
        let variable = admin
            .insight_variables()
            .create("@current")
            .name(format!("Shared {n}"))
            .r#type(InsightVariableType::String)
            .send()
            .await
            .unwrap();
        shared.push(variable.id);
    }

    let mut tasks = JoinSet::new();
    for n in 0..WORKERS {
        // A client (and connection pool) per worker, as separate processes would have.
        tasks.spawn(worker(server.admin(), n, shared.clone()));
    }
    let mut expected = Expected::default();
    while let Some(joined) = tasks.join_next().await {
        let part = joined
            .expect("a worker panicked")
            .unwrap_or_else(|error| panic!("{error}"));
        expected.variables.extend(part.variables);
        expected.queries.extend(part.queries);
        expected.deleted_variables.extend(part.deleted_variables);
        expected.deleted_queries.extend(part.deleted_queries);
        expected.shared_view_created += part.shared_view_created;
    }
    assert_eq!(
        expected.shared_view_created, 1,
        "one upsert created the shared view"
    );
    let total = WORKERS * ITERATIONS;
    assert_eq!(
        expected.variables.len() + expected.deleted_variables.len(),
        total
    );
    assert_eq!(
        expected.queries.len() + expected.deleted_queries.len(),
        total
    );

    // Insight variables: the survivors exactly once each, with their last patch; the shared ones untorn.
    let list = admin
        .insight_variables()
        .list("@current")
        .items()
        .try_collect()
        .await
        .unwrap();
    let count = admin
        .insight_variables()
        .list("@current")
        .send()
        .await
        .unwrap()
        .count;
    assert_eq!(list.len(), expected.variables.len() + SHARED);
    assert_eq!(usize::try_from(count).unwrap(), list.len());
    let mut seen = HashMap::new();
    for variable in &list {
        assert!(
            seen.insert(variable.id, ()).is_none(),
            "{} listed twice",
            variable.id
        );
        if let Some((name, default)) = expected.variables.get(&variable.id) {
            assert_eq!(
                (&variable.name, &variable.default_value),
                (name, default),
                "{}",
                variable.id
            );
        } else {
            assert!(
                shared.contains(&variable.id),
                "unexpected variable {}",
                variable.name
            );
            let tag = variable
                .default_value
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or_default();
            assert_eq!(
                variable.name,
                format!("Shared {tag}"),
                "a patch applied halfway"
            );
        }
    }
    for id in &expected.deleted_variables {
        let gone = admin
            .insight_variables()
            .retrieve("@current", *id)
            .send()
            .await;
        assert_eq!(error_response(gone), (404, not_found()));
    }

    // Saved queries: the survivors plus the shared view, each once, with the upserted query.
    let listed = admin
        .warehouse_saved_queries()
        .list("@current")
        .items()
        .try_collect()
        .await
        .unwrap();
    let count = admin
        .warehouse_saved_queries()
        .list("@current")
        .send()
        .await
        .unwrap()
        .count;
    assert_eq!(listed.len(), expected.queries.len() + 1);
    assert_eq!(usize::try_from(count).unwrap(), listed.len());
    let mut names: Vec<&str> = listed.iter().map(|q| q.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), listed.len(), "names are unique");
    for (id, (name, text)) in &expected.queries {
        let query = admin
            .warehouse_saved_queries()
            .retrieve("@current", *id)
            .send()
            .await
            .unwrap();
        assert_eq!(
            (&query.name, query.query.map(|q| q.query)),
            (name, Some(text.clone()))
        );
    }
    for id in &expected.deleted_queries {
        let gone = admin
            .warehouse_saved_queries()
            .retrieve("@current", *id)
            .send()
            .await;
        assert_eq!(error_response(gone), (404, not_found()));
    }
}
