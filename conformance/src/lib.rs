//! Conformance checks of the generated PostHog crate; the tests live in `tests/`.
//!
//! The README is included below so that its Rust examples run as doctests and cannot rot.
#![doc = include_str!("../../README.md")]
