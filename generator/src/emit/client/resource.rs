//! Emits one resource's file of the client: its accessor type (`InsightVariablesClient`), one method per operation,
//! and per operation a static description for the runtime, a request builder and, for operations with several
//! outcomes, their enum.

use super::super::tokens::{doc, ident, inner_doc, ty, Scope};
use super::docs;
use crate::ir::{
    Api, ArgSource, ClientReturns, Operation, Param, ParamLocation, Presence, Resource, Security,
    SetterTarget, Ty,
};
use heck::ToShoutySnakeCase;
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
        quote! { #statics #request #outcomes }
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

fn static_ident(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}", op.type_name.to_shouty_snake_case())
}

/// The text of a parameter value: Display gives every scalar's wire form but a date-time's.
fn param_text(t: &Ty, value: TokenStream) -> TokenStream {
    match t {
        Ty::DateTime => quote! { runtime::datetime_text(&#value) },
        _ => quote! { #value.to_string() },
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
                let text = if p.ty.is_string() {
                    arg_value(&p.ty, &arg_name)
                } else {
                    param_text(&p.ty, arg_value(&p.ty, &arg_name))
                };
                if p.location == ParamLocation::Path {
                    path.push(text);
                } else {
                    let wire = &p.wire_name;
                    query.push(quote! { .query(#wire, #text) });
                }
            }
            ArgSource::Body => {
                let t = op.body.as_ref().map(|b| ty(api, &b.ty, Scope::Nested));
                params.push(quote! { #arg_name: #t });
                body = Some(quote! { .json(&#arg_name) });
            }
        }
    }
    quote! {
        #docs
        pub fn #name(&self, #(#params),*) -> #request {
            #request(runtime::Request::new(&self.client.runtime, &#operation, vec![#(#path),*]) #(#query)* #body)
        }
    }
}

fn operation_static(api: &Api, r: &Resource, op: &Operation) -> TokenStream {
    let name = static_ident(op);
    let label = format!("{}.{}", r.rust_name, op.rust_name);
    let method = format_ident!("{}", method_variant(op.method));
    let path = &op.path;
    let idempotent = op.idempotent;
    let auth = op.security == Security::Required;
    let required: Vec<&str> = match op
        .body
        .as_ref()
        .and_then(|b| b.ty.named())
        .and_then(|id| api.struct_(id))
    {
        Some(s) => s
            .fields
            .iter()
            .filter(|f| !f.presence.optional())
            .map(|f| f.wire_name.as_str())
            .collect(),
        None => Vec::new(),
    };
    let page = match &op.pagination {
        Some(p) => {
            let style = &api.pagination[p.style.0];
            let (next, results) = (&style.next, &style.results);
            quote! { Some(runtime::PageFields { next: #next, results: #results }) }
        }
        None => quote! { None },
    };
    let body = op.body.is_some();
    let docs = format!(" How the runtime sends `{}`.", op.operation_id);
    quote! {
        #[doc = #docs]
        static #name: runtime::Operation = runtime::Operation {
            name: #label,
            method: runtime::HttpMethod::#method,
            path: #path,
            idempotent: #idempotent,
            auth: #auth,
            body: #body,
            required: &[#(#required),*],
            page: #page,
            idempotency_header: None,
        };
    }
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
            SetterTarget::Param(i) => query_setters(api, &op.params[i], &name, &set),
            SetterTarget::Field(i) => {
                let Some(f) = body_struct.and_then(|b| b.fields.get(i)) else {
                    return TokenStream::new();
                };
                let wire = &f.wire_name;
                let value_ty = setter_ty(api, &f.ty);
                let base = ty(api, &f.ty, Scope::Nested);
                let facts = match f.presence {
                    Presence::Required => "Required.",
                    Presence::Nullable => "Required (may be null).",
                    Presence::Optional => "Optional: left out unless set.",
                    Presence::Tristate => "Optional: left out unless set; may be set to null.",
                };
                let setter_doc = doc(&format!("{}\n\nBody field `{wire}`. {facts}", f.doc));
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
                        pub fn #n(self) -> Self {
                            Self(self.0.null(#wire))
                        }
                    }
                });
                quote! {
                    #setter_doc
                    pub fn #name(self, value: #value_ty) -> Self {
                        Self(self.0.field::<#base>(#wire, value.into()))
                    }

                    #set_doc
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
        quote! {
            #body_doc
            pub fn body(self, body: #body_ty) -> Self {
                Self(self.0.body_fields(&body))
            }
        }
    });
    let ok = success_type(api, op);
    let decode = decode(op);
    let send_doc = doc(if op.pagination.is_some() {
        "Sends the request and decodes the answer (one page)."
    } else {
        "Sends the request and decodes the answer."
    });
    let paging = op.pagination.as_ref().map(|p| {
        let envelope = ty(api, &Ty::Named(p.envelope), Scope::Nested);
        let item = ty(api, &p.item, Scope::Nested);
        quote! {
            /// Every page in turn, from this request's page on, following the `next` links (only to the base
            /// URL's scheme, host and port) until the last page.
            pub fn pages(self) -> runtime::Paginator<#envelope, Error> {
                self.0.pages()
            }

            /// Every item of every page, fetching pages as the stream is read.
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

            #paging
        }
    }
}

fn query_setters(
    api: &Api,
    p: &Param,
    name: &proc_macro2::Ident,
    set: &proc_macro2::Ident,
) -> TokenStream {
    let wire = &p.wire_name;
    let value_ty = setter_ty(api, &p.ty);
    let stored = ty(api, &p.ty, Scope::Nested);
    let what = p
        .doc
        .clone()
        .unwrap_or_else(|| format!("The `{wire}` query parameter."));
    let setter_doc = doc(&format!(
        "{what}\n\nQuery parameter `{wire}`; left out unless set."
    ));
    let set_doc = doc(&format!("Sets or clears the `{wire}` query parameter."));
    let text = param_text(&p.ty, quote! { value });
    quote! {
        #setter_doc
        pub fn #name(self, value: #value_ty) -> Self {
            let value: #stored = value.into();
            Self(self.0.query(#wire, #text))
        }

        #set_doc
        pub fn #set(self, value: Option<#stored>) -> Self {
            Self(self.0.query_opt(#wire, value.map(|value| #text)))
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
    }
}

fn decode(op: &Operation) -> TokenStream {
    match &op.client.returns {
        // The answer's body, if any, is not documented: it is ignored.
        ClientReturns::Unit => quote! { self.0.send().await?.unit() },
        ClientReturns::Value(_) => quote! { self.0.send().await?.success_json() },
        ClientReturns::Enum(name) => {
            let name = format_ident!("{}", name);
            let arms = op.outcomes().map(|o| {
                let status = Literal::u16_unsuffixed(o.status);
                let variant = ident(&o.variant);
                match &o.ty {
                    Some(_) => quote! { #status => raw.json().map(#name::#variant), },
                    None => quote! { #status => Ok(#name::#variant), },
                }
            });
            quote! {
                let raw = self.0.send().await?;
                match raw.status().as_u16() {
                    #(#arms)*
                    _ => Err(raw.into_error()),
                }
            }
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
            "`{}`: {}",
            o.status,
            o.doc.as_deref().map(docs::one_line).unwrap_or_default()
        ));
        match &o.ty {
            Some(t) => {
                let t = ty(api, t, Scope::Nested);
                quote! { #d #variant(#t), }
            }
            None => quote! { #d #variant, },
        }
    });
    let status_arms = outcomes.iter().map(|o| {
        let variant = ident(&o.variant);
        let status = Literal::u16_unsuffixed(o.status);
        match o.ty {
            Some(_) => quote! { #name::#variant(_) => #status, },
            None => quote! { #name::#variant => #status, },
        }
    });
    // When every answer carries the same type, callers that do not care which status it was can take the value.
    let first_ty = outcomes.first().and_then(|o| o.ty.as_ref());
    let into_inner = first_ty
        .filter(|t| outcomes.iter().all(|o| o.ty.as_ref() == Some(*t)))
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
