//! Error answers decode into the typed error body; bad bodies, bad arguments and unreachable servers give the
//! matching error, and every message names the operation.

use super::support::*;
use posthog_data_warehouse::client::{ApiErrorBody, Client, Error, RetryPolicy};
use posthog_data_warehouse::models::{
    ErrorResponse, ErrorType, InsightVariableType, MessageResponse,
};
use serde_json::json;
use wiremock::ResponseTemplate;

#[tokio::test]
async fn standard_error_bodies_decode_as_error_response() {
    let (server, client) = setup().await;
    expect("GET", &format!("/insight_variables/{ID}/"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": null
        })))
        .mount(&server)
        .await;
    let err = client
        .insight_variables()
        .retrieve(PROJECT, id())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let Error::Api(api) = &err else {
        panic!("not an API error: {err:?}")
    };
    assert_eq!(
        api.body,
        ApiErrorBody::ErrorResponse(ErrorResponse {
            r#type: ErrorType::InvalidRequest,
            code: "not_found".into(),
            detail: "Not found.".into(),
            attr: None,
        })
    );
    assert_eq!(
        err.to_string(),
        r#"insight_variables.retrieve: the server answered 404 Not Found: {"type":"invalid_request","code":"not_found","detail":"Not found.","attr":null}"#
    );
}

#[tokio::test]
async fn action_errors_decode_as_message_response() {
    let (server, client) = setup().await;
    expect_json("POST", "/external_data_sources/check_cdc_prerequisites/")
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"message": "CDC prerequisite checks are only supported for Postgres."}),
        ))
        .mount(&server)
        .await;
    let err = client
        .external_data_sources()
        .check_cdc_prerequisites(PROJECT)
        .source_type("MySQL")
        .host("db.example.com")
        .port(3306)
        .database("app")
        .user("reader")
        .password("secret")
        .schema("public")
        .send()
        .await
        .unwrap_err();
    match err.api_body() {
        Some(ApiErrorBody::MessageResponse(MessageResponse { message })) => {
            assert_eq!(
                message,
                "CDC prerequisite checks are only supported for Postgres."
            )
        }
        other => panic!("unexpected body {other:?}"),
    }
    assert!(err.to_string().starts_with(
        "external_data_sources.check_cdc_prerequisites: the server answered 400 Bad Request"
    ));
}

/// One status, two bodies: an action's `400` is its own `{message}` or the router's validation body (the document's
/// `oneOf`), and the client decodes each into its own model, trying the error models in the spec's order.
#[tokio::test]
async fn one_status_with_two_bodies_decodes_both() {
    let (server, client) = setup().await;
    let validation = json!({
        "type": "validation_error", "code": "required", "detail": "This field is required.", "attr": "source_type"
    });
    let message = json!({"message": "Missing required parameter: source_type"});
    for body in [validation, message] {
        let mock = expect_json("POST", "/external_data_sources/database_schema/")
            .respond_with(ResponseTemplate::new(400).set_body_json(&body))
            .mount_as_scoped(&server)
            .await;
        let err = client
            .external_data_sources()
            .database_schema(PROJECT)
            .source_type(posthog_data_warehouse::models::ExternalDataSourceType::Stripe)
            .send()
            .await
            .unwrap_err();
        let decoded = match err.api_body() {
            Some(ApiErrorBody::ErrorResponse(e)) => serde_json::to_value(e).unwrap(),
            Some(ApiErrorBody::MessageResponse(m)) => serde_json::to_value(m).unwrap(),
            other => panic!("{body}: undecoded {other:?}"),
        };
        assert_eq!(decoded, body);
        assert_eq!(
            matches!(err.api_body(), Some(ApiErrorBody::MessageResponse(_))),
            body.get("message").is_some(),
            "{body} decoded into the wrong model"
        );
        drop(mock);
    }
}

#[tokio::test]
async fn unknown_error_types_still_decode() {
    let (server, client) = setup().await;
    expect("GET", "/insight_variables/")
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({
            "type": "quota_error", "code": "over_quota", "detail": "Slow down.", "attr": null
        })))
        .mount(&server)
        .await;
    let err = client
        .insight_variables()
        .list(PROJECT)
        .send()
        .await
        .unwrap_err();
    match err.api_body() {
        Some(ApiErrorBody::ErrorResponse(body)) => {
            assert_eq!(body.r#type, ErrorType::Unknown("quota_error".into()))
        }
        other => panic!("unexpected body {other:?}"),
    }
}

#[tokio::test]
async fn other_bodies_are_kept_as_raw_text() {
    let (server, client) = setup().await;
    expect("GET", "/external_data_sources/wizard/")
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>"))
        .mount(&server)
        .await;
    expect("GET", "/external_data_sources/connections/")
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = client
        .external_data_sources()
        .wizard(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.api_body(),
        Some(&ApiErrorBody::Raw("<html>Bad gateway</html>".into()))
    );
    assert_eq!(
        err.to_string(),
        "external_data_sources.wizard: the server answered 502 Bad Gateway: <html>Bad gateway</html>"
    );
    let err = client
        .external_data_sources()
        .connections(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_body(), Some(&ApiErrorBody::Raw(String::new())));
    assert!(err
        .to_string()
        .ends_with("500 Internal Server Error: (empty body)"));
}

#[tokio::test]
async fn undecodable_success_bodies_name_the_field_and_keep_a_snippet() {
    let (server, client) = setup().await;
    let mut variable = insight_variable("Country");
    variable["type"] = json!("Colour");
    expect("GET", &format!("/insight_variables/{ID}/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(variable))
        .mount(&server)
        .await;
    let err = client
        .insight_variables()
        .retrieve(PROJECT, id())
        .send()
        .await
        .unwrap_err();
    let Error::Decode {
        operation,
        message,
        snippet,
        ..
    } = &err
    else {
        panic!("not a decode error: {err:?}")
    };
    assert_eq!(*operation, "insight_variables.retrieve");
    assert!(
        message.starts_with("at `type`: unknown variant `Colour`"),
        "{message}"
    );
    assert!(snippet.starts_with('{'), "{snippet}");
    assert!(err.to_string().contains("the 200 OK answer did not decode"));

    expect("GET", "/external_data_sources/wizard/")
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .mount(&server)
        .await;
    let err = client
        .external_data_sources()
        .wizard(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { snippet, .. } if snippet == "<html>maintenance</html>"),
        "{err:?}"
    );
}

#[tokio::test]
async fn missing_required_body_fields_fail_before_sending() {
    let (server, client) = setup().await;
    let err = client
        .insight_variables()
        .create(PROJECT)
        .r#type(InsightVariableType::Number)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest { message, .. } if message.contains("`name`")),
        "{err:?}"
    );
    assert!(err
        .to_string()
        .starts_with("insight_variables.create: invalid request"));
    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn unreachable_servers_give_a_transport_error() {
    // Bind a port, then free it: nothing listens there any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(KEY)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1)
                .initial_backoff(std::time::Duration::ZERO),
        )
        .build()
        .unwrap();
    let err = client
        .insight_variables()
        .list(PROJECT)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err
        .to_string()
        .starts_with("insight_variables.list: the request failed"));
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn bad_configuration_is_reported_not_panicked() {
    for bad in [
        "us.posthog.com",
        "ftp://example.com",
        "https://example.com/?x=1",
        "",
    ] {
        let err = Client::new(bad, KEY).unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{bad:?}: {err:?}");
        assert!(err.to_string().starts_with("invalid client configuration"));
    }
    assert!(matches!(
        Client::new("https://us.posthog.com", "key\r\nX-Evil: 1"),
        Err(Error::Config { .. })
    ));
}
