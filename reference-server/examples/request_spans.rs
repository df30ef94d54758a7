//! Prints what `tracing_subscriber::fmt` shows of two requests to the reference server (the generated PostHog
//! router) on 127.0.0.1: one answered, one refused for a missing scope (the output docs/server.md shows):
//!
//! `cargo run -p reference-server --example request_spans`

use reference_server::{Config, TokenSpec};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Spans are printed when they close, with their fields; the runtime's events only.
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_span_events(FmtSpan::CLOSE)
                .with_target(false),
        )
        .with(Targets::new().with_target("apigen_runtime", LevelFilter::TRACE))
        .init();

    let config = Config {
        tokens: vec!["phx_reader=insight_variable:read".parse::<TokenSpec>()?],
        log_requests: false,
        ..Config::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        reference_server::serve(listener, &config, async {
            let _ = stopped.await;
        })
        .await
    });

    let http = reqwest::Client::new();
    let list = http
        .get(format!("{base}/api/projects/@current/insight_variables/"))
        .bearer_auth("phx_reader")
        .header("X-Request-Id", "req-42")
        .send()
        .await?;
    println!("list: {}", list.status());
    let create = http
        .post(format!("{base}/api/projects/@current/insight_variables/"))
        .bearer_auth("phx_reader")
        .json(&serde_json::json!({"name": "Country", "type": "String"}))
        .send()
        .await?;
    println!("create: {} {}", create.status(), create.text().await?);
    let _ = stop.send(());
    server.await??;
    Ok(())
}
