//! lower: a validated [`Spec`](crate::spec::Spec) → the [`ir::Api`]. Every decision the emitters would otherwise make is made here:
//! names, types resolved to [`ir::TypeId`]s, derived types (create and PATCH bodies, page envelopes), paths joined,
//! parameters located, responses given their roles, the standard answers of each operation, the client's and the
//! server's names.
//!
//! It runs only after [`crate::validate`] passed. A reference validation should have refused is a generator bug,
//! reported as [`Error::Internal`] naming where in the spec it was, never papered over with a guess.
//!
//! `types` lowers models, `operations` resources and operations, `names` holds the naming rules the client and
//! server share.

mod evolution;
mod names;
mod operations;
mod types;

use crate::diagnostic::Span;
use crate::ident;
use crate::ir::{self, ErrorKind, Ty, TypeId};
use crate::prose::doc_safe;
use crate::spec::{self, ModelKind, Prim, TypeExpr};
use crate::Error;
use std::collections::HashMap;

pub fn lower(spec: &spec::Spec) -> Result<ir::Api, Error> {
    let table = TypeTable::new(spec);
    let mut cx = Lower { spec, table };
    cx.api()
}

/// Which type each name of the spec is, decided before anything is lowered so that types can refer to each other
/// (and to themselves) by id.
struct TypeTable<'s> {
    /// The spec's models, in spec order, each with its id.
    models: HashMap<&'s str, (TypeId, &'s spec::Model)>,
    /// The create and PATCH bodies operations use, by model name.
    create: HashMap<&'s str, TypeId>,
    patch: HashMap<&'s str, TypeId>,
    /// Page envelopes by name, with their item type and style.
    pages: HashMap<String, TypeId>,
    /// What each id is, in id order: the order of [`ir::Api::types`].
    slots: Vec<Slot<'s>>,
}

