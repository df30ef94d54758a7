//! Emits the `server` module (cargo feature `server`): one trait per resource, a response enum per operation, the
//! axum handlers that authenticate, check scopes and decode inputs before calling the trait, and `router()`.
//!
//! Everything API-specific comes from the IR: paths, scopes, the auth rules, the error answers, constraints. The
//! runtime the handlers call (auth, error rendering, extraction, body limit, panics) is the `server` module of
//! `apigen-runtime`, whose modules the generated `mod.rs` re-exports.

use super::tokens::{doc, ident};
use super::{rust_file, GeneratedFile, Options};
use crate::ir::{Api, Constraints, Field, Method, Operation, Presence, Resource, Struct, Ty};
use crate::Error;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use std::collections::BTreeSet;

/// The server's files: the generated `mod.rs` (its runtime is `apigen-runtime`'s `server` module).
pub fn files(api: &Api, opts: &Options) -> Result<Vec<GeneratedFile>, Error> {
    let tokens = Emitter::new(api).module()?;
    Ok(vec![rust_file(opts, "src/server/mod.rs", tokens)?])
}

/// How an operation learns who calls it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CallerKind {
    /// The API has no auth: the context carries `()`.
    NoAuth,
    /// Credentials and scopes are checked before the handler runs.
    Required,
    /// The route is open; a valid key still identifies the caller.
    Optional,
}

struct Emitter<'a> {
    api: &'a Api,
    /// Structs whose constraints (or whose nested structs' constraints) are checked on request bodies.
    validated: BTreeSet<String>,
    /// Regular expressions of `pattern` constraints, in order of first use; each becomes a `static`.
    patterns: Vec<String>,
}

impl<'a> Emitter<'a> {
    fn new(api: &'a Api) -> Self {
        Emitter {
            api,
            validated: validated_structs(api),
            patterns: Vec::new(),
        }
    }

    fn module(mut self) -> Result<TokenStream, Error> {
        let api = self.api;
        let module_doc = inner_doc(&format!(
            "Server stubs for the {title} (cargo feature `server`), built on axum.\n\n\
             Implementing the API means implementing one trait per resource ({traits}) on one type, plus \
             [`Authenticate`] to map bearer keys to callers; [`router`] then serves every operation. Before a \
             handler runs, the router has already:\n\n\
             - authenticated the caller and checked the scopes the operation requires (`401`/`403` with the \
             API's error bodies);\n\
             - decoded path and query parameters and the JSON body, and checked the spec's constraints (`400` \
             with the API's validation body, `attr` naming the field);\n\
             - refused bodies over the size limit (`413`), unknown paths (`404`) and other methods (`405`).\n\n\
             Each trait method returns the operation's response enum (one variant per documented status) or an \
             [`ApiError`] for the standard answers. Paths answer with and without their trailing slash.",
            title = api.title,
            traits = api
                .resources
                .iter()
                .map(|r| format!("[`{}`]", trait_name(r)))
                .collect::<Vec<_>>()
                .join(", "),
        ));
        let mut items = Vec::new();
        for r in &api.resources {
            items.push(self.resource_trait(r));
            for op in &r.operations {
                items.push(self.query_struct(op));
                items.push(self.response_enum(op));
                items.push(self.handler(r, op));
            }
        }
        let validate_impls = self.validate_impls();
        let patterns = self.pattern_statics()?;
        let router = self.router();
        let answers = self.error_answers()?;
        let scope_rules = self.scope_rules();
        Ok(quote! {
            #module_doc

            pub use super::rt::server::{auth, error, extract, runtime};

            pub use auth::{Authenticate, Caller, ScopeRules};
            pub use error::ApiError;
            pub use extract::Validate;
            pub use runtime::{RequestContext, ServerOptions};

            // Everything below is spelt out in full (`super::rt::axum::response::Response`, `super::models::...`)
            // rather than imported, so that no import goes unused whatever the spec holds.

            #router
            #answers
            #scope_rules
            #(#items)*
            #validate_impls
            #patterns
        })
    }

    fn caller_kind(&self, op: &Operation) -> CallerKind {
        match (&self.api.auth, op.auth) {
            (None, _) => CallerKind::NoAuth,
            (Some(_), true) => CallerKind::Required,
            (Some(_), false) => CallerKind::Optional,
        }
    }

    fn caller_ty(&self, op: &Operation) -> TokenStream {
        match self.caller_kind(op) {
            CallerKind::NoAuth => quote! { () },
            CallerKind::Required => quote! { Self::Caller },
            CallerKind::Optional => quote! { Option<Self::Caller> },
        }
    }

