//! Models → [`ir::TypeDef`]s: one spec struct gives the response type and, when operations use them, its create and
//! PATCH bodies (fields of the models it extends first; `write_as` fields holding the nested model's request form);
//! `page<T>` gives an envelope; enums and unions stay what they are. Presence, defaults, boxing, names and docs are
//! decided here.

use super::{doc_or, prose, Lower, Slot};
use crate::ident;
use crate::ir::{self, Presence, Ty, TypeId};
use crate::spec::{self, Literal, ModelKind, TypeExpr};
use crate::Error;
use std::collections::BTreeSet;

/// Which fields of a model a struct holds, and how.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Response,
    Create,
    Patch,
}

fn deprecated(d: &Option<spec::Deprecation>) -> Option<ir::Deprecated> {
    d.as_ref().map(|d| ir::Deprecated {
        note: d.note.clone(),
    })
}

impl<'s> Lower<'s> {
    pub(super) fn type_def(
        &self,
        slot: &Slot<'s>,
        pagination: &[ir::Pagination],
    ) -> Result<ir::TypeDef, Error> {
        match slot {
            Slot::Model(m) => match &m.kind {
                ModelKind::Struct {
                    reject_unknown_fields,
                    extends,
                    ..
                } => self.struct_def(m, *reject_unknown_fields, extends, Role::Response),
                ModelKind::Enum { values, open } => Ok(enum_def(m, values, *open)),
                ModelKind::Union {
                    tag,
                    variants,
                    open,
                } => self.union_def(m, tag.as_ref(), variants, *open),
            },
            Slot::Create(m) | Slot::Patch(m) => {
                let role = if matches!(slot, Slot::Create(_)) {
                    Role::Create
                } else {
                    Role::Patch
                };
                match &m.kind {
                    ModelKind::Struct {
                        reject_unknown_fields,
                        extends,
                        ..
                    } => self.struct_def(m, *reject_unknown_fields, extends, role),
                    _ => Err(super::unchecked(
                        &format!(
                            "a request body of `{}`, which is not a struct",
                            m.name.value
                        ),
                        m.name.span,
                    )),
                }
            }
            Slot::Page {
                name,
                item,
                style,
                span,
            } => self.page_def(name, item, *style, *span, pagination),
        }
    }

    fn struct_def(
        &self,
        m: &'s spec::Model,
        reject_unknown_fields: bool,
        extends: &[spec::Name],
        role: Role,
    ) -> Result<ir::TypeDef, Error> {
        let base = ident::model_name(&m.name.value);
        let (rust_name, doc, origin) = match role {
            Role::Create => (
                ident::type_name_of(&[&m.name.value, "Create"]),
                format!("The create request body of [`{base}`]: every field except the read-only ones."),
                ir::Origin::Create { of: self.model_id(m)? },
            ),
            Role::Patch => (
                ident::type_name_of(&[&m.name.value, "Patch"]),
                format!(
                    "The partial-update (PATCH) request body of [`{base}`]: every field is optional; nullable \
                     fields can be sent as null."
                ),
                ir::Origin::Patch { of: self.model_id(m)? },
            ),
            Role::Response => (
                base.clone(),
                doc_or(&m.description, || format!("The `{}` model.", m.name.value)),
                ir::Origin::Model,
            ),
        };
        let fields = self.all_fields(m);
        let in_role = |f: &&&spec::Field| match role {
            Role::Response => !f.write_only,
            Role::Create | Role::Patch => !f.read_only,
        };
        let mut taken = Vec::new();
        let lowered = fields
            .iter()
            .filter(in_role)
            .map(|f| self.field(f, &m.name.value, role, &mut taken))
            .collect::<Result<Vec<_>, Error>>()?;
        let write_only_fields = match role {
            Role::Response => fields
                .iter()
                .filter(|f| f.write_only)
                .map(|f| self.field(f, &m.name.value, role, &mut taken))
                .collect::<Result<Vec<_>, Error>>()?,
            Role::Create | Role::Patch => Vec::new(),
        };
        // Default is only honest for requests when every field may be left out: then it is the empty request, or
        // the request of the spec's defaults.
        let all_optional = lowered.iter().all(|f| f.presence.optional());
        let optional_or_defaulted = lowered
            .iter()
            .all(|f| f.presence.optional() || f.default.is_some());
        let default_impl = match role {
            Role::Response => ir::DefaultImpl::None,
            _ if all_optional => ir::DefaultImpl::Derive,
            _ if optional_or_defaulted => ir::DefaultImpl::Manual,
            _ => ir::DefaultImpl::None,
        };
        let extends = match role {
            Role::Response => extends
                .iter()
                .map(|b| {
                    self.table
                        .models
                        .get(b.value.as_str())
                        .map(|(id, _)| *id)
                        .ok_or_else(|| {
                            super::unchecked(&format!("the base model `{}`", b.value), b.span)
                        })
                })
                .collect::<Result<Vec<_>, Error>>()?,
            Role::Create | Role::Patch => Vec::new(),
        };
        Ok(ir::TypeDef {
            rust_name,
            wire_name: match role {
                Role::Response => m.name.value.clone(),
                Role::Create => format!("{}Create", m.name.value),
                Role::Patch => format!("{}Patch", m.name.value),
            },
            doc,
            span: m.name.span,
            origin,
            schema_index: None,
            kind: ir::TypeKind::Struct(ir::Struct {
                fields: lowered,
                write_only_fields,
                reject_unknown_fields,
                // Set once operations are known: whether a request can carry it.
                request: false,
                default_impl,
                extends,
            }),
        })
    }

