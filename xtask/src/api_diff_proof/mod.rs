//! `cargo xtask api-diff-proof`: checks `apigen diff`'s wire and code verdicts on the golden pairs by running and
//! compiling what they predict.
//!
//! For every pair of `generator/tests/diff/`, both specs are generated (models, client, server) into a crate of
//! their own in a scratch workspace (`target/api-diff-proof/`, one crate per distinct spec), and:
//!
//! - **wire**: one binary serves, on 127.0.0.1, a server of each side answering witness values ([`sample`]), and
//!   runs each side's client calling every operation with witness arguments and every key its spec says suffices.
//!   Old client against new server must fail exactly when a change is judged to break old clients, new client
//!   against old server exactly when one breaks old servers; each client must first pass against its own side's
//!   server, or the harness itself is wrong.
//! - **code**: a client program and a server program written against OLD ([`user`]) are compiled (`cargo check`)
//!   against NEW's crate; each must fail exactly when a change breaks client (server) code, and first compile
//!   against OLD's own crate.
//!
//! Any disagreement is printed and fails the run: it is a bug in a rule (or in the harness).

mod rust;
mod sample;
mod user;
mod wire;

use apigen::diff::rules::{Party, RuleId};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// One side of a pair, lowered, and the crate its spec becomes.
struct Spec {
    api: apigen::ir::Api,
    krate: String,
}

struct Pair {
    name: String,
    old: usize,
    new: usize,
    expected: BTreeMap<Party, bool>,
    /// Parties only changes the harness cannot witness break ([`UNWITNESSED`]): not compared.
    unwitnessed: Vec<Party>,
}

/// Breaks the harness cannot show, by construction, with the reason: a party a pair's changes break only through
/// these is reported as not witnessed rather than compared.
const UNWITNESSED: &[(RuleId, Party, &str)] = &[
    (
        RuleId::PackageRenamed,
        Party::ClientCode,
        "the programs name each crate by an alias",
    ),
    (
        RuleId::PackageRenamed,
        Party::ServerCode,
        "the programs name each crate by an alias",
    ),
];

/// A short stable name for a spec's text (FNV-1a), so equal specs share one crate.
fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:012x}", h & 0xffff_ffff_ffff)
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The generated module of a spec (client and server), as a build script would include it.
fn module(display: &str, source: &str) -> Result<(apigen::ir::Api, String), String> {
    let opts = apigen::Options {
        spec_display: display.to_owned(),
        regenerate: "cargo xtask api-diff-proof".into(),
        client: true,
        server: true,
        standalone: false,
        resource_features: false,
        runtime: apigen::Runtime::pinned(),
    };
    let api = apigen::lower_source(display, source, false).map_err(|e| e.to_string())?;
    let files = apigen::emit::emit(&api, &opts).map_err(|e| e.to_string())?;
    let text = apigen::emit::module::assemble(&files, &apigen::emit::file::header_line(&opts))
        .map_err(|e| e.to_string())?;
    Ok((api, text))
}

