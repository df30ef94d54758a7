//! `generated/openapi.json` is read by an independent OpenAPI 3.1 implementation (the `oas3` crate), every
//! reference in it resolves, and its operations match the spec one to one (method, path, id, scopes, parameters,
//! statuses).

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
        .scheme_name
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
