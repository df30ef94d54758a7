//! `cargo xtask bench`: generation time per stage, peak memory and lines generated for the shipped spec and scaled
//! copies of it, and the build time of the generated crate alone (dependencies already built) per feature set.
//!
//! Benchmarks are not tests: nothing here asserts on time. Results go to stdout as Markdown tables, and into
//! BENCHMARKS.md by hand, with the machine they were measured on.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

/// What one run of a command cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub wall: Duration,
    /// The peak resident memory (KiB) of the largest process it started.
    pub peak_kib: u64,
    /// User + system CPU time of all its processes.
    pub cpu: Duration,
}

impl Cost {
    /// The typical cost of several runs: the median wall and CPU times, and the largest peak memory.
    fn typical(runs: &[Cost]) -> Cost {
        Cost {
            wall: median(runs.iter().map(|c| c.wall).collect()),
            cpu: median(runs.iter().map(|c| c.cpu).collect()),
            peak_kib: runs.iter().map(|c| c.peak_kib).max().unwrap_or(0),
        }
    }
}

/// Runs a command to completion and returns its wall time, CPU time and the peak resident memory (KiB) of the
/// largest process it started. The command runs under `xtask measure`, a fresh process whose only children are the command's, so
/// `getrusage(RUSAGE_CHILDREN)` there sees exactly this command.
pub fn measured(cmd: &mut Command) -> Result<Cost, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut wrapper = Command::new(exe);
    wrapper
        .arg("measure")
        .arg("--")
        .arg(cmd.get_program())
        .args(cmd.get_args());
    if let Some(dir) = cmd.get_current_dir() {
        wrapper.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => wrapper.env(k, v),
            None => wrapper.env_remove(k),
        };
    }
    let started = Instant::now();
    let out = wrapper.output().map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "{:?} failed:\n{}{}",
            cmd,
            stdout,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let figure = |prefix: &str| -> u64 {
        stdout
            .lines()
            .rev()
            .find_map(|l| l.strip_prefix(prefix))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    Ok(Cost {
        wall: elapsed,
        peak_kib: figure("peak-rss-kib "),
        cpu: Duration::from_micros(figure("cpu-us ")),
    })
}

/// The `xtask measure -- CMD...` side: run CMD, then print the children's peak RSS.
pub fn measure_main(args: &[String]) -> std::process::ExitCode {
    let Some((program, rest)) = args.split_first() else {
        eprintln!("usage: xtask measure -- CMD [ARGS...]");
        return std::process::ExitCode::from(2);
    };
    let status = Command::new(program).args(rest).status();
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a full `rusage` into the pointer it is given, which points at enough space.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    println!("peak-rss-kib {}", usage.ru_maxrss);
    println!("cpu-us {}", micros(usage.ru_utime) + micros(usage.ru_stime));
    match status {
        Ok(s) if s.success() => std::process::ExitCode::SUCCESS,
        _ => std::process::ExitCode::from(1),
    }
}

