//! Untagged unions: a variant that an earlier one always wins over can never be chosen.
//!
//! The generated code decodes an untagged union by trying its variants in order with serde and keeping the first
//! that fits (`runtime::unions::Tried`). `[string, uuid]` therefore never yields the `uuid` variant: every uuid is
//! also a string. Such a spec compiles and round-trips, but the variant is dead code and the author almost always
//! meant the other order, so it is a spec error. The test here answers `true` only when it is sure, following what
//! the generated Rust types accept (a `uri` and an `email` are `String`s; a `number` is an `f64`, which takes
//! integers too; a struct ignores unknown fields unless it rejects them).

use super::Validator;
use crate::spec::*;

/// How deep the comparison follows lists, maps and model fields before giving up (answering "not sure").
const MAX_DEPTH: usize = 16;

impl<'s> Validator<'s> {
    /// An untagged union's variants, each against those before it.
    pub(super) fn shadowed_variants(&mut self, m: &Model, variants: &[UnionVariant]) {
        for (i, later) in variants.iter().enumerate() {
            let Some(earlier) = variants[..i].iter().find(|e| {
                e.ty.value != later.ty.value && self.accepts_all_of(&e.ty.value, &later.ty.value, 0)
            }) else {
                continue;
            };
            let (e, l) = (earlier.ty.value.text(), later.ty.value.text());
            let hint = if self.accepts_all_of(&later.ty.value, &earlier.ty.value, 0) {
                format!("`{e}` and `{l}` accept the same values here: remove one of them")
            } else {
                format!("list `{l}` before `{e}`, or remove it")
            };
            self.err(
                later.ty.span,
                format!(
                    "variant `{l}` of the untagged union `{}` can never be chosen: `{e}`, listed before it, accepts \
                     every value it does (a value becomes the first variant it fits)",
                    m.name.value
                ),
                hint,
            );
        }
    }

    /// Whether every JSON value that decodes as `later` decodes as `earlier` too. `false` means "not sure".
    fn accepts_all_of(&self, earlier: &TypeExpr, later: &TypeExpr, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        if earlier == later || matches!(earlier, TypeExpr::Prim(Prim::Json)) {
            return true;
        }
        let deeper = depth + 1;
        // A union as the later variant: the earlier one must take each of its variants (an open untagged union also
        // keeps any other JSON, which only `json` takes, handled above).
        if let Some((tag, variants, open)) = self.union_of(later) {
            return tag.is_none()
                && !open
                && variants
                    .iter()
                    .all(|v| self.accepts_all_of(earlier, &v.ty.value, deeper));
        }
        // A union as the earlier variant takes at least what each of its variants takes.
        if let Some((None, variants, _)) = self.union_of(earlier) {
            return variants
                .iter()
                .any(|v| self.accepts_all_of(&v.ty.value, later, deeper));
        }
        match (earlier, later) {
            (TypeExpr::List(a), TypeExpr::List(b)) => self.accepts_all_of(a, b, deeper),
            (TypeExpr::Map(a), TypeExpr::Map(b)) => self.accepts_all_of(a, b, deeper),
            _ => match (self.scalar_of(earlier), self.scalar_of(later)) {
                (Some(a), Some(b)) => a.accepts_all_of(&b),
                _ => self.object_accepts_all_of(earlier, later, deeper),
            },
        }
    }

    /// Objects: a map of anything, or a struct that every value of `later` (a struct or a map) fits.
    fn object_accepts_all_of(&self, earlier: &TypeExpr, later: &TypeExpr, depth: usize) -> bool {
        let later_struct = self.struct_of(later);
        if later_struct.is_none() && !matches!(later, TypeExpr::Map(_)) {
            return false;
        }
        if let TypeExpr::Map(inner) = earlier {
            return matches!(**inner, TypeExpr::Prim(Prim::Json));
        }
        let Some((a, a_rejects_unknown)) = self.struct_of(earlier) else {
            return false;
        };
        if a_rejects_unknown {
            return false;
        }
        let lookup = |n: &str| self.models.get(n).copied();
        let a_fields = a.all_fields(&lookup);
        let Some((b, b_rejects_unknown)) = later_struct else {
            // A map's keys are anybody's: only a struct with no fields at all takes every map.
            return a_fields.is_empty();
        };
        let b_fields = b.all_fields(&lookup);
        a_fields.iter().all(|fa| {
            if fa.read_only || fa.write_only {
                return false;
            }
            let a_required = !fa.optional && fa.default.is_none();
            match b_fields.iter().find(|fb| fb.name.value == fa.name.value) {
                // A `later` value may carry this key with any value unless `later` rejects unknown fields.
                None => !a_required && b_rejects_unknown,
                Some(fb) => {
                    let b_required = !fb.optional && fb.default.is_none();
                    (!a_required || b_required)
                        && (fa.nullable || !fb.nullable)
                        && self.accepts_all_of(&fa.ty.value, &fb.ty.value, depth)
                }
            }
        })
    }

