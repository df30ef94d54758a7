//! The generated client against the in-memory OpenAI on 127.0.0.1: a streamed chat completion read to `[DONE]`, a
//! multipart upload downloaded again, files followed through three cursor pages, speech read as a byte stream,
//! embeddings, the answer headers and the key's permissions.

use crate::common::{client, openai_error, start, user};
use openai_example::{generated_byte, reply_to, speech_len, OpenAi};
use openai_slice::models::{
    ChatModel, CreateEmbeddingRequestInput, EmbeddingEmbedding, EmbeddingModel, FilePurpose,
    SpeechModel, StreamFinishReason, StreamOn, Voice,
};
use openai_slice::rt::File;
use openai_slice::Nullable;

#[tokio::test]
async fn a_chat_completion_streams_its_chunks_until_done() {
    let base = start(OpenAi::demo()).await;
    let openai = client(&base, "sk-test-all");
    let mut events = openai
        .chat()
        .create_completion()
        .model(ChatModel::Gpt4oMini)
        .messages(vec![user("hello there")])
        .stream(StreamOn::True)
        .send()
        .await
        .expect("the stream starts");
    let mut text = String::new();
    let mut chunks = 0;
    let mut finish = None;
    while let Some(event) = events.next().await {
        let chunk = event.expect("a chunk decodes").data;
        chunks += 1;
        assert_eq!(chunk.id, "chatcmpl-fake0001");
        assert_eq!(chunk.model, "gpt-4o-mini");
        let choice = &chunk.choices[0];
        if let Nullable::Value(content) = &choice.delta.content {
            text.push_str(content);
        }
        finish = choice.finish_reason;
    }
    // The role chunk, one per word, the finishing chunk; then `[DONE]` ended the stream.
    assert_eq!(text, reply_to("hello there"));
    assert_eq!(chunks, 2 + reply_to("hello there").split(' ').count());
    assert_eq!(finish, Some(StreamFinishReason::Stop));
}

#[tokio::test]
async fn an_uploaded_file_is_listed_retrieved_downloaded_and_deleted() {
    let base = start(OpenAi::demo()).await;
    let openai = client(&base, "sk-test-all");
    let lines = b"{\"custom_id\": \"r1\", \"method\": \"POST\"}\n".repeat(100);
    let uploaded = openai
        .files()
        .create()
        .file(File::from_bytes(lines.clone()).with_file_name("batch.jsonl"))
        .purpose(FilePurpose::Batch)
        .send_with_headers()
        .await
        .expect("uploaded");
    assert!(uploaded
        .headers
        .x_request_id
        .as_deref()
        .is_some_and(|id| id.starts_with("req_")));
    assert_eq!(uploaded.headers.openai_processing_ms, Some(7));
    let file = uploaded.body;
    assert_eq!(
        (file.filename.as_str(), file.bytes),
        ("batch.jsonl", lines.len() as i64)
    );
    assert_eq!(file.purpose, FilePurpose::Batch);

    let retrieved = openai.files().retrieve(&file.id).send().await.unwrap();
    assert_eq!(retrieved, file);
    let content = openai
        .files()
        .content(&file.id)
        .send()
        .await
        .expect("the bytes");
    assert_eq!(&content[..], &lines[..]);

    let deleted = openai.files().delete(&file.id).send().await.unwrap();
    assert!(deleted.deleted);
    let (status, message) = openai_error(openai.files().content(&file.id).send().await);
    assert_eq!(status, 404);
    assert!(message.contains(&file.id), "{message}");
}

#[tokio::test]
async fn files_come_three_pages_at_a_time_after_the_last_id() {
    let openai = OpenAi::demo();
    let made: Vec<String> = (0..5)
        .map(|n| openai.with_generated_file(&format!("out-{n}.jsonl"), 10).id)
        .collect();
    let base = start(openai).await;
    let openai = client(&base, "sk-test-files-reader");
    let mut pages = openai.files().list().limit(2).pages();
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        sizes.push(page.data.len());
        assert_eq!(page.first_id.as_ref(), page.data.first().map(|f| &f.id));
        assert_eq!(page.last_id.as_ref(), page.data.last().map(|f| &f.id));
        seen.extend(page.data.into_iter().map(|f| f.id));
    }
    assert_eq!(sizes, [2, 2, 1]);
    // Newest first, as `order` defaults to `desc`.
    assert_eq!(seen, made.iter().rev().cloned().collect::<Vec<_>>());
}

#[tokio::test]
async fn speech_is_read_as_a_stream_of_bytes() {
    let base = start(OpenAi::demo()).await;
    let openai = client(&base, "sk-test-all");
    let input = "The quick brown fox jumped over the lazy dog.".repeat(40);
    let mut audio = openai
        .audio()
        .create_speech()
        .model(SpeechModel::Tts1)
        .input(input.clone())
        .voice(Voice::Alloy)
        .send_streaming()
        .await
        .expect("the audio starts");
    let mut total = 0u64;
    let mut head = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = audio.next().await {
        let chunk = chunk.expect("a chunk");
        chunks += 1;
        if head.len() < 4 {
            head.extend_from_slice(&chunk[..chunk.len().min(4 - head.len())]);
        }
        for (i, byte) in chunk.iter().enumerate() {
            let offset = total + i as u64;
            if offset >= 4 {
                assert_eq!(*byte, generated_byte(offset), "byte {offset}");
            }
        }
        total += chunk.len() as u64;
    }
    // The server's default speed (1) and length; an MP3 frame header first.
    assert_eq!(total, speech_len(&input, 1.0));
    assert_eq!(head, b"\xff\xfb\x90\x64");
    assert!(chunks >= 1);
}

#[tokio::test]
async fn embeddings_and_permissions() {
    let base = start(OpenAi::demo()).await;
    let openai = client(&base, "sk-test-all");
    let answer = openai
        .embeddings()
        .create()
        .model(EmbeddingModel::TextEmbedding3Small)
        .input(CreateEmbeddingRequestInput::Texts(vec![
            "a".into(),
            "b".into(),
        ]))
        .dimensions(4)
        .send()
        .await
        .expect("embedded");
    assert_eq!(answer.data.len(), 2);
    assert!(matches!(&answer.data[0].embedding, EmbeddingEmbedding::Floats(v) if v.len() == 4));

    // A key that may only read files may not upload one, nor ask a model: OpenAI's 401 naming the scope.
    let reader = client(&base, "sk-test-files-reader");
    let (status, message) = openai_error(
        reader
            .files()
            .create()
            .file(File::from_bytes(&b"x"[..]).with_file_name("x.txt"))
            .purpose(FilePurpose::Assistants)
            .send()
            .await,
    );
    assert_eq!(status, 401);
    assert!(message.contains("api.files.write"), "{message}");
}
