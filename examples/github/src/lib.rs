//! The GitHub slice end to end: an in-memory GitHub on the server stubs generated from `spec/examples/github.yaml`
//! (crate `github_slice`, in `api/`), and [`serve`] to run it on a loopback port for the generated client.
//!
//! It behaves like github.com where the slice can tell: issue numbers count up per repository, owner and repository
//! names are not case sensitive, closing sets `closed_at`, `closed_by` and a `state_reason`, labels named in an issue
//! body are created in the repository when missing, a deleted issue answers `410 Gone`, lists come a page at a
//! time with the `Link` header naming the others, a created issue's `Location` is its URL, and every answer carries
//! the token's rate limit in the `X-RateLimit-*` headers (a middleware: the generated server leaves API-wide answer
//! headers to the application).

use github_slice::models::{
    AddLabels, AddLabelsObjectLabelsItem, BasicError, Direction, Issue, IssueCreate,
    IssueCreateLabelsItem, IssueLabelObject, IssueLabelsItem, IssueSort, IssueState,
    IssueStateFilter, IssueUpdate, IssueUpdateAssigneesItem, IssueUpdateLabelsItem, IssuesLockBody,
    Label, SetLabels, SimpleUser, StateReason, StringOrInteger,
};
use github_slice::rt::{axum, chrono};
use github_slice::server::{self, ApiError, Authenticate, Caller, RequestContext};
use github_slice::server::{
    IssuesApi, IssuesCreateCreatedHeaders, IssuesCreateHeaders, IssuesCreateResponse,
    IssuesGetHeaders, IssuesGetResponse, IssuesListHeaders, IssuesListOkHeaders, IssuesListQuery,
    IssuesListResponse, IssuesLockHeaders, IssuesLockResponse, IssuesUnlockHeaders,
    IssuesUnlockResponse, IssuesUpdateHeaders, IssuesUpdateResponse, LabelsAddHeaders,
    LabelsAddResponse, LabelsApi, LabelsListHeaders, LabelsListOkHeaders, LabelsListQuery,
    LabelsListResponse, LabelsRemoveAllHeaders, LabelsRemoveAllResponse, LabelsRemoveHeaders,
    LabelsRemoveResponse, LabelsSetHeaders, LabelsSetResponse,
};
use github_slice::Nullable;
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The tokens of [`GitHub::demo`]: token, its user's login and the permissions it was given.
pub const DEMO_TOKENS: &[(&str, &str, &[&str])] = &[
    ("octocat-token", "octocat", &["issues:write"]),
    ("hubot-token", "hubot", &["issues:read"]),
    ("nobody-token", "other_user", &[]),
];

/// The repository of [`GitHub::demo`], with its seeded labels `bug` and `enhancement` and issue 1347.
pub const DEMO_REPO: (&str, &str) = ("octocat", "Hello-World");

/// An issue number of the demo repository that was deleted: it answers `410 Gone`.
pub const DELETED_ISSUE: i64 = 13;

/// The requests a token may make per hour (`X-RateLimit-Limit`), as for a personal access token.
pub const RATE_LIMIT: i64 = 5000;

/// When this fake's rate-limit window resets (`X-RateLimit-Reset`, Unix seconds): an hour after [`now`].
pub const RATE_LIMIT_RESET: i64 = 1_303_479_228 + 3600;

/// The holder of a token.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    login: String,
    scopes: Vec<String>,
}

impl Caller for TokenHolder {
    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    fn identity(&self) -> Option<String> {
        Some(self.login.clone())
    }
}

/// The in-memory GitHub: every resource trait of the slice.
#[derive(Debug)]
pub struct GitHub {
    tokens: HashMap<String, TokenHolder>,
    // A std mutex: never held across an `.await`, and every critical section is a few map operations.
    repos: Mutex<HashMap<(String, String), Repository>>,
}