    fn union_of(&self, t: &TypeExpr) -> Option<(Option<&Name>, &[UnionVariant], bool)> {
        match &self.named(t)?.kind {
            ModelKind::Union {
                tag,
                variants,
                open,
            } => Some((tag.as_ref(), variants, *open)),
            _ => None,
        }
    }

    fn struct_of(&self, t: &TypeExpr) -> Option<(&'s Model, bool)> {
        let m = self.named(t)?;
        match &m.kind {
            ModelKind::Struct {
                reject_unknown_fields,
                ..
            } => Some((m, *reject_unknown_fields)),
            _ => None,
        }
    }

    fn named(&self, t: &TypeExpr) -> Option<&'s Model> {
        match t {
            TypeExpr::Named(n) => self.models.get(n.as_str()).copied(),
            _ => None,
        }
    }

    /// What a scalar type or an enum model takes, as a set of JSON values.
    fn scalar_of(&self, t: &TypeExpr) -> Option<Scalars> {
        if let TypeExpr::Prim(p) = t {
            return Some(match p {
                Prim::String | Prim::Uri | Prim::Email => Scalars::AnyString,
                Prim::Uuid | Prim::DateTime | Prim::Date => Scalars::SomeStrings,
                Prim::Integer => Scalars::AnyInteger,
                Prim::Number => Scalars::AnyNumber,
                Prim::Boolean => Scalars::AnyBool,
                Prim::Json | Prim::Binary => return None,
            });
        }
        let ModelKind::Enum { values, open } = &self.named(t)?.kind else {
            return None;
        };
        let literals: Vec<&Literal> = values.iter().map(|v| &v.value.value).collect();
        // An open enum keeps any value of its values' kind (`Unknown`).
        Some(match literals.first() {
            Some(Literal::Str(_)) if *open => Scalars::AnyString,
            Some(Literal::Int(_)) if *open => Scalars::AnyInteger,
            Some(Literal::Bool(_)) if *open => Scalars::AnyBool,
            _ => Scalars::Listed(literals.into_iter().cloned().collect()),
        })
    }
}

/// The JSON scalars a type takes.
#[derive(Debug)]
enum Scalars {
    AnyString,
    /// Some strings, not all (a uuid, a date-time, a date).
    SomeStrings,
    AnyInteger,
    /// Every number, integers too (an `f64`).
    AnyNumber,
    AnyBool,
    /// A closed enum's values.
    Listed(Vec<Literal>),
}

impl Scalars {
    fn accepts_all_of(&self, later: &Scalars) -> bool {
        use Scalars::*;
        let takes = |l: &Literal| match (self, l) {
            (AnyString, Literal::Str(_)) => true,
            (AnyInteger | AnyNumber, Literal::Int(_)) => true,
            (AnyBool, Literal::Bool(_)) => true,
            (Listed(mine), l) => mine.contains(l),
            _ => false,
        };
        match later {
            AnyString => matches!(self, AnyString),
            // Two different kinds of string (a uuid, a date) never contain each other; the same kind is the same type.
            SomeStrings => matches!(self, AnyString),
            AnyInteger => matches!(self, AnyInteger | AnyNumber),
            AnyNumber => matches!(self, AnyNumber),
            AnyBool => matches!(self, AnyBool),
            Listed(values) => !values.is_empty() && values.iter().all(takes),
        }
    }
}
