//! apigen: a concise YAML API spec in, a Rust crate out (serde models, an async reqwest client, axum server stubs).
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`load`] (YAML → [`spec`] types with positions) → [`validate`] (every problem at once) → [`lower`] (→ [`ir`])
//! → [`emit`] (→ file contents) → [`mod@write`] (the only stage with IO). [`generate`] runs the pure part.

pub mod builder;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod ident;
pub mod ir;
pub mod load;
pub mod lower;
pub mod prose;
pub mod runtime;
pub mod spec;
pub mod validate;
pub mod write;
pub mod yaml;

pub use builder::Builder;
pub use diagnostic::Diagnostic;
pub use emit::{GeneratedFile, Options};
pub use runtime::Runtime;

use std::path::PathBuf;

/// Everything that can go wrong, as values.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The spec has problems; `rendered` is the human-readable report (file:line:col, source line, hint).
    #[error("{rendered}")]
    Spec {
        diagnostics: Vec<Diagnostic>,
        rendered: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{col}: the spec file is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8", path.display())]
    NotUtf8 {
        path: PathBuf,
        offset: usize,
        line: usize,
        col: usize,
    },
    #[error("{}: the output path exists and is not a directory; point --out at a directory", .0.display())]
    OutNotDir(PathBuf),
    /// A bug in the generator (emitted tokens that do not parse, a template that does not render).
    #[error("internal error (please report): {0}")]
    Internal(String),
}

/// How long each stage took, for benchmarks (`apigen --timings`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    pub load: std::time::Duration,
    pub validate: std::time::Duration,
    pub lower: std::time::Duration,
    /// Building tokens, rendering templates and formatting, wall time (the artifacts are emitted in parallel).
    pub emit: std::time::Duration,
    /// syn parsing and prettyplease formatting of the emitted Rust, CPU time summed over the emitter threads (part of
    /// `emit`).
    pub format: std::time::Duration,
}

/// [`generate`], timing each stage.
pub fn generate_timed(
    path: &str,
    source: &str,
    opts: &Options,
) -> Result<(Vec<GeneratedFile>, Timings), Error> {
    use std::time::Instant;
    let mut t = Timings::default();
    let started = Instant::now();
    let (spec, mut diagnostics) = load::load_partial(source);
    t.load = started.elapsed();
    let started = Instant::now();
    if let Some(spec) = &spec {
        diagnostics.extend(validate::validate(spec));
    }
    t.validate = started.elapsed();
    let spec = match spec {
        Some(spec) if diagnostics.is_empty() => spec,
        _ => {
            diagnostics.sort_by_key(|d| (d.span.line, d.span.col));
            let rendered = diagnostic::render(&diagnostics, path, source, false);
            return Err(Error::Spec {
                diagnostics,
                rendered,
            });
        }
    };
    let started = Instant::now();
    let api = lower::lower(&spec)?;
    t.lower = started.elapsed();
    use std::sync::atomic::Ordering;
    emit::file::FORMAT_NANOS.store(0, Ordering::Relaxed);
    let started = Instant::now();
    let files = emit::emit(&api, opts)?;
    t.format = std::time::Duration::from_nanos(emit::file::FORMAT_NANOS.load(Ordering::Relaxed));
    t.emit = started.elapsed();
    Ok((files, t))
}

/// Runs the pure pipeline on spec text: load → validate → lower → emit. `path` is only used in messages.
pub fn generate(
    path: &str,
    source: &str,
    opts: &Options,
    color: bool,
) -> Result<Vec<GeneratedFile>, Error> {
    let api = lower_source(path, source, color)?;
    emit::emit(&api, opts)
}

/// load → validate → lower, with diagnostics rendered against `source`.
pub fn lower_source(path: &str, source: &str, color: bool) -> Result<ir::Api, Error> {
    let spec_error = |mut diagnostics: Vec<Diagnostic>| {
        // Report in reading order, as a compiler does.
        diagnostics.sort_by_key(|d| (d.span.line, d.span.col));
        let rendered = diagnostic::render(&diagnostics, path, source, color);
        Error::Spec {
            diagnostics,
            rendered,
        }
    };
    let (spec, mut diagnostics) = load::load_partial(source);
    let Some(spec) = spec else {
        return Err(spec_error(diagnostics));
    };
    // Validation runs even after load errors, on what could be read, so one run reports every problem.
    diagnostics.extend(validate::validate(&spec));
    if !diagnostics.is_empty() {
        return Err(spec_error(diagnostics));
    }
    lower::lower(&spec)
}

/// Reads a spec file, refusing text that is not UTF-8 with the offset of the first bad byte.
pub fn read_spec(path: &std::path::Path) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        // The prefix before the bad byte is valid UTF-8, so line and column can be counted in characters.
        let before = String::from_utf8_lossy(&e.as_bytes()[..offset]);
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Error::NotUtf8 {
            path: path.to_path_buf(),
            offset,
            line,
            col,
        }
    })
}
