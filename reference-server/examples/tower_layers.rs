//! The generated router composed with tower layers (CORS, a time limit per request, a limit on requests in
//! flight) and served by the runtime's `serve` with its limits on slow clients, until Ctrl-C: the code
//! docs/server.md shows, compiled by `cargo test --workspace`.
//!
//! `cargo run -p reference-server --example tower_layers -- [ADDRESS]` (default 127.0.0.1:8010; key `dev-key`)

use axum::http::{HeaderName, Method, StatusCode};
use posthog_data_warehouse::server::{self, runtime::serve, ServerOptions};
use reference_server::{ReferenceServer, TokenSpec};
use std::time::Duration;
use tower::limit::ConcurrencyLimitLayer;
use tower::ServiceBuilder;
use tower_http::cors::CorsLayer;
use tower_http::timeout::TimeoutLayer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8010".to_owned());
    let tokens: Vec<TokenSpec> = vec!["dev-key=*".parse()?];

    // One set of options for both: the router applies the body's limits, `serve` the head's and shutdown's.
    let options = ServerOptions::default()
        .body_limit(256 * 1024)
        .body_read_timeout(Some(Duration::from_secs(10)))
        .header_read_timeout(Duration::from_secs(5))
        .max_header_bytes(16 * 1024)
        .shutdown_grace(Some(Duration::from_secs(20)));
    let router = server::router_with(ReferenceServer::new(&tokens), options.clone());

    // Outermost first: CORS answers preflights before anything else runs; then a request that takes longer
    // than 10 s in all gets `503` (clients retry it); then at most 256 requests run at once, the rest wait.
    let layers = ServiceBuilder::new()
        .layer(
            CorsLayer::new()
                .allow_origin(["https://app.example.com".parse()?])
                .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
                .allow_headers([
                    HeaderName::from_static("authorization"),
                    HeaderName::from_static("content-type"),
                ])
                .expose_headers([server::runtime::REQUEST_ID_HEADER]),
        )
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ))
        .layer(ConcurrencyLimitLayer::new(256));
    let app = router.layer(layers);

    let listener = tokio::net::TcpListener::bind(&address).await?;
    println!("listening on http://{}", listener.local_addr()?);
    let stop = async {
        // Without a signal handler the server can only be killed; wait forever rather than stop at once.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    serve(listener, app, &options, stop).await?;
    Ok(())
}
