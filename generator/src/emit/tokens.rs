//! Token-building helpers shared by the Rust emitters: identifiers, doc attributes, and Rust types as seen from the
//! module that names them.

use crate::ident;
use crate::ir::{Api, Field, Presence, Ty};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

/// An identifier, raw (`r#type`) where the name is a keyword.
pub fn ident(name: &str) -> Ident {
    if ident::is_keyword(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        format_ident!("{}", name)
    }
}

/// `#[doc = "..."]` lines for a doc text; each line gets a leading space so it renders as `/// text`.
pub fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` lines: a module's own documentation.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}

fn doc_lines(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    })
}

/// Where generated code stands, which decides how it reaches the models and the runtime. Paths are relative
/// (`super::`), never `crate::`, so that the same code also works as a module inside another crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In `models.rs`.
    Models,
    /// In a module beside `models` (`client/mod.rs`, `server/mod.rs`).
    Sibling,
    /// In a resource's file (`client/insight_variables.rs`), which imports `models` and `rt` (see [`imports`]).
    Nested,
}

impl Scope {
    /// The path of the runtime crate (`rt`) from here.
    pub fn rt(self) -> TokenStream {
        match self {
            Scope::Models | Scope::Sibling => quote! { super::rt },
            Scope::Nested => quote! { rt },
        }
    }

    /// The path of the models module from here.
    pub fn models(self) -> TokenStream {
        match self {
            Scope::Models => quote! { self },
            Scope::Sibling => quote! { super::models },
            Scope::Nested => quote! { models },
        }
    }
}

/// `#[cfg(feature = "...")]` for code of the resource `feature` names, when the crate has resource features.
pub fn feature_gate(opts: &super::Options, feature: &str) -> TokenStream {
    if opts.resource_features {
        quote! { #[cfg(feature = #feature)] }
    } else {
        TokenStream::new()
    }
}

/// The imports atop a resource's file: the models and the runtime, two levels up. A resource whose operations
/// name no model would leave `models` unused, hence the `allow`.
pub fn imports() -> TokenStream {
    quote! {
        #[allow(unused_imports)]
        use super::super::{models, rt};
    }
}

/// The Rust type of `t`, as code at `scope` writes it.
pub fn ty(api: &Api, t: &Ty, scope: Scope) -> TokenStream {
    let rt = scope.rt();
    match t {
        Ty::String | Ty::Uri | Ty::Email => quote! { String },
        Ty::I64 => quote! { i64 },
        Ty::F64 => quote! { f64 },
        Ty::Bool => quote! { bool },
        Ty::Uuid => quote! { #rt::uuid::Uuid },
        Ty::DateTime => quote! { #rt::chrono::DateTime<#rt::chrono::Utc> },
        Ty::Date => quote! { #rt::chrono::NaiveDate },
        Ty::Json => quote! { #rt::serde_json::Value },
        Ty::List(inner) => {
            let inner = ty(api, inner, scope);
            quote! { Vec<#inner> }
        }
        Ty::Map(inner) => {
            let inner = ty(api, inner, scope);
            quote! { #rt::indexmap::IndexMap<String, #inner> }
        }
        Ty::Named(id) => {
            let name = ident(&api.ty(*id).rust_name);
            match scope {
                Scope::Models => quote! { #name },
                _ => {
                    let models = scope.models();
                    quote! { #models::#name }
                }
            }
        }
        Ty::Binary => quote! { #rt::File },
    }
}

/// The Rust type of a field, with its presence (`Option`, `Nullable`) and boxing applied.
pub fn field_ty(api: &Api, f: &Field, scope: Scope) -> TokenStream {
    let base = ty(api, &f.ty, scope);
    let base = if f.boxed {
        quote! { Box<#base> }
    } else {
        base
    };
    let rt = scope.rt();
    match f.presence {
        Presence::Required => base,
        Presence::Nullable | Presence::Optional => quote! { Option<#base> },
        Presence::Tristate => quote! { #rt::Nullable<#base> },
    }
}

/// A type as the docs write it: `InsightVariable`, `Vec<String>`, `uuid::Uuid`.
pub fn doc_ty(api: &Api, t: &Ty) -> String {
    match t {
        Ty::String | Ty::Uri | Ty::Email => "String".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Uuid => "uuid::Uuid".into(),
        Ty::DateTime => "chrono::DateTime<chrono::Utc>".into(),
        Ty::Date => "chrono::NaiveDate".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::List(inner) => format!("Vec<{}>", doc_ty(api, inner)),
        Ty::Map(inner) => format!("indexmap::IndexMap<String, {}>", doc_ty(api, inner)),
        Ty::Named(id) => api.ty(*id).rust_name.clone(),
        Ty::Binary => "File".into(),
    }
}

/// A string literal's tokens for an optional string: `Some("x")` or `None`.
pub fn option_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote! { Some(#v) },
        None => quote! { None },
    }
}

/// An auth scheme as the runtime describes it, for the client's and the server's tables (both modules reach the
/// runtime as `super::rt`).
pub fn security_scheme(s: &crate::ir::Scheme) -> TokenStream {
    use crate::ir::{KeyLocation, SchemeKind};
    let name = &s.name;
    let scheme = match (s.kind, &s.key) {
        (SchemeKind::Bearer, _) => quote! { super::rt::AuthScheme::Bearer },
        (SchemeKind::Basic, _) => quote! { super::rt::AuthScheme::Basic },
        (SchemeKind::ApiKey, Some((KeyLocation::Header, key))) => {
            quote! { super::rt::AuthScheme::ApiKeyHeader(#key) }
        }
        (SchemeKind::ApiKey, Some((KeyLocation::Query, key))) => {
            quote! { super::rt::AuthScheme::ApiKeyQuery(#key) }
        }
        // Validation requires an API key's location and name.
        (SchemeKind::ApiKey, None) => quote! { super::rt::AuthScheme::ApiKeyHeader("") },
    };
    let env = option_str(s.env.as_deref());
    quote! { super::rt::SecurityScheme { name: #name, scheme: #scheme, env: #env } }
}
