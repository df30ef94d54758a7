//! Models and type positions: structs (with `extends`), enums (of strings, integers or booleans), unions (tagged
//! by a field, or untagged), and inline definitions. A definition written where a type is expected is hoisted into
//! a named model here (named after where it stands, or its `name:`), so every later stage sees names only.

use super::{describe, opt_text, parse_type, Cx, Obj};
use crate::ident;
use crate::spec::*;
use crate::yaml::{self, Node, NodeKind};

/// The keys that make a mapping in a type position an inline definition, and what each defines.
const INLINE_KEYS: &[&str] = &["fields", "enum", "union", "list", "map"];

/// The keys a field takes besides its type.
const FIELD_KEYS: &[&str] = &with_constraint_keys::<13, 20>([
    "type",
    "description",
    "nullable",
    "optional",
    "read_only",
    "write_only",
    "required_on_create",
    "example",
    "rust_name",
    "default",
    "deprecated",
    "write_as",
    "renamed_from",
]);

/// The keys of value constraints, which fields and parameters take alike (`Cx::constraints` reads them).
const CONSTRAINT_KEYS: [&str; 7] = [
    "max_length",
    "min_length",
    "pattern",
    "minimum",
    "maximum",
    "min_items",
    "max_items",
];

/// `keys` and then the constraint keys: every key an object with constraints takes. `M` is `N` + 7, checked when
/// the constant is evaluated.
pub(super) const fn with_constraint_keys<const N: usize, const M: usize>(
    keys: [&'static str; N],
) -> [&'static str; M] {
    assert!(M == N + CONSTRAINT_KEYS.len());
    let mut out = [""; M];
    let mut i = 0;
    while i < N {
        out[i] = keys[i];
        i += 1;
    }
    let mut j = 0;
    while j < CONSTRAINT_KEYS.len() {
        out[N + j] = CONSTRAINT_KEYS[j];
        j += 1;
    }
    out
}

/// True if `node` is a mapping defining a type inline (`{fields: ...}`, `{enum: [...]}`, `{list: ...}`, ...).
pub(super) fn is_inline_definition(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Map(entries)
        if entries.iter().any(|(k, _)| k.as_str().is_some_and(|k| INLINE_KEYS.contains(&k))))
}

impl Cx {
    pub(super) fn models(&mut self, node: &Node) -> Vec<Model> {
        let mut out = Vec::new();
        for (key, value) in self.entries(node, "`models`") {
            let name = self.name(key);
            let what = format!("model `{}`", name.value);
            if let Some(model) = self.model_def(name, value, &what, None) {
                out.push(model);
            }
        }
        out
    }

    /// A model's definition: a struct (`fields`), an enum (`enum`) or a union (`union`).
    fn model_def(
        &mut self,
        name: Name,
        value: &Node,
        what: &str,
        inline: Option<String>,
    ) -> Option<Model> {
        let has = |key: &str| matches!(&value.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some(key)));
        let extra: &[&str] = if inline.is_some() { &["name"] } else { &[] };
        let keys = |own: &[&'static str]| -> Vec<&'static str> {
            own.iter().copied().chain(extra.iter().copied()).collect()
        };
        let renamed_from = match &value.kind {
            NodeKind::Map(e) => e
                .iter()
                .find(|(k, _)| k.as_str() == Some("renamed_from"))
                .and_then(|(_, v)| self.string(v, "`renamed_from`")),
            _ => None,
        };
        let (description, kind) = if has("union") {
            let o = self.obj(
                value,
                what,
                &keys(&["description", "union", "open", "renamed_from"]),
            )?;
            let kind = self.union(&o, &name, what)?;
            (opt_text(self.opt_string(&o, "description", what)), kind)
        } else if has("enum") {
            let o = self.obj(
                value,
                what,
                &keys(&["description", "enum", "open", "renamed_from"]),
            )?;
            let kind = self.enum_values(&o, what);
            (opt_text(self.opt_string(&o, "description", what)), kind)
        } else {
            let o = self.obj(
                value,
                what,
                &keys(&[
                    "description",
                    "fields",
                    "unknown_fields",
                    "extends",
                    "renamed_from",
                ]),
            )?;
            let kind = self.struct_fields(&o, &name.value, what);
            (opt_text(self.opt_string(&o, "description", what)), kind)
        };
        Some(Model {
            name,
            description,
            kind,
            inline,
            renamed_from,
        })
    }

