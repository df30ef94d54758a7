//! Text inputs turned into typed JSON by the schema, then checked: parameters ([`Schema::params`]) and form bodies
//! ([`Schema::form`]).
//!
//! Conversion only types what parses (`"5"` becomes `5` where an integer is declared) and leaves everything else as
//! text, or as the object or list it was sent as; the check that follows then reports a wrong value with the same
//! message a JSON body gets. The few problems found here are those the JSON cannot show afterwards: text that is
//! not UTF-8, a parameter declared as JSON that does not parse, keys nested too deeply, and untagged unions, whose
//! variants each type the text their own way.

use super::text::{self, Node, Segment, Tree};
use super::walk::{self, Cx, Fail, Walker};
use super::{
    Enum, Field, Invalid, Literal, Location, Param, Rules, Schema, Struct, Style, Type, TypeDef,
    Union, MAX_KEY_DEPTH,
};
use axum::http::HeaderMap;
use serde_json::{Map, Value};

/// Where the text came from, which decides what an empty value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A parameter: an empty value is no value (`?page=` is no page), at every level.
    Params,
    /// A form body: an empty value follows Django REST framework's form rules (see [`Converter::field`]).
    Form,
}

/// One conversion: the walker (whose step budget and dry-run checks the untagged unions use) and the source.
struct Converter<'w, 's> {
    walker: &'w mut Walker<'s>,
    source: Source,
}

impl Converter<'_, '_> {
    /// The JSON for `node` typed by `ty`; `None` where nothing was sent (only parameters' empty values).
    fn node(
        &mut self,
        node: &Node,
        ty: &Type,
        rules: &Rules,
        cx: Cx,
    ) -> Result<Option<Value>, Fail> {
        self.walker.step()?;
        match ty {
            Type::List(item) => self.list(node, item, cx),
            Type::Map(item) => match node {
                Node::Map(tree) => self.map(tree, item, cx).map(Some),
                other => self.loose(other, cx),
            },
            Type::Json => self.json(node, cx),
            Type::Named(index) => {
                let cx = cx.hop()?;
                match self.walker.named(*index)? {
                    TypeDef::Struct(shape) => match node {
                        Node::Map(tree) => self.object(tree, shape, cx).map(Some),
                        other => self.loose(other, cx),
                    },
                    TypeDef::Enum(choices) => self.scalar(node, ty, Some(choices), cx),
                    TypeDef::Union(union) => self.union(node, union, rules, cx),
                }
            }
            scalar => self.scalar(node, scalar, None, cx),
        }
    }

    /// The last value sent, typed where it parses and kept as text where it does not (the check then refuses it
    /// with the type's message).
    fn scalar(
        &mut self,
        node: &Node,
        ty: &Type,
        choices: Option<&Enum>,
        cx: Cx,
    ) -> Result<Option<Value>, Fail> {
        let Node::Text(values) = node else {
            return self.loose(node, cx);
        };
        let Some(last) = values.last() else {
            return Ok(None);
        };
        if self.source == Source::Params && last.is_empty() {
            return Ok(None);
        }
        let Ok(text) = std::str::from_utf8(last) else {
            let lossy = Value::String(String::from_utf8_lossy(last).into_owned());
            return Err(match choices {
                Some(_) => walk::invalid_choice(&lossy),
                None => walk::type_error(ty, &lossy),
            });
        };
        let typed = match (ty, choices) {
            (_, Some(choices)) => literal(text, choices),
            (Type::Integer, _) => text::integer(text).map(Value::from),
            (Type::Number, _) => text::number(text).map(Value::Number),
            (Type::Boolean, _) => text::boolean(text).map(Value::Bool),
            _ => None,
        };
        Ok(Some(
            typed.unwrap_or_else(|| Value::String(text.to_owned())),
        ))
    }

    fn list(&mut self, node: &Node, item: &Type, cx: Cx) -> Result<Option<Value>, Fail> {
        let child = cx.descend()?;
        let nodes: Vec<Node>;
        let items: Vec<&Node> = match node {
            Node::Text(values) => {
                // Repeated plain keys: each value is an item.
                nodes = values
                    .iter()
                    .map(|value| Node::Text(vec![value.clone()]))
                    .collect();
                nodes.iter().collect()
            }
            Node::List(items) => items.iter().collect(),
            Node::Map(tree) => match indexed(tree) {
                Some(items) => items,
                None => return self.loose(node, cx),
            },
        };
        let mut out = Vec::with_capacity(items.len());
        for element in items {
            let at = out.len();
            if let Some(value) = self
                .node(element, item, &Rules::NONE, child)
                .map_err(|fail| fail.within(at.to_string()))?
            {
                out.push(value);
            }
        }
        Ok(Some(Value::Array(out)))
    }

