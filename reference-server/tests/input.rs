//! Bad input never reaches a handler and never gives a 500: the stubs answer 400 with the API's validation body
//! (`attr` naming the field), 413 past the body limit, 405 for another method, 404 for unknown paths; and every
//! path works with and without its trailing slash.

mod common;

use common::*;
use serde_json::{json, Value};

const VARIABLES: &str = "/api/projects/1/insight_variables/";
const QUERIES: &str = "/api/projects/1/warehouse_saved_queries/";

fn validation(code: &str, detail: &str, attr: Option<&str>) -> Value {
    json!({"type": "validation_error", "code": code, "detail": detail, "attr": attr})
}

#[tokio::test]
async fn malformed_json_is_a_validation_error() {
    let server = start().await;
    for body in [
        &b"{"[..],
        b"name=string",
        b"{\"name\": \"x\",",
        b"\xff\xfe",
        b"{\"name\": \"x\"} extra",
    ] {
        let answer = server
            .raw("POST", VARIABLES, Some(ADMIN), Some(body.to_vec()))
            .await;
        assert_eq!(answer.status, 400, "{body:?}");
        assert_eq!(answer.json["type"], "validation_error");
        assert_eq!(
            answer.json["code"], "parse_error",
            "{body:?}: {}",
            answer.text
        );
        assert_eq!(answer.json["attr"], Value::Null);
    }
}

#[tokio::test]
async fn missing_and_mistyped_fields_name_the_field() {
    let server = start().await;
    let cases = [
        (
            json!({"type": "String"}),
            validation("required", "This field is required.", Some("name")),
        ),
        (
            json!({}),
            validation("required", "This field is required.", Some("name")),
        ),
        (
            json!({"name": null, "type": "String"}),
            validation("null", "This field may not be null.", Some("name")),
        ),
        (
            json!({"name": "x", "type": "Text"}),
            validation(
                "invalid_choice",
                "\"Text\" is not a valid choice.",
                Some("type"),
            ),
        ),
    ];
    for (body, expected) in cases {
        let answer = server.post(VARIABLES, body.clone()).await;
        assert_eq!((answer.status, &answer.json), (400, &expected), "{body}");
    }
    let wrong_type = server
        .post(VARIABLES, json!({"name": 12, "type": "String"}))
        .await;
    assert_eq!(wrong_type.status, 400);
    assert_eq!(
        (
            wrong_type.json["code"].as_str(),
            wrong_type.json["attr"].as_str()
        ),
        (Some("invalid"), Some("name"))
    );

    // Nested fields are joined with `__`.
    let nested = server
        .post(QUERIES, json!({"name": "v", "query": {"query": 5}}))
        .await;
    assert_eq!(
        (nested.status, nested.json["attr"].as_str()),
        (400, Some("query__query"))
    );
    let cdc = server
        .post(
            "/api/projects/1/external_data_sources/check_cdc_prerequisites/",
            json!({"source_type": "Postgres", "host": "h", "port": "5432"}),
        )
        .await;
    assert_eq!((cdc.status, cdc.json["attr"].as_str()), (400, Some("port")));
}

#[tokio::test]
async fn constraints_are_enforced() {
    let server = start().await;
    let long = "x".repeat(401);
    let answer = server
        .post(VARIABLES, json!({"name": long, "type": "String"}))
        .await;
    assert_eq!(
        (answer.status, &answer.json),
        (
            400,
            &validation(
                "max_length",
                "Ensure this field has no more than 400 characters.",
                Some("name")
            )
        )
    );
    let bad_name = server
        .post(
            QUERIES,
            json!({"name": "1 bad name", "query": {"query": "SELECT 1"}}),
        )
        .await;
    assert_eq!(
        (bad_name.status, bad_name.json["attr"].as_str()),
        (400, Some("name"))
    );
    assert_eq!(bad_name.json["code"], "invalid");
    // PATCH bodies are checked too.
    let created = server
        .post(
            QUERIES,
            json!({"name": "good_name", "query": {"query": "SELECT 1"}}),
        )
        .await;
    let path = format!("{QUERIES}{}/", created.json["id"].as_str().unwrap());
    let patched = server.patch(&path, json!({"name": "x".repeat(129)})).await;
    assert_eq!(
        (patched.status, patched.json["code"].as_str()),
        (400, Some("max_length"))
    );
}

