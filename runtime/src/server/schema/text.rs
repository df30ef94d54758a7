//! Text on the wire: scalars read from text, `application/x-www-form-urlencoded` pairs, bracket keys, and the
//! untyped tree that nested keys build (Rack's `parse_nested_query`, before the schema types it).

use super::MAX_KEY_DEPTH;
use percent_encoding::percent_decode;
use serde_json::Number;
use std::collections::HashMap;

/// An integer as Django REST framework's `IntegerField` reads text: surrounding whitespace and a fraction of zeros
/// (`5.0`, `5.`) are dropped; anything else that `i64` does not parse (`5.5`, `1e3`, too large) is not an integer.
pub(super) fn integer(text: &str) -> Option<i64> {
    let text = text.trim();
    let whole = match text.split_once('.') {
        Some((whole, zeros)) if zeros.bytes().all(|byte| byte == b'0') => whole,
        Some(_) => return None,
        None => text,
    };
    whole.parse().ok()
}

/// A number: an integer where the text is one (so `5` stays `5`), otherwise a finite float. `1e400`, `inf` and
/// `NaN` are not numbers JSON can hold.
pub(super) fn number(text: &str) -> Option<Number> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(Number::from(n));
    }
    text.parse::<f64>().ok().and_then(Number::from_f64)
}

/// A boolean as Django REST framework's `BooleanField` reads text.
pub(super) fn boolean(text: &str) -> Option<bool> {
    const TRUE: [&str; 14] = [
        "t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1",
    ];
    const FALSE: [&str; 14] = [
        "f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "0",
    ];
    if TRUE.contains(&text) {
        Some(true)
    } else if FALSE.contains(&text) {
        Some(false)
    } else {
        None
    }
}

/// The `key=value` pairs of a query string or form body: `+` is a space, percent sequences are decoded, and a
/// malformed one (`%zz`) is kept as sent. Keys are read lossily (a key that is not UTF-8 matches no declared name
/// anyway); values stay bytes, so that the schema can refuse one that is not UTF-8 instead of altering it.
pub(super) fn pairs(input: &[u8]) -> impl Iterator<Item = (String, Vec<u8>)> + '_ {
    input
        .split(|byte| *byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = match pair.iter().position(|byte| *byte == b'=') {
                Some(at) => pair.split_at(at),
                None => (pair, &b""[..]),
            };
            let value = value.strip_prefix(b"=").unwrap_or(value);
            (
                String::from_utf8_lossy(&decode(key)).into_owned(),
                decode(value),
            )
        })
}

fn decode(text: &[u8]) -> Vec<u8> {
    let spaced: Vec<u8> = text
        .iter()
        .map(|byte| if *byte == b'+' { b' ' } else { *byte })
        .collect();
    percent_decode(&spaced).collect()
}

/// One segment of a bracket key: `items[0][price]` is `Key(items)`, `Key(0)`, `Key(price)`; `[]` is `Append`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Segment {
    Key(String),
    Append,
}

/// A key with more than [`MAX_KEY_DEPTH`] segments.
#[derive(Debug)]
pub(super) struct TooDeep;

/// The segments of a key. A key that is not `name[a][b]…` exactly (`a[b`, `a]b`, `[a]`, `a[b]c`) is one plain
/// key, as written, so it can only ever be an unknown field.
pub(super) fn segments(key: &str) -> Result<Vec<Segment>, TooDeep> {
    let literal = || vec![Segment::Key(key.to_owned())];
    let Some((name, mut rest)) = key.split_once('[') else {
        return Ok(literal());
    };
    if name.is_empty() {
        return Ok(literal());
    }
    let mut segments = vec![Segment::Key(name.to_owned())];
    // `rest` is what follows an opening bracket: `a][b]` for `name[a][b]`.
    loop {
        let Some((inner, after)) = rest.split_once(']') else {
            return Ok(literal());
        };
        if inner.contains('[') {
            return Ok(literal());
        }
        segments.push(if inner.is_empty() {
            Segment::Append
        } else {
            Segment::Key(inner.to_owned())
        });
        if segments.len() > MAX_KEY_DEPTH {
            return Err(TooDeep);
        }
        if after.is_empty() {
            break;
        }
        let Some(next) = after.strip_prefix('[') else {
            return Ok(literal());
        };
        rest = next;
    }
    Ok(segments)
}

