//! The soak driver: the reference server served by the runtime's `serve` on 127.0.0.1, and N generated clients
//! doing mixed CRUD on it at once, bounded by time (the `soak` example) or by a number of rounds (the test in
//! `tests/soak.rs`, which includes this file). It counts requests and unexpected errors, samples the process's
//! resident memory, and checks at the end, object by object, that no acknowledged update was lost.
//!
//! Lost updates are counted, not guessed: each worker owns its variables and patches each one's
//! `default_value` to `{"seq": 1}` then `{"seq": 2}`; every pair of workers shares one variable, whose `name`
//! only the even worker of the pair writes and whose `default_value` only the odd one writes, so a server that
//! rewrote a whole object from a stale copy would lose one of the two. Deleted objects must stay deleted, and every
//! saved query created must be listed under its name.

use posthog_data_warehouse::client::{
    Client, Error, RetryPolicy, WarehouseSavedQueriesCreateResponse,
};
use posthog_data_warehouse::models::{HogQLQuery, InsightVariable, InsightVariableType};
use posthog_data_warehouse::server::{runtime::serve, ServerOptions};
use reference_server::{Config, TokenSpec};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// The project the soak works in, away from `@current`'s demo data.
const PROJECT: &str = "77";
/// The key every client sends.
const KEY: &str = "soak-key";
/// How many error messages a report keeps.
const KEPT_ERRORS: usize = 5;

/// When the workers stop.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// After this long (each worker finishes its round).
    For(Duration),
    /// After this many rounds per worker.
    Rounds(usize),
}

/// What a soak found.
#[derive(Debug, Default)]
pub struct Report {
    /// Requests sent, the final checks included.
    pub requests: u64,
    /// Requests that failed or got an answer other than the expected one.
    pub errors: u64,
    /// The first few of those, as text.
    pub error_samples: Vec<String>,
    /// Acknowledged writes missing at the end (or deleted objects back).
    pub lost_updates: u64,
    /// Objects checked at the end.
    pub checked: u64,
    /// Resident memory in KiB at the start, halfway and at the end (`None` where `/proc` has no figure).
    pub rss_kib: [Option<u64>; 3],
    /// How long the workers ran.
    pub elapsed: Duration,
}

/// What the workers share: counters and the errors they met.
#[derive(Default)]
struct Tally {
    requests: u64,
    errors: u64,
    error_samples: Vec<String>,
    lost: u64,
}

/// One worker's count, and what it expects to find at the end.
#[derive(Default)]
struct Worker {
    /// Which worker it is: the shared variables are checked by worker number.
    number: usize,
    tally: Tally,
    /// Its own variables: id → the last `default_value` acknowledged.
    variables: HashMap<Uuid, Value>,
    deleted: Vec<Uuid>,
    /// Its saved queries: id → name.
    queries: HashMap<Uuid, String>,
    /// The last value it wrote to its field of the shared variable.
    shared: Option<Value>,
}

impl Tally {
    /// Counts one request and, if it failed, the error.
    fn count<T>(&mut self, outcome: Result<T, Error>) -> Option<T> {
        self.requests += 1;
        match outcome {
            Ok(value) => Some(value),
            Err(error) => {
                self.unexpected(error.to_string());
                None
            }
        }
    }

    fn unexpected(&mut self, what: String) {
        self.errors += 1;
        if self.error_samples.len() < KEPT_ERRORS {
            self.error_samples.push(what);
        }
    }

    fn add(&mut self, other: Tally) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.lost += other.lost;
        for sample in other.error_samples {
            if self.error_samples.len() < KEPT_ERRORS {
                self.error_samples.push(sample);
            }
        }
    }
}

/// The resident memory of this process in KiB, from `/proc/self/status` (Linux).
pub fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// What the workers leave behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Data {
    /// Three variables in four and every saved query stay: the store grows, as a real API's would.
    Grows,
    /// Every variable is deleted in the round that created it and no saved query is made, so the data stays the
    /// same size and the resident memory shows leaks rather than data.
    Steady,
}

