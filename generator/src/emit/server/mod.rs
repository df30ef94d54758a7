//! Emits the `server` module (cargo feature `server`): one trait per resource, a response enum per operation, the
//! axum handlers, `router()`, and the static description of every input the router checks.
//!
//! Everything API-specific comes from the IR: paths, scopes, the auth rules, the error answers, the input schema.
//! The work itself (authenticate, check scopes, read and check inputs against the schema, call the implementation
//! with panics caught, render the answer) is the runtime crate's `server` module, so each handler is a few lines.
//! `src/server/mod.rs` holds the router and the tables ([`router`], [`schema`]); each resource gets its own file
//! with its trait, answer enums and handlers ([`resource`]).

mod resource;
mod router;
mod schema;

use super::file::rust_file;
use super::tokens::{feature_gate, ident, inner_doc};
use super::{GeneratedFile, Options};
use crate::ir::{Api, Resource, SchemeKind};
use crate::Error;
use proc_macro2::TokenStream;
use quote::quote;

/// `src/server/mod.rs`.
pub fn module_file(api: &Api, opts: &Options) -> Result<GeneratedFile, Error> {
    rust_file(opts, "src/server/mod.rs", module(api, opts))
}

/// `src/server/{resource}.rs`.
pub fn resource_file(api: &Api, r: &Resource, opts: &Options) -> Result<GeneratedFile, Error> {
    rust_file(
        opts,
        &format!("src/server/{}.rs", r.rust_name),
        resource::emit(api, r),
    )
}

/// The API's auth schemes, which operations name by index, when they are not the runtime's default (one bearer
/// scheme).
fn schemes(api: &Api) -> TokenStream {
    let Some(auth) = &api.auth else {
        return TokenStream::new();
    };
    if auth.schemes.len() == 1 && auth.schemes[0].kind == SchemeKind::Bearer {
        return TokenStream::new();
    }
    let count = proc_macro2::Literal::usize_unsuffixed(auth.schemes.len());
    let schemes = auth.schemes.iter().map(super::tokens::security_scheme);
    quote! {
                /// The API's auth schemes, in spec order; each operation lists the ones it accepts.
        // Unused when every resource's feature is off.
        #[allow(dead_code)]
        pub(super) const SCHEMES: [super::rt::SecurityScheme; #count] = [#(#schemes),*];
    }
}

fn module(api: &Api, opts: &Options) -> TokenStream {
    let module_doc = inner_doc(&format!(
        "Server stubs for the {title} (cargo feature `server`), built on axum.\n\n\
         Implementing the API means implementing one trait per resource ({traits}) on one type{auth}; [`router`] \
         then serves every operation. Before a handler runs, the router has already:\n\n\
         - authenticated the caller and checked the scopes the operation requires (`401`/`403` with the API's \
         error bodies);\n\
         - decoded path and query parameters and the JSON body, and checked them against the spec (`400` with the \
         API's validation body, `attr` naming the field);\n\
         - refused bodies over the size limit (`413`), unknown paths (`404`) and other methods (`405`).\n\n\
         Each trait method returns the operation's response enum (one variant per documented status) or an \
         [`ApiError`] for the standard answers. Paths answer with and without their trailing slash.",
        title = api.title,
        traits = api
            .resources
            .iter()
            .map(|r| format!("[`{}`]", r.server_trait))
            .collect::<Vec<_>>()
            .join(", "),
        auth = if api.auth.is_some() { ", plus [`Authenticate`] to map credentials to callers" } else { "" },
    ));
    let mods = api.resources.iter().map(|r| {
        let name = ident(&r.rust_name);
        let gate = feature_gate(opts, &r.feature);
        let feature = &r.feature;
        let trait_ = ident(&r.server_trait);
        // With the resource's feature off, its trait is a stand-in every type has, so `router`'s bounds stay one
        // list whatever is enabled.
        let stand_in = opts.resource_features.then(|| {
            let doc = format!(
                " Stands in for the `{}` operations' trait, whose feature `{feature}` is off: every type has it.",
                r.wire_name
            );
            quote! {
                #[cfg(not(feature = #feature))]
                #[doc = #doc]
                pub trait #trait_ {}
                #[cfg(not(feature = #feature))]
                impl<T> #trait_ for T {}
            }
        });
        // Operation, field and parameter names come from the spec: `new`, `clone` or `from_date` are fine names
        // for a call or a setter, whatever clippy expects of methods so named.
        quote! {
            #gate
            #[allow(clippy::new_ret_no_self, clippy::should_implement_trait, clippy::wrong_self_convention)]
            mod #name;
            #gate
            pub use #name::*;
            #stand_in
        }
    });
    let router = router::emit(api, opts);
    let param_checks = api.operations().filter_map(|(r, op)| {
        let module = ident(&r.rust_name);
        let operation = resource::static_ident(op);
        let gate = feature_gate(opts, &r.feature);
        // Only the lists the operation has; an empty one has nothing to check.
        let lists = [
            ("path", op.path_params().next().is_some()),
            ("query", op.query_params().next().is_some()),
            ("headers", op.header_params().next().is_some() || !api.headers.is_empty()),
        ];
        let checks: Vec<_> = lists
            .iter()
            .filter(|(_, any)| *any)
            .map(|(list, _)| {
                let list = ident(list);
                quote! { assert_eq!(super::SCHEMA.verify_params(super::#module::#operation.#list), Ok(())); }
            })
            .collect();
        (!checks.is_empty()).then(|| quote! { #gate { #(#checks)* } })
    });
    let schema = schema::emit(api);
    let schemes = schemes(api);
    quote! {
        #module_doc

        #(#mods)*

        /// The runtime these stubs are built on (the `apigen-runtime` crate's `server` module).
        pub use super::rt::server as runtime;

        pub use runtime::{ApiError, Authenticate, Caller, RequestContext, ScopeRules, ServerOptions};

        // The schema's vocabulary; an API without enums or patterns uses only part of it.
        #[allow(unused_imports)]
        use runtime::schema::{Enum, Field, Literal, Pattern, Rules, Schema, Struct, Type, TypeDef, Union, Variant};

        #router
        #schema
        #schemes

        #[cfg(test)]
        mod tests {
            /// The input schema and every operation's parameters are sound: each index in range, each default and
            /// pattern valid, so the router never meets a fault of its own at run time.
            #[test]
            fn schema_is_sound() {
                assert_eq!(super::SCHEMA.verify(), Ok(()));
                #(#param_checks)*
            }
        }
    }
}
