//! `reference-server`: serves the in-memory PostHog data-warehouse API until Ctrl-C.
//!
//! `cargo run -p reference-server -- --listen 127.0.0.1:8010 --token KEY=SCOPE[,SCOPE...]` (`--token` may be
//! repeated; `*` grants every scope).

use clap::Parser;
use reference_server::store::DemoSource;
use reference_server::{Config, TokenSpec, CURRENT_PROJECT};
use std::net::SocketAddr;
use std::process::ExitCode;

/// An in-memory PostHog data-warehouse API server built on the generated axum stubs.
#[derive(Parser)]
#[command(name = "reference-server", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8010")]
    listen: SocketAddr,
    /// An accepted API key and its scopes, `KEY=SCOPE[,SCOPE...]` (`*` for every scope). Repeatable.
    #[arg(long = "token", value_name = "KEY=SCOPES", required = true)]
    tokens: Vec<TokenSpec>,
    /// Largest request body accepted, in bytes (413 beyond).
    #[arg(long, default_value_t = posthog_data_warehouse::server::ServerOptions::DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Do not log requests.
    #[arg(long)]
    quiet: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let config = Config {
        tokens: args.tokens,
        body_limit: args.body_limit,
        log_requests: !args.quiet,
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or(args.listen);
    println!("reference-server listening on http://{address}");
    println!("demo external data sources of project {CURRENT_PROJECT} (@current):");
    for source in DemoSource::ALL {
        println!("  {:?}: {}", source, source.id(CURRENT_PROJECT));
    }
    match reference_server::serve(listener, &config, shutdown_signal()).await {
        Ok(()) => {
            println!("reference-server stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on Ctrl-C (or SIGTERM on Unix), so that the server finishes the requests in flight and exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // Without a signal handler the server can only be killed; wait forever rather than stop at once.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