/// One repository's issues and label catalog.
#[derive(Debug, Default)]
struct Repository {
    issues: BTreeMap<i64, Issue>,
    labels: Vec<Label>,
    deleted: Vec<i64>,
    next_label_id: i64,
}

/// `https://api.github.com`, as the URLs in GitHub's answers start.
const API: &str = "https://api.github.com";

/// When this GitHub thinks it is: answers name times, and tests must not depend on the clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_303_479_228, 0).unwrap_or_default()
}

/// A user as GitHub renders one (the URL templates included).
pub fn user(login: &str, id: i64) -> SimpleUser {
    let url = format!("{API}/users/{login}");
    SimpleUser {
        name: Nullable::Absent,
        email: Nullable::Absent,
        login: login.to_owned(),
        id,
        node_id: "MDQ6VXNlcjE=".to_owned(),
        avatar_url: format!("https://github.com/images/error/{login}_happy.gif"),
        gravatar_id: Some(String::new()),
        html_url: format!("https://github.com/{login}"),
        followers_url: format!("{url}/followers"),
        following_url: format!("{url}/following{{/other_user}}"),
        gists_url: format!("{url}/gists{{/gist_id}}"),
        starred_url: format!("{url}/starred{{/owner}}{{/repo}}"),
        subscriptions_url: format!("{url}/subscriptions"),
        organizations_url: format!("{url}/orgs"),
        repos_url: format!("{url}/repos"),
        events_url: format!("{url}/events{{/privacy}}"),
        received_events_url: format!("{url}/received_events"),
        url,
        r#type: "User".to_owned(),
        site_admin: false,
        starred_at: None,
        user_view_type: None,
    }
}

fn not_found() -> BasicError {
    BasicError {
        message: Some("Not Found".to_owned()),
        documentation_url: Some("https://docs.github.com/rest".to_owned()),
        url: None,
        status: Some("404".to_owned()),
    }
}

fn gone() -> BasicError {
    BasicError {
        message: Some("This issue was deleted".to_owned()),
        documentation_url: Some("https://docs.github.com/rest".to_owned()),
        url: None,
        status: Some("410".to_owned()),
    }
}

/// The label of `issue` as it stands in an issue: the object with every field of the catalog's label.
fn issue_label(label: &Label) -> IssueLabelsItem {
    IssueLabelsItem::Object(IssueLabelObject {
        id: Some(label.id),
        node_id: Some(label.node_id.clone()),
        url: Some(label.url.clone()),
        name: Some(label.name.clone()),
        description: label.description.clone().into(),
        color: Nullable::Value(label.color.clone()),
        default: Some(label.default),
    })
}

/// The name of a label as an issue holds it.
fn label_name(item: &IssueLabelsItem) -> Option<&str> {
    match item {
        IssueLabelsItem::Name(name) => Some(name),
        IssueLabelsItem::Object(object) => object.name.as_deref(),
    }
}

/// A title, whichever form it was sent in (GitHub takes a number as its text).
fn title_text(title: &StringOrInteger) -> String {
    match title {
        StringOrInteger::Text(text) => text.clone(),
        StringOrInteger::Number(number) => number.to_string(),
    }
}

impl Repository {
    fn seeded(owner: &str, repo: &str) -> Repository {
        let mut repository = Repository {
            next_label_id: 208_045_946,
            ..Repository::default()
        };
        repository.label(
            owner,
            repo,
            "bug",
            Some("Something isn't working"),
            "f29513",
            true,
        );
        repository.label(
            owner,
            repo,
            "enhancement",
            Some("New feature or request"),
            "a2eeef",
            false,
        );
        let mut issue = new_issue(owner, repo, 1347, "Found a bug", user("octocat", 1));
        issue.body = Nullable::Value("I'm having a problem with this.".to_owned());
        issue.labels = vec![issue_label(&repository.labels[0])];
        repository.issues.insert(1347, issue);
        repository.deleted.push(DELETED_ISSUE);
        repository
    }

