//! A builder for `build.rs` scripts, in the convention of prost-build and tonic-build.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     apigen::Builder::new("api.yaml").server(false).compile()?;
//!     Ok(())
//! }
//! ```
//!
//! ```text
//! // src/lib.rs
//! pub mod api {
//!     include!(concat!(env!("OUT_DIR"), "/my_api.rs"));
//! }
//! ```
//!
//! The module reaches its support code as `::apigen_runtime`, so the including crate depends on `apigen-runtime`
//! itself, with the features of the parts it generates (`client`, `server`):
//!
//! ```toml
//! [dependencies]
//! apigen-runtime = { path = "../apigen/runtime", features = ["client"] }
//! ```

use crate::emit::{self, Options};
use crate::runtime::Runtime;
use crate::write::WriteReport;
use crate::Error;
use std::path::{Path, PathBuf};

/// Configures and runs one generation from a `build.rs` (or any program).
#[derive(Debug, Clone)]
pub struct Builder {
    spec: PathBuf,
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    client: bool,
    server: bool,
    runtime: Runtime,
}

impl Builder {
    /// Starts from the spec at `spec` (relative paths are relative to the current directory, which in a build
    /// script is the package's directory). By default the client is emitted and the server is not.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Builder {
            spec: spec.into(),
            out_dir: None,
            file_name: None,
            client: true,
            server: false,
            runtime: Runtime::Vendored,
        }
    }

    /// Emit the async client (the including crate enables `apigen-runtime`'s `client` feature).
    pub fn client(mut self, on: bool) -> Self {
        self.client = on;
        self
    }

    /// Emit the axum server stubs (the including crate enables `apigen-runtime`'s `server` feature).
    pub fn server(mut self, on: bool) -> Self {
        self.server = on;
        self
    }

    /// Where [`Builder::compile`] writes (default: `$OUT_DIR`).
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Where a crate written by [`Builder::generate_crate`] gets `apigen-runtime` from (default: vendored, which
    /// needs nothing but crates.io). A [`Runtime::Path`] is written as given. [`Builder::compile`] ignores it: the
    /// module it writes always uses the including crate's `apigen-runtime` dependency.
    pub fn runtime(mut self, runtime: Runtime) -> Self {
        self.runtime = runtime;
        self
    }

    /// The module file's name (default: the spec's crate name, e.g. `my_api.rs`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The options of one generation, naming the spec in headers as seen from `base` (see [`emit::header_path`]).
    fn options(&self, base: &Path, standalone: bool, runtime: Runtime) -> Options {
        let spec_display = emit::header_path(&self.spec, base);
        Options {
            regenerate: "cargo build (the build script runs apigen)".into(),
            spec_display,
            client: self.client,
            server: self.server,
            standalone,
            // A whole crate has its resource features; a module `include!`d into another crate does not.
            resource_features: standalone,
            runtime,
        }
    }

    /// Generates one module file into the output directory, to be `include!`d, and tells cargo to re-run the build
    /// script when the spec changes. Returns the file's path. An unchanged file is not rewritten.
    pub fn compile(self) -> Result<PathBuf, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    Error::Internal(
                        "OUT_DIR is not set: call Builder::out_dir outside a build script".into(),
                    )
                })?,
        };
        println!("cargo:rerun-if-changed={}", self.spec.display());
        let source = crate::read_spec(&self.spec)?;
        // A vendored runtime's `#[cfg(feature = ...)]` would name the including crate's features, which it need
        // not have: the module uses the including crate's own dependency on the runtime instead.
        // The module lands in OUT_DIR, under target/: its header names the spec from the package's directory.
        let package = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        let opts = self.options(&package, false, Runtime::pinned());
        let api = crate::lower_source(&opts.spec_display, &source, false)?;
        let files = emit::emit(&api, &opts)?;
        let text = emit::module::assemble(&files, &emit::header_line(&opts))?;
        let name = self
            .file_name
            .clone()
            .unwrap_or_else(|| format!("{}.rs", api.crate_name));
        let file = emit::GeneratedFile {
            path: name.clone(),
            contents: text,
        };
        std::fs::create_dir_all(&out_dir).map_err(|source| Error::Io {
            path: out_dir.clone(),
            source,
        })?;
        crate::write::write_files(&out_dir, &[file])?;
        Ok(out_dir.join(name))
    }

    /// Generates a whole standalone crate into `dir` (as the `apigen` command does).
    pub fn generate_crate(self, dir: impl AsRef<Path>) -> Result<WriteReport, Error> {
        let source = crate::read_spec(&self.spec)?;
        let opts = self.options(dir.as_ref(), true, self.runtime.clone());
        let files = crate::generate(&opts.spec_display, &source, &opts, false)?;
        crate::write::write(dir.as_ref(), &files)
    }
}
