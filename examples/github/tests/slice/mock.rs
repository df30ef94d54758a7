//! The generated client against wiremock standing in for api.github.com: what goes on the wire (defaults left to
//! the server, `null` versus absent, a number title as a number) and how GitHub's answers decode (its error bodies,
//! an association value this crate does not know, the deprecated single `assignee`).

use crate::common::{client, example};
use github_slice::client::{ApiErrorBody, Error};
use github_slice::models::{AuthorAssociation, Issue, IssueStateFilter, StringOrInteger};
use github_slice::rt::serde_json::{self, json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn github_answering(verb: &str, route: &str, answer: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

/// The query string and JSON body (`Null` when there is none) of the one request `server` received.
async fn sent(server: &MockServer) -> (String, Value) {
    let requests = server.received_requests().await.expect("recording is on");
    let [request] = &requests[..] else {
        panic!("{} requests", requests.len())
    };
    let query = request.url.query().unwrap_or_default().to_owned();
    let body = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body).unwrap()
    };
    (query, body)
}

#[tokio::test]
async fn query_defaults_are_left_to_the_server_and_set_values_are_sent() {
    let server = github_answering(
        "GET",
        "/repos/octocat/Hello-World/issues",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    let github = client(&server.uri(), Some("t"));
    github
        .issues()
        .list("octocat", "Hello-World")
        .send()
        .await
        .expect("an empty list");
    // `state=open`, `sort=created`, `per_page=30`... are GitHub's to fill in.
    assert_eq!(sent(&server).await.0, "");

    let server = github_answering(
        "GET",
        "/repos/octocat/Hello-World/issues",
        ResponseTemplate::new(200).set_body_json(json!([])),
    )
    .await;
    let github = client(&server.uri(), Some("t"));
    github
        .issues()
        .list("octocat", "Hello-World")
        .state(IssueStateFilter::All)
        .per_page(100)
        .send()
        .await
        .unwrap();
    assert_eq!(sent(&server).await.0, "state=all&per_page=100");
}

#[tokio::test]
async fn bodies_carry_the_union_forms_and_null_apart_from_absent() {
    let issue = example("issue.yaml");
    let server = github_answering(
        "POST",
        "/repos/octocat/Hello-World/issues",
        ResponseTemplate::new(201).set_body_json(&issue),
    )
    .await;
    let github = client(&server.uri(), Some("t"));
    let created = github
        .issues()
        .create("octocat", "Hello-World")
        .title(StringOrInteger::Number(7))
        .milestone_null()
        .send()
        .await
        .expect("created");
    assert_eq!(created.number, 1347);
    assert_eq!(
        sent(&server).await.1,
        json!({"title": 7, "milestone": null})
    );

    let server = github_answering(
        "PATCH",
        "/repos/octocat/Hello-World/issues/1347",
        ResponseTemplate::new(200).set_body_json(&issue),
    )
    .await;
    let github = client(&server.uri(), Some("t"));
    github
        .issues()
        .update("octocat", "Hello-World", 1347)
        .title(StringOrInteger::Text("New".into()))
        .state_reason_null()
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent(&server).await.1,
        json!({"title": "New", "state_reason": null})
    );

    let server = github_answering(
        "PUT",
        "/repos/octocat/Hello-World/issues/1347/lock",
        ResponseTemplate::new(204),
    )
    .await;
    let github = client(&server.uri(), Some("t"));
    github
        .issues()
        .lock("octocat", "Hello-World", 1347)
        .send()
        .await
        .expect("locked");
    assert_eq!(
        sent(&server).await.1,
        json!({}),
        "no reason: an empty object"
    );
}

#[tokio::test]
async fn githubs_error_bodies_decode_into_its_two_models() {
    let validation = json!({
        "message": "Validation Failed",
        "errors": [{"resource": "Issue", "code": "missing_field", "field": "title"}],
        "documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
        "status": "422"
    });
    let server = github_answering(
        "POST",
        "/repos/o/r/issues",
        ResponseTemplate::new(422).set_body_json(&validation),
    )
    .await;
    let answer = client(&server.uri(), Some("t"))
        .issues()
        .create("o", "r")
        .title(StringOrInteger::Text(String::new()))
        .send()
        .await;
    match answer {
        Err(Error::Api(e)) => match e.body {
            ApiErrorBody::ValidationError(body) => {
                assert_eq!(e.status, 422);
                assert_eq!(body.errors[0].code, "missing_field");
                assert_eq!(body.errors[0].resource.as_deref(), Some("Issue"));
            }
            other => panic!("not a ValidationError: {other:?}"),
        },
        other => panic!("{other:?}"),
    }

    // A 404 has no `errors`: it is GitHub's basic error, not a validation failure.
    let not_found = json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue", "status": "404"});
    let server = github_answering(
        "GET",
        "/repos/o/r/issues/5",
        ResponseTemplate::new(404).set_body_json(&not_found),
    )
    .await;
    let (status, body) = crate::common::basic_error(
        client(&server.uri(), Some("t"))
            .issues()
            .get("o", "r", 5)
            .send()
            .await,
    );
    assert_eq!((status, body.status.as_deref()), (404, Some("404")));
}

#[tokio::test]
async fn an_unknown_association_is_kept_and_the_deprecated_assignee_still_decodes() {
    let mut issue = example("issue.yaml");
    issue["author_association"] = json!("SPONSOR");
    let server = github_answering(
        "GET",
        "/repos/o/r/issues/1347",
        ResponseTemplate::new(200).set_body_json(&issue),
    )
    .await;
    let got: Issue = client(&server.uri(), Some("t"))
        .issues()
        .get("o", "r", 1347)
        .send()
        .await
        .expect("decoded");
    assert_eq!(
        got.author_association,
        Some(AuthorAssociation::Unknown("SPONSOR".into()))
    );
    assert_eq!(serde_json::to_value(&got).unwrap(), issue, "kept as sent");
    // Reading the deprecated field is allowed (with a warning the allow quiets): GitHub sends it until 2026-03-10.
    #[allow(deprecated)]
    let assignee = got.assignee.map(|a| a.login);
    assert_eq!(assignee.as_deref(), Some("octocat"));
}
