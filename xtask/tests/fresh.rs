//! Fails when a committed generated crate (`generated/`, the real-API slices under `examples/*/api/`) differs from
//! what its spec generates (rust-analyzer's pattern): the fix is to run `cargo xtask codegen` and commit.

#[test]
fn generated_crates_are_fresh() {
    let mut problems = Vec::new();
    for job in xtask::default_jobs() {
        let source = apigen::read_spec(&job.spec).unwrap();
        let files = apigen::generate(&job.options.spec_display, &source, &job.options, false)
            .unwrap_or_else(|e| panic!("{e}"));
        let report = apigen::write::check(&job.out, &files).unwrap();
        let dir = job.out.display();
        problems.extend(
            report
                .changed
                .iter()
                .map(|(p, _, _)| format!("{dir}/{p} differs")),
        );
        problems.extend(
            report
                .stale
                .iter()
                .map(|p| format!("{dir}/{p} is no longer generated")),
        );
    }
    assert!(
        problems.is_empty(),
        "generated crates are stale; run `cargo xtask codegen` and commit:\n{}",
        problems.join("\n")
    );
}
