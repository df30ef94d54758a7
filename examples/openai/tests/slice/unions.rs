//! Every union of the OpenAI slice: each variant round-trips; the one open union (a response's tool calls, by
//! `type`) keeps an unknown kind of call as raw JSON; the closed ones (messages by `role`, content parts and
//! response formats by `type`, and the untagged ones) refuse a value of no variant, naming what they tried; and the
//! generated server answers a body with an unknown tag or a value of no variant with OpenAI's 400 naming the field,
//! never a 500.

use crate::common::start;
use openai_example::OpenAi;
use openai_slice::models::{
    ChatCompletionMessageToolCall, ChatCompletionRequestAssistantMessageContent,
    ChatCompletionRequestAssistantMessageContentPart, ChatCompletionRequestMessage,
    ChatCompletionRequestMessageContentPartText, ChatCompletionRequestSystemMessageContent,
    ChatCompletionRequestToolMessageContent, ChatCompletionRequestUserMessageContent,
    ChatCompletionRequestUserMessageContentPart, ChatCompletionToolChoiceOption,
    CreateChatCompletionRequestFunctionCall, CreateChatCompletionRequestStop,
    CreateEmbeddingRequestInput, EmbeddingEmbedding, ErrorResponse, FunctionCallMode,
    ResponseFormat, TextPartType, ToolChoiceMode, ToolType,
};
use openai_slice::rt::reqwest;
use openai_slice::rt::serde_json::{self, json, Value};
use slice_testkit::{refused, round_trip, variant};

fn text_part(text: &str) -> ChatCompletionRequestMessageContentPartText {
    ChatCompletionRequestMessageContentPartText {
        r#type: TextPartType::Text,
        text: text.into(),
    }
}

#[test]
fn a_message_is_one_of_five_roles() {
    let system: ChatCompletionRequestMessage =
        round_trip(&json!({"role": "system", "content": "Be brief.", "name": "rules"}));
    assert!(
        matches!(system, ChatCompletionRequestMessage::System(ref m) if m.name.as_deref() == Some("rules"))
    );
    let user: ChatCompletionRequestMessage =
        round_trip(&json!({"role": "user", "content": "Hello!"}));
    assert!(matches!(user, ChatCompletionRequestMessage::User(_)));
    let assistant: ChatCompletionRequestMessage = round_trip(&json!({
        "role": "assistant",
        "content": null,
        "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]
    }));
    assert!(
        matches!(assistant, ChatCompletionRequestMessage::Assistant(ref m) if m.content.is_null())
    );
    let tool: ChatCompletionRequestMessage =
        round_trip(&json!({"role": "tool", "content": "22 degrees", "tool_call_id": "call_1"}));
    assert!(
        matches!(tool, ChatCompletionRequestMessage::Tool(ref m) if m.tool_call_id == "call_1")
    );
    let function: ChatCompletionRequestMessage =
        round_trip(&json!({"role": "function", "content": null, "name": "f"}));
    assert!(matches!(function, ChatCompletionRequestMessage::Function(ref m) if m.name == "f"));
    assert_eq!(
        [&system, &user, &assistant, &tool, &function].map(|m| m.tag()),
        ["system", "user", "assistant", "tool", "function"].map(Some)
    );

    // Closed: a role it does not know (OpenAI's later `developer`) fails, naming the tag and the roles it knows;
    // so does a message without a role.
    refused::<ChatCompletionRequestMessage>(
        json!({"role": "developer", "content": "Be brief."}),
        &[
            "developer",
            "role",
            "system",
            "user",
            "assistant",
            "tool",
            "function",
        ],
    );
    refused::<ChatCompletionRequestMessage>(json!({"content": "Hello!"}), &["role"]);
}

