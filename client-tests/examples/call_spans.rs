//! Prints what `tracing_subscriber::fmt` shows of one call of the generated PostHog client that is retried once,
//! with its bodies logged, against a wiremock server on 127.0.0.1 (the output docs/client.md shows):
//!
//! `cargo run -p client-tests --example call_spans`

use posthog_data_warehouse::client::runtime::RequestOptions;
use posthog_data_warehouse::client::{Client, RetryPolicy};
use std::time::Duration;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Spans are printed when they close, with their fields; the runtime's events down to TRACE (the bodies),
    // nothing from other crates.
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_target(false),
        )
        .with(Targets::new().with_target("apigen_runtime", LevelFilter::TRACE))
        .init();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let variable = serde_json::json!({
        "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08", "name": "Country", "type": "String",
        "default_value": "US", "created_by": 1, "created_at": "2024-05-01T10:00:00Z",
        "code_name": "country", "values": []
    });
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(variable))
        .mount(&server)
        .await;

    let client = Client::builder()
        .base_url(server.uri())
        .api_key("phx_secret")
        .retry_policy(RetryPolicy::default().initial_backoff(Duration::from_millis(100)))
        .build()?;
    let id = "497f6eca-6276-4993-bfeb-53cbbbba6f08".parse()?;
    let variable = client
        .insight_variables()
        .retrieve("@current", id)
        .with_options(RequestOptions::new().log_bodies(60))
        .send()
        .await?;
    println!("got {}", variable.name);
    Ok(())
}
