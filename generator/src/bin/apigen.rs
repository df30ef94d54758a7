//! The `apigen` command: generate a Rust crate from a spec, for teams outside this repository.
//!
//! `cargo install --path generator --locked` in a checkout (or `cargo install --locked --git URL apigen`), then
//! `apigen --spec api.yaml --out my-api-client`; and
//! `apigen diff OLD NEW` (or `apigen diff NEW --against REV`) to see whom a spec change breaks.

use apigen::{Options, Runtime};
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate a Rust crate (serde models, async reqwest client, axum server stubs) from a YAML API spec.
///
/// Exit codes: 0 success; 1 spec errors, stale output (with --check) or IO errors; 2 usage errors.
// Generation takes flags and no subcommand (`apigen --spec X --out Y`), as it always has; `diff` is the one
// subcommand, and its presence lifts the requirement of `--spec` and `--out`.
#[derive(Parser)]
#[command(
    name = "apigen",
    version,
    about,
    long_about = None,
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The spec to read (YAML; see the spec language in the README).
    #[arg(long, value_name = "FILE", required = true)]
    spec: Option<PathBuf>,
    /// The directory of the crate to generate (created if missing).
    #[arg(long, value_name = "DIR", required = true)]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 with a diff if the crate in --out differs from what the spec generates.
    #[arg(long)]
    check: bool,
    /// Leave out the async client (the `client` module and feature).
    #[arg(long)]
    no_client: bool,
    /// Leave out the axum server stubs (the `server` module and feature).
    #[arg(long)]
    no_server: bool,
    /// The crate will be a member of an enclosing cargo workspace (no `[workspace]` table of its own).
    #[arg(long)]
    workspace_member: bool,
    /// Where the crate gets its support code, the apigen-runtime crate: `vendored` (the default: its sources copied
    /// into src/rt/, needing nothing but crates.io), `path=DIR` (a checkout of this repository's runtime/, written
    /// relative to the crate), `git=URL[,rev=REV|,tag=TAG|,branch=NAME]`, or `version[=REQ][,registry=NAME]`
    /// (default requirement: exactly this generator's version).
    #[arg(long, value_name = "SOURCE", value_parser = Runtime::parse)]
    runtime: Option<Runtime>,
    /// Print the time of each stage, the lines generated and the peak memory.
    #[arg(long)]
    timings: bool,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Compare two versions of a spec and say whom each change breaks: old clients, old servers, client code,
    /// server code, behaviour.
    Diff(apigen::diff::cli::DiffArgs),
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (spec, out) = match (&args.command, &args.spec, &args.out) {
        (Some(Command::Diff(diff)), _, _) => return ExitCode::from(apigen::diff::cli::run(diff)),
        (None, Some(spec), Some(out)) => (spec.clone(), out.clone()),
        // clap requires both flags when there is no subcommand; this is only reached if that changes.
        (None, _, _) => {
            eprintln!("error: --spec and --out are required (or use `apigen diff`)");
            return ExitCode::from(2);
        }
    };
    let mut flags = String::new();
    for (flag, on) in [
        (" --no-client", args.no_client),
        (" --no-server", args.no_server),
        (" --workspace-member", args.workspace_member),
    ] {
        if on {
            flags.push_str(flag);
        }
    }
    // The command as typed fixes stale output from here; the headers' command is written for the crate's own
    // directory, so that no file depends on where this ran or holds a path of this machine.
    let mut typed = format!(
        "apigen --spec {} --out {}{flags}",
        spec.display(),
        out.display()
    );
    if let Some(runtime) = &args.runtime {
        typed.push_str(&format!(" --runtime {runtime}"));
    }
    let spec_display = apigen::emit::header_path(&spec, &out);
    let mut regenerate = format!("apigen --spec {spec_display} --out .{flags}");
    // A path is given relative to the current directory; the crate's Cargo.toml needs it relative to itself.
    let runtime = args.runtime.map(|r| r.relative_to(&out));
    if let Some(runtime) = &runtime {
        regenerate.push_str(&format!(" --runtime {runtime}"));
    }
    let opts = Options {
        spec_display,
        regenerate,
        client: !args.no_client,
        server: !args.no_server,
        standalone: !args.workspace_member,
        resource_features: true,
        runtime: runtime.unwrap_or_default(),
    };
    ExitCode::from(apigen::cli::run_with(
        &spec,
        &out,
        &opts,
        args.check,
        args.timings,
        &typed,
    ))
}