/// What nested keys build before the schema types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Node {
    /// Every value sent for a plain key, in order: a scalar takes the last one, a list takes them all.
    Text(Vec<Vec<u8>>),
    /// Values sent with `[]`.
    List(Vec<Node>),
    /// Values sent with `[key]`, including list indexes (`[0]`), which only the schema can tell from keys.
    Map(Tree),
}

/// The entries of a [`Node::Map`] in the order their keys first came, with an index so that many keys cost no
/// more than one look-up each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Tree {
    entries: Vec<(String, Node)>,
    index: HashMap<String, usize>,
}

impl Tree {
    pub(super) fn entries(&self) -> &[(String, Node)] {
        &self.entries
    }

    pub(super) fn get(&self, key: &str) -> Option<&Node> {
        let at = *self.index.get(key)?;
        self.entries.get(at).map(|(_, node)| node)
    }

    fn slot(&mut self, key: &str) -> &mut Node {
        let at = match self.index.get(key) {
            Some(at) => *at,
            None => {
                self.index.insert(key.to_owned(), self.entries.len());
                self.entries.push((key.to_owned(), Node::EMPTY));
                self.entries.len() - 1
            }
        };
        // Cannot fail: `at` is either an index recorded when its entry was pushed (entries are never removed) or
        // the index of the entry just pushed.
        &mut self.entries[at].1
    }
}

impl Node {
    /// A slot not yet given a value.
    pub(super) const EMPTY: Node = Node::Text(Vec::new());

    /// Puts `value` at the path `rest` below this node. A path that disagrees with what is already there (`a=1`
    /// then `a[b]=2`) replaces it: the later pair wins, as a repeated scalar's last value does.
    pub(super) fn put(&mut self, rest: &[Segment], value: Vec<u8>) {
        match rest.split_first() {
            None => match self {
                Node::Text(values) => values.push(value),
                other => *other = Node::Text(vec![value]),
            },
            Some((Segment::Key(key), rest)) => {
                if !matches!(self, Node::Map(_)) {
                    *self = Node::Map(Tree::default());
                }
                if let Node::Map(tree) = self {
                    tree.slot(key).put(rest, value);
                }
            }
            Some((Segment::Append, rest)) => {
                if !matches!(self, Node::List(_)) {
                    *self = Node::List(Vec::new());
                }
                if let Node::List(items) = self {
                    append(items, rest, value);
                }
            }
        }
    }

    /// Whether any value below is non-empty: a parameter whose values are all empty is absent.
    pub(super) fn has_text(&self) -> bool {
        match self {
            Node::Text(values) => values.iter().any(|value| !value.is_empty()),
            Node::List(items) => items.iter().any(Node::has_text),
            Node::Map(tree) => tree.entries.iter().any(|(_, node)| node.has_text()),
        }
    }
}

/// `items[]…`: Rails' rule, so that `items[][price]=p&items[][qty]=1&items[][price]=q` is two items. The rest of
/// the key goes into the last item unless that item already has it; then, or when the rest is empty or holds
/// another `[]`, a new item starts.
fn append(items: &mut Vec<Node>, rest: &[Segment], value: Vec<u8>) {
    let joins_last = matches!(rest.first(), Some(Segment::Key(_)))
        && matches!(items.last(), Some(last @ Node::Map(_)) if !last.has_path(rest));
    if !joins_last {
        items.push(Node::EMPTY);
    }
    if let Some(last) = items.last_mut() {
        last.put(rest, value);
    }
}

impl Node {
    /// Whether the keys of `path` already lead to a value. A path with `[]` never counts as present, as in Rails.
    fn has_path(&self, path: &[Segment]) -> bool {
        match path.split_first() {
            None => true,
            Some((Segment::Append, _)) => false,
            Some((Segment::Key(key), rest)) => match self {
                Node::Map(tree) => tree.get(key).is_some_and(|node| node.has_path(rest)),
                _ => false,
            },
        }
    }
}
