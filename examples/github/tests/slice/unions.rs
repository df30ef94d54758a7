//! Every union of the GitHub slice (all untagged: GitHub's unions are tried in order): each variant round-trips, a
//! value fitting none fails to decode naming every variant tried, and the generated server refuses such a body
//! with GitHub's 422 naming the field, never a 500.

use crate::common::{round_trip, start};
use github_slice::models::{
    AddLabels, AddLabelsObject, AddLabelsObjectLabelsItem, IssueLabelObject, IssueLabelsItem,
    IssueUpdateAssignee, IssueUpdateAssigneesItem, LabelName, LabelRef, SetLabels, SetLabelsNames,
    SetLabelsObjects, StringOrInteger, ValidationError, ValidationErrorDetailValue,
};
use github_slice::rt::reqwest;
use github_slice::rt::serde_json::{self, json, Value};
use github_slice::Nullable;
use slice_testkit::{refused, variant};

#[test]
fn a_title_or_milestone_is_a_string_or_an_integer() {
    variant(
        json!("Found a bug"),
        StringOrInteger::Text("Found a bug".into()),
    );
    variant(json!(42), StringOrInteger::Number(42));
    let error = refused::<StringOrInteger>(json!(true), &["Text", "Number"]);
    assert!(
        error.starts_with("StringOrInteger matches none of its variants"),
        "{error}"
    );
    refused::<StringOrInteger>(json!(1.5), &["Text", "Number"]);
}

#[test]
fn an_issue_label_is_a_name_or_an_object() {
    variant(json!("bug"), IssueLabelsItem::Name("bug".into()));
    let object = IssueLabelObject {
        id: Some(208045946),
        node_id: None,
        url: None,
        name: Some("bug".into()),
        description: Nullable::Null,
        color: Nullable::Value("f29513".into()),
        default: Some(true),
    };
    variant(
        json!({"id": 208045946, "name": "bug", "description": null, "color": "f29513", "default": true}),
        IssueLabelsItem::Object(object),
    );
    refused::<IssueLabelsItem>(json!(7), &["Name", "Object"]);
}

#[test]
fn the_add_labels_body_takes_each_of_its_three_forms() {
    let object = AddLabelsObject {
        labels: vec![
            AddLabelsObjectLabelsItem::Name("bug".into()),
            AddLabelsObjectLabelsItem::Object(LabelName {
                name: "triage".into(),
                rationale: Some("looks like one".into()),
                suggest: Some(true),
                confidence: None,
            }),
        ],
    };
    variant(
        json!({"labels": ["bug", {"name": "triage", "rationale": "looks like one", "suggest": true}]}),
        AddLabels::Object(object),
    );
    variant(
        json!(["bug", "ui"]),
        AddLabels::Names(vec!["bug".into(), "ui".into()]),
    );
    let named = LabelName {
        name: "bug".into(),
        rationale: None,
        suggest: None,
        confidence: None,
    };
    variant(json!([{"name": "bug"}]), AddLabels::Objects(vec![named]));
    refused::<AddLabels>(json!("bug"), &["Object", "Names", "Objects"]);
}

#[test]
fn the_set_labels_body_takes_each_of_its_five_forms() {
    let names = || vec!["bug".to_owned(), "ui".to_owned()];
    let refs = || vec![LabelRef { name: "bug".into() }];
    variant(
        json!({"labels": ["bug", "ui"]}),
        SetLabels::NamesObject(SetLabelsNames { labels: names() }),
    );
    variant(json!(["bug", "ui"]), SetLabels::Names(names()));
    variant(
        json!({"labels": [{"name": "bug"}]}),
        SetLabels::ObjectsObject(SetLabelsObjects { labels: refs() }),
    );
    variant(json!([{"name": "bug"}]), SetLabels::Objects(refs()));
    variant(json!("bug"), SetLabels::Name("bug".into()));
    refused::<SetLabels>(
        json!(3),
        &["NamesObject", "Names", "ObjectsObject", "Objects", "Name"],
    );
}

#[test]
fn an_assignee_of_an_update_is_a_login_or_an_object() {
    variant(
        json!("octocat"),
        IssueUpdateAssigneesItem::Login("octocat".into()),
    );
    variant(
        json!({"login": "hubot"}),
        IssueUpdateAssigneesItem::Object(IssueUpdateAssignee {
            login: Some("hubot".into()),
        }),
    );
}

#[test]
fn a_validation_error_value_is_a_string_an_integer_or_strings() {
    let body = json!({
        "message": "Validation Failed",
        "documentation_url": "https://docs.github.com/rest",
        "errors": [
            {"resource": "Issue", "field": "title", "code": "invalid", "value": "x"},
            {"resource": "Issue", "field": "milestone", "code": "invalid", "value": 12},
            {"resource": "Issue", "field": "labels", "code": "invalid", "value": ["a", "b"]},
            {"resource": "Issue", "field": "type", "code": "invalid", "value": null}
        ]
    });
    let error: ValidationError = round_trip(&body);
    let values: Vec<_> = error.errors.iter().map(|e| e.value.clone()).collect();
    assert_eq!(
        values,
        [
            Nullable::Value(ValidationErrorDetailValue::String("x".into())),
            Nullable::Value(ValidationErrorDetailValue::Integer(12)),
            Nullable::Value(ValidationErrorDetailValue::StringList(vec![
                "a".into(),
                "b".into()
            ])),
            Nullable::Null,
        ]
    );
}

/// Sends `body` to `path` of the demo repository with the writer's token, as raw JSON the typed client would not
/// send; answers the status and the JSON body.
async fn raw(method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
    let base = start().await;
    let answer = reqwest::Client::new()
        .request(method, format!("{base}/repos/octocat/Hello-World{path}"))
        .bearer_auth("octocat-token")
        .json(&body)
        .send()
        .await
        .expect("the fake answers");
    let status = answer.status().as_u16();
    (status, answer.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn the_server_refuses_a_title_of_no_variant_with_the_422_naming_it() {
    let (status, body) = raw(reqwest::Method::POST, "/issues", json!({"title": true})).await;
    assert_eq!(status, 422, "{body}");
    let error: ValidationError = serde_json::from_value(body.clone()).expect("GitHub's 422 body");
    assert_eq!(error.message, "Validation Failed");
    assert_eq!(
        error.errors[0].field,
        Nullable::Value("title".into()),
        "{body}"
    );
}

#[tokio::test]
async fn the_server_refuses_label_bodies_of_no_form() {
    for body in [json!(3), json!({"labels": []}), json!([1, 2])] {
        let (status, answer) =
            raw(reqwest::Method::POST, "/issues/1347/labels", body.clone()).await;
        assert_eq!(status, 422, "{body} → {answer}");
        let error: ValidationError = serde_json::from_value(answer).expect("GitHub's 422 body");
        // The error is about the body as a whole, so `field` is null (which is why the spec makes it nullable), and
        // the message says why each of the three forms failed.
        let detail = &error.errors[0];
        assert_eq!(detail.field, Nullable::Null, "{detail:?}");
        let message = detail.message.clone().unwrap_or_default();
        for form in ["Object (", "Names (", "Objects ("] {
            assert!(message.contains(form), "{message}");
        }
    }
}
