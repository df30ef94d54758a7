//! Emits the `client` module (cargo feature `client`): the async reqwest client.

use super::{GeneratedFile, Options};
use crate::ir::Api;
use crate::Error;

/// The client's files; empty until the client emitter exists.
pub fn files(_api: &Api, _opts: &Options) -> Result<Vec<GeneratedFile>, Error> {
    Ok(Vec::new())
}
