//! Which changes fail a run: those breaking a party named by `--fail-on` (default: old clients and client code),
//! less the accepted ones: listed in an allow file, or covered by a major version bump of `api.version`.
//!
//! An allow file has one accepted change per line, `RULE SUBJECT`, with `#` starting a comment:
//!
//! ```text
//! # Removed after a year of deprecation; every known caller moved to v2.
//! operation-removed todos.legacy_export
//! response-enum-value-added Status.*      # clients are regenerated with each release
//! ```
//!
//! `SUBJECT` is what the report names (`resource.operation`, `Model.field`, `api.auth`); a trailing `*` matches
//! any subject with that prefix, and `*` alone every subject of the rule.

use super::rules::{Party, RuleId};
use super::{Change, Severity};

/// One line of an allow file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    pub rule: RuleId,
    pub subject: String,
    pub line: usize,
}

/// Reads an allow file; an unknown rule id or a malformed line is an error naming the line.
pub fn parse_allow(text: &str, path: &str) -> Result<Vec<Allow>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(rule), Some(subject), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!(
                "{path}:{}: expected `RULE SUBJECT` (e.g. `operation-removed todos.delete`), found `{line}`",
                i + 1
            ));
        };
        let Some(id) = RuleId::ALL.iter().find(|r| r.rule().id == rule) else {
            let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.rule().id).collect();
            let hint = crate::diagnostic::did_you_mean(rule, ids.iter().copied())
                .map_or_else(String::new, |s| format!("; did you mean `{s}`?"));
            return Err(format!("{path}:{}: unknown rule `{rule}`{hint}", i + 1));
        };
        out.push(Allow {
            rule: *id,
            subject: subject.to_owned(),
            line: i + 1,
        });
    }
    Ok(out)
}

impl Allow {
    fn matches(&self, c: &Change) -> bool {
        self.rule == c.rule
            && match self.subject.strip_suffix('*') {
                Some(prefix) => c.subject.starts_with(prefix),
                None => self.subject == c.subject,
            }
    }
}

/// The semver part that signals a break: the major version, or the minor one while the major is 0 (as cargo
/// reads `0.x` versions). `None` for a version that is not `N.N...`.
fn breaking_part(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim_start_matches('v').split(['.', '-', '+']);
    let major: u64 = parts.next()?.parse().ok()?;
    let minor: u64 = parts.next()?.parse().ok()?;
    Some(if major == 0 { (0, minor) } else { (major, 0) })
}

/// Whether `new` is a breaking release after `old`: a new major version (a new minor one for `0.x`).
pub fn is_breaking_bump(old: &str, new: &str) -> bool {
    matches!((breaking_part(old), breaking_part(new)), (Some(a), Some(b)) if b > a)
}

/// Marks the accepted changes (allow file first, then the version bump) and returns the allow lines that matched
/// nothing, which the report mentions so stale entries get cleaned up.
pub fn accept(
    changes: &mut [Change],
    allow: &[Allow],
    allow_path: &str,
    versions: (&str, &str),
) -> Vec<Allow> {
    let mut used = vec![false; allow.len()];
    let bump = is_breaking_bump(versions.0, versions.1);
    for c in changes.iter_mut() {
        if let Some(i) = allow.iter().position(|a| a.matches(c)) {
            used[i] = true;
            c.accepted = Some(format!("{allow_path}:{}", allow[i].line));
        } else if bump && c.severity() != Severity::Info {
            c.accepted = Some(format!(
                "api.version {} → {} is a breaking release",
                versions.0, versions.1
            ));
        }
    }
    allow
        .iter()
        .zip(used)
        .filter(|(_, u)| !u)
        .map(|(a, _)| a.clone())
        .collect()
}

/// The changes that fail the run: not accepted, and breaking one of `fail_on`.
pub fn failing<'c>(changes: &'c [Change], fail_on: &[Party]) -> Vec<&'c Change> {
    changes
        .iter()
        .filter(|c| c.accepted.is_none() && !c.deprecated_first)
        .filter(|c| fail_on.iter().any(|p| c.breaks(*p)))
        .collect()
}

/// Parses `--fail-on`: party names (`old-clients`, `old_servers`, ...), `any` for all five, `none` for none.
pub fn parse_fail_on(text: &str) -> Result<Vec<Party>, String> {
    let mut out = Vec::new();
    for word in text.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let key = word.replace('-', "_");
        match key.as_str() {
            "any" | "all" => out.extend(Party::ALL),
            "none" => {}
            _ => match Party::ALL.into_iter().find(|p| p.key() == key) {
                Some(p) => out.push(p),
                None => {
                    return Err(format!(
                        "unknown party `{word}`: use old-clients, old-servers, client-code, server-code, behaviour, any or none"
                    ))
                }
            },
        }
    }
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_bumps_and_zero_minor_bumps_are_breaking_releases() {
        assert!(is_breaking_bump("1.4.2", "2.0.0"));
        assert!(is_breaking_bump("0.1.0", "0.2.0"));
        assert!(!is_breaking_bump("1.4.2", "1.5.0"));
        assert!(!is_breaking_bump("0.1.0", "0.1.7"));
        assert!(!is_breaking_bump("2.0.0", "1.0.0"));
        assert!(!is_breaking_bump("x", "2.0.0"));
    }

    #[test]
    fn allow_files_name_their_bad_lines() {
        let ok = parse_allow("# why\noperation-removed todos.delete # gone\n\n", "a.txt").unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].line, 2);
        let err = parse_allow("operation-remved x\n", "a.txt").unwrap_err();
        assert!(
            err.contains(
                "a.txt:1: unknown rule `operation-remved`; did you mean `operation-removed`?"
            ),
            "{err}"
        );
        assert!(parse_allow("operation-removed\n", "a.txt")
            .unwrap_err()
            .contains("a.txt:1:"));
    }

    #[test]
    fn fail_on_reads_party_names() {
        assert_eq!(
            parse_fail_on("old-clients,client_code").unwrap(),
            vec![Party::OldClients, Party::ClientCode]
        );
        assert_eq!(parse_fail_on("any").unwrap().len(), 5);
        assert!(parse_fail_on("none").unwrap().is_empty());
        assert!(parse_fail_on("clients").is_err());
    }
}
