//! `generated/openapi.json` is read by an independent OpenAPI 3.1 implementation (the `oas3` crate), every
//! reference in it resolves, and its operations match the spec one to one (method, path, id, scopes, parameters,
//! statuses). The facts the contract test relies on (schemathesis drives the servers with these documents) are
//! checked against the IR for every document the generator writes here: each standard answer an operation can give is
//! documented, both bodies where one status has two, links that resolve to operations and parameters, empty optional
//! query parameters and optional bodies where the server accepts them.

use apigen::ir::{self, Api, ParamLocation, Presence, ResponseRole, Ty};
use serde_json::Value;
use std::collections::BTreeSet;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn openapi_document_parses_resolves_and_matches_the_spec() {
    let text = std::fs::read_to_string(root().join("generated/openapi.json"))
        .expect("generated/openapi.json exists");
    let doc = oas3::from_json(&text).unwrap_or_else(|e| panic!("not an OpenAPI 3.1 document: {e}"));
    let version = doc.validate_version().expect("a supported OpenAPI version");
    assert_eq!((version.major, version.minor), (3, 1));

    let source = std::fs::read_to_string(root().join("spec/posthog.yaml")).unwrap();
    let api =
        apigen::lower_source("spec/posthog.yaml", &source, false).unwrap_or_else(|e| panic!("{e}"));
    let spec_ops: Vec<_> = api.resources.iter().flat_map(|r| &r.operations).collect();
    assert_eq!(
        doc.operations().count(),
        spec_ops.len(),
        "one OpenAPI operation per spec operation"
    );
    assert_eq!(spec_ops.len(), 18);

    let scheme = api
        .auth
        .as_ref()
        .expect("the PostHog spec has auth")
        .schemes[0]
        .name
        .clone();
    for op in spec_ops {
        let (path, method, found) = doc
            .operations()
            .find(|(_, _, o)| o.operation_id.as_deref() == Some(op.operation_id.as_str()))
            .unwrap_or_else(|| panic!("operation {} is missing", op.operation_id));
        assert_eq!(path, op.path, "{}", op.operation_id);
        assert_eq!(method.as_str(), op.method.as_str(), "{}", op.operation_id);
        assert_eq!(found.summary.as_deref(), Some(op.summary.as_str()));

        // Scopes as PostHog publishes them: [{"PersonalAPIKeyAuth": ["insight_variable:read"]}].
        assert_eq!(found.security.len(), 1, "{}", op.operation_id);
        assert_eq!(
            found.security[0].0.get(&scheme),
            Some(&op.scopes),
            "{}",
            op.operation_id
        );

        let params: BTreeSet<String> = found
            .parameters
            .iter()
            .map(|p| p.resolve(&doc).expect("parameter resolves").name)
            .collect();
        let expected: BTreeSet<String> = op.params.iter().map(|p| p.wire_name.clone()).collect();
        assert_eq!(params, expected, "{}", op.operation_id);

        if op.body.is_some() {
            let body = found
                .request_body
                .as_ref()
                .expect("request body")
                .resolve(&doc)
                .expect("body resolves");
            let media = body.content.get("application/json").expect("JSON body");
            assert!(media.schema(&doc).expect("body schema resolves").is_some());
        } else {
            assert!(found.request_body.is_none(), "{}", op.operation_id);
        }

        let responses = found.responses.as_ref().expect("responses");
        for r in &op.responses {
            let resp = responses
                .get(&r.status.to_string())
                .unwrap_or_else(|| panic!("{} {} missing", op.operation_id, r.status))
                .resolve(&doc)
                .unwrap();
            match &r.ty {
                Some(_) => {
                    let media = resp.content.get("application/json").expect("JSON response");
                    assert!(media
                        .schema(&doc)
                        .expect("response schema resolves")
                        .is_some());
                }
                None => assert!(
                    resp.content.is_empty(),
                    "{} {} has no body",
                    op.operation_id,
                    r.status
                ),
            }
        }
    }
}