    /// The catalog's label `name` (compared without case, as GitHub does), created when missing.
    fn label(
        &mut self,
        owner: &str,
        repo: &str,
        name: &str,
        description: Option<&str>,
        color: &str,
        default: bool,
    ) -> Label {
        if let Some(found) = self
            .labels
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(name))
        {
            return found.clone();
        }
        let label = Label {
            id: self.next_label_id,
            node_id: "MDU6TGFiZWwyMDgwNDU5NDY=".to_owned(),
            url: format!("{API}/repos/{owner}/{repo}/labels/{name}"),
            name: name.to_owned(),
            description: description.map(str::to_owned),
            color: color.to_owned(),
            default,
        };
        self.next_label_id += 1;
        self.labels.push(label.clone());
        label
    }

    /// The labels `names` from the catalog (created as GitHub does for an issue body), without repeats.
    fn labels_named(&mut self, owner: &str, repo: &str, names: &[String]) -> Vec<IssueLabelsItem> {
        let mut items: Vec<IssueLabelsItem> = Vec::new();
        for name in names {
            let label = self.label(owner, repo, name, None, "ededed", false);
            if !items
                .iter()
                .any(|i| label_name(i) == Some(label.name.as_str()))
            {
                items.push(issue_label(&label));
            }
        }
        items
    }

    /// The full labels of an issue, for the label operations' answers.
    fn labels_of(&self, issue: &Issue) -> Vec<Label> {
        issue
            .labels
            .iter()
            .filter_map(label_name)
            .filter_map(|name| self.labels.iter().find(|l| l.name == name).cloned())
            .collect()
    }
}

/// A new open issue numbered `number`, with the URLs GitHub gives it.
fn new_issue(owner: &str, repo: &str, number: i64, title: &str, author: SimpleUser) -> Issue {
    let repository_url = format!("{API}/repos/{owner}/{repo}");
    let url = format!("{repository_url}/issues/{number}");
    // The fake fills `assignee` because GitHub still sends it (until API version 2026-03-10).
    #[allow(deprecated)]
    Issue {
        id: number,
        node_id: "MDU6SXNzdWUx".to_owned(),
        labels_url: format!("{url}/labels{{/name}}"),
        comments_url: format!("{url}/comments"),
        events_url: format!("{url}/events"),
        html_url: format!("https://github.com/{owner}/{repo}/issues/{number}"),
        url,
        repository_url,
        number,
        state: IssueState::Open,
        state_reason: Nullable::Null,
        title: title.to_owned(),
        body: Nullable::Null,
        user: Some(author),
        labels: Vec::new(),
        assignee: None,
        assignees: Some(Vec::new()),
        milestone: None,
        locked: false,
        active_lock_reason: Nullable::Null,
        comments: 0,
        pull_request: None,
        closed_at: None,
        created_at: now(),
        updated_at: now(),
        draft: None,
        closed_by: Nullable::Absent,
        body_html: None,
        body_text: None,
        timeline_url: None,
        r#type: Nullable::Absent,
        author_association: None,
        reactions: None,
        sub_issues_summary: None,
        parent_issue_url: Nullable::Absent,
        pinned_comment: Nullable::Absent,
    }
}

