//! `apigen diff`: what changed between two versions of a spec, and whom each change breaks.
//!
//! Both specs go through the normal pipeline to the IR (so a reformatting or a reordering is no change), and
//! [`compare`] walks the two IRs side by side. Each change is one rule of [`rules::RULES`] with the facts its
//! conditional verdicts need; the five verdicts (old clients, old servers, client code, server code, behaviour)
//! come from the table alone. [`policy`] decides which changes fail the run (`--fail-on`, an allow file, a major
//! version bump) and [`report`] prints them (text, JSON, GitHub annotations). [`cli`] is the command both `apigen
//! diff` and `cargo xtask api-diff` run.

pub mod cli;
pub mod compare;
pub mod policy;
pub mod report;
pub mod rules;

use crate::diagnostic::Span;
use crate::ir::Api;
use rules::{Fact, Party, RuleId};

/// One change between the old and the new spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub rule: RuleId,
    /// What changed, for allow files: `resource.operation`, `Model.field`, `api.auth`, ...
    pub subject: String,
    pub message: String,
    /// Where it is in the old spec and in the new one (`None`: it is not there).
    pub old: Option<Span>,
    pub new: Option<Span>,
    /// The facts that hold for it, which the rule's conditional verdicts read.
    pub facts: Vec<Fact>,
    /// A removal of something the old spec had deprecated: announced, so a lesser finding.
    pub deprecated_first: bool,
    /// Why the change is accepted (an allow-file line, a major version bump), if it is.
    pub accepted: Option<String>,
}

/// How much a change matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// It breaks old clients or client code (what `--fail-on` gates by default).
    Error,
    /// It breaks old servers, server code or behaviour, or it is a removal the old spec announced by deprecation.
    Warning,
    /// It breaks nothing.
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl Change {
    /// Whether the change breaks `party` (the rule's verdict, given the change's facts).
    pub fn breaks(&self, party: Party) -> bool {
        self.rule.rule().verdict(party).holds(&self.facts)
    }

    /// The parties it breaks, in [`Party::ALL`] order.
    pub fn broken(&self) -> Vec<Party> {
        Party::ALL.into_iter().filter(|p| self.breaks(*p)).collect()
    }

    pub fn severity(&self) -> Severity {
        let broken = self.broken();
        if broken.is_empty() {
            Severity::Info
        } else if !self.deprecated_first
            && broken
                .iter()
                .any(|p| matches!(p, Party::OldClients | Party::ClientCode))
        {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

/// Every change from `old` to `new`: by severity, then in the order of the new spec (the old one's for removals).
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = compare::compare(old, new);
    changes.sort_by_key(|c| {
        let at = c.new.or(c.old).map_or((0, 0), |s| (s.line, s.col));
        (c.severity(), at, c.rule, c.subject.clone())
    });
    changes
}
