//! Emits one resource's file of the client: its accessor type (`InsightVariablesClient`), one method per operation,
//! and per operation a static description for the runtime, a request builder and, for operations with several
//! outcomes, their enum.

use super::super::tokens::{doc, ident, inner_doc, ty, Scope};
use super::docs;
use crate::ir::{
    Api, ArgSource, BodyEncoding, ClientReturns, CursorSource, Operation, PageStyle, Param,
    ParamLocation, ParamStyle, Presence, Resource, ResponseEncoding, ResponseRole, Security,
    SetterTarget, StatusKey, Ty,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit(api: &Api, r: &Resource) -> TokenStream {
    let module_doc = inner_doc(&format!(
        "The client side of the `{}` operations.",
        r.wire_name
    ));
    let accessor = ident(&r.client_type);
    let docs = doc(&format!(
        "The `{}` operations, from [`Client::{}`](super::Client::{}).{}",
        r.wire_name,
        r.client_accessor,
        r.client_accessor,
        r.doc
            .as_deref()
            .map(|d| format!("\n\n{d}"))
            .unwrap_or_default()
    ));
    let methods = r.operations.iter().map(|op| method(api, r, op));
    let items = r.operations.iter().map(|op| {
        let statics = operation_static(api, r, op);
        let request = request(api, r, op);
        let outcomes = outcome_enum(api, op);
        let headers = headers_struct(api, op);
        quote! { #statics #request #outcomes #headers }
    });
    let imports = (!r.operations.is_empty()).then(|| {
        let common = super::super::tokens::imports();
        quote! {
            #common
            use super::{runtime, ApiErrorBody, Client, Error};
        }
    });
    quote! {
        #module_doc

        #imports

        #docs
        #[derive(Debug, Clone, Copy)]
        pub struct #accessor<'a> {
            pub(super) client: &'a Client,
        }

        impl #accessor<'_> {
            #(#methods)*
        }

        #(#items)*
    }
}

fn request_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.client.request_type)
}

/// The operation's static in its resource's file: its name there (unique within a resource) in capitals.
fn static_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.static_name)
}