/// Whether `issue` passes the list's filters.
fn listed(issue: &Issue, query: &IssuesListQuery) -> bool {
    let state = match query.state {
        IssueStateFilter::Open => issue.state == IssueState::Open,
        IssueStateFilter::Closed => issue.state == IssueState::Closed,
        IssueStateFilter::All => true,
    };
    let logins = || issue.assignees.iter().flatten().map(|u| u.login.as_str());
    let assignee = match query.assignee.as_deref() {
        None => true,
        Some("*") => logins().next().is_some(),
        Some("none") => logins().next().is_none(),
        Some(login) => logins().any(|l| l.eq_ignore_ascii_case(login)),
    };
    let labels = query.labels.as_deref().map_or(true, |wanted| {
        wanted.split(',').filter(|w| !w.is_empty()).all(|w| {
            issue
                .labels
                .iter()
                .filter_map(label_name)
                .any(|n| n.eq_ignore_ascii_case(w))
        })
    });
    let creator = query.creator.as_deref().map_or(true, |c| {
        issue
            .user
            .as_ref()
            .is_some_and(|u| u.login.eq_ignore_ascii_case(c))
    });
    let mentioned = query
        .mentioned
        .as_deref()
        .map_or(true, |m| match &issue.body {
            Nullable::Value(body) => body.contains(&format!("@{m}")),
            _ => false,
        });
    let milestone = match query.milestone.as_deref() {
        None => true,
        Some("*") => issue.milestone.is_some(),
        Some("none") => issue.milestone.is_none(),
        Some(number) => issue
            .milestone
            .as_ref()
            .is_some_and(|m| m.number.to_string() == number),
    };
    let since = query.since.map_or(true, |since| issue.updated_at >= since);
    state && assignee && labels && creator && mentioned && milestone && since
}

impl GitHub {
    /// A GitHub accepting `tokens` (token, login, permissions), with the demo repository seeded.
    pub fn new(tokens: &[(&str, &str, &[&str])]) -> Self {
        let tokens = tokens
            .iter()
            .map(|(token, login, scopes)| {
                let holder = TokenHolder {
                    login: (*login).to_owned(),
                    scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                };
                ((*token).to_owned(), holder)
            })
            .collect();
        let (owner, repo) = DEMO_REPO;
        let mut repos = HashMap::new();
        repos.insert(key(owner, repo), Repository::seeded(owner, repo));
        GitHub {
            tokens,
            repos: Mutex::new(repos),
        }
    }

    /// A GitHub accepting [`DEMO_TOKENS`].
    pub fn demo() -> Self {
        GitHub::new(DEMO_TOKENS)
    }

    /// Runs `f` on the repository `owner/repo`, or answers `None` when there is no such repository.
    fn with_repo<R>(
        &self,
        owner: &str,
        repo: &str,
        f: impl FnOnce(&mut Repository) -> R,
    ) -> Option<R> {
        // Every change is one map operation, so a panic elsewhere cannot leave a repository half-changed.
        let mut repos = self.repos.lock().unwrap_or_else(PoisonError::into_inner);
        repos.get_mut(&key(owner, repo)).map(f)
    }

    /// Runs `f` on issue `number`: `Err` with the answer GitHub gives for an unknown or deleted one.
    fn with_issue<R>(
        &self,
        owner: &str,
        repo: &str,
        number: i64,
        f: impl FnOnce(&mut Repository, &str, &str, i64) -> R,
    ) -> Result<R, Missing> {
        self.with_repo(owner, repo, |repository| {
            if repository.deleted.contains(&number) {
                Err(Missing::Gone)
            } else if repository.issues.contains_key(&number) {
                Ok(f(repository, owner, repo, number))
            } else {
                Err(Missing::NotFound)
            }
        })
        .unwrap_or(Err(Missing::NotFound))
    }

    fn login(ctx: &RequestContext<TokenHolder>) -> &str {
        &ctx.caller().login
    }
}

/// Why an issue could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Missing {
    NotFound,
    Gone,
}

/// Repositories are found without regard to case, as on github.com.
fn key(owner: &str, repo: &str) -> (String, String) {
    (owner.to_ascii_lowercase(), repo.to_ascii_lowercase())
}

/// The login a user id stands for in this fake (ids are stable per login).
fn user_id(login: &str) -> i64 {
    match login {
        "octocat" => 1,
        "hubot" => 2,
        _ => 3,
    }
}

impl Authenticate for GitHub {
    type Caller = TokenHolder;

    async fn authenticate(&self, token: &str) -> Option<TokenHolder> {
        self.tokens.get(token).cloned()
    }
}

