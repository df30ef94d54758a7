//! Tests of the generated client live in `tests/`; this library only compiles the client guide's example.
//!
//! `docs/client.md` is included as this crate's documentation so that its Rust example is a doctest: it must
//! compile against the generated crate, or `cargo test --workspace` fails.
#![doc = include_str!("../../docs/client.md")]
