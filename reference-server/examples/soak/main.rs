//! A soak of the reference server: N generated clients doing mixed CRUD on 127.0.0.1 for S seconds, then every
//! object checked. Prints requests, errors (must be 0), lost updates (must be 0) and resident memory at the
//! start, halfway and at the end; exits 1 if anything failed.
//!
//! `cargo run --release -p reference-server --example soak -- [WORKERS] [SECONDS] [steady]` (default 16 workers,
//! 30 s; `steady` deletes what each round creates, so memory shows leaks rather than data)

// The test uses the round limit, this example the time limit.
#[allow(dead_code)]
mod driver;

use std::process::ExitCode;
use std::time::Duration;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let workers = args.next().and_then(|a| a.parse().ok()).unwrap_or(16);
    let seconds = args.next().and_then(|a| a.parse().ok()).unwrap_or(30);
    let data = match args.next().as_deref() {
        Some("steady") => driver::Data::Steady,
        _ => driver::Data::Grows,
    };
    let limit = driver::Limit::For(Duration::from_secs(seconds));
    let report = driver::run(workers, limit, data).await;
    let kib =
        |v: Option<u64>| v.map_or("?".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!("workers:      {workers} ({data:?} data)");
    println!("duration:     {:.1} s", report.elapsed.as_secs_f64());
    println!(
        "requests:     {} ({:.0}/s)",
        report.requests,
        report.requests as f64 / report.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    );
    println!("errors:       {}", report.errors);
    for sample in &report.error_samples {
        println!("  {sample}");
    }
    println!(
        "lost updates: {} (of {} objects checked)",
        report.lost_updates, report.checked
    );
    println!(
        "RSS:          {} at start, {} halfway, {} at the end",
        kib(report.rss_kib[0]),
        kib(report.rss_kib[1]),
        kib(report.rss_kib[2])
    );
    if report.errors == 0 && report.lost_updates == 0 && report.checked > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
