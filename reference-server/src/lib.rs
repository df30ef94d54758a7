//! An in-memory PostHog data-warehouse API server: the generated `server` stubs of `posthog-data-warehouse` with
//! every operation implemented the way the real PostHog server behaves (see `docs/server.md`).
//!
//! The binary (`cargo run -p reference-server -- --listen 127.0.0.1:8010 --token KEY=SCOPE`) wraps [`serve`];
//! tests call [`serve`] on an ephemeral port, or [`app`] through `tower::ServiceExt::oneshot`.

mod external_data_sources;
mod insight_variables;
mod pagination;
mod saved_queries;
pub mod store;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use posthog_data_warehouse::server::{self, ApiError, Authenticate, Caller, ServerOptions};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use store::Store;

/// An API key and the scopes it was given, as written on the command line: `KEY=SCOPE[,SCOPE...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenSpec {
    /// The bearer key.
    pub key: String,
    /// Its scopes (`*` for all).
    pub scopes: Vec<String>,
}

impl std::str::FromStr for TokenSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (key, scopes) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` is not KEY=SCOPE[,SCOPE...]"))?;
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(format!(
                "`{key}` is not a usable key: it must be non-empty, without spaces"
            ));
        }
        let scopes = scopes
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        Ok(TokenSpec {
            key: key.to_owned(),
            scopes,
        })
    }
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The accepted keys.
    pub tokens: Vec<TokenSpec>,
    /// The request body limit in bytes.
    pub body_limit: usize,
    /// Print one line per request (method, path, status, duration) on stdout.
    pub log_requests: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tokens: Vec::new(),
            body_limit: ServerOptions::DEFAULT_BODY_LIMIT,
            log_requests: false,
        }
    }
}

/// The user behind an API key: each key stands for its own user, numbered in command-line order from 1.
#[derive(Debug)]
pub struct User {
    /// Numeric user id (`created_by` of insight variables).
    pub id: i64,
    /// User UUID.
    pub uuid: uuid::Uuid,
    /// E-mail address (`created_by` of external data sources).
    pub email: String,
    scopes: Vec<String>,
}

/// The caller of a request: the key's user, shared by every request made with the key.
#[derive(Debug, Clone)]
pub struct Principal(pub Arc<User>);

impl Caller for Principal {
    fn has_scope(&self, scope: &str) -> bool {
        self.0.scopes.iter().any(|s| s == scope)
    }
}

/// The implementation of the API: keys and the in-memory store.
#[derive(Debug)]
pub struct ReferenceServer {
    keys: HashMap<String, Principal>,
    store: Store,
}

impl ReferenceServer {
    /// A server accepting `tokens`, with every project starting from the demo data.
    pub fn new(tokens: &[TokenSpec]) -> Self {
        let keys = tokens
            .iter()
            .zip(1..)
            .map(|(token, id)| {
                let user = User {
                    id,
                    uuid: uuid::Uuid::from_u128(
                        0x0000_0000_0000_4000_8000_1000_0000_0000 + id as u128,
                    ),
                    email: format!("user{id}@example.com"),
                    scopes: token.scopes.clone(),
                };
                (token.key.clone(), Principal(Arc::new(user)))
            })
            .collect();
        ReferenceServer {
            keys,
            store: Store::default(),
        }
    }
}

impl ReferenceServer {
    /// The in-memory store (to seed data, e.g. in benchmarks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The project a path names: a positive number, or `@current` (project 1 for every key here).
    fn project(&self, project_id: &str) -> Result<i64, ApiError> {
        match project_id {
            "@current" => Ok(CURRENT_PROJECT),
            id => id
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ApiError::NotFound),
        }
    }
}

/// The project `@current` stands for.
pub const CURRENT_PROJECT: i64 = 1;

impl Authenticate for ReferenceServer {
    type Caller = Principal;

    async fn authenticate(&self, key: &str) -> Option<Principal> {
        self.keys.get(key).cloned()
    }
}

/// The router: the generated stubs serving a [`ReferenceServer`], with the request log when configured.
pub fn app(config: &Config) -> axum::Router {
    let options = ServerOptions::default().body_limit(config.body_limit);
    let router = server::router_with(ReferenceServer::new(&config.tokens), options);
    if config.log_requests {
        router.layer(axum::middleware::from_fn(log_request))
    } else {
        router
    }
}

/// Prints one line per request once its response is ready.
async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    println!(
        "{}",
        log_line(
            method.as_str(),
            &path,
            response.status().as_u16(),
            started.elapsed()
        )
    );
    response
}

/// `METHOD PATH STATUS DURATION`, e.g. `GET /api/projects/1/insight_variables/ 200 0.3ms`.
fn log_line(method: &str, path: &str, status: u16, duration: std::time::Duration) -> String {
    format!(
        "{method} {path} {status} {:.1}ms",
        duration.as_secs_f64() * 1000.0
    )
}

/// Serves [`app`] on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_one_line_per_request() {
        let line = log_line(
            "GET",
            "/api/x/",
            200,
            std::time::Duration::from_micros(1250),
        );
        assert_eq!(line, "GET /api/x/ 200 1.2ms");
    }

    #[test]
    fn parses_tokens() {
        let token: TokenSpec = "k1=insight_variable:read, warehouse_view:write"
            .parse()
            .unwrap();
        assert_eq!(token.key, "k1");
        assert_eq!(
            token.scopes,
            ["insight_variable:read", "warehouse_view:write"]
        );
        let empty: TokenSpec = "k2=".parse().unwrap();
        assert!(empty.scopes.is_empty());
        assert!("no-equals".parse::<TokenSpec>().is_err());
        assert!("=*".parse::<TokenSpec>().is_err());
    }
}
