//! A 50 MiB download through a `ByteStream` in bounded memory. A raw HTTP server on 127.0.0.1 writes the body
//! from one reused 64 KiB buffer, so neither side ever holds the body; a counting allocator (this test binary's
//! only test, so nothing else allocates meanwhile) measures the most heap the process held above what it held
//! before the download. The test fails if that peak reaches 8 MiB, a sixth of the body; it prints the figure.

use apigen_runtime::client::{
    BuildClient, ClientBuilder, HttpMethod, Operation, Request, RetryPolicy, Runtime,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The system allocator, counting the bytes held now and the most held since the last reset.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` has too.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from `alloc` above with this layout, as the caller guarantees.
        unsafe { System.dealloc(pointer, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const BODY: usize = 50 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;

struct Downloads(Runtime<String>);

impl BuildClient for Downloads {
    type ErrorBody = String;
    const DEFAULT_BASE_URL: &'static str = "http://127.0.0.1:9";
    const BASE_URL_ENV: Option<&'static str> = None;
    const USER_AGENT: &'static str = "memory-test/1.0";
    fn from_runtime(runtime: Runtime<String>) -> Self {
        Downloads(runtime)
    }
}

static CONTENT: Operation = Operation::new("files.content", HttpMethod::Get, "/files/f1/content")
    .accept("application/octet-stream");

#[tokio::test]
async fn a_50_mib_download_is_held_one_chunk_at_a_time() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("the client connects");
        let mut head = vec![0u8; 8192];
        let _ = socket.read(&mut head).await.expect("the request");
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {BODY}\r\n\r\n"
        );
        socket.write_all(answer.as_bytes()).await.expect("the head");
        // Every byte is its offset modulo 251, so the client can check it got each one in order.
        let mut chunk = vec![0u8; CHUNK];
        let mut sent = 0usize;
        while sent < BODY {
            for (i, byte) in chunk.iter_mut().enumerate() {
                *byte = ((sent + i) % 251) as u8;
            }
            socket.write_all(&chunk).await.expect("the body");
            sent += CHUNK;
        }
    });
    let client = ClientBuilder::<Downloads>::new()
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .map(|Downloads(runtime)| runtime)
        .expect("a valid configuration");
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let answer = Request::new(&client, &CONTENT, vec![])
        .send_streaming()
        .await
        .expect("a head");
    let mut body = answer.success().await.expect("a success");
    let (mut total, mut largest) = (0usize, 0usize);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("a chunk");
        assert!(
            chunk
                .iter()
                .enumerate()
                .all(|(i, b)| *b == ((total + i) % 251) as u8),
            "the bytes at {total} are the server's"
        );
        total += chunk.len();
        largest = largest.max(chunk.len());
    }
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    server.await.expect("the server finished");
    assert_eq!(total, BODY);
    println!(
        "50 MiB streamed: peak heap held above the baseline {peak} bytes ({:.2} MiB), largest chunk {largest} bytes",
        peak as f64 / (1024.0 * 1024.0)
    );
    assert!(
        peak < 8 * 1024 * 1024,
        "the download held {peak} bytes at its peak"
    );
}
