//! Emits the `client` module (cargo feature `client`): the async reqwest client.
//!
//! Methods that would instantiate the runtime's generic code for the API's types (setters taking a stored form,
//! `body`, `items`, `pages`, error decoding) are `#[inline]`: like generic functions, they are then compiled in the
//! crate that calls them, only if it does, instead of all of them in the generated crate (progenitor's async methods
//! get the same effect from being `async`). This halves the generated crate's own build.
//!
//! `src/client/mod.rs` holds the `Client` with one accessor per resource and the enum of the API's error bodies;
//! each resource gets its own file (`src/client/{resource}.rs`, from [`resource`]) with one request builder per
//! operation. Everything generic (URL building, retries, errors, bodies, pagination) is the runtime crate's
//! `client` module, so the code emitted per operation stays a few lines long: a static description of the
//! operation, one-line setters that hand values to the runtime, and `send`.

mod docs;
mod resource;

use super::file::rust_file;
use super::tokens::{doc, feature_gate, ident, inner_doc, option_str, Scope};
use super::{GeneratedFile, Options};
use crate::ir::{Api, KeyLocation, Resource, SchemeKind};
use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;

pub use docs::rust_example;

/// `src/client/mod.rs`.
pub fn module_file(api: &Api, opts: &Options) -> Result<GeneratedFile, Error> {
    rust_file(opts, "src/client/mod.rs", module(api, opts))
}

/// `src/client/{resource}.rs`.
pub fn resource_file(api: &Api, r: &Resource, opts: &Options) -> Result<GeneratedFile, Error> {
    rust_file(
        opts,
        &format!("src/client/{}.rs", r.rust_name),
        resource::emit(api, r),
    )
}

fn module(api: &Api, opts: &Options) -> TokenStream {
    let module_doc = inner_doc(&docs::module_doc(api));
    let mods = api.resources.iter().map(|r| {
        let name = ident(&r.rust_name);
        let gate = feature_gate(opts, &r.feature);
        // Operation, field and parameter names come from the spec: `new`, `clone` or `from_date` are fine names
        // for a call or a setter, whatever clippy expects of methods so named.
        quote! {
            #gate
            #[allow(clippy::new_ret_no_self, clippy::should_implement_trait, clippy::wrong_self_convention)]
            mod #name;
            #gate
            pub use #name::*;
        }
    });
    let error_body = error_body(api);
    let client = client(api, opts);
    let api_headers = api_headers(api);
    quote! {
        #module_doc

        #(#mods)*

        /// The runtime this client is built on (the `apigen-runtime` crate's `client` module).
        pub use super::rt::client as runtime;

        pub use runtime::{ApiError, Paginator, RetryPolicy, StatusCode};

        /// Everything a call can fail with; see [`runtime::Error`] for the cases.
        pub type Error = runtime::Error<ApiErrorBody>;

        /// Configures a [`Client`]: base URL, API key, timeouts, user agent, retry policy, HTTP client.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        #error_body
        #client
        #api_headers
    }
}

/// A trait giving `ClientBuilder` one typed setter per API-wide header, sent with every request.
fn api_headers(api: &Api) -> TokenStream {
    if api.headers.is_empty() {
        return TokenStream::new();
    }
    let methods: Vec<_> = api
        .headers
        .iter()
        .map(|h| {
            let name = ident(&h.rust_name);
            let wire = &h.wire_name;
            let t = super::tokens::ty(api, &h.ty, Scope::Sibling);
            let mut text = h.doc.clone().unwrap_or_else(|| format!("The `{wire}` header."));
            text.push_str(&format!(" (Header `{wire}`, sent with every request."));
            if let Some(d) = &h.default {
                text.push_str(&format!(" The server's default: `{d}`."));
            }
            if h.required {
                text.push_str(" Required: the server refuses requests without it.");
            }
            text.push(')');
            let d = doc(&text);
            let value = match &h.ty {
                crate::ir::Ty::DateTime => quote! { runtime::datetime_text(&value) },
                crate::ir::Ty::List(_) => quote! { value.iter().map(|v| v.to_string()).collect::<Vec<String>>().join(",") },
                _ => quote! { value.to_string() },
            };
            (quote! { #d fn #name(self, value: impl Into<#t>) -> Self; }, quote! {
                #[inline]
                fn #name(self, value: impl Into<#t>) -> Self {
                    let value: #t = value.into();
                    self.default_header(#wire, #value)
                }
            })
        })
        .collect();
    let (decls, impls): (Vec<_>, Vec<_>) = methods.into_iter().unzip();
    quote! {
        /// The API's headers, set once on the [`ClientBuilder`] and sent with every request:
        /// `use ...::client::ApiHeaders;` then `Client::builder().<header>(value)`.
        pub trait ApiHeaders: Sized {
            #(#decls)*
        }

        impl ApiHeaders for ClientBuilder {
            #(#impls)*
        }
    }
}