    fn model_id(&self, m: &spec::Model) -> Result<TypeId, Error> {
        self.table
            .models
            .get(m.name.value.as_str())
            .map(|(id, _)| *id)
            .ok_or_else(|| super::unchecked(&format!("the model `{}`", m.name.value), m.name.span))
    }

    /// A field's type in a role: a `write_as` field of a request body holds its model's request form.
    fn field_ty(&self, f: &spec::Field, role: Role) -> Result<Ty, Error> {
        let ty = self.ty(&f.ty.value, f.ty.span)?;
        let Some(w) = &f.write_as else {
            return Ok(ty);
        };
        let form = match (role, w.value) {
            (Role::Response, _) => return Ok(ty),
            (Role::Create, _) | (Role::Patch, spec::WriteAs::Create) => &self.table.create,
            (Role::Patch, spec::WriteAs::Patch) => &self.table.patch,
        };
        fn swap(t: Ty, model: TypeId, form: TypeId) -> Ty {
            match t {
                Ty::Named(id) if id == model => Ty::Named(form),
                Ty::List(inner) => Ty::List(Box::new(swap(*inner, model, form))),
                Ty::Map(inner) => Ty::Map(Box::new(swap(*inner, model, form))),
                other => other,
            }
        }
        let target = super::field_model(&f.ty.value)
            .ok_or_else(|| super::unchecked("`write_as` on a field that holds no model", w.span))?;
        let model = self.model_id(
            self.model(target)
                .ok_or_else(|| super::unchecked("a `write_as` model", w.span))?,
        )?;
        let form = form
            .get(target)
            .copied()
            .ok_or_else(|| super::unchecked(&format!("the request form of `{target}`"), w.span))?;
        Ok(swap(ty, model, form))
    }

