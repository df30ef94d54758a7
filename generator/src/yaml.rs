//! YAML text → a tree of [`Node`]s that remember where they were written.
//!
//! serde_yaml is what reads YAML for most Rust programs, but it forgets positions, and every diagnostic here must
//! point at a line and column. So the spec is read with yaml-rust2's event parser into a small tree of our own:
//! scalars, sequences and mappings, each with its [`Span`]. Building the tree is iterative (an explicit stack), so a
//! document nested tens of thousands of levels deep gives a diagnostic instead of a stack overflow; aliases are
//! expanded with a budget, so an alias bomb ("billion laughs") is refused instead of eating the memory; and
//! duplicate mapping keys are reported, where most YAML libraries silently keep the last one.

use crate::diagnostic::{normalize_line_breaks, Diagnostic, Span};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// How deep mappings and sequences may nest. Real specs stay under 20 levels.
pub const MAX_DEPTH: usize = 128;
/// How many nodes a document may expand to, aliases included.
pub const MAX_NODES: usize = 1_000_000;

/// One YAML value with the position it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

/// The three shapes of YAML values.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar as written; `quoted` is true for single- or double-quoted and block scalars, which are always
    /// strings (`"true"` is a string, `true` a boolean).
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Node>),
    /// Entries in the order they were written (keys are unique: duplicates are diagnosed and dropped).
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for the plain scalars YAML reads as null (`null`, `~`, or nothing at all).
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// What kind of value this is, for messages ("expected a mapping, found a sequence").
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { .. } if self.is_null() => "null",
            NodeKind::Scalar { .. } => "a scalar",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }

    /// Converts the node to JSON with YAML 1.2 core-schema scalar rules (used for example bodies and error bodies).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Scalar { text, quoted: true } => Value::String(text.clone()),
            NodeKind::Scalar {
                text,
                quoted: false,
            } => {
                if self.is_null() {
                    Value::Null
                } else if let Some(b) = parse_bool(text) {
                    Value::Bool(b)
                } else if let Ok(i) = text.parse::<i64>() {
                    Value::from(i)
                } else if let Some(n) = text
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite() && looks_numeric(text))
                {
                    serde_json::Number::from_f64(n)
                        .map(Value::Number)
                        .unwrap_or(Value::Null)
                } else {
                    Value::String(text.clone())
                }
            }
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_owned(), v.to_json()))
                    .collect(),
            ),
        }
    }

    fn count(&self) -> usize {
        match &self.kind {
            NodeKind::Scalar { .. } => 1,
            NodeKind::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            NodeKind::Map(entries) => {
                1 + entries
                    .iter()
                    .map(|(k, v)| k.count() + v.count())
                    .sum::<usize>()
            }
        }
    }
}

/// YAML 1.2 core-schema booleans.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

// `inf`, `nan` and the like parse as f64 but are not numbers in a spec.
fn looks_numeric(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
}

/// Maps the parser's character positions to byte offsets of the source, for [`Span`]s.
struct Positions<'a> {
    source: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    fn new(source: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        Positions {
            source,
            line_starts,
        }
    }

    /// `mark` has a 1-based line and a 0-based column counted in characters.
    fn span(&self, mark: &Marker, len_chars: usize) -> Span {
        let line = mark.line().max(1);
        let line_start = self
            .line_starts
            .get(line - 1)
            .copied()
            .unwrap_or(self.source.len());
        let line_text = &self.source[line_start..];
        let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
        let byte_of = |chars: usize| {
            line_text
                .char_indices()
                .nth(chars)
                .map_or(line_text.len(), |(i, _)| i)
        };
        let start = byte_of(mark.col());
        let end = byte_of(mark.col() + len_chars).max(start);
        Span {
            offset: line_start + start,
            len: end - start,
            line,
            col: mark.col() + 1,
        }
    }
}

enum Open {
    Seq {
        items: Vec<Node>,
        span: Span,
        anchor: usize,
    },
    Map {
        entries: Vec<(Node, Node)>,
        /// Key text → index in `entries`, so duplicate detection stays linear in big mappings.
        seen: std::collections::HashMap<String, usize>,
        pending_key: Option<Node>,
        span: Span,
        anchor: usize,
    },
}