/// Runs the proof; `only` restricts it to pairs whose name contains one of the words.
pub fn run(only: &[String]) -> Result<(), String> {
    let root = crate::workspace_root();
    let corpus = root.join("generator/tests/diff");
    let dir = root.join("target/api-diff-proof");
    let runtime = root.join("runtime");
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .map_err(|e| format!("{}: {e}", corpus.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("old.yaml").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| only.is_empty() || only.iter().any(|o| n.contains(o.as_str())))
        .collect();
    names.sort();
    let mut specs: Vec<Spec> = Vec::new();
    let mut by_digest: BTreeMap<String, usize> = BTreeMap::new();
    let mut pairs = Vec::new();
    // Pairs holding what the harness cannot run, with the reason; their verdicts rest on the golden reports.
    let mut skipped: Vec<String> = Vec::new();
    'pairs: for name in &names {
        for side in ["old", "new"] {
            let display = format!("{name}/{side}.yaml");
            let path = corpus.join(&display);
            let source =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let api = apigen::lower_source(&display, &source, false).map_err(|e| e.to_string())?;
            if let Some(why) = wire::unsupported(&api) {
                skipped.push(format!("{name} ({side}: {why})"));
                continue 'pairs;
            }
        }
        let mut sides = [0usize; 2];
        for (i, side) in ["old", "new"].iter().enumerate() {
            let path = corpus.join(name).join(format!("{side}.yaml"));
            let source =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let d = digest(&source);
            let index = match by_digest.get(&d) {
                Some(i) => *i,
                None => {
                    let (api, text) = module(&format!("{name}/{side}.yaml"), &source)?;
                    let krate = format!("s_{d}");
                    let cdir = dir.join(format!("specs/{krate}"));
                    write_if_changed(&cdir.join("src/module.rs"), &text)?;
                    write_if_changed(
                        &cdir.join("src/lib.rs"),
                        "#![allow(warnings, clippy::all)]\ninclude!(\"module.rs\");\n",
                    )?;
                    write_if_changed(
                        &cdir.join("Cargo.toml"),
                        &format!(
                            "[package]\nname = \"{}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\napigen-runtime = {{ path = {:?}, features = [\"client\", \"server\"] }}\n",
                            krate.replace('_', "-"),
                            runtime.display().to_string()
                        ),
                    )?;
                    specs.push(Spec {
                        api,
                        krate: krate.clone(),
                    });
                    by_digest.insert(d, specs.len() - 1);
                    specs.len() - 1
                }
            };
            sides[i] = index;
        }
        let changes = apigen::diff::diff(&specs[sides[0]].api, &specs[sides[1]].api);
        let witnessed = |c: &apigen::diff::Change, p: Party| {
            !UNWITNESSED.iter().any(|(r, q, _)| *r == c.rule && *q == p)
        };
        let expected: BTreeMap<Party, bool> = Party::ALL
            .into_iter()
            .map(|p| (p, changes.iter().any(|c| c.breaks(p) && witnessed(c, p))))
            .collect();
        let unwitnessed = Party::ALL
            .into_iter()
            .filter(|p| !expected[p] && changes.iter().any(|c| c.breaks(*p)))
            .collect();
        pairs.push(Pair {
            name: name.clone(),
            old: sides[0],
            new: sides[1],
            expected,
            unwitnessed,
        });
    }
    let dep = |s: &Spec, alias: &str| {
        format!(
            "{alias} = {{ package = \"{}\", path = \"../specs/{}\" }}\n",
            s.krate.replace('_', "-"),
            s.krate
        )
    };
    // The code programs: per pair, against NEW; per distinct OLD, against itself (the baseline).
    let mut members = vec!["wire".to_owned()];
    let mut user_crate = |cname: &str, program: &str, api: &Spec| -> Result<(), String> {
        let cdir = dir.join(cname);
        write_if_changed(&cdir.join("src/lib.rs"), program)?;
        write_if_changed(
            &cdir.join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{cname}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{}",
                dep(api, "api")
            ),
        )?;
        members.push(cname.to_owned());
        Ok(())
    };
    let mut baselines = BTreeMap::new();
    for p in &pairs {
        let old = &specs[p.old];
        for (kind, program) in [
            ("client", user::client_program(&old.api)),
            ("server", user::server_program(&old.api)),
        ] {
            user_crate(&format!("u-{}-{kind}", p.name), &program, &specs[p.new])?;
            if baselines
                .insert(format!("b-{}-{kind}", old.krate.replace('_', "-")), ())
                .is_none()
            {
                user_crate(
                    &format!("b-{}-{kind}", old.krate.replace('_', "-")),
                    &program,
                    old,
                )?;
            }
        }
    }
    // The wire binary.
    let mut main = String::from(
        "#![allow(warnings, clippy::all)]\n//! Generated by `cargo xtask api-diff-proof`.\n\n\
         pub fn json<T: apigen_runtime::serde::de::DeserializeOwned>(text: &str) -> T {\n    \
         apigen_runtime::serde_json::from_str(text).unwrap_or_else(|e| panic!(\"witness {text} does not decode: {e}\"))\n}\n\n",
    );
    let mut run = String::new();
    let mut wire_deps = String::new();
    for s in &specs {
        wire_deps.push_str(&dep(s, &s.krate));
    }
    for (i, p) in pairs.iter().enumerate() {
        let (old, new) = (&specs[p.old], &specs[p.new]);
        let module = format!(
            "pub mod server_old {{\n{}}}\npub mod server_new {{\n{}}}\npub mod client_old {{\n{}}}\npub mod client_new {{\n{}}}\n",
            wire::server(&old.api, &new.api, &old.krate),
            wire::server(&new.api, &old.api, &new.krate),
            wire::client(&old.api, &new.api, &old.krate),
            wire::client(&new.api, &old.api, &new.krate),
        );
        write_if_changed(&dir.join(format!("wire/src/p{i}.rs")), &module)?;
        let _ = writeln!(main, "mod p{i};");
        let _ = writeln!(
            run,
            "    {{\n        let (so, sn) = (p{i}::server_old::start().await, p{i}::server_new::start().await);\n        \
             let line = apigen_runtime::serde_json::json!({{\"pair\": {:?}, \"old_base\": p{i}::client_old::run(&so).await, \"old_clients\": p{i}::client_old::run(&sn).await, \"new_base\": p{i}::client_new::run(&sn).await, \"old_servers\": p{i}::client_new::run(&so).await}});\n        \
             println!(\"{{line}}\");\n    }}",
            p.name
        );
    }
    let _ = write!(
        main,
        "\n#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {{\n{run}}}\n"
    );
    write_if_changed(&dir.join("wire/src/main.rs"), &main)?;
    write_if_changed(
        &dir.join("wire/Cargo.toml"),
        &format!(
            "[package]\nname = \"wire\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\napigen-runtime = {{ path = {:?}, features = [\"client\", \"server\"] }}\ntokio = {{ version = \"1\", features = [\"full\"] }}\n{wire_deps}",
            runtime.display().to_string()
        ),
    )?;
    let member_list: Vec<String> = members
        .iter()
        .map(|m| format!("{m:?}"))
        .chain(specs.iter().map(|s| format!("\"specs/{}\"", s.krate)))
        .collect();
    write_if_changed(
        &dir.join("Cargo.toml"),
        &format!(
            "# Generated by `cargo xtask api-diff-proof`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = false\n",
            member_list.join(", ")
        ),
    )?;
    // The workspace's lockfile pins every dependency, so the scratch workspace resolves offline.
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
            .map_err(|e| format!("Cargo.lock: {e}"))?;
    }
    let started = std::time::Instant::now();
    let target = dir.join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let build = Command::new(&cargo)
        .args(["build", "--offline", "--quiet", "-p", "wire"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .map_err(|e| format!("cargo: {e}"))?;
    if !build.success() {
        return Err("the wire harness does not compile (see above): a bug in the harness".into());
    }
    let wire_out = Command::new(target.join("debug/wire"))
        .output()
        .map_err(|e| format!("wire: {e}"))?;
    if !wire_out.status.success() {
        return Err(format!(
            "the wire harness failed: {}",
            String::from_utf8_lossy(&wire_out.stderr)
        ));
    }
    let wire_time = started.elapsed();
    let started = std::time::Instant::now();
    let check = Command::new(&cargo)
        .args([
            "check",
            "--offline",
            "--keep-going",
            "--message-format=json",
            "--workspace",
            "--exclude",
            "wire",
        ])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    let code_time = started.elapsed();
    // The packages with an error, and each one's first error.
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    for line in String::from_utf8_lossy(&check.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let target_name = msg["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .replace('_', "-");
        let text = msg["message"]["rendered"].as_str().unwrap_or_default();
        failed
            .entry(target_name)
            .or_insert_with(|| text.lines().take(6).collect::<Vec<_>>().join("\n"));
    }
    let mut problems = Vec::new();
    let mut agreed = BTreeMap::<Party, (usize, usize)>::new();
    for s in failed
        .keys()
        .filter(|k| k.starts_with("s-") || k.starts_with("b-"))
    {
        problems.push(format!("{s}: a baseline does not compile: {}", failed[s]));
    }
    let wire: Vec<serde_json::Value> = String::from_utf8_lossy(&wire_out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let mut table = String::new();
    let mut not_witnessed = Vec::new();
    for p in &pairs {
        let w = wire.iter().find(|w| w["pair"] == p.name.as_str());
        let observed_wire = |key: &str, base: &str| -> Result<bool, String> {
            let w = w.ok_or("no wire result")?;
            let base_fail = w[base].as_array().map_or(0, Vec::len);
            if base_fail > 0 {
                return Err(format!("its own side's server refused it: {}", w[base]));
            }
            Ok(w[key].as_array().is_some_and(|a| !a.is_empty()))
        };
        let mut cells = Vec::new();
        for (party, observed, evidence) in [
            (
                Party::OldClients,
                observed_wire("old_clients", "old_base"),
                w.map(|w| w["old_clients"].to_string()),
            ),
            (
                Party::OldServers,
                observed_wire("old_servers", "new_base"),
                w.map(|w| w["old_servers"].to_string()),
            ),
            (
                Party::ClientCode,
                Ok(failed.contains_key(&format!("u-{}-client", p.name))),
                failed.get(&format!("u-{}-client", p.name)).cloned(),
            ),
            (
                Party::ServerCode,
                Ok(failed.contains_key(&format!("u-{}-server", p.name))),
                failed.get(&format!("u-{}-server", p.name)).cloned(),
            ),
        ] {
            let expected = p.expected[&party];
            if p.unwitnessed.contains(&party) {
                not_witnessed.push(format!("{} ({})", p.name, party.title()));
                cells.push("n/w".into());
                continue;
            }
            match observed {
                Ok(seen) if seen == expected => {
                    let e = agreed.entry(party).or_default();
                    if seen {
                        e.0 += 1;
                    } else {
                        e.1 += 1;
                    }
                    cells.push(if seen { "breaks" } else { "ok" }.to_owned());
                }
                Ok(seen) => {
                    problems.push(format!(
                        "{}: {} judged {}, but the run {}: {}",
                        p.name,
                        party.title(),
                        if expected { "broken" } else { "safe" },
                        if seen { "broke" } else { "passed" },
                        evidence.unwrap_or_default()
                    ));
                    cells.push("DISAGREES".into());
                }
                Err(e) => {
                    problems.push(format!("{}: {}: harness error: {e}", p.name, party.title()));
                    cells.push("HARNESS".into());
                }
            }
        }
        let _ = writeln!(
            table,
            "{:<42} {}",
            p.name,
            cells.iter().map(|c| format!("{c:<10}")).collect::<String>()
        );
    }
    println!(
        "{:<42} {:<10}{:<10}{:<10}{:<10}",
        "pair", "old cli.", "old srv.", "cli. code", "srv. code"
    );
    print!("{table}");
    for party in [
        Party::OldClients,
        Party::OldServers,
        Party::ClientCode,
        Party::ServerCode,
    ] {
        let (b, s) = agreed.get(&party).copied().unwrap_or_default();
        println!(
            "api-diff-proof: {}: {b} breaks and {s} safe pairs agree with the verdicts",
            party.title()
        );
    }
    println!(
        "api-diff-proof: {} pairs, {} distinct specs; wire {:.0?} (build and run), code {:.0?} (cargo check)",
        pairs.len(),
        specs.len(),
        wire_time,
        code_time
    );
    if !not_witnessed.is_empty() {
        println!(
            "api-diff-proof: {} verdicts not witnessed (the harness cannot show them: {}): {}",
            not_witnessed.len(),
            UNWITNESSED
                .iter()
                .map(|(r, p, why)| format!("{} for {}: {why}", r.rule().id, p.title()))
                .collect::<Vec<_>>()
                .join("; "),
            not_witnessed.join(", ")
        );
    }
    if !skipped.is_empty() {
        println!(
            "api-diff-proof: {} pairs not run (the harness cannot call or answer them yet): {}",
            skipped.len(),
            skipped.join(", ")
        );
    }
    if problems.is_empty() {
        Ok(())
    } else {
        for p in &problems {
            eprintln!("disagreement: {p}");
        }
        Err(format!(
            "{} disagreement(s) between the rules and the runs",
            problems.len()
        ))
    }
}
