//! [`Schema::verify`] and [`Schema::verify_params`]: every fault of the static data found at once, so that a
//! generated test proves the walk never meets one at run time.

use super::walk::{Cx, Walker};
use super::{Literal, Location, Param, Rules, Schema, Style, Type, TypeDef, Union};
use std::collections::HashSet;

/// How deep a [`Type`] may nest lists and maps: far beyond any spec, and short of looping on a `static` that
/// refers to itself (which Rust allows).
const MAX_TYPE_DEPTH: usize = 64;

struct Verifier<'s> {
    schema: &'s Schema,
    problems: Vec<String>,
}

/// What a rule applies to.
#[derive(Clone, Copy)]
enum Kind {
    Text,
    Number,
    List,
}

pub(super) fn schema(schema: &Schema) -> Result<(), Vec<String>> {
    let mut verifier = Verifier {
        schema,
        problems: Vec::new(),
    };
    for (index, def) in schema.types.iter().enumerate() {
        verifier.def(index, def);
    }
    verifier.finish()
}

pub(super) fn params(schema: &Schema, params: &[Param]) -> Result<(), Vec<String>> {
    let mut verifier = Verifier {
        schema,
        problems: Vec::new(),
    };
    let mut seen = HashSet::new();
    for param in params {
        let at = format!("parameter `{}`", param.name);
        // Header names are case-insensitive, so `X-Id` and `x-id` are one header.
        let key = match param.location {
            Location::Header => param.name.to_ascii_lowercase(),
            _ => param.name.to_owned(),
        };
        if !seen.insert((param.location, key)) {
            verifier.problem(&at, "is declared twice");
        }
        if param.name.is_empty() {
            verifier.problem(&at, "has no name");
        }
        verifier.ty(&param.ty, &at, 0);
        verifier.rules(&param.rules, &param.ty, &at);
        verifier.default(param.default, false, &param.ty, &param.rules, &at);
        if param.clamp.is_some() && !matches!(param.ty, Type::Integer) {
            verifier.problem(&at, "is clamped, but is not an integer");
        }
        let object = verifier.is_object(&param.ty);
        let list = matches!(param.ty, Type::List(_));
        match param.location {
            Location::Path | Location::Header => {
                if param.location == Location::Path && !param.required {
                    verifier.problem(&at, "is in the path, so it must be required");
                }
                let scalar_list = matches!(param.ty, Type::List(item) if !verifier.is_object(item) && !matches!(item, Type::List(_)));
                if object || (list && !scalar_list) {
                    verifier.problem(
                        &at,
                        "is an object or nested list, which only the query can carry",
                    );
                }
                if param.style != Style::Form {
                    verifier.problem(&at, "has a style, which only query parameters take");
                }
            }
            Location::Query => match param.style {
                Style::Comma | Style::Brackets if !list => {
                    verifier.problem(&at, "has a list style but is not a list")
                }
                Style::DeepObject if !list && !object => verifier.problem(
                    &at,
                    "has the deepObject style but is neither an object nor a list",
                ),
                _ => {}
            },
        }
    }
    verifier.finish()
}