    fn field(
        &self,
        f: &spec::Field,
        owner: &str,
        role: Role,
        taken: &mut Vec<String>,
    ) -> Result<ir::Field, Error> {
        let default = match role {
            // Absent in a PATCH means "leave as is", not the default.
            Role::Patch => None,
            Role::Response | Role::Create => f.default.as_ref().map(|d| d.value.clone()),
        };
        let optional = match role {
            Role::Response => f.optional,
            Role::Create => !f.required_on_create,
            Role::Patch => true,
        } && default.is_none();
        // A nullable field takes null in every body, a create body included: sending `null` there is how a caller
        // says "no value" explicitly, which is not the same as leaving the server's default.
        let presence = match (optional, f.nullable) {
            (false, false) => Presence::Required,
            (false, true) => Presence::Nullable,
            (true, false) => Presence::Optional,
            (true, true) => Presence::Tristate,
        };
        let rust_name = f
            .rust_name
            .as_ref()
            .map_or_else(|| ident::value_name(&f.name.value), |r| r.value.clone());
        let mut doc = doc_or(&f.description, || format!("The `{}` field.", f.name.value));
        if f.write_only && role != Role::Response {
            doc.push_str("\n\nWrite-only: the server never returns it.");
        }
        Ok(ir::Field {
            rust_name: ident::unique(rust_name, taken),
            wire_name: f.name.value.clone(),
            doc,
            span: f.name.span,
            ty: self.field_ty(f, role)?,
            presence,
            boxed: self.refers_back(&f.ty.value, owner),
            constraints: constraints(&f.constraints),
            example: f.example.clone(),
            access: match (f.read_only, f.write_only) {
                (true, _) => ir::Access::ReadOnly,
                (_, true) => ir::Access::WriteOnly,
                _ => ir::Access::ReadWrite,
            },
            default,
            deprecated: deprecated(&f.deprecated),
        })
    }

    /// True if a field of type `t` in model `owner` leads back to `owner` without a list or map in between,
    /// which Rust can only represent with a `Box`.
    fn refers_back(&self, t: &TypeExpr, owner: &str) -> bool {
        fn walk(cx: &Lower, name: &str, owner: &str, seen: &mut Vec<String>) -> bool {
            if name == owner {
                return true;
            }
            if seen.iter().any(|s| s == name) {
                return false;
            }
            seen.push(name.to_owned());
            match cx.model(name) {
                Some(
                    m @ spec::Model {
                        kind: ModelKind::Struct { .. },
                        ..
                    },
                ) => cx
                    .all_fields(m)
                    .iter()
                    .any(|f| matches!(&f.ty.value, TypeExpr::Named(n) if walk(cx, n, owner, seen))),
                Some(spec::Model {
                    kind: ModelKind::Union { variants, .. },
                    ..
                }) => variants
                    .iter()
                    .any(|v| matches!(&v.ty.value, TypeExpr::Named(n) if walk(cx, n, owner, seen))),
                _ => false,
            }
        }
        matches!(t, TypeExpr::Named(n) if walk(self, n, owner, &mut Vec::new()))
    }

