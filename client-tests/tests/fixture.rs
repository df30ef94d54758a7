//! The client generated at build time from `spec/paged.yaml`: limit/offset pagination (the envelope names its
//! fields `total`, `next_page`, `previous_page` and `data`) and the operation shapes the PostHog spec lacks.

// The fixture's client is generated in full (re-exports included); each test uses a part of it.
#[allow(dead_code, unused_imports)]
mod paged {
    include!(concat!(env!("OUT_DIR"), "/paged.rs"));
}

use paged::{client, models};

use client::{Client, Error, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn things(ids: &[i64]) -> Vec<Value> {
    ids.iter()
        .map(|id| json!({"id": id, "name": format!("thing {id}")}))
        .collect()
}

async fn mount_page(server: &MockServer, offset: Option<&str>, next: Option<String>, ids: &[i64]) {
    let mock = Mock::given(method("GET"))
        .and(path("/v1/things"))
        .and(header("authorization", "Bearer fixture-key"))
        .and(query_param("limit", "2"))
        .and(query_param("kind", "round"));
    let mock = match offset {
        Some(offset) => mock.and(query_param("offset", offset)),
        None => mock.and(query_param_is_missing("offset")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(json!({
        "total": 5,
        "next_page": next,
        "previous_page": null,
        "data": things(ids)
    })))
    .expect(1)
    .mount(server)
    .await;
}

fn client_for(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("fixture-key")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn items_follow_limit_offset_links_across_three_pages() {
    let server = MockServer::start().await;
    let base = format!("{}/v1/things", server.uri());
    mount_page(
        &server,
        None,
        Some(format!("{base}?kind=round&limit=2&offset=2")),
        &[1, 2],
    )
    .await;
    mount_page(
        &server,
        Some("2"),
        Some(format!("{base}?kind=round&limit=2&offset=4")),
        &[3, 4],
    )
    .await;
    mount_page(&server, Some("4"), None, &[5]).await;
    let client = client_for(&server);
    let ids: Vec<i64> = client
        .things()
        .list()
        .kind("round")
        .limit(2)
        .items()
        .try_collect()
        .await
        .unwrap()
        .into_iter()
        .map(|thing| thing.id)
        .collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn pages_keep_the_envelope() {
    let server = MockServer::start().await;
    let base = format!("{}/v1/things", server.uri());
    mount_page(
        &server,
        None,
        Some(format!("{base}?kind=round&limit=2&offset=2")),
        &[1, 2],
    )
    .await;
    mount_page(
        &server,
        Some("2"),
        Some(format!("{base}?kind=round&limit=2&offset=4")),
        &[3, 4],
    )
    .await;
    mount_page(&server, Some("4"), None, &[5]).await;
    let client = client_for(&server);
    let mut pages = client.things().list().kind("round").limit(2).pages();
    let mut seen = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        assert_eq!(page.total, 5);
        seen.push(page.data.len());
    }
    assert_eq!(seen, [2, 2, 1]);
}

#[tokio::test]
async fn a_cross_origin_link_is_refused_and_the_other_server_sees_nothing() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    let next = format!("{}/v1/things?kind=round&limit=2&offset=2", elsewhere.uri());
    mount_page(&server, None, Some(next), &[1, 2]).await;
    let client = client_for(&server);
    let outcome = client
        .things()
        .list()
        .kind("round")
        .limit(2)
        .items()
        .try_collect()
        .await;
    assert!(
        matches!(outcome, Err(Error::PageRefused { .. })),
        "{outcome:?}"
    );
    assert!(elsewhere
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}

#[tokio::test]
async fn error_bodies_decode_into_the_fixture_model() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(json!({"error": "missing thing:read"})),
        )
        .mount(&server)
        .await;
    let err = client_for(&server)
        .things()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.api_body(),
        Some(&client::ApiErrorBody::Problem(models::Problem {
            error: "missing thing:read".into()
        }))
    );
}

// ----- shapes the PostHog spec does not have --------------------------------------------------------------------

#[tokio::test]
async fn upsert_sends_enum_path_values_required_query_and_a_list_body_without_auth() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/v1/edge/green/7/"))
        .and(query_param("send", "true"))
        .and(query_param("at", "3"))
        .and(wiremock::matchers::body_json(json!(["a", "b"])))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"id": 1, "name": "blocker"})))
        .expect(1)
        .mount(&server)
        .await;
    let answer = client_for(&server)
        .builder_resource()
        .upsert(models::Colour::Green, 7, true, vec!["a".into(), "b".into()])
        .at(3)
        .send()
        .await
        .unwrap();
    // A documented 4xx answer whose model is not an error model is an outcome, not an error.
    assert_eq!(
        answer,
        client::BuilderUpsertResponse::Conflict(models::Thing {
            id: 1,
            name: "blocker".into()
        })
    );
    assert_eq!(answer.status(), 409);
    let requests = server.received_requests().await.unwrap_or_default();
    // `auth: false`: the key stays home.
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn upsert_maps_each_documented_status_to_its_variant() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(202))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "no such colour"})))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let upsert = client
        .builder_resource()
        .upsert(models::Colour::Red, 1, false, Vec::new());
    let accepted = upsert.clone().send().await.unwrap();
    assert_eq!(accepted, client::BuilderUpsertResponse::Accepted);
    let err = upsert.send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
}

#[tokio::test]
async fn required_nullable_fields_must_be_set_and_may_be_null() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/edge/tag"))
        .and(wiremock::matchers::body_json(
            json!({"send": "x", "body": 2, "note": null, "label": null}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    // `note` may be null but must be sent: leaving it out fails before anything is sent.
    let err = client
        .builder_resource()
        .tag()
        .send_field("x")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { message, .. } if message.contains("`note`")),
        "{err:?}"
    );
    client
        .builder_resource()
        .tag()
        .send_field("x")
        .body_field(2)
        .note_null()
        .label_null()
        .send()
        .await
        .unwrap();
}
