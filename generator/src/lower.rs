//! lower: a validated [`Spec`] → the [`ir::Api`]: names chosen, types resolved, derived types (create and PATCH
//! bodies, page envelopes) created, and paths joined.
//!
//! It runs only after [`crate::validate`] passed, so it never reports errors: where a lookup "cannot fail" it is
//! because validation already checked it, and the fallback is harmless.

use crate::ident;
use crate::ir::{self, Ty};
use crate::prose::doc_safe;
use crate::spec::{self, ModelKind, Prim, TypeExpr};
use crate::validate::{join_path, page_name, page_params, path_params};

pub fn lower(spec: &spec::Spec) -> ir::Api {
    let mut cx = Lower {
        spec,
        models: spec
            .models
            .iter()
            .map(|m| (m.name.value.as_str(), m))
            .collect(),
        structs: Vec::new(),
        needed_create: Vec::new(),
        needed_patch: Vec::new(),
        pages: Vec::new(),
    };
    cx.api()
}

struct Lower<'s> {
    spec: &'s spec::Spec,
    /// Models by name: lookups happen per field, and specs can hold thousands of models.
    models: std::collections::HashMap<&'s str, &'s spec::Model>,
    structs: Vec<ir::Struct>,
    needed_create: Vec<String>,
    needed_patch: Vec<String>,
    /// Page envelopes needed: (envelope name, item type, style index).
    pages: Vec<(String, Ty, usize)>,
}

/// A spec description as IR doc text: trailing space trimmed, code blocks made safe for rustdoc (see [`doc_safe`]).
fn prose(text: &Option<String>) -> Option<String> {
    text.as_deref().map(|t| doc_safe(t.trim_end()))
}

fn doc_or(text: &Option<String>, fallback: impl FnOnce() -> String) -> String {
    match text {
        Some(t) if !t.trim().is_empty() => doc_safe(t.trim_end()),
        _ => fallback(),
    }
}