fn error_body(api: &Api) -> TokenStream {
    let names: Vec<_> = api
        .errors
        .models
        .iter()
        .map(|m| ident(&m.variant))
        .collect();
    let types: Vec<_> = api
        .errors
        .models
        .iter()
        .map(|m| super::tokens::ty(api, &crate::ir::Ty::Named(m.ty), Scope::Sibling))
        .collect();
    let docs: Vec<_> = api
        .errors
        .models
        .iter()
        .map(|m| doc(&api.ty(m.ty).doc))
        .collect();
    let order = api
        .errors
        .models
        .iter()
        .map(|m| {
            let name = &api.ty(m.ty).rust_name;
            format!("[`{name}`](super::models::{name})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let enum_doc = doc(&format!(
        "The body of an error answer, decoded into the first of the API's error models it fits (in this order: \
         {}), or kept as text.",
        if order.is_empty() { "none declared".to_owned() } else { order }
    ));
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        // A body is moved once from the failed call to its caller, not stored in bulk, so variant sizes do not matter
        // (an error model holding a large object, such as Stripe's `error.source`, trips clippy's size lint).
        #[allow(clippy::large_enum_variant)]
        pub enum ApiErrorBody {
            #( #docs #names(#types), )*
            /// A body that fits none of the error models (or is empty), as text.
            Raw(String),
        }

        impl runtime::ErrorBody for ApiErrorBody {
            #[inline]
            fn decode(body: &[u8]) -> Self {
                #(
                    if let Ok(value) = super::rt::serde_json::from_slice(body) {
                        return ApiErrorBody::#names(value);
                    }
                )*
                ApiErrorBody::Raw(String::from_utf8_lossy(body).into_owned())
            }
        }

        impl std::fmt::Display for ApiErrorBody {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let json = match self {
                    #( ApiErrorBody::#names(value) => super::rt::serde_json::to_string(value), )*
                    ApiErrorBody::Raw(text) if text.is_empty() => return f.write_str("(empty body)"),
                    ApiErrorBody::Raw(text) => return f.write_str(&runtime::snippet(text.as_bytes())),
                };
                match json {
                    Ok(json) => f.write_str(&json),
                    Err(_) => write!(f, "{self:?}"),
                }
            }
        }
    }
}

fn client(api: &Api, opts: &Options) -> TokenStream {
    let server = &api.server;
    let schemes = api
        .auth
        .iter()
        .flat_map(|a| &a.schemes)
        .map(super::tokens::security_scheme);
    let default_schemes = api
        .auth
        .iter()
        .flat_map(|a| a.default.iter().map(|i| a.schemes[*i].name.as_str()));
    let url_env_tokens = option_str(api.server_env.as_deref());
    let user_agent = format!("{}/{}", api.package_name, api.version);
    let client_doc = doc(&format!(
        "Client of the {}.\n\nCheap to clone: clones share one connection pool and configuration.",
        api.title
    ));
    // The first default scheme decides how `new`'s key is sent.
    let first = api
        .auth
        .as_ref()
        .and_then(|a| a.default.first().map(|i| &a.schemes[*i]));
    let new_fn = if let Some(first) = first {
        let (how, set) = match (first.kind, &first.key) {
            (SchemeKind::Basic, _) => (
                "as the user name of HTTP basic authentication".to_owned(),
                // `ClientBuilder::basic_auth` takes the password as `Option<&str>`.
                quote! { .basic_auth(api_key, None) },
            ),
            (SchemeKind::ApiKey, Some((KeyLocation::Header, key))) => (
                format!("in the header `{key}`"),
                quote! { .api_key(api_key) },
            ),
            (SchemeKind::ApiKey, Some((KeyLocation::Query, key))) => (
                format!("in the query parameter `{key}`"),
                quote! { .api_key(api_key) },
            ),
            _ => (
                "as `Authorization: Bearer <key>`".to_owned(),
                quote! { .api_key(api_key) },
            ),
        };
        let new_doc = doc(&format!(
            "A client for `base_url` that authenticates with `api_key` (sent {how}),\nwith the default timeout and \
             retry policy."
        ));
        quote! {
            #new_doc
            pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Result<Self, Error> {
                ClientBuilder::new().base_url(base_url) #set .build()
            }
        }
    } else {
        quote! {
            /// A client for `base_url`, with the default timeout and retry policy.
            pub fn new(base_url: impl Into<String>) -> Result<Self, Error> {
                ClientBuilder::new().base_url(base_url).build()
            }
        }
    };
    let env_doc = doc(&docs::from_env_doc(api));
    let accessors = api.resources.iter().map(|r| {
        let name = ident(&r.client_accessor);
        let ty = ident(&r.client_type);
        let docs = doc(&format!(
            "The `{}` operations.{}",
            r.wire_name,
            r.doc
                .as_deref()
                .map(|d| format!("\n\n{d}"))
                .unwrap_or_default()
        ));
        let gate = feature_gate(opts, &r.feature);
        quote! {
            #docs
            #gate
            pub fn #name(&self) -> #ty<'_> {
                #ty { client: self }
            }
        }
    });
    quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            runtime: runtime::Runtime<ApiErrorBody>,
        }

        impl Client {
            #new_fn

            #env_doc
            pub fn from_env() -> Result<Self, Error> {
                ClientBuilder::new().read_env()?.build()
            }

            /// A builder for every setting: base URL, API key, timeouts, user agent, retry policy, HTTP client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &runtime::Url {
                self.runtime.base_url()
            }

            /// A request of `operation` with its path parameter values, for the resources' methods.
            // Unused when every resource's feature is off.
            #[allow(dead_code)]
            fn request(&self, operation: &'static runtime::Operation, path: Vec<String>) -> runtime::Request<ApiErrorBody> {
                runtime::Request::new(&self.runtime, operation, path)
            }

            #(#accessors)*
        }

        impl runtime::BuildClient for Client {
            type ErrorBody = ApiErrorBody;
            const DEFAULT_BASE_URL: &'static str = #server;
            const SCHEMES: &'static [super::rt::SecurityScheme] = &[#(#schemes),*];
            const DEFAULT_SCHEMES: &'static [&'static str] = &[#(#default_schemes),*];
            const BASE_URL_ENV: Option<&'static str> = #url_env_tokens;
            const USER_AGENT: &'static str = #user_agent;
            fn from_runtime(runtime: runtime::Runtime<ApiErrorBody>) -> Self {
                Client { runtime }
            }
        }
    }
}
