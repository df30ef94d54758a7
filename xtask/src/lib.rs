//! What `cargo xtask codegen` generates by default, shared by the command and by the freshness test.

pub mod api_diff_proof;
pub mod bench;
pub mod contract;
pub mod synth;

use apigen::{Options, Runtime};
use std::path::{Path, PathBuf};

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// One generation job: which spec, which directory, which options.
#[derive(Debug, Clone)]
pub struct Job {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub options: Options,
}

/// The job for `cargo xtask codegen` with optional `--spec` / `--out` / `--runtime` overrides. Without `--runtime` the
/// crate depends on this workspace's `runtime/` by a relative path.
pub fn job(spec: Option<PathBuf>, out: Option<PathBuf>, runtime: Option<Runtime>) -> Job {
    let root = workspace_root();
    let custom = spec.is_some() || out.is_some();
    let custom_out = out.is_some();
    // Headers name the shipped spec relative to the workspace, so the output is the same on every machine.
    let spec_display = spec.as_ref().map_or_else(
        || "spec/posthog.yaml".to_owned(),
        |p| p.display().to_string(),
    );
    let mut regenerate = if custom {
        let out_display = out
            .as_ref()
            .map_or_else(|| "generated".to_owned(), |o| o.display().to_string());
        format!("cargo xtask codegen --spec {spec_display} --out {out_display}")
    } else {
        "cargo xtask codegen".to_owned()
    };
    if let Some(runtime) = &runtime {
        regenerate.push_str(&format!(" --runtime {runtime}"));
    }
    let out = out.unwrap_or_else(|| root.join("generated"));
    let runtime = runtime
        .unwrap_or_else(|| Runtime::Path(root.join("runtime").display().to_string()))
        .relative_to(&out);
    Job {
        spec: spec.unwrap_or_else(|| root.join("spec/posthog.yaml")),
        // A crate generated elsewhere is not a member of this workspace, so it must build on its own.
        options: Options {
            spec_display,
            regenerate,
            client: true,
            server: true,
            standalone: custom_out,
            resource_features: true,
            runtime,
        },
        out,
    }
}