/// What a [`TypeId`] stands for, before it is lowered.
enum Slot<'s> {
    Model(&'s spec::Model),
    Create(&'s spec::Model),
    Patch(&'s spec::Model),
    Page {
        name: String,
        item: &'s TypeExpr,
        style: ir::PaginationId,
        span: Span,
    },
}

impl<'s> TypeTable<'s> {
    fn new(spec: &'s spec::Spec) -> Self {
        // The bodies and envelopes operations need, in first-use order.
        let mut create = Vec::new();
        let mut patch = Vec::new();
        let mut pages: Vec<(String, &TypeExpr, ir::PaginationId, Span)> = Vec::new();
        for r in &spec.resources {
            for op in &r.operations {
                match op.body.as_ref().map(|b| &b.ty.value) {
                    Some(TypeExpr::Create(m)) if !create.contains(&m.as_str()) => create.push(m),
                    Some(TypeExpr::Patch(m)) if !patch.contains(&m.as_str()) => patch.push(m),
                    _ => {}
                }
                let style = op.pagination.as_ref().and_then(|n| {
                    spec.pagination
                        .iter()
                        .position(|p| p.name.value == n.value)
                        .map(ir::PaginationId)
                });
                for resp in &op.responses {
                    if let (TypeExpr::Page(item), Some(style)) = (&resp.ty.value, style) {
                        let name = item.page_name();
                        if !pages.iter().any(|(n, ..)| *n == name) {
                            pages.push((name, item, style, resp.ty.span));
                        }
                    }
                }
            }
        }
        // `write_as` fields reach the request forms of other models, through any depth of nesting.
        let by_name: HashMap<&str, &spec::Model> = spec
            .models
            .iter()
            .map(|m| (m.name.value.as_str(), m))
            .collect();
        let lookup = |n: &str| by_name.get(n).copied();
        let mut todo: Vec<(&str, bool)> = create
            .iter()
            .map(|m| (*m, false))
            .chain(patch.iter().map(|m| (*m, true)))
            .collect();
        while let Some((name, is_patch)) = todo.pop() {
            let Some(model) = lookup(name) else { continue };
            for f in model.all_fields(&lookup) {
                let (Some(w), Some(target)) = (&f.write_as, field_model(&f.ty.value)) else {
                    continue;
                };
                let target_patch = is_patch && w.value == spec::WriteAs::Patch;
                let forms = if target_patch {
                    &mut patch
                } else {
                    &mut create
                };
                if !forms.contains(&target) {
                    forms.push(target);
                    todo.push((target, target_patch));
                }
            }
        }
        let mut table = TypeTable {
            models: HashMap::new(),
            create: HashMap::new(),
            patch: HashMap::new(),
            pages: HashMap::new(),
            slots: Vec::new(),
        };
        for m in &spec.models {
            let name = m.name.value.as_str();
            let id = table.push(Slot::Model(m));
            table.models.entry(name).or_insert((id, m));
            if matches!(m.kind, ModelKind::Struct { .. }) {
                if create.contains(&name) {
                    let id = table.push(Slot::Create(m));
                    table.create.insert(name, id);
                }
                if patch.contains(&name) {
                    let id = table.push(Slot::Patch(m));
                    table.patch.insert(name, id);
                }
            }
        }
        for (name, item, style, span) in pages {
            let id = table.push(Slot::Page {
                name: name.clone(),
                item,
                style,
                span,
            });
            table.pages.insert(name, id);
        }
        table
    }

    fn push(&mut self, slot: Slot<'s>) -> TypeId {
        self.slots.push(slot);
        TypeId(self.slots.len() - 1)
    }
}

/// The model a field's type names, through lists and maps.
fn field_model(t: &TypeExpr) -> Option<&str> {
    match t {
        TypeExpr::Named(n) => Some(n),
        TypeExpr::List(inner) | TypeExpr::Map(inner) => field_model(inner),
        _ => None,
    }
}

struct Lower<'s> {
    spec: &'s spec::Spec,
    table: TypeTable<'s>,
}

impl<'s> Lower<'s> {
    /// The spec's model named `name`.
    fn model(&self, name: &str) -> Option<&'s spec::Model> {
        self.table.models.get(name).map(|(_, m)| *m)
    }

    /// The struct's fields with the ones it extends first.
    fn all_fields(&self, m: &'s spec::Model) -> Vec<&'s spec::Field> {
        let lookup = |n: &str| self.model(n);
        m.all_fields(&lookup)
    }
}

/// A spec description as IR doc text: trailing space trimmed, code blocks made safe for rustdoc (see [`doc_safe`]).
fn prose(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(|t| doc_safe(t.trim_end()))
        .filter(|t| !t.trim().is_empty())
}

fn doc_or(text: &Option<String>, fallback: impl FnOnce() -> String) -> String {
    prose(text).unwrap_or_else(fallback)
}

/// The error for a reference validation should have refused.
fn unchecked(what: &str, span: Span) -> Error {
    Error::Internal(format!(
        "{what} (spec line {}, column {}) reached code generation unchecked",
        span.line, span.col
    ))
}

impl<'s> Lower<'s> {
    /// Resolves a type expression written at `span`.
    fn ty(&self, t: &TypeExpr, span: Span) -> Result<Ty, Error> {
        Ok(match t {
            TypeExpr::Prim(p) => match p {
                Prim::String => Ty::String,
                Prim::Integer => Ty::I64,
                Prim::Number => Ty::F64,
                Prim::Boolean => Ty::Bool,
                Prim::Uuid => Ty::Uuid,
                Prim::DateTime => Ty::DateTime,
                Prim::Date => Ty::Date,
                Prim::Uri => Ty::Uri,
                Prim::Email => Ty::Email,
                Prim::Json => Ty::Json,
                Prim::Binary => Ty::Binary,
            },
            TypeExpr::List(i) => Ty::List(Box::new(self.ty(i, span)?)),
            TypeExpr::Map(i) => Ty::Map(Box::new(self.ty(i, span)?)),
            TypeExpr::Named(n) => match self.table.models.get(n.as_str()) {
                Some((id, _)) => Ty::Named(*id),
                None => return Err(unchecked(&format!("the type `{n}`"), span)),
            },
            TypeExpr::Create(n) => match self.table.create.get(n.as_str()) {
                Some(id) => Ty::Named(*id),
                None => return Err(unchecked(&format!("`create<{n}>`"), span)),
            },
            TypeExpr::Patch(n) => match self.table.patch.get(n.as_str()) {
                Some(id) => Ty::Named(*id),
                None => return Err(unchecked(&format!("`patch<{n}>`"), span)),
            },
            TypeExpr::Page(item) => match self.table.pages.get(&item.page_name()) {
                Some(id) => Ty::Named(*id),
                None => return Err(unchecked("a `page<T>` without pagination", span)),
            },
            // An event stream's type is that of each event's data.
            TypeExpr::Events(item) => self.ty(item, span)?,
            TypeExpr::None => return Err(unchecked("`none` outside a response", span)),
        })
    }

    fn api(&mut self) -> Result<ir::Api, Error> {
        let spec = self.spec;
        let api = &spec.api;
        let pagination: Vec<ir::Pagination> =
            spec.pagination.iter().map(lower_pagination).collect();
        let mut types = Vec::with_capacity(self.table.slots.len());
        for slot in &self.table.slots {
            types.push(self.type_def(slot, &pagination)?);
        }
        let errors = self.errors(&types)?;
        let resources = spec
            .resources
            .iter()
            .zip(
                names::accessors(spec)
                    .into_iter()
                    .zip(names::features(spec)),
            )
            .map(|(r, accessor)| self.resource(r, accessor, &types, &errors, &pagination))
            .collect::<Result<Vec<_>, Error>>()?;
        let headers = api
            .headers
            .iter()
            .map(|h| self.param(h, ir::ParamLocation::Header))
            .collect::<Result<Vec<_>, Error>>()?;
        let request_types = types::request_types(&types, &resources, &headers);
        let mut types = types;
        for (index, id) in request_types.iter().enumerate() {
            let t = &mut types[id.0];
            t.schema_index = Some(index);
            if let ir::TypeKind::Struct(s) = &mut t.kind {
                s.request = true;
            }
        }
        Ok(ir::Api {
            package_name: api.name.value.clone(),
            crate_name: api.name.value.replace('-', "_"),
            title: api.title.clone(),
            version: api.version.value.clone(),
            description: prose(&api.description),
            server: api.server.value.trim_end_matches('/').to_owned(),
            server_env: api.server_env.as_ref().map(|e| e.value.clone()),
            auth: api.auth.as_ref().map(lower_auth).transpose()?,
            headers,
            response_headers: api
                .response_headers
                .iter()
                .map(|h| {
                    Ok(ir::Header {
                        api_wide: true,
                        ..self.header(h)?
                    })
                })
                .collect::<Result<Vec<_>, Error>>()?,
            types,
            pagination,
            errors,
            evolution: evolution::evolution(spec, &self.table),
            resources,
            request_types,
        })
    }

    fn errors(&self, types: &[ir::TypeDef]) -> Result<ir::Errors, Error> {
        let errors = &self.spec.errors;
        let model_id = |name: &spec::Name| match self.table.models.get(name.value.as_str()) {
            Some((id, _)) => Ok(*id),
            None => Err(unchecked(
                &format!("the error model `{}`", name.value),
                name.span,
            )),
        };
        // `Raw` is the client's variant for bodies that fit no model.
        let mut taken = vec!["Raw".to_owned()];
        let models = errors
            .models
            .iter()
            .map(|m| {
                let ty = model_id(m)?;
                let variant = ident::unique_type(types[ty.0].rust_name.clone(), &mut taken);
                Ok(ir::ErrorModel { ty, variant })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let answers = errors
            .answers
            .iter()
            .map(|a| {
                Ok(ir::ErrorAnswer {
                    kind: a.kind.value,
                    status: status_code(a.status.value, a.status.span)?,
                    model: model_id(&a.model)?,
                    body: a.body.clone(),
                    doc: prose(&a.description),
                    span: a.kind.span,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(ir::Errors {
            models,
            answers,
            malformed_path: errors
                .malformed_path
                .as_ref()
                .map_or(ErrorKind::Validation, |k| k.value),
        })
    }
}

/// A status validation checked to be an HTTP status.
fn status_code(status: i64, span: Span) -> Result<u16, Error> {
    u16::try_from(status)
        .ok()
        .filter(|s| (100..=599).contains(s))
        .ok_or_else(|| unchecked(&format!("the status {status}"), span))
}

fn lower_auth(a: &spec::Auth) -> Result<ir::Auth, Error> {
    let schemes: Vec<ir::Scheme> = a
        .schemes
        .iter()
        .map(|s| ir::Scheme {
            name: s.name.value.clone(),
            kind: s.kind.value,
            key: match (&s.key_location, &s.key_name) {
                (Some(at), Some(name)) => Some((at.value, name.value.clone())),
                _ => None,
            },
            env: s.env.as_ref().map(|e| e.value.clone()),
            description: prose(&s.description),
            span: s.name.span,
        })
        .collect();
    let default = if a.default.is_empty() {
        (0..schemes.len()).collect()
    } else {
        a.default
            .iter()
            .map(|n| scheme_index(&schemes, n))
            .collect::<Result<Vec<_>, Error>>()?
    };
    Ok(ir::Auth {
        schemes,
        default,
        wildcard_scope: a.wildcard_scope.as_ref().map(|w| w.value.clone()),
        implied_scopes: a
            .implied_scopes
            .iter()
            .map(|r| (r.from.value.clone(), r.grants.value.clone()))
            .collect(),
    })
}

/// The index of the scheme `name` refers to.
fn scheme_index(schemes: &[ir::Scheme], name: &spec::Name) -> Result<usize, Error> {
    schemes
        .iter()
        .position(|s| s.name == name.value)
        .ok_or_else(|| unchecked(&format!("the auth scheme `{}`", name.value), name.span))
}

fn lower_pagination(p: &spec::PaginationStyle) -> ir::Pagination {
    let name = |n: &Option<spec::Name>, d: &str| {
        n.as_ref().map_or_else(|| d.to_owned(), |n| n.value.clone())
    };
    let style = match p.style.value {
        spec::PageStyleKind::LimitOffset => ir::PageStyle::LimitOffset {
            limit_param: name(&p.limit_param, "limit"),
            offset_param: name(&p.offset_param, "offset"),
            default_limit: p.default_limit,
        },
        spec::PageStyleKind::PageNumber => ir::PageStyle::PageNumber {
            page_param: name(&p.page_param, "page"),
            page_size: p.page_size,
        },
        spec::PageStyleKind::Cursor => ir::PageStyle::Cursor {
            cursor_param: name(&p.cursor_param, "cursor"),
            // Validation requires one of the two.
            source: match (&p.cursor_item, &p.cursor_field) {
                (_, Some(field)) => ir::CursorSource::Envelope(field.value.clone()),
                (item, None) => ir::CursorSource::LastItem(name(item, "id")),
            },
            has_more: p.has_more.as_ref().map(|h| h.value.clone()),
            limit_param: p.limit_param.as_ref().map(|l| l.value.clone()),
            default_limit: p.default_limit,
        },
        spec::PageStyleKind::Link => ir::PageStyle::Link {
            limit_param: p.limit_param.as_ref().map(|l| l.value.clone()),
            page_param: p.page_param.as_ref().map(|l| l.value.clone()),
            default_limit: p.default_limit,
        },
    };
    ir::Pagination {
        name: p.name.value.clone(),
        doc: prose(&p.description),
        span: p.name.span,
        style,
        max_limit: p.max_limit.as_ref().map(|m| ir::MaxLimit {
            value: m.value,
            clamp: p
                .above_max_limit
                .as_ref()
                .is_some_and(|a| a.value == spec::AboveMaxLimit::Clamp),
        }),
        count: name(&p.count, "count"),
        next: name(&p.next, "next"),
        previous: name(&p.previous, "previous"),
        results: name(&p.results, "results"),
    }
}

#[cfg(test)]
mod tests;
