//! The comparison of two resolved APIs: which changes there are, and the facts each one's verdicts depend on.
//!
//! Items are matched by identity, never by position in the file: operations by resource and name (or a declared
//! `renamed_from`, or else the same method and path), parameters by name (path parameters by position), fields
//! by wire name (or `renamed_from`), enum values by value, tagged union variants by tag. Types are compared where
//! they stand, from the operations outward (a parameter's, a body's, an answer's type, then what those hold), so an
//! inline definition is compared by its structure whatever name it was given, and each change is judged in the
//! direction it travels: a field of a request body is a request field, of an answer a response field. A type
//! reached both ways is compared both ways. Each pair of types is compared once per direction.

use super::rules::{Fact, RuleId};
use super::Change;
use crate::diagnostic::Span;
use crate::ir::{
    self, Access, Api, Constraints, Field, Literal, Operation, PageStyle, ParamLocation,
    ParamStyle, Presence, RenameKind, Resource, ResponseRole, Security, Struct, Ty, TypeId,
    TypeKind,
};
use std::collections::{BTreeSet, HashSet};

/// Which way a value travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Dir {
    /// From client to server (parameters, bodies).
    Request,
    /// From server to client (answers, error bodies).
    Response,
}

/// Which parameters [`Cx::named_params`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    Query,
    /// An operation's own headers.
    OpHeader,
    /// The API's headers (`api.headers`), which every operation takes.
    ApiHeader,
}

impl Named {
    fn location(self) -> ParamLocation {
        match self {
            Named::Query => ParamLocation::Query,
            Named::OpHeader | Named::ApiHeader => ParamLocation::Header,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Named::Query => "query parameter",
            Named::OpHeader => "header",
            Named::ApiHeader => "API-wide header",
        }
    }
}

/// Every change from `old` to `new`, in the order they were found (the report sorts them).
pub fn compare(old: &Api, new: &Api) -> Vec<Change> {
    let mut cx = Cx {
        old,
        new,
        changes: Vec::new(),
        compared: HashSet::new(),
        reported: HashSet::new(),
        new_literals: literal_types(new),
        paired_models: HashSet::new(),
        scheme_renames: Vec::new(),
        schemes_removed: Vec::new(),
    };
    cx.api();
    cx.operations();
    cx.errors();
    cx.pagination_styles();
    cx.models();
    cx.changes
}

struct Cx<'a> {
    old: &'a Api,
    new: &'a Api,
    changes: Vec<Change>,
    /// Type pairs already compared, per direction.
    compared: HashSet<(TypeId, TypeId, Dir)>,
    /// (rule, subject) already reported: a type reached from many places is reported once.
    reported: HashSet<(RuleId, String)>,
    /// The new API's request types that client code builds as struct literals.
    new_literals: HashSet<TypeId>,
    /// Model pairs met where types stand (old, new), so the model-level pass does not call them removed + added.
    paired_models: HashSet<(TypeId, TypeId)>,
    /// Security schemes renamed (old name, new name), and removed (old names): reported once, for the API.
    scheme_renames: Vec<(String, String)>,
    schemes_removed: Vec<String>,
}

/// Where a change is, on each side.
#[derive(Clone, Copy)]
struct At {
    old: Option<Span>,
    new: Option<Span>,
}

impl At {
    fn both(old: Span, new: Span) -> At {
        At {
            old: Some(old),
            new: Some(new),
        }
    }
    fn old(old: Span) -> At {
        At {
            old: Some(old),
            new: None,
        }
    }
    fn new(new: Span) -> At {
        At {
            old: None,
            new: Some(new),
        }
    }
}