/// Parses one YAML document. Errors are diagnostics pointing into `source`.
pub fn parse(source: &str) -> Result<Node, Vec<Diagnostic>> {
    // YAML reads a lone `\r` as a line break; spans count lines by `\n`. Turning lone CRs into LFs (same length, same
    // meaning) keeps the two in step.
    let normalized = normalize_line_breaks(source);
    let source = normalized.as_str();
    let positions = Positions::new(source);
    let mut parser = Parser::new_from_str(source);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<(usize, Node, usize)> = Vec::new();
    let mut nodes = 0usize;
    let mut diagnostics = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;

    loop {
        let (event, mark) = match parser.next_token() {
            Ok(pair) => pair,
            Err(e) => {
                let span = positions.span(e.marker(), 1);
                if e.info().contains("recursion limit") {
                    // yaml-rust2's scanner has its own nesting limit, which flow collections (`[[[...`) reach first.
                    return Err(vec![Diagnostic::error(span, format!("the YAML nests deeper than {MAX_DEPTH} levels"))
                        .with_hint("a spec never needs this depth; look for a runaway indentation or generated input")]);
                }
                let mut d = Diagnostic::error(span, format!("YAML syntax error: {}", e.info()));
                // The parser cannot go on past a syntax error (what follows could mean anything), so this is the
                // one problem such a run reports; the hint says so, lest "1 problem found" read as the whole story.
                d = d.with_hint(format!(
                    "{}; a syntax error stops the reading, so the rest of the spec is checked once it is fixed",
                    syntax_hint(e.info(), source, span)
                ));
                return Err(vec![d]);
            }
        };
        let finished: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(vec![Diagnostic::error(
                        positions.span(&mark, 3),
                        "a spec is one YAML document, but this file holds several",
                    )
                    .with_hint(
                        "remove the `---` separator and everything after it, or split the file",
                    )]);
                }
                continue;
            }
            Event::Scalar(text, style, anchor, _tag) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let len = if quoted {
                    text.chars().count() + 2
                } else {
                    text.chars().count()
                };
                let span = positions.span(&mark, len.max(1));
                Some((
                    Node {
                        kind: NodeKind::Scalar { text, quoted },
                        span,
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(vec![Diagnostic::error(positions.span(&mark, 1), format!("the YAML nests deeper than {MAX_DEPTH} levels"))
                        .with_hint("a spec never needs this depth; look for a runaway indentation or generated input")]);
                }
                let span = positions.span(&mark, 1);
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq {
                        items: Vec::new(),
                        span,
                        anchor,
                    }
                } else {
                    Open::Map {
                        entries: Vec::new(),
                        seen: std::collections::HashMap::new(),
                        pending_key: None,
                        span,
                        anchor,
                    }
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq {
                    items,
                    span,
                    anchor,
                }) => Some((
                    Node {
                        kind: NodeKind::Seq(items),
                        span,
                    },
                    anchor,
                )),
                _ => unreachable!("yaml-rust2 balances sequence events"),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map {
                    entries,
                    span,
                    anchor,
                    ..
                }) => {
                    // yaml-rust2 marks a block mapping where its first value starts; its first key is where a reader
                    // sees it begin.
                    let span = entries
                        .first()
                        .map_or(span, |(k, _)| Span { len: 1, ..k.span });
                    Some((
                        Node {
                            kind: NodeKind::Map(entries),
                            span,
                        },
                        anchor,
                    ))
                }
                _ => unreachable!("yaml-rust2 balances mapping events"),
            },
            Event::Alias(id) => {
                let span = positions.span(&mark, 1);
                match anchors.iter().rev().find(|(a, _, _)| *a == id) {
                    Some((_, node, size)) => {
                        nodes += size;
                        if nodes > MAX_NODES {
                            return Err(vec![Diagnostic::error(span, format!("aliases expand this document past {MAX_NODES} values"))
                                .with_hint("this looks like an alias bomb; write the repeated part out, or use fewer nested aliases")]);
                        }
                        let mut copy = node.clone();
                        copy.span = span;
                        Some((copy, 0))
                    }
                    None => {
                        return Err(vec![Diagnostic::error(
                            span,
                            "this alias names no anchor defined before it",
                        )
                        .with_hint("define the anchor (`&name`) before using it (`*name`)")])
                    }
                }
            }
        };
        let Some((node, anchor)) = finished else {
            continue;
        };
        nodes += 1;
        if nodes > MAX_NODES {
            return Err(vec![Diagnostic::error(
                node.span,
                format!("the document holds more than {MAX_NODES} values"),
            )
            .with_hint("split the spec or remove generated bulk")]);
        }
        if anchor != 0 {
            let size = node.count();
            anchors.push((anchor, node.clone(), size));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                seen,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => *pending_key = Some(node),
                Some(key) => {
                    if !matches!(key.kind, NodeKind::Scalar { .. }) {
                        diagnostics.push(
                            Diagnostic::error(
                                key.span,
                                format!(
                                    "a mapping key must be a scalar, found {}",
                                    key.kind_name()
                                ),
                            )
                            .with_hint("write keys as plain words, e.g. `name:`"),
                        );
                    } else if let Some((first, _)) = seen
                        .get(key.as_str().unwrap_or_default())
                        .map(|&i| &entries[i])
                    {
                        diagnostics.push(
                            Diagnostic::error(
                                key.span,
                                format!("duplicate key `{}`", key.as_str().unwrap_or_default()),
                            )
                            .with_hint(format!(
                                "it was first written at line {}; remove one of the two",
                                first.span.line
                            )),
                        );
                    } else {
                        seen.insert(key.as_str().unwrap_or_default().to_owned(), entries.len());
                        entries.push((key, node));
                    }
                }
            },
        }
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Ok(root.unwrap_or(Node {
        kind: NodeKind::Scalar {
            text: String::new(),
            quoted: false,
        },
        span: Span {
            offset: 0,
            len: 0,
            line: 1,
            col: 1,
        },
    }))
}

