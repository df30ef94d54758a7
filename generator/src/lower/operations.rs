//! Resources and operations → IR: the full path, the parameters with their locations (pagination's included), the
//! body, the responses with their roles and variant names, the standard answers each operation can give, and the
//! names the client and the server print.

use super::names::{self, ArgNames, SetterNames};
use super::{prose, status_code, unchecked, Lower};
use crate::ident;
use crate::ir::{
    self, ErrorKind, ParamLocation, ParamStyle, ResponseRole, Security, StatusKey, Ty,
};
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
            rust_name: ident::module_name(&r.name.value),
            // Escaped as a whole (`self` gives `SelfClient`, not `Self_Client`).
            client_type: ident::type_name_of(&[&r.name.value, "Client"]),
            server_trait: ident::type_name_of(&[&r.name.value, "Api"]),
            type_name,
            wire_name: r.name.value.clone(),
            doc: prose(&r.description),
            span: r.name.span,
            client_accessor: accessor,
            feature,
            operations,
        })
    }

    pub(super) fn param(
        &self,
        p: &spec::Param,
        location: ParamLocation,
    ) -> Result<ir::Param, Error> {
        let ty = self.ty(&p.ty.value, p.ty.span)?;
        // Lists default to repeated keys; objects (maps, structs, tagged unions) are only ever deep objects.
        let style = match (&p.style, &ty) {
            (Some(s), _) => s.value,
            (None, ir::Ty::Map(_)) => ParamStyle::DeepObject,
            (None, ir::Ty::Named(id)) if self.is_object(*id) => ParamStyle::DeepObject,
            (None, _) => ParamStyle::Form,
        };
        Ok(ir::Param {
            rust_name: ident::value_name(&p.name.value),
            wire_name: p.name.value.clone(),
            doc: prose(&p.description),
            span: p.name.span,
            location,
            ty,
            required: location == ParamLocation::Path || p.required,
            example: p.example.clone(),
            default: p.default.as_ref().map(|d| d.value.clone()),
            deprecated: deprecated(&p.deprecated),
            constraints: super::types::constraints(&p.constraints),
            style,
            clamp: None,
        })
    }

    /// Whether the type `id` stands for is written as a JSON object (a struct, or a union tagged by a field), or
    /// may be (an untagged union with an object among its variants: in the query, `created[gt]=5` beside
    /// `created=5`).
    fn is_object(&self, id: ir::TypeId) -> bool {
        match self.table.slots.get(id.0) {
            Some(super::Slot::Model(m)) => match &m.kind {
                spec::ModelKind::Struct { .. } => true,
                spec::ModelKind::Union { tag: Some(_), .. } => true,
                spec::ModelKind::Union {
                    tag: None,
                    variants,
                    ..
                } => variants.iter().any(|v| match &v.ty.value {
                    spec::TypeExpr::Map(_) => true,
                    spec::TypeExpr::Named(n) => self
                        .model(n)
                        .is_some_and(|m| matches!(m.kind, spec::ModelKind::Struct { .. })),
                    _ => false,
                }),
                spec::ModelKind::Enum { .. } => false,
            },
            Some(_) => true,
            None => false,
        }
    }

    /// A response header.
    pub(super) fn header(&self, h: &spec::Param) -> Result<ir::Header, Error> {
        Ok(ir::Header {
            rust_name: ident::value_name(&h.name.value),
            wire_name: h.name.value.clone(),
            doc: prose(&h.description),
            ty: self.ty(&h.ty.value, h.ty.span)?,
            required: h.required,
            deprecated: deprecated(&h.deprecated),
            span: h.name.span,
            api_wide: false,
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
            params.extend(page_params(&spec.pagination[i], &pagination[i]));
        }
        for q in &op.query {
            params.push(self.param(q, ParamLocation::Query)?);
        }
        for h in &op.headers {
            params.push(self.param(h, ParamLocation::Header)?);
        }
        // Query parameters become fields of one struct (the server's query type), and headers of another (with
        // the API's headers), so their names must differ; path parameters are arguments, kept apart by the
        // argument rules below.
        let mut query_names = Vec::new();
        let mut header_names: Vec<String> = api
            .headers
            .iter()
            .map(|h| ident::value_name(&h.name.value))
            .collect();
        let mut path_names = Vec::new();
        for p in &mut params {
            let taken = match p.location {
                ParamLocation::Query => &mut query_names,
                ParamLocation::Header => &mut header_names,
                ParamLocation::Path => &mut path_names,
            };
            p.rust_name = ident::unique(std::mem::take(&mut p.rust_name), taken);
        }

        let body = match &op.body {
            Some(b) => Some(ir::Body {
                ty: self.ty(&b.ty.value, b.ty.span)?,
                is_patch: matches!(b.ty.value, TypeExpr::Patch(_)),
                encoding: body_encoding(b),
                span: b.ty.span,
            }),
            None => None,
        };
        let error_models: Vec<ir::TypeId> = errors.models.iter().map(|m| m.ty).collect();
        let type_name = ident::type_name_of(&[&r.name.value, &op.name.value]);
        let link_style =
            style.filter(|i| matches!(pagination[*i].style, ir::PageStyle::Link { .. }));
        let mut responses = Vec::new();
        let mut op_pagination = None;
        for resp in &op.responses {
            let status = resp.status.value;
            if let StatusKey::Code(code) = status {
                status_code(i64::from(code), resp.status.span)?;
            }
            let ty = match &resp.ty.value {
                TypeExpr::None => None,
                other => Some(self.ty(other, resp.ty.span)?),
            };
            let success = status.is_success();
            if success && op_pagination.is_none() {
                op_pagination = self.op_pagination(resp, ty.as_ref(), style, types, pagination)?;
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
            let mut headers = resp
                .headers
                .iter()
                .map(|h| self.header(h))
                .collect::<Result<Vec<_>, Error>>()?;
            // A Link-paginated answer carries the next page's link, whether the spec lists the header or not.
            if link_style.is_some()
                && success
                && !headers
                    .iter()
                    .any(|h| h.wire_name.eq_ignore_ascii_case("link"))
            {
                headers.push(link_header(resp.status.span));
            }
            let own_headers = !headers.is_empty();
            for h in &api.response_headers {
                if !headers
                    .iter()
                    .any(|o| o.wire_name.eq_ignore_ascii_case(&h.name.value))
                {
                    headers.push(ir::Header {
                        api_wide: true,
                        ..self.header(h)?
                    });
                }
            }
            let mut header_fields = Vec::new();
            for h in &mut headers {
                h.rust_name = ident::unique(std::mem::take(&mut h.rust_name), &mut header_fields);
            }
            let variant = status_variant(status);
            responses.push(ir::Response {
                status,
                encoding: response_encoding(resp, ty.is_some()),
                headers_struct: own_headers.then(|| format!("{type_name}{variant}Headers")),
                headers,
                ty,
                doc: prose(&resp.description),
                span: resp.status.span,
                variant,
                role,
            });
        }
        let security = match (&api.auth, &op.auth) {
            (None, _) => Security::None,
            (Some(_), spec::OpAuth::Open) => Security::Optional,
            (Some(_), _) => Security::Required,
        };
        let (schemes, default_schemes) = match (&api.auth, &op.auth) {
            (Some(auth), spec::OpAuth::AnyOf(names)) => {
                let lowered = super::lower_auth(auth)?;
                let chosen = names
                    .iter()
                    .map(|n| super::scheme_index(&lowered.schemes, n))
                    .collect::<Result<Vec<_>, Error>>()?;
                let same = chosen == lowered.default;
                (chosen, same)
            }
            (Some(auth), spec::OpAuth::Default) => (super::lower_auth(auth)?.default, true),
            (Some(_), spec::OpAuth::Open) | (None, _) => (Vec::new(), true),
        };
        let scopes: Vec<String> = op.scopes.iter().map(|s| s.value.clone()).collect();
        let standard_errors = standard_errors(security, !scopes.is_empty(), body.is_some());
        let idempotent = op.is_idempotent();
        let takes_key = op.idempotency_key.as_ref().map_or(!idempotent, |k| k.value);
        let idempotency_header = api
            .idempotency_header
            .as_ref()
            .filter(|_| takes_key)
            .map(|h| h.value.clone());
        let client = client_op(
            &type_name,
            &params,
            body.as_ref(),
            &responses,
            op_pagination.is_some(),
            types,
        );
        let server = server_op(&type_name, &params, !api.headers.is_empty());
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
            deprecated: deprecated(&op.deprecated),
            security,
            schemes,
            default_schemes,
            scopes,
            params,
            body,
            responses,
            standard_errors,
            pagination: op_pagination,
            idempotent,
            idempotency_header,
            client,
            server,
            type_name,
        })
    }

    /// How an operation's success answer `resp` is paginated, if it is: a `page<T>` envelope of the operation's
    /// style, or (Link style) the item list itself.
    fn op_pagination(
        &self,
        resp: &spec::Response,
        ty: Option<&Ty>,
        style: Option<usize>,
        types: &[ir::TypeDef],
        pagination: &[ir::Pagination],
    ) -> Result<Option<ir::OpPagination>, Error> {
        let Some(style) = style else {
            return Ok(None);
        };
        let p = &pagination[style];
        match (&resp.ty.value, &p.style) {
            (TypeExpr::List(item), ir::PageStyle::Link { .. }) => Ok(Some(ir::OpPagination {
                style: ir::PaginationId(style),
                item: self.ty(item, resp.ty.span)?,
                envelope: None,
                results_field: None,
                next_field: None,
            })),
            (TypeExpr::Page(item), _) => {
                let envelope = ty
                    .and_then(Ty::named)
                    .ok_or_else(|| unchecked("a page envelope", resp.ty.span))?;
                let has_field = |wire: &str| {
                    types[envelope.0]
                        .kind
                        .fields()
                        .iter()
                        .any(|f| f.wire_name == wire)
                };
                let next = match &p.style {
                    ir::PageStyle::LimitOffset { .. } | ir::PageStyle::PageNumber { .. } => {
                        Some(p.next.clone())
                    }
                    _ => None,
                };
                if !has_field(&p.results) || next.as_deref().is_some_and(|n| !has_field(n)) {
                    return Err(unchecked("the page envelope's fields", resp.ty.span));
                }
                Ok(Some(ir::OpPagination {
                    style: ir::PaginationId(style),
                    item: self.ty(item, resp.ty.span)?,
                    envelope: Some(envelope),
                    results_field: Some(p.results.clone()),
                    next_field: next,
                }))
            }
            _ => Ok(None),
        }
    }
}

