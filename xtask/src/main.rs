//! Developer commands: `cargo xtask codegen [--check] [--spec PATH --out DIR]`.
//!
//! `codegen` regenerates `generated/` from `spec/posthog.yaml`; `--check` writes nothing and fails, with a diff and
//! the command that fixes it, when the committed output is stale (CI runs it).

use apigen::write::{self, CheckReport};
use apigen::Error;
use clap::{Parser, Subcommand};
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use std::process::ExitCode;
use std::time::Instant;

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
    /// Regenerate the generated crate from its spec.
    Codegen {
        /// Compare with what is on disk and fail if it differs; write nothing.
        #[arg(long)]
        check: bool,
        /// The spec to read (default: spec/posthog.yaml of this workspace).
        #[arg(long)]
        spec: Option<PathBuf>,
        /// The directory of the crate to generate (default: generated/ of this workspace).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Codegen { check, spec, out } => codegen(check, spec, out),
    }
}

fn codegen(check: bool, spec: Option<PathBuf>, out: Option<PathBuf>) -> ExitCode {
    let started = Instant::now();
    let xtask::Job {
        spec: spec_path,
        out: out_dir,
        options: opts,
    } = xtask::job(spec, out);
    let regenerate = opts.regenerate.clone();
    let spec_display = opts.spec_display.clone();
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());

    let result = apigen::read_spec(&spec_path)
        .and_then(|source| apigen::generate(&spec_display, &source, &opts, color));
    let files = match result {
        Ok(files) => files,
        Err(e) => {
            eprint!("{e}");
            if !matches!(e, Error::Spec { .. }) {
                eprintln!();
            }
            return ExitCode::from(1);
        }
    };
    if check {
        match write::check(&out_dir, &files) {
            Ok(report) if report.is_clean() => {
                println!(
                    "codegen --check: {} files up to date ({:.0?})",
                    files.len(),
                    started.elapsed()
                );
                ExitCode::SUCCESS
            }
            Ok(report) => {
                print_stale(&report, &out_dir);
                eprintln!(
                    "error: {} is stale; run `{regenerate}` and commit the result",
                    out_dir.display()
                );
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        }
    } else {
        match write::write(&out_dir, &files) {
            Ok(r) => {
                println!(
                    "codegen: {} written, {} unchanged, {} removed in {} ({:.0?})",
                    r.written.len(),
                    r.unchanged.len(),
                    r.removed.len(),
                    out_dir.display(),
                    started.elapsed()
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

fn print_stale(report: &CheckReport, out: &Path) {
    for (path, current, expected) in &report.changed {
        match current {
            None => eprintln!("missing: {}", out.join(path).display()),
            Some(current) => {
                eprintln!("differs: {}", out.join(path).display());
                let diff = similar::TextDiff::from_lines(current.as_str(), expected.as_str());
                let text = diff
                    .unified_diff()
                    .context_radius(2)
                    .header("committed", "generated")
                    .to_string();
                // A regenerated file can differ everywhere; the first lines say enough.
                for line in text.lines().take(80) {
                    eprintln!("  {line}");
                }
            }
        }
    }
    for path in &report.stale {
        eprintln!("stale (would be removed): {}", out.join(path).display());
    }
}
