//! `cargo xtask contract`: the contract test. Schemathesis, an independent API tester, reads each generated OpenAPI
//! document and tests the server generated from the same spec against it; every answer must be one the document
//! describes.
//!
//! Two servers: the reference server (`spec/posthog.yaml`, `generated/openapi.json`) and the garden example's
//! (`spec/examples/garden.yaml`, whose document is generated into `target/contract/garden/`). Each runs on a free
//! port of 127.0.0.1; schemathesis comes from a virtualenv (`target/schemathesis` by default) that this command fills
//! from `conformance/schemathesis/requirements.txt` (exact versions and hashes) when it is missing or stale. Runs are
//! deterministic: one seed, one worker, no example database carried between runs.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// What `cargo xtask contract` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// The virtualenv holding schemathesis (created when missing).
    pub venv: PathBuf,
    /// Test cases per operation and phase (`--max-examples`).
    pub examples: u32,
    /// The seed of every run.
    pub seed: u64,
    /// Only the targets with these names (`posthog`, `garden`); all when empty.
    pub only: Vec<String>,
}

/// One server and the document it is tested against.
struct Target {
    name: &'static str,
    /// The OpenAPI document, relative to the workspace root.
    document: PathBuf,
    /// The schemathesis configuration, relative to the workspace root.
    config: &'static str,
    /// The `cargo run` arguments that start the server (it prints `... listening on http://ADDR` first).
    server: &'static [&'static str],
    /// An API key holding every scope.
    key: &'static str,
}

const REQUIREMENTS: &str = "conformance/schemathesis/requirements.txt";

/// Runs the contract test; `Err` says what failed.
pub fn run(opts: &Options) -> Result<(), String> {
    let root = crate::workspace_root();
    let targets = [
        Target {
            name: "posthog",
            document: "generated/openapi.json".into(),
            config: "conformance/schemathesis/posthog.toml",
            server: &[
                "-p",
                "reference-server",
                "--bin",
                "reference-server",
                "--",
                "--listen",
                "127.0.0.1:0",
                "--token",
                "contract-key=*",
                "--quiet",
            ],
            key: "contract-key",
        },
        Target {
            name: "garden",
            document: "target/contract/garden/openapi.json".into(),
            config: "conformance/schemathesis/garden.toml",
            server: &[
                "-p",
                "garden-example",
                "--bin",
                "garden-server",
                "--",
                "--listen",
                "127.0.0.1:0",
            ],
            key: "admin-key",
        },
    ];
    let selected: Vec<&Target> = targets
        .iter()
        .filter(|t| opts.only.is_empty() || opts.only.iter().any(|o| o == t.name))
        .collect();
    if selected.is_empty() {
        return Err(format!(
            "--only {}: the targets are posthog and garden",
            opts.only.join(",")
        ));
    }
    let schemathesis = install(&root, &opts.venv)?;
    let version = output(Command::new(&schemathesis).arg("--version"))?;
    println!("contract: {}", version.trim());
    cargo(
        &root,
        &[
            "build",
            "-q",
            "--locked",
            "-p",
            "reference-server",
            "--bin",
            "reference-server",
            "-p",
            "garden-example",
            "--bin",
            "garden-server",
        ],
    )?;
    write_garden_document(&root)?;
    let mut failed = Vec::new();
    let (mut passed_cases, mut failures) = (0, 0);
    let mut lines = Vec::new();
    for target in selected {
        let outcome = test(&root, &schemathesis, target, opts)?;
        passed_cases += outcome.passed;
        failures += outcome.failures;
        let verdict = if outcome.success { "" } else { "FAILED: " };
        lines.push(format!(
            "contract: {}: {verdict}{}",
            target.name, outcome.summary
        ));
        if !outcome.success {
            failed.push(target.name);
        }
    }
    for line in lines {
        println!("{line}");
    }
    // A closing line in the form test runners use, for whoever reads the log's end.
    println!("contract: {passed_cases} passed, {failures} failed");
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "schemathesis found failures in: {}",
            failed.join(", ")
        ))
    }
}