/// The query parameters a pagination style adds to an operation, documented.
fn page_params(style: &spec::PaginationStyle, lowered: &ir::Pagination) -> Vec<ir::Param> {
    let param = |name: &str, ty: Ty, doc: String| ir::Param {
        rust_name: ident::value_name(name),
        wire_name: name.to_owned(),
        doc: Some(doc),
        span: style.name.span,
        location: ParamLocation::Query,
        ty,
        required: false,
        example: None,
        default: None,
        deprecated: None,
        constraints: ir::Constraints::default(),
        style: ParamStyle::Form,
        clamp: None,
    };
    let limit_doc = |default: Option<i64>| {
        let mut doc = match default {
            Some(d) => {
                format!("Number of results to return per page (the server's default is {d}).")
            }
            None => "Number of results to return per page.".to_owned(),
        };
        match lowered.max_limit {
            Some(ir::MaxLimit { value, clamp: true }) => {
                doc += &format!(" At most {value}: a larger limit gets {value}.")
            }
            Some(ir::MaxLimit {
                value,
                clamp: false,
            }) => doc += &format!(" At most {value}: a larger limit is refused."),
            None => {}
        }
        doc
    };
    // The limit parameter, bounded by the style's `max_limit` as the style says.
    let limit_of = |name: &str, default: Option<i64>| {
        let mut p = param(name, Ty::I64, limit_doc(default));
        match lowered.max_limit {
            Some(ir::MaxLimit { value, clamp: true }) => p.clamp = Some(value),
            Some(ir::MaxLimit {
                value,
                clamp: false,
            }) => p.constraints.maximum = Some(value as f64),
            None => {}
        }
        p
    };
    match &lowered.style {
        ir::PageStyle::LimitOffset {
            limit_param,
            offset_param,
            default_limit,
        } => vec![
            limit_of(limit_param, *default_limit),
            param(
                offset_param,
                Ty::I64,
                "The initial index from which to return the results.".to_owned(),
            ),
        ],
        ir::PageStyle::PageNumber { page_param, .. } => vec![param(
            page_param,
            Ty::I64,
            "A page number within the paginated result set.".to_owned(),
        )],
        ir::PageStyle::Cursor {
            cursor_param,
            source,
            limit_param,
            default_limit,
            ..
        } => {
            let mut params = Vec::new();
            if let Some(limit) = limit_param {
                params.push(limit_of(limit, *default_limit));
            }
            let from = match source {
                ir::CursorSource::LastItem(field) => {
                    format!("the `{field}` of the last item of the page before")
                }
                ir::CursorSource::Envelope(field) => {
                    format!("the `{field}` of the page before")
                }
            };
            params.push(param(
                cursor_param,
                Ty::String,
                format!("A cursor: the page after {from}. Pagination sets it for you."),
            ));
            params
        }
        ir::PageStyle::Link {
            limit_param,
            page_param,
            default_limit,
        } => {
            let mut params = Vec::new();
            if let Some(limit) = limit_param {
                params.push(limit_of(limit, *default_limit));
            }
            if let Some(page) = page_param {
                params.push(param(
                    page,
                    Ty::I64,
                    "The page to start from (later pages follow the `Link` header).".to_owned(),
                ));
            }
            params
        }
    }
}