impl<'s> Lower<'s> {
    fn model(&self, name: &str) -> Option<&'s spec::Model> {
        self.models.get(name).copied()
    }

    fn ty(&self, t: &TypeExpr) -> Ty {
        match t {
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
            },
            TypeExpr::List(i) => Ty::List(Box::new(self.ty(i))),
            TypeExpr::Map(i) => Ty::Map(Box::new(self.ty(i))),
            TypeExpr::Named(n) => Ty::Named(ident::type_name(n)),
            TypeExpr::Page(i) => Ty::Named(page_name(i)),
            TypeExpr::Create(n) => Ty::Named(ident::type_name_of(&[n, "Create"])),
            TypeExpr::Patch(n) => Ty::Named(ident::type_name_of(&[n, "Patch"])),
            // `none` never reaches a place that needs a type: responses handle it before calling this.
            TypeExpr::None => Ty::Json,
        }
    }

    fn api(&mut self) -> ir::Api {
        let spec = self.spec;
        let api = &spec.api;
        let pagination: Vec<ir::Pagination> =
            spec.pagination.iter().map(lower_pagination).collect();
        let base_params: Vec<ir::Param> = api
            .base_params
            .iter()
            .map(|p| self.param(p, true))
            .collect();
        let resources: Vec<ir::Resource> =
            spec.resources.iter().map(|r| self.resource(r)).collect();

        let mut enums = Vec::new();
        for m in &spec.models {
            match &m.kind {
                ModelKind::Enum { values, open } => enums.push(self.enum_(m, values, *open)),
                ModelKind::Struct {
                    fields,
                    reject_unknown_fields,
                } => {
                    let name = &m.name.value;
                    self.push_struct(m, fields, *reject_unknown_fields, ir::StructRole::Response);
                    if self.needed_create.contains(name) {
                        self.push_struct(m, fields, *reject_unknown_fields, ir::StructRole::Create);
                    }
                    if self.needed_patch.contains(name) {
                        self.push_struct(m, fields, *reject_unknown_fields, ir::StructRole::Patch);
                    }
                }
            }
        }
        for (name, item, style) in std::mem::take(&mut self.pages) {
            let p = &pagination[style];
            let field = |wire: &str, ty: Ty, nullable: bool, doc: &str| ir::Field {
                rust_name: ident::value_name(wire),
                wire_name: wire.to_owned(),
                doc: doc.to_owned(),
                ty,
                optional: false,
                nullable,
                boxed: false,
                constraints: ir::Constraints::default(),
                example: None,
                access: ir::Access::ReadOnly,
            };
            self.structs.push(ir::Struct {
                rust_name: name.clone(),
                wire_name: name,
                doc: format!(
                    "One page of a paginated list ({} pagination).",
                    match p.style {
                        ir::PageStyle::LimitOffset { .. } => "limit/offset",
                        ir::PageStyle::PageNumber { .. } => "page-number",
                    }
                ),
                role: ir::StructRole::Page,
                write_only_fields: Vec::new(),
                fields: vec![
                    field(
                        &p.count,
                        Ty::I64,
                        false,
                        "Total number of items across all pages.",
                    ),
                    field(
                        &p.next,
                        Ty::Uri,
                        true,
                        "Absolute URL of the next page, or null on the last page.",
                    ),
                    field(
                        &p.previous,
                        Ty::Uri,
                        true,
                        "Absolute URL of the previous page, or null on the first page.",
                    ),
                    field(
                        &p.results,
                        Ty::List(Box::new(item)),
                        false,
                        "The items of this page.",
                    ),
                ],
                reject_unknown_fields: false,
            });
        }
        let errors = ir::Errors {
            models: spec
                .errors
                .models
                .iter()
                .map(|m| ident::type_name(&m.value))
                .collect(),
            answers: spec
                .errors
                .answers
                .iter()
                .map(|a| ir::ErrorAnswer {
                    kind: a.kind.value.clone(),
                    status: u16::try_from(a.status.value).unwrap_or(500),
                    model: ident::type_name(&a.model.value),
                    body: a.body.clone(),
                    doc: prose(&a.description),
                })
                .collect(),
        };
        ir::Api {
            package_name: api.name.value.clone(),
            crate_name: api.name.value.replace('-', "_"),
            title: api.title.clone(),
            version: api.version.value.clone(),
            description: prose(&api.description),
            server: api.server.value.trim_end_matches('/').to_owned(),
            server_env: api.server_env.as_ref().map(|e| e.value.clone()),
            auth: api.auth.as_ref().map(|a| ir::Auth {
                scheme_name: a
                    .name
                    .as_ref()
                    .map_or_else(|| "BearerAuth".to_owned(), |n| n.value.clone()),
                env: a.env.as_ref().map(|e| e.value.clone()),
                description: prose(&a.description),
                wildcard_scope: a.wildcard_scope.as_ref().map(|w| w.value.clone()),
                implied_scopes: a
                    .implied_scopes
                    .iter()
                    .map(|r| (r.from.value.clone(), r.grants.value.clone()))
                    .collect(),
            }),
            base_params,
            structs: std::mem::take(&mut self.structs),
            enums,
            pagination,
            errors,
            resources,
        }
    }

    fn enum_(&self, m: &spec::Model, values: &[spec::EnumValue], open: bool) -> ir::Enum {
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
            })
            .collect();
        ir::Enum {
            rust_name: ident::type_name(&m.name.value),
            wire_name: m.name.value.clone(),
            doc: doc_or(&m.description, || format!("The `{}` enum.", m.name.value)),
            variants,
            open,
        }
    }

    fn push_struct(
        &mut self,
        m: &spec::Model,
        fields: &[spec::Field],
        reject_unknown_fields: bool,
        role: ir::StructRole,
    ) {
        let base = ident::type_name(&m.name.value);
        let (rust_name, doc) = match role {
            ir::StructRole::Create => (ident::type_name_of(&[&m.name.value, "Create"]), format!("The create request body of [`{base}`]: every field except the read-only ones.")),
            ir::StructRole::Patch => (ident::type_name_of(&[&m.name.value, "Patch"]), format!("The partial-update (PATCH) request body of [`{base}`]: every field is optional; nullable fields can be sent as null.")),
            _ => (base.clone(), doc_or(&m.description, || format!("The `{}` model.", m.name.value))),
        };
        let mut taken = Vec::new();
        let in_role = |f: &&spec::Field| match role {
            ir::StructRole::Response | ir::StructRole::Page => !f.write_only,
            ir::StructRole::Create | ir::StructRole::Patch => !f.read_only,
        };
        let lowered: Vec<ir::Field> = fields
            .iter()
            .filter(in_role)
            .map(|f| self.field(f, m, role, &mut taken))
            .collect();
        let write_only_fields = match role {
            ir::StructRole::Response => fields
                .iter()
                .filter(|f| f.write_only)
                .map(|f| self.field(f, m, role, &mut taken))
                .collect(),
            _ => Vec::new(),
        };
        self.structs.push(ir::Struct {
            rust_name,
            wire_name: m.name.value.clone(),
            doc,
            role,
            fields: lowered,
            write_only_fields,
            reject_unknown_fields,
        });
    }

    fn field(
        &self,
        f: &spec::Field,
        m: &spec::Model,
        role: ir::StructRole,
        taken: &mut Vec<String>,
    ) -> ir::Field {
        let optional = match role {
            ir::StructRole::Response | ir::StructRole::Page => f.optional,
            ir::StructRole::Create => !f.required_on_create,
            ir::StructRole::Patch => true,
        };
        // A create body leaves optional fields out rather than sending null, so a nullable optional field
        // there is a plain Option; only PATCH (and responses) need the three states.
        let nullable = f.nullable && !(role == ir::StructRole::Create && optional);
        let rust_name = f
            .rust_name
            .as_ref()
            .map_or_else(|| ident::value_name(&f.name.value), |r| r.value.clone());
        let mut doc = doc_or(&f.description, || format!("The `{}` field.", f.name.value));
        if f.write_only && role != ir::StructRole::Response {
            doc.push_str("\n\nWrite-only: the server never returns it.");
        }
        ir::Field {
            rust_name: ident::unique(rust_name, taken),
            wire_name: f.name.value.clone(),
            doc,
            ty: self.ty(&f.ty.value),
            optional,
            nullable,
            boxed: self.refers_back(&f.ty.value, &m.name.value),
            constraints: ir::Constraints {
                max_length: f.constraints.max_length,
                min_length: f.constraints.min_length,
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
        }
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
            match cx.model(name).map(|m| &m.kind) {
                Some(ModelKind::Struct { fields, .. }) => fields
                    .iter()
                    .any(|f| matches!(&f.ty.value, TypeExpr::Named(n) if walk(cx, n, owner, seen))),
                _ => false,
            }
        }
        matches!(t, TypeExpr::Named(n) if walk(self, n, owner, &mut Vec::new()))
    }

    fn param(&self, p: &spec::Param, path: bool) -> ir::Param {
        ir::Param {
            rust_name: ident::value_name(&p.name.value),
            wire_name: p.name.value.clone(),
            doc: prose(&p.description),
            ty: self.ty(&p.ty.value),
            required: path || p.required,
            example: p.example.clone(),
        }
    }

    fn resource(&mut self, r: &spec::Resource) -> ir::Resource {
        let operations = r
            .operations
            .iter()
            .map(|op| self.operation(r, op))
            .collect();
        ir::Resource {
            rust_name: ident::value_name(&r.name.value),
            type_name: ident::type_name(&r.name.value),
            wire_name: r.name.value.clone(),
            doc: prose(&r.description),
            operations,
        }
    }

    fn operation(&mut self, r: &spec::Resource, op: &spec::Operation) -> ir::Operation {
        let api = &self.spec.api;
        let base = api.base_path.as_ref().map_or("", |b| b.value.as_str());
        let own = op.path.as_ref().map_or("", |p| p.value.as_str());
        let path = join_path(&[base, &r.path.value, own]);
        let segments = path
            .trim_start_matches('/')
            .split('/')
            .map(
                |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => ir::Segment::Param(name.to_owned()),
                    None => ir::Segment::Literal(s.to_owned()),
                },
            )
            .collect();
        let all_params: Vec<&spec::Param> = api.base_params.iter().chain(&op.params).collect();
        let mut taken = Vec::new();
        let path_params = path_params(&path)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|name| all_params.iter().find(|p| p.name.value == name))
            .map(|p| {
                let mut lowered = self.param(p, true);
                lowered.rust_name = ident::unique(lowered.rust_name, &mut taken);
                lowered
            })
            .collect();
        let style_index = op.pagination.as_ref().and_then(|n| {
            self.spec
                .pagination
                .iter()
                .position(|p| p.name.value == n.value)
        });
        let mut query_params: Vec<ir::Param> = Vec::new();
        if let Some(i) = style_index {
            let style = &self.spec.pagination[i];
            for (name, default) in page_params(style) {
                let doc = match (style.style.value.as_str(), default) {
                    ("limit_offset", Some(d)) if query_params.is_empty() => format!(
                        "Number of results to return per page (the server's default is {d})."
                    ),
                    ("limit_offset", _) if query_params.is_empty() => {
                        "Number of results to return per page.".to_owned()
                    }
                    ("limit_offset", _) => {
                        "The initial index from which to return the results.".to_owned()
                    }
                    _ => "A page number within the paginated result set.".to_owned(),
                };
                query_params.push(ir::Param {
                    rust_name: ident::value_name(&name),
                    wire_name: name,
                    doc: Some(doc),
                    ty: Ty::I64,
                    required: false,
                    example: None,
                });
            }
        }
        query_params.extend(op.query.iter().map(|q| self.param(q, false)));
        let mut qtaken = Vec::new();
        for q in &mut query_params {
            q.rust_name = ident::unique(std::mem::take(&mut q.rust_name), &mut qtaken);
        }

        let body = op.body.as_ref().map(|b| {
            match &b.value {
                TypeExpr::Create(m) if !self.needed_create.contains(m) => {
                    self.needed_create.push(m.clone())
                }
                TypeExpr::Patch(m) if !self.needed_patch.contains(m) => {
                    self.needed_patch.push(m.clone())
                }
                _ => {}
            }
            ir::Body {
                ty: self.ty(&b.value),
                is_patch: matches!(b.value, TypeExpr::Patch(_)),
            }
        });
        let mut pagination = None;
        let responses = op
            .responses
            .iter()
            .map(|resp| {
                let status = u16::try_from(resp.status.value).unwrap_or(500);
                let ty = match &resp.ty.value {
                    TypeExpr::None => None,
                    TypeExpr::Page(item) => {
                        let name = page_name(item);
                        let item_ty = self.ty(item);
                        if let Some(i) = style_index {
                            if !self.pages.iter().any(|(n, _, _)| *n == name) {
                                self.pages.push((name.clone(), item_ty.clone(), i));
                            }
                            if (200..300).contains(&status) && pagination.is_none() {
                                pagination = Some(ir::OpPagination {
                                    style: i,
                                    item: item_ty,
                                    envelope: name.clone(),
                                });
                            }
                        }
                        Some(Ty::Named(name))
                    }
                    other => Some(self.ty(other)),
                };
                ir::Response {
                    status,
                    ty,
                    doc: prose(&resp.description),
                    variant: status_variant(status),
                    is_success: (200..300).contains(&status),
                }
            })
            .collect();
        let method = match op.method.value.to_ascii_uppercase().as_str() {
            "GET" => ir::Method::Get,
            "PUT" => ir::Method::Put,
            "PATCH" => ir::Method::Patch,
            "DELETE" => ir::Method::Delete,
            _ => ir::Method::Post,
        };
        ir::Operation {
            rust_name: ident::value_name(&op.name.value),
            type_name: ident::type_name_of(&[&r.name.value, &op.name.value]),
            wire_name: op.name.value.clone(),
            operation_id: op.operation_id.as_ref().map_or_else(
                || format!("{}_{}", r.name.value, op.name.value),
                |o| o.value.clone(),
            ),
            method,
            path,
            segments,
            summary: doc_safe(op.summary.trim()),
            description: prose(&op.description),
            scopes: op.scopes.iter().map(|s| s.value.clone()).collect(),
            auth: op.auth && api.auth.is_some(),
            path_params,
            query_params,
            body,
            responses,
            pagination,
            idempotent: op.idempotent.unwrap_or(matches!(
                method,
                ir::Method::Get | ir::Method::Put | ir::Method::Delete
            )),
        }
    }
}

