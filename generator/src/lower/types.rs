//! Models → [`ir::TypeDef`]s: one spec struct gives the response type and, when operations use them, its create and
//! PATCH bodies; `page<T>` gives an envelope; enums stay enums. Presence, boxing and docs are decided here.

use super::{doc_or, prose, Lower, Slot};
use crate::ident;
use crate::ir::{self, Presence, Ty, TypeId};
use crate::spec::{self, ModelKind, TypeExpr};
use crate::Error;
use std::collections::BTreeSet;

/// Which fields of a model a struct holds, and how.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Response,
    Create,
    Patch,
}

impl Lower<'_> {
    pub(super) fn type_def(
        &self,
        slot: &Slot<'_>,
        pagination: &[ir::Pagination],
    ) -> Result<ir::TypeDef, Error> {
        match slot {
            Slot::Model(m) => match &m.kind {
                ModelKind::Struct {
                    fields,
                    reject_unknown_fields,
                } => self.struct_def(m, fields, *reject_unknown_fields, Role::Response),
                ModelKind::Enum { values, open } => Ok(enum_def(m, values, *open)),
            },
            Slot::Create(m) | Slot::Patch(m) => {
                let role = if matches!(slot, Slot::Create(_)) {
                    Role::Create
                } else {
                    Role::Patch
                };
                match &m.kind {
                    ModelKind::Struct {
                        fields,
                        reject_unknown_fields,
                    } => self.struct_def(m, fields, *reject_unknown_fields, role),
                    ModelKind::Enum { .. } => Err(super::unchecked(
                        &format!("a request body of the enum `{}`", m.name.value),
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
        m: &spec::Model,
        fields: &[spec::Field],
        reject_unknown_fields: bool,
        role: Role,
    ) -> Result<ir::TypeDef, Error> {
        let base = ident::type_name(&m.name.value);
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
        let in_role = |f: &&spec::Field| match role {
            Role::Response => !f.write_only,
            Role::Create | Role::Patch => !f.read_only,
        };
        let mut taken = Vec::new();
        let lowered = fields
            .iter()
            .filter(in_role)
            .map(|f| self.field(f, m, role, &mut taken))
            .collect::<Result<Vec<_>, Error>>()?;
        let write_only_fields = match role {
            Role::Response => fields
                .iter()
                .filter(|f| f.write_only)
                .map(|f| self.field(f, m, role, &mut taken))
                .collect::<Result<Vec<_>, Error>>()?,
            Role::Create | Role::Patch => Vec::new(),
        };
        // Default is only honest when every field may be left out: then `Default` is the empty request.
        let derive_default =
            role != Role::Response && lowered.iter().all(|f| f.presence.optional());
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
                derive_default,
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

    fn field(
        &self,
        f: &spec::Field,
        m: &spec::Model,
        role: Role,
        taken: &mut Vec<String>,
    ) -> Result<ir::Field, Error> {
        let optional = match role {
            Role::Response => f.optional,
            Role::Create => !f.required_on_create,
            Role::Patch => true,
        };
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
            ty: self.ty(&f.ty.value, f.ty.span)?,
            presence,
            boxed: self.refers_back(&f.ty.value, &m.name.value),
            constraints: ir::Constraints {
                max_length: f.constraints.max_length.and_then(|n| u64::try_from(n).ok()),
                min_length: f.constraints.min_length.and_then(|n| u64::try_from(n).ok()),
                pattern: f.constraints.pattern.as_ref().map(|p| p.value.clone()),
                minimum: f.constraints.minimum,
                maximum: f.constraints.maximum,
            },
            example: f.example.clone(),
            access: match (f.read_only, f.write_only) {
                (true, _) => ir::Access::ReadOnly,
                (_, true) => ir::Access::WriteOnly,
                _ => ir::Access::ReadWrite,
            },
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
            match cx.table.models.get(name).map(|(_, m)| &m.kind) {
                Some(ModelKind::Struct { fields, .. }) => fields
                    .iter()
                    .any(|f| matches!(&f.ty.value, TypeExpr::Named(n) if walk(cx, n, owner, seen))),
                _ => false,
            }
        }
        matches!(t, TypeExpr::Named(n) if walk(self, n, owner, &mut Vec::new()))
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
        };
        let mut taken = Vec::new();
        let mut fields = vec![
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
            field(
                &p.results,
                Ty::List(Box::new(item)),
                Presence::Required,
                "The items of this page.",
            ),
        ];
        for f in &mut fields {
            f.rust_name = ident::unique(std::mem::take(&mut f.rust_name), &mut taken);
        }
        Ok(ir::TypeDef {
            rust_name: name.to_owned(),
            wire_name: name.to_owned(),
            doc: format!(
                "One page of a paginated list ({} pagination).",
                match p.style {
                    ir::PageStyle::LimitOffset { .. } => "limit/offset",
                    ir::PageStyle::PageNumber { .. } => "page-number",
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
                derive_default: false,
            }),
        })
    }
}

fn enum_def(m: &spec::Model, values: &[spec::EnumValue], open: bool) -> ir::TypeDef {
    // `Unknown` holds the values an open enum does not know.
    let mut taken = if open {
        vec!["Unknown".to_owned()]
    } else {
        Vec::new()
    };
    let variants = values
        .iter()
        .map(|v| ir::Variant {
            rust_name: ident::unique_type(ident::type_name(&v.value.value), &mut taken),
            wire_name: v.value.value.clone(),
            doc: prose(&v.description),
            span: v.value.span,
        })
        .collect();
    ir::TypeDef {
        rust_name: ident::type_name(&m.name.value),
        wire_name: m.name.value.clone(),
        doc: doc_or(&m.description, || format!("The `{}` enum.", m.name.value)),
        span: m.name.span,
        origin: ir::Origin::Model,
        schema_index: None,
        kind: ir::TypeKind::Enum(ir::Enum { variants, open }),
    }
}

/// The types a request can carry (bodies, and what they hold), in id order. Open enums are left out: the server
/// takes any string for them (the implementation decides what an unknown value means), so the schema describes
/// them as strings.
pub(super) fn request_types(types: &[ir::TypeDef], resources: &[ir::Resource]) -> Vec<TypeId> {
    let mut reachable = BTreeSet::new();
    let mut todo: Vec<&Ty> = resources
        .iter()
        .flat_map(|r| &r.operations)
        .flat_map(|op| {
            op.body
                .iter()
                .map(|b| &b.ty)
                .chain(op.params.iter().map(|p| &p.ty))
        })
        .collect();
    while let Some(t) = todo.pop() {
        match t {
            Ty::Named(id) if reachable.insert(*id) => {
                if let ir::TypeKind::Struct(s) = &types[id.0].kind {
                    todo.extend(s.fields.iter().map(|f| &f.ty));
                }
            }
            Ty::List(inner) | Ty::Map(inner) => todo.push(inner),
            _ => {}
        }
    }
    reachable
        .into_iter()
        .filter(|id| !matches!(&types[id.0].kind, ir::TypeKind::Enum(e) if e.open))
        .collect()
}