impl Verifier<'_> {
    fn finish(self) -> Result<(), Vec<String>> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.problems)
        }
    }

    fn problem(&mut self, at: &str, what: &str) {
        self.problems.push(format!("{at}: {what}"));
    }

    fn def(&mut self, index: usize, def: &TypeDef) {
        match def {
            TypeDef::Struct(shape) => {
                let mut names = HashSet::new();
                for field in shape.fields {
                    let at = format!("type {index} `{}`, field `{}`", shape.name, field.name);
                    if !names.insert(field.name) {
                        self.problem(&at, "is declared twice");
                    }
                    self.ty(&field.ty, &at, 0);
                    self.rules(&field.rules, &field.ty, &at);
                    self.default(field.default, field.nullable, &field.ty, &field.rules, &at);
                }
            }
            TypeDef::Enum(choices) => {
                let at = format!("type {index} `{}`", choices.name);
                if choices.values.is_empty() {
                    self.problem(&at, "is an enum without values");
                }
                for (position, literal) in choices.values.iter().enumerate() {
                    if choices
                        .values
                        .get(..position)
                        .is_some_and(|before| before.contains(literal))
                    {
                        self.problem(&at, &format!("has the value {literal:?} twice"));
                    }
                }
            }
            TypeDef::Union(union) => self.union(index, union),
        }
    }

    fn union(&mut self, index: usize, union: &Union) {
        let at = format!("type {index} `{}`", union.name);
        if union.variants.is_empty() {
            self.problem(&at, "is a union without variants");
        }
        if self.contains_itself(index) {
            self.problem(
                &at,
                "is a union that is one of its own variants, without a list or object between",
            );
        }
        let mut tags = HashSet::new();
        for variant in union.variants {
            let at = format!("{at}, variant `{}`", variant.name);
            self.ty(&variant.ty, &at, 0);
            let Some(tag_field) = union.tag else {
                if variant.tag.is_some() {
                    self.problem(&at, "has a tag value in an untagged union");
                }
                continue;
            };
            let Some(tag) = variant.tag else {
                self.problem(&at, "has no tag value in a tagged union");
                continue;
            };
            if !tags.insert(tag) {
                self.problem(&at, &format!("repeats the tag value `{tag}`"));
            }
            let declared = match variant.ty {
                Type::Named(target) => match self.schema.types.get(target) {
                    Some(TypeDef::Struct(shape)) => {
                        shape.fields.iter().find(|field| field.name == tag_field)
                    }
                    _ => {
                        self.problem(&at, "is not a struct, so it cannot carry the tag field");
                        continue;
                    }
                },
                _ => {
                    self.problem(&at, "is not a struct, so it cannot carry the tag field");
                    continue;
                }
            };
            // A variant may leave the tag field to the union; one that declares it must accept its own tag value.
            let accepts_tag = match declared.map(|field| field.ty) {
                None | Some(Type::String) => true,
                Some(Type::Named(target)) => matches!(
                    self.schema.types.get(target),
                    Some(TypeDef::Enum(choices)) if choices.values.contains(&Literal::Str(tag))
                ),
                _ => false,
            };
            if !accepts_tag {
                self.problem(
                    &at,
                    &format!("declares the tag field `{tag_field}` as neither a string nor an enum with `{tag}`"),
                );
            }
        }
    }

    /// Whether the union at `start` reaches itself through variants that are unions, which would make the walk
    /// resolve names for ever.
    fn contains_itself(&self, start: usize) -> bool {
        let mut stack = vec![start];
        let mut seen = HashSet::new();
        while let Some(index) = stack.pop() {
            let Some(TypeDef::Union(union)) = self.schema.types.get(index) else {
                continue;
            };
            for variant in union.variants {
                if let Type::Named(next) = variant.ty {
                    if next == start {
                        return true;
                    }
                    if seen.insert(next) {
                        stack.push(next);
                    }
                }
            }
        }
        false
    }

    fn ty(&mut self, ty: &Type, at: &str, depth: usize) {
        if depth > MAX_TYPE_DEPTH {
            self.problem(
                at,
                "nests lists and maps too deeply (a static that refers to itself?)",
            );
            return;
        }
        match ty {
            Type::List(item) | Type::Map(item) => self.ty(item, at, depth + 1),
            Type::Named(index) if *index >= self.schema.types.len() => self.problem(
                at,
                &format!(
                    "refers to type {index}, but the schema has {} types",
                    self.schema.types.len()
                ),
            ),
            _ => {}
        }
    }

    /// Whether some value of `ty` is of the kind (a union fits when one of its variants does).
    fn fits(&self, ty: &Type, kind: Kind, hops: usize) -> bool {
        match (ty, kind) {
            (Type::String, Kind::Text) | (Type::Integer | Type::Number, Kind::Number) => true,
            (Type::List(_), Kind::List) => true,
            (Type::Named(index), _) if hops < super::walk::MAX_HOPS => {
                match self.schema.types.get(*index) {
                    Some(TypeDef::Union(union)) => union
                        .variants
                        .iter()
                        .any(|variant| self.fits(&variant.ty, kind, hops + 1)),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn rules(&mut self, rules: &Rules, ty: &Type, at: &str) {
        let text =
            rules.min_length.is_some() || rules.max_length.is_some() || rules.pattern.is_some();
        let number = rules.minimum.is_some() || rules.maximum.is_some();
        let list = rules.min_items.is_some() || rules.max_items.is_some();
        for (used, kind, what) in [
            (
                text,
                Kind::Text,
                "has length or pattern rules but is not a string",
            ),
            (number, Kind::Number, "has bounds but is not a number"),
            (list, Kind::List, "has item counts but is not a list"),
        ] {
            if used && !self.fits(ty, kind, 0) {
                self.problem(at, what);
            }
        }
        if matches!((rules.min_length, rules.max_length), (Some(min), Some(max)) if min > max) {
            self.problem(at, "has a minimum length above its maximum length");
        }
        if matches!((rules.min_items, rules.max_items), (Some(min), Some(max)) if min > max) {
            self.problem(at, "has a minimum item count above its maximum");
        }
        if rules.minimum.is_some_and(f64::is_nan) || rules.maximum.is_some_and(f64::is_nan) {
            self.problem(at, "has a bound that is not a number");
        }
        if matches!((rules.minimum, rules.maximum), (Some(min), Some(max)) if min > max) {
            self.problem(at, "has a minimum above its maximum");
        }
        if let Some(pattern) = rules.pattern {
            if let Err(error) = pattern.regex() {
                self.problem(at, &format!("has a pattern that does not compile: {error}"));
            }
        }
    }

    /// A default must be JSON, and a value its own field accepts.
    fn default(
        &mut self,
        default: Option<&str>,
        nullable: bool,
        ty: &Type,
        rules: &Rules,
        at: &str,
    ) {
        let Some(text) = default else {
            return;
        };
        let mut value: serde_json::Value = match serde_json::from_str(text) {
            Ok(value) => value,
            Err(error) => {
                self.problem(at, &format!("has a default that is not JSON: {error}"));
                return;
            }
        };
        if value.is_null() && nullable {
            return;
        }
        if let Err(fail) = Walker::new(self.schema).value(&mut value, ty, rules, Cx::TOP.dry()) {
            let invalid = fail.into_invalid();
            self.problem(
                at,
                &format!("has a default its own check refuses: {invalid}"),
            );
        }
    }

    /// Whether a parameter of this type is written as an object: a map, a struct or a tagged union.
    /// Whether values of `ty` are, or may be, objects: an untagged union with an object variant may be
    /// (`created=5` or `created[gt]=5`). Nested untagged unions are not followed (the generator gives none).
    fn is_object(&self, ty: &Type) -> bool {
        self.object_kind(ty, true)
    }

    fn object_kind(&self, ty: &Type, follow_untagged: bool) -> bool {
        match ty {
            Type::Map(_) => true,
            Type::Named(index) => match self.schema.types.get(*index) {
                Some(TypeDef::Struct(_)) => true,
                Some(TypeDef::Union(union)) => {
                    union.tag.is_some()
                        || (follow_untagged
                            && union
                                .variants
                                .iter()
                                .any(|v| self.object_kind(&v.ty, false)))
                }
                _ => false,
            },
            _ => false,
        }
    }
}