impl IssuesApi for GitHub {
    async fn list(
        &self,
        ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        query: IssuesListQuery,
        _headers: IssuesListHeaders,
    ) -> Result<IssuesListResponse, ApiError> {
        let found = self.with_repo(&owner, &repo, |repository| {
            let mut issues: Vec<Issue> = repository
                .issues
                .values()
                .filter(|i| listed(i, &query))
                .cloned()
                .collect();
            issues.sort_by_key(|i| match query.sort {
                IssueSort::Created => (i.created_at, i.number),
                IssueSort::Updated => (i.updated_at, i.number),
                IssueSort::Comments => (now() + chrono::Duration::seconds(i.comments), i.number),
            });
            if query.direction == Direction::Desc {
                issues.reverse();
            }
            issues
        });
        Ok(match found {
            Some(issues) => {
                let (page, link) = paged(&ctx, issues, query.page, query.per_page);
                IssuesListResponse::Ok(page, IssuesListOkHeaders { link })
            }
            None => IssuesListResponse::NotFound(not_found()),
        })
    }

    async fn create(
        &self,
        ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        _headers: IssuesCreateHeaders,
        body: IssueCreate,
    ) -> Result<IssuesCreateResponse, ApiError> {
        let title = title_text(&body.title);
        if title.trim().is_empty() {
            return Err(ApiError::field(
                "title",
                "missing_field",
                "The title cannot be blank.",
            ));
        }
        let author = Self::login(&ctx).to_owned();
        let made = self.with_repo(&owner, &repo, |repository| {
            let number = repository.issues.keys().last().map_or(1, |n| n + 1);
            let mut issue = new_issue(
                &owner,
                &repo,
                number,
                &title,
                user(&author, user_id(&author)),
            );
            issue.body = body.body.clone().into();
            let names: Vec<String> = body
                .labels
                .iter()
                .flatten()
                .filter_map(|l| match l {
                    IssueCreateLabelsItem::Name(name) => Some(name.clone()),
                    IssueCreateLabelsItem::Object(object) => object.name.clone(),
                })
                .collect();
            issue.labels = repository.labels_named(&owner, &repo, &names);
            #[allow(deprecated)]
            let single = match &body.assignee {
                Nullable::Value(login) => vec![login.clone()],
                _ => Vec::new(),
            };
            let logins = body.assignees.iter().flatten().chain(&single);
            issue.assignees = Some(logins.map(|l| user(l, user_id(l))).collect());
            set_first_assignee(&mut issue);
            repository.issues.insert(number, issue.clone());
            issue
        });
        Ok(match made {
            Some(issue) => {
                let location = issue.url.clone();
                IssuesCreateResponse::Created(issue, IssuesCreateCreatedHeaders { location })
            }
            None => IssuesCreateResponse::NotFound(not_found()),
        })
    }

    async fn get(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: IssuesGetHeaders,
    ) -> Result<IssuesGetResponse, ApiError> {
        Ok(
            match self.with_issue(&owner, &repo, issue_number, |r, _, _, n| {
                r.issues[&n].clone()
            }) {
                Ok(issue) => IssuesGetResponse::Ok(issue),
                Err(Missing::NotFound) => IssuesGetResponse::NotFound(not_found()),
                Err(Missing::Gone) => IssuesGetResponse::Gone(gone()),
            },
        )
    }

