//! `garden-server`: serves the in-memory garden API on a loopback address until Ctrl-C, for tools that test it from
//! outside (the schemathesis contract test in `.ci/run`).
//!
//! `cargo run -p garden-example --bin garden-server -- --listen 127.0.0.1:8020` (port 0 picks a free one). The first
//! line printed is `garden-server listening on http://ADDR`, so a caller that asked for port 0 learns the port; the
//! keys are [`garden_example::DEMO_KEYS`] (`admin-key` holds every scope).

use apigen_runtime::axum;
use garden_example::{app, GardenServer, DEMO_KEYS};
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let listen = match listen_address(std::env::args().skip(1)) {
        Ok(address) => address,
        Err(message) => {
            eprintln!("error: {message}\nusage: garden-server [--listen 127.0.0.1:PORT]");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("error: cannot listen on {listen}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let address = listener.local_addr().unwrap_or(listen);
    println!("garden-server listening on http://{address}");
    for (key, scopes) in DEMO_KEYS {
        println!("  key {key}: {scopes:?}");
    }
    // A caller reading the address through a pipe must see it now, not when the buffer fills.
    let _ = std::io::stdout().flush();
    let served = axum::serve(listener, app(GardenServer::demo()))
        .with_graceful_shutdown(async {
            // Without a signal handler the server can only be killed: wait forever rather than stop at once.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await;
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The `--listen` address of the arguments, by default 127.0.0.1:8020.
fn listen_address(mut args: impl Iterator<Item = String>) -> Result<SocketAddr, String> {
    let mut listen = SocketAddr::from(([127, 0, 0, 1], 8020));
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--listen=") {
            Some(value) => value.to_owned(),
            None if arg == "--listen" => args.next().ok_or("--listen needs an address")?,
            None => return Err(format!("unknown argument `{arg}`")),
        };
        listen = value
            .parse()
            .map_err(|e| format!("--listen `{value}`: {e}"))?;
    }
    Ok(listen)
}

#[cfg(test)]
mod tests {
    use super::listen_address;

    fn parse(args: &[&str]) -> Result<String, String> {
        listen_address(args.iter().map(|a| (*a).to_owned())).map(|a| a.to_string())
    }

    #[test]
    fn reads_the_listen_address() {
        assert_eq!(parse(&[]).as_deref(), Ok("127.0.0.1:8020"));
        assert_eq!(
            parse(&["--listen", "127.0.0.1:0"]).as_deref(),
            Ok("127.0.0.1:0")
        );
        assert_eq!(
            parse(&["--listen=127.0.0.1:9"]).as_deref(),
            Ok("127.0.0.1:9")
        );
        assert!(parse(&["--listen"]).is_err());
        assert!(parse(&["--listen", "nowhere"]).is_err());
        assert!(parse(&["--port", "1"]).is_err());
    }
}