    fn map(&mut self, tree: &Tree, item: &Type, cx: Cx) -> Result<Value, Fail> {
        let child = cx.descend()?;
        let mut out = Map::new();
        for (key, element) in tree.entries() {
            if let Some(value) = self
                .node(element, item, &Rules::NONE, child)
                .map_err(|fail| fail.within(key.as_str()))?
            {
                out.insert(key.clone(), value);
            }
        }
        Ok(Value::Object(out))
    }

    fn object(&mut self, tree: &Tree, shape: &Struct, cx: Cx) -> Result<Value, Fail> {
        let child = cx.descend()?;
        let mut out = Map::new();
        for (key, element) in tree.entries() {
            let value = match shape.fields.iter().find(|field| field.name == key.as_str()) {
                Some(field) => self
                    .field(element, field, child)
                    .map_err(|fail| fail.within(key.as_str()))?,
                // Kept only to be reported by the check; a field that is ignored anyway is dropped here.
                None if shape.reject_unknown => {
                    Some(self.loose(element, child)?.unwrap_or(Value::Null))
                }
                None => None,
            };
            if let Some(value) = value {
                out.insert(key.clone(), value);
            }
        }
        Ok(Value::Object(out))
    }

    /// A field's value. In a form, an empty value is read as Django REST framework reads form input: `null` for a
    /// nullable field (Stripe's way to unset one), absent for an optional field, and otherwise the empty text,
    /// which only a string accepts. Strings keep it even when optional, since the empty string is a string.
    fn field(&mut self, node: &Node, field: &Field, cx: Cx) -> Result<Option<Value>, Fail> {
        let empty = matches!(node, Node::Text(values) if values.last().is_some_and(Vec::is_empty));
        if self.source == Source::Form && empty {
            if field.nullable {
                return Ok(Some(Value::Null));
            }
            if !field.required && field.ty != Type::String {
                return Ok(None);
            }
        }
        self.node(node, &field.ty, &field.rules, cx)
    }

    fn union(
        &mut self,
        node: &Node,
        union: &Union,
        rules: &Rules,
        cx: Cx,
    ) -> Result<Option<Value>, Fail> {
        let Some(tag) = union.tag else {
            return self.untagged(node, union, rules, cx);
        };
        let chosen = match node {
            Node::Map(tree) => match tree.get(tag) {
                Some(Node::Text(values)) => values
                    .last()
                    .and_then(|value| std::str::from_utf8(value).ok())
                    .and_then(|name| {
                        union
                            .variants
                            .iter()
                            .find(|variant| variant.tag == Some(name))
                    }),
                _ => None,
            },
            _ => None,
        };
        match chosen {
            Some(variant) => self.node(node, &variant.ty, rules, cx),
            // Without a known tag nothing can be typed; the check reports the missing or unknown tag.
            None => self.loose(node, cx),
        }
    }

    /// Each variant types the text its own way (`5` is an integer for one, a string for another), so each is
    /// converted and checked (dry) in turn, and the first that passes wins.
    fn untagged(
        &mut self,
        node: &Node,
        union: &Union,
        rules: &Rules,
        cx: Cx,
    ) -> Result<Option<Value>, Fail> {
        let mut reasons = Vec::new();
        for variant in union.variants {
            let failed = match self.node(node, &variant.ty, rules, cx) {
                Ok(None) => return Ok(None),
                Ok(Some(mut value)) => {
                    match self.walker.value(&mut value, &variant.ty, rules, cx.dry()) {
                        Ok(()) => return Ok(Some(value)),
                        Err(fail) => fail,
                    }
                }
                Err(fail) => fail,
            };
            if failed.is_fatal() {
                return Err(failed);
            }
            reasons.push(failed.reason(variant.name));
        }
        Err(walk::none_matched(&reasons))
    }

    /// A value declared as JSON: a parameter's own text is JSON (`?filter={"a":1}`); in a form or a deep object,
    /// it is what the keys built (`filter[a]=1` is `{"a": "1"}`), with text leaves, since nothing says which
    /// leaves are JSON text and which are plain text.
    fn json(&mut self, node: &Node, cx: Cx) -> Result<Option<Value>, Fail> {
        match node {
            Node::Text(values) => {
                let Some(last) = values.last() else {
                    return Ok(None);
                };
                if self.source == Source::Params && last.is_empty() {
                    return Ok(None);
                }
                let text = std::str::from_utf8(last)
                    .map_err(|_| walk::type_error(&Type::String, &Value::Null))?;
                match self.source {
                    Source::Params if cx.is_top() => serde_json::from_str(text)
                        .map(Some)
                        .map_err(|_| walk::type_error(&Type::Json, &Value::Null)),
                    _ => Ok(Some(Value::String(text.to_owned()))),
                }
            }
            Node::List(_) => self.list(node, &Type::Json, cx),
            Node::Map(tree) => self.map(tree, &Type::Json, cx).map(Some),
        }
    }