/// The text of a parameter value: Display gives every scalar's wire form but a date-time's; a list (of a header)
/// is its items' texts joined by commas.
fn param_text(t: &Ty, value: TokenStream) -> TokenStream {
    match t {
        Ty::DateTime => quote! { runtime::datetime_text(&#value) },
        Ty::List(inner) => {
            let item = param_text(inner, quote! { item });
            quote! { #value.iter().map(|item| #item).collect::<Vec<String>>().join(",") }
        }
        _ => quote! { #value.to_string() },
    }
}

/// Whether a query parameter is a list or an object, which the runtime writes in its style.
fn structured(t: &Ty, api: &Api) -> bool {
    match t {
        Ty::List(_) | Ty::Map(_) => true,
        Ty::Named(id) => api.enum_(*id).is_none(),
        _ => false,
    }
}

/// The runtime's name of a parameter style.
fn style_tokens(style: ParamStyle) -> TokenStream {
    match style {
        ParamStyle::Form => quote! { rt::ParamStyle::Form },
        ParamStyle::Comma => quote! { rt::ParamStyle::Comma },
        ParamStyle::Brackets => quote! { rt::ParamStyle::Brackets },
        ParamStyle::DeepObject => quote! { rt::ParamStyle::DeepObject },
    }
}

/// The call that hands a required parameter's value to the request: a query pair (a list or object in its style)
/// or a header.
fn param_call(api: &Api, p: &Param, value: TokenStream) -> TokenStream {
    let wire = &p.wire_name;
    match p.location {
        ParamLocation::Header => {
            let text = param_text(&p.ty, value);
            quote! { .header(#wire, #text) }
        }
        _ if structured(&p.ty, api) => {
            let style = style_tokens(p.style);
            quote! { .query_value(#wire, &#value, #style) }
        }
        _ => {
            let text = if p.ty.is_string() {
                value
            } else {
                param_text(&p.ty, value)
            };
            quote! { .query(#wire, #text) }
        }
    }
}

/// The type a setter takes for `t`: anything that converts into it.
fn setter_ty(api: &Api, t: &Ty) -> TokenStream {
    let t = ty(api, t, Scope::Nested);
    quote! { impl Into<#t> }
}

/// The type a method argument takes for `t`: strings as `impl Into<String>`, other types as they are, so that
/// literals infer (`retrieve("@current", 5)`).
fn arg_ty(api: &Api, t: &Ty) -> TokenStream {
    if t.is_string() {
        quote! { impl Into<String> }
    } else {
        ty(api, t, Scope::Nested)
    }
}

/// A method argument's value as its type.
fn arg_value(t: &Ty, name: &proc_macro2::Ident) -> TokenStream {
    if t.is_string() {
        quote! { #name.into() }
    } else {
        quote! { #name }
    }
}

fn method(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let request = request_ident(op);
    let operation = static_ident(op);
    let docs = doc(&docs::method_doc(api, r, op));
    let deprecated = super::super::models::deprecated_attr(&op.deprecated);
    let mut params = Vec::new();
    let mut path = Vec::new();
    let mut query = Vec::new();
    let mut body = None;
    for arg in &op.client.args {
        let arg_name = ident(&arg.name);
        match arg.source {
            ArgSource::Param(i) => {
                let p = &op.params[i];
                let arg_ty = arg_ty(api, &p.ty);
                params.push(quote! { #arg_name: #arg_ty });
                if p.location == ParamLocation::Path {
                    let text = if p.ty.is_string() {
                        arg_value(&p.ty, &arg_name)
                    } else {
                        param_text(&p.ty, arg_value(&p.ty, &arg_name))
                    };
                    path.push(text);
                } else {
                    let value = arg_value(&p.ty, &arg_name);
                    let value = if p.ty.is_string() {
                        quote! { { let value: String = #value; value } }
                    } else {
                        value
                    };
                    query.push(param_call(api, p, value));
                }
            }
            ArgSource::Body => match op.body.as_ref().map(|b| &b.encoding) {
                Some(BodyEncoding::Binary { .. }) => {
                    params.push(quote! { #arg_name: rt::File });
                    body = Some(quote! { .binary(#arg_name) });
                }
                Some(BodyEncoding::Text { media_type }) => {
                    params.push(quote! { #arg_name: impl Into<String> });
                    body = Some(quote! {
                        .binary(rt::File::from_bytes(#arg_name.into().into_bytes()).with_content_type(#media_type))
                    });
                }
                _ => {
                    let t = op.body.as_ref().map(|b| ty(api, &b.ty, Scope::Nested));
                    params.push(quote! { #arg_name: #t });
                    body = Some(quote! { .json(&#arg_name) });
                }
            },
        }
    }
    quote! {
        #docs
        #deprecated
        pub fn #name(&self, #(#params),*) -> #request {
            #request(self.client.request(&#operation, vec![#(#path),*]) #(#query)* #body)
        }
    }
}

fn operation_static(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let name = static_ident(op);
    let label = format!("{}.{}", r.rust_name, op.rust_name);
    let method = format_ident!("{}", method_variant(op.method));
    let path = &op.path;
    let mut steps = Vec::new();
    if op.idempotent != op.method.is_idempotent() {
        let idempotent = op.idempotent;
        steps.push(quote! { .retry_safe(#idempotent) });
    }
    if op.security != Security::Required {
        steps.push(quote! { .open() });
    } else if !op.default_schemes {
        let names = op
            .schemes
            .iter()
            .filter_map(|i| api.auth.as_ref().map(|a| a.schemes[*i].name.as_str()));
        steps.push(quote! { .auth_any_of(&[#(#names),*]) });
    }
    if let Some(body) = &op.body {
        let required: Vec<&str> = match body.ty.named().and_then(|id| api.struct_(id)) {
            // A field with a default may be left out: the server takes the default. File parts are set apart
            // from the fields; the server says when one is missing.
            Some(s) => s
                .fields
                .iter()
                .filter(|f| !f.presence.optional() && f.default.is_none() && !f.ty.is_file())
                .map(|f| f.wire_name.as_str())
                .collect(),
            None => Vec::new(),
        };
        steps.push(match &body.encoding {
            BodyEncoding::Json => quote! { .json_body(&[#(#required),*]) },
            BodyEncoding::Form => quote! { .form_body(&[#(#required),*]) },
            BodyEncoding::Multipart => quote! { .multipart_body(&[#(#required),*]) },
            BodyEncoding::Binary { .. } | BodyEncoding::Text { .. } => quote! { .binary_body() },
        });
    }
    if let Some(p) = &op.pagination {
        let style = &api.pagination[p.style.0];
        steps.push(match &style.style {
            PageStyle::LimitOffset { .. } | PageStyle::PageNumber { .. } => {
                let (next, results) = (&style.next, &style.results);
                quote! { .paginated(#next, #results) }
            }
            PageStyle::Cursor {
                cursor_param,
                source,
                has_more,
                ..
            } => {
                let source = match source {
                    CursorSource::LastItem(field) => {
                        quote! { runtime::CursorSource::LastItem(#field) }
                    }
                    CursorSource::Envelope(field) => {
                        quote! { runtime::CursorSource::Envelope(#field) }
                    }
                };
                let has_more = super::super::tokens::option_str(has_more.as_deref());
                let results = &style.results;
                quote! { .cursor_paginated(#cursor_param, #source, #results, #has_more) }
            }
            PageStyle::Link { .. } => quote! { .link_paginated() },
        });
    }
    if let Some(header) = &op.idempotency_header {
        steps.push(quote! { .idempotency_key(#header) });
    }
    if let Some(accept) = accept_header(op) {
        steps.push(quote! { .accept(#accept) });
    }
    let docs = format!(" How the runtime sends `{}`.", op.operation_id);
    quote! {
        #[doc = #docs]
        static #name: runtime::Operation =
            runtime::Operation::new(#label, runtime::HttpMethod::#method, #path) #(#steps)*;
    }
}

/// The `Accept` header of an operation whose success answers are not all JSON (the runtime's default): their media
/// types in spec order, so a server that negotiates (OpenAI's streams, a download offered in several formats) answers
/// what the client decodes. `None` keeps `application/json`.
fn accept_header(op: &Operation) -> Option<String> {
    let mut types: Vec<&str> = Vec::new();
    let mut all_json = true;
    for r in op
        .responses
        .iter()
        .filter(|r| r.role == ResponseRole::Success)
    {
        let media: Vec<&str> = match &r.encoding {
            ResponseEncoding::Empty => continue,
            ResponseEncoding::Json { media_type } => vec![media_type],
            ResponseEncoding::Text { media_type } => {
                all_json = false;
                vec![media_type]
            }
            ResponseEncoding::Binary { media_types } => {
                all_json = false;
                media_types.iter().map(String::as_str).collect()
            }
            ResponseEncoding::Events { .. } => {
                all_json = false;
                vec!["text/event-stream"]
            }
        };
        for m in media {
            if !types.contains(&m) {
                types.push(m);
            }
        }
    }
    (!all_json && !types.is_empty()).then(|| types.join(", "))
}

fn method_variant(m: crate::ir::Method) -> &'static str {
    match m {
        crate::ir::Method::Get => "Get",
        crate::ir::Method::Post => "Post",
        crate::ir::Method::Put => "Put",
        crate::ir::Method::Patch => "Patch",
        crate::ir::Method::Delete => "Delete",
        crate::ir::Method::Head => "Head",
        crate::ir::Method::Options => "Options",
    }
}

fn request(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let request = request_ident(op);
    let struct_doc = doc(&format!(
        "A request of [`{}::{}`]: {}\n\nSet optional values with its methods, then call `send`.",
        r.client_type, op.rust_name, op.summary
    ));
    let body_struct = op
        .body
        .as_ref()
        .and_then(|b| b.ty.named())
        .and_then(|id| api.struct_(id));
    let setters = op.client.setters.iter().map(|s| {
        let name = ident(&s.name);
        let set = ident(&s.set_name);
        match s.target {
            SetterTarget::Param(i) => param_setters(api, &op.params[i], &name, &set),
            SetterTarget::Field(i) => {
                let Some(f) = body_struct.and_then(|b| b.fields.get(i)) else {
                    return TokenStream::new();
                };
                let wire = &f.wire_name;
                if f.ty.is_file() {
                    return file_setters(f, &name, &set);
                }
                let value_ty = setter_ty(api, &f.ty);
                let base = ty(api, &f.ty, Scope::Nested);
                let facts = match f.presence {
                    Presence::Required => "required",
                    Presence::Nullable => "required, may be null",
                    Presence::Optional => "optional",
                    Presence::Tristate => "optional, may be null",
                };
                let mut setter_text = format!("{} (Body field `{wire}`, {facts}.)", f.doc);
                if let Some(d) = &f.default {
                    setter_text.push_str(&format!(" Default: `{d}`."));
                }
                if let Some(fact) = super::super::models::deprecation_fact(&f.deprecated) {
                    setter_text.push_str(&format!("\n\n{fact}"));
                }
                let setter_doc = doc(&setter_text);
                let deprecated = super::super::models::deprecated_attr(&f.deprecated);
                let (stored, set_call, set_doc) = if f.presence.nullable() {
                    (
                        quote! { impl Into<runtime::Nullable<#base>> },
                        quote! { field_nullable },
                        format!(
                            "Sets the body field `{wire}` from its stored form: `Nullable::Absent` leaves it out, \
                             `Nullable::Null` (or `None`) sends null, a value (or `Some`) sends it."
                        ),
                    )
                } else {
                    (
                        quote! { Option<#base> },
                        quote! { field_opt },
                        format!("Sets the body field `{wire}` from its stored form (`None`: not sent)."),
                    )
                };
                let set_doc = doc(&set_doc);
                let set_value = if f.presence.nullable() { quote! { value.into() } } else { quote! { value } };
                let null = s.null_name.as_ref().map(|n| {
                    let n = ident(n);
                    let null_doc = doc(&format!("Sends the body field `{wire}` as `null` (clears it)."));
                    quote! {
                        #null_doc
                        #deprecated
                        pub fn #n(self) -> Self {
                            Self(self.0.null(#wire))
                        }
                    }
                });
                quote! {
                    #setter_doc
                    #deprecated
                    pub fn #name(self, value: #value_ty) -> Self {
                        Self(self.0.field::<#base>(#wire, value.into()))
                    }

                    #set_doc
                    #deprecated
                    #[inline]
                    pub fn #set(self, value: #stored) -> Self {
                        Self(self.0.#set_call(#wire, #set_value))
                    }

                    #null
                }
            }
        }
    });
    let whole_body = body_struct.map(|_| {
        let body_ty = op.body.as_ref().map(|b| ty(api, &b.ty, Scope::Nested));
        let name = op.body.as_ref().and_then(|b| b.ty.named()).map(|id| api.ty(id).rust_name.clone()).unwrap_or_default();
        let body_doc = doc(&format!(
            "Sets every body field from a whole [`{name}`](super::super::models::{name}), replacing what was set before."
        ));
        // File parts are not fields of the JSON the runtime builds the body from: they are handed over one by one.
        let files = body_struct.into_iter().flat_map(|s| &s.fields).filter(|f| f.ty.is_file()).map(|f| {
            let field = ident(&f.rust_name);
            let wire = &f.wire_name;
            match (f.ty.is_file_list(), f.presence.optional()) {
                (false, true) => quote! { if let Some(file) = body.#field { request = request.file(#wire, file); } },
                (false, false) => quote! { request = request.file(#wire, body.#field); },
                (true, true) => quote! { for file in body.#field.into_iter().flatten() { request = request.file(#wire, file); } },
                (true, false) => quote! { for file in body.#field { request = request.file(#wire, file); } },
            }
        }).collect::<Vec<_>>();
        let set_body = if files.is_empty() {
            quote! { Self(self.0.body_fields(&body)) }
        } else {
            quote! {
                let mut request = self.0.body_fields(&body);
                #(#files)*
                Self(request)
            }
        };
        quote! {
            #body_doc
            #[inline]
            pub fn body(self, body: #body_ty) -> Self {
                #set_body
            }
        }
    });
    let ok = success_type(api, op);
    let decode = decode(api, op);
    let with_headers = send_with_headers(api, op);
    let streaming = send_streaming(op);
    let send_doc = doc(if op.pagination.is_some() {
        "Sends the request and decodes the answer (one page)."
    } else {
        "Sends the request and decodes the answer."
    });
    let paging = op.pagination.as_ref().map(|p| {
        let page = match p.envelope {
            Some(envelope) => ty(api, &Ty::Named(envelope), Scope::Nested),
            None => {
                let item = ty(api, &p.item, Scope::Nested);
                quote! { Vec<#item> }
            }
        };
        let item = ty(api, &p.item, Scope::Nested);
        let pages_doc = doc(match &api.pagination[p.style.0].style {
            PageStyle::LimitOffset { .. } | PageStyle::PageNumber { .. } => {
                "Every page in turn, from this request's page on, following the `next` links (only to the base\n\
                 URL's scheme, host and port) until the last page."
            }
            PageStyle::Cursor { .. } => {
                "Every page in turn, from this request's page on, each asked for with the cursor the page\n\
                 before gave, until the last page."
            }
            PageStyle::Link { .. } => {
                "Every page in turn, from this request's page on, following the `Link` header's\n\
                 `rel=\"next\"` (only to the base URL's scheme, host and port) until the last page."
            }
        });
        quote! {
            #pages_doc
            #[inline]
            pub fn pages(self) -> runtime::Paginator<#page, Error> {
                self.0.pages()
            }

            /// Every item of every page, fetching pages as the stream is read.
            #[inline]
            pub fn items(self) -> runtime::Paginator<#item, Error> {
                self.0.items()
            }
        }
    });
    quote! {
        #struct_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #request(runtime::Request<ApiErrorBody>);

        impl #request {
            #(#setters)*

            #whole_body

            /// Overrides the client's settings for this request only (timeout, retry policy, extra headers).
            pub fn with_options(self, options: runtime::RequestOptions) -> Self {
                Self(self.0.with_options(options))
            }

            #send_doc
            pub async fn send(self) -> Result<#ok, Error> {
                #decode
            }

            #with_headers

            #streaming

            #paging
        }
    }
}

/// The setters of a file part of a multipart body.
fn file_setters(
    f: &crate::ir::Field,
    name: &proc_macro2::Ident,
    set: &proc_macro2::Ident,
) -> TokenStream {
    let wire = &f.wire_name;
    let required = if f.presence.optional() {
        "optional"
    } else {
        "required"
    };
    let setter_doc = doc(&format!(
        "{} (File part `{wire}`, {required}: bytes, a path or a stream, with its file name and content type.)",
        f.doc
    ));
    if f.ty.is_file_list() {
        let setter_doc = doc(&format!(
            "{} (File parts `{wire}`, one per file, {required}: each bytes, a path or a stream, with its file name \
             and content type. Adds to the files set before.)",
            f.doc
        ));
        let set_doc = doc(&format!("Adds the file parts `{wire}` (`None`: none)."));
        return quote! {
            #setter_doc
            pub fn #name(self, files: impl IntoIterator<Item = rt::File>) -> Self {
                Self(files.into_iter().fold(self.0, |request, file| request.file(#wire, file)))
            }

            #set_doc
            #[inline]
            pub fn #set(self, files: Option<Vec<rt::File>>) -> Self {
                match files {
                    Some(files) => self.#name(files),
                    None => self,
                }
            }
        };
    }
    let set_doc = doc(&format!("Sets the file part `{wire}` (`None`: not sent)."));
    quote! {
        #setter_doc
        pub fn #name(self, file: rt::File) -> Self {
            Self(self.0.file(#wire, file))
        }

        #set_doc
        #[inline]
        pub fn #set(self, file: Option<rt::File>) -> Self {
            match file {
                Some(file) => self.#name(file),
                None => self,
            }
        }
    }
}

/// The setters of an optional query parameter or header.
fn param_setters(
    api: &Api,
    p: &Param,
    name: &proc_macro2::Ident,
    set: &proc_macro2::Ident,
) -> TokenStream {
    let wire = &p.wire_name;
    let value_ty = setter_ty(api, &p.ty);
    let stored = ty(api, &p.ty, Scope::Nested);
    let kind = match p.location {
        ParamLocation::Header => "header",
        _ => "query parameter",
    };
    let what = p
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{wire}` {kind}."));
    let kind_title = match p.location {
        ParamLocation::Header => "Header",
        _ => "Query parameter",
    };
    let mut setter_text = format!("{what} ({kind_title} `{wire}`, optional.)");
    if let Some(d) = &p.default {
        setter_text.push_str(&format!(" The server's default: `{d}`."));
    }
    if let Some(fact) = super::super::models::deprecation_fact(&p.deprecated) {
        setter_text.push_str(&format!("\n\n{fact}"));
    }
    let setter_doc = doc(&setter_text);
    let deprecated = super::super::models::deprecated_attr(&p.deprecated);
    let set_doc = doc(&format!("Sets or clears the `{wire}` {kind}."));
    let text = param_text(&p.ty, quote! { value });
    let (set_one, set_opt) = match p.location {
        ParamLocation::Header => (
            quote! { self.0.header(#wire, #text) },
            quote! { self.0.header_opt(#wire, value.map(|value| #text)) },
        ),
        _ if structured(&p.ty, api) => {
            let style = style_tokens(p.style);
            (
                quote! { self.0.query_value(#wire, &value, #style) },
                quote! { self.0.query_value_opt(#wire, value.as_ref(), #style) },
            )
        }
        _ => (
            quote! { self.0.query(#wire, #text) },
            quote! { self.0.query_opt(#wire, value.map(|value| #text)) },
        ),
    };
    quote! {
        #setter_doc
        #deprecated
        pub fn #name(self, value: #value_ty) -> Self {
            let value: #stored = value.into();
            Self(#set_one)
        }

        #set_doc
        #deprecated
        #[inline]
        pub fn #set(self, value: Option<#stored>) -> Self {
            Self(#set_opt)
        }
    }
}

/// The type `send` returns on success.
fn success_type(api: &Api, op: &Operation) -> TokenStream {
    match &op.client.returns {
        ClientReturns::Unit => quote! { () },
        ClientReturns::Value(t) => ty(api, t, Scope::Nested),
        ClientReturns::Enum(name) => {
            let name = format_ident!("{}", name);
            quote! { #name }
        }
        ClientReturns::Binary => quote! { rt::bytes::Bytes },
        ClientReturns::Text => quote! { String },
        ClientReturns::Events(t) => {
            let t = ty(api, t, Scope::Nested);
            quote! { runtime::EventStream<#t, ApiErrorBody> }
        }
    }
}

/// The pattern matching a status key in a `match` on the status code.
fn status_pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Code(code) => {
            let code = Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        StatusKey::Range(d) => {
            let low = Literal::u16_unsuffixed(u16::from(d) * 100);
            let high = Literal::u16_unsuffixed(u16::from(d) * 100 + 99);
            quote! { #low..=#high }
        }
        StatusKey::Default => quote! { _ },
    }
}

/// Whether a status key stands for several statuses (then its variant carries the one that came).
fn is_range(status: StatusKey) -> bool {
    !matches!(status, StatusKey::Code(_))
}

/// How `send` turns the raw answer `raw` into its value (the body of `decode`, after the request was sent).
fn decode_raw(op: &Operation) -> TokenStream {
    match &op.client.returns {
        // The answer's body, if any, is not documented: it is ignored.
        ClientReturns::Unit => quote! { raw.unit() },
        ClientReturns::Value(_) => quote! { raw.success_json() },
        ClientReturns::Binary => quote! { raw.success_bytes() },
        ClientReturns::Text => quote! { raw.success_text() },
        // Event streams are read as they come (`send` below); a raw answer is never decoded into one.
        ClientReturns::Events(_) => quote! { Err(raw.into_error()) },
        ClientReturns::Enum(name) => {
            let name = format_ident!("{}", name);
            // Exact statuses first, then ranges, then `default`, as OpenAPI orders them.
            let mut outcomes: Vec<_> = op.outcomes().collect();
            outcomes.sort_by_key(|o| match o.status {
                StatusKey::Code(_) => 0,
                StatusKey::Range(_) => 1,
                StatusKey::Default => 2,
            });
            let has_default = outcomes.iter().any(|o| o.status == StatusKey::Default);
            let arms = outcomes.iter().map(|o| {
                let pattern = status_pattern(o.status);
                let variant = ident(&o.variant);
                match (&o.ty, is_range(o.status)) {
                    (Some(_), false) => quote! { #pattern => raw.json().map(#name::#variant), },
                    (None, false) => quote! { #pattern => Ok(#name::#variant), },
                    (Some(_), true) => {
                        quote! { #pattern => raw.json().map(|body| #name::#variant(status, body)), }
                    }
                    (None, true) => quote! { #pattern => Ok(#name::#variant(status)), },
                }
            });
            let fallback = (!has_default).then(|| quote! { _ => Err(raw.into_error()), });
            quote! {
                let status = raw.status().as_u16();
                match status {
                    #(#arms)*
                    #fallback
                }
            }
        }
    }
}

fn decode(api: &Api, op: &Operation) -> TokenStream {
    if let ClientReturns::Events(_) = &op.client.returns {
        let sentinel = op
            .outcomes()
            .find_map(|o| match &o.encoding {
                ResponseEncoding::Events { sentinel } => Some(sentinel.clone()),
                _ => None,
            })
            .flatten();
        let sentinel = super::super::tokens::option_str(sentinel.as_deref());
        let _ = api;
        return quote! {
            self.0.send_streaming().await?.success_events(#sentinel).await
        };
    }
    match &op.client.returns {
        ClientReturns::Unit => quote! { self.0.send().await?.unit() },
        ClientReturns::Value(_) => quote! { self.0.send().await?.success_json() },
        _ => {
            let raw = decode_raw(op);
            quote! {
                let raw = self.0.send().await?;
                #raw
            }
        }
    }
}

/// `send_with_headers`: the value `send` gives, with the answer's typed headers.
fn send_with_headers(api: &Api, op: &Operation) -> TokenStream {
    let Some(headers) = &op.client.headers_struct else {
        return TokenStream::new();
    };
    if matches!(op.client.returns, ClientReturns::Events(_)) {
        return TokenStream::new();
    }
    let headers = format_ident!("{}", headers);
    let ok = success_type(api, op);
    let body = match &op.client.returns {
        ClientReturns::Unit => quote! { self.0.send().await?.unit_with_headers() },
        ClientReturns::Value(_) => quote! { self.0.send().await?.success_json_with_headers() },
        _ => {
            let raw = decode_raw(op);
            quote! {
                let raw = self.0.send().await?;
                let headers: #headers = raw.headers_as()?;
                let status = raw.status();
                let raw_headers = raw.headers().clone();
                let body = { #raw }?;
                Ok(runtime::Answer { status, body, headers, raw_headers })
            }
        }
    };
    quote! {
        /// Sends the request and decodes the answer with its documented headers.
        pub async fn send_with_headers(self) -> Result<runtime::Answer<#ok, #headers>, Error> {
            #body
        }
    }
}

/// `send_streaming`: a binary answer as a stream of bytes, not held in memory.
fn send_streaming(op: &Operation) -> TokenStream {
    if op.client.returns != ClientReturns::Binary {
        return TokenStream::new();
    }
    quote! {
        /// Sends the request and streams the answer's bytes as they arrive, without holding them in memory.
        pub async fn send_streaming(self) -> Result<runtime::ByteStream<ApiErrorBody>, Error> {
            self.0.send_streaming().await?.success().await
        }
    }
}

/// The struct of an operation's documented response headers, read from a raw answer.
fn headers_struct(api: &Api, op: &Operation) -> TokenStream {
    let Some(name) = &op.client.headers_struct else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", name);
    // Every header any success answer declares, once; each may be absent (another status may not send it).
    let mut headers: Vec<&crate::ir::Header> = Vec::new();
    for r in op
        .responses
        .iter()
        .filter(|r| r.role == ResponseRole::Success)
    {
        for h in &r.headers {
            if !headers.iter().any(|o| o.rust_name == h.rust_name) {
                headers.push(h);
            }
        }
    }
    // The runtime reads the struct from the headers by their lower-case names.
    let fields = headers.iter().map(|h| {
        let field = ident(&h.rust_name);
        let t = ty(api, &h.ty, Scope::Nested);
        let text = h
            .doc
            .clone()
            .unwrap_or_else(|| format!("The `{}` header.", h.wire_name));
        let d = doc(&format!(
            "{text} (`{}`; absent when not sent.)",
            h.wire_name
        ));
        let wire = h.wire_name.to_ascii_lowercase();
        quote! { #d #[serde(rename = #wire, default)] pub #field: Option<#t>, }
    });
    let docs = doc(&format!(
        "The documented response headers of `{}` (`{} {}`).",
        op.rust_name,
        op.method.as_str(),
        op.path
    ));
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Default, rt::serde::Deserialize)]
        #[serde(crate = "rt::serde")]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn outcome_enum(api: &Api, op: &Operation) -> TokenStream {
    let ClientReturns::Enum(name) = &op.client.returns else {
        return TokenStream::new();
    };
    let name = format_ident!("{}", name);
    let docs = doc(&format!(
        "The documented answers of `{}` (`{} {}`), one variant per status.",
        op.rust_name,
        op.method.as_str(),
        op.path
    ));
    let outcomes: Vec<_> = op.outcomes().collect();
    let variants = outcomes.iter().map(|o| {
        let variant = ident(&o.variant);
        let d = doc(&format!(
            "`{}`: {}{}",
            o.status,
            o.doc.as_deref().map(docs::one_line).unwrap_or_default(),
            if is_range(o.status) {
                " (with the status that came)"
            } else {
                ""
            }
        ));
        match (&o.ty, is_range(o.status)) {
            (Some(t), false) => {
                let t = ty(api, t, Scope::Nested);
                quote! { #d #variant(#t), }
            }
            (None, false) => quote! { #d #variant, },
            (Some(t), true) => {
                let t = ty(api, t, Scope::Nested);
                quote! { #d #variant(u16, #t), }
            }
            (None, true) => quote! { #d #variant(u16), },
        }
    });
    let status_arms = outcomes.iter().map(|o| {
        let variant = ident(&o.variant);
        match (o.status, o.ty.is_some()) {
            (StatusKey::Code(code), true) => {
                let code = Literal::u16_unsuffixed(code);
                quote! { #name::#variant(_) => #code, }
            }
            (StatusKey::Code(code), false) => {
                let code = Literal::u16_unsuffixed(code);
                quote! { #name::#variant => #code, }
            }
            (_, true) => quote! { #name::#variant(status, _) => *status, },
            (_, false) => quote! { #name::#variant(status) => *status, },
        }
    });
    // When every answer carries the same type, callers that do not care which status it was can take the value.
    let first_ty = outcomes.first().and_then(|o| o.ty.as_ref());
    let into_inner = first_ty
        .filter(|t| {
            outcomes
                .iter()
                .all(|o| o.ty.as_ref() == Some(*t) && !is_range(o.status))
        })
        .map(|t| {
            let t = ty(api, t, Scope::Nested);
            let variants = outcomes.iter().map(|o| ident(&o.variant));
            quote! {
                /// The answer's value, whichever status carried it.
                pub fn into_inner(self) -> #t {
                    match self {
                        #( #name::#variants(value) )|* => value,
                    }
                }
            }
        });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        // Answers are moved once from `send` to the caller, not stored in bulk, so variant sizes do not matter.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            /// The HTTP status of the answer.
            pub fn status(&self) -> u16 {
                match self {
                    #(#status_arms)*
                }
            }

            #into_inner
        }
    }
}
