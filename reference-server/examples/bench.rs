//! Requests per second of one simple GET route (`insight_variables` retrieve) served through the generated stubs,
//! against the same route written by hand in plain axum, on loopback.
//!
//! `cargo run --release -p reference-server --example bench -- [SECONDS] [CONNECTIONS] [ROUNDS]`
//!
//! `... --example bench -- calls ROUTER N` only calls router 0 (stubs), 1 (by hand, whole API) or 2 (by hand,
//! one route) N times in process, for an instruction count that no other load can disturb:
//! `valgrind --tool=callgrind target/release/examples/bench calls 0 3000` (minus the same with 1000 calls, over
//! 2000, gives instructions per request).
//!
//! Both servers run in this process on one multi-threaded tokio runtime and do the same work per request:
//! read the bearer key, look it up, check the `insight_variable:read` scope (or `*`, or `:write`), parse the
//! project and the UUID from the path, read the variable from the same kind of store, and answer it as JSON. The
//! load comes from `wrk` (Debian package `wrk`), one thread, keep-alive connections; the servers take turns,
//! ROUNDS times each in rotating order, and the median round of each counts. A hand-written router serving the
//! other paths of the API as well is the fair comparison (routing cost grows with the route table); the
//! one-route router is shown too. Before that, each router is called in process (`tower::ServiceExt::oneshot`,
//! no sockets), which measures the code alone and is far less sensitive to other load on the machine.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use posthog_data_warehouse::models::{InsightVariable, InsightVariableType};
use posthog_data_warehouse::server::{self, Authenticate, Caller};
use reference_server::{ReferenceServer, TokenSpec};
use serde_json::json;
use std::process::Command;
use std::sync::Arc;
use uuid::Uuid;

const KEY: &str = "bench-key";

/// The variable both servers answer.
fn variable() -> InsightVariable {
    InsightVariable {
        id: Uuid::from_u128(0x0123_4567_89ab_4def_8123_4567_89ab_cdef),
        name: "Country".into(),
        r#type: InsightVariableType::String,
        default_value: Some(json!("US")),
        created_by: Some(1),
        created_at: chrono::Utc::now(),
        code_name: Some("country".into()),
        values: None,
    }
}

fn seeded_server(variable: &InsightVariable) -> ReferenceServer {
    let tokens = [format!("{KEY}=insight_variable:read")
        .parse::<TokenSpec>()
        .expect("a valid token")];
    let server = ReferenceServer::new(&tokens);
    let variable = variable.clone();
    server.store().write(1, |p| {
        p.insight_variables.insert(variable.id, variable);
    });
    server
}

/// The hand-written route: the same checks and the same lookup, with axum's own extractors.
async fn retrieve_by_hand(
    State(server): State<Arc<ReferenceServer>>,
    Path((project_id, id)): Path<(String, Uuid)>,
    headers: HeaderMap,
) -> Response {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(key) = key else {
        return (StatusCode::UNAUTHORIZED, Json(json!({"type": "authentication_error", "code": "not_authenticated", "detail": "Authentication credentials were not provided.", "attr": null}))).into_response();
    };
    let Some(caller) = server.authenticate(key).await else {
        return (StatusCode::UNAUTHORIZED, Json(json!({"type": "authentication_error", "code": "authentication_failed", "detail": "Personal API key found in request Authorization header is invalid.", "attr": null}))).into_response();
    };
    if !["insight_variable:read", "insight_variable:write", "*"]
        .iter()
        .any(|s| caller.has_scope(s))
    {
        return (StatusCode::FORBIDDEN, Json(json!({"type": "authentication_error", "code": "permission_denied", "detail": "API key missing required scope 'insight_variable:read'", "attr": null}))).into_response();
    }
    match server.insight_variable(&project_id, id) {
        Ok(variable) => Json(variable).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, Json(json!({"type": "invalid_request", "code": "not_found", "detail": "Not found.", "attr": null}))).into_response(),
    }
}

/// The other paths of the API (both spellings), answered by a stub: a router serving the whole API is larger, and
/// routing costs grow with it, so the fair hand-written comparison routes them too.
const OTHER_PATHS: [&str; 10] = [
    "/api/projects/{project_id}/external_data_sources/{id}/reload/",
    "/api/projects/{project_id}/external_data_sources/{id}/revenue_analytics_config/",
    "/api/projects/{project_id}/external_data_sources/{id}/update_webhook_inputs/",
    "/api/projects/{project_id}/external_data_sources/{id}/webhook_info/",
    "/api/projects/{project_id}/external_data_sources/check_cdc_prerequisites/",
    "/api/projects/{project_id}/external_data_sources/connections/",
    "/api/projects/{project_id}/external_data_sources/database_schema/",
    "/api/projects/{project_id}/external_data_sources/source_prefix/",
    "/api/projects/{project_id}/external_data_sources/wizard/",
    "/api/projects/{project_id}/warehouse_saved_queries/{id}/",
];

