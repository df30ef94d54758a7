//! Fails when the committed `generated/` differs from what `spec/posthog.yaml` generates (rust-analyzer's pattern):
//! the fix is to run `cargo xtask codegen` and commit.

#[test]
fn generated_crate_is_fresh() {
    let job = xtask::job(None, None, None);
    let source = apigen::read_spec(&job.spec).unwrap();
    let files = apigen::generate(&job.options.spec_display, &source, &job.options, false)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = apigen::write::check(&job.out, &files).unwrap();
    let mut problems: Vec<String> = report
        .changed
        .iter()
        .map(|(p, _, _)| format!("{p} differs"))
        .collect();
    problems.extend(
        report
            .stale
            .iter()
            .map(|p| format!("{p} is no longer generated")),
    );
    assert!(
        problems.is_empty(),
        "generated/ is stale; run `cargo xtask codegen` and commit:\n{}",
        problems.join("\n")
    );
}
