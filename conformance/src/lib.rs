//! Conformance checks of the generated PostHog crate; the tests live in `tests/`.
//!
//! The README is included below so that its Rust examples run as doctests and cannot rot.
// The README shows a build script, and a build script's `main` is the point of that example.
#![allow(clippy::needless_doctest_main)]
#![doc = include_str!("../../README.md")]
