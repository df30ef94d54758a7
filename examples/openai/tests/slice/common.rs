//! Shared by the OpenAI slice's tests: the fake on 127.0.0.1, clients of it, and a chat request.

use openai_example::OpenAi;
use openai_slice::client::{ApiErrorBody, Client, Error, RetryPolicy};
use openai_slice::models::{
    ChatCompletionRequestMessage, ChatCompletionRequestUserMessage,
    ChatCompletionRequestUserMessageContent, UserRole,
};
use openai_slice::rt::serde_json::Value;

/// Serves `openai` and returns its base URL.
pub async fn start(openai: OpenAi) -> String {
    let address = openai_example::serve(openai)
        .await
        .expect("127.0.0.1 has a free port");
    format!("http://{address}")
}

/// A client of `base` sending `key`. Retries are off: every answer here is final.
pub fn client(base: &str, key: &str) -> Client {
    Client::builder()
        .base_url(base)
        .api_key(key)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid configuration")
}

/// A user message saying `text`.
pub fn user(text: &str) -> ChatCompletionRequestMessage {
    ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
        content: ChatCompletionRequestUserMessageContent::Text(text.to_owned()),
        role: UserRole::User,
        name: None,
    })
}

/// The status and OpenAI error message of a failed call; fails the test on anything else.
pub fn openai_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (u16, String) {
    match result {
        Err(Error::Api(error)) => match error.body {
            ApiErrorBody::ErrorResponse(body) => (error.status.as_u16(), body.error.message),
            other => panic!("{}: not OpenAI's error body: {other:?}", error.status),
        },
        other => panic!("expected an error answer, got {other:?}"),
    }
}

/// OpenAI's example `name` (a file of `tests/data/`, as published: JSON, sometimes with trailing commas) as a JSON
/// value.
pub fn example(name: &str) -> Value {
    slice_testkit::example(env!("CARGO_MANIFEST_DIR"), name)
}