/// Runs a soak of `workers` clients until `limit`.
pub async fn run(workers: usize, limit: Limit, data: Data) -> Report {
    let mut report = Report {
        rss_kib: [rss_kib(), None, None],
        ..Report::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on 127.0.0.1");
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    let config = Config {
        tokens: vec![format!("{KEY}=*")
            .parse::<TokenSpec>()
            .expect("a valid token")],
        ..Config::default()
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let stopped = async {
            let _ = stopped.await;
        };
        serve(
            listener,
            reference_server::app(&config),
            &ServerOptions::default(),
            stopped,
        )
        .await
    });
    let client = |_: usize| {
        Client::builder()
            .base_url(format!("http://{addr}"))
            .api_key(KEY)
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("a valid configuration")
    };

    // The shared variables, one per pair of workers.
    let mut setup = Tally::default();
    let setup_client = client(0);
    let mut shared = Vec::new();
    for pair in 0..workers.div_ceil(2) {
        let created = setup_client
            .insight_variables()
            .create(PROJECT)
            .name(format!("soak shared {pair}"))
            .r#type(InsightVariableType::String)
            .send()
            .await;
        if let Some(variable) = setup.count(created) {
            shared.push(variable.id);
        }
    }
    if shared.len() < workers.div_ceil(2) {
        report.requests = setup.requests;
        report.errors = setup.errors;
        report.error_samples = setup.error_samples;
        return report;
    }

    let started = Instant::now();
    let midpoint = Arc::new(Mutex::new(None));
    let sampler = {
        let midpoint = Arc::clone(&midpoint);
        tokio::spawn(async move {
            let half = match limit {
                Limit::For(duration) => duration / 2,
                // A bounded run is short: sample after a moment.
                Limit::Rounds(_) => Duration::from_millis(100),
            };
            tokio::time::sleep(half).await;
            if let Ok(mut slot) = midpoint.lock() {
                *slot = rss_kib();
            }
        })
    };
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..workers {
        let client = client(w);
        let shared = shared[w / 2];
        tasks.spawn(async move { work(client, w, shared, limit, data, started).await });
    }
    let mut finished = Vec::new();
    let mut tally = setup;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(worker) => finished.push(worker),
            Err(panic) => tally.unexpected(format!("a worker panicked: {panic}")),
        }
    }
    report.elapsed = started.elapsed();
    sampler.abort();
    // They finish in any order.
    finished.sort_by_key(|worker| worker.number);
    report.rss_kib[1] = midpoint.lock().ok().and_then(|slot| *slot);

    verify(
        &client(workers),
        &mut finished,
        &shared,
        &mut tally,
        &mut report.checked,
    )
    .await;
    for worker in finished {
        tally.add(worker.tally);
    }
    let _ = stop.send(());
    match server.await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tally.unexpected(format!("serve failed: {error}")),
        Err(panic) => tally.unexpected(format!("the server panicked: {panic}")),
    }
    report.rss_kib[2] = rss_kib();
    report.requests = tally.requests;
    report.errors = tally.errors;
    report.error_samples = tally.error_samples;
    report.lost_updates = tally.lost;
    report
}

