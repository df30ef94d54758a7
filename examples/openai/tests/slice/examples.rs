//! OpenAI's own example bodies (tests/data, copied from its OpenAPI description; see tests/data/README.md) decode
//! into the generated models and encode back to the same JSON. Two departures, each asserted below: a request
//! model writes out the defaults the spec fills in for absent fields (`n: 1`, `strict: false`, ...), and the files list example
//! lacks the `has_more` the slice's cursor pagination reads (today's files API sends it).

use crate::common::example;
use openai_slice::models::{
    ChatCompletionMessageToolCall, ChatCompletionRequestMessage,
    ChatCompletionRequestUserMessageContent, ChatCompletionRequestUserMessageContentPart,
    ChatCompletionToolChoiceOption, ChatModel, CreateChatCompletionRequest,
    CreateChatCompletionResponse, CreateChatCompletionStreamResponse, CreateEmbeddingRequest,
    CreateEmbeddingRequestInput, CreateEmbeddingResponse, DeleteFileResponse, EmbeddingEmbedding,
    EmbeddingModel, FilePurpose, FinishReason, ImageDetail, OpenAIFile, PaginatedOpenAIFileList,
    StreamFinishReason, ToolChoiceMode,
};
use openai_slice::rt::serde::{de::DeserializeOwned, Serialize};
use openai_slice::rt::serde_json::{self, json, Value};
use openai_slice::Nullable;
use slice_testkit::round_trip;

/// `value` with `patch` merged in (objects key by key, anything else replaced).
fn merged(mut value: Value, patch: &Value) -> Value {
    match (&mut value, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, v) in patch {
                let slot = target.remove(key).unwrap_or(Value::Null);
                target.insert(key.clone(), merged(slot, v));
            }
        }
        (slot, patch) => *slot = patch.clone(),
    }
    value
}

/// Decodes `value` into `T` and encodes it back: the JSON is `value` with `defaults` (what the spec fills in for
/// the absent fields) written out, and that JSON round-trips unchanged.
fn with_defaults<T: DeserializeOwned + Serialize>(value: &Value, defaults: Value) -> T {
    let decoded: T = serde_json::from_value(value.clone()).expect("the example decodes");
    let filled = merged(value.clone(), &defaults);
    assert_eq!(serde_json::to_value(&decoded).unwrap(), filled);
    round_trip(&filled)
}

/// What `CreateChatCompletionRequest` fills in for each absent field with a default.
fn chat_defaults() -> Value {
    json!({"frequency_penalty": 0.0, "logprobs": false, "n": 1, "presence_penalty": 0.0, "parallel_tool_calls": true})
}

#[test]
fn the_chat_completion_examples_round_trip() {
    let answer: CreateChatCompletionResponse = round_trip(&example("chat-response-default.yaml"));
    assert_eq!(answer.id, "chatcmpl-123");
    assert_eq!(
        answer.system_fingerprint,
        Nullable::Value("fp_44709d6fcb".into())
    );
    let choice = &answer.choices[0];
    assert_eq!(choice.finish_reason, FinishReason::Stop);
    assert_eq!(choice.logprobs, None, "`logprobs: null` is kept");
    let usage = answer.usage.expect("usage");
    assert_eq!((usage.prompt_tokens, usage.total_tokens), (9, 21));

    let image: CreateChatCompletionResponse = round_trip(&example("chat-response-image.yaml"));
    assert!(image.choices[0]
        .message
        .content
        .as_deref()
        .is_some_and(|c| c.contains("boardwalk")));

    let called: CreateChatCompletionResponse = round_trip(&example("chat-response-functions.yaml"));
    let message = &called.choices[0].message;
    assert_eq!(message.content, None, "`content: null`");
    let Some([ChatCompletionMessageToolCall::Function(call)]) = message.tool_calls.as_deref()
    else {
        panic!("not one function call: {:?}", message.tool_calls)
    };
    assert_eq!(
        (call.id.as_str(), call.function.name.as_str()),
        ("call_abc123", "get_current_weather")
    );

    let logprobs: CreateChatCompletionResponse =
        round_trip(&example("chat-response-logprobs.yaml"));
    assert_eq!(logprobs.system_fingerprint, Nullable::Null);
    let tokens = logprobs.choices[0]
        .logprobs
        .as_ref()
        .and_then(|l| l.content.clone())
        .unwrap();
    assert_eq!(tokens.len(), 9);
    // A top alternative without bytes (`<|end|>`) keeps `bytes: null`; tiny log probabilities keep their value.
    assert_eq!(tokens[2].top_logprobs[1].bytes, None);
    assert_eq!(tokens[4].logprob, -3.7697225e-6);
}