#[test]
fn message_contents_are_text_or_parts() {
    variant(
        json!("Be brief."),
        ChatCompletionRequestSystemMessageContent::Text("Be brief.".into()),
    );
    variant(
        json!([{"type": "text", "text": "Be brief."}]),
        ChatCompletionRequestSystemMessageContent::Parts(vec![text_part("Be brief.")]),
    );
    variant(
        json!("Hi"),
        ChatCompletionRequestUserMessageContent::Text("Hi".into()),
    );
    variant(
        json!("Hi"),
        ChatCompletionRequestAssistantMessageContent::Text("Hi".into()),
    );
    variant(
        json!([{"type": "refusal", "refusal": "I can't."}]),
        ChatCompletionRequestAssistantMessageContent::Parts(vec![
            ChatCompletionRequestAssistantMessageContentPart::Refusal(
                serde_json::from_value(json!({"refusal": "I can't."})).unwrap(),
            ),
        ]),
    );
    variant(
        json!("22"),
        ChatCompletionRequestToolMessageContent::Text("22".into()),
    );
    variant(
        json!([{"type": "text", "text": "22"}]),
        ChatCompletionRequestToolMessageContent::Parts(vec![text_part("22")]),
    );
    refused::<ChatCompletionRequestUserMessageContent>(json!(7), &["Text", "Parts"]);
    // A system message's parts are text only: an image part fits neither form.
    refused::<ChatCompletionRequestSystemMessageContent>(
        json!([{"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]),
        &["Text", "Parts"],
    );
}

#[test]
fn a_user_part_is_text_or_an_image_and_an_assistant_part_text_or_a_refusal() {
    variant(
        json!({"type": "text", "text": "What's in this image?"}),
        ChatCompletionRequestUserMessageContentPart::Text(text_part("What's in this image?")),
    );
    let image: ChatCompletionRequestUserMessageContentPart = round_trip(
        &json!({"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}}),
    );
    assert_eq!(image.tag(), Some("image_url"));
    refused::<ChatCompletionRequestUserMessageContentPart>(
        json!({"type": "input_audio", "input_audio": {"data": "", "format": "wav"}}),
        &["input_audio", "type", "text", "image_url"],
    );

    variant(
        json!({"type": "text", "text": "Sure."}),
        ChatCompletionRequestAssistantMessageContentPart::Text(text_part("Sure.")),
    );
    let refusal: ChatCompletionRequestAssistantMessageContentPart =
        round_trip(&json!({"type": "refusal", "refusal": "I can't."}));
    assert_eq!(refusal.tag(), Some("refusal"));
    refused::<ChatCompletionRequestAssistantMessageContentPart>(
        json!({"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}),
        &["image_url", "text", "refusal"],
    );
}

#[test]
fn a_tool_call_of_an_unknown_type_is_kept_as_sent() {
    let function: ChatCompletionMessageToolCall = round_trip(&json!({
        "id": "call_abc123", "type": "function",
        "function": {"name": "get_current_weather", "arguments": "{\"location\": \"Boston, MA\"}"}
    }));
    assert!(
        matches!(function, ChatCompletionMessageToolCall::Function(ref c) if c.id == "call_abc123")
    );
    // Open: newer descriptions add `custom` calls; the client keeps one as raw JSON and sends it back unchanged.
    let custom =
        json!({"id": "call_2", "type": "custom", "custom": {"name": "grep", "input": "TODO"}});
    let kept: ChatCompletionMessageToolCall = round_trip(&custom);
    assert_eq!(kept, ChatCompletionMessageToolCall::Unknown(custom));
    assert_eq!(kept.tag(), Some("custom"));
    // A known tag with a bad body is still refused, not kept as unknown, naming what is missing and the variant.
    refused::<ChatCompletionMessageToolCall>(
        json!({"type": "function", "id": "call_3"}),
        &[
            "missing field `function`",
            "`type: function` variant of ChatCompletionMessageToolCall",
        ],
    );
    // And the tag is needed.
    refused::<ChatCompletionMessageToolCall>(json!({"id": "call_4"}), &["type"]);
}

#[test]
fn a_response_format_is_text_json_object_or_json_schema() {
    let formats = [
        json!({"type": "text"}),
        json!({"type": "json_object"}),
        json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": true}}),
    ];
    let tags: Vec<_> = formats
        .iter()
        .map(|f| round_trip::<ResponseFormat>(f).tag().map(str::to_owned))
        .collect();
    assert_eq!(
        tags,
        ["text", "json_object", "json_schema"].map(|t| Some(t.to_owned()))
    );
    refused::<ResponseFormat>(
        json!({"type": "yaml"}),
        &["yaml", "text", "json_object", "json_schema"],
    );
}

#[test]
fn the_untagged_request_options_take_each_form() {
    variant(
        json!("\n"),
        CreateChatCompletionRequestStop::One("\n".into()),
    );
    variant(
        json!(["\n", "END"]),
        CreateChatCompletionRequestStop::Many(vec!["\n".into(), "END".into()]),
    );
    refused::<CreateChatCompletionRequestStop>(json!(4), &["One", "Many"]);

    variant(
        json!("required"),
        ChatCompletionToolChoiceOption::Mode(ToolChoiceMode::Required),
    );
    let named: ChatCompletionToolChoiceOption =
        round_trip(&json!({"type": "function", "function": {"name": "get_current_weather"}}));
    assert!(
        matches!(named, ChatCompletionToolChoiceOption::Named(ref n) if n.r#type == ToolType::Function)
    );
    refused::<ChatCompletionToolChoiceOption>(json!("sometimes"), &["Mode", "Named"]);

    variant(
        json!("none"),
        CreateChatCompletionRequestFunctionCall::Mode(FunctionCallMode::None),
    );
    let named: CreateChatCompletionRequestFunctionCall = round_trip(&json!({"name": "f"}));
    assert!(
        matches!(named, CreateChatCompletionRequestFunctionCall::Named(ref n) if n.name == "f")
    );
    refused::<CreateChatCompletionRequestFunctionCall>(json!(true), &["Mode", "Named"]);
}

#[test]
fn an_embedding_input_is_text_texts_tokens_or_token_lists() {
    variant(
        json!("hello"),
        CreateEmbeddingRequestInput::Text("hello".into()),
    );
    variant(
        json!(["hello", "world"]),
        CreateEmbeddingRequestInput::Texts(vec!["hello".into(), "world".into()]),
    );
    variant(
        json!([1212, 318]),
        CreateEmbeddingRequestInput::Tokens(vec![1212, 318]),
    );
    variant(
        json!([[1212, 318], [257]]),
        CreateEmbeddingRequestInput::TokenLists(vec![vec![1212, 318], vec![257]]),
    );
    refused::<CreateEmbeddingRequestInput>(
        json!([1.5]),
        &["Text", "Texts", "Tokens", "TokenLists"],
    );

    variant(
        json!([0.5, -0.25]),
        EmbeddingEmbedding::Floats(vec![0.5, -0.25]),
    );
    variant(
        json!("AAAAPwAAgL4="),
        EmbeddingEmbedding::Base64("AAAAPwAAgL4=".into()),
    );
    refused::<EmbeddingEmbedding>(json!({"values": []}), &["Floats", "Base64"]);
}

/// Posts `body` to `path` of the fake with a key of every scope, as raw JSON the typed client would not send;
/// answers the status and OpenAI's error body.
async fn refusal(path: &str, body: Value) -> (u16, ErrorResponse) {
    let base = start(OpenAi::demo()).await;
    let answer = reqwest::Client::new()
        .post(format!("{base}/v1{path}"))
        .bearer_auth("sk-test-all")
        .json(&body)
        .send()
        .await
        .expect("the fake answers");
    let status = answer.status().as_u16();
    let text = answer.text().await.expect("a body");
    let error = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{status} {text}: {e}"));
    (status, error)
}

/// A streamed chat request with `messages`.
fn chat(messages: Value) -> Value {
    json!({"model": "gpt-4o-mini", "stream": true, "messages": messages})
}

#[tokio::test]
async fn the_server_refuses_an_unknown_tag_naming_the_field() {
    let cases = [
        (
            chat(json!([{"role": "developer", "content": "Be brief."}])),
            "messages__0__role",
        ),
        (
            chat(
                json!([{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}]),
            ),
            "messages__0__content",
        ),
        (
            // The open union refuses too on the server side: a generated server only takes what it knows.
            chat(
                json!([{"role": "assistant", "tool_calls": [{"id": "c", "type": "custom", "custom": {}}]}]),
            ),
            "messages__0__tool_calls__0__type",
        ),
        (
            chat_with("response_format", json!({"type": "yaml"})),
            "response_format__type",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = refusal("/chat/completions", body.clone()).await;
        assert_eq!(status, 400, "{body} → {error:?}");
        assert_eq!(error.error.r#type, "invalid_request_error");
        assert_eq!(
            error.error.param.as_deref(),
            Some(field),
            "{body} → {error:?}"
        );
    }
}

/// A streamed chat request saying "Hi", with `field` set to `value`.
fn chat_with(field: &str, value: Value) -> Value {
    let mut body = chat(json!([{"role": "user", "content": "Hi"}]));
    body[field] = value;
    body
}

#[tokio::test]
async fn the_server_refuses_a_value_of_no_variant_naming_the_field() {
    for (path, body, field) in [
        (
            "/embeddings",
            json!({"input": [1.5], "model": "text-embedding-3-small"}),
            "input",
        ),
        (
            "/embeddings",
            json!({"input": {"text": "hi"}, "model": "text-embedding-3-small"}),
            "input",
        ),
        (
            "/chat/completions",
            chat(json!([{"role": "user", "content": 7}])),
            "messages__0__content",
        ),
        ("/chat/completions", chat_with("stop", json!(4)), "stop"),
    ] {
        let (status, error) = refusal(path, body.clone()).await;
        assert_eq!(status, 400, "{body} → {error:?}");
        assert_eq!(
            error.error.param.as_deref(),
            Some(field),
            "{body} → {error:?}"
        );
    }
}