    fn resource_trait(&self, r: &Resource) -> TokenStream {
        let name = format_ident!("{}", trait_name(r));
        let mut text = r
            .doc
            .as_deref()
            .map(str::trim_end)
            .filter(|d| !d.is_empty())
            .map_or_else(|| format!("The `{}` resource.", r.wire_name), str::to_owned);
        text.push_str(&format!(
            "\n\nThe server side of the `{}` operations: implement it (with the other resources' traits) and \
             serve the implementation with [`router`].",
            r.wire_name
        ));
        let docs = doc(&text);
        let supertrait = if self.api.auth.is_some() {
            quote! { Authenticate }
        } else {
            quote! { Send + Sync + 'static }
        };
        let methods = r.operations.iter().map(|op| self.trait_method(op));
        quote! {
            #docs
            pub trait #name: #supertrait {
                #(#methods)*
            }
        }
    }

    fn trait_method(&self, op: &Operation) -> TokenStream {
        let name = ident(&op.rust_name);
        let mut text = op.summary.clone();
        if let Some(d) = &op.description {
            text.push_str("\n\n");
            text.push_str(d);
        }
        text.push_str(&format!("\n\n`{} {}`", op.method.as_str(), op.path));
        match self.caller_kind(op) {
            CallerKind::Required if !op.scopes.is_empty() => text.push_str(&format!(
                "; the router has checked the scopes {} before calling it.",
                op.scopes
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            CallerKind::Required => text.push_str("; any valid key may call it."),
            CallerKind::Optional => {
                text.push_str("; open to anyone (the caller is known when a valid key was sent).")
            }
            CallerKind::NoAuth => text.push('.'),
        }
        let params = self.path_args(op);
        if !params.is_empty() {
            text.push_str("\n\nPath parameters:");
            for (p, arg) in op.path_params.iter().zip(&params) {
                text.push_str(&format!(
                    "\n- `{arg}`: {}",
                    p.doc.as_deref().map_or("(undocumented)", str::trim)
                ));
            }
        }
        let docs = doc(&text);
        let caller = self.caller_ty(op);
        let args = op.path_params.iter().zip(&params).map(|(p, arg)| {
            let arg = ident(arg);
            let ty = super::tokens::sibling_ty(&p.ty);
            quote! { #arg: #ty }
        });
        let query = (!op.query_params.is_empty()).then(|| {
            let ty = query_struct_name(op);
            quote! { query: #ty, }
        });
        let body = op.body.as_ref().map(|b| {
            let ty = super::tokens::sibling_ty(&b.ty);
            quote! { body: #ty, }
        });
        let response = response_enum_name(op);
        // `self`, the context, the path parameters, query and body: past seven clippy asks for a struct, but the
        // arguments mirror the spec, so the lint is quieted rather than the signature bent.
        let arg_count =
            2 + params.len() + usize::from(query.is_some()) + usize::from(body.is_some());
        let allow = (arg_count > 7).then(|| quote! { #[allow(clippy::too_many_arguments)] });
        quote! {
            #docs
            #allow
            fn #name(
                &self,
                ctx: RequestContext<#caller>,
                #(#args,)*
                #query
                #body
            ) -> impl std::future::Future<Output = Result<#response, ApiError>> + Send;
        }
    }

    /// The argument names of the path parameters, kept clear of the fixed `ctx`, `query` and `body`.
    fn path_args(&self, op: &Operation) -> Vec<String> {
        let mut taken = vec!["ctx".to_owned(), "query".to_owned(), "body".to_owned()];
        op.path_params
            .iter()
            .map(|p| crate::ident::unique(p.rust_name.clone(), &mut taken))
            .collect()
    }

    fn query_struct(&self, op: &Operation) -> TokenStream {
        if op.query_params.is_empty() {
            return TokenStream::new();
        }
        let name = query_struct_name(op);
        let docs = doc(&format!(
            "The query parameters of `{}` (`{} {}`).",
            op.operation_id,
            op.method.as_str(),
            op.path
        ));
        let fields = op.query_params.iter().map(|p| {
            let field = ident(&p.rust_name);
            let ty = super::tokens::sibling_ty(&p.ty);
            let ty = if p.required {
                ty
            } else {
                quote! { Option<#ty> }
            };
            let mut text = p
                .doc
                .clone()
                .unwrap_or_else(|| format!("The `{}` query parameter.", p.wire_name));
            if p.rust_name.trim_start_matches("r#") != p.wire_name {
                text.push_str(&format!("\n\nWire name: `{}`.", p.wire_name));
            }
            let docs = doc(&text);
            quote! { #docs pub #field: #ty, }
        });
        let default = op
            .query_params
            .iter()
            .all(|p| !p.required)
            .then(|| quote! { Default, });
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, #default)]
            pub struct #name {
                #(#fields)*
            }
        }
    }

    fn response_enum(&self, op: &Operation) -> TokenStream {
        let name = response_enum_name(op);
        let docs = doc(&format!(
            "The answers of `{}` (`{} {}`): one variant per documented status.",
            op.operation_id,
            op.method.as_str(),
            op.path
        ));
        let mut variants = Vec::new();
        let mut arms = Vec::new();
        for resp in &op.responses {
            let variant = format_ident!("{}", resp.variant);
            let status = Literal::u16_unsuffixed(resp.status);
            let text = match &resp.doc {
                Some(d) => format!("`{}`: {}", resp.status, d.trim_end()),
                None => format!("`{}`.", resp.status),
            };
            let vdoc = doc(&text);
            match &resp.ty {
                Some(ty) => {
                    let ty = super::tokens::sibling_ty(ty);
                    variants.push(quote! { #vdoc #variant(#ty), });
                    arms.push(quote! {
                        Self::#variant(body) => error::json_response(runtime::status(#status), &body),
                    });
                }
                None => {
                    variants.push(quote! { #vdoc #variant, });
                    arms.push(quote! {
                        Self::#variant => super::rt::axum::response::IntoResponse::into_response(runtime::status(#status)),
                    });
                }
            }
        }
        // A response is built once and moved straight into the HTTP response: boxing a large variant would only add
        // an allocation and a `Box::new` at every construction, so clippy's size lint is quieted.
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq)]
            #[allow(clippy::large_enum_variant)]
            pub enum #name {
                #(#variants)*
            }

            impl super::rt::axum::response::IntoResponse for #name {
                fn into_response(self) -> super::rt::axum::response::Response {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    }

    fn handler(&mut self, r: &Resource, op: &Operation) -> TokenStream {
        let name = handler_name(r, op);
        let trait_ident = format_ident!("{}", trait_name(r));
        let method = ident(&op.rust_name);
        let kind = self.caller_kind(op);
        let scopes = &op.scopes;
        let caller = match kind {
            CallerKind::NoAuth => quote! {},
            CallerKind::Required => quote! {
                let caller = match state.authorize(&parts.headers, &[#(#scopes),*]).await {
                    Ok(caller) => caller,
                    Err(error) => return state.error_response(&error),
                };
            },
            CallerKind::Optional => quote! {
                let caller = state.identify(&parts.headers).await;
            },
        };
        let caller_value = match kind {
            CallerKind::NoAuth => quote! { () },
            _ => quote! { caller },
        };
        let args: Vec<_> = self.path_args(op).iter().map(|a| ident(a)).collect();
        let path = (!op.path_params.is_empty()).then(|| {
            let parses = op.path_params.iter().zip(&args).map(|(p, arg)| {
                let ty = super::tokens::sibling_ty(&p.ty);
                let wire = &p.wire_name;
                let invalid = self.invalid(&p.ty);
                quote! { let #arg = extract::path_param::<#ty>(&path, #wire, &#invalid)?; }
            });
            quote! {
                let path = extract::path_params(&mut parts).await?;
                #(#parses)*
            }
        });
        let query = (!op.query_params.is_empty()).then(|| {
            let ty = query_struct_name(op);
            let fields = op.query_params.iter().map(|p| {
                let field = ident(&p.rust_name);
                let ty = super::tokens::sibling_ty(&p.ty);
                let wire = &p.wire_name;
                let invalid = self.invalid(&p.ty);
                let how = if p.required {
                    quote! { required }
                } else {
                    quote! { optional }
                };
                quote! { #field: pairs.#how::<#ty>(#wire, &#invalid)?, }
            });
            quote! {
                let pairs = extract::QueryPairs::parse(parts.uri.query());
                let query = #ty { #(#fields)* };
            }
        });
        let body = op.body.as_ref().map(|b| {
            let ty = super::tokens::sibling_ty(&b.ty);
            let checks = self.checks(&b.ty, None, quote! { body }, &[], 0);
            quote! {
                let bytes = state.read_body(&parts.headers, body).await?;
                let body: #ty = extract::json_body(&bytes)?;
                #checks
            }
        });
        let bindings: Vec<TokenStream> = args
            .iter()
            .map(|a| quote! { #a })
            .chain(query.as_ref().map(|_| quote! { query }))
            .chain(body.as_ref().map(|_| quote! { body }))
            .collect();
        // Inputs are decoded in one async block so that the first failure, whichever it is, gives its answer.
        let inputs = (!bindings.is_empty()).then(|| {
            quote! {
                let inputs = async {
                    #path
                    #query
                    #body
                    Ok::<_, ApiError>((#(#bindings,)*))
                }
                .await;
                let (#(#bindings,)*) = match inputs {
                    Ok(inputs) => inputs,
                    Err(error) => return state.error_response(&error),
                };
            }
        });
        let parts_pattern = if op.path_params.is_empty() {
            quote! { parts }
        } else {
            quote! { mut parts }
        };
        let body_pattern = if op.body.is_some() {
            quote! { body }
        } else {
            quote! { _ }
        };
        quote! {
            async fn #name<T: #trait_ident>(
                super::rt::axum::extract::State(state): super::rt::axum::extract::State<runtime::Shared<T>>,
                request: super::rt::axum::extract::Request,
            ) -> super::rt::axum::response::Response {
                let (#parts_pattern, #body_pattern) = request.into_parts();
                #caller
                #inputs
                let ctx = RequestContext::new(#caller_value, parts);
                state
                    .respond(<T as #trait_ident>::#method(&state.implementation, ctx, #(#bindings),*))
                    .await
            }
        }
    }

    /// The message for a parameter of type `t` that does not parse.
    fn invalid(&self, t: &Ty) -> TokenStream {
        let which = match t {
            Ty::I64 => quote! { INTEGER },
            Ty::F64 => quote! { NUMBER },
            Ty::Bool => quote! { BOOLEAN },
            Ty::Uuid => quote! { UUID },
            Ty::DateTime => quote! { DATETIME },
            Ty::Date => quote! { DATE },
            Ty::Named(_) => quote! { CHOICE },
            _ => quote! { TEXT },
        };
        quote! { extract::Invalid::#which }
    }

    fn router(&self) -> TokenStream {
        // One `.route` per path (axum refuses the same path twice), holding every method; each path is served
        // with and without its trailing slash.
        let mut paths: Vec<(String, Vec<TokenStream>)> = Vec::new();
        for r in &self.api.resources {
            for op in &r.operations {
                let handler = handler_name(r, op);
                let method = match op.method {
                    Method::Get => quote! { get },
                    Method::Post => quote! { post },
                    Method::Put => quote! { put },
                    Method::Patch => quote! { patch },
                    Method::Delete => quote! { delete },
                };
                let route = quote! { #method(#handler::<T>) };
                match paths.iter_mut().find(|(p, _)| *p == op.path) {
                    Some((_, routes)) => routes.push(route),
                    None => paths.push((op.path.clone(), vec![route])),
                }
            }
        }
        let mut routes = Vec::new();
        for (path, methods) in &paths {
            let (first, rest) = methods
                .split_first()
                .map_or((None, &[][..]), |(f, r)| (Some(f), r));
            let chain = quote! { super::rt::axum::routing::#first #(.#rest)* };
            let other = match path.strip_suffix('/') {
                Some(bare) if !bare.is_empty() => bare.to_owned(),
                Some(_) => String::new(),
                None => format!("{path}/"),
            };
            routes.push(quote! { .route(#path, #chain) });
            if !other.is_empty() {
                routes.push(quote! { .route(#other, #chain) });
            }
        }
        let bounds: Vec<TokenStream> = self
            .api
            .resources
            .iter()
            .map(|r| {
                let t = format_ident!("{}", trait_name(r));
                quote! { #t }
            })
            .collect();
        let bounds = if bounds.is_empty() {
            quote! { Send + Sync + 'static }
        } else {
            quote! { #(#bounds)+* }
        };
        quote! {
            /// The axum router serving every operation with `implementation`, with the default
            /// [`ServerOptions`] (1 MiB body limit).
            ///
            /// Unknown paths get the API's not-found answer and known paths with another method its
            /// method-not-allowed answer. Serve it with `axum::serve`, or nest it in a larger router.
            pub fn router<T>(implementation: T) -> super::rt::axum::Router
            where
                T: #bounds,
            {
                router_with(implementation, ServerOptions::default())
            }

            /// [`router`] with explicit [`ServerOptions`].
            pub fn router_with<T>(implementation: T, options: ServerOptions) -> super::rt::axum::Router
            where
                T: #bounds,
            {
                let state = runtime::ServerState::new(implementation, error_answers(), scope_rules(), options);
                super::rt::axum::Router::new()
                    #(#routes)*
                    .fallback(runtime::not_found::<T>)
                    .method_not_allowed_fallback(runtime::method_not_allowed::<T>)
                    .with_state(state)
            }
        }
    }

    fn error_answers(&self) -> Result<TokenStream, Error> {
        let mut answers = Vec::new();
        for a in &self.api.errors.answers {
            // The runtime's `ErrorKind` is the list of kinds both sides know; the spec was validated against the
            // same keys, so an unknown one is a generator bug.
            let kind: apigen_runtime::ErrorKind = a
                .kind
                .parse()
                .map_err(|e| Error::Internal(format!("the error answers: {e}")))?;
            // A fieldless variant's `Debug` is its name.
            let kind = format_ident!("{}", format!("{kind:?}"));
            let status = Literal::u16_unsuffixed(a.status);
            let body = json_tokens(&a.body);
            answers.push(quote! {
                error::ErrorAnswer {
                    kind: error::ErrorKind::#kind,
                    status: #status,
                    body: super::rt::serde_json::json!(#body),
                },
            });
        }
        Ok(quote! {
            /// The API's error answers (status and body template per kind), as the spec's `errors` section gives them.
            pub fn error_answers() -> error::ErrorAnswers {
                error::ErrorAnswers::new(vec![#(#answers)*])
            }
        })
    }

    fn scope_rules(&self) -> TokenStream {
        let (wildcard, implied) = match &self.api.auth {
            Some(auth) => (auth.wildcard_scope.clone(), auth.implied_scopes.clone()),
            None => (None, Vec::new()),
        };
        let wildcard = match wildcard {
            Some(w) => quote! { Some(#w) },
            None => quote! { None },
        };
        let implied = implied
            .iter()
            .map(|(from, grants)| quote! { (#from, #grants) });
        quote! {
            /// The API's scope rules: its wildcard scope and which scopes imply which.
            pub fn scope_rules() -> ScopeRules {
                ScopeRules::new(#wildcard, &[#(#implied),*])
            }
        }
    }

    fn validate_impls(&mut self) -> TokenStream {
        let api = self.api;
        let mut impls = Vec::new();
        for s in &api.structs {
            if self.validated.contains(&s.rust_name) {
                impls.push(self.validate_impl(s));
            }
        }
        quote! { #(#impls)* }
    }

    fn validate_impl(&mut self, s: &Struct) -> TokenStream {
        let name = ident(&s.rust_name);
        let fields: Vec<TokenStream> = s.fields.iter().map(|f| self.field_checks(f)).collect();
        quote! {
            impl Validate for super::models::#name {
                fn validate(&self) -> Result<(), ApiError> {
                    #(#fields)*
                    Ok(())
                }
            }
        }
    }

    fn field_checks(&mut self, f: &Field) -> TokenStream {
        let wire = &f.wire_name;
        let checks = self.checks(
            &f.ty,
            Some(&f.constraints),
            quote! { value },
            &[quote! { #wire }],
            0,
        );
        if checks.is_empty() {
            return checks;
        }
        let name = ident(&f.rust_name);
        match f.presence() {
            Presence::Required => quote! { { let value = &self.#name; #checks } },
            Presence::Nullable | Presence::Optional => {
                quote! { if let Some(value) = &self.#name { #checks } }
            }
            // A sibling path, not `crate::`: the module may be `include!`d into another crate (`Builder`).
            Presence::Tristate => {
                quote! { if let super::nullable::Nullable::Value(value) = &self.#name { #checks } }
            }
        }
    }

    /// Statements checking `value` (a reference to a `t`) against `constraints` and, for structs, lists and maps,
    /// against what is nested inside. `path` holds the `attr` segments, outermost first.
    fn checks(
        &mut self,
        t: &Ty,
        constraints: Option<&Constraints>,
        value: TokenStream,
        path: &[TokenStream],
        depth: usize,
    ) -> TokenStream {
        // Errors are placed innermost segment first: `in_field(index).in_field("list")` gives `list__index`.
        let segments = path.iter().rev();
        let place = if path.is_empty() {
            quote! {}
        } else {
            quote! { .map_err(|e| e #(.in_field(#segments))*) }
        };
        let mut out = Vec::new();
        if let Some(c) = constraints {
            let length = |n: i64| Literal::usize_unsuffixed(usize::try_from(n).unwrap_or(0));
            match t {
                Ty::String | Ty::Uri | Ty::Email => {
                    if let Some(n) = c.min_length {
                        let n = length(n);
                        out.push(quote! { extract::check::min_length(#value, #n)#place?; });
                    }
                    if let Some(n) = c.max_length {
                        let n = length(n);
                        out.push(quote! { extract::check::max_length(#value, #n)#place?; });
                    }
                    if let Some(p) = &c.pattern {
                        let index = match self.patterns.iter().position(|q| q == p) {
                            Some(i) => i,
                            None => {
                                self.patterns.push(p.clone());
                                self.patterns.len() - 1
                            }
                        };
                        let stat = format_ident!("PATTERN_{}", index);
                        out.push(quote! { extract::check::pattern(#value, &#stat)#place?; });
                    }
                }
                Ty::I64 | Ty::F64 => {
                    let number = if *t == Ty::I64 {
                        quote! { *#value as f64 }
                    } else {
                        quote! { *#value }
                    };
                    if let Some(n) = c.minimum {
                        let n = f64_tokens(n);
                        out.push(quote! { extract::check::minimum(#number, #n)#place?; });
                    }
                    if let Some(n) = c.maximum {
                        let n = f64_tokens(n);
                        out.push(quote! { extract::check::maximum(#number, #n)#place?; });
                    }
                }
                _ => {}
            }
        }
        match t {
            Ty::Named(n) if self.validated.contains(n) => {
                out.push(quote! { #value.validate()#place?; });
            }
            Ty::List(inner) | Ty::Map(inner) if ty_needs(inner, &self.validated) => {
                let item = format_ident!("item_{}", depth);
                let key = format_ident!("key_{}", depth);
                let mut inner_path = path.to_vec();
                let (pattern, iter) = if matches!(t, Ty::List(_)) {
                    inner_path.push(quote! { &#key.to_string() });
                    (
                        quote! { (#key, #item) },
                        quote! { #value.iter().enumerate() },
                    )
                } else {
                    inner_path.push(quote! { #key });
                    (quote! { (#key, #item) }, quote! { #value.iter() })
                };
                let inner_checks =
                    self.checks(inner, None, quote! { #item }, &inner_path, depth + 1);
                out.push(quote! { for #pattern in #iter { #inner_checks } });
            }
            _ => {}
        }
        quote! { #(#out)* }
    }

    fn pattern_statics(&self) -> Result<TokenStream, Error> {
        let mut statics = Vec::new();
        for (i, p) in self.patterns.iter().enumerate() {
            // Compiled here with the same `regex` crate the generated code uses, so the emitted `expect` cannot fire.
            regex::Regex::new(p).map_err(|e| {
                Error::Internal(format!(
                    "the pattern `{p}` does not compile as a Rust regular expression: {e}"
                ))
            })?;
            let name = format_ident!("PATTERN_{}", i);
            let docs = format!(
                " The `pattern` constraint `{p}`, compiled on first use. The generator compiled it with the same \
                 `regex` crate before emitting it, so the `expect` cannot fire."
            );
            statics.push(quote! {
                #[doc = #docs]
                static #name: std::sync::LazyLock<super::rt::regex::Regex> = std::sync::LazyLock::new(|| {
                    super::rt::regex::Regex::new(#p).expect("the generator checked the pattern")
                });
            });
        }
        Ok(quote! { #(#statics)* })
    }
}

/// `#![doc = "..."]` lines: the module's own documentation.
fn inner_doc(text: &str) -> TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

fn trait_name(r: &Resource) -> String {
    format!("{}Api", r.type_name)
}

fn response_enum_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Response", op.type_name)
}

fn query_struct_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("{}Query", op.type_name)
}

/// The handler function's name: the operation's type name (unique across the API) in snake case, so awkward
/// resource and operation names (`type` + `1st`) still join into one valid identifier.
fn handler_name(_r: &Resource, op: &Operation) -> proc_macro2::Ident {
    ident(&crate::ident::value_name(&op.type_name))
}

fn f64_tokens(n: f64) -> TokenStream {
    let lit = Literal::f64_unsuffixed(n.abs());
    if n < 0.0 {
        quote! { -#lit }
    } else {
        quote! { #lit }
    }
}

/// A JSON value as the tokens of a `serde_json::json!` invocation.
fn json_tokens(v: &serde_json::Value) -> TokenStream {
    use serde_json::Value;
    match v {
        Value::Null => quote! { null },
        Value::Bool(b) => quote! { #b },
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                let lit = Literal::u64_unsuffixed(u);
                quote! { #lit }
            } else if let Some(i) = n.as_i64() {
                let lit = Literal::u64_unsuffixed(i.unsigned_abs());
                quote! { -#lit }
            } else {
                f64_tokens(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => quote! { #s },
        Value::Array(items) => {
            let items = items.iter().map(json_tokens);
            quote! { [#(#items),*] }
        }
        Value::Object(map) => {
            let entries = map.iter().map(|(k, v)| {
                let v = json_tokens(v);
                quote! { #k: #v }
            });
            quote! { { #(#entries),* } }
        }
    }
}

/// True if a value of type `t` holds a struct that is validated.
fn ty_needs(t: &Ty, validated: &BTreeSet<String>) -> bool {
    match t {
        Ty::Named(n) => validated.contains(n),
        Ty::List(inner) | Ty::Map(inner) => ty_needs(inner, validated),
        _ => false,
    }
}

fn has_constraints(f: &Field) -> bool {
    let c = &f.constraints;
    match f.ty {
        Ty::String | Ty::Uri | Ty::Email => {
            c.min_length.is_some() || c.max_length.is_some() || c.pattern.is_some()
        }
        Ty::I64 | Ty::F64 => c.minimum.is_some() || c.maximum.is_some(),
        _ => false,
    }
}

/// The structs that request bodies can contain and that have something to check, directly or nested.
fn validated_structs(api: &Api) -> BTreeSet<String> {
    // Structs reachable from a request body.
    let mut reachable = BTreeSet::new();
    let mut todo: Vec<&Ty> = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter_map(|op| op.body.as_ref().map(|b| &b.ty))
        .collect();
    while let Some(t) = todo.pop() {
        match t {
            Ty::Named(n) => {
                if let Some(s) = api.structs.iter().find(|s| s.rust_name == *n) {
                    if reachable.insert(n.clone()) {
                        todo.extend(s.fields.iter().map(|f| &f.ty));
                    }
                }
            }
            Ty::List(inner) | Ty::Map(inner) => todo.push(inner),
            _ => {}
        }
    }
    // Of those, the ones with a constraint or a nested struct that has one (a fixpoint: nesting can be deep).
    let mut validated = BTreeSet::new();
    loop {
        let before = validated.len();
        for s in api
            .structs
            .iter()
            .filter(|s| reachable.contains(&s.rust_name))
        {
            if !validated.contains(&s.rust_name)
                && s.fields
                    .iter()
                    .any(|f| has_constraints(f) || ty_needs(&f.ty, &validated))
            {
                validated.insert(s.rust_name.clone());
            }
        }
        if validated.len() == before {
            return validated;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small API exercising what PostHog's spec does not: no auth, an open route, a required query parameter,
    /// constraints nested in lists and maps, an enum path parameter.
    const NO_AUTH: &str = r#"
api:
  name: things
  title: Things
  version: 1.0.0
  server: https://things.example
errors:
  models: [Problem]
  validation: {status: 422, model: Problem, body: {why: "{detail}", field: "{attr}"}}
  not_found: {status: 404, model: Problem, body: {why: missing, field: null}}
models:
  Problem:
    fields:
      why: string
      field: {type: string, nullable: true}
  Kind:
    enum: [small, large]
  Tag:
    fields:
      label: {type: string, max_length: 10, pattern: "^[a-z]+$"}
      weight: {type: integer, minimum: -1, maximum: 5}
  Thing:
    fields:
      id: {type: uuid, read_only: true}
      tags: "list<Tag>"
      by_name: {type: "map<Tag>", optional: true}
resources:
  things:
    path: /things
    operations:
      search:
        method: GET
        path: "/{kind}/"
        summary: Search things
        params:
          kind: Kind
        query:
          q: {type: string, required: true}
        responses: {200: "list<Thing>", 204: none}
      create:
        method: POST
        summary: Create a thing
        body: create<Thing>
        responses: {201: Thing}
"#;

    fn server_module(spec: &str) -> Result<String, Error> {
        let api = crate::lower_source("test.yaml", spec, false)?;
        let opts = Options {
            spec_display: "test.yaml".into(),
            regenerate: "test".into(),
            client: false,
            server: true,
            standalone: true,
            runtime: crate::Runtime::Vendored,
        };
        let files = files(&api, &opts)?;
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        // The rest of the server is the runtime's, reached through `super::rt`.
        assert_eq!(paths, ["src/server/mod.rs"]);
        Ok(files[0].contents.clone())
    }

    /// The module text without whitespace and the trailing commas prettyplease adds when it breaks a line, so
    /// checks do not depend on line breaks.
    fn squeezed(text: &str) -> String {
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        text.replace(",>", ">").replace(",)", ")")
    }

    #[test]
    fn an_api_without_auth_passes_unit_callers() {
        let module = squeezed(&server_module(NO_AUTH).unwrap());
        assert!(
            module.contains("pubtraitThingsApi:Send+Sync+'static{"),
            "{module}"
        );
        assert!(module.contains("ctx:RequestContext<()>"));
        assert!(!module.contains("authorize"));
        assert!(module.contains("RequestContext::new((),parts)"));
        // An enum path parameter is a choice; a required query parameter has no `Option`.
        assert!(module.contains(
            "extract::path_param::<super::models::Kind>(&path,\"kind\",&extract::Invalid::CHOICE)"
        ));
        assert!(module.contains("pubq:String,"));
        assert!(module.contains("pairs.required::<String>(\"q\",&extract::Invalid::TEXT)"));
        assert!(module.contains(
            "Self::NoContent=>{super::rt::axum::response::IntoResponse::into_response(runtime::status(204))}"
        ));
        // Answers come from the spec, placeholders and all.
        assert!(module.contains("kind:error::ErrorKind::Validation,status:422,body:super::rt::serde_json::json!({\"why\":\"{detail}\",\"field\":\"{attr}\"})"));
        assert!(module.contains("ScopeRules::new(None,&[])"));
    }

    #[test]
    fn nested_constraints_are_checked_with_their_path() {
        let module = squeezed(&server_module(NO_AUTH).unwrap());
        assert!(module.contains("implValidateforsuper::models::Tag{"));
        assert!(module
            .contains("extract::check::max_length(value,10).map_err(|e|e.in_field(\"label\"))?;"));
        assert!(module.contains(
            "extract::check::minimum(*valueasf64,-1.0).map_err(|e|e.in_field(\"weight\"))?;"
        ));
        assert!(module.contains(
            "for(key_0,item_0)invalue.iter().enumerate(){item_0.validate().map_err(|e|e.in_field(&key_0.to_string()).in_field(\"tags\"))?;}"
        ));
        assert!(module.contains("for(key_0,item_0)invalue.iter(){item_0.validate().map_err(|e|e.in_field(key_0).in_field(\"by_name\"))?;}"));
        assert!(module.contains("body.validate()?;"));
        // `Thing` itself is only a response: no impl for it, only for its create body.
        assert!(module.contains("implValidateforsuper::models::ThingCreate{"));
        assert!(!module.contains("implValidateforsuper::models::Thing{"));
    }

    #[test]
    fn three_state_checks_name_siblings_not_the_crate_root() {
        // A `Builder` user `include!`s the module into another crate, where `crate::` is that crate's root.
        let spec = NO_AUTH
            .replace(
                "      by_name: {type: \"map<Tag>\", optional: true}",
                "      by_name: {type: \"map<Tag>\", optional: true}\n      note: {type: string, nullable: true, max_length: 5}",
            )
            .replace(
                "        responses: {201: Thing}",
                "        responses: {201: Thing}\n      edit:\n        method: PATCH\n        path: \"/by-id/{id}/\"\n        summary: Edit a thing\n        params: {id: uuid}\n        body: patch<Thing>\n        responses: {200: Thing}",
            );
        let module = squeezed(&server_module(&spec).unwrap());
        assert!(
            module.contains("ifletsuper::nullable::Nullable::Value(value)=&self.note{"),
            "{module}"
        );
        assert!(!module.contains("crate::"), "{module}");
    }

    #[test]
    fn open_routes_identify_the_caller_optionally() {
        let spec = NO_AUTH
            .replace(
                "  server: https://things.example\n",
                "  server: https://things.example\n  auth:\n    scheme: bearer\n    wildcard_scope: all\n",
            )
            .replace(
                "  not_found:",
                "  unauthenticated: {status: 401, model: Problem, body: {why: who, field: null}}\n  invalid_credentials: {status: 401, model: Problem, body: {why: bad, field: null}}\n  missing_scope: {status: 403, model: Problem, body: {why: \"{scope}\", field: null}}\n  not_found:",
            )
            .replace("        summary: Search things\n", "        summary: Search things\n        auth: false\n")
            .replace("        summary: Create a thing\n", "        summary: Create a thing\n        scopes: [\"thing:write\"]\n");
        let module = squeezed(&server_module(&spec).unwrap());
        assert!(module.contains("pubtraitThingsApi:Authenticate{"));
        assert!(module.contains("ctx:RequestContext<Option<Self::Caller>>"));
        assert!(module.contains("letcaller=state.identify(&parts.headers).await;"));
        assert!(module.contains("state.authorize(&parts.headers,&[\"thing:write\"]).await"));
        assert!(module.contains("ScopeRules::new(Some(\"all\"),&[])"));
    }

    #[test]
    fn patterns_rust_cannot_compile_are_refused() {
        let spec = NO_AUTH.replace("^[a-z]+$", "^(?=a)b$");
        match server_module(&spec) {
            Err(Error::Internal(message)) => assert!(message.contains("(?=a)"), "{message}"),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn json_values_become_json_macro_tokens() {
        let value = serde_json::json!({"a": [1, -2, 1.5, true, null, "{x}"], "b": {}});
        let tokens = json_tokens(&value).to_string();
        let back: serde_json::Value = serde_json::from_str(&tokens.replace(' ', "")).unwrap();
        assert_eq!(back, value);
    }
}
