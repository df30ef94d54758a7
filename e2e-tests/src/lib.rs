//! End-to-end tests of the generated PostHog client against the reference server live in `tests/`; this crate has
//! no code of its own.