    /// The JSON a node is without a type, for values whose shape does not fit their type (so the check reports
    /// it: `"Expected a list of items but got type "dict"."`) and unknown fields. Text is read lossily, since
    /// it is only ever reported, never kept.
    fn loose(&mut self, node: &Node, cx: Cx) -> Result<Option<Value>, Fail> {
        self.walker.step()?;
        let value = match node {
            Node::Text(values) => {
                let Some(last) = values.last() else {
                    return Ok(None);
                };
                if self.source == Source::Params && last.is_empty() {
                    return Ok(None);
                }
                Value::String(String::from_utf8_lossy(last).into_owned())
            }
            Node::List(items) => {
                let child = cx.descend()?;
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.extend(self.loose(item, child)?);
                }
                Value::Array(out)
            }
            Node::Map(tree) => {
                let child = cx.descend()?;
                let mut out = Map::new();
                for (key, item) in tree.entries() {
                    if let Some(value) = self.loose(item, child)? {
                        out.insert(key.clone(), value);
                    }
                }
                Value::Object(out)
            }
        };
        Ok(Some(value))
    }
}

/// The enum value the text stands for, compared as each literal's type reads text (so `?level=1` and
/// `?level=1.0` match `Int(1)`, `?flag=True` matches `Bool(true)`); the first match in declaration order wins.
fn literal(text: &str, choices: &Enum) -> Option<Value> {
    choices.values.iter().find_map(|literal| match literal {
        Literal::Str(value) => (*value == text).then(|| Value::String(text.to_owned())),
        Literal::Int(value) => (text::integer(text) == Some(*value)).then(|| Value::from(*value)),
        Literal::Bool(value) => {
            (text::boolean(text) == Some(*value)).then_some(Value::Bool(*value))
        }
    })
}

/// The items of `items[0]=a&items[1]=b`, ordered by index with gaps closed; `None` when a key is not an index, so
/// that the check reports an object where a list was expected.
fn indexed(tree: &Tree) -> Option<Vec<&Node>> {
    let mut items = tree
        .entries()
        .iter()
        .map(|(key, node)| {
            let digits = !key.is_empty() && key.bytes().all(|byte| byte.is_ascii_digit());
            digits
                .then(|| key.parse::<u64>().ok())
                .flatten()
                .map(|index| (index, node))
        })
        .collect::<Option<Vec<_>>>()?;
    items.sort_by_key(|(index, _)| *index);
    Some(items.into_iter().map(|(_, node)| node).collect())
}

/// A key with too many brackets, reported at its first segment (the parameter or top-level field it is for).
fn too_deep() -> Fail {
    Fail::new(
        "invalid",
        format!("Keys may be nested at most {MAX_KEY_DEPTH} levels deep."),
    )
}

