//! Emits the `server` module (cargo feature `server`): axum route stubs with auth and scope enforcement.

use super::{GeneratedFile, Options};
use crate::ir::Api;
use crate::Error;

/// The server's files; empty until the server emitter exists.
pub fn files(_api: &Api, _opts: &Options) -> Result<Vec<GeneratedFile>, Error> {
    Ok(Vec::new())
}