    async fn update(
        &self,
        ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: IssuesUpdateHeaders,
        body: IssueUpdate,
    ) -> Result<IssuesUpdateResponse, ApiError> {
        if matches!(body.title, Nullable::Null) {
            return Err(ApiError::field(
                "title",
                "missing_field",
                "The title cannot be null.",
            ));
        }
        let editor = Self::login(&ctx).to_owned();
        let changed = self.with_issue(&owner, &repo, issue_number, |repository, owner, repo, n| {
            let names: Option<Vec<String>> = body.labels.as_ref().map(|labels| {
                labels
                    .iter()
                    .filter_map(|l| match l {
                        IssueUpdateLabelsItem::Name(name) => Some(name.clone()),
                        IssueUpdateLabelsItem::Object(object) => object.name.clone(),
                    })
                    .collect()
            });
            let labels = names.map(|names| repository.labels_named(owner, repo, &names));
            let issue = repository
                .issues
                .get_mut(&n)
                .expect("with_issue checked the number");
            apply(issue, &body, &editor);
            if let Some(labels) = labels {
                issue.labels = labels;
            }
            issue.clone()
        });
        Ok(match changed {
            Ok(issue) => IssuesUpdateResponse::Ok(issue),
            Err(Missing::NotFound) => IssuesUpdateResponse::NotFound(not_found()),
            Err(Missing::Gone) => IssuesUpdateResponse::Gone(gone()),
        })
    }

    async fn lock(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: IssuesLockHeaders,
        body: IssuesLockBody,
    ) -> Result<IssuesLockResponse, ApiError> {
        let locked = self.with_issue(&owner, &repo, issue_number, |repository, _, _, n| {
            let issue = repository
                .issues
                .get_mut(&n)
                .expect("with_issue checked the number");
            issue.locked = true;
            issue.active_lock_reason = body.lock_reason.map(|r| r.as_str().to_owned()).into();
        });
        Ok(match locked {
            Ok(()) => IssuesLockResponse::NoContent,
            Err(Missing::NotFound) => IssuesLockResponse::NotFound(not_found()),
            Err(Missing::Gone) => IssuesLockResponse::Gone(gone()),
        })
    }

    async fn unlock(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: IssuesUnlockHeaders,
    ) -> Result<IssuesUnlockResponse, ApiError> {
        let unlocked = self.with_issue(&owner, &repo, issue_number, |repository, _, _, n| {
            let issue = repository
                .issues
                .get_mut(&n)
                .expect("with_issue checked the number");
            issue.locked = false;
            issue.active_lock_reason = Nullable::Null;
        });
        Ok(match unlocked {
            Ok(()) => IssuesUnlockResponse::NoContent,
            Err(_) => IssuesUnlockResponse::NotFound(not_found()),
        })
    }
}

/// The deprecated single `assignee` is the first of `assignees`, as GitHub fills it.
fn set_first_assignee(issue: &mut Issue) {
    let first = issue.assignees.iter().flatten().next().cloned();
    #[allow(deprecated)]
    {
        issue.assignee = first;
    }
}

/// Applies the fields an update sends; absent ones keep their value, `null` clears.
fn apply(issue: &mut Issue, body: &IssueUpdate, editor: &str) {
    if let Nullable::Value(title) = &body.title {
        issue.title = title_text(title);
    }
    if !body.body.is_absent() {
        issue.body = body.body.clone();
    }
    if let Some(assignees) = &body.assignees {
        let logins = assignees.iter().filter_map(|a| match a {
            IssueUpdateAssigneesItem::Login(login) => Some(login.clone()),
            IssueUpdateAssigneesItem::Object(object) => object.login.clone(),
        });
        issue.assignees = Some(logins.map(|l| user(&l, user_id(&l))).collect());
        set_first_assignee(issue);
    }
    if let Some(state) = &body.state {
        if *state != issue.state {
            let closing = *state == IssueState::Closed;
            issue.state = state.clone();
            // GitHub reads `state_reason` only when the state changes; closing without one means completed.
            issue.state_reason = match (&body.state_reason, closing) {
                (Nullable::Value(reason), _) => Nullable::Value(*reason),
                (_, true) => Nullable::Value(StateReason::Completed),
                (_, false) => Nullable::Value(StateReason::Reopened),
            };
            issue.closed_at = closing.then(now);
            issue.closed_by = if closing {
                Nullable::Value(user(editor, user_id(editor)))
            } else {
                Nullable::Null
            };
        }
    }
    issue.updated_at = now() + chrono::Duration::seconds(1);
}

