//! The `diff` command, shared by `apigen diff` and `cargo xtask api-diff`: read both specs (the old one from a file
//! or from git), lower them, compare, accept, print, and return the exit code (0 nothing fails, 1 something fails
//! at the `--fail-on` level, 2 usage errors, unreadable files and spec errors).

use super::policy::{self, Allow};
use super::report::{self, Files};
use crate::Error;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Compare two versions of a spec and say whom each change breaks.
///
/// Exit codes: 0 nothing breaks at the `--fail-on` level; 1 something does; 2 usage errors, unreadable files, git
/// errors and spec errors (printed as `apigen` prints them).
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// OLD NEW (two spec files), or NEW alone with `--against`.
    #[arg(value_name = "SPEC", num_args = 1..=2, required = true)]
    pub specs: Vec<PathBuf>,
    /// Read OLD from git: NEW's file as it is at this revision (a branch, tag or commit: `main`, `v1.2.0`, `HEAD`).
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,
    /// `text` (grouped by severity; colour only on a terminal), `json`, or `github` (workflow annotations).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json", "github"])]
    pub format: String,
    /// Fail (exit 1) on changes breaking any of these: old-clients, old-servers, client-code, server-code,
    /// behaviour, any, none.
    #[arg(
        long,
        value_name = "PARTIES",
        default_value = "old-clients,client-code"
    )]
    pub fail_on: String,
    /// Accepted changes, one `RULE SUBJECT` per line (`#` comments; a trailing `*` in SUBJECT matches a prefix).
    #[arg(long, value_name = "FILE")]
    pub allow: Option<PathBuf>,
}

/// An old or new spec, read.
struct Read {
    display: String,
    source: String,
}

/// Reads NEW's path as it is at `rev`, with git run in the file's directory (so any checkout works).
fn read_git(rev: &str, path: &Path) -> Result<Read, String> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| format!("{}: not a file name", path.display()))?;
    let object = format!("{rev}:./{}", name.to_string_lossy());
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", &object])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git show {object} (in {}) failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let source = String::from_utf8(out.stdout)
        .map_err(|_| format!("{object}: the spec at that revision is not UTF-8 text"))?;
    Ok(Read {
        display: format!("{rev}:{}", path.display()),
        source,
    })
}

fn read_file(path: &Path) -> Result<Read, String> {
    crate::read_spec(path)
        .map(|source| Read {
            display: path.display().to_string(),
            source,
        })
        .map_err(|e| e.to_string())
}

/// Runs the command; returns the exit code.
pub fn run(args: &DiffArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprint!("{message}");
            if !message.ends_with('\n') {
                eprintln!();
            }
            2
        }
    }
}

fn run_inner(args: &DiffArgs) -> Result<u8, String> {
    let fail_on =
        policy::parse_fail_on(&args.fail_on).map_err(|e| format!("error: --fail-on: {e}"))?;
    let (old, new) = match (&args.against, args.specs.as_slice()) {
        (Some(rev), [new]) => (read_git(rev, new), read_file(new)),
        (None, [old, new]) => (read_file(old), read_file(new)),
        (Some(_), _) => {
            return Err("error: with --against, give one spec (NEW); OLD is read from git".into())
        }
        (None, _) => {
            return Err("error: give two specs, OLD and NEW, or NEW with --against REV".into())
        }
    };
    let (old, new) = (
        old.map_err(|e| format!("error: {e}"))?,
        new.map_err(|e| format!("error: {e}"))?,
    );
    let allow: Vec<Allow> = match &args.allow {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("error: {}: {e}", path.display()))?;
            policy::parse_allow(&text, &path.display().to_string())
                .map_err(|e| format!("error: {e}"))?
        }
        None => Vec::new(),
    };
    let color = crate::cli::stderr_color();
    let lower = |r: &Read| match crate::lower_source(&r.display, &r.source, color) {
        Ok(api) => Ok(api),
        Err(e @ Error::Spec { .. }) => Err(e.to_string()),
        Err(e) => Err(format!("error: {e}\n")),
    };
    // Both specs are checked before either is compared, so one run reports every spec error.
    let (old_api, new_api) = (lower(&old), lower(&new));
    let (old_api, new_api) = match (old_api, new_api) {
        (Ok(a), Ok(b)) => (a, b),
        (a, b) => {
            let mut text = String::new();
            for e in [a.err(), b.err()].into_iter().flatten() {
                text.push_str(&e);
            }
            return Err(text);
        }
    };
    let mut changes = super::diff(&old_api, &new_api);
    let allow_path = args
        .allow
        .as_ref()
        .map_or_else(String::new, |p| p.display().to_string());
    let unused = policy::accept(
        &mut changes,
        &allow,
        &allow_path,
        (&old_api.version, &new_api.version),
    );
    let failing = policy::failing(&changes, &fail_on).len();
    let files = Files {
        old: &old.display,
        new: &new.display,
    };
    let out = match args.format.as_str() {
        "json" => report::json(&changes, files, failing),
        "github" => report::github(&changes, files),
        _ => {
            let color = std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            report::text(&changes, files, &fail_on, failing, color)
        }
    };
    print!("{out}");
    for a in unused {
        eprintln!(
            "note: {allow_path}:{}: `{} {}` matched no change; remove it",
            a.line,
            a.rule.rule().id,
            a.subject
        );
    }
    Ok(u8::from(failing > 0))
}
