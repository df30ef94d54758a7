//! The Stripe slice's tests, one binary (each test binary is linked on its own, and the workspace's tests should stay
//! quick to build).

mod common;
mod examples;
mod fake;
mod mock;
mod unions;
