//! The command-line layer shared by the `apigen` binary and `cargo xtask codegen`: run one generation job, print a
//! one-line summary or the diagnostics, and turn the outcome into an exit code (0 ok, 1 spec errors, stale output
//! or IO errors; clap answers usage errors with 2).

use crate::write::{self, CheckReport};
use crate::{Error, Options};
use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Instant;

/// True if diagnostics on stderr may use colour: a terminal, and `NO_COLOR` unset or empty.
pub fn stderr_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Generates `spec` into `out` (or, with `check`, compares without writing) and returns the exit code.
pub fn run(spec: &Path, out: &Path, opts: &Options, check: bool) -> u8 {
    let started = Instant::now();
    let result = crate::read_spec(spec)
        .and_then(|source| crate::generate(&opts.spec_display, &source, opts, stderr_color()));
    let files = match result {
        Ok(files) => files,
        Err(e @ Error::Spec { .. }) => {
            eprint!("{e}");
            return 1;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let outcome = if check {
        write::check(out, &files).map(|report| {
            if report.is_clean() {
                println!(
                    "check: {} files up to date in {} ({:.0?})",
                    files.len(),
                    out.display(),
                    started.elapsed()
                );
                0
            } else {
                print_stale(&report, out);
                eprintln!(
                    "error: {} is stale; run `{}` and commit the result",
                    out.display(),
                    opts.regenerate
                );
                1
            }
        })
    } else {
        write::write(out, &files).map(|r| {
            println!(
                "codegen: {} written, {} unchanged, {} removed in {} ({:.0?})",
                r.written.len(),
                r.unchanged.len(),
                r.removed.len(),
                out.display(),
                started.elapsed()
            );
            0
        })
    };
    outcome.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        1
    })
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