#[test]
fn model_facts_survive_in_components() {
    let text = std::fs::read_to_string(root().join("generated/openapi.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schemas = &json["components"]["schemas"];
    let saved = &schemas["DataWarehouseSavedQuery"]["properties"];
    assert_eq!(saved["id"]["readOnly"], true);
    assert_eq!(
        saved["soft_update"]["writeOnly"], true,
        "write-only fields are documented even though responses drop them"
    );
    assert_eq!(
        saved["last_run_at"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert_eq!(
        schemas["InsightVariableType"]["enum"],
        serde_json::json!(["String", "Number", "Boolean", "List", "Date"])
    );
    assert_eq!(schemas["EngineEnum"]["x-open-enum"], true);
    assert!(
        schemas["InsightVariableCreate"].is_object() && schemas["InsightVariablePatch"].is_object()
    );
    assert_eq!(
        schemas["InsightVariableCreate"]["required"],
        serde_json::json!(["name", "type"])
    );
    assert_eq!(
        json["components"]["securitySchemes"]["PersonalAPIKeyAuth"]["scheme"],
        "bearer"
    );
}

/// Each document with the IR of its spec: PostHog's and the goldens' as committed, the garden's generated here (the
/// contract test generates it the same way).
fn documents() -> Vec<(&'static str, Api, Value)> {
    let lower = |spec: &str| {
        let source = std::fs::read_to_string(root().join(spec)).unwrap();
        apigen::lower_source(spec, &source, false).unwrap_or_else(|e| panic!("{e}"))
    };
    let read = |path: &str| -> Value {
        let text = std::fs::read_to_string(root().join(path)).unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let garden = {
        let spec = "spec/examples/garden.yaml";
        let source = std::fs::read_to_string(root().join(spec)).unwrap();
        let options = apigen::Options {
            spec_display: spec.into(),
            regenerate: "cargo xtask contract".into(),
            client: true,
            server: true,
            standalone: true,
            runtime: apigen::Runtime::Path("runtime".into()),
            resource_features: true,
        };
        let files = apigen::generate(spec, &source, &options, false).unwrap();
        let document = files.iter().find(|f| f.path == "openapi.json").unwrap();
        serde_json::from_str(&document.contents).unwrap()
    };
    vec![
        (
            "posthog",
            lower("spec/posthog.yaml"),
            read("generated/openapi.json"),
        ),
        ("garden", lower("spec/examples/garden.yaml"), garden),
        (
            "kitchen_sink",
            lower("generator/tests/fixtures/ok/kitchen_sink.yaml"),
            read("generator/tests/golden/kitchen_sink/openapi.json"),
        ),
        (
            "torture",
            lower("generator/tests/fixtures/ok/torture.yaml"),
            read("generator/tests/golden/torture/openapi.json"),
        ),
    ]
}

/// The document's entry for `op`.
fn find<'a>(doc: &'a Value, op: &ir::Operation) -> &'a Value {
    &doc["paths"][&op.path][op.method.as_str().to_ascii_lowercase()]
}

/// The component a schema refers to (`#/components/schemas/X` → `X`).
fn ref_name(schema: &Value) -> Option<&str> {
    schema["$ref"]
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// The models a response's body may be: its reference, or each reference of its `oneOf`.
fn bodies(response: &Value) -> Vec<&str> {
    let schema = &response["content"]["application/json"]["schema"];
    match schema["oneOf"].as_array() {
        Some(alternatives) => alternatives.iter().filter_map(ref_name).collect(),
        None => ref_name(schema).into_iter().collect(),
    }
}

#[test]
fn every_standard_answer_is_documented_with_its_body() {
    for (name, api, doc) in documents() {
        for (_, op) in api.operations() {
            let responses = &find(&doc, op)["responses"];
            for kind in &op.standard_errors {
                let answer = api.errors.answer(*kind);
                let status = answer.map_or(kind.default_status(), |a| a.status);
                let response = &responses[status.to_string()];
                assert!(
                    response.is_object(),
                    "{name}: {} does not document {status} ({kind})",
                    op.operation_id
                );
                // An operation documenting the status without a body keeps it so (OpenAPI cannot say "no body or
                // this one"); everywhere else the standard body is one of the possible bodies.
                let own_bodyless = op
                    .responses
                    .iter()
                    .any(|r| r.status == apigen::ir::StatusKey::Code(status) && r.ty.is_none());
                if let (Some(answer), false) = (answer, own_bodyless) {
                    let model = &api.ty(answer.model).rust_name;
                    assert!(
                        bodies(response).contains(&model.as_str()),
                        "{name}: {} {status} ({kind}) does not say its body may be {model}: {response}",
                        op.operation_id
                    );
                }
            }
        }
    }
}

#[test]
fn a_status_with_two_bodies_is_a_one_of_both() {
    let mut seen = 0;
    for (name, api, doc) in documents() {
        for (_, op) in api.operations() {
            for r in &op.responses {
                let own = match &r.ty {
                    Some(Ty::Named(id)) => api.ty(*id).rust_name.as_str(),
                    _ => continue,
                };
                let standard: Vec<&str> = op
                    .standard_errors
                    .iter()
                    .filter_map(|k| api.errors.answer(*k))
                    .filter(|a| apigen::ir::StatusKey::Code(a.status) == r.status)
                    .map(|a| api.ty(a.model).rust_name.as_str())
                    .filter(|m| *m != own)
                    .collect();
                if standard.is_empty() {
                    continue;
                }
                seen += 1;
                let response = &find(&doc, op)["responses"][r.status.to_string()];
                let schema = &response["content"]["application/json"]["schema"];
                let mut expected = vec![own];
                expected.extend(standard);
                assert_eq!(
                    bodies(response),
                    expected,
                    "{name}: {} {}: {schema}",
                    op.operation_id,
                    r.status
                );
                assert!(
                    schema["oneOf"].is_array(),
                    "{name}: {} {}",
                    op.operation_id,
                    r.status
                );
            }
        }
    }
    // PostHog's five external data source actions documenting a `{message}` 400 may also answer the validation 400.
    assert!(seen >= 5, "only {seen} shared statuses");
}

#[test]
fn links_resolve_to_operations_and_their_parameters() {
    let mut links = 0;
    for (name, api, doc) in documents() {
        for (_, op) in api.operations() {
            for r in op
                .responses
                .iter()
                .filter(|r| r.role == ResponseRole::Success)
            {
                let response = &find(&doc, op)["responses"][r.status.to_string()];
                let Some(found) = response["links"].as_object() else {
                    continue;
                };
                // A link reads the answer's body: only an object answer, whose field always exists, has one.
                let model =
                    r.ty.as_ref()
                        .and_then(Ty::named)
                        .and_then(|id| api.struct_(id))
                        .unwrap_or_else(|| {
                            panic!("{name}: {} links from a non-object", op.operation_id)
                        });
                for (key, link) in found {
                    links += 1;
                    let context = format!("{name}: {} {} link {key}", op.operation_id, r.status);
                    let target_id = link["operationId"].as_str().expect("operationId");
                    let (_, target) = api
                        .operations()
                        .find(|(_, o)| o.operation_id == target_id)
                        .unwrap_or_else(|| panic!("{context}: no operation {target_id}"));
                    let parameters = link["parameters"].as_object().expect("parameters");
                    assert!(!parameters.is_empty(), "{context}");
                    for (param, expression) in parameters {
                        let taken = target
                            .path_params()
                            .find(|p| &p.wire_name == param)
                            .unwrap_or_else(|| {
                                panic!("{context}: {target_id} has no path parameter {param}")
                            });
                        let expression = expression.as_str().expect("an expression");
                        if let Some(from) = expression.strip_prefix("$request.path.") {
                            assert!(
                                op.path_params()
                                    .any(|p| p.wire_name == from && p.ty == taken.ty),
                                "{context}: {expression}"
                            );
                        } else {
                            let pointer = expression
                                .strip_prefix("$response.body#/")
                                .unwrap_or_else(|| panic!("{context}: {expression}"));
                            let field = model
                                .fields
                                .iter()
                                .find(|f| {
                                    f.wire_name == pointer.replace("~1", "/").replace("~0", "~")
                                })
                                .unwrap_or_else(|| {
                                    panic!("{context}: the answer has no field {pointer}")
                                });
                            assert_eq!(field.presence, Presence::Required, "{context}");
                            assert_eq!(field.ty, taken.ty, "{context}");
                        }
                    }
                }
            }
        }
    }
    assert!(links > 0);
}

#[test]
fn posthog_creates_link_to_what_takes_their_id() {
    let (_, api, doc) = documents().remove(0);
    let linked = |operation_id: &str, status: &str| -> BTreeSet<String> {
        let (_, op) = api
            .operations()
            .find(|(_, o)| o.operation_id == operation_id)
            .unwrap();
        let links = find(&doc, op)["responses"][status]["links"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for link in links.values() {
            assert_eq!(link["parameters"]["id"], "$response.body#/id");
            assert_eq!(link["parameters"]["project_id"], "$request.path.project_id");
        }
        links.keys().cloned().collect()
    };
    let set = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        linked("insight_variables_create", "201"),
        set(&[
            "insight_variables_destroy",
            "insight_variables_partial_update",
            "insight_variables_retrieve"
        ])
    );
    // The upsert hands out the id whether it created (201) or updated (200).
    for status in ["200", "201"] {
        assert_eq!(
            linked("warehouse_saved_queries_create", status),
            set(&[
                "warehouse_saved_queries_partial_update",
                "warehouse_saved_queries_retrieve"
            ])
        );
    }
    // A retrieve already takes the id it answers with; a list's first item may not exist.
    assert!(linked("insight_variables_retrieve", "200").is_empty());
    assert!(linked("insight_variables_list", "200").is_empty());
}

#[test]
fn empty_optional_query_parameters_and_empty_bodies_are_allowed_where_the_server_takes_them() {
    for (name, api, doc) in documents() {
        for (_, op) in api.operations() {
            let found = find(&doc, op);
            let documented_params = found["parameters"]
                .as_array()
                .map_or(&[][..], Vec::as_slice);
            assert_eq!(
                documented_params.len(),
                op.params.len(),
                "{name}: {}",
                op.operation_id
            );
            for (p, documented) in op.params.iter().zip(documented_params) {
                assert_eq!(documented["name"], p.wire_name.as_str());
                // The server reads `?page=` as no page: an empty value is allowed exactly where absence is.
                let empty = p.location == ParamLocation::Query && !p.required;
                assert_eq!(
                    documented["allowEmptyValue"].as_bool().unwrap_or(false),
                    empty,
                    "{name}: {} {}",
                    op.operation_id,
                    p.wire_name
                );
            }
            if let Some(body) = &op.body {
                // The server reads an empty body as `{}`.
                let empty_ok = match &body.ty {
                    Ty::Map(_) | Ty::Json => true,
                    Ty::Named(id) => api
                        .struct_(*id)
                        .is_some_and(|s| s.fields.iter().all(|f| f.presence.optional())),
                    _ => false,
                };
                assert_eq!(
                    found["requestBody"]["required"], !empty_ok,
                    "{name}: {}",
                    op.operation_id
                );
            }
        }
    }
}
