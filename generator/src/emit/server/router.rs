//! Emits `router()` (every operation's route, with and without its trailing slash), the API's error answers and
//! its scope rules, as the runtime's router state takes them.

use super::super::tokens::ident;
use crate::ir::Api;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit(api: &Api, opts: &super::super::Options) -> TokenStream {
    // One `.route` per path and resource (axum refuses the same path twice), holding every method; each resource's
    // routes are added under its feature.
    let mut paths: Vec<(&str, &str, Vec<TokenStream>)> = Vec::new();
    for (r, op) in api.operations() {
        let module = ident(&r.rust_name);
        let handler = ident(&op.server.handler);
        let method = format_ident!("{}", op.method.as_str().to_ascii_lowercase());
        let route = quote! { #method(#module::#handler::<T>) };
        match paths
            .iter_mut()
            .find(|(p, f, _)| *p == op.path && *f == r.feature)
        {
            Some((_, _, routes)) => routes.push(route),
            None => paths.push((&op.path, &r.feature, vec![route])),
        }
    }
    let routes = paths.iter().map(|(path, feature, methods)| {
        let (first, rest) = methods
            .split_first()
            .map_or((None, &[][..]), |(f, r)| (Some(f), r));
        let gate = super::super::tokens::feature_gate(opts, feature);
        quote! {
            #gate
            let routes = routes.route(#path, super::rt::axum::routing::#first #(.#rest)*);
        }
    });
    let bounds: Vec<TokenStream> = api
        .resources
        .iter()
        .map(|r| {
            let t = ident(&r.server_trait);
            quote! { #t }
        })
        .collect();
    // The traits are stand-ins for resources whose feature is off, so the bounds spell out what the router needs.
    let bounds = quote! { #(#bounds +)* Send + Sync + 'static };
    let answers = api.errors.answers.iter().map(|a| {
        let kind = format_ident!("{}", error_kind_variant(a.kind));
        let status = Literal::u16_unsuffixed(a.status);
        let body = json_text(&a.body);
        quote! { (super::rt::ErrorKind::#kind, #status, #body), }
    });
    // A malformed path parameter is a validation error unless the spec says it is `not_found`.
    let malformed = (api.errors.malformed_path == crate::ir::ErrorKind::NotFound)
        .then(|| quote! { .malformed_path_not_found() });
    let (wildcard, implied) = match &api.auth {
        Some(auth) => (
            auth.wildcard_scope.as_deref(),
            auth.implied_scopes.as_slice(),
        ),
        None => (None, &[][..]),
    };
    let wildcard = super::super::tokens::option_str(wildcard);
    let implied = implied
        .iter()
        .map(|(from, grants)| quote! { (#from, #grants) });
    quote! {
        /// The axum router serving every operation with `implementation`, with the default [`ServerOptions`]
        /// (1 MiB body limit).
        ///
        /// Unknown paths get the API's not-found answer and known paths with another method its method-not-allowed
        /// answer. Serve it with `axum::serve`, or nest it in a larger router.
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
            let routes = runtime::Routes::new(implementation, error_answers(), scope_rules(), options, &SCHEMA);
            #(#routes)*
            routes.finish()
        }

        /// The API's error answers (status and body template per kind), as the spec's `errors` section gives them.
        pub fn error_answers() -> runtime::ErrorAnswers {
            runtime::ErrorAnswers::from_json(&[#(#answers)*])#malformed
        }

        /// The API's scope rules: its wildcard scope and which scopes imply which.
        pub fn scope_rules() -> ScopeRules {
            ScopeRules::new(#wildcard, &[#(#implied),*])
        }
    }
}

pub(super) fn error_kind_variant(kind: crate::ir::ErrorKind) -> &'static str {
    use crate::ir::ErrorKind::*;
    match kind {
        Unauthenticated => "Unauthenticated",
        InvalidCredentials => "InvalidCredentials",
        MissingScope => "MissingScope",
        Validation => "Validation",
        NotFound => "NotFound",
        MethodNotAllowed => "MethodNotAllowed",
        PayloadTooLarge => "PayloadTooLarge",
        ServerError => "ServerError",
    }
}

/// A JSON value as a string literal of its text: the runtime parses it once, when the router is built. (A
/// `json!` invocation per answer would cost more to compile than the text costs to parse.)
fn json_text(v: &serde_json::Value) -> Literal {
    Literal::string(&v.to_string())
}