impl LabelsApi for GitHub {
    async fn list(
        &self,
        ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        query: LabelsListQuery,
        _headers: LabelsListHeaders,
    ) -> Result<LabelsListResponse, ApiError> {
        let labels = self.with_issue(&owner, &repo, issue_number, |r, _, _, n| {
            r.labels_of(&r.issues[&n])
        });
        Ok(match labels {
            Ok(labels) => {
                let (page, link) = paged(&ctx, labels, query.page, query.per_page);
                LabelsListResponse::Ok(page, LabelsListOkHeaders { link })
            }
            Err(Missing::NotFound) => LabelsListResponse::NotFound(not_found()),
            Err(Missing::Gone) => LabelsListResponse::Gone(gone()),
        })
    }

    async fn add(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: LabelsAddHeaders,
        body: AddLabels,
    ) -> Result<LabelsAddResponse, ApiError> {
        let names: Vec<String> = match body {
            AddLabels::Object(object) => object
                .labels
                .into_iter()
                .map(|l| match l {
                    AddLabelsObjectLabelsItem::Name(name) => name,
                    AddLabelsObjectLabelsItem::Object(object) => object.name,
                })
                .collect(),
            AddLabels::Names(names) => names,
            AddLabels::Objects(objects) => objects.into_iter().map(|o| o.name).collect(),
        };
        let labels = self.relabel(&owner, &repo, issue_number, names, false);
        Ok(match labels {
            Ok(labels) => LabelsAddResponse::Ok(labels),
            Err(Missing::NotFound) => LabelsAddResponse::NotFound(not_found()),
            Err(Missing::Gone) => LabelsAddResponse::Gone(gone()),
        })
    }

    async fn set(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: LabelsSetHeaders,
        body: SetLabels,
    ) -> Result<LabelsSetResponse, ApiError> {
        let names: Vec<String> = match body {
            SetLabels::NamesObject(object) => object.labels,
            SetLabels::Names(names) => names,
            SetLabels::ObjectsObject(object) => object.labels.into_iter().map(|l| l.name).collect(),
            SetLabels::Objects(objects) => objects.into_iter().map(|l| l.name).collect(),
            SetLabels::Name(name) => vec![name],
        };
        let labels = self.relabel(&owner, &repo, issue_number, names, true);
        Ok(match labels {
            Ok(labels) => LabelsSetResponse::Ok(labels),
            Err(Missing::NotFound) => LabelsSetResponse::NotFound(not_found()),
            Err(Missing::Gone) => LabelsSetResponse::Gone(gone()),
        })
    }

    async fn remove(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        name: String,
        _headers: LabelsRemoveHeaders,
    ) -> Result<LabelsRemoveResponse, ApiError> {
        let removed = self.with_issue(&owner, &repo, issue_number, |repository, _, _, n| {
            let issue = repository
                .issues
                .get_mut(&n)
                .expect("with_issue checked the number");
            let before = issue.labels.len();
            issue
                .labels
                .retain(|l| !label_name(l).is_some_and(|l| l.eq_ignore_ascii_case(&name)));
            let had = issue.labels.len() < before;
            let issue = issue.clone();
            had.then(|| repository.labels_of(&issue))
        });
        Ok(match removed {
            Ok(Some(labels)) => LabelsRemoveResponse::Ok(labels),
            // GitHub answers 404 "Label does not exist" when the issue does not have the label.
            Ok(None) | Err(Missing::NotFound) => LabelsRemoveResponse::NotFound(BasicError {
                message: Some("Label does not exist".to_owned()),
                ..not_found()
            }),
            Err(Missing::Gone) => LabelsRemoveResponse::Gone(gone()),
        })
    }