    fn union_def(
        &self,
        m: &'s spec::Model,
        tag: Option<&spec::Name>,
        variants: &[spec::UnionVariant],
        open: bool,
    ) -> Result<ir::TypeDef, Error> {
        // `Unknown` holds what an open union does not know.
        let mut taken = if open {
            vec!["Unknown".to_owned()]
        } else {
            Vec::new()
        };
        let lowered = variants
            .iter()
            .map(|v| {
                let name = match (&v.rust_name, &v.tag) {
                    (Some(r), _) => r.value.clone(),
                    (None, Some(t)) => ident::type_name(&t.value),
                    (None, None) => ident::type_name(&variant_stem(&v.ty.value)),
                };
                let declares_tag = match (tag, &v.ty.value) {
                    (Some(tag), TypeExpr::Named(n)) => self.model(n).is_some_and(|t| {
                        self.all_fields(t).iter().any(|f| f.name.value == tag.value)
                    }),
                    _ => false,
                };
                let doc = prose(&v.description).unwrap_or_else(|| match (&v.tag, tag) {
                    (Some(value), Some(tag)) => format!("`{}: \"{}\"`.", tag.value, value.value),
                    _ => format!("A value of the `{}` variant.", variant_stem(&v.ty.value)),
                });
                Ok(ir::UnionVariant {
                    rust_name: ident::unique_type(name, &mut taken),
                    tag: v.tag.as_ref().map(|t| t.value.clone()),
                    ty: self.ty(&v.ty.value, v.ty.span)?,
                    doc,
                    span: v.ty.span,
                    declares_tag,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(ir::TypeDef {
            rust_name: ident::model_name(&m.name.value),
            wire_name: m.name.value.clone(),
            doc: doc_or(&m.description, || format!("The `{}` union.", m.name.value)),
            span: m.name.span,
            origin: ir::Origin::Model,
            schema_index: None,
            kind: ir::TypeKind::Union(ir::Union {
                tag: tag.map(|t| t.value.clone()),
                variants: lowered,
                open,
            }),
        })
    }

    fn page_def(
        &self,
        name: &str,
        item: &TypeExpr,
        style: ir::PaginationId,
        span: crate::diagnostic::Span,
        pagination: &[ir::Pagination],
    ) -> Result<ir::TypeDef, Error> {
        let p = pagination
            .get(style.0)
            .ok_or_else(|| super::unchecked("a pagination style", span))?;
        let item = self.ty(item, span)?;
        let field = |wire: &str, ty: Ty, presence: Presence, doc: &str| ir::Field {
            rust_name: ident::value_name(wire),
            wire_name: wire.to_owned(),
            doc: doc.to_owned(),
            span,
            ty,
            presence,
            boxed: false,
            constraints: ir::Constraints::default(),
            example: None,
            access: ir::Access::ReadOnly,
            default: None,
            deprecated: None,
        };
        let mut taken = Vec::new();
        let results = field(
            &p.results,
            Ty::List(Box::new(item)),
            Presence::Required,
            "The items of this page.",
        );
        let mut fields = match &p.style {
            ir::PageStyle::LimitOffset { .. } | ir::PageStyle::PageNumber { .. } => vec![
                field(
                    &p.count,
                    Ty::I64,
                    Presence::Required,
                    "Total number of items across all pages.",
                ),
                field(
                    &p.next,
                    Ty::Uri,
                    Presence::Nullable,
                    "Absolute URL of the next page, or null on the last page.",
                ),
                field(
                    &p.previous,
                    Ty::Uri,
                    Presence::Nullable,
                    "Absolute URL of the previous page, or null on the first page.",
                ),
                results,
            ],
            ir::PageStyle::Cursor {
                source, has_more, ..
            } => {
                let mut fields = vec![results];
                if let Some(flag) = has_more {
                    fields.push(field(
                        flag,
                        Ty::Bool,
                        Presence::Required,
                        "Whether more items follow this page.",
                    ));
                }
                if let ir::CursorSource::Envelope(token) = source {
                    fields.push(field(
                        token,
                        Ty::String,
                        Presence::Tristate,
                        "The cursor of the next page; null or absent on the last page.",
                    ));
                }
                fields
            }
            // Link-paginated answers are the bare item list: validation allows no `page<T>` there.
            ir::PageStyle::Link { .. } => {
                return Err(super::unchecked("a `page<T>` of Link pagination", span))
            }
        };
        for f in &mut fields {
            f.rust_name = ident::unique(std::mem::take(&mut f.rust_name), &mut taken);
        }
        let style_spec = &self.spec.pagination[style.0];
        for f in &style_spec.fields {
            fields.push(self.field(f, name, Role::Response, &mut taken)?);
        }
        Ok(ir::TypeDef {
            rust_name: name.to_owned(),
            wire_name: name.to_owned(),
            doc: format!(
                "One page of a paginated list ({} pagination).",
                match p.style {
                    ir::PageStyle::LimitOffset { .. } => "limit/offset",
                    ir::PageStyle::PageNumber { .. } => "page-number",
                    ir::PageStyle::Cursor { .. } => "cursor",
                    ir::PageStyle::Link { .. } => "Link header",
                }
            ),
            span,
            origin: ir::Origin::Page { style },
            schema_index: None,
            kind: ir::TypeKind::Struct(ir::Struct {
                fields,
                write_only_fields: Vec::new(),
                reject_unknown_fields: false,
                request: false,
                default_impl: ir::DefaultImpl::None,
                extends: Vec::new(),
            }),
        })
    }
}

pub(super) fn constraints(c: &spec::Constraints) -> ir::Constraints {
    let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok());
    ir::Constraints {
        max_length: count(c.max_length),
        min_length: count(c.min_length),
        pattern: c.pattern.as_ref().map(|p| p.value.clone()),
        minimum: c.minimum,
        maximum: c.maximum,
        min_items: count(c.min_items),
        max_items: count(c.max_items),
    }
}

/// The words naming an untagged variant after its type: `String`, `Label`, `StringList`.
fn variant_stem(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Prim(p) => ident::camel_stem(p.name()),
        TypeExpr::List(i) => format!("{}List", variant_stem(i)),
        TypeExpr::Map(i) => format!("{}Map", variant_stem(i)),
        TypeExpr::Named(n) => ident::camel_stem(n),
        _ => "Value".into(),
    }
}

/// A Rust variant name for an enum value: strings by their words, integers as `Value1`/`ValueMinus1`, booleans as
/// `True`/`False`.
fn literal_name(value: &Literal) -> String {
    match value {
        Literal::Str(s) => ident::variant_name(s),
        Literal::Int(i) if *i < 0 => format!("ValueMinus{}", i.unsigned_abs()),
        Literal::Int(i) => format!("Value{i}"),
        Literal::Bool(true) => "True".into(),
        Literal::Bool(false) => "False".into(),
    }
}

fn enum_def(m: &spec::Model, values: &[spec::EnumValue], open: bool) -> ir::TypeDef {
    // `Unknown` holds the values an open enum does not know; written names are taken first, so a derived name
    // never takes one a value was given.
    let mut taken: Vec<String> = if open {
        vec!["Unknown".to_owned()]
    } else {
        Vec::new()
    };
    taken.extend(
        values
            .iter()
            .filter_map(|v| v.rust_name.as_ref().map(|r| r.value.clone())),
    );
    let variants = values
        .iter()
        .map(|v| ir::Variant {
            rust_name: match &v.rust_name {
                Some(r) => r.value.clone(),
                None => ident::unique_type(literal_name(&v.value.value), &mut taken),
            },
            wire_name: v.value.value.text(),
            value: v.value.value.clone(),
            doc: prose(&v.description),
            span: v.value.span,
            deprecated: deprecated(&v.deprecated),
        })
        .collect();
    let kind = match values.first().map(|v| &v.value.value) {
        Some(Literal::Int(_)) => ir::EnumKind::Integer,
        Some(Literal::Bool(_)) => ir::EnumKind::Boolean,
        _ => ir::EnumKind::String,
    };
    ir::TypeDef {
        rust_name: ident::model_name(&m.name.value),
        wire_name: m.name.value.clone(),
        doc: doc_or(&m.description, || format!("The `{}` enum.", m.name.value)),
        span: m.name.span,
        origin: ir::Origin::Model,
        schema_index: None,
        kind: ir::TypeKind::Enum(ir::Enum {
            variants,
            open,
            kind,
        }),
    }
}

/// The types a request can carry (bodies, parameters, and what they hold), in id order. Open enums are left out:
/// the server takes any string for them (the implementation decides what an unknown value means), so the schema
/// describes them as strings.
pub(super) fn request_types(
    types: &[ir::TypeDef],
    resources: &[ir::Resource],
    api_headers: &[ir::Param],
) -> Vec<TypeId> {
    let mut reachable = BTreeSet::new();
    // The API's headers are checked on every operation, so their types (an enum of versions) are requests' too.
    let mut todo: Vec<&Ty> = resources
        .iter()
        .flat_map(|r| &r.operations)
        .flat_map(|op| {
            op.body
                .iter()
                .map(|b| &b.ty)
                .chain(op.params.iter().map(|p| &p.ty))
        })
        .chain(api_headers.iter().map(|p| &p.ty))
        .collect();
    while let Some(t) = todo.pop() {
        match t {
            Ty::Named(id) if reachable.insert(*id) => match &types[id.0].kind {
                ir::TypeKind::Struct(s) => todo.extend(s.fields.iter().map(|f| &f.ty)),
                ir::TypeKind::Union(u) => todo.extend(u.variants.iter().map(|v| &v.ty)),
                ir::TypeKind::Enum(_) => {}
            },
            Ty::List(inner) | Ty::Map(inner) => todo.push(inner),
            _ => {}
        }
    }
    reachable
        .into_iter()
        .filter(|id| !matches!(&types[id.0].kind, ir::TypeKind::Enum(e) if e.open))
        .collect()
}
