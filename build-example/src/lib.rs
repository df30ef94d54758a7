//! A crate that generates its API module at build time with `apigen::Builder` (see `build.rs`).

/// The Todo API, generated from `todo.yaml`.
#[allow(missing_docs)]
pub mod api {
    include!(concat!(env!("OUT_DIR"), "/todo_api.rs"));
}
