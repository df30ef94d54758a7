//! The OpenAI slice end to end: an in-memory OpenAI on the server stubs generated from `spec/examples/openai.yaml`
//! (crate `openai_slice`, in `api/`), and [`serve`] to run it on a loopback port for the generated client.
//!
//! It behaves like api.openai.com where the slice can tell: a chat completion streams as chunks (the role first,
//! then the reply a word at a time, then `finish_reason: stop`, then `[DONE]`), files are uploaded as multipart
//! parts, listed newest first a page at a time (`after`, `limit`, `has_more`, `first_id`/`last_id`) and downloaded
//! as raw bytes, speech is raw audio bytes, and every answer carries an `x-request-id` and `openai-processing-ms`
//! (a middleware: the generated server leaves API-wide answer headers to the application).
//!
//! Large contents are never held: [`OpenAi::with_generated_file`] stores a file by its size alone and its download
//! is produced 64 KiB at a time, which is what lets a test measure a 50 MiB download's memory in this process.

use futures::stream::{self, StreamExt as _};
use openai_slice::models::{
    ChatCompletionRequestMessage, ChatCompletionRequestUserMessageContent,
    ChatCompletionRequestUserMessageContentPart, ChatCompletionStreamChoice,
    ChatCompletionStreamResponseDelta, ChunkObject, CreateChatCompletionRequest,
    CreateChatCompletionStreamResponse, CreateEmbeddingRequest, CreateEmbeddingRequestInput,
    CreateEmbeddingResponse, CreateEmbeddingResponseUsage, CreateFileRequest, CreateSpeechRequest,
    DeleteFileResponse, DeltaRole, Embedding, EmbeddingEmbedding, EmbeddingObject, Error,
    ErrorResponse, FileObject, FilePurpose, ListObject, ListOrder, OpenAIFile,
    PaginatedOpenAIFileList, StreamFinishReason,
};
use openai_slice::rt::{axum, bytes::Bytes, File};
use openai_slice::server::{self, ApiError, Authenticate, Caller, RequestContext};
use openai_slice::server::{
    AudioApi, AudioCreateSpeechHeaders, AudioCreateSpeechResponse, ChatApi,
    ChatCreateCompletionHeaders, ChatCreateCompletionResponse, EmbeddingsApi,
    EmbeddingsCreateHeaders, EmbeddingsCreateResponse, FilesApi, FilesContentHeaders,
    FilesContentResponse, FilesCreateHeaders, FilesCreateResponse, FilesDeleteHeaders,
    FilesDeleteResponse, FilesListHeaders, FilesListQuery, FilesListResponse, FilesRetrieveHeaders,
    FilesRetrieveResponse,
};
use openai_slice::Nullable;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The keys of [`OpenAi::demo`]: key and the permissions it holds.
pub const DEMO_KEYS: &[(&str, &[&str])] = &[
    (
        "sk-test-all",
        &["model.request", "api.files.write", "api.files.read"],
    ),
    ("sk-test-files-reader", &["api.files.read"]),
];

/// When this OpenAI thinks it is (Unix seconds): answers name times, and tests must not depend on the clock.
const NOW: i64 = 1_727_000_000;

/// The size of a chunk of a generated download: the most of it held at once.
pub const CHUNK: usize = 64 * 1024;

/// Byte `offset` of a generated file's content: its offset modulo 251, so a reader can check every byte.
pub fn generated_byte(offset: u64) -> u8 {
    (offset % 251) as u8
}

/// The holder of a key.
#[derive(Debug, Clone)]
pub struct KeyHolder {
    scopes: Vec<String>,
}

