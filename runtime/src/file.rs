//! [`File`]: a file's data with an optional file name and content type, the type of multipart file parts and raw
//! binary bodies on both sides.
//!
//! The data is bytes in memory, or (with the `client` or `server` feature) a path read when the request or answer
//! is sent, or a stream of bytes sent once. Generated models hold files in fields marked `#[serde(skip)]`, so the
//! type needs no serde; it is always compiled, since models are.

use bytes::Bytes;
use std::fmt;
#[cfg(any(feature = "client", feature = "server"))]
use std::path::{Path, PathBuf};
#[cfg(any(feature = "client", feature = "server"))]
use std::sync::{Arc, Mutex};

/// A file's data, with an optional file name and content type.
///
/// ```
/// use apigen_runtime::File;
///
/// let file = File::from_bytes(&b"id,name\n1,ada\n"[..])
///     .with_file_name("people.csv")
///     .with_content_type("text/csv");
/// assert_eq!(file.file_name(), Some("people.csv"));
/// assert_eq!(file.bytes().map(|b| b.len()), Some(14));
/// ```
///
/// Two files are equal when their names, content types and data are: bytes by value, paths by path, streams only
/// with themselves (clones of one [`File::from_stream`] share its stream). `Debug` shows the size or the path,
/// never the data.
#[derive(Clone, Default)]
pub struct File {
    name: Option<String>,
    content_type: Option<String>,
    source: Source,
}

/// Where a file's data is.
#[derive(Clone)]
enum Source {
    /// In memory.
    Bytes(Bytes),
    /// On disk, read when sent.
    #[cfg(any(feature = "client", feature = "server"))]
    Path(PathBuf),
    /// A stream, taken by the first send; clones share it.
    #[cfg(any(feature = "client", feature = "server"))]
    Stream(Arc<Mutex<Option<ByteSource>>>),
}

impl Default for Source {
    fn default() -> Self {
        Source::Bytes(Bytes::new())
    }
}

/// Why a chunk of a streamed file could not be produced.
#[cfg(any(feature = "client", feature = "server"))]
pub type StreamError = Box<dyn std::error::Error + Send + Sync>;

/// The stream behind [`File::from_stream`].
#[cfg(any(feature = "client", feature = "server"))]
pub(super) type ByteSource = futures_util::stream::BoxStream<'static, Result<Bytes, StreamError>>;

impl File {
    /// A file of these bytes.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> File {
        File {
            name: None,
            content_type: None,
            source: Source::Bytes(bytes.into()),
        }
    }

    /// The file at `path`, read each time it is sent (a retried request reads it again), streamed rather than
    /// held in memory. Its file name is the path's last component unless [`File::with_file_name`] sets another.
    /// A file that cannot be opened fails the request (client) or cuts the answer's body short (server) with the
    /// path and the reason.
    #[cfg(any(feature = "client", feature = "server"))]
    pub fn from_path(path: impl Into<PathBuf>) -> File {
        let path = path.into();
        File {
            name: path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned()),
            content_type: None,
            source: Source::Path(path),
        }
    }

    /// A file whose data comes from `stream`, sent once: a request holding one is not retried (the data is gone
    /// after the first attempt), and sending it a second time fails. Clones share the one stream.
    #[cfg(any(feature = "client", feature = "server"))]
    pub fn from_stream<S, E>(stream: S) -> File
    where
        S: futures_util::Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: Into<StreamError> + 'static,
    {
        use futures_util::{StreamExt as _, TryStreamExt as _};
        File {
            name: None,
            content_type: None,
            source: Source::Stream(Arc::new(Mutex::new(Some(
                stream.map_err(Into::into).boxed(),
            )))),
        }
    }

    /// The same file with this file name (sent in a multipart part's `Content-Disposition`).
    pub fn with_file_name(mut self, name: impl Into<String>) -> File {
        self.name = Some(name.into());
        self
    }

    /// The same file with this content type (`image/png`); without one, `application/octet-stream` is sent.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> File {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name, if it has one.
    pub fn file_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The content type, if it has one.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The data, when it is in memory (always, for a file a server received).
    pub fn bytes(&self) -> Option<&Bytes> {
        match &self.source {
            Source::Bytes(bytes) => Some(bytes),
            #[cfg(any(feature = "client", feature = "server"))]
            _ => None,
        }
    }

    /// The data, when it is in memory.
    pub fn into_bytes(self) -> Option<Bytes> {
        match self.source {
            Source::Bytes(bytes) => Some(bytes),
            #[cfg(any(feature = "client", feature = "server"))]
            _ => None,
        }
    }

    /// The path the data is read from, for [`File::from_path`].
    #[cfg(any(feature = "client", feature = "server"))]
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path(path) => Some(path),
            _ => None,
        }
    }

    /// Whether the data comes from a stream, which can be sent once only.
    pub fn is_stream(&self) -> bool {
        #[cfg(any(feature = "client", feature = "server"))]
        if let Source::Stream(_) = &self.source {
            return true;
        }
        false
    }
}

