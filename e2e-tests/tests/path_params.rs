//! Path parameters reach the server intact: a project id with `/`, `..`, `?`, `#`, `%` or non-ASCII characters
//! is one segment, so the server answers the operation that was called (`403` naming its scope for a key without
//! it, `404` for the unknown project with the `*` key), never another route or project.

mod common;

use common::*;
use posthog_data_warehouse::client::Error;

/// Each would reach project 1, another operation or another route if it were not encoded as one segment.
const TRICKY: &[&str] = &[
    "1/",
    "1/insight_variables",
    "1?page=2",
    "1#top",
    "%31",
    "1%2F",
    "../1",
    "1/..",
    "./1",
    "..%2F1",
    "1/../1",
    "@current/..",
    "1;x",
    "1\\",
    " 1",
    "１",
    "é",
    "🦀",
];

#[tokio::test]
async fn tricky_project_ids_stay_one_segment() {
    let server = start().await;
    let ids = seed(&server).await;
    let admin = server.admin();
    let useless = server.client(Some(USELESS));
    // The control: project 1 by number has the seeded variable.
    assert_eq!(
        admin
            .insight_variables()
            .list("1")
            .send()
            .await
            .unwrap()
            .count,
        1
    );

    for &project in TRICKY {
        let list = admin.insight_variables().list(project).send().await;
        assert_eq!(error_response(list), (404, not_found()), "list {project:?}");
        let retrieve = admin
            .insight_variables()
            .retrieve(project, ids.variable)
            .send()
            .await;
        assert_eq!(
            error_response(retrieve),
            (404, not_found()),
            "retrieve {project:?}"
        );
        let destroy = admin
            .insight_variables()
            .destroy(project, ids.variable)
            .send()
            .await;
        assert_eq!(
            error_response(destroy),
            (404, not_found()),
            "destroy {project:?}"
        );

        // An unknown route would be a 404 before authentication: a 403 naming the scope proves the route matched.
        for (result, scope) in [
            (
                useless
                    .insight_variables()
                    .list(project)
                    .send()
                    .await
                    .map(drop),
                "insight_variable:read",
            ),
            (
                useless
                    .insight_variables()
                    .destroy(project, ids.variable)
                    .send()
                    .await,
                "insight_variable:write",
            ),
            (
                useless
                    .external_data_sources()
                    .wizard(project)
                    .send()
                    .await
                    .map(drop),
                "external_data_source:read",
            ),
        ] {
            let (status, body) = error_response(result);
            assert_eq!(status, 403, "{project:?}");
            assert_eq!(
                body.detail,
                format!("API key missing required scope '{scope}'"),
                "{project:?}"
            );
        }
    }
    // None of the destroys above reached the variable.
    admin
        .insight_variables()
        .retrieve("1", ids.variable)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn segments_no_url_can_carry_are_refused_before_sending() {
    let server = start().await;
    let admin = server.admin();
    for project in [".", "..", ""] {
        match admin.insight_variables().list(project).send().await {
            Err(Error::InvalidRequest { operation, message }) => {
                assert_eq!(operation, "insight_variables.list");
                assert!(message.contains("project_id"), "{message}");
            }
            other => panic!("{project:?}: expected InvalidRequest, got {other:?}"),
        }
    }
}