/// The build time of the crate in `crate_dir` alone: one build for the dependencies, then `runs` rebuilds after
/// touching `src/lib.rs` (`CARGO_INCREMENTAL=0`); their typical cost (median time, peak compiler memory).
fn build_time(
    crate_dir: &std::path::Path,
    flags: &[&str],
    target: &std::path::Path,
    runs: usize,
) -> Result<Cost, String> {
    let cargo = |touch: bool| -> Result<Cost, String> {
        if touch {
            let lib = crate_dir.join("src/lib.rs");
            let text = std::fs::read(&lib).map_err(|e| e.to_string())?;
            std::fs::write(&lib, text).map_err(|e| e.to_string())?;
        }
        let mut cmd = Command::new(env!("CARGO"));
        cmd.args(["build", "--quiet"])
            .args(flags)
            .current_dir(crate_dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0");
        measured(&mut cmd)
    };
    cargo(false)?;
    let costs = (0..runs)
        .map(|_| cargo(true))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Cost::typical(&costs))
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn run_ok(cmd: &mut Command) -> Result<String, String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The crates whose build is measured take apigen-runtime as a dependency (this checkout's), as this workspace's
/// crates and a build script's do, and as progenitor's crate takes progenitor-client: a vendored copy would compile
/// the runtime's sources again with every build of the crate, which is not the generated code's cost.
fn runtime_dependency(root: &std::path::Path) -> String {
    format!("path={}", root.join("runtime").display())
}

/// One size of the benchmark: a spec and where its crate goes.
struct Case {
    label: String,
    spec: PathBuf,
    out: PathBuf,
    /// Copies of the API (1 for the shipped spec).
    copies: usize,
}

/// Builds of crates larger than this many copies are left out of the build table: a 4,500-operation crate takes
/// minutes per build on two cores, and N = 50 already shows the trend.
const MAX_BUILD_COPIES: usize = 50;

pub fn bench(sizes: &[usize], runs: usize, build: bool) -> Result<(), String> {
    let root = crate::workspace_root();
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run_ok(
        Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "-p", "apigen"])
            .current_dir(&root),
    )?;
    let apigen = root.join("target/release/apigen");

    let mut cases = vec![Case {
        label: "shipped (18 ops)".into(),
        spec: root.join("spec/posthog.yaml"),
        out: dir.join("seed"),
        copies: 1,
    }];
    let text =
        std::fs::read_to_string(root.join("spec/posthog.yaml")).map_err(|e| e.to_string())?;
    for &n in sizes {
        let spec = dir.join(format!("n{n}.yaml"));
        std::fs::write(&spec, crate::synth::synth(&text, n)?).map_err(|e| e.to_string())?;
        cases.push(Case {
            label: format!("N={n} ({} ops)", n * 18),
            spec,
            out: dir.join(format!("n{n}")),
            copies: n,
        });
    }

    println!("## Generation (release build of apigen, whole process, median of {runs} after 1 warm-up)\n");
    println!(
        "| spec | total | load | validate | lower | emit | format | write | peak memory | lines |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for case in &cases {
        let mut totals = Vec::new();
        let mut last = String::new();
        for i in 0..=runs {
            // Remove the output so every run writes every file, as a first generation does.
            let _ = std::fs::remove_dir_all(&case.out);
            let mut cmd = Command::new(&apigen);
            cmd.arg("--spec")
                .arg(&case.spec)
                .arg("--out")
                .arg(&case.out)
                .arg("--timings");
            let started = Instant::now();
            let stdout = run_ok(&mut cmd)?;
            if i > 0 {
                totals.push(started.elapsed());
                last = stdout;
            }
        }
        let timings = last
            .lines()
            .find(|l| l.starts_with("timings:"))
            .unwrap_or_default();
        let field = |name: &str| {
            timings
                .split([',', ';'])
                .map(str::trim)
                .find_map(|p| p.strip_prefix(name).map(|v| v.trim().to_owned()))
                .unwrap_or_default()
        };
        let peak = field("peak memory")
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .parse::<u64>()
            .unwrap_or(0);
        let lines = timings
            .split(';')
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or("?")
            .to_owned();
        println!(
            "| {} | {:.0} ms | {} | {} | {} | {} | {} | {} | {:.1} MiB | {} |",
            case.label,
            median(totals).as_secs_f64() * 1000.0,
            field("timings: load"),
            field("validate"),
            field("lower"),
            field("emit"),
            field("format"),
            field("write"),
            peak as f64 / 1024.0,
            lines
        );
    }
    if !build {
        return Ok(());
    }

    println!("\n## Build of the generated crate alone (deps built, CARGO_INCREMENTAL=0, `touch src/lib.rs`, median of {runs})\n");
    println!("| spec | features | build time | peak compiler memory |");
    println!("|---|---|---|---|");
    let target = dir.join("target");
    for case in cases.iter().filter(|c| c.copies <= MAX_BUILD_COPIES) {
        let _ = std::fs::remove_dir_all(&case.out);
        run_ok(
            Command::new(&apigen)
                .arg("--spec")
                .arg(&case.spec)
                .arg("--out")
                .arg(&case.out)
                .arg("--runtime")
                .arg(runtime_dependency(&root)),
        )?;
        let features: [(&str, &[&str]); 4] = [
            ("models only", &["--no-default-features"]),
            (
                "models + client",
                &["--no-default-features", "--features", "client"],
            ),
            (
                "models + server",
                &["--no-default-features", "--features", "server"],
            ),
            ("models + client + server", &["--all-features"]),
        ];
        for (label, flags) in features {
            let cost = build_time(&case.out, flags, &target, runs)?;
            println!(
                "| {} | {} | {:.2} s | {:.0} MiB |",
                case.label,
                label,
                cost.wall.as_secs_f64(),
                cost.peak_kib as f64 / 1024.0
            );
        }
    }
    Ok(())
}

