//! What the real-API slices' example crates (`examples/github`, `examples/stripe`, `examples/openai`) share, so each
//! keeps only what is about its own API: serving a fake, and test helpers.

use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;
use std::alloc::{GlobalAlloc, Layout, System};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Serves `app` on an ephemeral port of 127.0.0.1 in a background task and returns its address; `name` (the fake's)
/// goes in the message if serving stops. The task runs until the runtime that spawned it shuts down (in tests: the
/// end of the test).
pub async fn serve(app: axum::Router, name: &'static str) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            eprintln!("{name} stopped: {error}");
        }
    });
    Ok(address)
}

/// Decodes `value` into `T` and encodes it back: the JSON must come back the same (compared as values, so key order
/// does not matter). Returns the decoded value for further checks.
pub fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> T {
    let decoded: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("does not decode into {}: {e}", std::any::type_name::<T>()));
    let encoded = serde_json::to_value(&decoded).expect("a model encodes");
    assert_eq!(
        &encoded,
        value,
        "{} does not encode back to the same JSON",
        std::any::type_name::<T>()
    );
    decoded
}

/// The example `name` of the crate at `manifest_dir` (its `CARGO_MANIFEST_DIR`): a file of its `tests/data/`, YAML
/// (or JSON, which YAML reads too, trailing commas and all, as published examples sometimes have them), as a JSON
/// value.
pub fn example(manifest_dir: &str, name: &str) -> Value {
    let path = format!("{manifest_dir}/tests/data/{name}");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `value` decodes into `expected`, and `expected` encodes back to `value`: one variant of a union round-trips.
pub fn variant<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    value: Value,
    expected: T,
) {
    assert_eq!(round_trip::<T>(&value), expected);
}

/// The decode error of `value` as `T`, which must fail and name each of `words` (the variants tried, the tag, ...).
pub fn refused<T: DeserializeOwned + std::fmt::Debug>(value: Value, words: &[&str]) -> String {
    let error = match serde_json::from_value::<T>(value.clone()) {
        Ok(decoded) => panic!("{value} decodes into {decoded:?}"),
        Err(error) => error.to_string(),
    };
    for word in words {
        assert!(error.contains(word), "`{error}` does not name {word}");
    }
    error
}

/// Every request `server` received, in order.
pub async fn received(server: &wiremock::MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("wiremock records requests by default")
}

/// The one request `server` received; fails the test when it received another number.
pub async fn only_request(server: &wiremock::MockServer) -> wiremock::Request {
    let mut requests = received(server).await;
    assert_eq!(requests.len(), 1, "requests received: {requests:?}");
    requests.remove(0)
}

/// The value of header `name` of `request`, if it was sent as text.
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The system allocator, counting the bytes held now and the most held since [`Counting::reset_peak`]. A
/// bounded-memory test installs it in a test binary of its own (`#[global_allocator] static A: Counting =
/// Counting::new();`) holding that one test, so nothing else allocates meanwhile.
#[derive(Debug, Default)]
pub struct Counting {
    held: AtomicUsize,
    peak: AtomicUsize,
}

impl Counting {
    /// Nothing counted yet.
    pub const fn new() -> Self {
        Counting {
            held: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// The bytes held now.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }

    /// The most bytes held since the last reset.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Starts a new peak from what is held now.
    pub fn reset_peak(&self) {
        self.peak.store(self.held(), Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` has too.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let now = self.held.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            self.peak.fetch_max(now, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: `pointer` came from `alloc` above with this layout, as the caller guarantees.
        unsafe { System.dealloc(pointer, layout) };
        self.held.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}
