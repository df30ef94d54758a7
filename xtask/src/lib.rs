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

/// One generation job: which spec, which directory, which options, and the command as typed (which fixes stale
/// output from the current directory).
#[derive(Debug, Clone)]
pub struct Job {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub options: Options,
    pub command: String,
}

/// The job for `cargo xtask codegen` with optional `--spec` / `--out` / `--runtime` overrides. Without `--runtime` the
/// crate depends on this workspace's `runtime/` by a relative path.
pub fn job(spec: Option<PathBuf>, out: Option<PathBuf>, runtime: Option<Runtime>) -> Job {
    let root = workspace_root();
    let custom = spec.is_some() || out.is_some();
    let custom_out = out.is_some();
    let runtime_flag = runtime
        .as_ref()
        .map(|r| format!(" --runtime {r}"))
        .unwrap_or_default();
    let command = match (&spec, &out) {
        (None, None) => format!("cargo xtask codegen{runtime_flag}"),
        (spec, out) => format!(
            "cargo xtask codegen{}{}{runtime_flag}",
            spec.as_ref()
                .map(|s| format!(" --spec {}", s.display()))
                .unwrap_or_default(),
            out.as_ref()
                .map(|o| format!(" --out {}", o.display()))
                .unwrap_or_default(),
        ),
    };
    let spec = spec.unwrap_or_else(|| root.join("spec/posthog.yaml"));
    let out = out.unwrap_or_else(|| root.join("generated"));
    // Headers name paths relative to the workspace root, as the command is run from there, so the output is the
    // same on every machine and from every directory; a path outside the workspace is named by its last part only.
    let spec_display = apigen::emit::header_path(&spec, &root);
    let mut regenerate = if custom {
        let out_display = apigen::emit::header_path(&out, &root);
        format!("cargo xtask codegen --spec {spec_display} --out {out_display}")
    } else {
        "cargo xtask codegen".to_owned()
    };
    regenerate.push_str(&runtime_flag);
    let runtime = runtime
        .unwrap_or_else(|| Runtime::Path(root.join("runtime").display().to_string()))
        .relative_to(&out);
    Job {
        spec,
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
        command,
    }
}

/// The crates `cargo xtask codegen` generates without `--spec`/`--out`: spec and crate directory, relative to the
/// workspace. First the PostHog crate, then the real-API slices; each is a workspace member, so clippy, rustdoc and
/// the tests see it.
pub const DEFAULT_CRATES: &[(&str, &str)] = &[
    ("spec/posthog.yaml", "generated"),
    ("spec/examples/github.yaml", "examples/github/api"),
    ("spec/examples/stripe.yaml", "examples/stripe/api"),
    ("spec/examples/openai.yaml", "examples/openai/api"),
];

/// One job of [`DEFAULT_CRATES`]: a workspace member depending on this workspace's `runtime/` by a relative path,
/// whose headers name the command that regenerates them all.
fn member_job(spec: &str, out: &str) -> Job {
    let root = workspace_root();
    let out = root.join(out);
    Job {
        spec: root.join(spec),
        options: Options {
            spec_display: spec.to_owned(),
            regenerate: "cargo xtask codegen".to_owned(),
            client: true,
            server: true,
            standalone: false,
            resource_features: true,
            runtime: Runtime::Path(root.join("runtime").display().to_string()).relative_to(&out),
        },
        out,
        command: "cargo xtask codegen".to_owned(),
    }
}

/// Every job of `cargo xtask codegen` without `--spec`/`--out`/`--runtime`.
pub fn default_jobs() -> Vec<Job> {
    DEFAULT_CRATES
        .iter()
        .map(|(spec, out)| member_job(spec, out))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_default_job_is_the_plain_posthog_job() {
        let plain = job(None, None, None);
        let first = default_jobs().remove(0);
        assert_eq!((first.spec, first.out), (plain.spec, plain.out));
        assert_eq!(first.options, plain.options);
    }
}