/// One worker's rounds: create, patch twice, read back, patch its field of the shared variable, sometimes delete
/// (and check it is gone) or list, and every other round create a saved query.
async fn work(
    client: Client,
    w: usize,
    shared: Uuid,
    limit: Limit,
    data: Data,
    started: Instant,
) -> Worker {
    let mut me = Worker {
        number: w,
        ..Worker::default()
    };
    let variables = client.insight_variables();
    let queries = client.warehouse_saved_queries();
    for round in 0.. {
        let done = match limit {
            Limit::For(duration) => started.elapsed() >= duration,
            Limit::Rounds(rounds) => round >= rounds,
        };
        if done {
            break;
        }
        let created = variables
            .create(PROJECT)
            .name(format!("soak {w} {round}"))
            .r#type(InsightVariableType::String)
            .default_value(json!({"seq": 0}))
            .send()
            .await;
        let Some(variable) = me.tally.count(created) else {
            continue;
        };
        let mut acknowledged = json!({"seq": 0});
        for seq in 1..=2 {
            let value = json!({"seq": seq});
            let patched = variables
                .partial_update(PROJECT, variable.id)
                .default_value(value.clone())
                .send()
                .await;
            if me.tally.count(patched).is_some() {
                acknowledged = value;
            }
        }
        let read = variables.retrieve(PROJECT, variable.id).send().await;
        if let Some(read) = me.tally.count(read) {
            if read.default_value.as_ref() != Some(&acknowledged) {
                me.tally.lost += 1;
            }
        }

        // Its field of the shared variable: the name for even workers, the default value for odd ones.
        let patch = variables.partial_update(PROJECT, shared);
        let (patch, written) = if w % 2 == 0 {
            let name = format!("soak shared by {w} round {round}");
            (patch.name(name.clone()), json!(name))
        } else {
            let value = json!({"by": w, "round": round});
            (patch.default_value(value.clone()), value)
        };
        if me.tally.count(patch.send().await).is_some() {
            me.shared = Some(written);
        }

        if round % 4 == 3 || data == Data::Steady {
            let deleted = variables.destroy(PROJECT, variable.id).send().await;
            if me.tally.count(deleted).is_some() {
                me.deleted.push(variable.id);
                me.tally.requests += 1;
                match variables.retrieve(PROJECT, variable.id).send().await {
                    Err(e) if e.status().is_some_and(|s| s == 404) => {}
                    Ok(_) => me.tally.lost += 1,
                    Err(e) => me.tally.unexpected(e.to_string()),
                }
            }
        } else {
            me.variables.insert(variable.id, acknowledged);
        }
        if round % 10 == 9 {
            let page = variables.list(PROJECT).send().await;
            me.tally.count(page);
        }
        if round % 2 == 0 && data == Data::Grows {
            let name = format!("soak_{w}_{round}");
            let created = queries
                .create(PROJECT)
                .name(name.clone())
                .query(HogQLQuery {
                    kind: Some("HogQLQuery".into()),
                    query: format!("SELECT {w} AS worker, {round} AS round"),
                })
                .send()
                .await;
            match me.tally.count(created) {
                Some(WarehouseSavedQueriesCreateResponse::Created(query)) => {
                    me.queries.insert(query.id, name);
                }
                Some(other) => me
                    .tally
                    .unexpected(format!("a new saved query answered {}", other.status())),
                None => {}
            }
        }
    }
    me
}

/// Reads everything back once the workers are done and counts what is missing or wrong.
async fn verify(
    client: &Client,
    workers: &mut [Worker],
    shared: &[Uuid],
    tally: &mut Tally,
    checked: &mut u64,
) {
    let listed = client
        .insight_variables()
        .list(PROJECT)
        .items()
        .try_collect()
        .await;
    // A list of many pages is several requests; count it as one, the figures are about the soak itself.
    let Some(listed) = tally.count(listed) else {
        return;
    };
    let by_id: HashMap<Uuid, InsightVariable> = listed.into_iter().map(|v| (v.id, v)).collect();
    for worker in workers.iter() {
        for (id, value) in &worker.variables {
            *checked += 1;
            if by_id.get(id).and_then(|v| v.default_value.as_ref()) != Some(value) {
                tally.lost += 1;
            }
        }
        for id in &worker.deleted {
            *checked += 1;
            if by_id.contains_key(id) {
                tally.lost += 1;
            }
        }
    }
    for (pair, id) in shared.iter().enumerate() {
        let variable = by_id.get(id);
        let field = |w: usize, read: fn(&InsightVariable) -> Option<Value>| {
            let expected = workers.get(w).and_then(|worker| worker.shared.clone());
            expected.is_some() && variable.and_then(read) != expected
        };
        *checked += 1;
        if field(2 * pair, |v| Some(json!(v.name)))
            || field(2 * pair + 1, |v| v.default_value.clone())
        {
            tally.lost += 1;
        }
    }
    let queries = client
        .warehouse_saved_queries()
        .list(PROJECT)
        .items()
        .try_collect()
        .await;
    let Some(queries) = tally.count(queries) else {
        return;
    };
    let names: HashMap<Uuid, String> = queries.into_iter().map(|q| (q.id, q.name)).collect();
    for worker in workers.iter() {
        for (id, name) in &worker.queries {
            *checked += 1;
            if names.get(id) != Some(name) {
                tally.lost += 1;
            }
        }
    }
}