impl Caller for KeyHolder {
    fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// What a stored file holds.
#[derive(Debug, Clone)]
enum Content {
    /// The uploaded bytes.
    Bytes(Bytes),
    /// `n` bytes made on demand ([`generated_byte`]), never held.
    Generated(u64),
}

/// The in-memory OpenAI: every resource trait of the slice.
#[derive(Debug)]
pub struct OpenAi {
    keys: HashMap<String, KeyHolder>,
    // A std mutex: never held across an `.await`, and every critical section is a few vector operations.
    files: Mutex<Files>,
}

/// The organization's files, oldest first.
#[derive(Debug, Default)]
struct Files {
    stored: Vec<(OpenAIFile, Content)>,
    next_id: u32,
}

impl Files {
    fn add(&mut self, filename: &str, purpose: FilePurpose, content: Content) -> OpenAIFile {
        self.next_id += 1;
        let bytes = match &content {
            Content::Bytes(b) => b.len() as u64,
            Content::Generated(n) => *n,
        };
        let file = OpenAIFile {
            id: format!("file-fake{:08}", self.next_id),
            bytes: i64::try_from(bytes).unwrap_or(i64::MAX),
            created_at: NOW + i64::from(self.next_id),
            filename: filename.to_owned(),
            object: FileObject::File,
            purpose,
            #[allow(deprecated)]
            status: None,
            #[allow(deprecated)]
            status_details: None,
        };
        self.stored.push((file.clone(), content));
        file
    }
}

fn not_found(what: &str, id: &str) -> ErrorResponse {
    ErrorResponse {
        error: Error {
            code: None,
            message: format!("No such {what}: {id}"),
            param: Some("id".to_owned()),
            r#type: "invalid_request_error".to_owned(),
        },
    }
}

impl OpenAi {
    /// An OpenAI accepting `keys` (key and permissions), with no files.
    pub fn new(keys: &[(&str, &[&str])]) -> Self {
        let keys = keys
            .iter()
            .map(|(key, scopes)| {
                let holder = KeyHolder {
                    scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
                };
                ((*key).to_owned(), holder)
            })
            .collect();
        OpenAi {
            keys,
            files: Mutex::new(Files::default()),
        }
    }

    /// An OpenAI accepting [`DEMO_KEYS`].
    pub fn demo() -> Self {
        OpenAi::new(DEMO_KEYS)
    }

    /// Stores a file of `bytes` generated bytes (a batch's output, say) and returns it.
    pub fn with_generated_file(&self, filename: &str, bytes: u64) -> OpenAIFile {
        self.with_files(|files| {
            files.add(
                filename,
                FilePurpose::BatchOutput,
                Content::Generated(bytes),
            )
        })
    }

    /// The file `id` and what it holds.
    fn stored(&self, id: &str) -> Option<(OpenAIFile, Content)> {
        self.with_files(|files| files.stored.iter().find(|(f, _)| f.id == id).cloned())
    }

