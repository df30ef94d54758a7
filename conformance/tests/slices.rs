//! The real-API slices' OpenAPI documents (`examples/{github,stripe,openai}/api/openapi.json`, written by
//! `cargo xtask codegen`) are read by an independent OpenAPI 3.1 implementation (the `oas3` crate): each parses,
//! every parameter, body and response resolves, its operations match the spec one to one, and each shows the HTTP
//! surface its API uses: header parameters, answer headers, form and multipart bodies, binary and event-stream
//! answers, and basic auth beside bearer.

use serde_json::Value;
use std::collections::BTreeSet;

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const SLICES: &[(&str, &str)] = &[
    (
        "spec/examples/github.yaml",
        "examples/github/api/openapi.json",
    ),
    (
        "spec/examples/stripe.yaml",
        "examples/stripe/api/openapi.json",
    ),
    (
        "spec/examples/openai.yaml",
        "examples/openai/api/openapi.json",
    ),
];

fn document(path: &str) -> (String, Value) {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    (text, json)
}

#[test]
fn each_slice_document_parses_resolves_and_matches_its_spec() {
    for (spec, path) in SLICES {
        let (text, _) = document(path);
        let doc = oas3::from_json(&text).unwrap_or_else(|e| panic!("{path}: not OpenAPI 3.1: {e}"));
        let version = doc.validate_version().expect("a supported OpenAPI version");
        assert_eq!((version.major, version.minor), (3, 1), "{path}");
        let source = std::fs::read_to_string(root().join(spec)).unwrap();
        let api = apigen::lower_source(spec, &source, false).unwrap_or_else(|e| panic!("{e}"));
        let ops: Vec<_> = api.resources.iter().flat_map(|r| &r.operations).collect();
        assert_eq!(doc.operations().count(), ops.len(), "{path}");
        for op in ops {
            let (found_path, method, found) = doc
                .operations()
                .find(|(_, _, o)| o.operation_id.as_deref() == Some(op.operation_id.as_str()))
                .unwrap_or_else(|| panic!("{path}: {} is missing", op.operation_id));
            assert_eq!(
                (found_path.as_str(), method.as_str()),
                (op.path.as_str(), op.method.as_str())
            );
            // Every parameter resolves: the operation's own, the API's headers and the idempotency key.
            let names: BTreeSet<String> = found
                .parameters
                .iter()
                .map(|p| p.resolve(&doc).expect("a parameter resolves").name)
                .collect();
            let mut expected: BTreeSet<String> = op
                .params
                .iter()
                .chain(&api.headers)
                .map(|p| p.wire_name.clone())
                .collect();
            expected.extend(op.idempotency_header.clone());
            assert_eq!(names, expected, "{path}: {}", op.operation_id);
            if let Some(body) = &found.request_body {
                let body = body.resolve(&doc).expect("a body resolves");
                for media in body.content.values() {
                    assert!(media
                        .schema(&doc)
                        .expect("a body schema resolves")
                        .is_some());
                }
            }
            for response in found.responses.as_ref().expect("responses").values() {
                let response = response.resolve(&doc).expect("a response resolves");
                for media in response.content.values() {
                    assert!(media.schema(&doc).expect("a schema resolves").is_some());
                }
            }
        }
    }
}

/// The operation `id` of `doc`.
fn op<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|paths| paths.values())
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .find(|o| o["operationId"] == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

/// The `in` of each parameter of `op`, by name.
fn parameter_in<'a>(op: &'a Value, name: &str) -> Option<&'a str> {
    op["parameters"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == name)
        .and_then(|p| p["in"].as_str())
}

#[test]
fn the_slices_show_the_http_surface_they_use() {
    let (_, github) = document("examples/github/api/openapi.json");
    let list = op(&github, "issues/list-for-repo");
    assert_eq!(parameter_in(list, "X-GitHub-Api-Version"), Some("header"));
    assert_eq!(parameter_in(list, "Accept"), Some("header"));
    let headers = &list["responses"]["200"]["headers"];
    for name in [
        "Link",
        "X-RateLimit-Limit",
        "X-RateLimit-Remaining",
        "X-RateLimit-Reset",
    ] {
        assert!(
            headers[name].is_object(),
            "issues/list-for-repo 200 lacks {name}"
        );
    }
    let created = &op(&github, "issues/create")["responses"]["201"]["headers"]["Location"];
    assert_eq!(created["required"], true);

    let (_, stripe) = document("examples/stripe/api/openapi.json");
    let schemes = &stripe["components"]["securitySchemes"];
    assert_eq!(schemes["basicAuth"]["scheme"], "basic");
    assert_eq!(schemes["bearerAuth"]["scheme"], "bearer");
    let create = op(&stripe, "PostCustomers");
    assert!(
        create["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"].is_object()
    );
    assert_eq!(parameter_in(create, "Idempotency-Key"), Some("header"));
    assert_eq!(
        create["security"],
        serde_json::json!([{"basicAuth": ["rak_customer_write"]}, {"bearerAuth": ["rak_customer_write"]}])
    );
    assert!(create["responses"]["default"].is_object());
    let list = op(&stripe, "GetCustomers");
    let created = list["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "created"))
        .expect("created");
    assert_eq!(created["style"], "deepObject");
    assert!(list["responses"]["200"]["headers"]["Request-Id"].is_object());

    let (_, openai) = document("examples/openai/api/openapi.json");
    let upload = op(&openai, "createFile");
    let multipart = &upload["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert!(multipart.is_object());
    let file = &openai["components"]["schemas"]["CreateFileRequest"]["properties"]["file"];
    assert_eq!(file["format"], "binary", "{file}");
    let download = &op(&openai, "downloadFile")["responses"]["200"]["content"];
    assert!(
        download["application/octet-stream"].is_object(),
        "{download}"
    );
    let speech = &op(&openai, "createSpeech")["responses"]["200"]["content"];
    assert!(speech["application/octet-stream"].is_object(), "{speech}");
    let chat = op(&openai, "createChatCompletion");
    assert!(chat["responses"]["200"]["content"]["text/event-stream"].is_object());
    assert_eq!(parameter_in(chat, "OpenAI-Beta"), Some("header"));
}
