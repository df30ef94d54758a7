//! Multipart bodies (`multipart/form-data`), read with multer (the parser axum's own `Multipart` uses) within
//! limits: the whole body (the body limit), each part ([`ServerOptions::max_part_bytes`]) and the number of parts
//! ([`ServerOptions::max_parts`]); past any of them the answer is `payload_too_large`. Text parts become form pairs
//! for the schema; the operation's file parts become [`File`]s with their file name and content type.

use super::super::File;
use super::error::ApiError;
use super::runtime::ServerOptions;
use super::serve::FilePart;
use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;

/// A multipart body's parts.
#[derive(Debug, Default)]
pub(super) struct Parts {
    /// Text parts as (name, content) pairs, in the order sent.
    pub(super) text: Vec<(String, Vec<u8>)>,
    /// File parts as (name, file), in the order sent.
    pub(super) files: Vec<(String, File)>,
}

/// Reads a multipart body whose file parts are `files`.
pub(super) async fn read(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
    files: &[FilePart],
    options: &ServerOptions,
) -> Result<Parts, ApiError> {
    super::runtime::refuse_declared_length(headers, limit)?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(parse_error)?;
    let mut size = multer::SizeLimit::new().whole_stream(limit as u64);
    if let Some(part) = options.max_part_bytes {
        size = size.per_field(part as u64);
    }
    let constraints = multer::Constraints::new().size_limit(size);
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut parts = Parts::default();
    let mut count = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(parse_error)? {
        count += 1;
        if count > options.max_parts {
            return Err(ApiError::PayloadTooLarge);
        }
        let Some(name) = field.name().map(str::to_owned) else {
            return Err(ApiError::validation(
                "parse_error",
                "Multipart form parse error - a part has no name.",
            ));
        };
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        // Read chunk by chunk rather than with `bytes()`, so the error of a part over its limit is the one seen.
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(parse_error)? {
            data.extend_from_slice(&chunk);
        }
        let is_file = files
            .iter()
            .any(|part| name == part.name || name.strip_prefix(part.name) == Some("[]"));
        if is_file {
            let mut file = File::from_bytes(data);
            if let Some(file_name) = file_name {
                file = file.with_file_name(file_name);
            }
            if let Some(content_type) = content_type {
                file = file.with_content_type(content_type);
            }
            parts.files.push((name, file));
        } else {
            parts.text.push((name, data));
        }
    }
    Ok(parts)
}

/// A multer error as the API's answer: a limit passed is `payload_too_large`, anything else the validation
/// answer with Django REST framework's `Multipart form parse error` message.
fn parse_error(error: multer::Error) -> ApiError {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            ApiError::PayloadTooLarge
        }
        other => ApiError::validation(
            "parse_error",
            format!("Multipart form parse error - {other}"),
        ),
    }
}
