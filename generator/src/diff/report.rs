//! Printing a diff: a terminal report grouped by severity, JSON (`{"changes": [...]}`), or GitHub workflow
//! annotations. All three render the same [`Change`]s; none decides anything.

use super::rules::Party;
use super::{Change, Severity};
use crate::diagnostic::Span;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// The two files compared, as shown in locations.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    pub old: &'a str,
    pub new: &'a str,
}

fn location(file: &str, span: Option<Span>) -> Option<String> {
    span.map(|s| format!("{file}:{}:{}", s.line, s.col))
}

fn broken_words(c: &Change) -> String {
    let broken = c.broken();
    if broken.is_empty() {
        "nothing".to_owned()
    } else {
        broken
            .iter()
            .map(|p| p.title())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn parties(list: &[Party]) -> String {
    if list.is_empty() {
        "nothing".to_owned()
    } else {
        list.iter()
            .map(|p| p.title())
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

/// The terminal report. `color` adds ANSI colours (the caller decides: a terminal, and `NO_COLOR` unset).
pub fn text(
    changes: &[Change],
    files: Files,
    fail_on: &[Party],
    failing: usize,
    color: bool,
) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    let mut out = String::new();
    let count = |sev: Severity| changes.iter().filter(|c| c.severity() == sev).count();
    let accepted = changes.iter().filter(|c| c.accepted.is_some()).count();
    let _ = writeln!(
        out,
        "apigen diff {} → {}: {}",
        files.old,
        files.new,
        if changes.is_empty() {
            "no changes".to_owned()
        } else {
            format!(
                "{} change{} ({} error, {} warning, {} info{})",
                changes.len(),
                if changes.len() == 1 { "" } else { "s" },
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info),
                if accepted > 0 {
                    format!("; {accepted} accepted")
                } else {
                    String::new()
                }
            )
        }
    );
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Change> = changes.iter().filter(|c| c.severity() == sev).collect();
        if group.is_empty() {
            continue;
        }
        let (code, title) = match sev {
            Severity::Error => ("1;31", "errors (break old clients or client code)"),
            Severity::Warning => (
                "1;33",
                "warnings (break old servers, server code or behaviour, or were announced)",
            ),
            Severity::Info => ("1;36", "info (break nothing)"),
        };
        let _ = writeln!(out, "\n{}", paint(code, title));
        for c in group {
            let rule = c.rule.rule();
            let mut head = format!("{}[{}]: {}", sev.name(), rule.id, c.message);
            if let Some(why) = &c.accepted {
                let _ = write!(head, " (accepted: {why})");
            }
            let _ = writeln!(out, "  {}", paint(code, &head));
            let _ = writeln!(
                out,
                "    old: {}",
                location(files.old, c.old).unwrap_or_else(|| "-".into())
            );
            let _ = writeln!(
                out,
                "    new: {}",
                location(files.new, c.new).unwrap_or_else(|| "-".into())
            );
            let _ = writeln!(out, "    breaks: {}", broken_words(c));
        }
    }
    let _ = writeln!(out);
    if failing == 0 {
        let _ = writeln!(
            out,
            "result: ok: nothing unaccepted breaks {}",
            parties(fail_on)
        );
    } else {
        let _ = writeln!(
            out,
            "result: {failing} change{} break{} {} (accept one with an allow file line `RULE SUBJECT`, or release a new major api.version)",
            if failing == 1 { "" } else { "s" },
            if failing == 1 { "s" } else { "" },
            parties(fail_on)
        );
    }
    out
}

/// One change as JSON.
pub fn change_json(c: &Change, files: Files) -> Value {
    let loc = |file: &str, s: Option<Span>| match s {
        Some(s) => json!({"file": file, "line": s.line, "col": s.col}),
        None => Value::Null,
    };
    let mut breaks = serde_json::Map::new();
    for p in Party::ALL {
        breaks.insert(p.key().to_owned(), Value::Bool(c.breaks(p)));
    }
    json!({
        "rule": c.rule.rule().id,
        "message": c.message,
        "severity": c.severity().name(),
        "subject": c.subject,
        "old": loc(files.old, c.old),
        "new": loc(files.new, c.new),
        "breaks": breaks,
        "facts": c.facts.iter().map(|f| f.name()).collect::<Vec<_>>(),
        "deprecated_first": c.deprecated_first,
        "accepted": c.accepted,
    })
}

/// `{"changes": [...], "failing": N}`.
pub fn json(changes: &[Change], files: Files, failing: usize) -> String {
    let value = json!({
        "changes": changes.iter().map(|c| change_json(c, files)).collect::<Vec<_>>(),
        "failing": failing,
    });
    // A `Value` always serializes.
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// GitHub workflow commands: `::error file=...,line=...,col=...,title=...::message`, one per change, on the new
/// file where the change is there, else on the old one.
pub fn github(changes: &[Change], files: Files) -> String {
    // Workflow command escaping: data escapes `%`, CR and LF; properties also `:` and `,`.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for c in changes {
        let level = match (c.severity(), &c.accepted) {
            (_, Some(_)) | (Severity::Info, _) => "notice",
            (Severity::Error, None) => "error",
            (Severity::Warning, None) => "warning",
        };
        let (file, span) = match (c.new, c.old) {
            (Some(s), _) => (files.new, s),
            (None, Some(s)) => (files.old, s),
            (None, None) => (files.new, Span::default()),
        };
        let mut message = format!("{} (breaks: {})", c.message, broken_words(c));
        if let Some(why) = &c.accepted {
            let _ = write!(message, "; accepted: {why}");
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},title={}::{}",
            prop(file),
            span.line.max(1),
            span.col.max(1),
            prop(&format!("apigen diff: {}", c.rule.rule().id)),
            data(&message)
        );
    }
    out
}

/// The rule table as Markdown, for the README (a test keeps the README's copy equal to it).
pub fn rule_table() -> String {
    let mut out = String::from(
        "| rule | old clients | old servers | client code | server code | behaviour | oasdiff | buf breaking | cargo-semver-checks |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for rule in super::rules::RULES {
        let v: Vec<String> = Party::ALL
            .iter()
            .map(|p| rule.verdict(*p).to_string())
            .collect();
        let _ = writeln!(
            out,
            "| `{}`: {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            rule.id,
            rule.summary,
            v[0],
            v[1],
            v[2],
            v[3],
            v[4],
            rule.oasdiff,
            rule.buf,
            rule.semver_checks
        );
    }
    out
}
