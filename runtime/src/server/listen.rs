//! [`serve`]: a router served on a TCP listener over HTTP/1.1 (hyper), with limits that slow and hostile clients
//! cannot get around and a graceful shutdown.
//!
//! `axum::serve` is the simplest way to serve a router, but it offers no limit on how long a client may take to
//! send its request head nor on the head's size, so one client sending a byte a minute holds a connection (and
//! its task) for ever. [`serve`] drives each connection with hyper's HTTP/1 server directly, configured from the
//! [`ServerOptions`]: the head must arrive within `header_read_timeout` (idle keep-alive connections are closed
//! after the same time), be at most `max_header_bytes` and `max_headers` fields (`431` otherwise); the body's own
//! limits (`body_limit`, `body_read_timeout`) are the router's.

use super::runtime::ServerOptions;
use axum::Router;
use futures::future::{select, Either};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::time::Duration;
use tokio::net::TcpListener;

/// How long to wait before accepting again after an error that is not about one connection (out of file
/// descriptors, say): long enough for the condition to clear, short enough not to be noticed.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `shutdown` completes, then stops accepting (the listener is closed, so new
/// connections are refused), lets the requests in flight finish (for at most
/// [`ServerOptions::shutdown_grace`]), closes idle connections and returns.
///
/// Fails only if the options cannot be applied (`max_header_bytes` below [`ServerOptions::MIN_HEADER_BYTES`]);
/// errors of one connection are logged at DEBUG and end that connection alone.
///
/// ```no_run
/// # async fn example(router: axum::Router) -> std::io::Result<()> {
/// use apigen_runtime::server::{serve, ServerOptions};
/// use std::time::Duration;
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8010").await?;
/// let options = ServerOptions::default().header_read_timeout(Duration::from_secs(10));
/// // `stop.send(())` from elsewhere (a signal handler, an admin task) shuts the server down.
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// # drop(stop);
/// serve(listener, router, &options, async {
///     let _ = stopped.await;
/// })
/// .await
/// # }
/// ```
pub async fn serve(
    listener: TcpListener,
    router: Router,
    options: &ServerOptions,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    if options.max_header_bytes < ServerOptions::MIN_HEADER_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "max_header_bytes is {}; it must be at least {} (hyper's smallest buffer)",
                options.max_header_bytes,
                ServerOptions::MIN_HEADER_BYTES
            ),
        ));
    }
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(options.header_read_timeout)
        .max_headers(options.max_headers)
        .max_header_size(options.max_header_bytes)
        // The read buffer must hold the largest head allowed; hyper's default (about 400 KiB) usually does.
        .max_buf_size(options.max_header_bytes.max(DEFAULT_BUFFER));
    let graceful = GracefulShutdown::new();
    let mut shutdown = pin!(shutdown);
    loop {
        let accepted = match select(pin!(listener.accept()), shutdown.as_mut()).await {
            Either::Left((accepted, _)) => accepted,
            Either::Right(((), _)) => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(error) => {
                if !is_connection_error(&error) {
                    tracing::error!("accepting a connection failed: {error}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
                continue;
            }
        };
        // Answers are small and written whole: sending them at once beats waiting to fill a packet.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("could not set TCP_NODELAY: {error}");
        }
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!("a connection ended with an error: {error}");
            }
        });
    }
    drop(listener);
    let finished = graceful.shutdown();
    match options.shutdown_grace {
        Some(grace) => {
            if tokio::time::timeout(grace, finished).await.is_err() {
                tracing::warn!(
                    "the shutdown grace of {grace:?} ran out with requests in flight; they are not waited for"
                );
            }
        }
        None => finished.await,
    }
    Ok(())
}

/// hyper's default read buffer (`max_buf_size`), kept unless a larger head is allowed.
const DEFAULT_BUFFER: usize = 8192 + 4096 * 100;

/// Errors of one connection that was being accepted (the client gave up): nothing to wait for.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
