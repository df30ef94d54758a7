//! A 50 MiB file content download from the in-memory OpenAI through the generated client's `send_streaming()`, in
//! bounded memory. The fake produces the content 64 KiB at a time and the client hands it over a chunk at a time,
//! so neither side holds the body; a counting allocator (this binary's only test, so nothing else allocates
//! meanwhile) measures the most heap the process held above what it held before the download, server included.
//! The test fails if that peak reaches 8 MiB, a sixth of the body; it prints the figure.

use openai_example::{generated_byte, OpenAi};
use openai_slice::client::{Client, RetryPolicy};
use slice_testkit::Counting;

#[global_allocator]
static ALLOCATOR: Counting = Counting::new();

const BODY: u64 = 50 * 1024 * 1024;

#[tokio::test]
async fn a_50_mib_file_content_is_streamed_in_bounded_memory() {
    let openai = OpenAi::demo();
    let file = openai.with_generated_file("batch_output.jsonl", BODY);
    let address = openai_example::serve(openai).await.expect("a free port");
    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .api_key("sk-test-all")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration");

    ALLOCATOR.reset_peak();
    let before = ALLOCATOR.held();
    let mut body = client
        .files()
        .content(&file.id)
        .send_streaming()
        .await
        .expect("the download starts");
    let mut received = 0u64;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("a chunk");
        // Every byte in order: a download that skipped or repeated a chunk would not be bounded, just wrong.
        for (i, byte) in chunk.iter().enumerate() {
            assert_eq!(*byte, generated_byte(received + i as u64));
        }
        received += chunk.len() as u64;
    }
    let peak = ALLOCATOR.peak().saturating_sub(before);
    assert_eq!(received, BODY);
    println!(
        "50 MiB download: peak heap above the start {:.2} MiB",
        peak as f64 / (1024.0 * 1024.0)
    );
    assert!(
        peak < 8 * 1024 * 1024,
        "the download held {peak} bytes at its peak"
    );
}
