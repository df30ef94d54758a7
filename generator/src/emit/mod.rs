//! emit: the IR → the generated crate's files (path → text), in memory.
//!
//! One module per artifact. Rust files are built with quote and formatted once by prettyplease; the non-Rust files
//! (Cargo.toml, README.md) are rendered from the minijinja templates in `templates/`. Support code (the
//! `Nullable` type, the client's executor, the server's runtime) is the `apigen-runtime` crate, which generated code
//! names as `super::rt`; only a vendored runtime is copied in, with the generated header in front.

mod api_doc;
mod client;
mod crate_files;
mod lib_rs;
mod models;
pub mod module;
mod openapi;
mod server;
pub(crate) mod tokens;

use crate::ir::Api;
use crate::runtime::Runtime;
use crate::Error;

/// What to generate and how to describe it in headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The spec path as shown in headers (relative to the repository, so output does not depend on the machine).
    pub spec_display: String,
    /// The command that regenerates the output, shown in headers.
    pub regenerate: String,
    /// Emit the `client` module and feature.
    pub client: bool,
    /// Emit the `server` module and feature.
    pub server: bool,
    /// Add an empty `[workspace]` so the crate builds on its own inside another workspace's tree.
    pub standalone: bool,
    /// Where the crate gets `apigen-runtime` from.
    pub runtime: Runtime,
}

/// One generated file: its path relative to the output directory, and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// The marker every generated file carries in its first line; the writer only ever deletes files that have it.
pub const MARKER: &str = "@generated";

pub fn header_line(opts: &Options) -> String {
    format!(
        "{MARKER} by apigen from {}. Do not edit: regenerate with `{}`.",
        opts.spec_display, opts.regenerate
    )
}

fn rust_file(
    opts: &Options,
    name: &str,
    tokens: proc_macro2::TokenStream,
) -> Result<GeneratedFile, Error> {
    let body = tokens::format_file(name, tokens)?;
    Ok(GeneratedFile {
        path: name.to_owned(),
        contents: format!("// {}\n\n{body}", header_line(opts)),
    })
}

/// A file of the vendored runtime, copied with the generated header in front.
fn runtime_file(opts: &Options, path: &str, origin: &str, source: &str) -> GeneratedFile {
    GeneratedFile {
        path: path.to_owned(),
        contents: format!(
            "// {}\n// (copied from apigen-runtime {}, {origin})\n\n{source}",
            header_line(opts),
            crate::runtime::VERSION
        ),
    }
}

/// Every file of the generated crate, sorted by path.
pub fn emit(api: &Api, opts: &Options) -> Result<Vec<GeneratedFile>, Error> {
    // The artifacts are independent, and building and formatting them is most of a run: each gets a thread. Token
    // streams never cross threads (they are not `Send`); only finished text does.
    let (client_files, server_files, models_file, openapi_file, api_doc_file) =
        std::thread::scope(|scope| {
            let client = scope.spawn(|| {
                if opts.client {
                    client::files(api, opts)
                } else {
                    Ok(Vec::new())
                }
            });
            let server = scope.spawn(|| {
                if opts.server {
                    server::files(api, opts)
                } else {
                    Ok(Vec::new())
                }
            });
            let models = scope.spawn(|| rust_file(opts, "src/models.rs", models::emit(api)));
            let openapi = scope.spawn(|| openapi::file(api, opts));
            let api_doc = api_doc::file(api, opts, &|api, op| {
                if opts.client {
                    client::rust_example(api, op)
                } else {
                    None
                }
            });
            (
                joined(client),
                joined(server),
                joined(models),
                joined(openapi),
                api_doc,
            )
        });
    let (client_files, server_files) = (client_files?, server_files?);
    // A feature's module is declared only when its emitter produced it.
    let modules = lib_rs::Modules {
        client: !client_files.is_empty(),
        server: !server_files.is_empty(),
    };
    let mut files = vec![
        crate_files::cargo_toml(api, opts)?,
        crate_files::readme(api, opts)?,
        rust_file(opts, "src/lib.rs", lib_rs::emit(api, opts, modules))?,
        models_file?,
        openapi_file?,
        api_doc_file?,
    ];
    files.extend(client_files);
    files.extend(server_files);
    if opts.runtime.is_vendored() {
        for (path, source, origin) in crate::runtime::vendored_sources() {
            files.push(runtime_file(opts, path, origin, &source));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The result of an emitter thread; a panic there is a generator bug, reported as an error rather than re-raised.
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, Result<T, Error>>) -> Result<T, Error> {
    handle.join().unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Error::Internal(format!("an emitter panicked: {what}")))
    })
}