#[test]
fn the_streamed_chunk_examples_round_trip() {
    let path = format!("{}/tests/data/chat-chunks.txt", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the chunks example");
    // One chunk a line; `....` stands for the chunks between (and the header comments say where they come from).
    let chunks: Vec<CreateChatCompletionStreamResponse> = text
        .lines()
        .filter(|l| !(l.is_empty() || l.starts_with('#') || l.starts_with("....")))
        .map(|l| round_trip(&serde_json::from_str(l).expect("a chunk is JSON")))
        .collect();
    assert_eq!(chunks.len(), 3);
    assert_eq!(
        chunks[0].choices[0].delta.content,
        Nullable::Value(String::new())
    );
    assert_eq!(
        chunks[1].choices[0].delta.content,
        Nullable::Value("Hello".into())
    );
    assert_eq!(
        chunks[2].choices[0].finish_reason,
        Some(StreamFinishReason::Stop)
    );
    assert!(chunks
        .iter()
        .all(|c| c.id == "chatcmpl-123" && c.created == 1694268190));
}

#[test]
fn the_streaming_request_example_round_trips_with_the_defaults_written_out() {
    let request: CreateChatCompletionRequest =
        with_defaults(&example("chat-request-streaming.yaml"), chat_defaults());
    // A model id the enum does not list (the example's placeholder) is kept, the enum being open.
    assert_eq!(request.model, ChatModel::Unknown("VAR_model_id".into()));
    assert!(matches!(
        &request.messages[..],
        [
            ChatCompletionRequestMessage::System(_),
            ChatCompletionRequestMessage::User(_)
        ]
    ));
}

#[test]
fn the_other_request_examples_need_stream_true_which_the_slice_requires() {
    // The slice's `createChatCompletion` is the streamed form (see the spec's header): a body without
    // `stream: true` fails to decode, naming the field; with it, each example decodes.
    for name in [
        "chat-request-default.yaml",
        "chat-request-image.yaml",
        "chat-request-functions.yaml",
        "chat-request-logprobs.yaml",
    ] {
        let value = example(name);
        let error =
            serde_json::from_value::<CreateChatCompletionRequest>(value.clone()).unwrap_err();
        assert!(error.to_string().contains("stream"), "{name}: {error}");
        let streamed = merged(value, &json!({"stream": true}));
        let defaults = match name {
            // `logprobs` is given.
            "chat-request-logprobs.yaml" => merged(chat_defaults(), &json!({"logprobs": true})),
            _ => chat_defaults(),
        };
        // Defaults inside lists: the image's `detail` (`auto`), the function's `strict` (`false`).
        let defaults = match name {
            "chat-request-image.yaml" => {
                let mut messages = streamed["messages"].clone();
                messages[0]["content"][1]["image_url"]["detail"] = json!("auto");
                merged(defaults, &json!({"messages": messages}))
            }
            "chat-request-functions.yaml" => {
                let mut tools = streamed["tools"].clone();
                tools[0]["function"]["strict"] = json!(false);
                merged(defaults, &json!({"tools": tools}))
            }
            _ => defaults,
        };
        let request: CreateChatCompletionRequest = with_defaults(&streamed, defaults);
        match name {
            "chat-request-image.yaml" => {
                let ChatCompletionRequestMessage::User(user) = &request.messages[0] else {
                    panic!("{:?}", request.messages)
                };
                let ChatCompletionRequestUserMessageContent::Parts(parts) = &user.content else {
                    panic!("{:?}", user.content)
                };
                let [ChatCompletionRequestUserMessageContentPart::Text(_), ChatCompletionRequestUserMessageContentPart::ImageUrl(image)] =
                    &parts[..]
                else {
                    panic!("{parts:?}")
                };
                assert_eq!(image.image_url.detail, ImageDetail::Auto);
                #[allow(deprecated)]
                let max_tokens = request.max_tokens;
                assert_eq!(max_tokens, Nullable::Value(300));
            }
            "chat-request-functions.yaml" => {
                assert_eq!(request.model, ChatModel::Gpt4o);
                assert_eq!(
                    request.tools.as_ref().map(|t| t[0].function.name.as_str()),
                    Some("get_current_weather")
                );
                assert_eq!(
                    request.tool_choice,
                    Some(ChatCompletionToolChoiceOption::Mode(ToolChoiceMode::Auto))
                );
            }
            "chat-request-logprobs.yaml" => assert_eq!(request.top_logprobs, Nullable::Value(2)),
            _ => assert_eq!(request.messages.len(), 2),
        }
    }
}

#[test]
fn the_embedding_examples_round_trip() {
    let request: CreateEmbeddingRequest = round_trip(&example("embeddings-request.yaml"));
    assert_eq!(
        request.input,
        CreateEmbeddingRequestInput::Text("The food was delicious and the waiter...".into())
    );
    assert_eq!(request.model, EmbeddingModel::TextEmbeddingAda002);
    let answer: CreateEmbeddingResponse = round_trip(&example("embeddings-response.yaml"));
    assert_eq!(
        answer.data[0].embedding,
        EmbeddingEmbedding::Floats(vec![0.0023064255, -0.009327292, -0.0028842222])
    );
    assert_eq!(
        (answer.usage.prompt_tokens, answer.usage.total_tokens),
        (8, 8)
    );
}

#[test]
fn the_file_examples_round_trip() {
    let file: OpenAIFile = round_trip(&example("file-response.yaml"));
    assert_eq!(
        (file.id.as_str(), file.bytes, file.purpose),
        ("file-abc123", 120000, FilePurpose::FineTune)
    );
    let object: OpenAIFile = round_trip(&example("file-object.yaml"));
    assert_eq!(object.purpose, FilePurpose::Assistants);
    let deleted: DeleteFileResponse = round_trip(&example("file-delete-response.yaml"));
    assert!(deleted.deleted);
}

#[test]
fn the_files_list_example_lacks_has_more_which_the_page_model_requires() {
    let list = example("files-list-response.yaml");
    // Its files round-trip one by one; the page needs `has_more` (the slice's cursor pagination reads it, and the
    // files API sends it), which this example, older than the cursor, leaves out.
    let files: Vec<OpenAIFile> = round_trip(&list["data"]);
    let names: Vec<_> = files
        .iter()
        .map(|f| (f.filename.as_str(), f.purpose.clone()))
        .collect();
    assert_eq!(
        names,
        [
            ("salesOverview.pdf", FilePurpose::Assistants),
            ("puppy.jsonl", FilePurpose::FineTune)
        ]
    );
    let error = serde_json::from_value::<PaginatedOpenAIFileList>(list.clone()).unwrap_err();
    assert!(error.to_string().contains("has_more"), "{error}");
    // With it, the page round-trips, its absent nullable `first_id` and `last_id` written as null.
    let page: PaginatedOpenAIFileList = with_defaults(
        &merged(list, &json!({"has_more": false})),
        json!({"first_id": null, "last_id": null}),
    );
    assert_eq!(page.data, files);
}