/// Where the competitors are installed (see shared/bench/README.md): `cargo-progenitor`, and a Python environment
/// with `openapi-generator-cli` and PyYAML.
pub struct Competitors {
    pub progenitor: PathBuf,
    pub venv: PathBuf,
    pub bench_dir: PathBuf,
}

/// Generation time of progenitor and openapi-generator on the seed OpenAPI document and its N=50 scale, next to
/// ours on the same API, in the same run; and the build time of progenitor's crate.
pub fn competitors(c: &Competitors, runs: usize) -> Result<(), String> {
    let root = crate::workspace_root();
    let dir = root.join("target/bench/competitors");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    run_ok(
        Command::new(env!("CARGO"))
            .args(["build", "--release", "--quiet", "-p", "apigen"])
            .current_dir(&root),
    )?;
    let apigen = root.join("target/release/apigen");
    let seed_openapi = c.bench_dir.join("seed-openapi.yaml");
    let n50_openapi = dir.join("n50-openapi.yaml");
    run_ok(
        Command::new(c.venv.join("bin/python"))
            .arg(c.bench_dir.join("scale-openapi.py"))
            .arg("50")
            .arg("-o")
            .arg(&n50_openapi),
    )?;
    let ours_n50 = dir.join("n50.yaml");
    let text =
        std::fs::read_to_string(root.join("spec/posthog.yaml")).map_err(|e| e.to_string())?;
    std::fs::write(&ours_n50, crate::synth::synth(&text, 50)?).map_err(|e| e.to_string())?;

    // The typical cost of `runs` runs after a warm-up.
    let time = |make: &dyn Fn() -> Command, out: &PathBuf| -> Result<Cost, String> {
        let mut costs = Vec::new();
        for i in 0..=runs {
            let _ = std::fs::remove_dir_all(out);
            let cost = measured(&mut make())?;
            if i > 0 {
                costs.push(cost);
            }
        }
        Ok(Cost::typical(&costs))
    };
    println!("## Generation, same API, same run (whole process, median of {runs} after 1 warm-up: wall, CPU, peak memory)\n");
    println!("| tool | seed (18 ops) | N=50 (900 ops) |");
    println!("|---|---|---|");
    let mut rows: Vec<(String, [Cost; 2])> = Vec::new();
    let sizes = [
        ("seed", root.join("spec/posthog.yaml"), seed_openapi.clone()),
        ("n50", ours_n50.clone(), n50_openapi.clone()),
    ];
    let mut ours = Vec::new();
    let mut prog = Vec::new();
    let mut og_rust = Vec::new();
    let mut og_axum = Vec::new();
    for (label, spec, openapi) in &sizes {
        let out = dir.join(format!("apigen-{label}"));
        ours.push(time(
            &|| {
                let mut c = Command::new(&apigen);
                c.arg("--spec").arg(spec).arg("--out").arg(&out);
                c
            },
            &out,
        )?);
        let out = dir.join(format!("prog-{label}"));
        prog.push(time(
            &|| {
                let mut c = Command::new(&c.progenitor);
                c.args(["progenitor", "-i"])
                    .arg(openapi)
                    .arg("-o")
                    .arg(&out)
                    .args(["-n", "posthog-prog", "-v", "0.1.0"]);
                c
            },
            &out,
        )?);
        for (generator, results) in [("rust", &mut og_rust), ("rust-axum", &mut og_axum)] {
            let out = dir.join(format!("og-{generator}-{label}"));
            results.push(time(
                &|| {
                    let mut cmd = Command::new(c.venv.join("bin/openapi-generator-cli"));
                    cmd.args(["generate", "-g", generator, "-i"])
                        .arg(openapi)
                        .arg("-o")
                        .arg(&out);
                    cmd
                },
                &out,
            )?);
        }
    }
    rows.push((
        "apigen (models + client + server + OpenAPI + docs)".into(),
        [ours[0], ours[1]],
    ));
    rows.push(("progenitor 0.15 (client)".into(), [prog[0], prog[1]]));
    rows.push((
        "openapi-generator rust (client)".into(),
        [og_rust[0], og_rust[1]],
    ));
    rows.push((
        "openapi-generator rust-axum (server)".into(),
        [og_axum[0], og_axum[1]],
    ));
    let cell = |c: &Cost| {
        format!(
            "{:.0} ms, CPU {:.0} ms, {:.0} MiB",
            c.wall.as_secs_f64() * 1e3,
            c.cpu.as_secs_f64() * 1e3,
            c.peak_kib as f64 / 1024.0
        )
    };
    for (name, [a, b]) in &rows {
        println!("| {name} | {} | {} |", cell(a), cell(b));
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
    println!(
        "\nRatio apigen / progenitor: wall seed {:.2}, N=50 {:.2}; CPU seed {:.2}, N=50 {:.2}; peak memory N=50 {:.2}",
        ratio(ours[0].wall, prog[0].wall),
        ratio(ours[1].wall, prog[1].wall),
        ratio(ours[0].cpu, prog[0].cpu),
        ratio(ours[1].cpu, prog[1].cpu),
        ours[1].peak_kib as f64 / prog[1].peak_kib.max(1) as f64
    );

    // The README's command against the installed CLI, on the shipped spec: `cargo xtask codegen` (cargo's
    // freshness check, then the dev-profile xtask) writing the same crate to a directory of its own.
    let xtask_out = dir.join("xtask-codegen");
    let codegen = time(
        &|| {
            let mut cmd = Command::new(env!("CARGO"));
            cmd.args(["xtask", "codegen", "--out"])
                .arg(&xtask_out)
                .current_dir(&root);
            cmd
        },
        &xtask_out,
    )?;
    println!(
        "\n`cargo xtask codegen` on the shipped spec: {}; the release CLI: {}; ratio {:.2}",
        cell(&codegen),
        cell(&ours[0]),
        ratio(codegen.wall, ours[0].wall)
    );

    println!("\n## Build of the generated crate alone (deps built, CARGO_INCREMENTAL=0, touch src/lib.rs, median of {runs})\n");
    println!("| crate | seed | N=50 |");
    println!("|---|---|---|");
    let target = dir.join("target");
    let build = |crate_dir: &PathBuf, flags: &[&str]| build_time(crate_dir, flags, &target, runs);
    let mut results = Vec::new();
    for (name, prefix, flags) in [
        (
            "apigen models + client + server",
            "apigen",
            &["--all-features"][..],
        ),
        ("apigen models + client", "apigen", &[][..]),
        ("progenitor client", "prog", &[][..]),
    ] {
        let mut cells = Vec::new();
        for label in ["seed", "n50"] {
            let crate_dir = dir.join(format!("{prefix}-{label}"));
            // Regenerate: the timing loop above removed the directory after its last run.
            let _ = std::fs::remove_dir_all(&crate_dir);
            if prefix == "apigen" {
                let spec = if label == "seed" {
                    root.join("spec/posthog.yaml")
                } else {
                    ours_n50.clone()
                };
                run_ok(
                    Command::new(&apigen)
                        .arg("--spec")
                        .arg(spec)
                        .arg("--out")
                        .arg(&crate_dir)
                        .arg("--runtime")
                        .arg(runtime_dependency(&root)),
                )?;
            } else {
                let openapi = if label == "seed" {
                    &seed_openapi
                } else {
                    &n50_openapi
                };
                run_ok(
                    Command::new(&c.progenitor)
                        .args(["progenitor", "-i"])
                        .arg(openapi)
                        .arg("-o")
                        .arg(&crate_dir)
                        .args(["-n", "posthog-prog", "-v", "0.1.0"]),
                )?;
                // The crate lies inside this workspace's directory: an empty `[workspace]` table keeps cargo from
                // taking it for a member (apigen's crates have one already, being generated standalone).
                let manifest = crate_dir.join("Cargo.toml");
                let mut text = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
                if !text.contains("[workspace]") {
                    text.push_str("\n[workspace]\n");
                    std::fs::write(&manifest, text).map_err(|e| e.to_string())?;
                }
            }
            cells.push(build(&crate_dir, flags)?);
        }
        println!(
            "| {name} | {:.2} s ({:.0} MiB) | {:.2} s ({:.0} MiB) |",
            cells[0].wall.as_secs_f64(),
            cells[0].peak_kib as f64 / 1024.0,
            cells[1].wall.as_secs_f64(),
            cells[1].peak_kib as f64 / 1024.0
        );
        results.push(cells);
    }
    println!(
        "\nRatio apigen (all features) / progenitor: build seed {:.2}, N=50 {:.2}; peak memory N=50 {:.2}. \
         Models + client / progenitor: seed {:.2}, N=50 {:.2}",
        ratio(results[0][0].wall, results[2][0].wall),
        ratio(results[0][1].wall, results[2][1].wall),
        results[0][1].peak_kib as f64 / results[2][1].peak_kib.max(1) as f64,
        ratio(results[1][0].wall, results[2][0].wall),
        ratio(results[1][1].wall, results[2][1].wall),
    );
    Ok(())
}
