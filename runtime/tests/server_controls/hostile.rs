//! `serve` against slow and hostile clients: a head trickled in byte by byte or a body that stalls is cut off
//! (the connection closed, or `408`) while other clients are served; a huge head or too many headers get `431`,
//! a body over the limit `413`.

use super::support::*;
use apigen_runtime::server::ServerOptions;
use std::time::Duration;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// Short limits, so the tests finish quickly: the head within 1 s, the body within 300 ms, 16 KiB of head, 20
/// header fields, 1 KiB of body.
fn strict() -> ServerOptions {
    ServerOptions::default()
        .header_read_timeout(Duration::from_secs(1))
        .body_read_timeout(Some(Duration::from_millis(300)))
        .max_header_bytes(16 * 1024)
        .max_headers(20)
        .body_limit(1024)
}

const HEAD: &[u8] = b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris\r\n\r\n";

/// Sends `bytes` one at a time, `pause` apart, until the server closes the connection or answers; returns how
/// many bytes went out and what the server sent.
async fn trickle(stream: &mut TcpStream, bytes: &[u8], pause: Duration) -> (usize, String) {
    let mut buffer = [0u8; 1024];
    for (sent, byte) in bytes.iter().enumerate() {
        if stream.write_all(&[*byte]).await.is_err() {
            return (sent, String::new());
        }
        // Waiting for the server's word is the pause between two bytes.
        match tokio::time::timeout(pause, stream.read(&mut buffer)).await {
            Err(_) => continue,
            Ok(Ok(0) | Err(_)) => return (sent + 1, String::new()),
            Ok(Ok(n)) => {
                let mut answer = String::from_utf8_lossy(&buffer[..n]).into_owned();
                answer.push_str(&read_to_close(stream).await);
                return (sent + 1, answer);
            }
        }
    }
    (bytes.len(), read_to_close(stream).await)
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_is_cut_off() {
    let (router, _gate) = router(strict(), true);
    let served = start(router, strict()).await;
    let mut stream = TcpStream::connect(served.addr).await.expect("accepted");
    // Four bytes a second: the 63-byte head would take 16 s; the server allows 1 s.
    let (sent, answer) = guarded(
        "trickling a head",
        trickle(&mut stream, HEAD, Duration::from_millis(250)),
    )
    .await;
    assert!(sent < HEAD.len(), "the whole head got through: {answer:?}");
    assert!(
        answer.is_empty() || status_of(&answer) == 408,
        "unexpected answer: {answer:?}"
    );
}

#[tokio::test]
async fn a_body_that_stalls_or_trickles_gets_408_and_the_connection_is_closed() {
    let (router, _gate) = router(strict(), true);
    let served = start(router, strict()).await;
    let head = format!(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    );

    // Stops mid-body: 10 of the 100 bytes announced, then nothing.
    let mut stream = TcpStream::connect(served.addr).await.expect("accepted");
    stream
        .write_all(format!("{head}{{\"a\": \"12").as_bytes())
        .await
        .expect("sent");
    let answer = read_to_close(&mut stream).await;
    assert_eq!(status_of(&answer), 408, "{answer:?}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer:?}"
    );

    // Trickles: a byte every 100 ms would take 10 s; the server allows 300 ms for the whole body.
    let mut stream = TcpStream::connect(served.addr).await.expect("accepted");
    stream.write_all(head.as_bytes()).await.expect("sent");
    let body = [b' '; 100];
    let (sent, answer) = guarded(
        "trickling a body",
        trickle(&mut stream, &body, Duration::from_millis(100)),
    )
    .await;
    assert!(sent < body.len());
    assert_eq!(status_of(&answer), 408, "{answer:?}");
}

#[tokio::test]
async fn slow_clients_do_not_keep_others_from_being_served() {
    let (router, _gate) = router(strict(), true);
    let served = start(router, strict()).await;
    // Fifty connections that sent half a head and stopped.
    let mut stalled = Vec::new();
    for _ in 0..50 {
        let mut stream = TcpStream::connect(served.addr).await.expect("accepted");
        stream.write_all(&HEAD[..20]).await.expect("sent");
        stalled.push(stream);
    }
    let answer = exchange(
        served.addr,
        b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status_of(&answer), 200, "{answer:?}");
    assert_eq!(body_of(&answer), r#"{"hello":"world"}"#);
    // And the server closes every stalled one (after the head timeout).
    for mut stream in stalled {
        let rest = read_to_close(&mut stream).await;
        assert!(rest.is_empty() || status_of(&rest) == 408, "{rest:?}");
    }
}

#[tokio::test]
async fn huge_heads_and_too_many_headers_get_431() {
    let (router, _gate) = router(strict(), true);
    let served = start(router, strict()).await;
    let huge = format!(
        "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\n\r\n",
        "a".repeat(64 * 1024)
    );
    let answer = exchange(served.addr, huge.as_bytes()).await;
    assert_eq!(status_of(&answer), 431, "{answer:?}");

    let mut many = String::from("GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..30 {
        many.push_str(&format!("X-Header-{i}: {i}\r\n"));
    }
    many.push_str("\r\n");
    let answer = exchange(served.addr, many.as_bytes()).await;
    assert_eq!(status_of(&answer), 431, "{answer:?}");

    // Within the limits, the same request is served.
    let fine = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Small: a\r\nConnection: close\r\n\r\n";
    assert_eq!(
        status_of(&exchange(served.addr, fine.as_bytes()).await),
        200
    );
}

#[tokio::test]
async fn bodies_over_the_limit_get_413_declared_or_chunked() {
    let (router, _gate) = router(strict(), true);
    let served = start(router, strict()).await;
    let body = format!("{{\"a\": \"{}\"}}", "x".repeat(2048));
    let declared = format!(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange(served.addr, declared.as_bytes()).await;
    assert_eq!(status_of(&answer), 413, "{answer:?}");
    assert_eq!(body_of(&answer), r#"{"code":"payload_too_large"}"#);

    // Without a length: chunks, cut off when they pass the limit.
    let mut chunked = format!(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for _ in 0..4 {
        chunked.push_str(&format!("200\r\n{}\r\n", "y".repeat(0x200)));
    }
    chunked.push_str("0\r\n\r\n");
    let answer = exchange(served.addr, chunked.as_bytes()).await;
    assert_eq!(status_of(&answer), 413, "{answer:?}");
}

#[tokio::test]
async fn a_head_limit_hyper_cannot_apply_is_an_error() {
    let options = ServerOptions::default().max_header_bytes(1024);
    let (router, _gate) = router(options.clone(), true);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let outcome = apigen_runtime::server::serve(listener, router, &options, async {}).await;
    let error = outcome.expect_err("refused");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("8192"), "{error}");
}
