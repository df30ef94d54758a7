//! Redirects: the client the runtime builds follows them within the base URL's origin only; an answer from
//! another origin is refused whichever client fetched it, and the key never goes there.

use super::support::*;
use apigen_runtime::reqwest;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// `api` redirects `/api/1/items/2/` to `/elsewhere` on `other`, which answers 200 there.
async fn redirect_to_other(api: &MockServer, other: &MockServer) -> String {
    let target = format!("{}/elsewhere", other.uri());
    Mock::given(method("GET"))
        .and(path("/api/1/items/2/"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", target.as_str()))
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_string("not the API's answer"))
        .mount(other)
        .await;
    target
}

#[tokio::test]
async fn the_runtime_client_does_not_follow_a_redirect_to_another_origin() {
    let (api, other) = (MockServer::start().await, MockServer::start().await);
    let target = redirect_to_other(&api, &other).await;
    let rt = runtime(builder(&api.uri()));
    let outcome = rt.execute(GET_ITEM, item_url(&api), None).await;
    match outcome {
        Err(Error::RedirectRefused { operation, url }) => {
            assert_eq!(operation, "items.get");
            assert_eq!(url, target);
        }
        other => panic!("expected a refused redirect, got {other:?}"),
    }
    assert_eq!(received(&api).await, 1);
    assert_eq!(
        received(&other).await,
        0,
        "nothing was sent to the other origin"
    );
}

#[tokio::test]
async fn an_answer_a_user_client_fetched_from_another_origin_is_refused() {
    let (api, other) = (MockServer::start().await, MockServer::start().await);
    let target = redirect_to_other(&api, &other).await;
    // reqwest's default policy follows up to 10 redirects, to any origin.
    let rt = runtime(builder(&api.uri()).http_client(reqwest::Client::new()));
    let outcome = rt.execute(GET_ITEM, item_url(&api), None).await;
    match &outcome {
        Err(e @ Error::RedirectRefused { url, .. }) => {
            assert_eq!(*url, target);
            assert!(e.to_string().contains("not the API's"), "{e}");
        }
        other => panic!("expected a refused redirect, got {other:?}"),
    }
    // The user's client did go there, but without the key.
    let requests = other.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_key() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/1/items/2/"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/api/1/items/3/"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/1/items/3/"))
        .respond_with(ResponseTemplate::new(200).set_body_string("moved here"))
        .mount(&api)
        .await;
    for rt in [
        runtime(builder(&api.uri())),
        runtime(builder(&api.uri()).http_client(reqwest::Client::new())),
    ] {
        let raw = rt
            .execute(GET_ITEM, item_url(&api), None)
            .await
            .expect("followed");
        assert_eq!(raw.status(), 200);
        assert_eq!(raw.body(), b"moved here");
    }
    let requests = api.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(
            request.headers["authorization"],
            format!("Bearer {KEY}").as_str()
        );
    }
}

#[tokio::test]
async fn a_user_client_that_follows_nothing_hands_back_the_redirect_refused() {
    let (api, other) = (MockServer::start().await, MockServer::start().await);
    let target = redirect_to_other(&api, &other).await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a valid client");
    let rt = runtime(builder(&api.uri()).http_client(http));
    let outcome = rt.execute(GET_ITEM, item_url(&api), None).await;
    assert!(
        matches!(&outcome, Err(Error::RedirectRefused { url, .. }) if *url == target),
        "{outcome:?}"
    );
    assert_eq!(received(&other).await, 0);
}