    fn struct_fields(&mut self, o: &Obj, model: &str, what: &str) -> ModelKind {
        let reject_unknown_fields = match self.opt_string(o, "unknown_fields", what) {
            None => false,
            Some(s) if s.value == "ignore" => false,
            Some(s) if s.value == "reject" => true,
            Some(s) => {
                self.err(s.span, format!("`unknown_fields` must be `ignore` or `reject`, found `{}`", s.value), "ignore (the default) accepts and drops unknown request fields; reject refuses them with a validation error");
                false
            }
        };
        let mut extends = Vec::new();
        if let Some(list) = o.get("extends") {
            // One base may be written without brackets.
            let items: Vec<&Node> = match &list.kind {
                NodeKind::Seq(items) => items.iter().collect(),
                _ => vec![list],
            };
            for item in items {
                if !matches!(item.kind, NodeKind::Scalar { .. }) {
                    self.err(
                        item.span,
                        format!(
                            "`extends` of {what} takes model names, found {}",
                            item.kind_name()
                        ),
                        "declare the base under `models:` and write its name, e.g. `extends: [Base]`",
                    );
                } else if let Some(base) = self.string(item, "a model `extends`") {
                    extends.push(base);
                }
            }
        }
        let mut fields = Vec::new();
        match o.get("fields") {
            Some(f) => {
                for (fk, fv) in self.entries(f, &format!("`fields` of {what}")) {
                    if let Some(field) = self.field(fk, fv, model, what) {
                        fields.push(field);
                    }
                }
            }
            // A model made only of the fields of others needs no `fields:` of its own.
            None if !extends.is_empty() => {}
            None => {
                self.require(o, "fields", what);
            }
        }
        ModelKind::Struct {
            fields,
            reject_unknown_fields,
            extends,
        }
    }

    fn enum_values(&mut self, o: &Obj, what: &str) -> ModelKind {
        let open = self.bool(o, "open", what).unwrap_or(false);
        let mut values = Vec::new();
        let list = o
            .get("enum")
            .map(|n| self.seq(n, "`enum`"))
            .unwrap_or_default();
        for item in list {
            if matches!(item.kind, NodeKind::Map(_)) {
                let Some(v) = self.obj(
                    item,
                    "an enum value",
                    &["value", "description", "rust_name", "deprecated"],
                ) else {
                    continue;
                };
                let Some(value) = self
                    .require(&v, "value", "an enum value")
                    .and_then(|n| self.literal(n, "an enum value"))
                else {
                    continue;
                };
                values.push(EnumValue {
                    value,
                    description: opt_text(self.opt_string(&v, "description", "an enum value")),
                    rust_name: self.opt_string(&v, "rust_name", "an enum value"),
                    deprecated: self.deprecation(&v, "an enum value"),
                });
            } else if let Some(value) = self.literal(item, "an enum value") {
                values.push(EnumValue {
                    value,
                    description: None,
                    rust_name: None,
                    deprecated: None,
                });
            }
        }
        ModelKind::Enum { values, open }
    }

    /// A scalar as a literal: quoted text is a string; plain text is an integer or a boolean when it reads as one
    /// (YAML's core schema), a string otherwise.
    fn literal(&mut self, node: &Node, what: &str) -> Option<Spanned<Literal>> {
        match &node.kind {
            NodeKind::Scalar { text, quoted: true } => {
                Some(Spanned::new(Literal::Str(text.clone()), node.span))
            }
            NodeKind::Scalar {
                text,
                quoted: false,
            } => {
                let literal = if let Some(b) = yaml::parse_bool(text) {
                    Literal::Bool(b)
                } else if let Ok(i) = text.parse::<i64>() {
                    Literal::Int(i)
                } else {
                    // `- ""`, `- null` and other words are still values: they are strings on the wire.
                    Literal::Str(text.clone())
                };
                Some(Spanned::new(literal, node.span))
            }
            _ => {
                self.err(
                    node.span,
                    format!(
                        "{what} must be a string, an integer or a boolean, found {}",
                        node.kind_name()
                    ),
                    "write each value as a scalar, or as `{value: ..., description: ...}`",
                );
                None
            }
        }
    }

