//! Authentication and scopes on every operation: 401 without or with an unknown key, 403 naming the missing scope,
//! `*` granting everything and `:write` granting the matching `:read`. Bodies are compared exactly.

mod common;

use common::*;
use serde_json::json;

fn unauthenticated() -> serde_json::Value {
    json!({"type": "authentication_error", "code": "not_authenticated", "detail": "Authentication credentials were not provided.", "attr": null})
}

fn invalid_key() -> serde_json::Value {
    json!({"type": "authentication_error", "code": "authentication_failed", "detail": "Personal API key found in request Authorization header is invalid.", "attr": null})
}

fn missing(scope: &str) -> serde_json::Value {
    json!({"type": "authentication_error", "code": "permission_denied", "detail": format!("API key missing required scope '{scope}'"), "attr": null})
}

fn body_of(op: &Operation) -> Option<Vec<u8>> {
    op.body.as_ref().map(|b| serde_json::to_vec(b).unwrap())
}

#[tokio::test]
async fn every_operation_refuses_missing_and_unknown_keys() {
    let server = start().await;
    let (variable, query) = seed(&server).await;
    let ops = operations(&variable, &query);
    assert_eq!(ops.len(), 18);
    for op in &ops {
        let none = server.raw(op.method, &op.path, None, body_of(op)).await;
        assert_eq!(
            (none.status, &none.json),
            (401, &unauthenticated()),
            "{}",
            op.name
        );
        assert_eq!(none.headers["www-authenticate"], "Bearer", "{}", op.name);
        let unknown = server
            .raw(op.method, &op.path, Some("not-a-key"), body_of(op))
            .await;
        assert_eq!(
            (unknown.status, &unknown.json),
            (401, &invalid_key()),
            "{}",
            op.name
        );
    }
}

#[tokio::test]
async fn every_operation_names_the_missing_scope() {
    let server = start().await;
    let (variable, query) = seed(&server).await;
    for op in operations(&variable, &query) {
        let answer = server
            .raw(op.method, &op.path, Some(NO_SCOPES), body_of(&op))
            .await;
        assert_eq!(
            (answer.status, &answer.json),
            (403, &missing(op.scope)),
            "{}",
            op.name
        );
        if op.scope.ends_with(":write") {
            let reader = server
                .raw(op.method, &op.path, Some(READER), body_of(&op))
                .await;
            assert_eq!(
                (reader.status, &reader.json),
                (403, &missing(op.scope)),
                "{}",
                op.name
            );
        }
    }
}

#[tokio::test]
async fn the_wildcard_scope_grants_every_operation() {
    let server = start().await;
    let (variable, query) = seed(&server).await;
    for op in operations(&variable, &query) {
        let answer = server
            .raw(op.method, &op.path, Some(ADMIN), body_of(&op))
            .await;
        assert_eq!(answer.status, op.status, "{}: {}", op.name, answer.text);
    }
}

#[tokio::test]
async fn write_scopes_grant_the_matching_reads() {
    let server = start().await;
    let (variable, query) = seed(&server).await;
    for op in operations(&variable, &query) {
        let answer = server
            .raw(op.method, &op.path, Some(WRITER), body_of(&op))
            .await;
        assert_eq!(answer.status, op.status, "{}: {}", op.name, answer.text);
        if op.scope.ends_with(":read") {
            let reader = server.raw(op.method, &op.path, Some(READER), None).await;
            assert_eq!(reader.status, 200, "{}: {}", op.name, reader.text);
        }
    }
}

#[tokio::test]
async fn credentials_are_checked_before_the_body() {
    let server = start().await;
    let path = "/api/projects/1/insight_variables/";
    let malformed = Some(b"{not json".to_vec());
    assert_eq!(
        server
            .raw("POST", path, None, malformed.clone())
            .await
            .status,
        401
    );
    assert_eq!(
        server
            .raw("POST", path, Some(READER), malformed.clone())
            .await
            .status,
        403
    );
    assert_eq!(
        server
            .raw("POST", path, Some(WRITER), malformed)
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn only_bearer_credentials_count() {
    let server = start().await;
    let response = reqwest::Client::new()
        .get(format!("{}/api/projects/1/insight_variables/", server.base))
        .header("authorization", format!("Basic {ADMIN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body, unauthenticated());
}
