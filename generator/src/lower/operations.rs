//! Resources and operations → IR: the full path, the parameters with their locations (pagination's included), the
//! body, the responses with their roles and variant names, the standard answers each operation can give, and the
//! names the client and the server print.

use super::names::{self, ArgNames, SetterNames};
use super::{prose, status_code, unchecked, Lower};
use crate::ident;
use crate::ir::{self, ErrorKind, ParamLocation, ResponseRole, Security, Ty};
use crate::prose::doc_safe;
use crate::spec::{self, TypeExpr};
use crate::Error;

impl Lower<'_> {
    pub(super) fn resource(
        &self,
        r: &spec::Resource,
        (accessor, feature): (String, String),
        types: &[ir::TypeDef],
        errors: &ir::Errors,
        pagination: &[ir::Pagination],
    ) -> Result<ir::Resource, Error> {
        let type_name = ident::type_name(&r.name.value);
        let operations = r
            .operations
            .iter()
            .map(|op| self.operation(r, op, types, errors, pagination))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(ir::Resource {
            rust_name: ident::value_name(&r.name.value),
            client_type: format!("{type_name}Client"),
            server_trait: format!("{type_name}Api"),
            type_name,
            wire_name: r.name.value.clone(),
            doc: prose(&r.description),
            span: r.name.span,
            client_accessor: accessor,
            feature,
            operations,
        })
    }

    fn param(&self, p: &spec::Param, location: ParamLocation) -> Result<ir::Param, Error> {
        Ok(ir::Param {
            rust_name: ident::value_name(&p.name.value),
            wire_name: p.name.value.clone(),
            doc: prose(&p.description),
            span: p.name.span,
            location,
            ty: self.ty(&p.ty.value, p.ty.span)?,
            required: location == ParamLocation::Path || p.required,
            example: p.example.clone(),
            default: p.default.as_ref().map(|d| d.value.clone()),
            deprecated: p.deprecated.as_ref().map(|d| ir::Deprecated {
                note: d.note.clone(),
            }),
            constraints: super::types::constraints(&p.constraints),
        })
    }

    fn operation(
        &self,
        r: &spec::Resource,
        op: &spec::Operation,
        types: &[ir::TypeDef],
        errors: &ir::Errors,
        pagination: &[ir::Pagination],
    ) -> Result<ir::Operation, Error> {
        let spec = self.spec;
        let api = &spec.api;
        let path = spec.op_path(r, op);
        let declared: Vec<&spec::Param> = api.base_params.iter().chain(&op.params).collect();
        let mut params = Vec::new();
        for name in spec::path_params(&path)
            .map_err(|e| unchecked(&format!("the path `{path}` ({e})"), op.name.span))?
        {
            let p = declared
                .iter()
                .find(|p| p.name.value == name)
                .ok_or_else(|| unchecked(&format!("the path parameter `{name}`"), op.name.span))?;
            params.push(self.param(p, ParamLocation::Path)?);
        }
        let style = match &op.pagination {
            Some(name) => Some(
                spec.pagination
                    .iter()
                    .position(|p| p.name.value == name.value)
                    .ok_or_else(|| {
                        unchecked(&format!("the pagination style `{}`", name.value), name.span)
                    })?,
            ),
            None => None,
        };
        if let Some(i) = style {
            let style = &spec.pagination[i];
            for (n, (name, default)) in style.params().into_iter().enumerate() {
                let doc = match (style.style.value, n, default) {
                    (spec::PageStyleKind::LimitOffset, 0, Some(d)) => {
                        format!(
                            "Number of results to return per page (the server's default is {d})."
                        )
                    }
                    (spec::PageStyleKind::LimitOffset, 0, None) => {
                        "Number of results to return per page.".to_owned()
                    }
                    (spec::PageStyleKind::LimitOffset, _, _) => {
                        "The initial index from which to return the results.".to_owned()
                    }
                    (spec::PageStyleKind::PageNumber, _, _) => {
                        "A page number within the paginated result set.".to_owned()
                    }
                };
                params.push(ir::Param {
                    rust_name: ident::value_name(&name),
                    wire_name: name,
                    doc: Some(doc),
                    span: style.name.span,
                    location: ParamLocation::Query,
                    ty: Ty::I64,
                    required: false,
                    example: None,
                    default: None,
                    deprecated: None,
                    constraints: ir::Constraints::default(),
                });
            }
        }
        for q in &op.query {
            params.push(self.param(q, ParamLocation::Query)?);
        }
        // Query parameters become fields of one struct (the server's query type), so their names must differ;
        // path parameters are arguments, kept apart by the argument rules below.
        let mut query_names = Vec::new();
        for p in params
            .iter_mut()
            .filter(|p| p.location == ParamLocation::Query)
        {
            p.rust_name = ident::unique(std::mem::take(&mut p.rust_name), &mut query_names);
        }
        let mut path_names = Vec::new();
        for p in params
            .iter_mut()
            .filter(|p| p.location == ParamLocation::Path)
        {
            p.rust_name = ident::unique(std::mem::take(&mut p.rust_name), &mut path_names);
        }

        let body = match &op.body {
            Some(b) => Some(ir::Body {
                ty: self.ty(&b.value, b.span)?,
                is_patch: matches!(b.value, TypeExpr::Patch(_)),
                span: b.span,
            }),
            None => None,
        };
        let error_models: Vec<ir::TypeId> = errors.models.iter().map(|m| m.ty).collect();
        let mut responses = Vec::new();
        let mut op_pagination = None;
        for resp in &op.responses {
            let status = status_code(resp.status.value, resp.status.span)?;
            let ty = match &resp.ty.value {
                TypeExpr::None => None,
                other => Some(self.ty(other, resp.ty.span)?),
            };
            let success = (200..300).contains(&status);
            if let (TypeExpr::Page(item), Some(style), true, None) =
                (&resp.ty.value, style, success, &op_pagination)
            {
                let envelope = ty
                    .as_ref()
                    .and_then(Ty::named)
                    .ok_or_else(|| unchecked("a page envelope", resp.ty.span))?;
                let p = &pagination[style];
                let field = |wire: &str| {
                    types[envelope.0]
                        .kind
                        .fields()
                        .iter()
                        .find(|f| f.wire_name == wire)
                        .map(|f| f.rust_name.clone())
                        .ok_or_else(|| {
                            unchecked(&format!("the envelope field `{wire}`"), resp.ty.span)
                        })
                };
                op_pagination = Some(ir::OpPagination {
                    style: ir::PaginationId(style),
                    item: self.ty(item, resp.ty.span)?,
                    envelope,
                    next_field: field(&p.next)?,
                    results_field: field(&p.results)?,
                });
            }
            let role = if success {
                ResponseRole::Success
            } else {
                match &ty {
                    Some(Ty::Named(id)) if error_models.contains(id) => ResponseRole::Error,
                    Some(_) => ResponseRole::Outcome,
                    None => ResponseRole::Error,
                }
            };
            responses.push(ir::Response {
                status,
                ty,
                doc: prose(&resp.description),
                span: resp.status.span,
                variant: status_variant(status),
                role,
            });
        }
        let security = match (&api.auth, op.auth) {
            (None, _) => Security::None,
            (Some(_), true) => Security::Required,
            (Some(_), false) => Security::Optional,
        };
        let scopes: Vec<String> = op.scopes.iter().map(|s| s.value.clone()).collect();
        let standard_errors = standard_errors(security, !scopes.is_empty(), body.is_some());
        let type_name = ident::type_name_of(&[&r.name.value, &op.name.value]);
        let client = client_op(
            &type_name,
            &params,
            body.as_ref(),
            &responses,
            op_pagination.is_some(),
            types,
        );
        let server = server_op(&type_name, &params);
        Ok(ir::Operation {
            static_name: names::static_name(&ident::value_name(&op.name.value)),
            rust_name: ident::value_name(&op.name.value),
            wire_name: op.name.value.clone(),
            operation_id: op.operation_id.as_ref().map_or_else(
                || format!("{}_{}", r.name.value, op.name.value),
                |o| o.value.clone(),
            ),
            span: op.name.span,
            method: op.method.value,
            path,
            summary: doc_safe(op.summary.trim()),
            description: prose(&op.description),
            deprecated: op.deprecated.as_ref().map(|d| ir::Deprecated {
                note: d.note.clone(),
            }),
            security,
            scopes,
            params,
            body,
            responses,
            standard_errors,
            pagination: op_pagination,
            idempotent: op.is_idempotent(),
            client,
            server,
            type_name,
        })
    }
}