    fn union(&mut self, o: &Obj, name: &Name, what: &str) -> Option<ModelKind> {
        let model = name.value.as_str();
        let open = self.bool(o, "open", what).unwrap_or(false);
        let node = o.get("union")?;
        let u = self.obj(
            node,
            &format!("the `union` of {what}"),
            &["tag", "variants"],
        )?;
        // A `tag` that is not a string is reported once; the union is still read as tagged, so that its variants
        // (a mapping) are checked as such rather than refused as an untagged union's.
        let tagged = u.get("tag").is_some();
        let tag = self.opt_string(&u, "tag", what);
        if let Some(t) = tag.as_ref().filter(|t| t.value.trim().is_empty()) {
            self.err(
                t.span,
                format!("the `tag` of {what} is empty"),
                "write the wire name of the field whose value tells the variants apart, e.g. `tag: type`; or leave `tag` out for an untagged union",
            );
        }
        let mut variants = Vec::new();
        let list = self.require(&u, "variants", &format!("the `union` of {what}"))?;
        // Only variants written as none at all are "no variants": a `variants` of the wrong shape was reported as
        // such, and variants that fail to load are reported one by one.
        let written_empty = match &list.kind {
            NodeKind::Seq(items) => items.is_empty(),
            NodeKind::Map(entries) => entries.is_empty(),
            _ => false,
        };
        if written_empty {
            self.err(
                name.span,
                format!("union `{model}` has no variants"),
                "list its variants under `variants:`",
            );
        }
        match (&list.kind, tagged) {
            (NodeKind::Map(entries), true) => {
                for (key, value) in entries {
                    let tag_value = self.name(key);
                    let hint = ident::type_name_of(&[model, &tag_value.value]);
                    let vwhat = format!("variant `{}` of {what}", tag_value.value);
                    if let Some(v) = self.variant(value, &vwhat, &hint, Some(tag_value)) {
                        variants.push(v);
                    }
                }
            }
            (NodeKind::Seq(items), false) => {
                for (i, item) in items.iter().enumerate() {
                    let hint = ident::type_name_of(&[model, &format!("variant {}", i + 1)]);
                    let vwhat = format!("variant {} of {what}", i + 1);
                    if let Some(v) = self.variant(item, &vwhat, &hint, None) {
                        variants.push(v);
                    }
                }
            }
            (NodeKind::Seq(_), true) => {
                let by = tag
                    .as_ref()
                    .map(|t| format!(" by `{}`", t.value))
                    .unwrap_or_default();
                self.err(
                    list.span,
                    format!(
                        "the variants of a union tagged{by} are a mapping from tag values to types"
                    ),
                    "write `variants: {tag_value: Type, ...}`",
                );
            }
            (NodeKind::Map(_), false) => {
                self.err(list.span, "the variants of an untagged union are a list of types, tried in order", "write `variants: [TypeA, TypeB]`, or add `tag: <field>` for a union tagged by a field");
            }
            _ => {
                self.err(
                    list.span,
                    format!(
                        "`variants` must be a mapping (tagged) or a list (untagged), found {}",
                        list.kind_name()
                    ),
                    "see unions in README.md",
                );
            }
        }
        Some(ModelKind::Union {
            tag,
            variants,
            open,
        })
    }

