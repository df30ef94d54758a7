//! Emits the `client` module (cargo feature `client`): the async reqwest client.
//!
//! `src/client/mod.rs` holds what is specific to the API: the `Client` with one accessor per resource, one request
//! builder per operation (path parameters as arguments, setters for query parameters and body fields, `send`, and
//! `pages`/`items` for paginated lists), a response enum for operations with several documented outcomes, and the
//! enum of the API's error bodies. Everything generic (URL building, retries, errors, pagination streams) is the
//! `client` module of `apigen-runtime`, re-exported as `client::runtime`, so the code emitted per operation stays a
//! few lines long and the crate compiles quickly.

use super::tokens::{doc, ident};
use super::{rust_file, GeneratedFile, Options};
use crate::ident::unique;
use crate::ir::{Api, Field, Method, Operation, Param, Presence, Resource, Response, Struct, Ty};
use crate::Error;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The client's files: the generated module (its runtime is `apigen-runtime`'s `client` module).
pub fn files(api: &Api, opts: &Options) -> Result<Vec<GeneratedFile>, Error> {
    Ok(vec![rust_file(opts, "src/client/mod.rs", emit(api)?)?])
}

/// A complete example calling `op` (client construction included), for the API reference; the same text as the
/// method's doctest, without the hidden lines.
pub fn rust_example(api: &Api, op: &Operation) -> Option<String> {
    let (_, accessor) = api
        .resources
        .iter()
        .zip(accessor_names(api))
        .find(|(r, _)| r.operations.iter().any(|o| std::ptr::eq(o, op)))?;
    let text = example(api, op, &accessor, true);
    Some(
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Methods of `Client` itself; a resource accessor with one of these names gets a suffix.
const CLIENT_METHODS: &[&str] = &["new", "builder", "from_env", "base_url", "clone", "fmt"];
/// Methods every request builder has; a setter with one of these names gets a suffix.
const BUILDER_METHODS: &[&str] = &[
    "send",
    "body",
    "pages",
    "items",
    "query_pairs",
    "clone",
    "fmt",
];

fn emit(api: &Api) -> Result<TokenStream, Error> {
    let module_doc = doc_lines(&module_doc(api));
    let error_body = emit_error_body(api);
    let client = emit_client(api);
    let mut items = Vec::new();
    for (resource, accessor) in api.resources.iter().zip(accessor_names(api)) {
        items.push(emit_resource(api, resource, &accessor)?);
    }
    let pages = emit_page_impls(api)?;
    Ok(quote! {
        #module_doc

        pub use super::rt::client as runtime;

        pub use runtime::{ApiError, Paginator, RetryPolicy, StatusCode};

        /// Everything a call can fail with; see [`runtime::Error`] for the cases.
        pub type Error = runtime::Error<ApiErrorBody>;

        /// Configures a [`Client`]: base URL, API key, timeouts, user agent, retry policy, HTTP client.
        pub type ClientBuilder = runtime::ClientBuilder<Client>;

        #error_body
        #client
        #(#items)*
        #pages
    })
}

/// `#![doc = ...]` lines for a module's own documentation.
fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

/// The name of each resource's accessor on `Client`: its Rust name, unless `Client` already has a method of that name.
fn accessor_names(api: &Api) -> Vec<String> {
    let mut taken: Vec<String> = CLIENT_METHODS.iter().map(|s| s.to_string()).collect();
    api.resources
        .iter()
        .map(|r| unique(r.rust_name.clone(), &mut taken))
        .collect()
}

fn module_doc(api: &Api) -> String {
    let mut text = format!(
        "The async client of the {} (cargo feature `client`, on by default).\n\n\
         Build a [`Client`] with [`Client::new`], [`Client::from_env`] or [`Client::builder`]; each resource has an \
         accessor on it, and each operation a method there that returns a request builder ending in \
         `.send().await`. Paginated lists also offer `.items()` and `.pages()`, streams that follow the `next` \
         links. Failures are one [`Error`] type; error answers carry the decoded [`ApiErrorBody`].\n\n",
        api.title
    );
    // A paginated list shows the most (client, accessor, operation, stream); any operation will do otherwise.
    let ops: Vec<(&Operation, String)> = api
        .resources
        .iter()
        .zip(accessor_names(api))
        .flat_map(|(r, accessor)| r.operations.iter().map(move |op| (op, accessor.clone())))
        .collect();
    let chosen = ops
        .iter()
        .find(|(op, _)| op.pagination.is_some())
        .or_else(|| ops.first());
    if let Some(example) = chosen.map(|(op, accessor)| example(api, op, accessor, true)) {
        text.push_str("```no_run\n");
        text.push_str(&example);
        text.push_str("```\n");
    }
    text
}

// ---------------------------------------------------------------------------------------------------------------
// Types and values
// ---------------------------------------------------------------------------------------------------------------

/// A type in prose, models linked: "[`InsightVariable`](super::models::InsightVariable)", "a list of ...".
fn doc_link(t: &Ty) -> String {
    match t {
        Ty::Named(name) => format!("[`{name}`](super::models::{name})"),
        Ty::List(inner) => format!("a list of {}", doc_link(inner)),
        Ty::Map(inner) => format!("a map from strings to {}", doc_link(inner)),
        // The runtime's re-exports are an implementation detail; prose names the crates themselves.
        other => format!(
            "`{}`",
            super::tokens::ty(other)
                .to_string()
                .replace(' ', "")
                .replace("super::rt::", "")
        ),
    }
}

/// The type as a reader of the docs writes it (models under the crate's name).
fn doc_ty(api: &Api, t: &Ty) -> String {
    match t {
        Ty::Named(name) => format!("{}::models::{name}", api.crate_name),
        Ty::List(inner) => format!("Vec<{}>", doc_ty(api, inner)),
        Ty::Map(inner) => format!(
            "{}::rt::indexmap::IndexMap<String, {}>",
            api.crate_name,
            doc_ty(api, inner)
        ),
        // An example outside the crate reaches the runtime's re-exports through the crate's `rt`.
        other => super::tokens::ty(other)
            .to_string()
            .replace(" :: ", "::")
            .replace(" < ", "<")
            .replace(" >", ">")
            .replace("super::", &format!("{}::", api.crate_name)),
    }
}

fn is_string(t: &Ty) -> bool {
    matches!(t, Ty::String | Ty::Uri | Ty::Email)
}

/// An expression turning a parameter value into its wire text.
fn param_text(t: &Ty, value: TokenStream) -> TokenStream {
    match t {
        Ty::DateTime => {
            quote! { #value.to_rfc3339_opts(super::rt::chrono::SecondsFormat::AutoSi, true) }
        }
        // Strings, numbers, booleans, UUIDs, dates and enums all print their wire form with Display.
        _ => quote! { #value.to_string() },
    }
}

fn field_name(prefix: &str, rust_name: &str) -> proc_macro2::Ident {
    // A leading `_` (from names that start with a digit) would make a double underscore, which is not snake case.
    format_ident!("{}_{}", prefix, rust_name.trim_start_matches('_'))
}

// ---------------------------------------------------------------------------------------------------------------
// Error body and client
// ---------------------------------------------------------------------------------------------------------------

fn emit_error_body(api: &Api) -> TokenStream {
    let variants: Vec<(proc_macro2::Ident, TokenStream, String)> = api
        .errors
        .models
        .iter()
        .map(|model| {
            // `Raw` is the fallback variant's name.
            let variant = if model == "Raw" {
                "RawModel"
            } else {
                model.as_str()
            };
            let doc = api
                .structs
                .iter()
                .find(|s| s.rust_name == *model)
                .map(|s| s.doc.clone())
                .or_else(|| {
                    api.enums
                        .iter()
                        .find(|e| e.rust_name == *model)
                        .map(|e| e.doc.clone())
                })
                .unwrap_or_else(|| format!("A `{model}` error body."));
            (
                ident(variant),
                super::tokens::sibling_ty(&Ty::Named(model.clone())),
                doc,
            )
        })
        .collect();
    let names: Vec<_> = variants.iter().map(|(v, _, _)| v).collect();
    let types: Vec<_> = variants.iter().map(|(_, t, _)| t).collect();
    let docs: Vec<_> = variants.iter().map(|(_, _, d)| doc(d)).collect();
    let order = api
        .errors
        .models
        .iter()
        .map(|m| format!("[`{m}`](super::models::{m})"))
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
        pub enum ApiErrorBody {
            #( #docs #names(#types), )*
            /// A body that fits none of the error models (or is empty), as text.
            Raw(String),
        }

        impl runtime::ErrorBody for ApiErrorBody {
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

fn emit_client(api: &Api) -> TokenStream {
    let has_key = api.auth.is_some();
    let server = &api.server;
    let key_env = api.auth.as_ref().and_then(|a| a.env.as_deref());
    let key_env_tokens = option_str(key_env);
    let url_env_tokens = option_str(api.server_env.as_deref());
    let user_agent = format!("{}/{}", api.package_name, api.version);
    let client_doc = doc(&format!(
        "Client of the {}.\n\nCheap to clone: clones share one connection pool and configuration.",
        api.title
    ));
    let new_fn = if has_key {
        quote! {
            /// A client for `base_url` that authenticates with `api_key` (sent as `Authorization: Bearer <key>`),
            /// with the default timeout and retry policy.
            pub fn new(base_url: impl Into<String>, api_key: impl Into<String>) -> Result<Self, Error> {
                ClientBuilder::new().base_url(base_url).api_key(api_key).build()
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
    let mut env_doc = String::from("A client configured from the environment");
    match (key_env, api.server_env.as_deref()) {
        (Some(key), Some(url)) => env_doc.push_str(&format!(
            ": the API key from `{key}`, the base URL from `{url}` (default `{server}`)."
        )),
        (Some(key), None) => env_doc.push_str(&format!(
            ": the API key from `{key}`; the base URL is `{server}`."
        )),
        (None, Some(url)) => env_doc.push_str(&format!(
            ": the base URL from `{url}` (default `{server}`)."
        )),
        (None, None) => env_doc.push_str(&format!(
            " (this API names no variables: the base URL is `{server}`)."
        )),
    }
    env_doc.push_str("\n\nFails if a required variable is unset or a value is invalid.");
    let env_doc = doc(&env_doc);
    let accessors = {
        api.resources
            .iter()
            .zip(accessor_names(api))
            .map(|(r, accessor)| {
                let name = ident(&accessor);
                let ty = accessor_type(r);
                let docs = doc(&format!(
                    "The `{}` operations.{}",
                    r.wire_name,
                    r.doc
                        .as_deref()
                        .map(|d| format!("\n\n{}", d.trim_end()))
                        .unwrap_or_default()
                ));
                quote! {
                    #docs
                    pub fn #name(&self) -> #ty<'_> {
                        #ty { client: self }
                    }
                }
            })
            .collect::<Vec<_>>()
    };
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

            #(#accessors)*
        }

        impl runtime::BuildClient for Client {
            type ErrorBody = ApiErrorBody;
            const DEFAULT_BASE_URL: &'static str = #server;
            const API_KEY_ENV: Option<&'static str> = #key_env_tokens;
            const BASE_URL_ENV: Option<&'static str> = #url_env_tokens;
            const USER_AGENT: &'static str = #user_agent;
            fn from_runtime(runtime: runtime::Runtime<ApiErrorBody>) -> Self {
                Client { runtime }
            }
        }
    }
}

fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

fn accessor_type(r: &Resource) -> proc_macro2::Ident {
    format_ident!("{}Client", r.type_name)
}

// ---------------------------------------------------------------------------------------------------------------
// Resources and operations
// ---------------------------------------------------------------------------------------------------------------

fn emit_resource(api: &Api, r: &Resource, accessor: &str) -> Result<TokenStream, Error> {
    let ty = accessor_type(r);
    let docs = doc(&format!(
        "The `{}` operations, from [`Client::{accessor}`].{}",
        r.wire_name,
        r.doc
            .as_deref()
            .map(|d| format!("\n\n{}", d.trim_end()))
            .unwrap_or_default()
    ));
    let mut methods = Vec::new();
    let mut types = Vec::new();
    for op in &r.operations {
        let shape = Shape::of(api, op);
        methods.push(emit_method(api, op, &shape, accessor));
        types.push(emit_request(r, op, &shape));
        types.push(emit_response_enum(op, &shape));
    }
    Ok(quote! {
        #docs
        #[derive(Debug, Clone, Copy)]
        pub struct #ty<'a> {
            client: &'a Client,
        }

        impl #ty<'_> {
            #(#methods)*
        }

        #(#types)*
    })
}

/// How a body field is held by a request builder and set by its setters.
struct BodySlot<'a> {
    field: &'a Field,
    /// The builder's private field.
    slot: proc_macro2::Ident,
    /// Setter names: the value setter, `set_…` (takes the slot's type), and `…_null` where null may be sent.
    setter: String,
    set: String,
    null: Option<String>,
}

/// Everything about an operation the emitters need, computed once.
struct Shape<'a> {
    /// Method arguments: the path parameters, then the required query parameters, in order.
    args: Vec<(&'a Param, String)>,
    /// Optional query parameters with their setter names (value setter, `set_…`).
    optional_query: Vec<(&'a Param, String, String)>,
    /// The body's struct, when the body is one: its fields get setters.
    body_struct: Option<(&'a Struct, Vec<BodySlot<'a>>)>,
    /// A body that is not a struct: a method argument named `body`.
    body_arg: Option<&'a Ty>,
    /// The documented answers decoded as successes (the others are errors).
    outcomes: Vec<&'a Response>,
}

impl<'a> Shape<'a> {
    fn of(api: &'a Api, op: &'a Operation) -> Shape<'a> {
        let mut arg_names = Vec::new();
        let mut args = Vec::new();
        for p in op
            .path_params
            .iter()
            .chain(op.query_params.iter().filter(|q| q.required))
        {
            args.push((p, unique(p.rust_name.clone(), &mut arg_names)));
        }
        let mut methods: Vec<String> = BUILDER_METHODS.iter().map(|s| s.to_string()).collect();
        let optional_query = op
            .query_params
            .iter()
            .filter(|q| !q.required)
            .map(|q| {
                let setter = unique(q.rust_name.clone(), &mut methods);
                let set = unique(
                    format!("set_{}", setter.trim_start_matches('_')),
                    &mut methods,
                );
                (q, setter, set)
            })
            .collect();
        let mut body_struct = None;
        let mut body_arg = None;
        if let Some(body) = &op.body {
            let found = match &body.ty {
                Ty::Named(name) => api.structs.iter().find(|s| s.rust_name == *name),
                _ => None,
            };
            match found {
                Some(s) => {
                    let mut slot_names = Vec::new();
                    let slots = s
                        .fields
                        .iter()
                        .map(|f| {
                            let setter = unique(f.rust_name.clone(), &mut methods);
                            let bare = setter.trim_start_matches('_').to_owned();
                            let set = unique(format!("set_{bare}"), &mut methods);
                            let null =
                                matches!(f.presence(), Presence::Nullable | Presence::Tristate)
                                    .then(|| {
                                        unique(
                                            format!("{}_null", setter.trim_end_matches('_')),
                                            &mut methods,
                                        )
                                    });
                            let slot = unique(
                                format!("body_{}", f.rust_name.trim_start_matches('_')),
                                &mut slot_names,
                            );
                            BodySlot {
                                field: f,
                                slot: format_ident!("{}", slot),
                                setter,
                                set,
                                null,
                            }
                        })
                        .collect();
                    body_struct = Some((s, slots));
                }
                None => {
                    if !arg_names.iter().any(|a| a == "body") {
                        arg_names.push("body".into());
                    }
                    body_arg = Some(&body.ty);
                }
            }
        }
        let outcomes = op
            .responses
            .iter()
            .filter(|r| {
                r.is_success
                    || match &r.ty {
                        Some(Ty::Named(name)) => !api.errors.models.contains(name),
                        Some(_) => true,
                        None => false,
                    }
            })
            .collect();
        Shape {
            args,
            optional_query,
            body_struct,
            body_arg,
            outcomes,
        }
    }

    /// The name of the non-struct body argument (`body`, made unique among the other arguments).
    fn body_arg_name(&self) -> String {
        let mut taken: Vec<String> = self.args.iter().map(|(_, n)| n.clone()).collect();
        unique("body".into(), &mut taken)
    }

    /// One outcome answered by any success status, or a response enum.
    fn single(&self) -> Option<Option<&'a Ty>> {
        match self.outcomes.as_slice() {
            [] => Some(None),
            [only] if only.is_success => Some(only.ty.as_ref()),
            _ => None,
        }
    }
}

fn request_type(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Request", op.type_name)
}

fn response_type(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Response", op.type_name)
}

/// The type `send` returns on success.
fn success_type(op: &Operation, shape: &Shape) -> TokenStream {
    match shape.single() {
        Some(Some(t)) => super::tokens::sibling_ty(t),
        Some(None) => quote! { () },
        None => {
            let name = response_type(op);
            quote! { #name }
        }
    }
}

fn arg_type(p: &Param) -> TokenStream {
    if is_string(&p.ty) {
        quote! { impl Into<String> }
    } else {
        super::tokens::sibling_ty(&p.ty)
    }
}

fn arg_value(p: &Param, name: &proc_macro2::Ident) -> TokenStream {
    if is_string(&p.ty) {
        quote! { #name.into() }
    } else {
        quote! { #name }
    }
}

fn emit_method(api: &Api, op: &Operation, shape: &Shape, accessor: &str) -> TokenStream {
    let name = ident(&op.rust_name);
    let request = request_type(op);
    let docs = doc(&method_doc(api, op, shape, accessor));
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for (p, arg) in &shape.args {
        let arg = ident(arg);
        let ty = arg_type(p);
        params.push(quote! { #arg: #ty });
        let slot = slot_name(op, p);
        let value = arg_value(p, &arg);
        inits.push(quote! { #slot: #value });
    }
    if let Some(t) = shape.body_arg {
        let arg = ident(&shape.body_arg_name());
        let ty = super::tokens::sibling_ty(t);
        params.push(quote! { #arg: #ty });
        // Field init shorthand when the argument is called `body` too (clippy: redundant_field_names).
        inits.push(if arg == "body" {
            quote! { body }
        } else {
            quote! { body: #arg }
        });
    }
    for (q, _, _) in &shape.optional_query {
        let slot = field_name("query", &q.rust_name);
        inits.push(quote! { #slot: None });
    }
    if let Some((_, slots)) = &shape.body_struct {
        for s in slots {
            let slot = &s.slot;
            let empty = match s.field.presence() {
                Presence::Required | Presence::Optional => quote! { None },
                Presence::Nullable | Presence::Tristate => {
                    quote! { super::nullable::Nullable::Absent }
                }
            };
            inits.push(quote! { #slot: #empty });
        }
    }
    quote! {
        #docs
        pub fn #name(&self, #(#params),*) -> #request {
            #request {
                client: self.client.clone(),
                #(#inits,)*
            }
        }
    }
}

/// The builder's private field for a path or required query parameter.
fn slot_name(op: &Operation, p: &Param) -> proc_macro2::Ident {
    let is_path = op.path_params.iter().any(|pp| std::ptr::eq(pp, p));
    field_name(if is_path { "path" } else { "query" }, &p.rust_name)
}

fn method_doc(api: &Api, op: &Operation, shape: &Shape, accessor: &str) -> String {
    let mut text = format!("{}\n", op.summary);
    if let Some(d) = &op.description {
        text.push_str(&format!("\n{}\n", d.trim_end()));
    }
    text.push_str(&format!(
        "\n`{} {}` (operation `{}`).\n",
        op.method.as_str(),
        op.path,
        op.operation_id
    ));
    if !op.auth {
        text.push_str("\nNo authentication: the API key is not sent.\n");
    } else if op.scopes.is_empty() {
        text.push_str("\nRequired scopes: none (any valid API key).\n");
    } else {
        let scopes = op
            .scopes
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        text.push_str(&format!("\nRequired scopes: {scopes}.\n"));
    }
    if op.idempotent {
        text.push_str("\nIdempotent: retried on connection errors, `429` and `502`/`503`/`504` as the retry policy allows.\n");
    } else {
        text.push_str(
            "\nNot idempotent: retried only when the connection could not be opened, unless the retry policy \
             allows retrying non-idempotent operations.\n",
        );
    }
    if !shape.args.is_empty() || shape.body_arg.is_some() {
        text.push_str("\n# Arguments\n\n");
        for (p, arg) in &shape.args {
            let what = p
                .doc
                .as_deref()
                .map(one_line)
                .unwrap_or_else(|| format!("The `{}` parameter.", p.wire_name));
            text.push_str(&format!("- `{arg}`: {what}\n"));
        }
        if shape.body_arg.is_some() {
            text.push_str(&format!(
                "- `{}`: the request body.\n",
                shape.body_arg_name()
            ));
        }
    }
    text.push_str("\n# Answers\n\n");
    for resp in &op.responses {
        let what = resp.doc.as_deref().map(one_line).unwrap_or_default();
        let body = match &resp.ty {
            Some(t) => doc_link(t),
            None => "nothing (no body)".to_owned(),
        };
        let how = if !shape.outcomes.iter().any(|o| std::ptr::eq(*o, resp)) {
            format!("an [`Error::Api`](runtime::Error::Api) with {body}")
        } else if shape.single().is_some() {
            format!("returns {body}")
        } else {
            format!(
                "returns [`{}::{}`] with {body}",
                response_type(op),
                resp.variant
            )
        };
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(": {what}")
        };
        text.push_str(&format!("- `{}` → {how}{what}\n", resp.status));
    }
    text.push_str(
        "\nAny other status is an [`Error::Api`](runtime::Error::Api) with the decoded [`ApiErrorBody`].\n",
    );
    if op.pagination.is_some() {
        text.push_str(
            "\n`send` returns one page; `items` streams every item and `pages` every page, following the `next` \
             links (only to the base URL's origin) until there is none.\n",
        );
    }
    text.push_str("\n# Example\n\n```no_run\n");
    text.push_str(&example(api, op, accessor, false));
    text.push_str("```\n");
    text
}

/// The first paragraph of a doc text, as one line (for lists).
fn one_line(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A literal for a value of type `t` in an example, or `None` when it must come from a hidden argument.
fn example_literal(api: &Api, t: &Ty, example: Option<&serde_json::Value>) -> Option<String> {
    match t {
        Ty::String | Ty::Uri | Ty::Email => Some(format!(
            "{:?}",
            example.and_then(|e| e.as_str()).unwrap_or("value")
        )),
        Ty::I64 => Some(example.and_then(|e| e.as_i64()).unwrap_or(1).to_string()),
        Ty::F64 => Some(format!(
            "{:?}",
            example.and_then(|e| e.as_f64()).unwrap_or(1.0)
        )),
        Ty::Bool => Some(
            example
                .and_then(|e| e.as_bool())
                .unwrap_or(true)
                .to_string(),
        ),
        Ty::Named(name) => {
            let e = api.enums.iter().find(|e| e.rust_name == *name)?;
            let wanted = example.and_then(|e| e.as_str());
            let v = e
                .variants
                .iter()
                .find(|v| Some(v.wire_name.as_str()) == wanted)
                .or_else(|| e.variants.first())?;
            let variant = if crate::ident::is_keyword(&v.rust_name) {
                format!("r#{}", v.rust_name)
            } else {
                v.rust_name.clone()
            };
            Some(format!("{}::models::{name}::{variant}", api.crate_name))
        }
        _ => None,
    }
}

fn raw_name(name: &str) -> String {
    if crate::ident::is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// A `no_run` example calling the operation; values that have no literal come in as arguments of a hidden function.
fn example(api: &Api, op: &Operation, accessor: &str, make_client: bool) -> String {
    let krate = &api.crate_name;
    let shape = Shape::of(api, op);
    let mut hidden = Vec::new();
    let mut prologue = String::new();
    if make_client {
        let how = if api.auth.as_ref().is_some_and(|a| a.env.is_some()) || api.server_env.is_some()
        {
            "from_env()"
        } else {
            "builder().build()"
        };
        prologue = format!("use {krate}::client::Client;\n\nlet client = Client::{how}?;\n");
    } else {
        hidden.push(format!("client: &{krate}::client::Client"));
    }
    let mut taken = vec!["client".to_owned()];
    let mut value = |name: &str, t: &Ty, example: Option<&serde_json::Value>| -> String {
        example_literal(api, t, example).unwrap_or_else(|| {
            let arg = unique(name.trim_start_matches('_').to_owned(), &mut taken);
            hidden.push(format!("{}: {}", raw_name(&arg), doc_ty(api, t)));
            raw_name(&arg)
        })
    };
    let mut args: Vec<String> = Vec::new();
    for (p, _) in &shape.args {
        args.push(value(&p.rust_name, &p.ty, p.example.as_ref()));
    }
    if let Some(t) = shape.body_arg {
        args.push(value("body", t, None));
    }
    let mut call = format!(
        "client\n    .{}()\n    .{}({})\n",
        raw_name(accessor),
        raw_name(&op.rust_name),
        args.join(", ")
    );
    if let Some((_, slots)) = &shape.body_struct {
        let required: Vec<&BodySlot> = slots
            .iter()
            .filter(|s| matches!(s.field.presence(), Presence::Required | Presence::Nullable))
            .collect();
        // With nothing required (a PATCH body), one optional field shows how the setters read.
        let shown = if required.is_empty() {
            slots.iter().take(1).collect()
        } else {
            required
        };
        for s in shown {
            let v = value(&s.field.rust_name, &s.field.ty, s.field.example.as_ref());
            call.push_str(&format!("    .{}({v})\n", raw_name(&s.setter)));
        }
    }
    let body = if op.pagination.is_some() {
        format!(
            "let mut items = {call}    .items();\nwhile let Some(item) = items.next().await {{\n    let item = item?;\n    println!(\"{{item:?}}\");\n}}\n"
        )
    } else if shape.single() == Some(None) {
        format!("{call}    .send()\n    .await?;\n")
    } else {
        format!("let answer = {call}    .send()\n    .await?;\nprintln!(\"{{answer:?}}\");\n")
    };
    format!(
        "# async fn example({}) -> Result<(), {krate}::client::Error> {{\n{prologue}{body}# Ok(())\n# }}\n",
        hidden.join(", ")
    )
}

fn emit_request(r: &Resource, op: &Operation, shape: &Shape) -> TokenStream {
    let request = request_type(op);
    let accessor = accessor_type(r);
    let method_name = &op.rust_name;
    let struct_doc = doc(&format!(
        "A request of [`{accessor}::{method_name}`]: {}\n\nSet optional values with its methods, then call `send`.",
        op.summary
    ));
    let mut fields = Vec::new();
    for (p, _) in &shape.args {
        let slot = slot_name(op, p);
        let ty = super::tokens::sibling_ty(&p.ty);
        fields.push(quote! { #slot: #ty });
    }
    if let Some(t) = shape.body_arg {
        let ty = super::tokens::sibling_ty(t);
        fields.push(quote! { body: #ty });
    }
    let mut setters = Vec::new();
    let mut query_pushes = Vec::new();
    let mut required_query = Vec::new();
    for (p, _) in shape
        .args
        .iter()
        .filter(|(p, _)| !op.path_params.iter().any(|pp| std::ptr::eq(pp, *p)))
    {
        let slot = slot_name(op, p);
        let wire = &p.wire_name;
        let text = param_text(&p.ty, quote! { self.#slot });
        required_query.push(quote! { (#wire, #text) });
    }
    for (q, setter, set) in &shape.optional_query {
        let slot = field_name("query", &q.rust_name);
        let ty = super::tokens::sibling_ty(&q.ty);
        fields.push(quote! { #slot: Option<#ty> });
        let setter = ident(setter);
        let set = ident(set);
        let what = q
            .doc
            .clone()
            .unwrap_or_else(|| format!("The `{}` query parameter.", q.wire_name));
        let setter_doc = doc(&format!(
            "{what}\n\nQuery parameter `{}`; left out unless set.",
            q.wire_name
        ));
        let set_doc = doc(&format!(
            "Sets or clears the `{}` query parameter.",
            q.wire_name
        ));
        setters.push(quote! {
            #setter_doc
            pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                self.#slot = Some(value.into());
                self
            }

            #set_doc
            pub fn #set(mut self, value: Option<#ty>) -> Self {
                self.#slot = value;
                self
            }
        });
        let wire = &q.wire_name;
        let text = param_text(&q.ty, quote! { value });
        query_pushes.push(quote! {
            if let Some(value) = &self.#slot {
                query.push((#wire, #text));
            }
        });
    }
    let mut body_expr = None;
    if shape.body_arg.is_some() {
        body_expr = Some(quote! { self.client.runtime.to_json(Self::OPERATION, &self.body)? });
    }
    if let Some((s, slots)) = &shape.body_struct {
        let body_ty = super::tokens::sibling_ty(&Ty::Named(s.rust_name.clone()));
        let mut field_inits = Vec::new();
        let mut from_body = Vec::new();
        for b in slots {
            let f = b.field;
            let slot = &b.slot;
            let name = ident(&f.rust_name);
            let base = super::tokens::sibling_ty(&f.ty);
            let stored = if f.boxed {
                quote! { Box<#base> }
            } else {
                base.clone()
            };
            let wrap = if f.boxed {
                quote! { Box::new(value.into()) }
            } else {
                quote! { value.into() }
            };
            let wire = &f.wire_name;
            let setter = ident(&b.setter);
            let set = ident(&b.set);
            let facts = match f.presence() {
                Presence::Required => "Required.",
                Presence::Nullable => "Required (may be null).",
                Presence::Optional => "Optional: left out unless set.",
                Presence::Tristate => "Optional: left out unless set; may be set to null.",
            };
            let setter_doc = doc(&format!(
                "{}\n\nBody field `{wire}`. {facts}",
                f.doc.trim_end()
            ));
            let (slot_ty, set_value, take, from) = match f.presence() {
                Presence::Required => (
                    quote! { Option<#stored> },
                    quote! { Some(#wrap) },
                    quote! { self.#slot.ok_or_else(|| self.client.runtime.missing(Self::OPERATION, #wire))? },
                    quote! { Some(body.#name) },
                ),
                Presence::Optional => (
                    quote! { Option<#stored> },
                    quote! { Some(#wrap) },
                    quote! { self.#slot },
                    quote! { body.#name },
                ),
                Presence::Nullable => (
                    quote! { super::nullable::Nullable<#stored> },
                    quote! { super::nullable::Nullable::Value(#wrap) },
                    quote! {
                        self.#slot
                            .into_option()
                            .ok_or_else(|| self.client.runtime.missing(Self::OPERATION, #wire))?
                    },
                    quote! { body.#name.into() },
                ),
                Presence::Tristate => (
                    quote! { super::nullable::Nullable<#stored> },
                    quote! { super::nullable::Nullable::Value(#wrap) },
                    quote! { self.#slot },
                    quote! { body.#name },
                ),
            };
            fields.push(quote! { #slot: #slot_ty });
            let set_doc = doc(&format!(
                "Sets the body field `{wire}` from its stored form ({}).",
                if matches!(f.presence(), Presence::Required | Presence::Optional) {
                    "`None`: not set"
                } else {
                    "`Absent`: not sent, `Null`: sent as null"
                }
            ));
            setters.push(quote! {
                #setter_doc
                pub fn #setter(mut self, value: impl Into<#base>) -> Self {
                    self.#slot = #set_value;
                    self
                }

                #set_doc
                pub fn #set(mut self, value: #slot_ty) -> Self {
                    self.#slot = value;
                    self
                }
            });
            if let Some(null) = &b.null {
                let null = ident(null);
                let null_doc = doc(&format!(
                    "Sends the body field `{wire}` as `null` (clears it)."
                ));
                setters.push(quote! {
                    #null_doc
                    pub fn #null(mut self) -> Self {
                        self.#slot = super::nullable::Nullable::Null;
                        self
                    }
                });
            }
            field_inits.push(quote! { #name: #take });
            from_body.push(quote! { self.#slot = #from; });
        }
        let body_doc = doc(&format!(
            "Sets every body field from a whole [`{}`](super::models::{}), replacing what was set before.",
            s.rust_name, s.rust_name
        ));
        // A body model with no writable field has nothing to copy.
        let (recv, arg) = if from_body.is_empty() {
            (quote! { self }, quote! { _body })
        } else {
            (quote! { mut self }, quote! { body })
        };
        setters.push(quote! {
            #body_doc
            pub fn body(#recv, #arg: #body_ty) -> Self {
                #(#from_body)*
                self
            }
        });
        body_expr = Some(quote! {
            self.client.runtime.to_json(Self::OPERATION, &#body_ty { #(#field_inits,)* })?
        });
    }

    let has_query = !op.query_params.is_empty();
    let query_fn = has_query.then(|| {
        let init = if query_pushes.is_empty() {
            quote! { let query = vec![#(#required_query),*]; }
        } else if required_query.is_empty() {
            quote! { let mut query = Vec::new(); }
        } else {
            quote! { let mut query = vec![#(#required_query),*]; }
        };
        quote! {
            fn query_pairs(&self) -> Vec<(&'static str, String)> {
                #init
                #(#query_pushes)*
                query
            }
        }
    });
    let query_arg = if has_query {
        quote! { &self.query_pairs() }
    } else {
        quote! { &[] }
    };
    // The query is read before the body is built: building it moves the body fields out of `self`.
    let (query_let, query_ref) = if has_query {
        (
            quote! { let query = self.query_pairs(); },
            quote! { &query },
        )
    } else {
        (quote! {}, quote! { &[] })
    };
    let path_values: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|p| {
            let slot = field_name("path", &p.rust_name);
            if is_string(&p.ty) {
                quote! { self.#slot.as_str() }
            } else {
                let text = param_text(&p.ty, quote! { self.#slot });
                quote! { #text.as_str() }
            }
        })
        .collect();

    let (body_let, body_ref) = match body_expr {
        Some(expr) => (quote! { let body = #expr; }, quote! { Some(body) }),
        None => (quote! {}, quote! { None }),
    };
    let operation = emit_operation_const(r, op);
    let ok = success_type(op, shape);
    let decode = emit_decode(op, shape);
    let send_doc = doc(&format!(
        "Sends the request and decodes the answer{}.",
        if op.pagination.is_some() {
            " (one page)"
        } else {
            ""
        }
    ));
    let paging = op.pagination.as_ref().map(|p| {
        let envelope = super::tokens::sibling_ty(&Ty::Named(p.envelope.clone()));
        let item = super::tokens::sibling_ty(&p.item);
        quote! {
            /// Every page in turn, from this request's page on, following the `next` links (only to the base
            /// URL's scheme, host and port) until the last page.
            pub fn pages(self) -> Paginator<#envelope, Error> {
                self.client.runtime.paginate(Self::OPERATION, &[#(#path_values),*], #query_arg)
            }

            /// Every item of every page, fetching pages as the stream is read.
            pub fn items(self) -> Paginator<#item, Error> {
                self.pages().into_items()
            }
        }
    });
    quote! {
        #struct_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #request {
            client: Client,
            #(#fields,)*
        }

        impl #request {
            #operation

            #(#setters)*

            #query_fn

            #send_doc
            pub async fn send(self) -> Result<#ok, Error> {
                #query_let
                #body_let
                let raw = self
                    .client
                    .runtime
                    .send(Self::OPERATION, &[#(#path_values),*], #query_ref, #body_ref)
                    .await?;
                #decode
            }

            #paging
        }
    }
}

fn emit_operation_const(r: &Resource, op: &Operation) -> TokenStream {
    let name = format!("{}.{}", r.rust_name, op.rust_name);
    let method = match op.method {
        Method::Get => quote! { Get },
        Method::Post => quote! { Post },
        Method::Put => quote! { Put },
        Method::Patch => quote! { Patch },
        Method::Delete => quote! { Delete },
    };
    let path = &op.path;
    let idempotent = op.idempotent;
    let auth = op.auth;
    quote! {
        const OPERATION: runtime::Operation = runtime::Operation {
            name: #name,
            method: runtime::HttpMethod::#method,
            path: #path,
            idempotent: #idempotent,
            auth: #auth,
        };
    }
}

fn emit_decode(op: &Operation, shape: &Shape) -> TokenStream {
    match shape.single() {
        Some(Some(_)) => quote! {
            if raw.status().is_success() { raw.json() } else { Err(raw.into_error()) }
        },
        Some(None) => quote! {
            // The answer's body, if any, is not documented: it is ignored.
            if raw.status().is_success() { Ok(()) } else { Err(raw.into_error()) }
        },
        None => {
            let enum_name = response_type(op);
            let arms = shape.outcomes.iter().map(|o| {
                let status = proc_macro2::Literal::u16_unsuffixed(o.status);
                let variant = ident(&o.variant);
                match &o.ty {
                    Some(_) => quote! { #status => raw.json().map(#enum_name::#variant), },
                    None => quote! { #status => Ok(#enum_name::#variant), },
                }
            });
            quote! {
                match raw.status().as_u16() {
                    #(#arms)*
                    _ => Err(raw.into_error()),
                }
            }
        }
    }
}

fn emit_response_enum(op: &Operation, shape: &Shape) -> TokenStream {
    if shape.single().is_some() {
        return quote! {};
    }
    let name = response_type(op);
    let docs = doc(&format!(
        "The documented answers of `{}` (`{} {}`), one variant per status.",
        op.rust_name,
        op.method.as_str(),
        op.path
    ));
    let variants = shape.outcomes.iter().map(|o| {
        let variant = ident(&o.variant);
        let d = doc(&format!(
            "`{}`: {}",
            o.status,
            o.doc.as_deref().map(one_line).unwrap_or_default()
        ));
        match &o.ty {
            Some(t) => {
                let t = super::tokens::sibling_ty(t);
                quote! { #d #variant(#t), }
            }
            None => quote! { #d #variant, },
        }
    });
    let status_arms = shape.outcomes.iter().map(|o| {
        let variant = ident(&o.variant);
        let status = proc_macro2::Literal::u16_unsuffixed(o.status);
        match o.ty {
            Some(_) => quote! { #name::#variant(_) => #status, },
            None => quote! { #name::#variant => #status, },
        }
    });
    // When every answer carries the same type, callers that do not care which status it was can take the value.
    let first_ty = shape.outcomes.first().and_then(|o| o.ty.as_ref());
    let into_inner = first_ty
        .filter(|t| shape.outcomes.iter().all(|o| o.ty.as_ref() == Some(*t)))
        .map(|t| {
            let t = super::tokens::sibling_ty(t);
            let variants = shape.outcomes.iter().map(|o| ident(&o.variant));
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

// ---------------------------------------------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------------------------------------------

fn emit_page_impls(api: &Api) -> Result<TokenStream, Error> {
    let mut done: Vec<&str> = Vec::new();
    let mut impls = Vec::new();
    for op in api.resources.iter().flat_map(|r| &r.operations) {
        let Some(p) = &op.pagination else { continue };
        if done.contains(&p.envelope.as_str()) {
            continue;
        }
        done.push(&p.envelope);
        let style = api.pagination.get(p.style).ok_or_else(|| {
            Error::Internal(format!(
                "{}: pagination style {} does not exist",
                op.operation_id, p.style
            ))
        })?;
        let envelope = api
            .structs
            .iter()
            .find(|s| s.rust_name == p.envelope)
            .ok_or_else(|| {
                Error::Internal(format!("page envelope {} does not exist", p.envelope))
            })?;
        let field = |wire: &str| {
            envelope
                .fields
                .iter()
                .find(|f| f.wire_name == wire)
                .map(|f| ident(&f.rust_name))
                .ok_or_else(|| Error::Internal(format!("{} has no field `{wire}`", p.envelope)))
        };
        let next = field(&style.next)?;
        let results = field(&style.results)?;
        let envelope_ty = super::tokens::sibling_ty(&Ty::Named(p.envelope.clone()));
        let item = super::tokens::sibling_ty(&p.item);
        impls.push(quote! {
            impl runtime::Page for #envelope_ty {
                type Item = #item;

                fn next_url(&self) -> Option<&str> {
                    self.#next.as_deref()
                }

                fn into_items(self) -> Vec<Self::Item> {
                    self.#results
                }
            }
        });
    }
    Ok(quote! { #(#impls)* })
}

#[cfg(test)]
mod tests {
    use crate::emit::Options;

    /// The client module generated from a small spec: `api` lines are added under `api:`, and with `auth` the
    /// error answers an authenticated API must declare.
    fn client_module(api: &str, auth: bool) -> String {
        let answer = |name: &str| {
            format!("  {name}:\n    status: 400\n    model: Problem\n    body: {{error: x}}\n")
        };
        let mut errors = answer("validation") + &answer("not_found");
        if auth {
            for name in ["unauthenticated", "invalid_credentials", "missing_scope"] {
                errors.push_str(&answer(name));
            }
        }
        let spec = format!(
            "api:\n  name: t\n  title: T\n  version: 1.0.0\n  server: https://t.example\n{api}\
             errors:\n  models: [Problem]\n{errors}\
             models:\n  Problem:\n    fields:\n      error: string\n\
             resources:\n  things:\n    path: /things\n    operations:\n      get:\n\
             \x20       method: GET\n        summary: Get\n        responses:\n          200: Problem\n"
        );
        let opts = Options {
            spec_display: "t.yaml".into(),
            regenerate: "test".into(),
            client: true,
            server: false,
            standalone: true,
            runtime: crate::Runtime::Vendored,
        };
        let files = match crate::generate("t.yaml", &spec, &opts, false) {
            Ok(files) => files,
            Err(e) => panic!("{e}"),
        };
        let module = files.iter().find(|f| f.path == "src/client/mod.rs");
        module.map(|f| f.contents.clone()).unwrap_or_default()
    }

    #[test]
    fn an_api_without_auth_takes_only_a_base_url() {
        let text = client_module("", false);
        assert!(text.contains("pub fn new(base_url: impl Into<String>) -> Result<Self, Error>"));
        assert!(text.contains("const API_KEY_ENV: Option<&'static str> = None;"));
        assert!(text.contains("auth: false,"));
    }

    #[test]
    fn an_api_with_auth_takes_a_key_and_names_its_variables() {
        let api = "  server_env: T_HOST\n  auth:\n    scheme: bearer\n    env: T_KEY\n";
        let text = client_module(api, true);
        assert!(text.contains("api_key: impl Into<String>"), "{text}");
        assert!(text.contains(r#"Some("T_KEY")"#) && text.contains(r#"Some("T_HOST")"#));
        assert!(text.contains("auth: true,"));
    }

    #[test]
    fn output_is_deterministic() {
        assert_eq!(client_module("", false), client_module("", false));
    }
}