/// The `Link` header of a Link-paginated answer.
fn link_header(span: crate::diagnostic::Span) -> ir::Header {
    ir::Header {
        rust_name: "link".into(),
        wire_name: "Link".into(),
        doc: Some("The links to other pages (RFC 8288): `rel=\"next\"` is the next page's, absent on the last page.".into()),
        ty: Ty::String,
        required: false,
        deprecated: None,
        span,
        api_wide: false,
    }
}

/// A body's encoding from its `content` (validation checked the word or media type fits the type).
fn body_encoding(b: &spec::Body) -> ir::BodyEncoding {
    let content = b.content.as_ref().map(|c| c.value.as_str());
    match content {
        None | Some("json") => ir::BodyEncoding::Json,
        Some("form") | Some("application/x-www-form-urlencoded") => ir::BodyEncoding::Form,
        Some("multipart") | Some("multipart/form-data") => ir::BodyEncoding::Multipart,
        Some(media) if is_json_media(media) => ir::BodyEncoding::Json,
        Some(media) if matches!(b.ty.value, TypeExpr::Prim(spec::Prim::String)) => {
            ir::BodyEncoding::Text {
                media_type: media.to_owned(),
            }
        }
        Some(media) => ir::BodyEncoding::Binary {
            media_type: media.to_owned(),
        },
    }
}

