//! The generated client calling every operation of the slice against the in-memory GitHub on 127.0.0.1, with the
//! answers github.com gives: defaults the server fills in, the label forms, 401/403/404/410/422.

use crate::common::{basic_error, client, start, validation_error};
use github_example::DELETED_ISSUE;
use github_slice::models::{
    AddLabels, IssueCreateLabelsItem, IssueLabelsItem, IssueState, IssueStateFilter,
    IssueUpdateLabelsItem, LabelName, LabelRef, LockReason, SetLabels, SetLabelsObjects,
    StateReason, StringOrInteger,
};
use github_slice::Nullable;

const OWNER: &str = "octocat";
const REPO: &str = "Hello-World";

fn label_names(labels: &[github_slice::models::Label]) -> Vec<&str> {
    labels.iter().map(|l| l.name.as_str()).collect()
}

#[tokio::test]
async fn issues_are_created_listed_read_updated_locked_and_unlocked() {
    let base = start().await;
    let github = client(&base, Some("octocat-token"));
    let issues = github.issues();

    // A title may be a number: GitHub takes it as text. Unknown labels are created in the repository.
    let created = issues
        .create(OWNER, REPO)
        .title(StringOrInteger::Number(2024))
        .body_field("Seen on @hubot's machine.")
        .labels(vec![
            IssueCreateLabelsItem::Name("bug".into()),
            IssueCreateLabelsItem::Name("triage".into()),
        ])
        .assignees(vec!["hubot".to_owned()])
        .send()
        .await
        .expect("created");
    assert_eq!((created.number, created.title.as_str()), (1348, "2024"));
    assert_eq!(
        created.user.as_ref().map(|u| u.login.as_str()),
        Some("octocat")
    );
    let names: Vec<_> = created
        .labels
        .iter()
        .filter_map(|l| match l {
            IssueLabelsItem::Object(o) => o.name.as_deref(),
            IssueLabelsItem::Name(n) => Some(n),
        })
        .collect();
    assert_eq!(names, ["bug", "triage"]);
    #[allow(deprecated)]
    let first = created.assignee.as_ref().map(|a| a.login.clone());
    assert_eq!(
        first.as_deref(),
        Some("hubot"),
        "GitHub still fills the deprecated single assignee"
    );

    // Owner and repository names are not case sensitive.
    let read = issues
        .get("OCTOCAT", "hello-world", 1348)
        .send()
        .await
        .expect("read");
    assert_eq!(read, created);

    // Closing sets the reason, the time and who closed it; the list shows open issues unless asked.
    let closed = issues
        .update(OWNER, REPO, 1348)
        .state(IssueState::Closed)
        .labels(vec![IssueUpdateLabelsItem::Name("wontfix".into())])
        .send()
        .await
        .expect("closed");
    assert_eq!(closed.state_reason, Nullable::Value(StateReason::Completed));
    assert!(closed.closed_at.is_some());
    assert_eq!(
        closed.closed_by.clone().value().map(|u| u.login).as_deref(),
        Some("octocat")
    );
    let open = issues.list(OWNER, REPO).send().await.expect("listed");
    assert_eq!(open.iter().map(|i| i.number).collect::<Vec<_>>(), [1347]);
    let all = issues
        .list(OWNER, REPO)
        .state(IssueStateFilter::All)
        .send()
        .await
        .expect("listed");
    assert_eq!(
        all.iter().map(|i| i.number).collect::<Vec<_>>(),
        [1348, 1347],
        "newest first by default"
    );
    let labelled = issues
        .list(OWNER, REPO)
        .state(IssueStateFilter::All)
        .labels("wontfix")
        .send()
        .await
        .unwrap();
    assert_eq!(labelled.len(), 1);
    let mentioned = issues
        .list(OWNER, REPO)
        .state(IssueStateFilter::Closed)
        .mentioned("hubot")
        .send()
        .await
        .unwrap();
    assert_eq!(mentioned.len(), 1);
    let paged = issues
        .list(OWNER, REPO)
        .state(IssueStateFilter::All)
        .per_page(1)
        .page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(paged.iter().map(|i| i.number).collect::<Vec<_>>(), [1347]);

    // Reopening: `state_reason` is `reopened`, `closed_by` cleared; null clears the body.
    let reopened = issues
        .update(OWNER, REPO, 1348)
        .state(IssueState::Open)
        .body_field_null()
        .send()
        .await
        .expect("reopened");
    assert_eq!(
        reopened.state_reason,
        Nullable::Value(StateReason::Reopened)
    );
    assert_eq!(
        (reopened.closed_by, reopened.body),
        (Nullable::Null, Nullable::Null)
    );

    issues
        .lock(OWNER, REPO, 1348)
        .lock_reason(LockReason::TooHeated)
        .send()
        .await
        .expect("locked");
    let locked = issues.get(OWNER, REPO, 1348).send().await.unwrap();
    assert_eq!(
        (locked.locked, locked.active_lock_reason),
        (true, Nullable::Value("too heated".to_owned()))
    );
    // The lock body is optional: GitHub locks without a reason too.
    issues
        .lock(OWNER, REPO, 1347)
        .send()
        .await
        .expect("locked without a reason");
    issues
        .unlock(OWNER, REPO, 1348)
        .send()
        .await
        .expect("unlocked");
    assert!(!issues.get(OWNER, REPO, 1348).send().await.unwrap().locked);
}