/// The standard answers an operation can give besides its own: the auth answers where credentials are checked,
/// a missing scope where it requires any, too large a body where it reads one, the two any handler may return
/// (`validation`, `not_found`), and `server_error` for a handler that fails.
fn standard_errors(security: Security, scoped: bool, body: bool) -> Vec<ErrorKind> {
    ErrorKind::ALL
        .into_iter()
        .filter(|kind| match kind {
            ErrorKind::Unauthenticated | ErrorKind::InvalidCredentials => {
                security == Security::Required
            }
            ErrorKind::MissingScope => security == Security::Required && scoped,
            // Any handler may return these, and any may fail (a panic is answered with `server_error`).
            ErrorKind::Validation | ErrorKind::NotFound | ErrorKind::ServerError => true,
            ErrorKind::PayloadTooLarge => body,
            // Answered for a path, not for one of its operations.
            ErrorKind::MethodNotAllowed => false,
        })
        .collect()
}

fn client_op(
    type_name: &str,
    params: &[ir::Param],
    body: Option<&ir::Body>,
    responses: &[ir::Response],
    paginated: bool,
    types: &[ir::TypeDef],
) -> ir::ClientOp {
    let body_struct = body
        .and_then(|b| b.ty.named())
        .and_then(|id| match &types[id.0].kind {
            ir::TypeKind::Struct(s) => Some(s),
            _ => None,
        });
    let mut args = Vec::new();
    let mut arg_names = ArgNames::new(&[]);
    for (i, p) in params.iter().enumerate() {
        if p.location == ParamLocation::Path || p.required {
            args.push(ir::ClientArg {
                name: arg_names.name(&p.rust_name),
                source: ir::ArgSource::Param(i),
            });
        }
    }
    if body.is_some() && body_struct.is_none() {
        args.push(ir::ClientArg {
            name: arg_names.name("body"),
            source: ir::ArgSource::Body,
        });
    }
    let mut names = SetterNames::new(body_struct.is_some(), paginated);
    let mut setters = Vec::new();
    for (i, p) in params.iter().enumerate() {
        if p.location == ParamLocation::Query && !p.required {
            let (name, _, set_name) = names.names(&p.rust_name, "param", false);
            setters.push(ir::Setter {
                name,
                set_name,
                null_name: None,
                target: ir::SetterTarget::Param(i),
            });
        }
    }
    if let Some(s) = body_struct {
        for (i, f) in s.fields.iter().enumerate() {
            let (name, null_name, set_name) =
                names.names(&f.rust_name, "field", f.presence.nullable());
            setters.push(ir::Setter {
                name,
                set_name,
                null_name,
                target: ir::SetterTarget::Field(i),
            });
        }
    }
    let outcomes: Vec<&ir::Response> = responses
        .iter()
        .filter(|r| r.role != ResponseRole::Error)
        .collect();
    let returns = match outcomes.as_slice() {
        [] => ir::ClientReturns::Unit,
        [only] if only.role == ResponseRole::Success => match &only.ty {
            Some(t) => ir::ClientReturns::Value(t.clone()),
            None => ir::ClientReturns::Unit,
        },
        _ => ir::ClientReturns::Enum(format!("{type_name}Response")),
    };
    ir::ClientOp {
        request_type: format!("{type_name}Request"),
        returns,
        args,
        setters,
    }
}

fn server_op(type_name: &str, params: &[ir::Param]) -> ir::ServerOp {
    let mut names = ArgNames::new(&["ctx", "query", "body"]);
    ir::ServerOp {
        handler: ident::value_name(type_name),
        query_struct: params
            .iter()
            .any(|p| p.location == ParamLocation::Query)
            .then(|| format!("{type_name}Query")),
        response_enum: format!("{type_name}Response"),
        path_args: params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| names.name(&p.rust_name))
            .collect(),
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