impl Cx<'_> {
    fn report(
        &mut self,
        rule: RuleId,
        subject: impl Into<String>,
        message: impl Into<String>,
        at: At,
        facts: &[Fact],
    ) {
        self.report_with(rule, subject, message, at, facts, false);
    }

    fn report_with(
        &mut self,
        rule: RuleId,
        subject: impl Into<String>,
        message: impl Into<String>,
        at: At,
        facts: &[Fact],
        deprecated_first: bool,
    ) {
        let subject = subject.into();
        if !self.reported.insert((rule, subject.clone())) {
            // The same change met again (a type reached both ways): it holds what holds either way.
            if let Some(c) = self
                .changes
                .iter_mut()
                .find(|c| c.rule == rule && c.subject == subject)
            {
                let merged: BTreeSet<Fact> = c.facts.iter().chain(facts).copied().collect();
                c.facts = merged.into_iter().collect();
            }
            return;
        }
        let facts: BTreeSet<Fact> = facts.iter().copied().collect();
        self.changes.push(Change {
            rule,
            subject,
            message: message.into(),
            old: at.old,
            new: at.new,
            facts: facts.into_iter().collect(),
            deprecated_first,
            accepted: None,
        });
    }

    // -----------------------------------------------------------------------------------------------------------
    // The API as a whole.
    // -----------------------------------------------------------------------------------------------------------

    fn api(&mut self) {
        let (o, n) = (self.old, self.new);
        let (ov, nv) = (o.evolution.version_span, n.evolution.version_span);
        let at = At::both(ov, nv);
        if o.package_name != n.package_name {
            self.report(
                RuleId::PackageRenamed,
                "api.name",
                format!(
                    "the package `{}` is now `{}` (crate `{}`)",
                    o.package_name, n.package_name, n.crate_name
                ),
                at,
                &[],
            );
        }
        if o.version != n.version {
            self.report(
                RuleId::VersionChanged,
                "api.version",
                format!("api.version {} is now {}", o.version, n.version),
                at,
                &[],
            );
        }
        if o.server != n.server {
            self.report(
                RuleId::ServerChanged,
                "api.server",
                format!("the default base URL {} is now {}", o.server, n.server),
                at,
                &[],
            );
        }
        if o.server_env != n.server_env {
            self.report(
                RuleId::ServerEnvChanged,
                "api.server_env",
                format!(
                    "the base URL's variable {} is now {}",
                    shown(&o.server_env),
                    shown(&n.server_env)
                ),
                at,
                &[],
            );
        }
        let auth_at = At {
            old: o.evolution.auth_span.or(Some(ov)),
            new: n.evolution.auth_span.or(Some(nv)),
        };
        match (&o.auth, &n.auth) {
            (None, Some(b)) => self.report(
                RuleId::AuthAdded,
                "api.auth",
                format!(
                    "the API now requires credentials ({}; it took none)",
                    b.schemes
                        .iter()
                        .map(scheme_words)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                auth_at,
                &[],
            ),
            (Some(_), None) => self.report(
                RuleId::AuthRemoved,
                "api.auth",
                "the API no longer takes credentials",
                auth_at,
                &[],
            ),
            (Some(a), Some(b)) => self.auth(a, b, auth_at),
            (None, None) => {}
        }
        // The API's headers: a handler without headers of its own gains a headers argument with the first.
        let headers_appear = o.headers.is_empty()
            && o.operations()
                .any(|(_, op)| op.server.headers_struct.is_none());
        let (olds, news): (Vec<&ir::Param>, Vec<&ir::Param>) =
            (o.headers.iter().collect(), n.headers.iter().collect());
        self.named_params(
            "api.headers",
            Named::ApiHeader,
            &olds,
            &news,
            (&o.headers, &[]),
            (&n.headers, &[]),
            (ov, nv),
            headers_appear,
        );
        self.response_headers(
            "api.response_headers",
            &o.response_headers,
            &n.response_headers,
            (ov, nv),
        );
    }

    /// The schemes, matched by name (or, for a scheme whose name is gone, by the same kind and key: a rename),
    /// then the default list and the scope rules. Which operations accept which schemes is compared per operation.
    fn auth(&mut self, a: &ir::Auth, b: &ir::Auth, at: At) {
        let mut matched_new = vec![false; b.schemes.len()];
        let mut unmatched_old = Vec::new();
        for sa in &a.schemes {
            match b.schemes.iter().position(|sb| sb.name == sa.name) {
                Some(i) => {
                    matched_new[i] = true;
                    self.scheme(sa, &b.schemes[i]);
                }
                None => unmatched_old.push(sa),
            }
        }
        for sa in unmatched_old {
            let renamed = b
                .schemes
                .iter()
                .enumerate()
                .position(|(i, sb)| !matched_new[i] && sb.kind == sa.kind && sb.key == sa.key);
            match renamed {
                Some(i) => {
                    matched_new[i] = true;
                    let sb = &b.schemes[i];
                    self.scheme_renames.push((sa.name.clone(), sb.name.clone()));
                    self.report(
                        RuleId::AuthSchemeNameChanged,
                        format!("api.auth.schemes.{}", sb.name),
                        format!(
                            "the security scheme `{}` is now `{}` (credentials given by its old name are refused)",
                            sa.name, sb.name
                        ),
                        At::both(sa.span, sb.span),
                        &[],
                    );
                    self.scheme(sa, sb);
                }
                None => {
                    self.schemes_removed.push(sa.name.clone());
                    self.report(
                        RuleId::AuthSchemeRemoved,
                        format!("api.auth.schemes.{}", sa.name),
                        format!(
                            "the security scheme `{}` ({}) is removed",
                            sa.name,
                            scheme_words(sa)
                        ),
                        At {
                            old: Some(sa.span),
                            new: at.new,
                        },
                        &[],
                    );
                }
            }
        }
        for (i, sb) in b.schemes.iter().enumerate() {
            if !matched_new[i] {
                self.report(
                    RuleId::AuthSchemeAdded,
                    format!("api.auth.schemes.{}", sb.name),
                    format!(
                        "the security scheme `{}` ({}) is added",
                        sb.name,
                        scheme_words(sb)
                    ),
                    At {
                        old: at.old,
                        new: Some(sb.span),
                    },
                    &[],
                );
            }
        }
        let (da, db) = (
            self.scheme_names(a, &a.default, true),
            scheme_list(b, &b.default),
        );
        if da != db {
            self.report(
                RuleId::AuthDefaultChanged,
                "api.auth.default",
                format!(
                    "the default schemes [{}] are now [{}]",
                    da.join(", "),
                    db.join(", ")
                ),
                at,
                &[],
            );
        }
        match (&a.wildcard_scope, &b.wildcard_scope) {
            (Some(w), None) => self.report(
                RuleId::WildcardScopeRemoved,
                "api.auth.wildcard_scope",
                format!("the wildcard scope `{w}` is removed: keys holding only it lose access"),
                at,
                &[],
            ),
            (Some(w), Some(x)) if w != x => self.report(
                RuleId::WildcardScopeRemoved,
                "api.auth.wildcard_scope",
                format!(
                    "the wildcard scope `{w}` is now `{x}`: keys holding only `{w}` lose access"
                ),
                at,
                &[],
            ),
            (None, Some(x)) => self.report(
                RuleId::WildcardScopeAdded,
                "api.auth.wildcard_scope",
                format!("the wildcard scope `{x}` is added: a key holding it may call everything"),
                at,
                &[],
            ),
            _ => {}
        }
        for rule in &a.implied_scopes {
            if !b.implied_scopes.contains(rule) {
                self.report(
                    RuleId::ImpliedScopeRemoved,
                    format!("api.auth.implied_scopes.{}", rule.0),
                    format!(
                        "the rule `{}` grants `{}` is removed: keys relying on it lose access",
                        rule.0, rule.1
                    ),
                    at,
                    &[],
                );
            }
        }
        for rule in &b.implied_scopes {
            if !a.implied_scopes.contains(rule) {
                self.report(
                    RuleId::ImpliedScopeAdded,
                    format!("api.auth.implied_scopes.{}", rule.0),
                    format!("the rule `{}` grants `{}` is added", rule.0, rule.1),
                    at,
                    &[],
                );
            }
        }
    }

    /// One scheme present on both sides: its kind, its key's place, its variable.
    fn scheme(&mut self, sa: &ir::Scheme, sb: &ir::Scheme) {
        let sub = format!("api.auth.schemes.{}", sb.name);
        let at = At::both(sa.span, sb.span);
        if sa.kind != sb.kind {
            self.report(
                RuleId::AuthSchemeKindChanged,
                sub.clone(),
                format!(
                    "the security scheme `{}` is now {} (was {})",
                    sb.name,
                    scheme_words(sb),
                    scheme_words(sa)
                ),
                at,
                &[],
            );
        } else if sa.key != sb.key {
            self.report(
                RuleId::AuthKeyMoved,
                sub.clone(),
                format!(
                    "the API key of `{}` is now {} (was {})",
                    sb.name,
                    scheme_words(sb),
                    scheme_words(sa)
                ),
                at,
                &[],
            );
        }
        if sa.env != sb.env {
            self.report(
                RuleId::AuthEnvChanged,
                format!("{sub}.env"),
                format!(
                    "the variable of `{}`'s credential {} is now {}",
                    sb.name,
                    shown(&sa.env),
                    shown(&sb.env)
                ),
                at,
                &[],
            );
        }
    }

    /// The names of schemes `list` (indexes into `auth.schemes`); with `renamed`, old names as the new spec calls
    /// them, so a renamed scheme compares equal to itself.
    fn scheme_names(&self, auth: &ir::Auth, list: &[usize], renamed: bool) -> Vec<String> {
        scheme_list(auth, list)
            .into_iter()
            .map(|n| {
                let to = self
                    .scheme_renames
                    .iter()
                    .find(|(from, _)| renamed && *from == n);
                to.map_or(n, |(_, to)| to.clone())
            })
            .collect()
    }

    // -----------------------------------------------------------------------------------------------------------
    // Operations.
    // -----------------------------------------------------------------------------------------------------------

    fn operations(&mut self) {
        let old_ops: Vec<(&Resource, &Operation)> = self.old.operations().collect();
        let new_ops: Vec<(&Resource, &Operation)> = self.new.operations().collect();
        let mut old_matched = vec![false; old_ops.len()];
        let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
        let mut new_unmatched = Vec::new();
        for (ni, (nr, nop)) in new_ops.iter().enumerate() {
            let declared = self.new.evolution.renames.iter().find(|r| {
                r.to == nop.wire_name
                    && matches!(&r.kind, RenameKind::Operation { resource } if *resource == nr.wire_name)
            });
            let wanted = declared.map_or(nop.wire_name.as_str(), |r| r.from.as_str());
            let found = old_ops.iter().enumerate().position(|(oi, (or, oop))| {
                !old_matched[oi] && or.wire_name == nr.wire_name && oop.wire_name == wanted
            });
            match found {
                Some(oi) => {
                    old_matched[oi] = true;
                    pairs.push((oi, ni, declared.is_some()));
                }
                None => new_unmatched.push(ni),
            }
        }
        // An operation whose name changed without a declaration but kept its method and path is the same
        // endpoint on the wire: a rename, not a removal and an addition.
        let mut added = Vec::new();
        for ni in new_unmatched {
            let (_, nop) = new_ops[ni];
            let found = old_ops.iter().enumerate().position(|(oi, (_, oop))| {
                !old_matched[oi]
                    && oop.method == nop.method
                    && route_key(&oop.path) == route_key(&nop.path)
            });
            match found {
                Some(oi) => {
                    old_matched[oi] = true;
                    pairs.push((oi, ni, false));
                }
                None => added.push(ni),
            }
        }
        for (oi, (or, oop)) in old_ops.iter().enumerate() {
            if !old_matched[oi] {
                self.report_with(
                    RuleId::OperationRemoved,
                    op_subject(or, oop),
                    format!(
                        "operation `{}` ({} {}) is removed{}",
                        op_subject(or, oop),
                        oop.method.as_str(),
                        oop.path,
                        if oop.deprecated.is_some() {
                            " (it was deprecated)"
                        } else {
                            ""
                        }
                    ),
                    At::old(oop.span),
                    &[],
                    oop.deprecated.is_some(),
                );
            }
        }
        for ni in added {
            let (nr, nop) = new_ops[ni];
            self.report(
                RuleId::OperationAdded,
                op_subject(nr, nop),
                format!(
                    "operation `{}` ({} {}) is added",
                    op_subject(nr, nop),
                    nop.method.as_str(),
                    nop.path
                ),
                At::new(nop.span),
                &[],
            );
        }
        pairs.sort();
        for (oi, ni, declared) in pairs {
            let (or, oop) = old_ops[oi];
            let (nr, nop) = new_ops[ni];
            self.operation(or, oop, nr, nop, declared);
        }
    }

    fn operation(
        &mut self,
        or: &Resource,
        o: &Operation,
        nr: &Resource,
        n: &Operation,
        declared: bool,
    ) {
        let subject = op_subject(nr, n);
        let at = At::both(o.span, n.span);
        if o.wire_name != n.wire_name || or.wire_name != nr.wire_name {
            self.report(
                RuleId::OperationRenamed,
                subject.clone(),
                format!(
                    "operation `{}` is renamed `{}`{}",
                    op_subject(or, o),
                    subject,
                    if declared {
                        ""
                    } else {
                        " (matched by its method and path)"
                    }
                ),
                at,
                &[],
            );
        } else if o.operation_id != n.operation_id {
            self.report(
                RuleId::OperationIdChanged,
                subject.clone(),
                format!(
                    "the operationId of `{subject}` `{}` is now `{}`",
                    o.operation_id, n.operation_id
                ),
                at,
                &[],
            );
        }
        if o.method != n.method {
            self.report(
                RuleId::OperationMethodChanged,
                subject.clone(),
                format!(
                    "operation `{subject}` is now {} (was {})",
                    n.method.as_str(),
                    o.method.as_str()
                ),
                at,
                &[],
            );
        }
        if route_key(&o.path) != route_key(&n.path) {
            self.report(
                RuleId::OperationPathChanged,
                subject.clone(),
                format!("the path of `{subject}` {} is now {}", o.path, n.path),
                at,
                &[],
            );
        }
        match (&o.deprecated, &n.deprecated) {
            (None, Some(_)) => self.report(
                RuleId::OperationDeprecated,
                subject.clone(),
                format!("operation `{subject}` is deprecated"),
                at,
                &[],
            ),
            (Some(_), None) => self.report(
                RuleId::OperationUndeprecated,
                subject.clone(),
                format!("operation `{subject}` is no longer deprecated"),
                at,
                &[],
            ),
            _ => {}
        }
        if o.idempotent != n.idempotent {
            self.report(
                RuleId::IdempotencyChanged,
                subject.clone(),
                format!(
                    "operation `{subject}` is {} (clients retry it {})",
                    if n.idempotent {
                        "now idempotent"
                    } else {
                        "no longer idempotent"
                    },
                    if n.idempotent {
                        "as the retry policy allows"
                    } else {
                        "only if nothing was sent"
                    }
                ),
                at,
                &[],
            );
        }
        match (&o.idempotency_header, &n.idempotency_header) {
            (None, Some(h)) => self.report(
                RuleId::IdempotencyKeyAdded,
                format!("{subject}.idempotency_key"),
                format!(
                    "operation `{subject}` now sends a fresh idempotency key in `{h}` (and is retried with it)"
                ),
                at,
                &[],
            ),
            (Some(h), None) => self.report(
                RuleId::IdempotencyKeyRemoved,
                format!("{subject}.idempotency_key"),
                format!("operation `{subject}` no longer sends an idempotency key (in `{h}`)"),
                at,
                &[],
            ),
            (Some(g), Some(h)) if g != h => self.report(
                RuleId::IdempotencyHeaderRenamed,
                format!("{subject}.idempotency_key"),
                format!("operation `{subject}` sends its idempotency key in `{h}` (was `{g}`)"),
                at,
                &[],
            ),
            _ => {}
        }
        self.security(&subject, o, n, at);
        self.params(&subject, o, n);
        self.body(&subject, o, n);
        self.responses(&subject, o, n);
        self.op_pagination(&subject, o, n, at);
    }

    fn security(&mut self, subject: &str, o: &Operation, n: &Operation, at: At) {
        match (o.security, n.security) {
            (Security::Optional, Security::Required) => self.report(
                RuleId::OperationAuthAdded,
                subject,
                format!("operation `{subject}` now requires credentials"),
                at,
                &[],
            ),
            (Security::Required, Security::Optional) => self.report(
                RuleId::OperationAuthRemoved,
                subject,
                format!("operation `{subject}` is now public: clients send no key"),
                at,
                &[],
            ),
            (Security::Required, Security::Required) => {
                let (old, new) = (self.old, self.new);
                let (Some(oa), Some(na)) = (&old.auth, &new.auth) else {
                    return;
                };
                // A key holding exactly the old scopes: does the new server, with its rules, let it through? And
                // the other way round, for new clients' keys against an old server.
                let lost: Vec<&String> = n
                    .scopes
                    .iter()
                    .filter(|s| !granted(s, &o.scopes, na))
                    .collect();
                let widened: Vec<&String> = o
                    .scopes
                    .iter()
                    .filter(|s| !granted(s, &n.scopes, oa))
                    .collect();
                for s in &lost {
                    self.report(
                        RuleId::ScopeAdded,
                        format!("{subject}.scopes.{s}"),
                        format!(
                            "operation `{subject}` now requires the scope `{s}`, which its old scopes [{}] do not grant",
                            o.scopes.join(", ")
                        ),
                        at,
                        &[],
                    );
                }
                for s in &widened {
                    self.report(
                        RuleId::ScopeRemoved,
                        format!("{subject}.scopes.{s}"),
                        format!(
                            "operation `{subject}` no longer requires the scope `{s}` (access widened; keys holding only [{}] fail on old servers)",
                            n.scopes.join(", ")
                        ),
                        at,
                        &[],
                    );
                }
                if lost.is_empty() && widened.is_empty() && sorted(&o.scopes) != sorted(&n.scopes) {
                    self.report(
                        RuleId::ScopeImplied,
                        format!("{subject}.scopes"),
                        format!(
                            "the scopes of `{subject}` [{}] are now [{}], each granted by the other",
                            o.scopes.join(", "),
                            n.scopes.join(", ")
                        ),
                        at,
                        &[],
                    );
                }
                self.op_schemes(subject, o, n, oa, na, at);
            }
            _ => {}
        }
    }

    /// Which schemes an operation accepts, by name (an old name read as the new spec renamed it): one it no
    /// longer takes (unless the API dropped the scheme, reported once), one it now takes, or the same in another
    /// order of preference.
    fn op_schemes(
        &mut self,
        subject: &str,
        o: &Operation,
        n: &Operation,
        oa: &ir::Auth,
        na: &ir::Auth,
        at: At,
    ) {
        let old_names = self.scheme_names(oa, &o.schemes, true);
        let new_names = scheme_list(na, &n.schemes);
        let removed_api_wide = |name: &String| self.schemes_removed.contains(name);
        let narrowed: Vec<&String> = old_names
            .iter()
            .filter(|s| !new_names.contains(s) && !removed_api_wide(s))
            .collect();
        let widened: Vec<&String> = new_names
            .iter()
            .filter(|s| !old_names.contains(s))
            .collect();
        let list = |v: &[String]| v.join(", ");
        for s in &narrowed {
            self.report(
                RuleId::OperationSchemesNarrowed,
                format!("{subject}.auth.{s}"),
                format!(
                    "operation `{subject}` no longer accepts the scheme `{s}` (it accepts [{}])",
                    list(&new_names)
                ),
                at,
                &[],
            );
        }
        for s in &widened {
            self.report(
                RuleId::OperationSchemesWidened,
                format!("{subject}.auth.{s}"),
                format!(
                    "operation `{subject}` now accepts the scheme `{s}` (it accepted [{}])",
                    list(&old_names)
                ),
                at,
                &[],
            );
        }
        let kept_old: Vec<&String> = old_names.iter().filter(|s| new_names.contains(s)).collect();
        let kept_new: Vec<&String> = new_names.iter().filter(|s| old_names.contains(s)).collect();
        if kept_old != kept_new {
            self.report(
                RuleId::OperationSchemesReordered,
                format!("{subject}.auth"),
                format!(
                    "operation `{subject}` prefers the schemes [{}] (was [{}])",
                    list(&new_names),
                    list(&old_names)
                ),
                at,
                &[],
            );
        }
    }

    fn params(&mut self, subject: &str, o: &Operation, n: &Operation) {
        let op_at = At::both(o.span, n.span);
        // Path parameters are positional (client arguments, server arguments, path segments).
        let op_path: Vec<&ir::Param> = o.path_params().collect();
        let np_path: Vec<&ir::Param> = n.path_params().collect();
        for (i, (a, b)) in op_path.iter().zip(&np_path).enumerate() {
            let psub = format!("{subject}.{}", b.wire_name);
            if a.wire_name != b.wire_name {
                self.report(
                    RuleId::PathParamRenamed,
                    psub.clone(),
                    format!(
                        "path parameter {} of `{subject}` `{}` is now `{}`",
                        i + 1,
                        a.wire_name,
                        b.wire_name
                    ),
                    At::both(a.span, b.span),
                    &[],
                );
            }
            self.param_common(&psub, a, b);
        }
        for a in op_path.iter().skip(np_path.len()) {
            let moved = n.query_params().find(|q| q.wire_name == a.wire_name);
            let facts = moved.map_or_else(Vec::new, |b| {
                moved_facts(
                    (&o.params, &o.client.args, a),
                    (&n.params, &n.client.args, b),
                )
            });
            let (rule, what) = if moved.is_some() {
                (RuleId::ParamLocationChanged, "moves to the query")
            } else {
                (RuleId::PathParamRemoved, "is removed")
            };
            self.report(
                rule,
                format!("{subject}.{}", a.wire_name),
                format!("path parameter `{}` of `{subject}` {what}", a.wire_name),
                At {
                    old: Some(a.span),
                    new: op_at.new,
                },
                &facts,
            );
        }
        for b in np_path.iter().skip(op_path.len()) {
            let moved = o.query_params().find(|q| q.wire_name == b.wire_name);
            let facts = moved.map_or_else(Vec::new, |a| {
                moved_facts(
                    (&o.params, &o.client.args, a),
                    (&n.params, &n.client.args, b),
                )
            });
            let (rule, what) = if moved.is_some() {
                (
                    RuleId::ParamLocationChanged,
                    "moves from the query to the path",
                )
            } else {
                (RuleId::PathParamAdded, "is added")
            };
            self.report(
                rule,
                format!("{subject}.{}", b.wire_name),
                format!("path parameter `{}` of `{subject}` {what}", b.wire_name),
                At {
                    old: op_at.old,
                    new: Some(b.span),
                },
                &facts,
            );
        }
        // Query parameters and the operation's headers by name.
        let at = (o.span, n.span);
        let headers_appear = o.server.headers_struct.is_none() && n.server.headers_struct.is_some();
        for kind in [Named::Query, Named::OpHeader] {
            let loc = kind.location();
            let olds: Vec<&ir::Param> = o.params.iter().filter(|p| p.location == loc).collect();
            let news: Vec<&ir::Param> = n.params.iter().filter(|p| p.location == loc).collect();
            self.named_params(
                subject,
                kind,
                &olds,
                &news,
                (&o.params, &o.client.args),
                (&n.params, &n.client.args),
                at,
                headers_appear,
            );
        }
    }

    /// Query parameters or headers matched by name (headers case-insensitively): required-ness, default, style,
    /// then what every parameter shares. `all_old` and `all_new` are every parameter of the operation, to tell a
    /// parameter that moved (reported as such) from one removed or added.
    #[allow(clippy::too_many_arguments)]
    fn named_params(
        &mut self,
        subject: &str,
        kind: Named,
        olds: &[&ir::Param],
        news: &[&ir::Param],
        (all_old, old_args): (&[ir::Param], &[ir::ClientArg]),
        (all_new, new_args): (&[ir::Param], &[ir::ClientArg]),
        (old_at, new_at): (Span, Span),
        headers_appear: bool,
    ) {
        let same = |x: &ir::Param, y: &ir::Param| match kind {
            Named::Query => x.wire_name == y.wire_name,
            Named::OpHeader | Named::ApiHeader => x.wire_name.eq_ignore_ascii_case(&y.wire_name),
        };
        let what = kind.words();
        // An operation's required header is a method argument, an optional one a setter; the API's are setters
        // of the client builder whether required or not. (A query parameter's rules say as much without the fact.)
        let client_form = match kind {
            Named::Query | Named::ApiHeader => vec![],
            Named::OpHeader => vec![Fact::ClientRust],
        };
        for a in olds {
            let psub = format!("{subject}.{}", a.wire_name);
            match news.iter().find(|b| same(a, b)) {
                Some(b) => {
                    let at = At::both(a.span, b.span);
                    let (to_required, to_optional) = match kind {
                        Named::Query => (
                            RuleId::QueryParamBecameRequired,
                            RuleId::QueryParamBecameOptional,
                        ),
                        Named::OpHeader | Named::ApiHeader => (
                            RuleId::RequestHeaderBecameRequired,
                            RuleId::RequestHeaderBecameOptional,
                        ),
                    };
                    match (a.required, b.required) {
                        (false, true) => self.report(
                            to_required,
                            psub.clone(),
                            format!("{what} `{}` of `{subject}` is now required", a.wire_name),
                            at,
                            &client_form,
                        ),
                        (true, false) => self.report(
                            to_optional,
                            psub.clone(),
                            format!("{what} `{}` of `{subject}` is now optional", a.wire_name),
                            at,
                            &client_form,
                        ),
                        _ => {}
                    }
                    if a.default != b.default {
                        let facts = if (a.default.is_some()) != (b.default.is_some()) {
                            vec![Fact::ServerRust]
                        } else {
                            vec![]
                        };
                        self.report(
                            RuleId::ParamDefaultChanged,
                            psub.clone(),
                            format!(
                                "the default of {what} `{}` of `{subject}` {} is now {}",
                                a.wire_name,
                                shown_json(&a.default),
                                shown_json(&b.default)
                            ),
                            at,
                            &facts,
                        );
                    }
                    if kind == Named::Query
                        && a.style != b.style
                        && is_list(&a.ty)
                        && is_list(&b.ty)
                    {
                        let mut facts = Vec::new();
                        if !style_reads(b.style, a.style) {
                            facts.push(Fact::NewRefusesOld);
                        }
                        if !style_reads(a.style, b.style) {
                            facts.push(Fact::OldRefusesNew);
                        }
                        self.report(
                            RuleId::QueryParamStyleChanged,
                            psub.clone(),
                            format!(
                                "query list `{}` of `{subject}` is written {} (was {})",
                                a.wire_name,
                                style_example(b.style),
                                style_example(a.style)
                            ),
                            at,
                            &facts,
                        );
                    }
                    self.param_common(&psub, a, b);
                }
                None => {
                    let moved = all_new.iter().find(|b| {
                        b.location != a.location && b.wire_name.eq_ignore_ascii_case(&a.wire_name)
                    });
                    match moved {
                        // A path parameter's move is reported with the path parameters.
                        Some(b) if b.location == ParamLocation::Path => {}
                        Some(b) => self.report(
                            RuleId::ParamLocationChanged,
                            psub.clone(),
                            format!(
                                "{what} `{}` of `{subject}` moves to the {}",
                                a.wire_name,
                                location_words(b.location)
                            ),
                            At::both(a.span, b.span),
                            &moved_facts((all_old, old_args, a), (all_new, new_args, b)),
                        ),
                        None => {
                            let rule = match kind {
                                Named::Query => RuleId::QueryParamRemoved,
                                Named::OpHeader | Named::ApiHeader => RuleId::RequestHeaderRemoved,
                            };
                            self.report_with(
                                rule,
                                psub.clone(),
                                format!(
                                    "{what} `{}` of `{subject}` is removed (old clients' values are ignored)",
                                    a.wire_name
                                ),
                                At {
                                    old: Some(a.span),
                                    new: Some(new_at),
                                },
                                if a.required {
                                    &[Fact::OldRequired]
                                } else {
                                    &[]
                                },
                                a.deprecated.is_some(),
                            )
                        }
                    }
                }
            }
        }
        for b in news {
            if olds.iter().any(|a| same(a, b))
                || all_old
                    .iter()
                    .any(|a| a.wire_name.eq_ignore_ascii_case(&b.wire_name))
            {
                continue;
            }
            let (rule, words) = match (kind, b.required) {
                (Named::Query, true) => (RuleId::RequiredQueryParamAdded, "required "),
                (Named::Query, false) => (RuleId::QueryParamAdded, ""),
                (_, true) => (RuleId::RequiredRequestHeaderAdded, "required "),
                (_, false) => (RuleId::RequestHeaderAdded, ""),
            };
            let mut facts = Vec::new();
            if b.required {
                facts.extend(&client_form);
            }
            if headers_appear && kind != Named::Query {
                facts.push(Fact::ServerRust);
            }
            self.report(
                rule,
                format!("{subject}.{}", b.wire_name),
                format!("{words}{what} `{}` of `{subject}` is added", b.wire_name),
                At {
                    old: Some(old_at),
                    new: Some(b.span),
                },
                &facts,
            );
        }
    }

    /// What path and query parameters share: type, constraints, deprecation.
    fn param_common(&mut self, psub: &str, a: &ir::Param, b: &ir::Param) {
        let at = At::both(a.span, b.span);
        self.ty(Dir::Request, &a.ty, &b.ty, psub, at);
        self.constraints(Dir::Request, &a.constraints, &b.constraints, psub, at);
        if a.deprecated.is_none() && b.deprecated.is_some() {
            self.report(
                RuleId::ParamDeprecated,
                psub,
                format!("parameter `{psub}` is deprecated"),
                at,
                &[],
            );
        }
    }

    fn body(&mut self, subject: &str, o: &Operation, n: &Operation) {
        let sub = format!("{subject}.body");
        match (&o.body, &n.body) {
            (None, Some(b)) => self.report(
                RuleId::RequestBodyAdded,
                sub,
                format!("operation `{subject}` now takes a request body"),
                At {
                    old: Some(o.span),
                    new: Some(b.span),
                },
                // A struct body is set field by field (old calls still compile); another is an argument.
                if n.client
                    .args
                    .iter()
                    .any(|arg| arg.source == ir::ArgSource::Body)
                {
                    &[Fact::ClientRust]
                } else {
                    &[]
                },
            ),
            (Some(a), None) => self.report(
                RuleId::RequestBodyRemoved,
                sub,
                format!("operation `{subject}` no longer takes a request body"),
                At {
                    old: Some(a.span),
                    new: Some(n.span),
                },
                &[],
            ),
            (Some(a), Some(b)) => {
                let at = At::both(a.span, b.span);
                self.body_encoding(&sub, &a.encoding, &b.encoding, at);
                self.ty(Dir::Request, &a.ty, &b.ty, &sub, at)
            }
            (None, None) => {}
        }
    }

    /// A body's content: json, form and multipart are each refused by a server of another (a form or multipart
    /// server checks the media type; a json server cannot parse the others); a raw or text body's media type is
    /// only what the client labels it (the server takes any).
    fn body_encoding(&mut self, sub: &str, a: &ir::BodyEncoding, b: &ir::BodyEncoding, at: At) {
        use ir::BodyEncoding as E;
        let rule = match (a, b) {
            _ if a == b => return,
            (E::Binary { .. }, E::Binary { .. }) | (E::Text { .. }, E::Text { .. }) => {
                RuleId::RequestMediaTypeChanged
            }
            // Between a struct body and raw bytes or text the type changes too, which says more.
            (E::Binary { .. } | E::Text { .. }, _) | (_, E::Binary { .. } | E::Text { .. }) => {
                return
            }
            _ => RuleId::RequestBodyEncodingChanged,
        };
        self.report(
            rule,
            sub,
            format!(
                "`{sub}` is sent as {} (was {})",
                b.media_type(),
                a.media_type()
            ),
            at,
            &[],
        );
    }

    fn responses(&mut self, subject: &str, o: &Operation, n: &Operation) {
        let old_enum = matches!(o.client.returns, ir::ClientReturns::Enum(_));
        let new_enum = matches!(n.client.returns, ir::ClientReturns::Enum(_));
        // Whether the client's `send` returns another type, e.g. a value that became an enum of outcomes.
        let returns_changed =
            std::mem::discriminant(&o.client.returns) != std::mem::discriminant(&n.client.returns);
        // Answers by status; one whose code is left is matched with a range or `default` that came to cover it
        // (and the reverse), so that is one change, not a removal and an addition.
        let exact = |x: &ir::Response, ys: &[ir::Response]| ys.iter().any(|y| y.status == x.status);
        let mut covered: Vec<(usize, usize)> = Vec::new();
        for (i, a) in o.responses.iter().enumerate() {
            if exact(a, &n.responses) {
                continue;
            }
            let found = n.responses.iter().enumerate().position(|(j, b)| {
                !exact(b, &o.responses)
                    && !covered.iter().any(|(_, k)| *k == j)
                    && (covers(b.status, a.status) || covers(a.status, b.status))
            });
            if let Some(j) = found {
                covered.push((i, j));
            }
        }
        for (i, a) in o.responses.iter().enumerate() {
            let rsub = format!("{subject}.{}", a.status);
            let paired = covered
                .iter()
                .find(|(k, _)| *k == i)
                .map(|(_, j)| &n.responses[*j]);
            if let Some(b) = paired {
                let (rule, how) = if covers(b.status, a.status) {
                    (
                        RuleId::StatusCodeBecameRange,
                        "the server may send any code it covers",
                    )
                } else {
                    (
                        RuleId::StatusRangeBecameCode,
                        "the server sends only that code",
                    )
                };
                // A client returning one value decodes it from any 2xx, and any error answer from whatever code
                // carries it; only an enum of outcomes is closed on its codes (and names its variants by them).
                let mut facts = Vec::new();
                if a.role != ResponseRole::Error || b.role != ResponseRole::Error {
                    if old_enum {
                        facts.push(Fact::OldClosed);
                    }
                    if new_enum {
                        facts.push(Fact::NewClosed);
                    }
                    if old_enum || new_enum || returns_changed {
                        facts.push(Fact::ClientRust);
                    }
                }
                self.report(
                    rule,
                    rsub.clone(),
                    format!(
                        "answer {} of `{subject}` is now {} ({how})",
                        a.status, b.status
                    ),
                    At::both(a.span, b.span),
                    &facts,
                );
            }
            match n.responses.iter().find(|b| b.status == a.status).or(paired) {
                Some(b) => {
                    let at = At::both(a.span, b.span);
                    self.response_content(&rsub, a, b, at);
                    let own = |r: &ir::Response| -> Vec<ir::Header> {
                        r.headers.iter().filter(|h| !h.api_wide).cloned().collect()
                    };
                    self.response_headers(
                        &format!("{rsub}.headers"),
                        &own(a),
                        &own(b),
                        (a.span, b.span),
                    );
                    if a.role != b.role {
                        self.report(
                            RuleId::StatusRoleChanged,
                            rsub.clone(),
                            format!(
                                "answer {} of `{subject}` is now {} (was {})",
                                a.status,
                                role_words(b.role),
                                role_words(a.role)
                            ),
                            at,
                            &[],
                        );
                    }
                    match (&a.ty, &b.ty) {
                        (None, Some(_)) => self.report(
                            RuleId::ResponseBodyAdded,
                            rsub.clone(),
                            format!("answer {} of `{subject}` now has a body", a.status),
                            at,
                            &[],
                        ),
                        (Some(_), None) => self.report(
                            RuleId::ResponseBodyRemoved,
                            rsub.clone(),
                            format!("answer {} of `{subject}` no longer has a body", a.status),
                            at,
                            &[],
                        ),
                        (Some(x), Some(y)) => self.ty(Dir::Response, x, y, &rsub, at),
                        (None, None) => {}
                    }
                }
                None => {
                    let mut facts = Vec::new();
                    if returns_changed {
                        facts.push(Fact::ClientRust);
                    }
                    if new_enum {
                        facts.push(Fact::NewClosed);
                    }
                    let rule = match a.role {
                        ResponseRole::Success => RuleId::SuccessStatusRemoved,
                        ResponseRole::Outcome => RuleId::OutcomeStatusRemoved,
                        ResponseRole::Error => RuleId::ErrorStatusRemoved,
                    };
                    self.report(
                        rule,
                        rsub,
                        format!("answer {} of `{subject}` is removed", a.status),
                        At {
                            old: Some(a.span),
                            new: Some(n.span),
                        },
                        &facts,
                    );
                }
            }
        }
        for (j, b) in n.responses.iter().enumerate() {
            if exact(b, &o.responses) || covered.iter().any(|(_, k)| *k == j) {
                continue;
            }
            let mut facts = Vec::new();
            if returns_changed {
                facts.push(Fact::ClientRust);
            }
            if old_enum {
                facts.push(Fact::OldClosed);
            }
            let rule = match b.role {
                ResponseRole::Success => RuleId::SuccessStatusAdded,
                ResponseRole::Outcome => RuleId::OutcomeStatusAdded,
                ResponseRole::Error => RuleId::ErrorStatusAdded,
            };
            self.report(
                rule,
                format!("{subject}.{}", b.status),
                format!("answer {} of `{subject}` is added", b.status),
                At {
                    old: Some(o.span),
                    new: Some(b.span),
                },
                &facts,
            );
        }
    }

    /// How an answer's body travels (both sides have one): json, text, binary or events, their media types,
    /// an event stream's sentinel.
    fn response_content(&mut self, rsub: &str, a: &ir::Response, b: &ir::Response, at: At) {
        use ir::ResponseEncoding as E;
        if a.ty.is_none() || b.ty.is_none() {
            return;
        }
        let kind = |e: &E| match e {
            E::Empty => "no body",
            E::Json { .. } => "json",
            E::Text { .. } => "text",
            E::Binary { .. } => "binary",
            E::Events { .. } => "events",
        };
        match (&a.encoding, &b.encoding) {
            (E::Json { media_type: x }, E::Json { media_type: y })
            | (E::Text { media_type: x }, E::Text { media_type: y })
                if x != y =>
            {
                self.report(
                    RuleId::ResponseMediaTypeChanged,
                    rsub,
                    format!("answer `{rsub}` is {y} (was {x})"),
                    at,
                    &[],
                );
            }
            (E::Binary { media_types: x }, E::Binary { media_types: y }) if x != y => self.report(
                RuleId::ResponseMediaTypeChanged,
                rsub,
                format!(
                    "answer `{rsub}` is one of [{}] (was [{}])",
                    y.join(", "),
                    x.join(", ")
                ),
                at,
                &[],
            ),
            (E::Events { sentinel: x }, E::Events { sentinel: y }) if x != y => {
                let (rule, what) = match (x, y) {
                    (None, Some(y)) => {
                        (RuleId::EventsSentinelAdded, format!("now ends with `{y}`"))
                    }
                    (Some(x), None) => (
                        RuleId::EventsSentinelRemoved,
                        format!("no longer ends with `{x}` (it ends with the body)"),
                    ),
                    (Some(x), Some(y)) => (
                        RuleId::EventsSentinelChanged,
                        format!("ends with `{y}` (was `{x}`)"),
                    ),
                    // `x != y` and both `None` cannot be.
                    (None, None) => return,
                };
                self.report(
                    rule,
                    rsub,
                    format!("the event stream `{rsub}` {what}"),
                    at,
                    &[],
                );
            }
            (x, y) if kind(x) != kind(y) => self.report(
                RuleId::ResponseEncodingChanged,
                rsub,
                format!("answer `{rsub}` is {} (was {})", kind(y), kind(x)),
                at,
                &[Fact::ClientRust, Fact::ServerRust],
            ),
            _ => {}
        }
    }

    /// Response headers by name (case-insensitively), each reported as `{prefix}.{name}`. An answer's own headers
    /// are fields of the server's headers struct for it (server code builds it); the API's are left to middleware.
    /// The client reads every header into an `Option`, so no presence change breaks it on the wire.
    fn response_headers(
        &mut self,
        subject: &str,
        olds: &[ir::Header],
        news: &[ir::Header],
        (old_at, new_at): (Span, Span),
    ) {
        let same = |x: &ir::Header, y: &ir::Header| x.wire_name.eq_ignore_ascii_case(&y.wire_name);
        let own = |h: &ir::Header| {
            if h.api_wide {
                None
            } else {
                Some(Fact::ServerRust)
            }
        };
        for a in olds {
            let hsub = format!("{subject}.{}", a.wire_name);
            match news.iter().find(|b| same(a, b)) {
                Some(b) => {
                    let at = At::both(a.span, b.span);
                    let facts: Vec<Fact> = own(b).into_iter().collect();
                    match (a.required, b.required) {
                        (true, false) => self.report(
                            RuleId::ResponseHeaderBecameOptional,
                            hsub.clone(),
                            format!("response header `{hsub}` may now be absent"),
                            at,
                            &facts,
                        ),
                        (false, true) => self.report(
                            RuleId::ResponseHeaderBecameRequired,
                            hsub.clone(),
                            format!("response header `{hsub}` is now always sent"),
                            at,
                            &facts,
                        ),
                        _ => {}
                    }
                    self.ty(Dir::Response, &a.ty, &b.ty, &hsub, at);
                }
                None => {
                    let facts: Vec<Fact> = own(a).into_iter().collect();
                    self.report_with(
                        RuleId::ResponseHeaderRemoved,
                        hsub.clone(),
                        format!("response header `{hsub}` is removed"),
                        At {
                            old: Some(a.span),
                            new: Some(new_at),
                        },
                        &facts,
                        a.deprecated.is_some(),
                    );
                }
            }
        }
        for b in news {
            if olds.iter().any(|a| same(a, b)) {
                continue;
            }
            let hsub = format!("{subject}.{}", b.wire_name);
            let facts: Vec<Fact> = own(b).into_iter().collect();
            let required = if b.required { "required " } else { "" };
            self.report(
                RuleId::ResponseHeaderAdded,
                hsub.clone(),
                format!("{required}response header `{hsub}` is added"),
                At {
                    old: Some(old_at),
                    new: Some(b.span),
                },
                &facts,
            );
        }
    }

    fn op_pagination(&mut self, subject: &str, o: &Operation, n: &Operation, at: At) {
        match (&o.pagination, &n.pagination) {
            (None, Some(_)) => self.report(
                RuleId::PaginationAdded,
                format!("{subject}.pagination"),
                format!("operation `{subject}` is now paginated"),
                at,
                &[],
            ),
            (Some(_), None) => self.report(
                RuleId::PaginationRemoved,
                format!("{subject}.pagination"),
                format!("operation `{subject}` is no longer paginated"),
                at,
                &[],
            ),
            (Some(a), Some(b)) => {
                let (sa, sb) = (
                    &self.old.pagination[a.style.0],
                    &self.new.pagination[b.style.0],
                );
                if std::mem::discriminant(&sa.style) != std::mem::discriminant(&sb.style) {
                    self.report(
                        RuleId::PaginationStyleChanged,
                        format!("{subject}.pagination"),
                        format!(
                            "operation `{subject}` pages by {} (was {})",
                            style_words(&sb.style),
                            style_words(&sa.style)
                        ),
                        At::both(sa.span, sb.span),
                        &[],
                    );
                }
            }
            (None, None) => {}
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Types where they stand.
    // -----------------------------------------------------------------------------------------------------------

    fn ty(&mut self, dir: Dir, a: &Ty, b: &Ty, subject: &str, at: At) {
        match (a, b) {
            (Ty::List(x), Ty::List(y)) | (Ty::Map(x), Ty::Map(y)) => {
                self.ty(dir, x, y, subject, at)
            }
            (Ty::Named(x), Ty::Named(y)) => self.named(dir, *x, *y, subject, at),
            _ if a == b => {}
            _ if a.is_string() && b.is_string() => self.report(
                RuleId::FormatChanged,
                subject,
                format!(
                    "`{subject}` is documented as {} (was {})",
                    self.ty_words(self.new, b),
                    self.ty_words(self.old, a)
                ),
                at,
                &[],
            ),
            _ => {
                let rust_changed = rust_shape(a) != rust_shape(b);
                let rule = match (dir, widens(a, b), widens(b, a)) {
                    (Dir::Request, true, _) => RuleId::RequestTypeWidened,
                    (Dir::Request, _, true) => RuleId::RequestTypeNarrowed,
                    (Dir::Response, true, _) => RuleId::ResponseTypeWidened,
                    (Dir::Response, _, true) => RuleId::ResponseTypeNarrowed,
                    (Dir::Request, ..) => RuleId::RequestTypeChanged,
                    (Dir::Response, ..) => RuleId::ResponseTypeChanged,
                };
                let facts = if rust_changed {
                    vec![Fact::ClientRust, Fact::ServerRust]
                } else {
                    vec![]
                };
                self.report(
                    rule,
                    subject,
                    format!(
                        "the type of `{subject}` is now {} (was {})",
                        self.ty_words(self.new, b),
                        self.ty_words(self.old, a)
                    ),
                    at,
                    &facts,
                );
            }
        }
    }

    fn named(&mut self, dir: Dir, a: TypeId, b: TypeId, subject: &str, at: At) {
        let (ta, tb) = (self.old.ty(a), self.new.ty(b));
        if ta.rust_name != tb.rust_name {
            let model_a = self.model_of(self.old, a);
            let model_b = self.model_of(self.new, b);
            let same_model = self.same_model(model_a, model_b);
            let forms_differ =
                std::mem::discriminant(&ta.origin) != std::mem::discriminant(&tb.origin);
            let (rule, why) = if same_model && forms_differ {
                (RuleId::WriteAsChanged, "its request form changed")
            } else if same_model {
                (RuleId::TypeRenamed, "renamed")
            } else if self.old.evolution.inline.contains(&a)
                && self.new.evolution.inline.contains(&b)
            {
                (
                    RuleId::TypeRenamed,
                    "a type defined in place, named from where it stands",
                )
            } else {
                (RuleId::TypeReplaced, "another model")
            };
            let (rule_subject, at_types) = match rule {
                // One report per renamed model, wherever it stands.
                RuleId::TypeRenamed => (ta.wire_name.clone(), At::both(ta.span, tb.span)),
                _ => (subject.to_owned(), at),
            };
            self.report(
                rule,
                rule_subject,
                format!(
                    "`{subject}` is of type `{}` (was `{}`: {why})",
                    tb.rust_name, ta.rust_name
                ),
                at_types,
                &[],
            );
        }
        if matches!(
            (ta.origin, tb.origin),
            (ir::Origin::Model, ir::Origin::Model)
        ) {
            self.paired_models.insert((a, b));
        }
        if !self.compared.insert((a, b, dir)) {
            return;
        }
        match (&ta.kind, &tb.kind) {
            (TypeKind::Struct(sa), TypeKind::Struct(sb)) => self.structs(dir, a, b, sa, sb),
            (TypeKind::Enum(ea), TypeKind::Enum(eb)) => self.enums(dir, a, b, ea, eb),
            (TypeKind::Union(ua), TypeKind::Union(ub)) => self.unions(dir, a, b, ua, ub),
            _ => {
                let rule = match dir {
                    Dir::Request => RuleId::RequestTypeChanged,
                    Dir::Response => RuleId::ResponseTypeChanged,
                };
                self.report(
                    rule,
                    subject,
                    format!(
                        "`{subject}` is now {} `{}` (was {} `{}`)",
                        kind_words(&tb.kind),
                        tb.rust_name,
                        kind_words(&ta.kind),
                        ta.rust_name
                    ),
                    at,
                    &[Fact::ClientRust, Fact::ServerRust],
                );
            }
        }
    }

    /// The spec model a type comes from: itself, or the model of a create or PATCH body.
    fn model_of(&self, api: &Api, id: TypeId) -> Option<TypeId> {
        match api.ty(id).origin {
            ir::Origin::Model => Some(id),
            ir::Origin::Create { of } | ir::Origin::Patch { of } => Some(of),
            ir::Origin::Page { .. } => None,
        }
    }

    /// Whether old model `a` and new model `b` are one model: the same name, or `b` declared renamed from `a`.
    fn same_model(&self, a: Option<TypeId>, b: Option<TypeId>) -> bool {
        let (Some(a), Some(b)) = (a, b) else {
            return false;
        };
        let (na, nb) = (&self.old.ty(a).wire_name, &self.new.ty(b).wire_name);
        na == nb
            || self
                .new
                .evolution
                .renames
                .iter()
                .any(|r| r.kind == RenameKind::Model && r.from == *na && r.to == *nb)
    }

    fn structs(&mut self, dir: Dir, a: TypeId, b: TypeId, sa: &Struct, sb: &Struct) {
        let (ta, tb) = (self.old.ty(a), self.new.ty(b));
        let name = tb.wire_name.clone();
        let model_b = self
            .model_of(self.new, b)
            .map(|m| self.new.ty(m).wire_name.clone());
        if dir == Dir::Request && sa.reject_unknown_fields != sb.reject_unknown_fields {
            let (rule, what) = if sb.reject_unknown_fields {
                (RuleId::UnknownFieldsRejected, "now rejects")
            } else {
                (RuleId::UnknownFieldsIgnored, "now ignores")
            };
            self.report(
                rule,
                name.clone(),
                format!("`{name}` {what} unknown fields in requests"),
                At::both(ta.span, tb.span),
                &[],
            );
        }
        let mut matched_new = vec![false; sb.fields.len()];
        for fa in &sa.fields {
            let renamed_to = self.new.evolution.renames.iter().find(|r| {
                r.from == fa.wire_name
                    && matches!(&r.kind, RenameKind::Field { model } if Some(model) == model_b.as_ref())
            });
            let wanted = renamed_to.map_or(fa.wire_name.as_str(), |r| r.to.as_str());
            let found = sb
                .fields
                .iter()
                .enumerate()
                .find(|(i, f)| !matched_new[*i] && f.wire_name == wanted);
            match found {
                Some((i, fb)) => {
                    matched_new[i] = true;
                    self.field(dir, &name, sa, sb, fa, fb, b);
                }
                None => self.field_removed(dir, &name, sb, fa, b),
            }
        }
        for (i, fb) in sb.fields.iter().enumerate() {
            if matched_new[i] {
                continue;
            }
            self.field_added(dir, &name, sa, a, fb, b);
        }
    }

    /// The new model's field of that wire name in any role, to tell "removed" from "became read-only".
    fn new_model_field(&self, b: TypeId, wire: &str) -> Option<&Field> {
        let model = self.model_of(self.new, b)?;
        let s = self.new.struct_(model)?;
        s.fields
            .iter()
            .chain(&s.write_only_fields)
            .find(|f| f.wire_name == wire)
    }

    fn field_removed(&mut self, dir: Dir, name: &str, sb: &Struct, fa: &Field, b: TypeId) {
        let subject = format!("{name}.{}", fa.wire_name);
        let in_model = self.new_model_field(b, &fa.wire_name).map(|f| f.access);
        // On the new side: the field where the model still has it (read-only, write-only), else the struct.
        let at = At {
            old: Some(fa.span),
            new: Some(
                self.new_model_field(b, &fa.wire_name)
                    .map_or(self.new.ty(b).span, |f| f.span),
            ),
        };
        let mut facts = Vec::new();
        if !may_be_absent(fa) {
            facts.push(Fact::OldRequired);
        }
        let (rule, message) = match (dir, in_model) {
            (Dir::Response, Some(Access::WriteOnly)) => (
                RuleId::ResponseFieldBecameWriteOnly,
                format!("`{subject}` is now write-only: answers no longer hold it"),
            ),
            (Dir::Response, _) => (
                RuleId::ResponseFieldRemoved,
                format!("response field `{subject}` is removed"),
            ),
            (Dir::Request, Some(Access::ReadOnly)) => (
                RuleId::RequestFieldBecameReadOnly,
                format!("`{subject}` is now read-only: requests no longer take it"),
            ),
            (Dir::Request, _) => (
                RuleId::RequestFieldRemoved,
                format!("request field `{subject}` is removed"),
            ),
        };
        if dir == Dir::Request && sb.reject_unknown_fields {
            facts.push(Fact::NewStrict);
        }
        self.report_with(rule, subject, message, at, &facts, fa.deprecated.is_some());
    }

    fn field_added(&mut self, dir: Dir, name: &str, sa: &Struct, a: TypeId, fb: &Field, b: TypeId) {
        let subject = format!("{name}.{}", fb.wire_name);
        let mut facts = Vec::new();
        if !may_be_absent(fb) {
            facts.push(Fact::NewRequired);
        }
        // A struct rejects unknown fields only where the server decodes it: a struct a client decodes from answers
        // carries `deny_unknown_fields` only when it is a request struct too.
        if sa.reject_unknown_fields && (dir == Dir::Request || sa.request) {
            facts.push(Fact::OldStrict);
        }
        if dir == Dir::Request && self.new_literals.contains(&b) {
            facts.push(Fact::ClientLiteral);
        }
        let old_span = self.old.ty(a).span;
        let required = if may_be_absent(fb) { "" } else { "required " };
        let message = match dir {
            Dir::Response => format!("response field `{subject}` is added"),
            Dir::Request => format!("{required}request field `{subject}` is added"),
        };
        let rule = match dir {
            Dir::Response => RuleId::ResponseFieldAdded,
            Dir::Request => RuleId::RequestFieldAdded,
        };
        self.report(
            rule,
            subject,
            message,
            At {
                old: Some(old_span),
                new: Some(fb.span),
            },
            &facts,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        dir: Dir,
        name: &str,
        sa: &Struct,
        sb: &Struct,
        fa: &Field,
        fb: &Field,
        b: TypeId,
    ) {
        let subject = format!("{name}.{}", fb.wire_name);
        let at = At::both(fa.span, fb.span);
        let shape_changed = presence_shape(fa) != presence_shape(fb);
        if fa.wire_name != fb.wire_name {
            let mut facts = Vec::new();
            if !may_be_absent(fa) {
                facts.push(Fact::OldRequired);
            }
            if !may_be_absent(fb) {
                facts.push(Fact::NewRequired);
            }
            if sa.reject_unknown_fields {
                facts.push(Fact::OldStrict);
            }
            if sb.reject_unknown_fields {
                facts.push(Fact::NewStrict);
            }
            if fa.rust_name != fb.rust_name {
                facts.extend([Fact::ClientRust, Fact::ServerRust]);
            }
            self.report(
                RuleId::FieldRenamed,
                subject.clone(),
                format!(
                    "field `{name}.{}` is renamed `{}` on the wire{}",
                    fa.wire_name,
                    fb.wire_name,
                    if fa.rust_name == fb.rust_name {
                        " (its Rust name is kept)"
                    } else {
                        ""
                    }
                ),
                at,
                &facts,
            );
        } else if fa.rust_name != fb.rust_name {
            self.report(
                RuleId::RustNameChanged,
                subject.clone(),
                format!(
                    "the Rust name of `{subject}` `{}` is now `{}`",
                    fa.rust_name, fb.rust_name
                ),
                at,
                &[],
            );
        }
        let (absent_a, absent_b) = (may_be_absent(fa), may_be_absent(fb));
        let (null_a, null_b) = (fa.presence.nullable(), fb.presence.nullable());
        // Which side's Rust changes with the presence: whoever names the field's type. Server code reads request
        // fields and builds answers; client code reads answers, and fills a request body's fields with setters,
        // whose form changes only with nullability (`set_x` takes `Option` or `Nullable`, `x_null` exists or not),
        // except in structs it builds as literals.
        let mut facts = Vec::new();
        if shape_changed {
            facts.push(Fact::ServerRust);
        }
        let client_rust = match dir {
            Dir::Response => shape_changed,
            Dir::Request => (shape_changed && self.new_literals.contains(&b)) || null_a != null_b,
        };
        if client_rust {
            facts.push(Fact::ClientRust);
        }
        let presence_rules = match dir {
            // In answers a default is the client's (it fills in an absent field); the server's struct holds the
            // value, so only an optional field is ever left out.
            Dir::Response => [
                (
                    fb.presence.optional() && !absent_a,
                    RuleId::ResponseFieldBecameOptional,
                    "may now be absent from answers",
                ),
                (
                    fa.presence.optional() && !absent_b,
                    RuleId::ResponseFieldBecameRequired,
                    "is now always in answers",
                ),
                (
                    null_b && !null_a,
                    RuleId::ResponseFieldBecameNullable,
                    "may now be null in answers",
                ),
                (
                    null_a && !null_b,
                    RuleId::ResponseFieldBecameNonNullable,
                    "is never null in answers any more",
                ),
            ],
            Dir::Request => [
                (
                    absent_a && !absent_b,
                    RuleId::RequestFieldBecameRequired,
                    "must now be sent",
                ),
                (
                    absent_b && !absent_a,
                    RuleId::RequestFieldBecameOptional,
                    "may now be left out",
                ),
                (
                    null_b && !null_a,
                    RuleId::RequestFieldBecameNullable,
                    "now takes null",
                ),
                (
                    null_a && !null_b,
                    RuleId::RequestFieldBecameNonNullable,
                    "no longer takes null",
                ),
            ],
        };
        for (hit, rule, what) in presence_rules {
            if hit {
                // Null fails to decode only into a value that is not an `Option`.
                let mut facts = facts.clone();
                match rule {
                    RuleId::ResponseFieldBecameNullable if fa.presence == Presence::Required => {
                        facts.push(Fact::OldRequired)
                    }
                    RuleId::ResponseFieldBecameNonNullable if fb.presence == Presence::Required => {
                        facts.push(Fact::NewRequired)
                    }
                    _ => {}
                }
                self.report(
                    rule,
                    subject.clone(),
                    format!("`{subject}` {what}"),
                    at,
                    &facts,
                );
            }
        }
        if fa.default != fb.default {
            self.report(
                RuleId::DefaultChanged,
                subject.clone(),
                format!(
                    "the default of `{subject}` {} is now {}",
                    shown_json(&fa.default),
                    shown_json(&fb.default)
                ),
                at,
                &facts,
            );
        }
        if fa.deprecated.is_none() && fb.deprecated.is_some() {
            self.report(
                RuleId::FieldDeprecated,
                subject.clone(),
                format!("field `{subject}` is deprecated"),
                at,
                &[],
            );
        }
        self.ty(dir, &fa.ty, &fb.ty, &subject, at);
        self.constraints(dir, &fa.constraints, &fb.constraints, &subject, at);
    }

    fn constraints(&mut self, dir: Dir, a: &Constraints, b: &Constraints, subject: &str, at: At) {
        if a == b {
            return;
        }
        // Upper bounds tighten when they fall (or appear), lower bounds when they rise (or appear).
        let mut tightened = Vec::new();
        let mut loosened = Vec::new();
        let mut upper = |what: &str, x: Option<f64>, y: Option<f64>| match (x, y) {
            (None, Some(v)) => tightened.push(format!("{what} {v} added")),
            (Some(v), None) => loosened.push(format!("{what} {v} removed")),
            (Some(v), Some(w)) if w < v => tightened.push(format!("{what} {v} → {w}")),
            (Some(v), Some(w)) if w > v => loosened.push(format!("{what} {v} → {w}")),
            _ => {}
        };
        upper(
            "max_length",
            a.max_length.map(|v| v as f64),
            b.max_length.map(|v| v as f64),
        );
        upper("maximum", a.maximum, b.maximum);
        upper(
            "max_items",
            a.max_items.map(|v| v as f64),
            b.max_items.map(|v| v as f64),
        );
        let neg = |v: Option<f64>| v.map(|v| -v);
        let mut lower = |what: &str, x: Option<f64>, y: Option<f64>| {
            // A lower bound is an upper bound of the negated value.
            match (neg(x), neg(y)) {
                (None, Some(_)) => {
                    tightened.push(format!("{what} {} added", y.unwrap_or_default()))
                }
                (Some(_), None) => {
                    loosened.push(format!("{what} {} removed", x.unwrap_or_default()))
                }
                (Some(v), Some(w)) if w < v => tightened.push(format!("{what} {} → {}", -v, -w)),
                (Some(v), Some(w)) if w > v => loosened.push(format!("{what} {} → {}", -v, -w)),
                _ => {}
            }
        };
        lower(
            "min_length",
            a.min_length.map(|v| v as f64),
            b.min_length.map(|v| v as f64),
        );
        lower("minimum", a.minimum, b.minimum);
        lower(
            "min_items",
            a.min_items.map(|v| v as f64),
            b.min_items.map(|v| v as f64),
        );
        let (t_rule, l_rule) = match dir {
            Dir::Request => (
                RuleId::RequestConstraintTightened,
                RuleId::RequestConstraintLoosened,
            ),
            Dir::Response => (
                RuleId::ResponseConstraintTightened,
                RuleId::ResponseConstraintLoosened,
            ),
        };
        if !tightened.is_empty() {
            self.report(
                t_rule,
                subject,
                format!("`{subject}`: {}", tightened.join(", ")),
                at,
                &[],
            );
        }
        if !loosened.is_empty() {
            self.report(
                l_rule,
                subject,
                format!("`{subject}`: {}", loosened.join(", ")),
                at,
                &[],
            );
        }
        if a.pattern != b.pattern {
            // A side with a pattern may refuse what the other sends; which patterns contain which is
            // undecidable, so two different ones refuse each other.
            let mut facts = Vec::new();
            if b.pattern.is_some() {
                facts.push(Fact::NewRefusesOld);
            }
            if a.pattern.is_some() {
                facts.push(Fact::OldRefusesNew);
            }
            let rule = match dir {
                Dir::Request => RuleId::PatternChanged,
                Dir::Response => match b.pattern {
                    Some(_) => RuleId::ResponseConstraintTightened,
                    None => RuleId::ResponseConstraintLoosened,
                },
            };
            self.report(
                rule,
                format!("{subject}.pattern"),
                format!(
                    "the pattern of `{subject}` {} is now {}",
                    shown(&a.pattern),
                    shown(&b.pattern)
                ),
                at,
                &facts,
            );
        }
    }

    fn enums(&mut self, dir: Dir, a: TypeId, b: TypeId, ea: &ir::Enum, eb: &ir::Enum) {
        let (ta, tb) = (self.old.ty(a), self.new.ty(b));
        let name = tb.wire_name.clone();
        let at = At::both(ta.span, tb.span);
        if ea.kind != eb.kind {
            let rule = match dir {
                Dir::Request => RuleId::RequestTypeChanged,
                Dir::Response => RuleId::ResponseTypeChanged,
            };
            self.report(
                rule,
                name.clone(),
                format!(
                    "the values of enum `{name}` are now {:?}s (were {:?}s)",
                    eb.kind, ea.kind
                ),
                at,
                &[Fact::ClientRust, Fact::ServerRust],
            );
            return;
        }
        match (ea.open, eb.open) {
            (false, true) => self.report(
                RuleId::EnumOpened,
                name.clone(),
                format!("enum `{name}` is now open (unknown values become `Unknown`)"),
                at,
                &matcher(dir),
            ),
            (true, false) => self.report(
                RuleId::EnumClosed,
                name.clone(),
                format!("enum `{name}` is now closed (an unknown value fails to decode)"),
                at,
                &matcher(dir),
            ),
            _ => {}
        }
        let mut facts = Vec::new();
        if !ea.open {
            facts.push(Fact::OldClosed);
        }
        if !eb.open {
            facts.push(Fact::NewClosed);
        }
        for va in &ea.variants {
            match eb.variants.iter().find(|vb| vb.value == va.value) {
                Some(vb) => {
                    let vat = At::both(va.span, vb.span);
                    if va.rust_name != vb.rust_name {
                        self.report(
                            RuleId::RustNameChanged,
                            format!("{name}.{}", va.wire_name),
                            format!(
                                "the Rust name of `{name}` value {} `{}` is now `{}`",
                                literal_words(&va.value),
                                va.rust_name,
                                vb.rust_name
                            ),
                            vat,
                            &[],
                        );
                    }
                    if va.deprecated.is_none() && vb.deprecated.is_some() {
                        self.report(
                            RuleId::EnumValueDeprecated,
                            format!("{name}.{}", va.wire_name),
                            format!(
                                "value {} of enum `{name}` is deprecated",
                                literal_words(&va.value)
                            ),
                            vat,
                            &[],
                        );
                    }
                }
                None => {
                    let rule = match dir {
                        Dir::Request => RuleId::RequestEnumValueRemoved,
                        Dir::Response => RuleId::ResponseEnumValueRemoved,
                    };
                    self.report_with(
                        rule,
                        format!("{name}.{}", va.wire_name),
                        format!(
                            "value {} is removed from enum `{name}` ({})",
                            literal_words(&va.value),
                            dir_words(dir)
                        ),
                        At {
                            old: Some(va.span),
                            new: Some(tb.span),
                        },
                        &facts,
                        va.deprecated.is_some(),
                    );
                }
            }
        }
        for vb in &eb.variants {
            if ea.variants.iter().any(|va| va.value == vb.value) {
                continue;
            }
            let rule = match dir {
                Dir::Request => RuleId::RequestEnumValueAdded,
                Dir::Response => RuleId::ResponseEnumValueAdded,
            };
            self.report(
                rule,
                format!("{name}.{}", vb.wire_name),
                format!(
                    "value {} is added to {} enum `{name}` ({})",
                    literal_words(&vb.value),
                    if ea.open { "open" } else { "closed" },
                    dir_words(dir)
                ),
                At {
                    old: Some(ta.span),
                    new: Some(vb.span),
                },
                &facts,
            );
        }
    }

    fn unions(&mut self, dir: Dir, a: TypeId, b: TypeId, ua: &ir::Union, ub: &ir::Union) {
        let (ta, tb) = (self.old.ty(a), self.new.ty(b));
        let name = tb.wire_name.clone();
        let at = At::both(ta.span, tb.span);
        if ua.tag != ub.tag {
            self.report(
                RuleId::UnionTagChanged,
                name.clone(),
                format!(
                    "union `{name}` is {} (was {})",
                    tag_words(&ub.tag),
                    tag_words(&ua.tag)
                ),
                at,
                &[],
            );
            return;
        }
        match (ua.open, ub.open) {
            (false, true) => self.report(
                RuleId::UnionOpened,
                name.clone(),
                format!("union `{name}` is now open (unknown variants become `Unknown`)"),
                at,
                &matcher(dir),
            ),
            (true, false) => self.report(
                RuleId::UnionClosed,
                name.clone(),
                format!("union `{name}` is now closed"),
                at,
                &matcher(dir),
            ),
            _ => {}
        }
        let mut facts = Vec::new();
        if !ua.open {
            facts.push(Fact::OldClosed);
        }
        if !ub.open {
            facts.push(Fact::NewClosed);
        }
        // Tagged variants are known by their tag; untagged ones by their Rust name (their type's words).
        let key = |v: &ir::UnionVariant| v.tag.clone().unwrap_or_else(|| v.rust_name.clone());
        let mut order_a = Vec::new();
        let mut order_b = Vec::new();
        for va in &ua.variants {
            match ub.variants.iter().find(|vb| key(vb) == key(va)) {
                Some(vb) => {
                    order_a.push(key(va));
                    let sub = format!("{name}.{}", key(vb));
                    if va.rust_name != vb.rust_name {
                        self.report(
                            RuleId::RustNameChanged,
                            sub.clone(),
                            format!(
                                "the Rust name of variant `{}` of `{name}` is now `{}`",
                                va.rust_name, vb.rust_name
                            ),
                            At::both(va.span, vb.span),
                            &[],
                        );
                    }
                    self.ty(dir, &va.ty, &vb.ty, &sub, At::both(va.span, vb.span));
                }
                None => {
                    let rule = match dir {
                        Dir::Request => RuleId::RequestUnionVariantRemoved,
                        Dir::Response => RuleId::ResponseUnionVariantRemoved,
                    };
                    self.report(
                        rule,
                        format!("{name}.{}", key(va)),
                        format!(
                            "variant `{}` is removed from union `{name}` ({})",
                            key(va),
                            dir_words(dir)
                        ),
                        At {
                            old: Some(va.span),
                            new: Some(tb.span),
                        },
                        &facts,
                    );
                }
            }
        }
        for vb in &ub.variants {
            if ua.variants.iter().any(|va| key(va) == key(vb)) {
                order_b.push(key(vb));
                continue;
            }
            let rule = match dir {
                Dir::Request => RuleId::RequestUnionVariantAdded,
                Dir::Response => RuleId::ResponseUnionVariantAdded,
            };
            self.report(
                rule,
                format!("{name}.{}", key(vb)),
                format!(
                    "variant `{}` is added to {} union `{name}` ({})",
                    key(vb),
                    if ua.open { "open" } else { "closed" },
                    dir_words(dir)
                ),
                At {
                    old: Some(ta.span),
                    new: Some(vb.span),
                },
                &facts,
            );
        }
        if ua.tag.is_none() && order_a != order_b {
            self.report(
                RuleId::UnionOrderChanged,
                name.clone(),
                format!(
                    "the variants of untagged union `{name}` are tried in another order: {}",
                    order_b.join(", ")
                ),
                at,
                &[],
            );
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // The errors section, pagination styles and the models themselves.
    // -----------------------------------------------------------------------------------------------------------

    fn errors(&mut self) {
        let (o, n) = (&self.old.errors, &self.new.errors);
        let at = At::both(
            self.old.evolution.errors_span,
            self.new.evolution.errors_span,
        );
        let wire = |api: &Api, m: &ir::ErrorModel| api.ty(m.ty).wire_name.clone();
        for ma in &o.models {
            let na = wire(self.old, ma);
            match n.models.iter().find(|mb| wire(self.new, mb) == na) {
                Some(mb) => {
                    let (x, y) = (ma.ty, mb.ty);
                    let sub = format!("errors.models.{na}");
                    self.named(Dir::Response, x, y, &sub, at);
                }
                None => self.report(
                    RuleId::ErrorModelRemoved,
                    format!("errors.models.{na}"),
                    format!("error model `{na}` is removed: such bodies decode as `Raw`"),
                    at,
                    &[],
                ),
            }
        }
        for mb in &n.models {
            let nb = wire(self.new, mb);
            if !o.models.iter().any(|ma| wire(self.old, ma) == nb) {
                self.report(
                    RuleId::ErrorModelAdded,
                    format!("errors.models.{nb}"),
                    format!("error model `{nb}` is added (a new `ApiErrorBody` variant)"),
                    at,
                    &[],
                );
            }
        }
        for kind in ir::ErrorKind::ALL {
            let sub = format!("errors.{}", kind.as_str());
            match (o.answer(kind), n.answer(kind)) {
                (Some(a), Some(b)) => {
                    let mut what = Vec::new();
                    if a.status != b.status {
                        what.push(format!("status {} → {}", a.status, b.status));
                    }
                    if self.old.ty(a.model).wire_name != self.new.ty(b.model).wire_name {
                        what.push(format!(
                            "model `{}` → `{}`",
                            self.old.ty(a.model).wire_name,
                            self.new.ty(b.model).wire_name
                        ));
                    }
                    if a.body != b.body {
                        what.push(format!("body {} → {}", a.body, b.body));
                    }
                    if !what.is_empty() {
                        self.report(
                            RuleId::ErrorAnswerChanged,
                            sub,
                            format!(
                                "the `{}` answer changes: {}",
                                kind.as_str(),
                                what.join(", ")
                            ),
                            At::both(a.span, b.span),
                            &[],
                        );
                    }
                }
                (None, Some(b)) => self.report(
                    RuleId::ErrorAnswerAdded,
                    sub,
                    format!(
                        "the `{}` answer is declared (status {})",
                        kind.as_str(),
                        b.status
                    ),
                    At {
                        old: at.old,
                        new: Some(b.span),
                    },
                    &[],
                ),
                (Some(a), None) => self.report(
                    RuleId::ErrorAnswerRemoved,
                    sub,
                    format!(
                        "the `{}` answer is no longer declared (was status {})",
                        kind.as_str(),
                        a.status
                    ),
                    At {
                        old: Some(a.span),
                        new: at.new,
                    },
                    &[],
                ),
                (None, None) => {}
            }
        }
        if o.malformed_path != n.malformed_path {
            self.report(
                RuleId::MalformedPathChanged,
                "errors.malformed_path",
                format!(
                    "a malformed path parameter is answered with `{}` (was `{}`)",
                    n.malformed_path.as_str(),
                    o.malformed_path.as_str()
                ),
                at,
                &[],
            );
        }
    }

    fn pagination_styles(&mut self) {
        for a in &self.old.pagination {
            let Some(b) = self.new.pagination.iter().find(|b| b.name == a.name) else {
                continue;
            };
            let size = |s: &PageStyle| match s {
                PageStyle::LimitOffset { default_limit, .. }
                | PageStyle::Cursor { default_limit, .. }
                | PageStyle::Link { default_limit, .. } => *default_limit,
                PageStyle::PageNumber { page_size, .. } => *page_size,
            };
            // Where the next cursor comes from, and the flag saying another page follows: a client and a server
            // disagreeing on these page wrongly (a cursor the server cannot read, or a stop too early or never).
            if let (
                PageStyle::Cursor {
                    source: x,
                    has_more: hx,
                    ..
                },
                PageStyle::Cursor {
                    source: y,
                    has_more: hy,
                    ..
                },
            ) = (&a.style, &b.style)
            {
                if x != y || hx != hy {
                    let words = |s: &ir::CursorSource, h: &Option<String>| {
                        let from = match s {
                            ir::CursorSource::LastItem(f) => format!("the last item's `{f}`"),
                            ir::CursorSource::Envelope(f) => format!("the envelope's `{f}`"),
                        };
                        match h {
                            Some(h) => format!("{from}, more pages while `{h}`"),
                            None => format!("{from}, without a has_more flag"),
                        }
                    };
                    self.report(
                        RuleId::PageCursorChanged,
                        format!("pagination.{}", a.name),
                        format!(
                            "pagination style `{}` takes its cursor from {} (was {})",
                            a.name,
                            words(y, hy),
                            words(x, hx)
                        ),
                        At::both(a.span, b.span),
                        &[],
                    );
                }
            }
            // A clamped limit answers a larger one with fewer items than asked: only behaviour (a refused one is the
            // limit parameter's `maximum`, which the parameters' constraints compare).
            let clamp = |m: Option<ir::MaxLimit>| m.filter(|m| m.clamp).map(|m| m.value);
            let (x, y) = (clamp(a.max_limit), clamp(b.max_limit));
            if x != y {
                let words = |v: Option<i64>| {
                    v.map_or_else(
                        || "is not cut down".to_owned(),
                        |v| format!("gets {v} items"),
                    )
                };
                self.report(
                    RuleId::PageLimitClampChanged,
                    format!("pagination.{}", a.name),
                    format!(
                        "a limit above the largest page of pagination style `{}` {} (was: {})",
                        a.name,
                        words(y),
                        words(x)
                    ),
                    At::both(a.span, b.span),
                    &[],
                );
            }
            if std::mem::discriminant(&a.style) == std::mem::discriminant(&b.style)
                && size(&a.style) != size(&b.style)
            {
                let show = |v: Option<i64>| v.map_or_else(|| "unset".to_owned(), |v| v.to_string());
                self.report(
                    RuleId::PageSizeChanged,
                    format!("pagination.{}", a.name),
                    format!(
                        "the page size of pagination style `{}` {} is now {}",
                        a.name,
                        show(size(&a.style)),
                        show(size(&b.style))
                    ),
                    At::both(a.span, b.span),
                    &[],
                );
            }
        }
    }

    fn models(&mut self) {
        let is_model = |api: &Api, id: TypeId| {
            api.ty(id).origin == ir::Origin::Model && !api.evolution.inline.contains(&id)
        };
        let old_models: Vec<TypeId> = (0..self.old.types.len())
            .map(TypeId)
            .filter(|id| is_model(self.old, *id))
            .collect();
        let new_models: Vec<TypeId> = (0..self.new.types.len())
            .map(TypeId)
            .filter(|id| is_model(self.new, *id))
            .collect();
        let mut matched_new = HashSet::new();
        for &a in &old_models {
            let ta = self.old.ty(a);
            // The same model (by name, or declared renamed), or else a model that took its place somewhere and is
            // new: a model that one position swapped for another one both specs have is not a rename of it.
            let found = new_models
                .iter()
                .copied()
                .find(|&b| self.same_model(Some(a), Some(b)))
                .or_else(|| {
                    new_models.iter().copied().find(|&b| {
                        self.paired_models.contains(&(a, b))
                            && !matched_new.contains(&b)
                            && !old_models
                                .iter()
                                .any(|&o| self.same_model(Some(o), Some(b)))
                    })
                });
            match found {
                Some(b) => {
                    matched_new.insert(b);
                    let tb = self.new.ty(b);
                    if ta.rust_name != tb.rust_name {
                        self.report(
                            RuleId::TypeRenamed,
                            ta.wire_name.clone(),
                            format!("model `{}` is renamed `{}`", ta.wire_name, tb.wire_name),
                            At::both(ta.span, tb.span),
                            &[],
                        );
                    }
                    if let (TypeKind::Struct(sa), TypeKind::Struct(sb)) = (&ta.kind, &tb.kind) {
                        let bases = |api: &Api, s: &Struct| -> Vec<String> {
                            s.extends
                                .iter()
                                .map(|id| api.ty(*id).wire_name.clone())
                                .collect()
                        };
                        let (xa, xb) = (bases(self.old, sa), bases(self.new, sb));
                        if xa != xb {
                            self.report(
                                RuleId::ExtendsChanged,
                                tb.wire_name.clone(),
                                format!(
                                    "model `{}` extends [{}] (was [{}]); its fields are compared as flattened",
                                    tb.wire_name,
                                    xb.join(", "),
                                    xa.join(", ")
                                ),
                                At::both(ta.span, tb.span),
                                &[],
                            );
                        }
                    }
                }
                None => self.report(
                    RuleId::ModelRemoved,
                    ta.wire_name.clone(),
                    format!("model `{}` is removed", ta.wire_name),
                    At::old(ta.span),
                    &[],
                ),
            }
        }
        for &b in &new_models {
            if !matched_new.contains(&b) {
                let tb = self.new.ty(b);
                self.report(
                    RuleId::ModelAdded,
                    tb.wire_name.clone(),
                    format!("model `{}` is added", tb.wire_name),
                    At::new(tb.span),
                    &[],
                );
            }
        }
    }

    fn ty_words(&self, api: &Api, t: &Ty) -> String {
        match t {
            Ty::String => "string".into(),
            Ty::I64 => "integer".into(),
            Ty::F64 => "number".into(),
            Ty::Bool => "boolean".into(),
            Ty::Uuid => "uuid".into(),
            Ty::DateTime => "datetime".into(),
            Ty::Date => "date".into(),
            Ty::Uri => "uri".into(),
            Ty::Email => "email".into(),
            Ty::Json => "json".into(),
            Ty::List(i) => format!("list<{}>", self.ty_words(api, i)),
            Ty::Map(i) => format!("map<{}>", self.ty_words(api, i)),
            Ty::Named(id) => api.ty(*id).wire_name.clone(),
            Ty::Binary => "binary".into(),
        }
    }
}

/// The request types of `api` that client code builds as struct literals: everything a request holds below its
/// top level (a body struct itself is filled with setters), and the items of a body that is not a struct.
fn literal_types(api: &Api) -> HashSet<TypeId> {
    let mut out = HashSet::new();
    let mut todo: Vec<&Ty> = Vec::new();
    for (_, op) in api.operations() {
        let Some(body) = &op.body else { continue };
        match &body.ty {
            Ty::Named(id) => {
                if let Some(s) = api.struct_(*id) {
                    todo.extend(s.fields.iter().map(|f| &f.ty));
                } else {
                    todo.push(&body.ty);
                }
            }
            other => todo.push(other),
        }
    }
    while let Some(t) = todo.pop() {
        match t {
            Ty::Named(id) if out.insert(*id) => match &api.ty(*id).kind {
                TypeKind::Struct(s) => todo.extend(s.fields.iter().map(|f| &f.ty)),
                TypeKind::Union(u) => todo.extend(u.variants.iter().map(|v| &v.ty)),
                TypeKind::Enum(_) => {}
            },
            Ty::List(i) | Ty::Map(i) => todo.push(i),
            _ => {}
        }
    }
    out
}

/// True if a key holding exactly `held` is granted `scope` under `auth`'s wildcard and implication rules.
fn granted(scope: &str, held: &[String], auth: &ir::Auth) -> bool {
    held.iter().any(|h| {
        h == scope
            || auth.wildcard_scope.as_deref() == Some(h.as_str())
            || auth
                .implied_scopes
                .iter()
                .any(|(from, grants)| implies(from, grants, h, scope))
    })
}

/// Whether the rule `from` ⇒ `grants` (with `{name}` placeholders for one `:`-free segment) makes `held` grant
/// `wanted`: `held` matches `from` with some bindings, and `grants` with the same bindings is `wanted`.
fn implies(from: &str, grants: &str, held: &str, wanted: &str) -> bool {
    fn bind(template: &str, text: &str) -> Option<Vec<(String, String)>> {
        let (t, x): (Vec<&str>, Vec<&str>) =
            (template.split(':').collect(), text.split(':').collect());
        if t.len() != x.len() {
            return None;
        }
        let mut out = Vec::new();
        for (tp, xp) in t.iter().zip(&x) {
            if let Some(name) = tp.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                if xp.is_empty() {
                    return None;
                }
                out.push((name.to_owned(), (*xp).to_owned()));
            } else if tp != xp {
                return None;
            }
        }
        Some(out)
    }
    let Some(bound) = bind(from, held) else {
        return false;
    };
    let expanded: Vec<String> = grants
        .split(':')
        .map(|seg| {
            seg.strip_prefix('{')
                .and_then(|r| r.strip_suffix('}'))
                .and_then(|name| bound.iter().find(|(n, _)| n == name))
                .map_or_else(|| seg.to_owned(), |(_, v)| v.clone())
        })
        .collect();
    expanded.join(":") == wanted
}

/// A path with its parameter names blanked: the route the server matches.
fn route_key(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out.trim_end_matches('/').to_owned()
}

fn op_subject(r: &Resource, op: &Operation) -> String {
    format!("{}.{}", r.wire_name, op.wire_name)
}

/// A field may be left out: it is optional, or the server fills in its default.
fn may_be_absent(f: &Field) -> bool {
    f.presence.optional() || f.default.is_some()
}

/// The Rust form of a field's presence: `T`, `Option<T>` or `Nullable<T>`.
fn presence_shape(f: &Field) -> u8 {
    match f.presence {
        Presence::Required => 0,
        Presence::Nullable | Presence::Optional => 1,
        Presence::Tristate => 2,
    }
}

/// The Rust type family of a type, for telling a change of documented format from one of the Rust type.
/// The facts of a parameter that moves between path, query and headers: required on either side (a path
/// parameter always is), and whether the Rust that client code writes changes (its argument's position, setter or
/// argument, its name or type). A setter or argument keeps its name across the move, so the same call compiles
/// against either side when nothing else changes.
fn moved_facts(
    old: (&[ir::Param], &[ir::ClientArg], &ir::Param),
    new: (&[ir::Param], &[ir::ClientArg], &ir::Param),
) -> Vec<Fact> {
    let slot = |(params, args, p): (&[ir::Param], &[ir::ClientArg], &ir::Param)| {
        args.iter().position(
            |arg| matches!(arg.source, ir::ArgSource::Param(i) if std::ptr::eq(&params[i], p)),
        )
    };
    let (a, b) = (old.2, new.2);
    let mut facts = Vec::new();
    if a.required {
        facts.push(Fact::OldRequired);
    }
    if b.required {
        facts.push(Fact::NewRequired);
    }
    if slot(old) != slot(new)
        || a.rust_name != b.rust_name
        || rust_shape(&a.ty) != rust_shape(&b.ty)
    {
        facts.push(Fact::ClientRust);
    }
    facts
}

fn rust_shape(t: &Ty) -> String {
    match t {
        Ty::String | Ty::Uri | Ty::Email => "String".into(),
        Ty::List(i) => format!("Vec<{}>", rust_shape(i)),
        Ty::Map(i) => format!("Map<{}>", rust_shape(i)),
        other => format!("{other:?}"),
    }
}

/// Whether every value of `a` is a value of `b` on the wire.
fn widens(a: &Ty, b: &Ty) -> bool {
    match (a, b) {
        (_, Ty::Json) => true,
        (Ty::I64, Ty::F64) => true,
        (Ty::Uuid | Ty::DateTime | Ty::Date | Ty::Uri | Ty::Email, Ty::String) => true,
        // One file part is a list of one to a `list<binary>` field (multipart parts of one name).
        (Ty::Binary, Ty::List(y)) => **y == Ty::Binary,
        (Ty::List(x), Ty::List(y)) | (Ty::Map(x), Ty::Map(y)) => widens(x, y),
        _ => false,
    }
}

fn shown(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "(none)".to_owned(), |s| format!("`{s}`"))
}

fn shown_json(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .map_or_else(|| "(none)".to_owned(), |s| format!("`{s}`"))
}

fn sorted(v: &[String]) -> Vec<&String> {
    let mut out: Vec<&String> = v.iter().collect();
    out.sort();
    out
}

/// A scheme's kind and key, in words: `bearer`, `basic`, `an API key in the header X-Api-Key`.
fn scheme_words(s: &ir::Scheme) -> String {
    match (&s.kind, &s.key) {
        (ir::SchemeKind::Bearer, _) => "bearer".to_owned(),
        (ir::SchemeKind::Basic, _) => "basic".to_owned(),
        (ir::SchemeKind::ApiKey, Some((ir::KeyLocation::Header, name))) => {
            format!("an API key in the header `{name}`")
        }
        (ir::SchemeKind::ApiKey, Some((ir::KeyLocation::Query, name))) => {
            format!("an API key in the query parameter `{name}`")
        }
        (ir::SchemeKind::ApiKey, None) => "an API key".to_owned(),
    }
}

/// The names of the schemes `list` indexes, in its order.
fn scheme_list(auth: &ir::Auth, list: &[usize]) -> Vec<String> {
    list.iter()
        .filter_map(|i| auth.schemes.get(*i))
        .map(|s| s.name.clone())
        .collect()
}

/// Whether answers keyed `wide` include those keyed `code`: a range its code is in, or `default` (any code).
fn covers(wide: ir::StatusKey, code: ir::StatusKey) -> bool {
    match (wide, code) {
        (ir::StatusKey::Range(d), ir::StatusKey::Code(c)) => c / 100 == u16::from(d),
        (ir::StatusKey::Default, ir::StatusKey::Code(_) | ir::StatusKey::Range(_)) => true,
        _ => false,
    }
}

/// Whose code matches on a value travelling `dir` (an enum's or union's variants): the client's for answers, the
/// server's for requests.
fn matcher(dir: Dir) -> [Fact; 1] {
    match dir {
        Dir::Response => [Fact::ClientRust],
        Dir::Request => [Fact::ServerRust],
    }
}

fn is_list(t: &Ty) -> bool {
    matches!(t, Ty::List(_))
}

/// Whether a server reading query lists in `server` style gets the items of a list a client wrote in `client`
/// style (runtime `wire::ParamStyle`): comma and brackets servers also take repeated plain keys; nothing else
/// reads another style (a form server takes `a=1,2` as the one item `1,2`).
fn style_reads(server: ParamStyle, client: ParamStyle) -> bool {
    server == client
        || (client == ParamStyle::Form
            && matches!(server, ParamStyle::Comma | ParamStyle::Brackets))
}

fn style_example(style: ParamStyle) -> &'static str {
    match style {
        ParamStyle::Form => "`a=1&a=2` (form)",
        ParamStyle::Comma => "`a=1,2` (comma)",
        ParamStyle::Brackets => "`a[]=1&a[]=2` (brackets)",
        ParamStyle::DeepObject => "`a[0]=1&a[1]=2` (deep_object)",
    }
}

fn location_words(loc: ParamLocation) -> &'static str {
    match loc {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "headers",
    }
}

fn role_words(role: ResponseRole) -> &'static str {
    match role {
        ResponseRole::Success => "a success",
        ResponseRole::Outcome => "a value the client returns",
        ResponseRole::Error => "an error the client returns",
    }
}