fn lower_pagination(p: &spec::PaginationStyle) -> ir::Pagination {
    let name = |n: &Option<spec::Name>, d: &str| {
        n.as_ref().map_or_else(|| d.to_owned(), |n| n.value.clone())
    };
    let style = match p.style.value.as_str() {
        "limit_offset" => ir::PageStyle::LimitOffset {
            limit_param: name(&p.limit_param, "limit"),
            offset_param: name(&p.offset_param, "offset"),
            default_limit: p.default_limit,
        },
        _ => ir::PageStyle::PageNumber {
            page_param: name(&p.page_param, "page"),
            page_size: p.page_size,
        },
    };
    ir::Pagination {
        name: p.name.value.clone(),
        doc: prose(&p.description),
        style,
        count: name(&p.count, "count"),
        next: name(&p.next, "next"),
        previous: name(&p.previous, "previous"),
        results: name(&p.results, "results"),
    }
}

/// The response-enum variant for a status code, named after its reason phrase.
pub fn status_variant(status: u16) -> String {
    let name = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        206 => "PartialContent",
        301 => "MovedPermanently",
        302 => "Found",
        304 => "NotModified",
        400 => "BadRequest",
        401 => "Unauthorized",
        402 => "PaymentRequired",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Gone",
        412 => "PreconditionFailed",
        413 => "PayloadTooLarge",
        415 => "UnsupportedMediaType",
        422 => "UnprocessableEntity",
        429 => "TooManyRequests",
        500 => "InternalServerError",
        502 => "BadGateway",
        503 => "ServiceUnavailable",
        504 => "GatewayTimeout",
        _ => return format!("Status{status}"),
    };
    name.to_owned()
}