    async fn remove_all(
        &self,
        _ctx: RequestContext<TokenHolder>,
        owner: String,
        repo: String,
        issue_number: i64,
        _headers: LabelsRemoveAllHeaders,
    ) -> Result<LabelsRemoveAllResponse, ApiError> {
        Ok(
            match self.relabel(&owner, &repo, issue_number, Vec::new(), true) {
                Ok(_) => LabelsRemoveAllResponse::NoContent,
                Err(Missing::NotFound) => LabelsRemoveAllResponse::NotFound(not_found()),
                Err(Missing::Gone) => LabelsRemoveAllResponse::Gone(gone()),
            },
        )
    }
}

impl GitHub {
    /// Adds the labels `names` to the issue (or, with `replace`, makes them its labels); answers its labels.
    fn relabel(
        &self,
        owner: &str,
        repo: &str,
        number: i64,
        names: Vec<String>,
        replace: bool,
    ) -> Result<Vec<Label>, Missing> {
        self.with_issue(owner, repo, number, |repository, owner, repo, n| {
            let mut wanted: Vec<String> = if replace {
                Vec::new()
            } else {
                repository.issues[&n]
                    .labels
                    .iter()
                    .filter_map(label_name)
                    .map(str::to_owned)
                    .collect()
            };
            wanted.extend(names);
            let labels = repository.labels_named(owner, repo, &wanted);
            let issue = repository
                .issues
                .get_mut(&n)
                .expect("with_issue checked the number");
            issue.labels = labels;
            let issue = issue.clone();
            repository.labels_of(&issue)
        })
    }
}

/// Page `page` (1 when absent or below 1) of `items`, `per_page` at a time (30 when absent; never above 100: the
/// generated server clamps it to the spec's `max_limit`, as GitHub does), and the `Link` header naming the next, previous, first and last pages as GitHub does (absent when one
/// page holds everything).
fn paged<T>(
    ctx: &RequestContext<TokenHolder>,
    items: Vec<T>,
    page: Option<i64>,
    per_page: Option<i64>,
) -> (Vec<T>, Option<String>) {
    let per_page = per_page.unwrap_or(30).max(1);
    let page = page.unwrap_or(1).max(1);
    let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let last = ((count + per_page - 1) / per_page).max(1);
    let skip = usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX);
    let take = usize::try_from(per_page).unwrap_or(usize::MAX);
    let items = items.into_iter().skip(skip).take(take).collect();
    let url = |n: i64| Some(ctx.absolute_url_with_query("page", Some(&n.to_string())));
    let links = server::runtime::LinkHeader::new()
        .prev(if page > 1 { url(page - 1) } else { None })
        .next(if page < last { url(page + 1) } else { None })
        .last(if page < last { url(last) } else { None })
        .first(if page > 1 { url(1) } else { None });
    (items, links.value())
}

/// The generated router serving `github`, every answer carrying the rate-limit headers GitHub sends: the window's
/// limit, what remains of it (one request fewer with each answer), what was used and when it resets.
pub fn app(github: GitHub) -> axum::Router {
    let used = Arc::new(AtomicI64::new(0));
    server::router(github).layer(axum::middleware::map_response(
        move |mut response: axum::response::Response| {
            let used = used.fetch_add(1, Ordering::Relaxed) + 1;
            async move {
                let headers = response.headers_mut();
                for (name, value) in [
                    ("x-ratelimit-limit", RATE_LIMIT.to_string()),
                    (
                        "x-ratelimit-remaining",
                        (RATE_LIMIT - used).max(0).to_string(),
                    ),
                    ("x-ratelimit-used", used.to_string()),
                    ("x-ratelimit-reset", RATE_LIMIT_RESET.to_string()),
                    ("x-ratelimit-resource", "core".to_owned()),
                ] {
                    if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
                        headers.insert(name, value);
                    }
                }
                response
            }
        },
    ))
}

/// Serves `github` on an ephemeral port of 127.0.0.1 in a background task and returns its address. The task runs
/// until the runtime that spawned it shuts down (in tests: the end of the test).
pub async fn serve(github: GitHub) -> std::io::Result<SocketAddr> {
    slice_testkit::serve(app(github), "github fake").await
}