/// Whether a media type is JSON (`application/json`, `application/problem+json`).
pub(super) fn is_json_media(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or(media).trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// An answer's encoding from its type and `content` (validation checked they fit).
fn response_encoding(resp: &spec::Response, has_body: bool) -> ir::ResponseEncoding {
    let media: Vec<String> = resp.content.iter().map(|c| c.value.clone()).collect();
    match &resp.ty.value {
        _ if !has_body => ir::ResponseEncoding::Empty,
        TypeExpr::Events(_) => ir::ResponseEncoding::Events {
            sentinel: resp.sentinel.as_ref().map(|s| s.value.clone()),
        },
        TypeExpr::Prim(spec::Prim::Binary) => ir::ResponseEncoding::Binary {
            media_types: if media.is_empty() {
                vec!["application/octet-stream".to_owned()]
            } else {
                media
            },
        },
        TypeExpr::Prim(spec::Prim::String) if media.first().is_some_and(|m| !is_json_media(m)) => {
            ir::ResponseEncoding::Text {
                media_type: media[0].clone(),
            }
        }
        _ => ir::ResponseEncoding::Json {
            media_type: media
                .into_iter()
                .next()
                .unwrap_or_else(|| "application/json".to_owned()),
        },
    }
}

fn deprecated(d: &Option<spec::Deprecation>) -> Option<ir::Deprecated> {
    d.as_ref().map(|d| ir::Deprecated {
        note: d.note.clone(),
    })
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
    let success: Vec<&ir::Response> = responses
        .iter()
        .filter(|r| r.role == ResponseRole::Success)
        .collect();
    let headers_struct = success
        .iter()
        .any(|r| !r.headers.is_empty())
        .then(|| format!("{type_name}ResponseHeaders"));
    let streaming = success.iter().any(|r| {
        matches!(
            r.encoding,
            ir::ResponseEncoding::Binary { .. } | ir::ResponseEncoding::Events { .. }
        )
    });
    let mut methods = Vec::new();
    if headers_struct.is_some() {
        methods.push("send_with_headers");
    }
    if streaming {
        methods.push("send_streaming");
    }
    let mut names = SetterNames::new(body_struct.is_some(), paginated, &methods);
    let mut setters = Vec::new();
    for (i, p) in params.iter().enumerate() {
        if p.location != ParamLocation::Path && !p.required {
            let suffix = match p.location {
                ParamLocation::Header => "header",
                _ => "param",
            };
            let (name, _, set_name) = names.names(&p.rust_name, suffix, false);
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
        [only] if only.role == ResponseRole::Success => match (&only.ty, &only.encoding) {
            (None, _) => ir::ClientReturns::Unit,
            (Some(_), ir::ResponseEncoding::Binary { .. }) => ir::ClientReturns::Binary,
            (Some(_), ir::ResponseEncoding::Text { .. }) => ir::ClientReturns::Text,
            (Some(t), ir::ResponseEncoding::Events { .. }) => ir::ClientReturns::Events(t.clone()),
            (Some(t), _) => ir::ClientReturns::Value(t.clone()),
        },
        _ => ir::ClientReturns::Enum(format!("{type_name}Response")),
    };
    ir::ClientOp {
        request_type: format!("{type_name}Request"),
        returns,
        headers_struct,
        args,
        setters,
    }
}

fn server_op(type_name: &str, params: &[ir::Param], api_headers: bool) -> ir::ServerOp {
    let mut names = ArgNames::new(&["ctx", "query", "headers", "body"]);
    ir::ServerOp {
        handler: ident::value_name(type_name),
        query_struct: params
            .iter()
            .any(|p| p.location == ParamLocation::Query)
            .then(|| format!("{type_name}Query")),
        headers_struct: (api_headers || params.iter().any(|p| p.location == ParamLocation::Header))
            .then(|| format!("{type_name}Headers")),
        response_enum: format!("{type_name}Response"),
        path_args: params
            .iter()
            .filter(|p| p.location == ParamLocation::Path)
            .map(|p| names.name(&p.rust_name))
            .collect(),
    }
}

/// The response-enum variant for a status, named after its reason phrase; ranges and `default` by their class.
pub fn status_variant(status: StatusKey) -> String {
    let status = match status {
        StatusKey::Code(code) => code,
        StatusKey::Range(1) => return "Informational".into(),
        StatusKey::Range(2) => return "Success".into(),
        StatusKey::Range(3) => return "Redirection".into(),
        StatusKey::Range(4) => return "ClientError".into(),
        StatusKey::Range(_) => return "ServerError".into(),
        StatusKey::Default => return "Other".into(),
    };
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
