//! Emits one resource's file of the server: its trait (one `async fn` per operation), and per operation the query
//! struct, the answer enum, the static description the runtime checks inputs against, and the axum handler.

use super::super::tokens::{doc, ident, inner_doc, ty, Scope};
use super::schema;
use crate::ir::{
    Api, BodyEncoding, Operation, Param, Resource, ResponseEncoding, SchemeKind, Security,
    StatusKey,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit(api: &Api, r: &Resource) -> TokenStream {
    let module_doc = inner_doc(&format!(
        "The server side of the `{}` operations.",
        r.wire_name
    ));
    let trait_ = resource_trait(api, r);
    let items = r.operations.iter().map(|op| {
        let query = query_struct(api, op);
        let headers = headers_struct(api, op);
        let answers = answer_enum(api, op);
        let statics = operation_static(api, op);
        let handler = handler(api, r, op);
        quote! { #query #headers #answers #statics #handler }
    });
    let auth = api.auth.as_ref().map(|_| quote! { Authenticate, });
    let imports = (!r.operations.is_empty()).then(|| {
        let common = super::super::tokens::imports();
        quote! {
            #common
            use rt::axum::extract::{Request, State};
            use rt::axum::response::{IntoResponse, Response};
            // Operations without parameters or a body describe none.
            #[allow(unused_imports)]
            use rt::server::schema::{Param, Rules, Style, Type};
            use runtime::{Operation, Security};
            use super::{runtime, ApiError, #auth RequestContext};
        }
    });
    let trait_import = r.operations.is_empty().then(|| {
        api.auth
            .as_ref()
            .map(|_| quote! { use super::Authenticate; })
    });
    quote! {
        #module_doc

        #imports
        #trait_import

        #trait_
        #(#items)*
    }
}

fn resource_trait(api: &Api, r: &Resource) -> TokenStream {
    let name = ident(&r.server_trait);
    let mut text = r
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{}` resource.", r.wire_name));
    text.push_str(&format!(
        "\n\nThe server side of the `{}` operations: implement it (with the other resources' traits) and serve the \
         implementation with [`router`](super::router).",
        r.wire_name
    ));
    let docs = doc(&text);
    let supertrait = if api.auth.is_some() {
        quote! { Authenticate }
    } else {
        quote! { Send + Sync + 'static }
    };
    let methods = r.operations.iter().map(|op| trait_method(api, op));
    quote! {
        #docs
        pub trait #name: #supertrait {
            #(#methods)*
        }
    }
}

fn caller_ty(op: &Operation) -> TokenStream {
    match op.security {
        Security::None => quote! { () },
        Security::Required => quote! { Self::Caller },
        Security::Optional => quote! { Option<Self::Caller> },
    }
}

fn trait_method(api: &Api, op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let mut text = op.summary.clone();
    if let Some(d) = &op.description {
        text.push_str("\n\n");
        text.push_str(d);
    }
    text.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path));
    match op.security {
        Security::Required if !op.scopes.is_empty() => text.push_str(&format!(
            "; the router has checked the scopes {} before calling it.",
            op.scopes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Security::Required => text.push_str("; any valid key may call it."),
        Security::Optional => {
            text.push_str("; open to anyone (the caller is known when a valid key was sent).")
        }
        Security::None => text.push('.'),
    }
    let path_params: Vec<_> = op.path_params().collect();
    if !path_params.is_empty() {
        text.push_str("\n\nPath parameters:");
        for (p, arg) in path_params.iter().zip(&op.server.path_args) {
            text.push_str(&format!(
                "\n- `{arg}`: {}",
                p.doc.as_deref().map_or("(undocumented)", str::trim)
            ));
        }
    }
    let docs = doc(&text);
    let caller = caller_ty(op);
    let args = path_params
        .iter()
        .zip(&op.server.path_args)
        .map(|(p, arg)| {
            let arg = ident(arg);
            let ty = ty(api, &p.ty, Scope::Nested);
            quote! { #arg: #ty }
        });
    let query = op.server.query_struct.as_ref().map(|q| {
        let q = format_ident!("{}", q);
        quote! { query: #q, }
    });
    let headers = op.server.headers_struct.as_ref().map(|h| {
        let h = format_ident!("{}", h);
        quote! { headers: #h, }
    });
    let body = op.body.as_ref().map(|b| {
        let ty = match &b.encoding {
            BodyEncoding::Binary { .. } => quote! { rt::File },
            BodyEncoding::Text { .. } => quote! { String },
            _ => ty(api, &b.ty, Scope::Nested),
        };
        quote! { body: #ty, }
    });
    let response = format_ident!("{}", op.server.response_enum);
    // `self`, the context, the path parameters, query, headers and body: past seven clippy asks for a struct, but
    // the arguments mirror the spec, so the lint is quieted rather than the signature bent.
    let arg_count = 2
        + path_params.len()
        + usize::from(query.is_some())
        + usize::from(headers.is_some())
        + usize::from(body.is_some());
    let allow = (arg_count > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
    quote! {
        #docs
        #allow
        fn #name(
            &self,
            ctx: RequestContext<#caller>,
            #(#args,)*
            #query
            #headers
            #body
        ) -> impl std::future::Future<Output = Result<#response, ApiError>> + Send;
    }
}

fn query_struct(api: &Api, op: &Operation) -> TokenStream {
    let Some(name) = &op.server.query_struct else {
        return TokenStream::new();
    };
    let params: Vec<_> = op.query_params().collect();
    params_struct(api, op, name, &params, "query parameters")
}

/// The struct of an operation's headers: the API's, then its own.
fn headers_struct(api: &Api, op: &Operation) -> TokenStream {
    let Some(name) = &op.server.headers_struct else {
        return TokenStream::new();
    };
    let params: Vec<_> = api.headers.iter().chain(op.header_params()).collect();
    params_struct(api, op, name, &params, "headers")
}

/// A struct of checked parameters (`what`: query parameters or headers), decoded from what the router checked.
fn params_struct(
    api: &Api,
    op: &Operation,
    name: &str,
    params: &[&Param],
    what: &str,
) -> TokenStream {
    let name = format_ident!("{}", name);
    let docs = doc(&format!(
        "The {what} of `{}` (`{} {}`).",
        op.operation_id,
        op.method.as_str(),
        op.path
    ));
    let kind = match what {
        "headers" => "header",
        _ => "query parameter",
    };
    let fields = params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = ty(api, &p.ty, Scope::Nested);
        // A parameter with a default is always there: the router filled the default in.
        let (ty, presence) = if p.required || p.default.is_some() {
            (ty, quote! {})
        } else {
            (quote! { Option<#ty> }, quote! { #[serde(default)] })
        };
        let mut text = p
            .doc
            .clone()
            .unwrap_or_else(|| format!("The `{}` {kind}.", p.wire_name));
        if p.rust_name.trim_start_matches("r#") != p.wire_name {
            text.push_str(&format!("\n\nWire name: `{}`.", p.wire_name));
        }
        if let Some(d) = &p.default {
            text.push_str(&format!(
                "\n\nDefault: `{}` (filled in when absent).",
                d.to_string().replace('`', "'")
            ));
        }
        let docs = doc(&text);
        let wire = &p.wire_name;
        let rename = (p.rust_name != *wire).then(|| quote! { #[serde(rename = #wire)] });
        quote! { #docs #rename #presence pub #field: #ty, }
    });
    // Without a required parameter the struct has a `Default`: the value of an empty query string. Spec defaults
    // must be spelled out (a derived one would give `0` for a default of `10`).
    let optional = params.iter().all(|p| !p.required);
    let spec_defaults = params.iter().any(|p| p.default.is_some());
    let derive_default = (optional && !spec_defaults).then(|| quote! { Default, });
    let manual_default = (optional && spec_defaults).then(|| {
        let values = params.iter().map(|p| {
            let field = ident(&p.rust_name);
            match &p.default {
                Some(d) => {
                    let text = d.to_string();
                    quote! { #field: rt::defaults::from_json(#text), }
                }
                None => quote! { #field: None, },
            }
        });
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    #name { #(#values)* }
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default rt::serde::Deserialize)]
        #[serde(crate = "rt::serde")]
        pub struct #name {
            #(#fields)*
        }
        #manual_default
    }
}

fn answer_enum(api: &Api, op: &Operation) -> TokenStream {
    let name = format_ident!("{}", op.server.response_enum);
    let docs = doc(&format!(
        "The answers of `{}` (`{} {}`): one variant per documented status.",
        op.operation_id,
        op.method.as_str(),
        op.path
    ));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut header_structs = Vec::new();
    let mut streams = false;
    for resp in &op.responses {
        let variant = ident(&resp.variant);
        let ranged = !matches!(resp.status, StatusKey::Code(_));
        let mut text = match &resp.doc {
            Some(d) => format!("`{}`: {d}", resp.status),
            None => format!("`{}`.", resp.status),
        };
        if ranged {
            text.push_str("\n\nWith the status to answer, which must be one the key covers.");
        }
        let vdoc = doc(&text);
        // The status: written in the spec, or chosen by the handler within its range.
        let (status_field, status) = match resp.status {
            StatusKey::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                (None, quote! { #code })
            }
            StatusKey::Range(d) => {
                let class = Literal::u8_unsuffixed(d);
                (
                    Some(quote! { u16 }),
                    quote! { status, runtime::StatusRange::Class(#class) },
                )
            }
            StatusKey::Default => (
                Some(quote! { u16 }),
                quote! { status, runtime::StatusRange::Any },
            ),
        };
        let body_ty = resp.ty.as_ref().map(|t| match &resp.encoding {
            ResponseEncoding::Binary { .. } => quote! { rt::File },
            ResponseEncoding::Text { .. } => quote! { String },
            ResponseEncoding::Events { .. } => {
                let t = ty(api, t, Scope::Nested);
                quote! { runtime::EventStream<#t> }
            }
            _ => ty(api, t, Scope::Nested),
        });
        streams |= matches!(
            resp.encoding,
            ResponseEncoding::Binary { .. } | ResponseEncoding::Events { .. }
        );
        // A ranged answer's status is checked first (a status outside the range is the server's fault); the
        // body is then written as for any other.
        let ranged_status = ranged.then(|| status.clone());
        let status = if ranged {
            quote! { status }
        } else {
            status
        };
        let respond = match (&resp.encoding, &resp.ty) {
            (_, None) => quote! { runtime::empty(#status) },
            (ResponseEncoding::Binary { media_types }, _) => {
                let media = &media_types[0];
                quote! { runtime::binary(#status, body, #media) }
            }
            (ResponseEncoding::Text { media_type }, _) if media_type == "text/plain" => {
                quote! { runtime::text(#status, body) }
            }
            (ResponseEncoding::Text { media_type }, _) => {
                quote! { runtime::binary(#status, rt::File::from_bytes(body.into_bytes()), #media_type) }
            }
            (ResponseEncoding::Events { sentinel }, _) => {
                let sentinel = super::super::tokens::option_str(sentinel.as_deref());
                quote! { runtime::events(#status, body, #sentinel) }
            }
            _ => quote! { runtime::json(#status, &body) },
        };
        let respond = match ranged_status {
            Some(check) => quote! {
                match runtime::status_in(#check) {
                    Ok(status) => #respond,
                    Err(fault) => fault.into_response(),
                }
            },
            None => respond,
        };
        let headers_ty = resp.headers_struct.as_ref().map(|h| format_ident!("{}", h));
        if let Some(h) = &headers_ty {
            header_structs.push(response_headers_struct(api, op, resp, h));
        }
        let mut parts = Vec::new();
        let mut binds = Vec::new();
        if let Some(t) = &status_field {
            parts.push(t.clone());
            binds.push(quote! { status });
        }
        if let Some(t) = &body_ty {
            parts.push(t.clone());
            binds.push(quote! { body });
        }
        if let Some(h) = &headers_ty {
            parts.push(quote! { #h });
            binds.push(quote! { headers });
        }
        let respond = match &headers_ty {
            Some(_) => quote! { runtime::with_headers(#respond, headers.values()) },
            None => respond,
        };
        if parts.is_empty() {
            variants.push(quote! { #vdoc #variant, });
            arms.push(quote! { Self::#variant => #respond, });
        } else {
            variants.push(quote! { #vdoc #variant(#(#parts),*), });
            arms.push(quote! { Self::#variant(#(#binds),*) => #respond, });
        }
    }
    // Streams are read once and compare as nothing: an enum holding one only implements what they do.
    let derives = if streams {
        quote! {}
    } else {
        quote! { #[derive(Debug, Clone, PartialEq)] }
    };
    // A response is built once and moved straight into the HTTP response: boxing a large variant would only add an
    // allocation and a `Box::new` at every construction, so clippy's size lint is quieted.
    quote! {
        #(#header_structs)*

        #docs
        #derives
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
        }

        impl IntoResponse for #name {
            #[inline]
            fn into_response(self) -> Response {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The struct of one answer's own headers, with their texts for the response.
fn response_headers_struct(
    api: &Api,
    op: &Operation,
    resp: &crate::ir::Response,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let own: Vec<_> = resp.headers.iter().filter(|h| !h.api_wide).collect();
    let fields = own.iter().map(|h| {
        let field = ident(&h.rust_name);
        let t = ty(api, &h.ty, Scope::Nested);
        let text = h
            .doc
            .clone()
            .unwrap_or_else(|| format!("The `{}` header.", h.wire_name));
        let (t, text) = if h.required {
            (t, format!("{text} (`{}`, always sent.)", h.wire_name))
        } else {
            (
                quote! { Option<#t> },
                format!("{text} (`{}`; `None`: not sent.)", h.wire_name),
            )
        };
        let d = doc(&text);
        quote! { #d pub #field: #t, }
    });
    // The runtime writes each value as header text (enums by wire value, lists comma-separated).
    let values = own.iter().map(|h| {
        let field = ident(&h.rust_name);
        let wire = &h.wire_name;
        if h.required {
            quote! { .header(#wire, &self.#field) }
        } else {
            quote! { .header_opt(#wire, self.#field.as_ref()) }
        }
    });
    let docs = doc(&format!(
        "The headers of the `{}` answer of `{}`.",
        resp.status, op.operation_id
    ));
    let all_optional = own.iter().all(|h| !h.required);
    let default = all_optional.then(|| quote! { Default, });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#fields)*
        }

                impl #name {
            /// The headers to send.
            #[inline]
            fn values(&self) -> runtime::ResponseHeaders {
                runtime::ResponseHeaders::new() #(#values)*
            }
        }
    }
}

/// The operation's static in its resource's file: its name there (unique within a resource) in capitals.
pub(super) fn static_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.static_name)
}

fn operation_static(api: &Api, op: &Operation) -> TokenStream {
    let name = static_ident(op);
    let id = &op.operation_id;
    // The runtime reads bearer keys unless told otherwise: other schemes are named, by index into the server
    // module's `SCHEMES`.
    let bearer_only = api
        .auth
        .as_ref()
        .is_some_and(|a| a.schemes.len() == 1 && a.schemes[0].kind == SchemeKind::Bearer);
    let security = match op.security {
        Security::None => quote! { Security::None },
        Security::Optional => quote! { Security::Optional },
        Security::Required => {
            let scopes = &op.scopes;
            quote! { Security::required(&[#(#scopes),*]) }
        }
    };
    let mut steps = Vec::new();
    if op.security == Security::Required && !bearer_only {
        let schemes = op.schemes.iter().map(|i| {
            let i = Literal::usize_unsuffixed(*i);
            quote! { super::SCHEMES[#i] }
        });
        steps.push(quote! { .schemes(&[#(#schemes),*]) });
    }
    let path: Vec<_> = op.path_params().map(|p| schema::param(api, p)).collect();
    if !path.is_empty() {
        steps.push(quote! { .path(&[#(#path),*]) });
    }
    let query: Vec<_> = op.query_params().map(|p| schema::param(api, p)).collect();
    if !query.is_empty() {
        steps.push(quote! { .query(&[#(#query),*]) });
    }
    let headers: Vec<_> = api
        .headers
        .iter()
        .chain(op.header_params())
        .map(|p| schema::param(api, p))
        .collect();
    if !headers.is_empty() {
        steps.push(quote! { .headers(&[#(#headers),*]) });
    }
    if let Some(b) = &op.body {
        let t = schema::ty(api, &b.ty);
        steps.push(match &b.encoding {
            BodyEncoding::Json => quote! { .json_body(#t) },
            BodyEncoding::Form => quote! { .form_body(#t) },
            BodyEncoding::Multipart => {
                let files =
                    b.ty.named()
                        .and_then(|id| api.struct_(id))
                        .into_iter()
                        .flat_map(|s| &s.fields)
                        .filter(|f| f.ty.is_file())
                        .map(|f| {
                            let wire = &f.wire_name;
                            if f.presence.optional() {
                                quote! { runtime::FilePart::optional(#wire) }
                            } else {
                                quote! { runtime::FilePart::required(#wire) }
                            }
                        });
                quote! { .multipart_body(#t, &[#(#files),*]) }
            }
            BodyEncoding::Binary { .. } | BodyEncoding::Text { .. } => quote! { .binary_body() },
        });
    }
    let docs = format!(" What the router checks before `{id}` runs.");
    quote! {
        #[doc = #docs]
        pub(super) static #name: Operation = Operation::new(#id, #security) #(#steps)*;
    }
}

fn handler(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let name = ident(&op.server.handler);
    let trait_ = ident(&r.server_trait);
    let method = ident(&op.rust_name);
    let operation = static_ident(op);
    let (prepare, split) = match op.security {
        Security::None => (quote! { prepare_anonymous }, quote! { anonymous() }),
        Security::Required => (quote! { prepare }, quote! { required()? }),
        Security::Optional => (quote! { prepare }, quote! { optional() }),
    };
    let mut args: Vec<TokenStream> = op
        .path_params()
        .map(|p| {
            let wire = &p.wire_name;
            quote! { input.path(#wire)? }
        })
        .collect();
    if op.server.query_struct.is_some() {
        args.push(quote! { input.query()? });
    }
    if op.server.headers_struct.is_some() {
        args.push(quote! { input.headers()? });
    }
    if let Some(b) = &op.body {
        args.push(match &b.encoding {
                        BodyEncoding::Binary { .. } => quote! { input.binary() },
            BodyEncoding::Text { .. } => {
                quote! { String::from_utf8_lossy(&input.binary().into_bytes().unwrap_or_default()).into_owned() }
            }
            BodyEncoding::Multipart => {
                // File parts are handed over apart from the fields; the struct's file fields are set from them.
                let t = ty(api, &b.ty, Scope::Nested);
                let files =
                    b.ty.named()
                        .and_then(|id| api.struct_(id))
                        .into_iter()
                        .flat_map(|s| &s.fields)
                        .filter(|f| f.ty.is_file())
                        .map(|f| {
                            let field = ident(&f.rust_name);
                            let wire = &f.wire_name;
                            // A list's parts were counted by the router when required: at least one came.
                            match (f.ty.is_file_list(), f.presence.optional()) {
                                (false, true) => quote! { body.#field = input.file_opt(#wire); },
                                (false, false) => quote! { body.#field = input.file(#wire)?; },
                                (true, true) => quote! { body.#field = Some(input.files(#wire)).filter(|files| !files.is_empty()); },
                                (true, false) => quote! { body.#field = input.files(#wire); },
                            }
                        });
                quote! { { let mut body: #t = input.body()?; #(#files)* body } }
            }
            BodyEncoding::Json | BodyEncoding::Form => quote! { input.body()? },
        });
    }
    let input = if args.is_empty() {
        quote! { _input }
    } else {
        quote! { mut input }
    };
    quote! {
        pub(super) async fn #name<T: #trait_>(
            State(state): State<runtime::Shared<T>>,
            request: Request,
        ) -> Result<Response, Response> {
            let call = state.#prepare(request, &#operation).await?;
            let answer = state.respond(async {
                let (ctx, #input) = call.#split;
                <T as #trait_>::#method(state.implementation(), ctx, #(#args),*).await
            });
            Ok(answer.await)
        }
    }
}
