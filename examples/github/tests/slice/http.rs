//! The HTTP surface of the GitHub slice: lists followed page by page through the `Link` header (against the fake
//! and against wiremock), the `Location` of a created issue, the `X-RateLimit-*` headers of every answer, and the
//! `Accept` and `X-GitHub-Api-Version` headers a client sends with every request.

use crate::common::{client, start};
use github_example::{RATE_LIMIT, RATE_LIMIT_RESET};
use github_slice::client::{ApiHeaders, Client, RetryPolicy};
use github_slice::models::{AddLabels, ApiVersion, Direction, Issue, StringOrInteger};
use github_slice::rt::serde_json::json;
use slice_testkit::{header, received};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OWNER: &str = "octocat";
const REPO: &str = "Hello-World";

#[tokio::test]
async fn issues_and_labels_come_three_pages_at_a_time_through_the_link_header() {
    let base = start().await;
    let github = client(&base, Some("octocat-token"));
    // The seeded issue 1347 and six more: pages of 3, 3 and 1.
    for n in 0..6 {
        github
            .issues()
            .create(OWNER, REPO)
            .title(StringOrInteger::Text(format!("issue {n}")))
            .send()
            .await
            .expect("created");
    }
    let mut pages = github
        .issues()
        .list(OWNER, REPO)
        .direction(Direction::Asc)
        .per_page(3)
        .pages();
    let mut sizes = Vec::new();
    let mut numbers = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        sizes.push(page.len());
        numbers.extend(page.iter().map(|i| i.number));
    }
    assert_eq!(sizes, [3, 3, 1]);
    assert_eq!(numbers, [1347, 1348, 1349, 1350, 1351, 1352, 1353]);

    // The first page's Link names the next and the last page, as github.com's does.
    let first = github
        .issues()
        .list(OWNER, REPO)
        .per_page(3)
        .send_with_headers()
        .await
        .unwrap();
    let link = first
        .headers
        .link
        .expect("a Link header on a first page of three");
    assert!(
        link.contains(r#"page=2"#) && link.contains(r#"rel="next""#),
        "{link}"
    );
    assert!(
        link.contains(r#"page=3"#) && link.contains(r#"rel="last""#),
        "{link}"
    );

    // Labels: the seeded `bug` and four more, two a page.
    github
        .labels()
        .add(
            OWNER,
            REPO,
            1347,
            AddLabels::Names(vec!["a".into(), "b".into(), "c".into(), "d".into()]),
        )
        .send()
        .await
        .expect("added");
    let labels = github.labels().list(OWNER, REPO, 1347).per_page(2).pages();
    let pages = labels.try_collect().await.expect("every page");
    let names: Vec<Vec<&str>> = pages
        .iter()
        .map(|p| p.iter().map(|l| l.name.as_str()).collect())
        .collect();
    assert_eq!(names, [vec!["bug", "a"], vec!["b", "c"], vec!["d"]]);
    let all = github
        .labels()
        .list(OWNER, REPO, 1347)
        .per_page(2)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);

    // `per_page` above 100 gets 100 (`max_limit` with `above_max_limit: clamp`), as github.com answers: the
    // generated server cuts it down before the fake's handler sees it.
    let many: Vec<String> = (0..120).map(|n| format!("l{n}")).collect();
    github
        .labels()
        .add(OWNER, REPO, 1347, AddLabels::Names(many))
        .send()
        .await
        .expect("added");
    let first = github
        .labels()
        .list(OWNER, REPO, 1347)
        .per_page(500)
        .send_with_headers()
        .await
        .unwrap();
    assert_eq!(first.body.len(), 100);
    let link = first.headers.link.expect("a second page");
    assert!(
        link.contains(r#"page=2"#) && link.contains(r#"rel="next""#),
        "{link}"
    );
}

#[tokio::test]
async fn a_created_issue_has_its_location_and_every_answer_the_rate_limit() {
    let base = start().await;
    let github = client(&base, Some("octocat-token"));
    let created = github
        .issues()
        .create(OWNER, REPO)
        .title(StringOrInteger::Text("Located".into()))
        .send_with_headers()
        .await
        .expect("created");
    assert_eq!(created.status.as_u16(), 201);
    assert_eq!(
        created.headers.location.as_deref(),
        Some(created.body.url.as_str())
    );
    assert_eq!(created.headers.x_rate_limit_limit, Some(RATE_LIMIT));
    assert_eq!(created.headers.x_rate_limit_reset, Some(RATE_LIMIT_RESET));
    assert_eq!(
        created.headers.x_rate_limit_resource.as_deref(),
        Some("core")
    );
    let first = created.headers.x_rate_limit_remaining.expect("remaining");

    let read = github
        .issues()
        .get(OWNER, REPO, created.body.number)
        .send_with_headers()
        .await
        .expect("read");
    // One request later, one fewer remains.
    assert_eq!(read.headers.x_rate_limit_remaining, Some(first - 1));
    assert_eq!(read.headers.x_rate_limit_used, Some(RATE_LIMIT - first + 1));
}

/// Page `n` of three of issues, as api.github.com answers it: `Link` naming the next (absolute, the same origin).
fn issue_page(server: &str, n: u32, issues: Vec<Issue>) -> ResponseTemplate {
    let answer = ResponseTemplate::new(200)
        .set_body_json(&issues)
        .insert_header("X-RateLimit-Remaining", (5000 - n).to_string().as_str());
    if n < 3 {
        let next = format!(
            "<{server}/repos/octocat/Hello-World/issues?per_page=1&page={}>; rel=\"next\", <{server}/repos/octocat/Hello-World/issues?per_page=1&page=3>; rel=\"last\"",
            n + 1
        );
        answer.insert_header("Link", next.as_str())
    } else {
        answer.insert_header(
            "Link",
            format!("<{server}/repos/octocat/Hello-World/issues?per_page=1&page=2>; rel=\"prev\"")
                .as_str(),
        )
    }
}

#[tokio::test]
async fn the_client_follows_githubs_link_headers_and_sends_its_version_headers() {
    let server = MockServer::start().await;
    let issue: Issue =
        github_slice::rt::serde_json::from_value(crate::common::example("issue.yaml"))
            .expect("GitHub's example issue");
    for n in 1..=3u32 {
        let mut numbered = issue.clone();
        numbered.number = i64::from(n);
        let route = Mock::given(method("GET")).and(path("/repos/octocat/Hello-World/issues"));
        // The first request carries no page (the server's default, 1); the links carry the others.
        let route = if n == 1 {
            route.and(query_param("per_page", "1"))
        } else {
            route.and(query_param("page", n.to_string().as_str()))
        };
        route
            .respond_with(issue_page(&server.uri(), n, vec![numbered]))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let github = Client::builder()
        .base_url(server.uri())
        .api_key("ghp_test")
        .retry_policy(RetryPolicy::none())
        .accept("application/vnd.github.full+json")
        .x_git_hub_api_version(ApiVersion::_20221128)
        .build()
        .expect("a valid configuration");
    let numbers: Vec<i64> = github
        .issues()
        .list(OWNER, REPO)
        .per_page(1)
        .items()
        .try_collect()
        .await
        .expect("three pages")
        .iter()
        .map(|i| i.number)
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(
            header(request, "accept"),
            Some("application/vnd.github.full+json")
        );
        assert_eq!(header(request, "x-github-api-version"), Some("2022-11-28"));
        assert_eq!(header(request, "authorization"), Some("Bearer ghp_test"));
    }
    assert_eq!(requests[2].url.query(), Some("per_page=1&page=3"));
}

#[tokio::test]
async fn without_the_version_headers_the_client_leaves_them_to_github() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let github = client(&server.uri(), Some("t"));
    github
        .labels()
        .list(OWNER, REPO, 1)
        .send()
        .await
        .expect("an empty list");
    let requests = received(&server).await;
    assert_eq!(header(&requests[0], "x-github-api-version"), None);
    // The client's own Accept: GitHub answers it with its default media type.
    assert_eq!(header(&requests[0], "accept"), Some("application/json"));
}
