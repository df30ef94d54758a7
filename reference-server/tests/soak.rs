//! A short, bounded soak (a fixed number of rounds, not a duration): 8 generated clients doing mixed CRUD on the
//! reference server served by the runtime's `serve`, with no error and no lost update. The long run is the `soak`
//! example.

// The example uses the time limit and steady data, this test the round limit.
#[allow(dead_code)]
#[path = "../examples/soak/driver.rs"]
mod driver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounded_soak_has_no_errors_and_loses_no_update() {
    let report = driver::run(8, driver::Limit::Rounds(12), driver::Data::Grows).await;
    assert_eq!(report.errors, 0, "{:?}", report.error_samples);
    assert_eq!(report.lost_updates, 0, "{report:?}");
    // 8 workers × 12 rounds: every variable of theirs, deleted or not, the 4 shared ones and 48 saved queries.
    assert_eq!(report.checked, 8 * 12 + 4 + 8 * 6, "{report:?}");
    assert!(report.requests > 8 * 12 * 5, "{report:?}");
}
