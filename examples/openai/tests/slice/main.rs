//! The OpenAI slice's tests, one binary (each test binary is linked on its own, and the workspace's tests should stay
//! quick to build); the bounded-memory download is `tests/download_memory.rs`, alone in its binary.

mod common;
mod examples;
mod fake;
mod mock;
mod unions;
