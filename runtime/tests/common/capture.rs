//! A `tracing` layer that keeps every span and event, so tests can read what was logged (included by the client
//! and server control tests with `#[path]`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// Something logged: a span when it closed, with every field it was given, or an event.
#[derive(Debug, Clone)]
pub enum Seen {
    /// A closed span.
    Span {
        name: String,
        fields: BTreeMap<String, String>,
    },
    /// An event, with the name of the span it happened in.
    Event {
        level: Level,
        span: Option<String>,
        fields: BTreeMap<String, String>,
    },
}

/// A `tracing` layer that keeps everything it sees.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<Seen>>>);

impl Capture {
    /// Everything seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.0.lock().map(|seen| seen.clone()).unwrap_or_default()
    }

    /// The closed spans named `name`.
    pub fn spans(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        self.seen()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Span { name: n, fields } if n == name => Some(fields),
                _ => None,
            })
            .collect()
    }

    /// The events whose `message` is `message`.
    pub fn events(&self, message: &str) -> Vec<(Level, Option<String>, BTreeMap<String, String>)> {
        self.seen()
            .into_iter()
            .filter_map(|seen| match seen {
                Seen::Event {
                    level,
                    span,
                    fields,
                } if fields.get("message").map(String::as_str) == Some(message) => {
                    Some((level, span, fields))
                }
                _ => None,
            })
            .collect()
    }

    /// Everything seen, as one text to search for what must not be there.
    pub fn text(&self) -> String {
        format!("{:?}", self.seen())
    }

    fn push(&self, seen: Seen) {
        if let Ok(mut all) = self.0.lock() {
            all.push(seen);
        }
    }

    /// Captures what the current thread logs until the guard is dropped (tokio's test runtime runs every task of a
    /// test on its thread).
    ///
    /// One process-wide subscriber routes to the thread's capture, rather than a `set_default` per test: with
    /// thread-local subscribers, a callsite first hit by a test running without one can stay cached as
    /// uninteresting while another test's subscriber is being registered, and that test then sees nothing.
    pub fn install(&self) -> Installed {
        static GLOBAL: std::sync::Once = std::sync::Once::new();
        GLOBAL.call_once(|| {
            use tracing_subscriber::layer::SubscriberExt as _;
            // Fails only when another global subscriber was set first, which no test of this binary does.
            let _ = tracing::subscriber::set_global_default(
                tracing_subscriber::registry().with(Router),
            );
        });
        CURRENT.with(|current| *current.borrow_mut() = Some(self.clone()));
        Installed(())
    }
}

thread_local! {
    static CURRENT: std::cell::RefCell<Option<Capture>> = const { std::cell::RefCell::new(None) };
}

/// Stops the thread's capture when dropped.
pub struct Installed(());

impl Drop for Installed {
    fn drop(&mut self) {
        CURRENT.with(|current| *current.borrow_mut() = None);
    }
}

/// The process-wide layer: hands everything to the current thread's [`Capture`], if it has one.
struct Router;

fn current() -> Option<Capture> {
    CURRENT.with(|current| current.borrow().clone())
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Router {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        if let Some(capture) = current() {
            capture.on_new_span(attrs, id, ctx);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(capture) = current() {
            capture.on_record(id, values, ctx);
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if let Some(capture) = current() {
            capture.on_event(event, ctx);
        }
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(capture) = current() {
            capture.on_close(id, ctx);
        }
    }
}

/// Field values as text: strings as they are, everything else as `Debug` prints it.
#[derive(Default)]
struct Fields(BTreeMap<String, String>);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            if let Some(fields) = span.extensions_mut().get_mut::<Fields>() {
                values.record(fields);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        self.push(Seen::Event {
            level: *event.metadata().level(),
            span: ctx.event_span(event).map(|s| s.name().to_owned()),
            fields: fields.0,
        });
    }

    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(&id) {
            let fields = span
                .extensions()
                .get::<Fields>()
                .map(|f| f.0.clone())
                .unwrap_or_default();
            self.push(Seen::Span {
                name: span.name().to_owned(),
                fields,
            });
        }
    }
}