fn style_words(style: &PageStyle) -> &'static str {
    match style {
        PageStyle::LimitOffset { .. } => "limit and offset",
        PageStyle::PageNumber { .. } => "page number",
        PageStyle::Cursor { .. } => "cursor",
        PageStyle::Link { .. } => "the Link header",
    }
}

fn kind_words(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "the struct",
        TypeKind::Enum(_) => "the enum",
        TypeKind::Union(_) => "the union",
    }
}

fn tag_words(tag: &Option<String>) -> String {
    tag.as_ref()
        .map_or_else(|| "untagged".to_owned(), |t| format!("tagged by `{t}`"))
}

fn dir_words(dir: Dir) -> &'static str {
    match dir {
        Dir::Request => "in requests",
        Dir::Response => "in responses",
    }
}

fn literal_words(v: &Literal) -> String {
    match v {
        Literal::Str(s) => format!("`{s}`"),
        other => format!("`{}`", other.text()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implication_rules_bind_segments() {
        assert!(implies(
            "{object}:write",
            "{object}:read",
            "plant:write",
            "plant:read"
        ));
        assert!(!implies(
            "{object}:write",
            "{object}:read",
            "plant:write",
            "plot:read"
        ));
        assert!(!implies(
            "{object}:write",
            "{object}:read",
            "plant:read",
            "plant:read"
        ));
    }

    #[test]
    fn routes_ignore_parameter_names_and_trailing_slashes() {
        assert_eq!(route_key("/a/{id}/b/"), route_key("/a/{key}/b"));
        assert_ne!(route_key("/a/{id}/b/"), route_key("/a/{id}/c/"));
    }

    #[test]
    fn widening_is_the_values_of_one_type_being_values_of_the_other() {
        assert!(widens(&Ty::I64, &Ty::F64));
        assert!(!widens(&Ty::F64, &Ty::I64));
        assert!(widens(
            &Ty::List(Box::new(Ty::Uuid)),
            &Ty::List(Box::new(Ty::String))
        ));
        assert!(widens(&Ty::Bool, &Ty::Json));
    }
}
