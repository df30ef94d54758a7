//! The runtime of generated axum servers (feature `server`): what every generated handler calls.
//!
//! - [`auth`]: the bearer key, [`auth::Authenticate`] and [`auth::Caller`], and the spec's scope rules;
//! - [`error`]: [`error::ApiError`], why a request is refused, and the spec's error answers that render it;
//! - [`extract`]: request input to typed values, each failure a validation error naming the field;
//! - [`runtime`]: the router's state and the steps each handler runs, and the [`runtime::RequestContext`].

pub mod auth;
pub mod error;
pub mod extract;
pub mod runtime;

pub use auth::{Authenticate, Caller, ScopeRules};
pub use error::ApiError;
pub use extract::Validate;
pub use runtime::{RequestContext, ServerOptions};
