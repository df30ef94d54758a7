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

/// Generates `spec` into `out` (or, with `check`, compares without writing) and returns the exit code. What it
/// prints speaks of the command as typed: diagnostics name `spec` as given, and stale output names `command`, the
/// command that fixes it from the current directory (the headers' own command is written for the crate's
/// directory, see [`crate::emit::header_path`]).
pub fn run(spec: &Path, out: &Path, opts: &Options, check: bool, command: &str) -> u8 {
    run_with(spec, out, opts, check, false, command)
}

/// [`run`], optionally printing the time of each stage, the lines generated and the peak memory (for benchmarks).
pub fn run_with(
    spec: &Path,
    out: &Path,
    opts: &Options,
    check: bool,
    timings: bool,
    command: &str,
) -> u8 {
    let started = Instant::now();
    let mut stages = crate::Timings::default();
    let name = spec.display().to_string();
    let result = crate::read_spec(spec).and_then(|source| {
        if timings {
            crate::generate_timed(&name, &source, opts).map(|(files, t)| {
                stages = t;
                files
            })
        } else {
            crate::generate(&name, &source, opts, stderr_color())
        }
    });
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
                    "error: {} is stale; run `{command}` and commit the result",
                    out.display(),
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
    let write_time = started
        .elapsed()
        .saturating_sub(stages.load + stages.validate + stages.lower + stages.emit);
    if timings {
        let lines: usize = files.iter().map(|f| f.contents.lines().count()).sum();
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "timings: load {:.1} ms, validate {:.1} ms, lower {:.1} ms, emit {:.1} ms, format {:.1} ms, write {:.1} ms, total {:.1} ms; {} lines in {} files; peak memory {} KiB (emit is wall time with formatting included; format is the formatting CPU time summed over threads)",
            ms(stages.load),
            ms(stages.validate),
            ms(stages.lower),
            ms(stages.emit),
            ms(stages.format),
            ms(write_time),
            ms(started.elapsed()),
            lines,
            files.len(),
            peak_memory_kib().map_or_else(|| "unknown".to_owned(), |k| k.to_string()),
        );
    }
    outcome.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        1
    })
}

/// The process's peak resident memory, from `/proc/self/status` (Linux); `None` elsewhere.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
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