#[tokio::test]
async fn labels_are_listed_added_set_and_removed_in_every_body_form() {
    let base = start().await;
    let github = client(&base, Some("octocat-token"));
    let labels = github.labels();

    let seeded = labels.list(OWNER, REPO, 1347).send().await.expect("listed");
    assert_eq!(label_names(&seeded), ["bug"]);

    let added = labels
        .add(
            OWNER,
            REPO,
            1347,
            AddLabels::Names(vec!["enhancement".into()]),
        )
        .send()
        .await
        .expect("added");
    assert_eq!(label_names(&added), ["bug", "enhancement"]);
    let object = LabelName {
        name: "bug :bug:".into(),
        rationale: None,
        suggest: None,
        confidence: None,
    };
    let added = labels
        .add(OWNER, REPO, 1347, AddLabels::Objects(vec![object]))
        .send()
        .await
        .unwrap();
    assert_eq!(label_names(&added), ["bug", "enhancement", "bug :bug:"]);
    let page = labels
        .list(OWNER, REPO, 1347)
        .per_page(2)
        .page(2)
        .send()
        .await
        .unwrap();
    assert_eq!(label_names(&page), ["bug :bug:"]);

    // A label name with spaces and colons travels as one percent-encoded path segment.
    let left = labels
        .remove(OWNER, REPO, 1347, "bug :bug:")
        .send()
        .await
        .expect("removed");
    assert_eq!(label_names(&left), ["bug", "enhancement"]);
    let (status, body) = basic_error(labels.remove(OWNER, REPO, 1347, "bug :bug:").send().await);
    assert_eq!(
        (status, body.message.as_deref()),
        (404, Some("Label does not exist"))
    );

    let set = labels
        .set(OWNER, REPO, 1347, SetLabels::Name("triage".into()))
        .send()
        .await
        .expect("set");
    assert_eq!(label_names(&set), ["triage"]);
    let refs = SetLabelsObjects {
        labels: vec![
            LabelRef { name: "bug".into() },
            LabelRef {
                name: "enhancement".into(),
            },
        ],
    };
    let set = labels
        .set(OWNER, REPO, 1347, SetLabels::ObjectsObject(refs))
        .send()
        .await
        .unwrap();
    assert_eq!(label_names(&set), ["bug", "enhancement"]);

    labels
        .remove_all(OWNER, REPO, 1347)
        .send()
        .await
        .expect("all removed");
    assert!(labels
        .list(OWNER, REPO, 1347)
        .send()
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn unknown_deleted_and_malformed_issues_answer_like_github() {
    let base = start().await;
    let github = client(&base, Some("octocat-token"));
    let (status, body) = basic_error(github.issues().get(OWNER, REPO, 999).send().await);
    assert_eq!((status, body.message.as_deref()), (404, Some("Not Found")));
    let (status, _) = basic_error(github.issues().get(OWNER, REPO, DELETED_ISSUE).send().await);
    assert_eq!(status, 410);
    let (status, _) = basic_error(
        github
            .labels()
            .list(OWNER, REPO, DELETED_ISSUE)
            .send()
            .await,
    );
    assert_eq!(status, 410);
    let (status, _) = basic_error(github.issues().list("octocat", "no-such-repo").send().await);
    assert_eq!(status, 404);
    // An issue number that is not a number finds nothing (`errors.malformed_path: not_found`).
    let answer = github_slice::rt::reqwest::Client::new()
        .get(format!("{base}/repos/{OWNER}/{REPO}/issues/first"))
        .bearer_auth("octocat-token")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
}

#[tokio::test]
async fn tokens_need_the_issues_permission_and_write_includes_read() {
    let base = start().await;
    let (status, body) = basic_error(client(&base, None).issues().list(OWNER, REPO).send().await);
    assert_eq!(
        (status, body.message.as_deref()),
        (401, Some("Requires authentication"))
    );
    let (status, body) = basic_error(
        client(&base, Some("stolen"))
            .issues()
            .list(OWNER, REPO)
            .send()
            .await,
    );
    assert_eq!(
        (status, body.message.as_deref()),
        (401, Some("Bad credentials"))
    );

    let reader = client(&base, Some("hubot-token"));
    assert_eq!(
        reader
            .issues()
            .list(OWNER, REPO)
            .send()
            .await
            .unwrap()
            .len(),
        1
    );
    let (status, body) = basic_error(
        reader
            .issues()
            .create(OWNER, REPO)
            .title(StringOrInteger::Text("x".into()))
            .send()
            .await,
    );
    assert_eq!(
        (status, body.message.as_deref()),
        (
            403,
            Some("Resource not accessible by personal access token")
        )
    );
    let (status, _) = basic_error(
        client(&base, Some("nobody-token"))
            .labels()
            .list(OWNER, REPO, 1347)
            .send()
            .await,
    );
    assert_eq!(status, 403);
    // `issues:write` implies `issues:read`.
    assert!(client(&base, Some("octocat-token"))
        .labels()
        .list(OWNER, REPO, 1347)
        .send()
        .await
        .is_ok());
}

#[tokio::test]
async fn a_blank_title_is_githubs_validation_failure_naming_the_field() {
    let base = start().await;
    let github = client(&base, Some("octocat-token"));
    let answer = github
        .issues()
        .create(OWNER, REPO)
        .title(StringOrInteger::Text("  ".into()))
        .send()
        .await;
    let (status, body) = validation_error(answer);
    assert_eq!((status, body.message.as_str()), (422, "Validation Failed"));
    assert_eq!(body.errors[0].field, Nullable::Value("title".into()));
    assert_eq!(body.errors[0].code, "missing_field");
    // Past the maximum of `per_page`: github.com clamps it to 100 rather than refusing it, and so does the fake.
    let issues = github.issues().list(OWNER, REPO).per_page(101).send().await;
    assert_eq!(issues.expect("a clamped page").len(), 1);
}
