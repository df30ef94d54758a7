//! Path parameters travel percent-encoded as exactly one segment, whatever they contain.

use super::support::*;
use posthog_data_warehouse::client::Error;
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[tokio::test]
async fn awkward_ids_arrive_intact_in_one_segment() {
    let (server, client) = setup().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let ids = [
        "a/b?c#d",
        "../x",
        "..%2F..",
        "50% off",
        "café/日本?x=1&y=2#frag",
        "a+b;c=d,e",
        "...",
        "@current",
    ];
    for project in ids {
        client
            .external_data_sources()
            .wizard(project)
            .send()
            .await
            .unwrap();
    }
    let requests = received(&server).await;
    assert_eq!(requests.len(), ids.len());
    for (project, request) in ids.iter().zip(&requests) {
        let path = request.url.path();
        let segments: Vec<&str> = path.split('/').collect();
        assert_eq!(
            segments.len(),
            7,
            "{project:?} did not stay one segment: {path}"
        );
        assert_eq!(segments[..3], ["", "api", "projects"], "{path}");
        assert_eq!(decode(segments[3]), *project, "{path}");
        assert_eq!(
            segments[4..],
            ["external_data_sources", "wizard", ""],
            "{path}"
        );
        assert_eq!(request.url.query(), None, "{path}");
    }
    // Exact encodings: reserved characters and non-ASCII bytes are escaped, `@` reads as written.
    assert_eq!(
        requests[0].url.path(),
        "/api/projects/a%2Fb%3Fc%23d/external_data_sources/wizard/"
    );
    assert_eq!(
        requests[4].url.path(),
        "/api/projects/caf%C3%A9%2F%E6%97%A5%E6%9C%AC%3Fx%3D1%26y%3D2%23frag/external_data_sources/wizard/"
    );
    assert_eq!(
        requests[7].url.path(),
        "/api/projects/@current/external_data_sources/wizard/"
    );
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_without_a_request() {
    let (server, client) = setup().await;
    for project in [".", "..", ""] {
        let err = client
            .external_data_sources()
            .wizard(project)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { message, .. } if message.contains("project_id")),
            "{project:?}: {err:?}"
        );
    }
    assert!(received(&server).await.is_empty());
}