impl From<Bytes> for File {
    fn from(bytes: Bytes) -> File {
        File::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> File {
        File::from_bytes(bytes)
    }
}

impl PartialEq for File {
    fn eq(&self, other: &File) -> bool {
        self.name == other.name
            && self.content_type == other.content_type
            && match (&self.source, &other.source) {
                (Source::Bytes(a), Source::Bytes(b)) => a == b,
                #[cfg(any(feature = "client", feature = "server"))]
                (Source::Path(a), Source::Path(b)) => a == b,
                #[cfg(any(feature = "client", feature = "server"))]
                (Source::Stream(a), Source::Stream(b)) => Arc::ptr_eq(a, b),
                #[cfg(any(feature = "client", feature = "server"))]
                _ => false,
            }
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("File");
        out.field("file_name", &self.name)
            .field("content_type", &self.content_type);
        match &self.source {
            Source::Bytes(bytes) => out.field("bytes", &bytes.len()),
            #[cfg(any(feature = "client", feature = "server"))]
            Source::Path(path) => out.field("path", path),
            #[cfg(any(feature = "client", feature = "server"))]
            Source::Stream(_) => out.field("stream", &true),
        };
        out.finish()
    }
}

/// The stream of a file's data, for sending it: the bytes as one chunk, the file at a path read in chunks (opened
/// now, so a missing file is reported before anything is sent), or the stream itself (taken: a second call fails).
#[cfg(any(feature = "client", feature = "server"))]
pub(super) async fn open(file: &File) -> Result<(ByteSource, Option<u64>), String> {
    use futures_util::StreamExt as _;
    match &file.source {
        Source::Bytes(bytes) => {
            let bytes = bytes.clone();
            let len = bytes.len() as u64;
            Ok((
                futures_util::stream::once(async move { Ok(bytes) }).boxed(),
                Some(len),
            ))
        }
        Source::Path(path) => {
            let opened = tokio::fs::File::open(path)
                .await
                .map_err(|e| format!("the file {} could not be opened: {e}", path.display()))?;
            let len = opened.metadata().await.ok().map(|m| m.len());
            Ok((read_chunks(opened, path.clone()).boxed(), len))
        }
        Source::Stream(slot) => {
            // A poisoned lock only means another sender panicked; the slot's content is still meaningful.
            let mut slot = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            match slot.take() {
                Some(stream) => Ok((stream, None)),
                None => Err(format!(
                    "the stream of the file {} was already sent once",
                    file.name.as_deref().unwrap_or("(unnamed)")
                )),
            }
        }
    }
}

/// The bytes of an open file, 64 KiB at a time; a read error names the path.
#[cfg(any(feature = "client", feature = "server"))]
fn read_chunks(
    file: tokio::fs::File,
    path: PathBuf,
) -> impl futures_util::Stream<Item = Result<Bytes, StreamError>> + Send + 'static {
    use tokio::io::AsyncReadExt as _;
    const CHUNK: usize = 64 * 1024;
    futures_util::stream::try_unfold((file, path), |(mut file, path)| async move {
        let mut buffer = Vec::with_capacity(CHUNK);
        match (&mut file)
            .take(CHUNK as u64)
            .read_to_end(&mut buffer)
            .await
        {
            Ok(0) => Ok(None),
            Ok(_) => Ok(Some((Bytes::from(buffer), (file, path)))),
            Err(e) => Err(format!("reading {} failed: {e}", path.display()).into()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_by_name_type_and_bytes() {
        let a = File::from_bytes(&b"abc"[..]).with_file_name("a.txt");
        assert_eq!(a, File::from(b"abc".to_vec()).with_file_name("a.txt"));
        assert_ne!(a, File::from_bytes(&b"abd"[..]).with_file_name("a.txt"));
        assert_ne!(a, a.clone().with_content_type("text/plain"));
        assert_ne!(a, File::from_bytes(&b"abc"[..]));
        assert_eq!(File::default(), File::from_bytes(Bytes::new()));
        assert_eq!(File::default().bytes().map(Bytes::len), Some(0));
    }

    #[test]
    fn debug_shows_the_size_not_the_data() {
        let file = File::from_bytes(&b"top secret"[..]).with_content_type("text/plain");
        let text = format!("{file:?}");
        assert!(!text.contains("secret"), "{text}");
        assert!(text.contains("10"), "{text}");
    }
}