    /// A union variant: a type (a name, an expression or an inline definition) or `{type, rust_name, description}`.
    fn variant(
        &mut self,
        node: &Node,
        what: &str,
        name_hint: &str,
        tag: Option<Name>,
    ) -> Option<UnionVariant> {
        let is_variant_mapping = matches!(&node.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("type")));
        if !is_variant_mapping {
            let ty = self.type_at(node, what, name_hint)?;
            return Some(UnionVariant {
                tag,
                ty,
                rust_name: None,
                description: None,
            });
        }
        let o = self.obj(node, what, &["type", "rust_name", "description"])?;
        let ty = self
            .require(&o, "type", what)
            .and_then(|n| self.type_at(n, what, name_hint))?;
        Some(UnionVariant {
            tag,
            ty,
            rust_name: self.opt_string(&o, "rust_name", what),
            description: opt_text(self.opt_string(&o, "description", what)),
        })
    }

    /// A type position: a type expression, or a definition written inline (`{fields: ...}`, `{enum: [...]}`,
    /// `{union: ...}`, `{list: T}`, `{map: T}`), which becomes the model `name_hint` (or its own `name:`).
    pub(super) fn type_at(
        &mut self,
        node: &Node,
        what: &str,
        name_hint: &str,
    ) -> Option<Spanned<TypeExpr>> {
        if !matches!(node.kind, NodeKind::Map(_)) {
            let text = self.string(node, what)?;
            return match parse_type(&text.value) {
                Ok(ty) => Some(Spanned::new(ty, node.span)),
                Err(msg) => {
                    self.err(node.span, format!("{what}: {msg}"), "a type is a primitive (string, integer, number, boolean, uuid, datetime, date, uri, email, json), a model name, `list<T>`, `map<T>`, `page<T>`, `create<Model>`, `patch<Model>`, `none`, or a definition written in place (`{fields: ...}`, `{enum: [...]}`, `{union: ...}`, `{list: T}`, `{map: T}`)");
                    None
                }
            };
        }
        if !is_inline_definition(node) {
            self.err(
                node.span,
                format!("{what} is a mapping, but not a definition"),
                "write a type name or expression, or define the type in place: `{fields: {...}}` for an object, `{enum: [...]}`, `{union: {...}}`, `{list: T}` or `{map: T}`; or declare it under `models:` and write its name",
            );
            return None;
        }
        for wrapper in ["list", "map"] {
            if let Some(inner) = node_get(node, wrapper) {
                let NodeKind::Map(entries) = &node.kind else {
                    break;
                };
                if entries.len() > 1 {
                    self.err(
                        node.span,
                        format!("`{{{wrapper}: ...}}` takes only its item type"),
                        format!("write `{{{wrapper}: T}}`; a field's other keys (`description`, `min_items`, ...) go beside `type:`, as `{{type: {{{wrapper}: T}}, description: ...}}`"),
                    );
                }
                let suffix = if wrapper == "list" { "Item" } else { "Value" };
                let hint = ident::type_name_of(&[name_hint, suffix]);
                let inner = self.type_at(inner, &format!("the item type of {what}"), &hint)?;
                let ty = if wrapper == "list" {
                    TypeExpr::List(Box::new(inner.value))
                } else {
                    TypeExpr::Map(Box::new(inner.value))
                };
                return Some(Spanned::new(ty, node.span));
            }
        }
        let name = match node_get(node, "name") {
            Some(n) => self.string(n, &format!("the `name` of {what}"))?,
            None => Spanned::new(name_hint.to_owned(), node.span),
        };
        let model = self.model_def(
            name.clone(),
            node,
            &format!("the type defined in {what}"),
            Some(what.to_owned()),
        )?;
        self.inline.push(model);
        Some(Spanned::new(TypeExpr::Named(name.value), node.span))
    }

    /// `deprecated: true`, `deprecated: false` or `deprecated: "note"`.
    pub(super) fn deprecation(&mut self, o: &Obj, what: &str) -> Option<Deprecation> {
        let node = o.get("deprecated")?;
        // An empty note (`""`) would be `#[deprecated(note = "")]`, and `null` a note reading "null".
        let empty_note =
            matches!(&node.kind, NodeKind::Scalar { text, quoted: true } if text.trim().is_empty());
        if node.is_null() || empty_note {
            let found = if empty_note { "an empty note" } else { "null" };
            // A value left empty (`deprecated:` and a new line) has its span where the next token starts: the key's
            // is the place to show.
            let span = match o
                .entries
                .iter()
                .find(|(k, _)| k.as_str() == Some("deprecated"))
            {
                Some((k, _)) if matches!(&node.kind, NodeKind::Scalar { text, quoted: false } if text.is_empty()) => {
                    k.span
                }
                _ => node.span,
            };
            self.err(
                span,
                format!("`deprecated` of {what} must be `true` or a note, found {found}"),
                "write `deprecated: true`, or a note such as `deprecated: \"use ... instead\"`; leave `deprecated` out if it is not deprecated",
            );
            return None;
        }
        match &node.kind {
            NodeKind::Scalar {
                text,
                quoted: false,
            } => match yaml::parse_bool(text) {
                Some(true) => Some(Deprecation {
                    note: None,
                    span: node.span,
                }),
                Some(false) => None,
                None => Some(Deprecation {
                    note: Some(text.clone()),
                    span: node.span,
                }),
            },
            NodeKind::Scalar { text, quoted: true } => Some(Deprecation {
                note: Some(text.clone()),
                span: node.span,
            }),
            _ => {
                self.err(
                    node.span,
                    format!(
                        "`deprecated` of {what} must be `true` or a note, found {}",
                        describe(node)
                    ),
                    "write `deprecated: true` or `deprecated: \"use ... instead\"`",
                );
                None
            }
        }
    }

    /// The constraints written on a field or parameter.
    pub(super) fn constraints(&mut self, o: &Obj, what: &str) -> Constraints {
        // The key and its value (`min_items: 5`), or the key alone when the value is on other lines.
        let spans = o
            .entries
            .iter()
            .filter_map(|(k, v)| {
                let key = CONSTRAINT_KEYS
                    .into_iter()
                    .find(|name| k.as_str() == Some(name))?;
                let mut span = k.span;
                if v.span.line == k.span.line && v.span.offset >= k.span.offset {
                    span.len = v.span.offset + v.span.len - k.span.offset;
                }
                Some((key, span))
            })
            .collect();
        Constraints {
            spans,
            max_length: self.opt_int(o, "max_length", what),
            min_length: self.opt_int(o, "min_length", what),
            pattern: self.opt_string(o, "pattern", what),
            minimum: self.opt_float(o, "minimum", what),
            maximum: self.opt_float(o, "maximum", what),
            min_items: self.opt_int(o, "min_items", what),
            max_items: self.opt_int(o, "max_items", what),
        }
    }

    pub(super) fn field(
        &mut self,
        key: &Node,
        value: &Node,
        model: &str,
        model_what: &str,
    ) -> Option<Field> {
        let name = self.name(key);
        let what = format!("field `{}` of {model_what}", name.value);
        let hint = ident::type_name_of(&[model, &name.value]);
        let plain = |name: Name, ty: Spanned<TypeExpr>| Field {
            name,
            ty,
            description: None,
            nullable: false,
            optional: false,
            read_only: false,
            write_only: false,
            required_on_create: false,
            constraints: Constraints::default(),
            example: None,
            rust_name: None,
            default: None,
            deprecated: None,
            write_as: None,
            renamed_from: None,
        };
        // A bare type, or a definition written in place of the field's mapping (`address: {fields: ...}`).
        let has_type = matches!(&value.kind, NodeKind::Map(e) if e.iter().any(|(k, _)| k.as_str() == Some("type")));
        if matches!(value.kind, NodeKind::Scalar { .. })
            || (!has_type && is_inline_definition(value))
        {
            let ty = self.type_at(value, &format!("the type of {what}"), &hint)?;
            return Some(plain(name, ty));
        }
        // A mapping none of whose keys a field takes is an object's fields written without `fields:`, the likeliest
        // mistake of someone new to the language: one error saying how to write it, rather than one per key.
        if let NodeKind::Map(entries) = &value.kind {
            let keys: Vec<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
            if !keys.is_empty() && !keys.iter().any(|k| FIELD_KEYS.contains(k)) {
                self.err(
                    value.span,
                    format!("{what} is written as an object's fields (`{}`), not as a type", keys[0]),
                    format!("define the object in place with `fields:`, as `{}: {{fields: {{{}: ...}}}}` (the model `{hint}`), or declare a model under `models:` and write its name (a field's own mapping holds `type:`, beside keys such as `description` and `nullable`)", name.value, keys[0]),
                );
                return None;
            }
        }
        let o = self.obj(value, &what, FIELD_KEYS)?;
        let ty = self
            .require(&o, "type", &what)
            .and_then(|n| self.type_at(n, &format!("the type of {what}"), &hint));
        let write_as = self.opt_string(&o, "write_as", &what).and_then(|w| {
            const CHOICES: [(&str, WriteAs); 2] =
                [("create", WriteAs::Create), ("patch", WriteAs::Patch)];
            self.choice(&w, &CHOICES, "`write_as`")
        });
        Some(Field {
            description: opt_text(self.opt_string(&o, "description", &what)),
            nullable: self.bool(&o, "nullable", &what).unwrap_or(false),
            optional: self.bool(&o, "optional", &what).unwrap_or(false),
            read_only: self.bool(&o, "read_only", &what).unwrap_or(false),
            write_only: self.bool(&o, "write_only", &what).unwrap_or(false),
            required_on_create: self.bool(&o, "required_on_create", &what).unwrap_or(false),
            constraints: self.constraints(&o, &what),
            example: o.get("example").map(Node::to_json),
            rust_name: self.opt_string(&o, "rust_name", &what),
            default: o.get("default").map(|n| Spanned::new(n.to_json(), n.span)),
            deprecated: self.deprecation(&o, &what),
            write_as,
            renamed_from: self.opt_string(&o, "renamed_from", &what),
            ty: ty?,
            name,
        })
    }
}

/// The value of `key` in a mapping node.
fn node_get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}
