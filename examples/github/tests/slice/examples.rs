//! GitHub's own example bodies (tests/data, copied from its OpenAPI description) decode into the generated models
//! and encode back to the same JSON.

use crate::common::{example, round_trip};
use github_slice::models::{
    AddLabels, AddLabelsObjectLabelsItem, AuthorAssociation, Issue, IssueCreate,
    IssueCreateLabelsItem, IssueLabelsItem, IssueState, IssueUpdate, IssuesLockBody, Label,
    LockReason, SetLabels, StateReason, StringOrInteger,
};
use github_slice::Nullable;

#[test]
fn the_issue_example_round_trips_with_its_label_objects() {
    let issue: Issue = round_trip(&example("issue.yaml"));
    assert_eq!((issue.number, issue.state), (1347, IssueState::Open));
    assert_eq!(issue.state_reason, Nullable::Value(StateReason::Completed));
    assert!(
        matches!(&issue.labels[..], [IssueLabelsItem::Object(l)] if l.name.as_deref() == Some("bug"))
    );
    assert_eq!(
        issue.author_association,
        Some(AuthorAssociation::Collaborator)
    );
    // `pinned_comment: null` and `closed_at: null` are kept as null, not dropped.
    assert_eq!(
        (issue.pinned_comment, issue.closed_at),
        (Nullable::Null, None)
    );
    assert_eq!(issue.milestone.map(|m| m.closed_issues), Some(8));
    #[allow(deprecated)]
    let assignee = issue.assignee.map(|a| a.login);
    assert_eq!(assignee.as_deref(), Some("octocat"));
}

#[test]
fn the_issue_list_example_round_trips() {
    let issues: Vec<Issue> = round_trip(&example("issue-items.yaml"));
    assert_eq!(issues.len(), 1);
    assert!(
        issues[0].pull_request.is_some(),
        "the example issue is a pull request"
    );
}

#[test]
fn the_label_examples_round_trip() {
    let labels: Vec<Label> = round_trip(&example("label-items.yaml"));
    let names: Vec<_> = labels
        .iter()
        .map(|l| (l.name.as_str(), l.default))
        .collect();
    assert_eq!(names, [("bug", true), ("enhancement", false)]);
    let remaining: Vec<Label> = round_trip(&example("label-items-2.yaml"));
    assert_eq!(remaining, labels[..1]);
}

#[test]
fn the_request_examples_round_trip_into_the_body_models() {
    let create: IssueCreate = round_trip(&example("issues-create-request.yaml"));
    assert_eq!(
        create.title,
        StringOrInteger::Text("Found a bug".to_owned())
    );
    // A milestone is sent by number here; the union keeps it a number.
    assert_eq!(
        create.milestone,
        Nullable::Value(StringOrInteger::Number(1))
    );
    assert_eq!(
        create.labels,
        Some(vec![IssueCreateLabelsItem::Name("bug".to_owned())])
    );

    let update: IssueUpdate = round_trip(&example("issues-update-request.yaml"));
    assert_eq!(update.state, Some(IssueState::Open));
    assert_eq!(
        update.body,
        Nullable::Value("I'm having a problem with this.".to_owned())
    );

    // The same `{labels: [...]}` is the first form of both label bodies.
    let add: AddLabels = round_trip(&example("labels-request.yaml"));
    let AddLabels::Object(object) = add else {
        panic!("not the object form: {add:?}")
    };
    assert_eq!(
        object.labels[1],
        AddLabelsObjectLabelsItem::Name("enhancement".to_owned())
    );
    let set: SetLabels = round_trip(&example("labels-request.yaml"));
    assert!(
        matches!(set, SetLabels::NamesObject(ref o) if o.labels == ["bug", "enhancement"]),
        "{set:?}"
    );

    let lock: IssuesLockBody = round_trip(&example("issues-lock-request.yaml"));
    assert_eq!(lock.lock_reason, Some(LockReason::OffTopic));
}
