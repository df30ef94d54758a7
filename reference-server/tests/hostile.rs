//! The generated PostHog router served by the runtime's `serve` against hostile input over real TCP on
//! 127.0.0.1: a body that stops mid-way (`408`, connection closed), a body over the limit (`413` with PostHog's
//! body), a huge head and too many headers (`431`); the request id is echoed. The runtime's own tests
//! (`runtime/tests/server_controls`) cover trickled heads, shutdown and the limits in detail.

use posthog_data_warehouse::server::{self, runtime::serve, ServerOptions};
use reference_server::{ReferenceServer, TokenSpec};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const KEY: &str = "hostile-key";

/// Serves the reference server with `options` on an ephemeral port until the test ends. The router gets the
/// same options as `serve`: the body's limits are the router's, the head's are `serve`'s.
async fn start(options: ServerOptions) -> SocketAddr {
    let tokens = [format!("{KEY}=*")
        .parse::<TokenSpec>()
        .expect("a valid token")];
    let router = server::router_with(ReferenceServer::new(&tokens), options.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(async move { serve(listener, router, &options, std::future::pending()).await });
    addr
}

/// Sends `bytes` and reads until the server closes the connection; a hang fails the test after 20 s.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("accepted");
    stream.write_all(bytes).await.expect("sent");
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server neither answered nor closed");
    String::from_utf8_lossy(&answer).into_owned()
}

fn create(extra_headers: &str, length: usize, body: &str) -> String {
    format!(
        "POST /api/projects/1/insight_variables/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {KEY}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\
         Connection: close\r\n{extra_headers}\r\n{body}"
    )
}

#[tokio::test]
async fn the_generated_router_refuses_hostile_input() {
    let options = ServerOptions::default()
        .body_limit(4096)
        .body_read_timeout(Some(Duration::from_millis(300)))
        .max_header_bytes(16 * 1024)
        .max_headers(50);
    let addr = start(options).await;

    let body = r#"{"name": "Country", "type": "String"}"#;
    let answer = exchange(
        addr,
        create("X-Request-Id: hostile-1\r\n", body.len(), body).as_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-request-id: hostile-1"),
        "{answer}"
    );

    let stalled = exchange(addr, create("", 1000, r#"{"name": "Cou"#).as_bytes()).await;
    assert!(stalled.starts_with("HTTP/1.1 408"), "{stalled}");

    let big = format!(r#"{{"name": "{}", "type": "String"}}"#, "x".repeat(8192));
    let answer = exchange(addr, create("", big.len(), &big).as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains(r#""code":"payload_too_large""#), "{answer}");

    let huge = create(
        &format!("X-Big: {}\r\n", "a".repeat(32 * 1024)),
        body.len(),
        body,
    );
    assert!(exchange(addr, huge.as_bytes())
        .await
        .starts_with("HTTP/1.1 431"));
    let many: String = (0..60).map(|i| format!("X-H{i}: {i}\r\n")).collect();
    let answer = exchange(addr, create(&many, body.len(), body).as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer}");
}