/// How one schemathesis run went.
struct Outcome {
    /// Whether schemathesis exited successfully.
    success: bool,
    /// Its count of the test cases (`6111 generated, 6111 passed, 34 skipped`).
    summary: String,
    /// The cases that passed, and the distinct failures (at least one when it failed), read from `summary`.
    passed: u64,
    failures: u64,
}

impl Outcome {
    fn new(success: bool, summary: Option<String>) -> Outcome {
        let summary = summary.unwrap_or_else(|| "no summary printed".to_owned());
        // "N generated, N passed, N skipped" or "N generated, N found N unique failures, N skipped".
        let count = |word: &str| {
            summary
                .split(',')
                .filter_map(|part| part.trim().strip_suffix(word))
                .filter_map(|n| n.rsplit(' ').next()?.parse::<u64>().ok())
                .sum::<u64>()
        };
        let failures = count(" unique failures").max(count(" unique failure"));
        Outcome {
            success,
            passed: count(" passed"),
            failures: if success { failures } else { failures.max(1) },
            summary,
        }
    }
}

/// The schemathesis command of the virtualenv at `venv`, installed from the pinned requirements unless the venv
/// already holds exactly them (a copy of the requirements file in the venv is the stamp).
fn install(root: &Path, venv: &Path) -> Result<PathBuf, String> {
    let venv = root.join(venv);
    let requirements = root.join(REQUIREMENTS);
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let stamp = venv.join("apigen-requirements.txt");
    let schemathesis = venv.join("bin/schemathesis");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str())
        && schemathesis.exists()
    {
        return Ok(schemathesis);
    }
    println!(
        "contract: installing {REQUIREMENTS} into {}",
        venv.display()
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned());
    status(
        Command::new(&python)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    // `--require-hashes`: every package, dependencies included, must be pinned with the hash of the file installed.
    status(
        Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--require-hashes",
                "-r",
            ])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(schemathesis)
}