/// The hand-written route alone, or with every other path of the API beside it.
fn by_hand(variable: &InsightVariable, whole_api: bool) -> axum::Router {
    let mut router = axum::Router::new();
    let own = "/api/projects/{project_id}/insight_variables/{id}/";
    let mut paths = vec![own];
    if whole_api {
        paths.extend(OTHER_PATHS);
        paths.extend([
            "/api/projects/{project_id}/insight_variables/",
            "/api/projects/{project_id}/warehouse_saved_queries/",
        ]);
    }
    for path in paths {
        let handler = if path == own {
            axum::routing::get(retrieve_by_hand)
        } else {
            axum::routing::get(|| async { StatusCode::NO_CONTENT })
        };
        router = router
            .route(path, handler.clone())
            .route(path.trim_end_matches('/'), handler);
    }
    router.with_state(Arc::new(seeded_server(variable)))
}

async fn listen(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free loopback port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the server runs");
    });
    format!("http://{address}")
}

/// Time per request through `app` called in process (no sockets), the best of `batches` batches of `count`.
/// The minimum is what the code costs; slower batches measured other processes competing for the CPU.
async fn in_process(app: &axum::Router, path: &str, count: u32) -> std::time::Duration {
    use tower::ServiceExt as _;
    let started = std::time::Instant::now();
    for _ in 0..count {
        let request = axum::http::Request::builder()
            .uri(path)
            .header("host", "127.0.0.1")
            .header("authorization", format!("Bearer {KEY}"))
            .body(axum::body::Body::empty())
            .expect("a valid request");
        let response = app.clone().oneshot(request).await.expect("infallible");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("an in-memory body");
        assert!(!body.is_empty());
    }
    started.elapsed() / count
}

/// Runs wrk against `url` and returns its requests per second.
fn wrk(url: &str, seconds: u32, connections: u32) -> Option<f64> {
    let output = Command::new("wrk")
        .args(["-t1", &format!("-c{connections}"), &format!("-d{seconds}s")])
        .args(["-H", &format!("Authorization: Bearer {KEY}"), url])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let line = text.lines().find(|l| l.starts_with("Requests/sec:"))?;
    line.trim_start_matches("Requests/sec:").trim().parse().ok()
}

#[tokio::main]
async fn main() {
    let only_calls = std::env::args().nth(1).is_some_and(|a| a == "calls");
    let numbers: Vec<u32> = std::env::args()
        .skip(if only_calls { 2 } else { 1 })
        .map(|a| {
            a.parse()
                .unwrap_or_else(|_| panic!("`{a}` is not a number"))
        })
        .collect();
    let arg = |i: usize, default: u32| numbers.get(i).copied().unwrap_or(default);
    let (seconds, connections, rounds) = (arg(0, 10), arg(1, 32), arg(2, 3));

    let variable = variable();
    let path = format!("/api/projects/1/insight_variables/{}/", variable.id);
    let apps = [
        ("generated stubs", server::router(seeded_server(&variable))),
        ("by hand, whole API", by_hand(&variable, true)),
        ("by hand, one route", by_hand(&variable, false)),
    ];

    if only_calls {
        let (router, count) = (arg(0, 0) as usize, arg(1, 1000));
        let (name, app) = &apps[router.min(apps.len() - 1)];
        let time = in_process(app, &path, count).await;
        println!("{name}: {count} calls, {time:?}/request");
        return;
    }
    let mut best_call = [std::time::Duration::MAX; 3];
    for _ in 0..10 {
        for (i, (_, app)) in apps.iter().enumerate() {
            best_call[i] = best_call[i].min(in_process(app, &path, 20_000).await);
        }
    }
    println!("in process (tower oneshot, best of 10 batches of 20000 calls):");
    for ((name, _), time) in apps.iter().zip(best_call) {
        println!("  {name:20} {time:?}/request");
    }

    let mut bases = Vec::new();
    for (name, app) in apps {
        bases.push((name, listen(app).await));
    }

    // Every server answers the same body before anything is measured.
    let client = reqwest::Client::new();
    let mut bodies = Vec::new();
    for (_, base) in &bases {
        let response = client
            .get(format!("{base}{path}"))
            .bearer_auth(KEY)
            .send()
            .await
            .expect("the server answers");
        assert_eq!(response.status(), 200);
        bodies.push(response.text().await.expect("a body"));
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every route must answer the same body"
    );

    // Rounds rotate which server goes first, so that neither always meets the same moment of the machine.
    let mut samples: [Vec<f64>; 3] = Default::default();
    for round in 0..rounds as usize {
        for turn in 0..bases.len() {
            let i = (round + turn) % bases.len();
            let (name, base) = &bases[i];
            let url = format!("{base}{path}");
            let rps = tokio::task::spawn_blocking(move || wrk(&url, seconds, connections))
                .await
                .ok()
                .flatten();
            let Some(rps) = rps else {
                eprintln!("wrk is not installed or failed (apt-get install wrk)");
                return;
            };
            println!("round {}: {name:20} {rps:>8.0} req/s", round + 1);
            samples[i].push(rps);
        }
    }
    let median = |values: &mut Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let medians: Vec<f64> = samples.iter_mut().map(median).collect();
    println!("wrk -t1 -c{connections} -d{seconds}s, median of {rounds} rounds:");
    for ((name, _), rps) in bases.iter().zip(&medians) {
        println!(
            "  {name:20} {rps:>8.0} req/s ({:.1}% of by hand, whole API)",
            100.0 * rps / medians[1]
        );
    }
}
