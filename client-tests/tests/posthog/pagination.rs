//! Page-number pagination: streams follow `next` across pages and stop at null; a `next` link to another scheme,
//! host or port is refused without sending anything there.

use super::support::*;
use posthog_data_warehouse::client::Error;
use serde_json::Value;
use wiremock::matchers::{query_param, query_param_is_missing};
use wiremock::{MockServer, ResponseTemplate};

fn variables(names: &[&str]) -> Vec<Value> {
    names.iter().map(|n| insight_variable(n)).collect()
}

/// Three pages of insight variables: 2 + 2 + 1 items, linked by absolute `next` URLs on `server`.
async fn mount_three_pages(server: &MockServer) {
    let list = format!("{}/api/projects/{PROJECT}/insight_variables/", server.uri());
    expect("GET", "/insight_variables/")
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            5,
            Some(format!("{list}?page=2")),
            variables(&["a", "b"]),
        )))
        .expect(1)
        .mount(server)
        .await;
    expect("GET", "/insight_variables/")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            5,
            Some(format!("{list}?page=3")),
            variables(&["c", "d"]),
        )))
        .expect(1)
        .mount(server)
        .await;
    expect("GET", "/insight_variables/")
        .and(query_param("page", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(5, None, variables(&["e"]))))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn items_follow_next_links_across_three_pages() {
    let (server, client) = setup().await;
    mount_three_pages(&server).await;
    let mut items = client.insight_variables().list(PROJECT).items();
    let mut names = Vec::new();
    while let Some(item) = items.next().await {
        names.push(item.unwrap().name);
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    // Every page request carries the key (the links are on the base URL's origin).
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert_eq!(
            request.headers.get("authorization").unwrap(),
            &format!("Bearer {KEY}")
        );
    }
}

#[tokio::test]
async fn pages_come_one_at_a_time() {
    let (server, client) = setup().await;
    mount_three_pages(&server).await;
    let pages = client
        .insight_variables()
        .list(PROJECT)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.results.len()).collect();
    assert_eq!(sizes, [2, 2, 1]);
    assert!(pages[2].next.is_none());
}

#[tokio::test]
async fn the_stream_is_a_futures_stream() {
    use futures_util::StreamExt;
    let (server, client) = setup().await;
    mount_three_pages(&server).await;
    let names: Vec<String> = client
        .insight_variables()
        .list(PROJECT)
        .items()
        .map(|item| item.map(|v| v.name))
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names.len(), 5);
}

#[tokio::test]
async fn query_parameters_travel_with_the_first_page_and_links_are_followed_verbatim() {
    let (server, client) = setup().await;
    let list = format!(
        "{}/api/projects/{PROJECT}/warehouse_saved_queries/",
        server.uri()
    );
    expect("GET", "/warehouse_saved_queries/")
        .and(query_param("search", "rev"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            2,
            Some(format!("{list}?page=2&search=rev")),
            vec![saved_query_minimal("revenue")],
        )))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/warehouse_saved_queries/")
        .and(query_param("search", "rev"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            2,
            None,
            vec![saved_query_minimal("revenue_2")],
        )))
        .expect(1)
        .mount(&server)
        .await;
    let items = client
        .warehouse_saved_queries()
        .list(PROJECT)
        .search("rev")
        .items()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = items.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["revenue", "revenue_2"]);
}

#[tokio::test]
async fn a_next_link_to_another_port_is_refused_without_a_request() {
    let (server, client) = setup().await;
    let elsewhere = MockServer::start().await;
    expect("GET", "/insight_variables/")
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            3,
            Some(format!(
                "{}/api/projects/{PROJECT}/insight_variables/?page=2",
                elsewhere.uri()
            )),
            variables(&["a"]),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let mut items = client.insight_variables().list(PROJECT).items();
    assert_eq!(items.next().await.unwrap().unwrap().name, "a");
    let err = items.next().await.unwrap().unwrap_err();
    assert!(matches!(err, Error::PageRefused { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("insight_variables.list: refused to follow"));
    assert!(
        items.next().await.is_none(),
        "the stream ends after the error"
    );
    assert!(
        received(&elsewhere).await.is_empty(),
        "the other server was contacted"
    );
}

#[tokio::test]
async fn a_next_link_to_another_host_or_scheme_is_refused() {
    let (server, client) = setup().await;
    let port = server.address().port();
    for next in [
        // Same port, other host name: would reach this very server, so a request would show up below.
        format!("http://localhost:{port}/api/projects/{PROJECT}/insight_variables/?page=2"),
        format!("https://127.0.0.1:{port}/api/projects/{PROJECT}/insight_variables/?page=2"),
    ] {
        server.reset().await;
        expect("GET", "/insight_variables/")
            .respond_with(ResponseTemplate::new(200).set_body_json(page(
                3,
                Some(next.clone()),
                variables(&["a"]),
            )))
            .mount(&server)
            .await;
        let outcome = client
            .insight_variables()
            .list(PROJECT)
            .items()
            .try_collect()
            .await;
        assert!(
            matches!(&outcome, Err(Error::PageRefused { url, .. }) if *url == next),
            "{outcome:?}"
        );
        assert_eq!(received(&server).await.len(), 1, "{next}");
    }
}

#[tokio::test]
async fn an_error_page_ends_the_stream_with_the_error() {
    let (server, client) = setup().await;
    let list = format!("{}/api/projects/{PROJECT}/insight_variables/", server.uri());
    expect("GET", "/insight_variables/")
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            9,
            Some(format!("{list}?page=2")),
            variables(&["a"]),
        )))
        .mount(&server)
        .await;
    expect("GET", "/insight_variables/")
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "type": "invalid_request", "code": "not_found", "detail": "Invalid page.", "attr": null
        })))
        .mount(&server)
        .await;
    let mut items = client.insight_variables().list(PROJECT).items();
    assert!(items.next().await.unwrap().is_ok());
    let err = items.next().await.unwrap().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert!(items.next().await.is_none());
}