/// Generates the garden spec's OpenAPI document (only that file) into `target/contract/garden/`.
fn write_garden_document(root: &Path) -> Result<(), String> {
    let spec = root.join("spec/examples/garden.yaml");
    let job = crate::job(
        Some("spec/examples/garden.yaml".into()),
        Some("target/contract/garden".into()),
        None,
    );
    let source = apigen::read_spec(&spec).map_err(|e| e.to_string())?;
    let files = apigen::generate("spec/examples/garden.yaml", &source, &job.options, false)
        .map_err(|e| e.to_string())?;
    let document = files
        .into_iter()
        .find(|f| f.path == "openapi.json")
        .ok_or("the generator wrote no openapi.json")?;
    let out = root.join("target/contract/garden");
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join("openapi.json");
    std::fs::write(&path, document.contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Starts `target`'s server, runs schemathesis against it and stops the server.
fn test(
    root: &Path,
    schemathesis: &Path,
    target: &Target,
    opts: &Options,
) -> Result<Outcome, String> {
    let mut server = Server::start(root, target)?;
    let report_dir = root.join("target/contract").join(target.name);
    let seed = opts.seed.to_string();
    let examples = opts.examples.to_string();
    let authorization = format!("Authorization: Bearer {}", target.key);
    let mut command = Command::new(schemathesis);
    command
        .current_dir(root)
        .env("NO_COLOR", "1")
        // Hypothesis's caches go under target/, not into the workspace.
        .env(
            "HYPOTHESIS_STORAGE_DIRECTORY",
            report_dir.join("hypothesis"),
        )
        .arg("--config-file")
        .arg(target.config)
        .arg("run")
        .arg(&target.document)
        .args(["--url", &server.url, "--header", &authorization])
        // Every check of schemathesis, but positive_data_acceptance is replaced by the configuration's hook: the
        // same check, less the refusals that the spec documents and no JSON Schema can express (a name already
        // taken, a database to reach), each listed with its reason in conformance/schemathesis/business_rules.py.
        .args([
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
        ])
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--max-examples", &examples, "--seed", &seed])
        // One worker and no example database: the same seed gives the same requests in the same order, whatever ran
        // before.
        .args(["--workers", "1", "--generation-database", "none"])
        // Hypothesis's `too_slow` health check times the generation of data on this machine: on a loaded CI machine
        // it could fail a run that found nothing, so the verdict would depend on the clock. The other health checks
        // depend only on the seed and stay on.
        .args(["--suppress-health-check", "too_slow"])
        .args(["--report", "junit", "--report-dir"])
        .arg(&report_dir)
        .arg("--no-color")
        .stdout(Stdio::piped());
    println!("contract: {}: {}", target.name, shown(&command));
    let mut child = command
        .spawn()
        .map_err(|e| format!("{}: {e}", schemathesis.display()))?;
    let mut summary = None;
    let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
    let mut previous = String::new();
    while let Some(Ok(line)) = lines.next() {
        println!("{line}");
        // The summary's count of cases is the line after `Test cases:`.
        if previous.trim() == "Test cases:" {
            summary = Some(line.trim().to_owned());
        }
        previous = line;
    }
    let exit = child.wait().map_err(|e| e.to_string())?;
    server.stop();
    Ok(Outcome::new(exit.success(), summary))
}

/// A server started by `cargo run`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(root: &Path, target: &Target) -> Result<Server, String> {
        let mut child = Command::new(env!("CARGO"))
            .current_dir(root)
            .args(["run", "-q", "--locked"])
            .args(target.server)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cargo run {}: {e}", target.server.join(" ")))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        // The server prints its address first; it is read on a thread so that a server that never does is noticed.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some((_, url)) = line.split_once(" listening on ") {
                    let _ = tx.send(url.trim().to_owned());
                }
                // The rest of its output is not needed, but must be read so that the server never blocks on it.
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
        };
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(url) => {
                server.url = url;
                Ok(server)
            }
            Err(_) => Err(format!(
                "the {} server did not say where it listens",
                target.name
            )),
        }
    }

    /// Asks the server to stop as Ctrl-C does, and kills it if it has not within ten seconds.
    fn stop(&mut self) {
        if let Ok(pid) = libc::pid_t::try_from(self.child.id()) {
            // SAFETY: `kill` only sends a signal; `pid` is our child, which has not been waited for yet, so the id
            // cannot belong to another process.
            unsafe { libc::kill(pid, libc::SIGINT) };
        }
        for _ in 0..100 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            self.stop();
        }
    }
}

fn cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    status(Command::new(env!("CARGO")).current_dir(root).args(args))
}

fn status(command: &mut Command) -> Result<(), String> {
    let shown = shown(command);
    match command.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{shown}` failed ({s})")),
        Err(e) => Err(format!("`{shown}`: {e}")),
    }
}

fn output(command: &mut Command) -> Result<String, String> {
    let shown = shown(command);
    match command.output() {
        Ok(o) if o.status.success() => Ok(String::from_utf8_lossy(&o.stdout).into_owned()),
        Ok(o) => Err(format!("`{shown}` failed ({})", o.status)),
        Err(e) => Err(format!("`{shown}`: {e}")),
    }
}

/// The command as a shell line, to print before running it (arguments with spaces quoted).
fn shown(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|a| {
            let a = a.to_string_lossy();
            if a.contains(' ') || a.is_empty() {
                format!("'{a}'")
            } else {
                a.into_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn reads_schemathesis_counts() {
        let passed = Outcome::new(true, Some("6111 generated, 6111 passed, 34 skipped".into()));
        assert_eq!((passed.passed, passed.failures), (6111, 0));
        let failed = Outcome::new(
            false,
            Some("1374 generated, 2 found 2 unique failures, 28 skipped".into()),
        );
        assert_eq!((failed.passed, failed.failures), (0, 2));
        let one = Outcome::new(false, Some("10 generated, 1 found 1 unique failure".into()));
        assert_eq!(one.failures, 1);
        // A run that failed without a summary (it crashed) still counts as a failure.
        let crashed = Outcome::new(false, None);
        assert_eq!(
            (crashed.failures, crashed.summary.as_str()),
            (1, "no summary printed")
        );
    }
}
