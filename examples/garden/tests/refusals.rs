//! What the generated router refuses before the implementation runs, as the generated client (or, for input the
//! typed client cannot produce, a raw request) sees it: the spec's error bodies and statuses, with `422` for bad
//! input as the garden spec declares.

mod common;

use apigen_runtime::indexmap::IndexMap;
use apigen_runtime::reqwest::Method;
use apigen_runtime::serde_json;
use apigen_runtime::serde_json::json;
use common::{anonymous, client, problem, raw, start, GARDEN};
use garden_example::api::models::ProblemKind;
use garden_example::seeded_sensor_id;

#[tokio::test]
async fn a_missing_or_unknown_key_is_401() {
    let base = start().await;
    let (status, body) = problem(anonymous(&base).plants().list(GARDEN).send().await);
    assert_eq!(status, 401);
    assert_eq!(body.kind, ProblemKind::Auth);
    assert_eq!((body.detail.as_str(), body.field), ("Who are you?", None));
    let (status, body) = problem(
        client(&base, "stolen-key")
            .plants()
            .list(GARDEN)
            .send()
            .await,
    );
    assert_eq!((status, body.detail.as_str()), (401, "Unknown key."));
    // Operations without scopes still need a valid key.
    let readings = IndexMap::from([("moisture".to_owned(), vec![0.1])]);
    let record = anonymous(&base)
        .sensors()
        .record(GARDEN, seeded_sensor_id(1), readings)
        .send()
        .await;
    assert_eq!(problem(record).0, 401);
    let (status, _) = problem(
        client(&base, "stolen-key")
            .sensors()
            .list(GARDEN)
            .send()
            .await,
    );
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_missing_scope_is_403_naming_it() {
    let base = start().await;
    let viewer = client(&base, "viewer-key");
    let (status, body) = problem(viewer.plants().create(GARDEN).name("Kale").send().await);
    assert_eq!(status, 403);
    assert_eq!(body.kind, ProblemKind::Auth);
    assert_eq!(body.detail, "This needs the 'plant:manage' scope.");
    let guest = client(&base, "guest-key");
    let (_, body) = problem(guest.plants().list(GARDEN).send().await);
    assert_eq!(body.detail, "This needs the 'plant:view' scope.");
    let gardener = client(&base, "gardener-key");
    let (status, body) = problem(gardener.sensors().harvest(GARDEN, 1).send().await);
    assert_eq!(
        (status, body.detail.as_str()),
        (403, "This needs the 'plot:manage' scope.")
    );
    // `plot:manage` implies `plot:view`, not `plant:view`: the rule keeps the object.
    let farmer = client(&base, "farmer-key");
    let (_, body) = problem(farmer.plants().list(GARDEN).send().await);
    assert_eq!(body.detail, "This needs the 'plant:view' scope.");
}

#[tokio::test]
async fn admin_grants_every_scope_and_manage_implies_view() {
    let base = start().await;
    let admin = client(&base, "admin-key");
    let plant = admin
        .plants()
        .create(GARDEN)
        .name("Leek")
        .send()
        .await
        .unwrap()
        .into_inner();
    admin.plants().list(GARDEN).send().await.unwrap();
    admin
        .sensors()
        .harvest(GARDEN, 1)
        .dry_run(true)
        .send()
        .await
        .unwrap();

    let gardener = client(&base, "gardener-key");
    let listed = gardener.plants().list(GARDEN).send().await.unwrap();
    assert_eq!(listed.items[0].id, plant.id);
    gardener
        .plants()
        .get(GARDEN, plant.id)
        .send()
        .await
        .unwrap();
    // `view` does not imply `manage`.
    let (status, _) = problem(
        client(&base, "viewer-key")
            .plants()
            .remove(GARDEN, plant.id)
            .send()
            .await,
    );
    assert_eq!(status, 403);
}

#[tokio::test]
async fn operations_without_scopes_take_any_valid_key() {
    let base = start().await;
    for key in ["guest-key", "viewer-key", "farmer-key", "admin-key"] {
        let readings = IndexMap::from([(key.to_owned(), vec![1.0])]);
        let sensor = client(&base, key)
            .sensors()
            .record(GARDEN, seeded_sensor_id(3), readings)
            .send()
            .await
            .unwrap();
        assert_eq!(sensor.readings[key], [1.0]);
        client(&base, key)
            .sensors()
            .list(GARDEN)
            .send()
            .await
            .unwrap();
    }
}

/// Asserts a `422` validation body naming `field`, and returns its detail.
fn invalid(status: u16, body: &serde_json::Value, field: &str) -> String {
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["kind"], "invalid", "{body}");
    assert_eq!(body["field"], field, "{body}");
    body["detail"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn unknown_fields_are_refused_where_the_model_says_so() {
    let base = start().await;
    let key = Some("admin-key");
    let body = r#"{"name": "Yarrow", "colour": "white"}"#;
    let (status, answer) = raw(&base, Method::POST, "/plants/", key, Some(body)).await;
    invalid(status, &answer, "colour");
    // Read-only fields are not part of the create body either.
    let body = r#"{"name": "Yarrow", "children": []}"#;
    let (status, answer) = raw(&base, Method::POST, "/plants/", key, Some(body)).await;
    invalid(status, &answer, "children");
    let body = r#"{"weight": 1}"#;
    let (status, answer) = raw(
        &base,
        Method::PATCH,
        "/plants/00000000-0000-0000-0000-000000000001/",
        key,
        Some(body),
    )
    .await;
    invalid(status, &answer, "weight");
}

#[tokio::test]
async fn constraints_are_enforced_with_the_field_named() {
    let base = start().await;
    let admin = client(&base, "admin-key");
    let long = "x".repeat(61);
    let (status, body) = problem(admin.plants().create(GARDEN).name(long).send().await);
    assert_eq!((status, body.kind.clone()), (422, ProblemKind::Invalid));
    assert_eq!(body.field.as_deref(), Some("name"));
    assert!(body.detail.contains("60"), "{}", body.detail);
    // Exactly 60 is allowed.
    admin
        .plants()
        .create(GARDEN)
        .name("x".repeat(60))
        .send()
        .await
        .unwrap();
    let (_, body) = problem(admin.plants().create(GARDEN).name("").send().await);
    assert_eq!(body.field.as_deref(), Some("name"));

    let (status, body) = problem(
        admin
            .plants()
            .create(GARDEN)
            .name("Mint")
            .latin("mentha")
            .send()
            .await,
    );
    assert_eq!((status, body.field.as_deref()), (422, Some("latin")));
    admin
        .plants()
        .create(GARDEN)
        .name("Mint")
        .latin("Mentha spicata")
        .send()
        .await
        .unwrap();

    let (status, body) = problem(
        admin
            .plants()
            .create(GARDEN)
            .name("Sequoia")
            .height_cm(10_000.5)
            .send()
            .await,
    );
    assert_eq!((status, body.field.as_deref()), (422, Some("height_cm")));
    let (_, body) = problem(
        admin
            .plants()
            .create(GARDEN)
            .name("Pit")
            .height_cm(-1.0)
            .send()
            .await,
    );
    assert_eq!(body.field.as_deref(), Some("height_cm"));

    // PATCH bodies are checked the same way, and a null skips the check.
    let mint = admin
        .plants()
        .list(GARDEN)
        .search("Mint")
        .send()
        .await
        .unwrap()
        .items
        .remove(0);
    let (status, body) = problem(
        admin
            .plants()
            .update(GARDEN, mint.id)
            .latin("spearmint")
            .send()
            .await,
    );
    assert_eq!((status, body.field.as_deref()), (422, Some("latin")));
    let cleared = admin
        .plants()
        .update(GARDEN, mint.id)
        .latin_null()
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.latin, None);
}

#[tokio::test]
async fn bad_path_and_query_parameters_are_422_naming_them() {
    let base = start().await;
    let key = Some("admin-key");
    let (status, body) = raw(&base, Method::GET, "/plants/not-a-uuid/", key, None).await;
    invalid(status, &body, "id");
    let (status, body) = raw(&base, Method::POST, "/sensors/harvest/north/", key, None).await;
    invalid(status, &body, "plot");
    let (status, body) = raw(
        &base,
        Method::POST,
        "/sensors/harvest/1/?dry_run=maybe",
        key,
        None,
    )
    .await;
    invalid(status, &body, "dry_run");
    let (status, body) = raw(&base, Method::GET, "/plants/?take=two", key, None).await;
    invalid(status, &body, "take");
    let (status, body) = raw(&base, Method::GET, "/sensors/?p=first", key, None).await;
    invalid(status, &body, "p");
}

#[tokio::test]
async fn a_closed_enum_refuses_values_it_does_not_know() {
    let base = start().await;
    let key = Some("admin-key");
    let body = r#"{"name": "Rice", "season": "monsoon"}"#;
    let (status, answer) = raw(&base, Method::POST, "/plants/", key, Some(body)).await;
    let detail = invalid(status, &answer, "season");
    assert!(detail.contains("monsoon"), "{detail}");
    let (status, answer) = raw(&base, Method::GET, "/plants/?season=monsoon", key, None).await;
    invalid(status, &answer, "season");
    // A known value passes both ways.
    let body = r#"{"name": "Rice", "season": "summer"}"#;
    let (status, answer) = raw(&base, Method::POST, "/plants/", key, Some(body)).await;
    assert_eq!((status, &answer["season"]), (201, &json!("summer")));
}

#[tokio::test]
async fn bodies_of_the_wrong_shape_are_422() {
    let base = start().await;
    let key = Some("admin-key");
    let (status, body) = raw(&base, Method::POST, "/plants/", key, Some("{}")).await;
    invalid(status, &body, "name");
    let (status, body) = raw(&base, Method::POST, "/plants/", key, Some(r#"{"name": 7}"#)).await;
    invalid(status, &body, "name");
    let (status, body) = raw(&base, Method::POST, "/plants/", key, Some("not json")).await;
    assert_eq!((status, &body["field"]), (422, &serde_json::Value::Null));
    let path = format!("/sensors/{}/readings/", seeded_sensor_id(1));
    let (status, body) = raw(
        &base,
        Method::POST,
        &path,
        key,
        Some(r#"{"moisture": [1, "wet"]}"#),
    )
    .await;
    invalid(status, &body, "moisture__1");
    let (status, body) = raw(&base, Method::POST, &path, key, Some(r#"{"moisture": 1}"#)).await;
    invalid(status, &body, "moisture");
}

#[tokio::test]
async fn unknown_routes_methods_and_big_bodies_get_the_spec_bodies() {
    let base = start().await;
    let key = Some("admin-key");
    let (status, body) = raw(&base, Method::GET, "/compost/", key, None).await;
    assert_eq!((status, &body["kind"]), (404, &json!("missing")));
    let (status, body) = raw(&base, Method::PUT, "/plants/", key, Some("{}")).await;
    assert_eq!((status, &body["kind"]), (405, &json!("method")));
    assert_eq!(body["detail"], "PUT is not allowed here.");
    let huge = format!(r#"{{"name": "{}"}}"#, "x".repeat(2 << 20));
    let (status, body) = raw(&base, Method::POST, "/plants/", key, Some(&huge)).await;
    assert_eq!(
        (status, &body["kind"], &body["detail"]),
        (413, &json!("size"), &json!("Too big."))
    );
}