/// See [`Schema::params`].
pub(super) fn params(
    schema: &Schema,
    params: &[Param],
    path: &[(&str, &str)],
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Map<String, Value>, Invalid> {
    let pairs: Vec<(String, Vec<u8>)> = query
        .map(|query| text::pairs(query.as_bytes()).collect())
        .unwrap_or_default();
    // One walker for all the parameters: they share one step budget.
    let mut walker = Walker::new(schema);
    let mut out = Map::new();
    for param in params {
        match param_value(&mut walker, param, path, &pairs, headers) {
            Ok(Some(value)) => {
                out.insert(param.name.to_owned(), value);
            }
            Ok(None) => {}
            Err(fail) => {
                let mut invalid = fail.within(param.name).into_invalid();
                invalid.location = Some(param.location);
                return Err(invalid);
            }
        }
    }
    Ok(out)
}

fn param_value(
    walker: &mut Walker<'_>,
    param: &Param,
    path: &[(&str, &str)],
    pairs: &[(String, Vec<u8>)],
    headers: &HeaderMap,
) -> Result<Option<Value>, Fail> {
    let node = match param.location {
        Location::Path => path_node(param, path),
        Location::Query => query_node(param, pairs)?,
        Location::Header => header_node(param, headers),
    };
    let mut converter = Converter {
        walker,
        source: Source::Params,
    };
    let value = match node.filter(Node::has_text) {
        Some(node) => converter.node(&node, &param.ty, &param.rules, Cx::TOP)?,
        None => None,
    };
    match value {
        Some(mut value) => {
            walker.check(&mut value, &param.ty, &param.rules)?;
            if let Some(max) = param
                .clamp
                .filter(|max| value.as_i64().is_some_and(|n| n > *max))
            {
                value = Value::from(max);
            }
            Ok(Some(value))
        }
        None => match param.default {
            Some(text) => serde_json::from_str(text).map(Some).map_err(|error| {
                Fail::schema(format!(
                    "the default of parameter `{}` is not JSON: {error}",
                    param.name
                ))
            }),
            None if param.required => Err(Fail::new("required", walk::REQUIRED)),
            None => Ok(None),
        },
    }
}

/// A path segment, the router's last match for the name; a list is comma-separated.
fn path_node(param: &Param, path: &[(&str, &str)]) -> Option<Node> {
    let (_, value) = path.iter().rev().find(|(name, _)| *name == param.name)?;
    Some(Node::Text(match param.ty {
        Type::List(_) => split_commas(value.as_bytes(), false),
        _ => vec![value.as_bytes().to_vec()],
    }))
}

/// A header's last value, or for a list every comma-separated item of every value (HTTP's list syntax, spaces
/// around items dropped).
fn header_node(param: &Param, headers: &HeaderMap) -> Option<Node> {
    // An invalid header name (which the generator refuses) finds nothing rather than failing.
    let values: Vec<&[u8]> = headers
        .get_all(param.name)
        .iter()
        .map(|value| value.as_bytes())
        .collect();
    let last = values.last()?;
    Some(Node::Text(match param.ty {
        Type::List(_) => values
            .iter()
            .flat_map(|value| split_commas(value, true))
            .collect(),
        _ => vec![last.to_vec()],
    }))
}

fn split_commas(value: &[u8], trim: bool) -> Vec<Vec<u8>> {
    value
        .split(|byte| *byte == b',')
        .map(|item| {
            if trim {
                item.trim_ascii().to_vec()
            } else {
                item.to_vec()
            }
        })
        .collect()
}

/// A query parameter's values as its style writes them (see [`Style`]); objects always as deep objects.
fn query_node(param: &Param, pairs: &[(String, Vec<u8>)]) -> Result<Option<Node>, Fail> {
    let name = param.name;
    let plain = || {
        pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value)
    };
    let values: Vec<Vec<u8>> = match (param.ty, param.style) {
        (Type::List(_), Style::Form) => plain().cloned().collect(),
        (Type::List(_), Style::Comma) => plain()
            .flat_map(|value| split_commas(value, false))
            .collect(),
        (Type::List(_), Style::Brackets) => pairs
            .iter()
            .filter(|(key, _)| key == name || key.strip_prefix(name) == Some("[]"))
            .map(|(_, value)| value.clone())
            .collect(),
        (Type::List(_), Style::DeepObject) => return deep(name, pairs),
        _ => {
            // An object (or JSON) sent with brackets; anything else is a scalar, whose last value counts.
            if let Some(node) = deep(name, pairs)? {
                return Ok(Some(node));
            }
            plain().next_back().cloned().into_iter().collect()
        }
    };
    Ok((!values.is_empty()).then_some(Node::Text(values)))
}

/// The tree built by the keys `name[…]`, or `None` when there are none.
fn deep(name: &str, pairs: &[(String, Vec<u8>)]) -> Result<Option<Node>, Fail> {
    let mut root: Option<Node> = None;
    for (key, value) in pairs {
        if !key
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('['))
        {
            continue;
        }
        let segments = text::segments(key).map_err(|_| too_deep())?;
        // A malformed key (`name[a`) is one plain key, not this parameter's.
        if let Some((Segment::Key(first), rest)) = segments.split_first() {
            if first == name {
                root.get_or_insert(Node::EMPTY).put(rest, value.clone());
            }
        }
    }
    Ok(root)
}

/// See [`Schema::form`].
pub(super) fn form(schema: &Schema, body: &[u8], ty: &Type) -> Result<Value, Invalid> {
    form_pairs(schema, text::pairs(body), ty)
}

/// See [`Schema::form_pairs`].
pub(super) fn form_pairs(
    schema: &Schema,
    pairs: impl IntoIterator<Item = (String, Vec<u8>)>,
    ty: &Type,
) -> Result<Value, Invalid> {
    let mut root = Node::Map(Tree::default());
    for (key, value) in pairs {
        let segments = text::segments(&key).map_err(|_| {
            let name = key.split('[').next().unwrap_or_default();
            too_deep().within(name).into_invalid()
        })?;
        root.put(&segments, value);
    }
    let mut walker = Walker::new(schema);
    let mut converter = Converter {
        walker: &mut walker,
        source: Source::Form,
    };
    let converted = converter
        .node(&root, ty, &Rules::NONE, Cx::TOP)
        .map_err(Fail::into_invalid)?;
    // An empty body is an empty object, whose required fields are then reported, as for an empty JSON body.
    let mut value = converted.unwrap_or_else(|| Value::Object(Map::new()));
    walker
        .check(&mut value, ty, &Rules::NONE)
        .map_err(Fail::into_invalid)?;
    Ok(value)
}