/// A path id that does not parse finds no object (404, as PostHog's `get_object_or_404`: the spec's
/// `errors.malformed_path: not_found`); a bad query parameter is a 400 naming it.
#[tokio::test]
async fn bad_path_parameters_are_not_found_and_bad_query_parameters_are_named() {
    let server = start().await;
    let not_found = json!({"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": null});
    let bad_uuid = server.get(&format!("{VARIABLES}not-a-uuid/")).await;
    assert_eq!((bad_uuid.status, &bad_uuid.json), (404, &not_found));
    let source = server
        .get("/api/projects/1/external_data_sources/1234/webhook_info/")
        .await;
    assert_eq!((source.status, &source.json), (404, &not_found));
    let bad_page = server.get(&format!("{VARIABLES}?page=two")).await;
    assert_eq!(
        (bad_page.status, &bad_page.json),
        (
            400,
            &validation("invalid", "A valid integer is required.", Some("page"))
        )
    );
    let bad_page = server.get(&format!("{QUERIES}?search=x&page=1.5")).await;
    assert_eq!(
        (bad_page.status, bad_page.json["attr"].as_str()),
        (400, Some("page"))
    );
    // An empty optional query parameter is absent (`?page=` is page 1, as Django REST framework reads it).
    let empty_page = server.get(&format!("{QUERIES}?page=")).await;
    assert_eq!(empty_page.status, 200, "{}", empty_page.text);
    // Percent-encoded values are decoded before parsing; unknown query parameters are ignored.
    let ok = server
        .get(&format!("{QUERIES}?search=a%20b&page=%31&unknown=1"))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let server = start_with(1024).await;
    let big = json!({"name": "x".repeat(2000), "type": "String"});
    let answer = server.post(VARIABLES, big).await;
    assert_eq!(answer.status, 413);
    assert_eq!(
        answer.json,
        json!({"type": "invalid_request", "code": "payload_too_large", "detail": "Request body is too large.", "attr": null})
    );
    let small = server
        .post(VARIABLES, json!({"name": "small", "type": "String"}))
        .await;
    assert_eq!(small.status, 201);

    // The default limit is 1 MiB.
    let server = start().await;
    let big = serde_json::to_vec(
        &json!({"name": "x", "type": "String", "values": "y".repeat(1024 * 1024)}),
    )
    .unwrap();
    assert_eq!(
        server
            .raw("POST", VARIABLES, Some(ADMIN), Some(big))
            .await
            .status,
        413
    );
}

#[tokio::test]
async fn wrong_methods_get_405_and_unknown_paths_404() {
    let server = start().await;
    let answer = server.send("PUT", VARIABLES, ADMIN, Some(json!({}))).await;
    assert_eq!(answer.status, 405);
    assert_eq!(
        answer.json,
        json!({"type": "invalid_request", "code": "method_not_allowed", "detail": "Method \"PUT\" not allowed.", "attr": null})
    );
    assert_eq!(answer.headers["allow"], "GET,HEAD,POST");
    let delete = server
        .send(
            "DELETE",
            "/api/projects/1/external_data_sources/wizard",
            ADMIN,
            None,
        )
        .await;
    assert_eq!(delete.status, 405);
    for path in [
        "/api/projects/1/nothing/",
        "/",
        "/api/projects/1/insight_variables/x/y/z/",
    ] {
        let answer = server.get(path).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(
            answer.json,
            json!({"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": null})
        );
    }
}

#[tokio::test]
async fn paths_work_with_and_without_the_trailing_slash() {
    let server = start().await;
    let (variable, query) = seed(&server).await;
    for op in operations(&variable, &query) {
        if op.method == "DELETE" {
            continue;
        }
        let bare = op.path.trim_end_matches('/');
        for path in [op.path.as_str(), bare] {
            let answer = server.send(op.method, path, ADMIN, op.body.clone()).await;
            // Creating twice may answer 200 (upsert) or 400 (duplicate code name); what matters is the route.
            assert!(
                (200..300).contains(&answer.status) || answer.status == 400 && op.method == "POST",
                "{} {path}: {} {}",
                op.method,
                answer.status,
                answer.text
            );
        }
    }
    let bare = format!("/api/projects/1/insight_variables/{variable}");
    assert_eq!(server.delete(&bare).await.status, 204);
}

#[tokio::test]
async fn no_input_gives_a_server_error() {
    let server = start().await;
    let (variable, query) = seed(&server).await;
    let garbage: [&[u8]; 7] = [
        b"",
        b"null",
        b"[]",
        b"\"text\"",
        b"{\"inputs\": []}",
        b"{\"name\": {}}",
        b"12",
    ];
    for op in operations(&variable, &query) {
        for body in garbage {
            let answer = server
                .raw(op.method, &op.path, Some(ADMIN), Some(body.to_vec()))
                .await;
            assert!(
                answer.status < 500,
                "{} with {:?}: {}",
                op.name,
                body,
                answer.status
            );
        }
        let odd = op.path.replace("/1/", "/999999999999999999999/");
        assert!(
            server.raw(op.method, &odd, Some(ADMIN), None).await.status < 500,
            "{}",
            op.name
        );
    }
}
