//! Graceful shutdown: once asked, `serve` refuses new connections, lets the request in flight finish and answer,
//! then returns; a grace period bounds how long it waits.

use super::support::*;
use apigen_runtime::server::ServerOptions;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpStream;

const SLOW_REQUEST: &[u8] = b"GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// Connects until the listener is gone (a bounded number of tries); true if a connection was refused.
async fn refused(addr: std::net::SocketAddr) -> bool {
    for _ in 0..200 {
        if TcpStream::connect(addr).await.is_err() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

/// Serves the test API with `options`, starts a `/slow` request, waits until its handler runs, then asks for the
/// shutdown; returns the server, the handler's gate and the request's connection.
async fn stop_during_a_request(options: ServerOptions) -> (Served, Arc<Gate>, TcpStream) {
    let (router, gate) = router(options.clone(), true);
    let mut served = start(router, options).await;
    let mut in_flight = TcpStream::connect(served.addr).await.expect("accepted");
    in_flight.write_all(SLOW_REQUEST).await.expect("sent");
    guarded("the handler starting", gate.entered.notified()).await;
    if let Some(stop) = served.stop.take() {
        let _ = stop.send(());
    }
    (served, gate, in_flight)
}

#[tokio::test]
async fn in_flight_requests_finish_and_new_connections_are_refused() {
    let options = ServerOptions::default().shutdown_grace(None);
    let (mut served, gate, mut in_flight) = stop_during_a_request(options).await;
    assert!(
        refused(served.addr).await,
        "new connections are still accepted"
    );
    assert!(
        !served.task.is_finished(),
        "serve returned with a request in flight"
    );

    gate.release.notify_one();
    let answer = read_to_close(&mut in_flight).await;
    assert_eq!(status_of(&answer), 200, "{answer:?}");
    assert_eq!(body_of(&answer), r#"{"slow":"done"}"#);
    let outcome = guarded("serve returning", &mut served.task).await;
    assert!(matches!(outcome, Ok(Ok(()))), "{outcome:?}");
}

#[tokio::test]
async fn the_grace_period_bounds_the_wait_for_requests_in_flight() {
    let options = ServerOptions::default().shutdown_grace(Some(Duration::from_millis(100)));
    let (mut served, _gate, _in_flight) = stop_during_a_request(options).await;
    // The handler is never released: serve returns once the grace is over.
    let outcome = guarded("serve returning", &mut served.task).await;
    assert!(matches!(outcome, Ok(Ok(()))), "{outcome:?}");
}