    fn with_files<R>(&self, f: impl FnOnce(&mut Files) -> R) -> R {
        // Every change is one vector operation, so a panic elsewhere cannot leave the files half-changed.
        f(&mut self.files.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Authenticate for OpenAi {
    type Caller = KeyHolder;

    async fn authenticate(&self, key: &str) -> Option<KeyHolder> {
        self.keys.get(key).cloned()
    }
}

/// The text of the last user message: what the fake's model answers to.
fn last_user_text(body: &CreateChatCompletionRequest) -> String {
    body.messages
        .iter()
        .rev()
        .find_map(|m| match m {
            ChatCompletionRequestMessage::User(user) => Some(match &user.content {
                ChatCompletionRequestUserMessageContent::Text(text) => text.clone(),
                ChatCompletionRequestUserMessageContent::Parts(parts) => parts
                    .iter()
                    .filter_map(|p| match p {
                        ChatCompletionRequestUserMessageContentPart::Text(t) => {
                            Some(t.text.as_str())
                        }
                        ChatCompletionRequestUserMessageContentPart::ImageUrl(_) => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            }),
            _ => None,
        })
        .unwrap_or_default()
}

/// The reply of the fake's model to `prompt`: it repeats it.
pub fn reply_to(prompt: &str) -> String {
    format!("You said: {prompt}")
}

impl ChatApi for OpenAi {
    async fn create_completion(
        &self,
        _ctx: RequestContext<KeyHolder>,
        _headers: ChatCreateCompletionHeaders,
        body: CreateChatCompletionRequest,
    ) -> Result<ChatCreateCompletionResponse, ApiError> {
        let model = body.model.to_string();
        let chunk = move |delta: ChatCompletionStreamResponseDelta,
                          finish: Option<StreamFinishReason>| {
            CreateChatCompletionStreamResponse {
                id: "chatcmpl-fake0001".to_owned(),
                object: ChunkObject::ChatCompletionChunk,
                created: NOW,
                model: model.clone(),
                service_tier: Nullable::Absent,
                system_fingerprint: Nullable::Value("fp_fake".to_owned()),
                choices: vec![ChatCompletionStreamChoice {
                    index: 0,
                    delta,
                    logprobs: Nullable::Null,
                    finish_reason: finish,
                }],
                usage: Nullable::Absent,
            }
        };
        let delta =
            |role: Option<DeltaRole>, content: Option<String>| ChatCompletionStreamResponseDelta {
                role,
                content: content.map_or(Nullable::Absent, Nullable::Value),
                refusal: Nullable::Absent,
                tool_calls: None,
            };
        // As OpenAI streams: the role with empty content, then the words, then an empty delta that finishes.
        let reply = reply_to(&last_user_text(&body));
        let mut chunks = vec![chunk(
            delta(Some(DeltaRole::Assistant), Some(String::new())),
            None,
        )];
        let words: Vec<&str> = reply.split_inclusive(' ').collect();
        chunks.extend(
            words
                .iter()
                .map(|w| chunk(delta(None, Some((*w).to_owned())), None)),
        );
        chunks.push(chunk(delta(None, None), Some(StreamFinishReason::Stop)));
        Ok(ChatCreateCompletionResponse::Ok(
            stream::iter(chunks).boxed(),
        ))
    }
}

impl EmbeddingsApi for OpenAi {
    async fn create(
        &self,
        _ctx: RequestContext<KeyHolder>,
        _headers: EmbeddingsCreateHeaders,
        body: CreateEmbeddingRequest,
    ) -> Result<EmbeddingsCreateResponse, ApiError> {
        let texts: Vec<String> = match &body.input {
            CreateEmbeddingRequestInput::Text(t) => vec![t.clone()],
            CreateEmbeddingRequestInput::Texts(t) => t.clone(),
            CreateEmbeddingRequestInput::Tokens(t) => vec![format!("{t:?}")],
            CreateEmbeddingRequestInput::TokenLists(t) => {
                t.iter().map(|l| format!("{l:?}")).collect()
            }
        };
        let dimensions = usize::try_from(body.dimensions.unwrap_or(8)).unwrap_or(8);
        // A vector made from the text's bytes: the same text always embeds the same.
        let data = texts
            .iter()
            .enumerate()
            .map(|(i, text)| Embedding {
                index: i64::try_from(i).unwrap_or(i64::MAX),
                embedding: EmbeddingEmbedding::Floats(
                    (0..dimensions)
                        .map(|d| {
                            let byte = text.as_bytes().get(d).copied().unwrap_or(0);
                            f64::from(byte) / 255.0
                        })
                        .collect(),
                ),
                object: EmbeddingObject::Embedding,
            })
            .collect();
        let tokens: i64 = texts
            .iter()
            .map(|t| i64::try_from(t.split_whitespace().count()).unwrap_or(0))
            .sum();
        Ok(EmbeddingsCreateResponse::Ok(CreateEmbeddingResponse {
            data,
            model: body.model.to_string(),
            object: ListObject::List,
            usage: CreateEmbeddingResponseUsage {
                prompt_tokens: tokens,
                total_tokens: tokens,
            },
        }))
    }
}

/// The generated bytes from `start` up to `end` ([`generated_byte`]), [`CHUNK`] at a time: never held whole.
fn generated_bytes(
    start: u64,
    end: u64,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    stream::unfold(start, move |offset| async move {
        if offset >= end {
            return None;
        }
        let len = (end - offset).min(CHUNK as u64);
        let bytes: Vec<u8> = (offset..offset + len).map(generated_byte).collect();
        Some((Ok(Bytes::from(bytes)), offset + len))
    })
}

/// A file of `n` generated bytes.
fn generated(n: u64) -> File {
    File::from_stream(generated_bytes(0, n)).with_content_type("application/octet-stream")
}

impl FilesApi for OpenAi {
    async fn list(
        &self,
        _ctx: RequestContext<KeyHolder>,
        query: FilesListQuery,
        _headers: FilesListHeaders,
    ) -> Result<FilesListResponse, ApiError> {
        let limit = match query.limit {
            None => 10_000,
            Some(n) if (1..=10_000).contains(&n) => usize::try_from(n).unwrap_or(10_000),
            Some(_) => {
                return Err(ApiError::field(
                    "limit",
                    "invalid_value",
                    "limit must be between 1 and 10000",
                ))
            }
        };
        let page = self.with_files(|files| {
            let mut listed: Vec<OpenAIFile> = files
                .stored
                .iter()
                .map(|(f, _)| f.clone())
                .filter(|f| {
                    query
                        .purpose
                        .as_ref()
                        .map_or(true, |p| f.purpose.to_string() == *p)
                })
                .collect();
            if query.order == ListOrder::Desc {
                listed.reverse();
            }
            let start = match &query.after {
                Some(after) => match listed.iter().position(|f| &f.id == after) {
                    Some(at) => at + 1,
                    None => {
                        return Err(ApiError::field(
                            "after",
                            "invalid_value",
                            format!("No such file: {after}"),
                        ))
                    }
                },
                None => 0,
            };
            let rest = &listed[start..];
            let data: Vec<OpenAIFile> = rest.iter().take(limit).cloned().collect();
            Ok(PaginatedOpenAIFileList {
                has_more: rest.len() > limit,
                object: ListObject::List,
                first_id: data.first().map(|f| f.id.clone()),
                last_id: data.last().map(|f| f.id.clone()),
                data,
            })
        })?;
        Ok(FilesListResponse::Ok(page))
    }

    async fn create(
        &self,
        _ctx: RequestContext<KeyHolder>,
        _headers: FilesCreateHeaders,
        body: CreateFileRequest,
    ) -> Result<FilesCreateResponse, ApiError> {
        let filename = body.file.file_name().unwrap_or("file").to_owned();
        // The router read the part into memory (within the body limit); a file part is never a stream here.
        let bytes = body.file.into_bytes().unwrap_or_default();
        let file =
            self.with_files(|files| files.add(&filename, body.purpose, Content::Bytes(bytes)));
        Ok(FilesCreateResponse::Ok(file))
    }

    async fn retrieve(
        &self,
        _ctx: RequestContext<KeyHolder>,
        file_id: String,
        _headers: FilesRetrieveHeaders,
    ) -> Result<FilesRetrieveResponse, ApiError> {
        Ok(match self.stored(&file_id) {
            Some((file, _)) => FilesRetrieveResponse::Ok(file),
            None => FilesRetrieveResponse::NotFound(not_found("file", &file_id)),
        })
    }

    async fn delete(
        &self,
        _ctx: RequestContext<KeyHolder>,
        file_id: String,
        _headers: FilesDeleteHeaders,
    ) -> Result<FilesDeleteResponse, ApiError> {
        let deleted = self.with_files(|files| {
            let before = files.stored.len();
            files.stored.retain(|(f, _)| f.id != file_id);
            files.stored.len() < before
        });
        Ok(if deleted {
            FilesDeleteResponse::Ok(DeleteFileResponse {
                id: file_id,
                object: FileObject::File,
                deleted: true,
            })
        } else {
            FilesDeleteResponse::NotFound(not_found("file", &file_id))
        })
    }

    async fn content(
        &self,
        _ctx: RequestContext<KeyHolder>,
        file_id: String,
        _headers: FilesContentHeaders,
    ) -> Result<FilesContentResponse, ApiError> {
        Ok(match self.stored(&file_id) {
            Some((_, Content::Bytes(bytes))) => FilesContentResponse::Ok(File::from_bytes(bytes)),
            Some((_, Content::Generated(n))) => FilesContentResponse::Ok(generated(n)),
            None => FilesContentResponse::NotFound(not_found("file", &file_id)),
        })
    }
}

/// The bytes of the fake's speech for `input` at `speed`: an MP3-like frame header and then 32 bytes per character
/// of input (slower speech is longer), streamed [`CHUNK`] at a time.
pub fn speech_len(input: &str, speed: f64) -> u64 {
    let per_char = (32.0 / speed.clamp(0.25, 4.0)).round() as u64;
    4 + per_char * input.chars().count() as u64
}

impl AudioApi for OpenAi {
    async fn create_speech(
        &self,
        _ctx: RequestContext<KeyHolder>,
        _headers: AudioCreateSpeechHeaders,
        body: CreateSpeechRequest,
    ) -> Result<AudioCreateSpeechResponse, ApiError> {
        let n = speech_len(&body.input, body.speed);
        let header = stream::once(async {
            Ok::<Bytes, std::io::Error>(Bytes::from_static(b"\xff\xfb\x90\x64"))
        });
        let audio = header.chain(generated_bytes(4, n));
        Ok(AudioCreateSpeechResponse::Ok(
            File::from_stream(audio).with_content_type("audio/mpeg"),
        ))
    }
}

/// The generated router serving `openai`, every answer carrying an `x-request-id` (`req_` and a number counting
/// up) and `openai-processing-ms`, as OpenAI's do.
pub fn app(openai: OpenAi) -> axum::Router {
    let requests = Arc::new(AtomicU64::new(0));
    server::router(openai).layer(axum::middleware::map_response(
        move |mut response: axum::response::Response| {
            let n = requests.fetch_add(1, Ordering::Relaxed) + 1;
            async move {
                let headers = response.headers_mut();
                if let Ok(id) = axum::http::HeaderValue::from_str(&format!("req_fake{n:08}")) {
                    headers.insert("x-request-id", id);
                }
                headers.insert(
                    "openai-processing-ms",
                    axum::http::HeaderValue::from_static("7"),
                );
                response
            }
        },
    ))
}

/// Serves `openai` on an ephemeral port of 127.0.0.1 in a background task and returns its address. The task runs
/// until the runtime that spawned it shuts down (in tests: the end of the test).
pub async fn serve(openai: OpenAi) -> std::io::Result<SocketAddr> {
    slice_testkit::serve(app(openai), "openai fake").await
}
