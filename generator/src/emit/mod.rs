//! emit: the IR → the generated crate's files (path → text), in memory.
//!
//! One module per artifact, each a printer of the IR: it looks nothing up that could be missing and decides
//! nothing the IR has not decided. Rust files are built with quote and formatted once by prettyplease ([`mod@file`]);
//! the non-Rust files (Cargo.toml, README.md, API.md) are rendered from the minijinja templates in `templates/`.
//! Support code is the `apigen-runtime` crate, which generated code names as `super::rt`.

mod api_doc;
mod client;
mod crate_files;
pub mod file;
mod lib_rs;
mod models;
pub mod module;
mod openapi;
mod server;
pub(crate) mod tokens;

pub use file::{header_line, header_path, MARKER};

use crate::ir::Api;
use crate::runtime::Runtime;
use crate::Error;

/// What to generate and how to describe it in headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The spec path as shown in headers, never absolute, so output does not depend on the machine or the working
    /// directory: relative to the generated crate ([`header_path`]), or to the repository for its own outputs.
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
    /// One cargo feature per resource (all on by default), gating its client and server code. Off for a module
    /// `include!`d by a build script, whose crate has its own features.
    pub resource_features: bool,
}

/// One generated file: its path relative to the output directory, and its full text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// One file to produce. Jobs are independent, so they run on every core; token streams never cross threads (they
/// are not `Send`), only finished text does, and each job's tokens are freed as soon as its file is formatted.
type Job<'a> = Box<dyn Fn() -> Result<Vec<GeneratedFile>, Error> + Send + Sync + 'a>;

/// Every file of the generated crate, sorted by path.
pub fn emit(api: &Api, opts: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let mut jobs: Vec<Job> = vec![
        Box::new(|| {
            Ok(vec![
                crate_files::cargo_toml(api, opts)?,
                crate_files::readme(api, opts)?,
            ])
        }),
        Box::new(|| {
            Ok(vec![file::rust_file(
                opts,
                "src/lib.rs",
                lib_rs::emit(api, opts),
            )?])
        }),
        Box::new(|| {
            Ok(vec![file::rust_file(
                opts,
                "src/models.rs",
                models::emit(api),
            )?])
        }),
        Box::new(|| Ok(vec![openapi::file(api, opts)?])),
        Box::new(|| Ok(vec![api_doc::file(api, opts)?])),
    ];
    if opts.client {
        jobs.push(Box::new(|| client::module_file(api, opts).map(|f| vec![f])));
        for r in &api.resources {
            jobs.push(Box::new(move || {
                client::resource_file(api, r, opts).map(|f| vec![f])
            }));
        }
    }
    if opts.server {
        jobs.push(Box::new(|| server::module_file(api, opts).map(|f| vec![f])));
        for r in &api.resources {
            jobs.push(Box::new(move || {
                server::resource_file(api, r, opts).map(|f| vec![f])
            }));
        }
    }
    let mut files = run(&jobs)?;
    if opts.runtime.is_vendored() {
        for (path, source, origin) in crate::runtime::vendored_sources() {
            files.push(file::runtime_file(opts, &path, &origin, &source));
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Runs the jobs on up to one thread per core, each thread taking the next job as it finishes one. The first
/// error is returned; a panic is a generator bug, reported as an error rather than re-raised.
fn run(jobs: &[Job]) -> Result<Vec<GeneratedFile>, Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(jobs.len())
        .max(1);
    let results: Vec<Result<Vec<GeneratedFile>, Error>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else { break };
                        out.push(job());
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| {
                w.join().unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    vec![Err(Error::Internal(format!("an emitter panicked: {what}")))]
                })
            })
            .collect()
    });
    let mut files = Vec::new();
    for result in results {
        files.extend(result?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
