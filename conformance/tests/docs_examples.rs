//! Every example response on PostHog's docs page deserializes into the generated model and serializes back to the
//! same JSON; only write-only fields (which the server never returns, so the response model has none) may be dropped.
//!
//! The examples are copied verbatim from the docs page into `tests/docs_examples/`.

use posthog_data_warehouse::models::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

fn example(name: &str) -> Value {
    let path = format!("{}/tests/docs_examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The write-only fields of a spec model, read from the spec itself so the test follows the spec.
fn write_only_fields(model: &str) -> Vec<String> {
    let path = format!("{}/../spec/posthog.yaml", env!("CARGO_MANIFEST_DIR"));
    let source = std::fs::read_to_string(&path).expect("the spec is in the repository");
    let spec = apigen::load::load(&source).expect("the shipped spec loads");
    let model = spec
        .models
        .iter()
        .find(|m| m.name.value == model)
        .unwrap_or_else(|| panic!("model {model} is in the spec"));
    match &model.kind {
        apigen::spec::ModelKind::Struct { fields, .. } => fields
            .iter()
            .filter(|f| f.write_only)
            .map(|f| f.name.value.clone())
            .collect(),
        apigen::spec::ModelKind::Enum { .. } | apigen::spec::ModelKind::Union { .. } => Vec::new(),
    }
}

fn without(mut value: Value, keys: &[String]) -> Value {
    match &mut value {
        Value::Object(map) => {
            for k in keys {
                map.remove(k);
            }
            for v in map.values_mut() {
                *v = without(v.take(), keys);
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without(v.take(), keys);
            }
        }
        _ => {}
    }
    value
}

/// Decodes `json` as `T`, encodes it again and compares, ignoring the write-only fields of `model`.
fn round_trip<T: DeserializeOwned + Serialize>(json: Value, model: &str) {
    let decoded: T = serde_json::from_value(json.clone())
        .unwrap_or_else(|e| panic!("{model}: the docs example does not decode: {e}\n{json:#}"));
    let encoded = serde_json::to_value(&decoded).expect("models serialize");
    let expected = without(json, &write_only_fields(model));
    assert_eq!(
        encoded, expected,
        "{model}: the round trip changed the JSON"
    );
}

#[test]
fn connections_item_round_trips_as_a_list() {
    // The docs page wraps the items in a page envelope; the real server returns the bare list.
    let page = example("get_external_data_sources_connections_200.json");
    let list = Value::Array(vec![page["results"][0].clone()]);
    round_trip::<Vec<ExternalDataSourceConnectionOption>>(
        list,
        "ExternalDataSourceConnectionOption",
    );
}

#[test]
fn insight_variable_examples_round_trip() {
    round_trip::<PaginatedInsightVariableList>(
        example("get_insight_variables_200.json"),
        "InsightVariable",
    );
    for name in [
        "post_insight_variables_201.json",
        "get_insight_variables_id_200.json",
        "patch_insight_variables_id_200.json",
    ] {
        round_trip::<InsightVariable>(example(name), "InsightVariable");
    }
}

#[test]
fn saved_query_examples_round_trip() {
    round_trip::<PaginatedDataWarehouseSavedQueryMinimalList>(
        example("get_warehouse_saved_queries_200.json"),
        "DataWarehouseSavedQueryMinimal",
    );
    for name in [
        "post_warehouse_saved_queries_201.json",
        "get_warehouse_saved_queries_id_200.json",
        "patch_warehouse_saved_queries_id_200.json",
    ] {
        round_trip::<DataWarehouseSavedQuery>(example(name), "DataWarehouseSavedQuery");
    }
}

#[test]
fn write_only_fields_are_really_dropped() {
    // Guards the exception above: the response model must not carry write-only fields at all.
    let json = example("get_warehouse_saved_queries_id_200.json");
    let encoded =
        serde_json::to_value(serde_json::from_value::<DataWarehouseSavedQuery>(json).unwrap())
            .unwrap();
    for field in write_only_fields("DataWarehouseSavedQuery") {
        assert!(
            encoded.get(&field).is_none(),
            "{field} is write-only but the response model kept it"
        );
    }
    assert!(!write_only_fields("DataWarehouseSavedQuery").is_empty());
}

#[test]
fn open_enums_keep_unknown_values_and_closed_enums_refuse_them() {
    let engine: EngineEnum = serde_json::from_str("\"clickhouse\"").unwrap();
    assert_eq!(engine, EngineEnum::Unknown("clickhouse".into()));
    assert_eq!(serde_json::to_string(&engine).unwrap(), "\"clickhouse\"");
    assert!(serde_json::from_str::<InsightVariableType>("\"Color\"").is_err());
}

#[test]
fn patch_bodies_have_three_states() {
    let absent = InsightVariablePatch::default();
    assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
    let cleared = InsightVariablePatch {
        default_value: posthog_data_warehouse::Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&cleared).unwrap(),
        r#"{"default_value":null}"#
    );
    let set = InsightVariablePatch {
        default_value: serde_json::json!(3).into(),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_string(&set).unwrap(),
        r#"{"default_value":3}"#
    );
}
