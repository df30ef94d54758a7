//! Developer commands: `cargo xtask codegen [--check] [--spec PATH --out DIR]`.
//!
//! `codegen` regenerates `generated/` from `spec/posthog.yaml` and the real-API slices `examples/{github,stripe,openai}/api/`
//! from `spec/examples/`; `--check` writes nothing and fails, with a diff and
//! the command that fixes it, when the committed output is stale (CI runs it). `contract` runs schemathesis against
//! the generated servers (CI runs it too). `api-diff` is `apigen diff` (CI runs it on `spec/` against the merge
//! base with `main`).

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Developer commands of the apigen workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the committed crates from their specs: generated/ from spec/posthog.yaml and each real-API
    /// slice's api/ crate from spec/examples/ (or one crate, with --spec and --out).
    Codegen {
        /// Compare with what is on disk and fail if it differs; write nothing.
        #[arg(long)]
        check: bool,
        /// The spec to read (default: spec/posthog.yaml and the slices of spec/examples/ of this workspace).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The directory of the crate to generate (default: generated/ and the slices' api/ directories).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where the crate gets apigen-runtime from (as `apigen --runtime`; default: this workspace's runtime/ by a
        /// relative path).
        #[arg(long, value_name = "SOURCE", value_parser = apigen::Runtime::parse)]
        runtime: Option<apigen::Runtime>,
    },
    /// Write a benchmark spec: the shipped spec's resources repeated N times (N = 50 gives 900 operations).
    Synth {
        /// How many copies of the API.
        #[arg(long)]
        copies: usize,
        /// Where to write the spec.
        #[arg(long)]
        out: PathBuf,
    },
    /// Measure generation (per stage) and the generated crate's build time; prints Markdown tables.
    Bench {
        /// Scaled sizes to measure besides the shipped spec (copies of the 18 operations).
        #[arg(long, value_delimiter = ',', default_value = "10,50,250")]
        sizes: Vec<usize>,
        /// Measured runs per figure (after one warm-up); the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Skip the build-time measurements.
        #[arg(long)]
        no_build: bool,
        /// Also measure the competitors side by side: the `cargo-progenitor` binary ...
        #[arg(long, requires = "venv")]
        progenitor: Option<PathBuf>,
        /// ... and a Python virtualenv with `openapi-generator-cli` and PyYAML (see shared/bench/README.md).
        #[arg(long, requires = "progenitor")]
        venv: Option<PathBuf>,
    },
    /// The contract test: schemathesis, driven by each generated OpenAPI document, against the server generated from
    /// the same spec (the reference server, the garden example); fails on any answer the document does not describe.
    Contract {
        /// The virtualenv of schemathesis, filled from conformance/schemathesis/requirements.txt when missing or stale.
        #[arg(long, default_value = "target/schemathesis")]
        venv: PathBuf,
        /// Test cases per operation and phase (schemathesis's `--max-examples`).
        #[arg(long, default_value_t = 300)]
        examples: u32,
        /// The seed of every run (a failure found with a seed comes back with it).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Test only these targets: `posthog`, `garden`.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// `apigen diff` inside the workspace: compare two versions of a spec (two files, or one file `--against` a git
    /// revision) and say whom each change breaks.
    ApiDiff(apigen::diff::cli::DiffArgs),
    /// Prove `apigen diff`'s wire and code verdicts on the golden pairs: run each old client against each new server
    /// (and the reverse) on 127.0.0.1, and compile user programs written against the old crate against the new one.
    ApiDiffProof {
        /// Only the pairs whose name contains one of these words.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Run a command and print the peak memory of its processes (used by `bench`).
    #[command(hide = true)]
    Measure {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Codegen {
            check,
            spec,
            out,
            runtime,
        } => {
            // Without `--spec`/`--out` every default crate is generated (PostHog and the real-API slices); the
            // command fails if any of them does, after trying them all.
            let jobs = if spec.is_none() && out.is_none() && runtime.is_none() {
                xtask::default_jobs()
            } else {
                vec![xtask::job(spec, out, runtime)]
            };
            let worst = jobs
                .iter()
                .map(|job| apigen::cli::run(&job.spec, &job.out, &job.options, check, &job.command))
                .max()
                .unwrap_or(0);
            ExitCode::from(worst)
        }
        Command::Bench {
            sizes,
            runs,
            no_build,
            progenitor,
            venv,
        } => {
            let ours = xtask::bench::bench(&sizes, runs.max(1), !no_build);
            let theirs = |()| match (progenitor, venv) {
                (Some(progenitor), Some(venv)) => {
                    let bench_dir = xtask::workspace_root().join("../shared/bench");
                    xtask::bench::competitors(
                        &xtask::bench::Competitors {
                            progenitor,
                            venv,
                            bench_dir,
                        },
                        runs.max(1),
                    )
                }
                _ => Ok(()),
            };
            match ours.and_then(theirs) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::Contract {
            venv,
            examples,
            seed,
            only,
        } => {
            let opts = xtask::contract::Options {
                venv,
                examples,
                seed,
                only,
            };
            match xtask::contract::run(&opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Command::ApiDiff(args) => ExitCode::from(apigen::diff::cli::run(&args)),
        Command::ApiDiffProof { only } => match xtask::api_diff_proof::run(&only) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        },
        Command::Measure { command } => xtask::bench::measure_main(&command),
        Command::Synth { copies, out } => {
            let spec = xtask::workspace_root().join("spec/posthog.yaml");
            let result = std::fs::read_to_string(&spec)
                .map_err(|e| format!("{}: {e}", spec.display()))
                .and_then(|text| xtask::synth::synth(&text, copies.max(1)))
                .and_then(|text| {
                    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))
                });
            match result {
                Ok(()) => {
                    println!(
                        "synth: {} ({} copies, {} operations)",
                        out.display(),
                        copies.max(1),
                        copies.max(1) * 18
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}