fn syntax_hint(info: &str, source: &str, span: Span) -> String {
    let line = source
        .lines()
        .nth(span.line.saturating_sub(1))
        .unwrap_or_default();
    if line.contains('\t') || info.contains("tab") {
        "YAML does not allow tabs for indentation; indent with spaces".to_owned()
    } else if info.contains("mapping values") {
        "a value containing `: ` must be quoted, e.g. `summary: \"a: b\"`".to_owned()
    } else if info.contains("did not find expected key") || info.contains("block") {
        "check the indentation: entries of one mapping must start in the same column".to_owned()
    } else {
        "fix the YAML syntax at this position".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> serde_json::Value {
        parse(src).expect("valid YAML").to_json()
    }

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = kinds("a: 1\nb: true\nc: ~\nd: \"true\"\ne: 1.5\nf: inf\ng: text\n");
        assert_eq!(
            v,
            serde_json::json!({"a": 1, "b": true, "c": null, "d": "true", "e": 1.5, "f": "inf", "g": "text"})
        );
    }

    #[test]
    fn spans_point_at_line_and_column() {
        let node = parse("top:\n  key: välue\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!("mapping")
        };
        let NodeKind::Map(inner) = &entries[0].1.kind else {
            panic!("mapping")
        };
        let (k, v) = &inner[0];
        assert_eq!((k.span.line, k.span.col), (2, 3));
        assert_eq!((v.span.line, v.span.col), (2, 8));
        assert_eq!(
            &"top:\n  key: välue\n"[v.span.offset..v.span.offset + v.span.len],
            "välue"
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let errs = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("duplicate key `a`"));
        assert_eq!(errs[0].span.line, 3);
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let src = "[".repeat(50_000) + &"]".repeat(50_000);
        let errs = parse(&src).unwrap_err();
        assert!(errs[0].message.contains("nests deeper"), "{errs:?}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in "bcdefghij".chars() {
            src.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let errs = parse(&src).unwrap_err();
        assert!(errs[0].message.contains("aliases expand"), "{errs:?}");
    }

    #[test]
    fn tabs_get_a_hint() {
        let errs = parse("a:\n\tb: 1\n").unwrap_err();
        assert!(
            errs[0].hint.as_deref().unwrap_or_default().contains("tabs"),
            "{errs:?}"
        );
    }

    #[test]
    fn empty_input_is_null() {
        assert!(parse("").unwrap().is_null());
    }
}
