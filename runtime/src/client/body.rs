//! Request bodies: what an operation takes ([`BodyKind`]) and what one request sends ([`Payload`]), rebuilt for
//! each attempt (a file at a path is read again; a stream is taken by the first attempt, which is why a request
//! holding one is never retried).

use super::super::file::{self, File};
use bytes::Bytes;
use reqwest::header::HeaderValue;
use reqwest::multipart::{Form, Part};

/// The kind of body an operation takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// No body.
    None,
    /// A JSON object of the body fields (`{}` when none is set), or a whole JSON value.
    Json,
    /// `application/x-www-form-urlencoded` with bracket keys (`metadata[plan]=pro`, `expand[]=a`,
    /// `items[0][price]=p`; `null` as an empty value, which Stripe reads as "unset").
    Form,
    /// `multipart/form-data`: the body fields as text parts (bracket keys as in forms) and the files set with
    /// [`Request::file`](super::Request::file), each with its file name and content type.
    Multipart,
    /// The bytes of one [`File`] set with [`Request::binary`](super::Request::binary), with its content type
    /// (`application/octet-stream` by default).
    Binary,
}

/// What one request sends.
#[derive(Debug, Clone)]
pub(super) enum Payload {
    /// No body.
    None,
    /// Bytes in memory with their content type: JSON, a form, a binary file in memory.
    Bytes {
        bytes: Bytes,
        content_type: HeaderValue,
    },
    /// A multipart body: text parts, then file parts.
    Multipart {
        text: Vec<(String, String)>,
        files: Vec<(String, File)>,
    },
    /// A binary body read from a path or a stream.
    File(File),
}

/// The content type of a file part or binary body without one of its own.
const OCTET_STREAM: &str = "application/octet-stream";

impl Payload {
    /// JSON bytes (what [`Runtime::execute`](super::Runtime::execute) is given).
    pub(super) fn json(bytes: impl Into<Bytes>) -> Payload {
        Payload::Bytes {
            bytes: bytes.into(),
            content_type: HeaderValue::from_static("application/json"),
        }
    }

    /// A binary body of `file`.
    pub(super) fn binary(file: File) -> Result<Payload, String> {
        let content_type = content_type(&file)?;
        Ok(match file.bytes() {
            Some(bytes) => Payload::Bytes {
                bytes: bytes.clone(),
                content_type,
            },
            None => Payload::File(file),
        })
    }

    /// Whether the body can be sent once only (it holds a stream), so the request is not retried.
    pub(super) fn is_single_use(&self) -> bool {
        match self {
            Payload::Multipart { files, .. } => files.iter().any(|(_, f)| f.is_stream()),
            Payload::File(file) => file.is_stream(),
            Payload::None | Payload::Bytes { .. } => false,
        }
    }

    /// The bytes hooks see (for signing): those of a body held in memory; `None` for multipart and file bodies,
    /// which are streamed.
    pub(super) fn bytes(&self) -> Option<&[u8]> {
        match self {
            Payload::Bytes { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// The content type known before the body is built (multipart's carries a boundary reqwest chooses).
    pub(super) fn content_type(&self) -> Result<Option<HeaderValue>, String> {
        match self {
            Payload::Bytes { content_type, .. } => Ok(Some(content_type.clone())),
            Payload::File(file) => content_type(file).map(Some),
            Payload::None | Payload::Multipart { .. } => Ok(None),
        }
    }

    /// `request` with this body, built anew for this attempt.
    pub(super) async fn attach(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, String> {
        Ok(match self {
            Payload::None => request,
            Payload::Bytes { bytes, .. } => request.body(bytes.clone()),
            Payload::File(file) => {
                let (stream, _) = file::open(file).await?;
                request.body(reqwest::Body::wrap_stream(stream))
            }
            Payload::Multipart { text, files } => {
                let mut form = Form::new();
                for (name, value) in text {
                    form = form.text(name.clone(), value.clone());
                }
                for (name, file) in files {
                    let (stream, len) = file::open(file).await?;
                    let body = reqwest::Body::wrap_stream(stream);
                    let mut part = match len {
                        Some(len) => Part::stream_with_length(body, len),
                        None => Part::stream(body),
                    };
                    if let Some(file_name) = file.file_name() {
                        part = part.file_name(file_name.to_owned());
                    }
                    let mime = file.content_type().unwrap_or(OCTET_STREAM);
                    part = part.mime_str(mime).map_err(|_| {
                        format!("the content type {mime:?} of the file part `{name}` is not a media type")
                    })?;
                    form = form.part(name.clone(), part);
                }
                request.multipart(form)
            }
        })
    }
}

/// A file's content type as a header value.
fn content_type(file: &File) -> Result<HeaderValue, String> {
    let text = file.content_type().unwrap_or(OCTET_STREAM);
    HeaderValue::from_str(text)
        .map_err(|_| format!("the content type {text:?} of the body is not a valid header value"))
}
