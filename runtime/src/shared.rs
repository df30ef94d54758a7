//! The words of the spec language that the generator and the generated code share: HTTP methods and the kinds of
//! standard error answers. The generator depends on this crate without features to use them, so both sides spell
//! them the same way.

use std::fmt;
use std::str::FromStr;

/// An HTTP method an operation may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl HttpMethod {
    /// Every method, in the order above.
    pub const ALL: [HttpMethod; 7] = [
        HttpMethod::Get,
        HttpMethod::Post,
        HttpMethod::Put,
        HttpMethod::Patch,
        HttpMethod::Delete,
        HttpMethod::Head,
        HttpMethod::Options,
    ];

    /// The method as HTTP and the spec write it: `GET`, `POST`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Head => "HEAD",
            HttpMethod::Options => "OPTIONS",
        }
    }

    /// Whether repeating the request is safe by HTTP's definition (RFC 9110 section 9.2.2): every method but
    /// POST and PATCH.
    pub const fn is_idempotent(self) -> bool {
        !matches!(self, HttpMethod::Post | HttpMethod::Patch)
    }

    /// Whether a request with this method carries a body in the language (GET, DELETE, HEAD and OPTIONS do not).
    pub const fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Put | HttpMethod::Patch)
    }
}

impl fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for HttpMethod {
    type Err = UnknownName;

    /// Parses the upper-case name (`GET`), as HTTP and the spec write it.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        find(&HttpMethod::ALL, HttpMethod::as_str, "HTTP method", name)
    }
}

/// A kind of standard error answer: the keys of the spec's `errors` section, and `server_error` for faults of the
/// server, which always get a bare `500`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    /// No credentials were sent (`unauthenticated`).
    Unauthenticated,
    /// The credentials are unknown (`invalid_credentials`).
    InvalidCredentials,
    /// The caller lacks a scope (`missing_scope`).
    MissingScope,
    /// The request is invalid (`validation`).
    Validation,
    /// No such object or route (`not_found`).
    NotFound,
    /// The route exists with other methods (`method_not_allowed`).
    MethodNotAllowed,
    /// The request body is over the size limit (`payload_too_large`).
    PayloadTooLarge,
    /// A fault of the server (`server_error`).
    ServerError,
}

impl ErrorKind {
    /// Every kind, in the order the spec's `errors` section documents them.
    pub const ALL: [ErrorKind; 8] = [
        ErrorKind::Unauthenticated,
        ErrorKind::InvalidCredentials,
        ErrorKind::MissingScope,
        ErrorKind::Validation,
        ErrorKind::NotFound,
        ErrorKind::MethodNotAllowed,
        ErrorKind::PayloadTooLarge,
        ErrorKind::ServerError,
    ];

    /// The kind's key in the spec's `errors` section: `unauthenticated`, `not_found`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::InvalidCredentials => "invalid_credentials",
            ErrorKind::MissingScope => "missing_scope",
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::ServerError => "server_error",
        }
    }

    /// The status of this kind's answer when the spec gives none.
    pub const fn default_status(self) -> u16 {
        match self {
            ErrorKind::Unauthenticated | ErrorKind::InvalidCredentials => 401,
            ErrorKind::MissingScope => 403,
            ErrorKind::Validation => 400,
            ErrorKind::NotFound => 404,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::ServerError => 500,
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ErrorKind {
    type Err = UnknownName;

    /// Parses a key of the spec's `errors` section (`not_found`).
    fn from_str(key: &str) -> Result<Self, Self::Err> {
        find(
            &ErrorKind::ALL,
            ErrorKind::as_str,
            "kind of error answer",
            key,
        )
    }
}

/// A name that is none of a vocabulary's: an HTTP method or an error answer's kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What the name was meant to be, e.g. `HTTP method`.
    pub what: &'static str,
    /// The name as given.
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} `{}`", self.what, self.name)
    }
}

impl std::error::Error for UnknownName {}

/// The word of `all` whose name is `name`.
fn find<T: Copy>(
    all: &[T],
    as_str: fn(T) -> &'static str,
    what: &'static str,
    name: &str,
) -> Result<T, UnknownName> {
    all.iter()
        .copied()
        .find(|word| as_str(*word) == name)
        .ok_or_else(|| UnknownName {
            what,
            name: name.to_owned(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_round_trip_through_their_names() {
        for method in HttpMethod::ALL {
            assert_eq!(method.as_str().parse(), Ok(method));
            assert_eq!(method.to_string(), method.as_str());
        }
        let error = "get".parse::<HttpMethod>().unwrap_err();
        assert_eq!(error.to_string(), "unknown HTTP method `get`");
    }

    #[test]
    fn error_kinds_round_trip_through_their_keys() {
        for kind in ErrorKind::ALL {
            assert_eq!(kind.as_str().parse(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
        assert_eq!("not_found".parse(), Ok(ErrorKind::NotFound));
        assert_eq!("server_error".parse(), Ok(ErrorKind::ServerError));
        let error = "teapot".parse::<ErrorKind>().unwrap_err();
        assert_eq!(error.to_string(), "unknown kind of error answer `teapot`");
    }

    #[test]
    fn default_statuses() {
        let statuses: Vec<u16> = ErrorKind::ALL.iter().map(|k| k.default_status()).collect();
        assert_eq!(statuses, [401, 401, 403, 400, 404, 405, 413, 500]);
    }
}
