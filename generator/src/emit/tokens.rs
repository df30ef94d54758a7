//! Token-building helpers shared by the Rust emitters: identifiers, types, doc attributes, formatting.

use crate::ident;
use crate::ir::{Field, Presence, Ty};
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
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// The Rust type of a resolved type, as a module beside `rt` (the models, the client, the server) writes it: the
/// crates it names are the runtime's re-exports, so a generated crate needs no dependency of its own for them.
pub fn ty(t: &Ty) -> TokenStream {
    match t {
        Ty::String | Ty::Uri | Ty::Email => quote! { String },
        Ty::I64 => quote! { i64 },
        Ty::F64 => quote! { f64 },
        Ty::Bool => quote! { bool },
        Ty::Uuid => quote! { super::rt::uuid::Uuid },
        Ty::DateTime => quote! { super::rt::chrono::DateTime<super::rt::chrono::Utc> },
        Ty::Date => quote! { super::rt::chrono::NaiveDate },
        Ty::Json => quote! { super::rt::serde_json::Value },
        Ty::List(inner) => {
            let inner = ty(inner);
            quote! { Vec<#inner> }
        }
        Ty::Map(inner) => {
            let inner = ty(inner);
            quote! { super::rt::indexmap::IndexMap<String, #inner> }
        }
        Ty::Named(name) => {
            let name = ident(name);
            quote! { #name }
        }
    }
}

/// The Rust type of `t` as a module beside `models` writes it (the client, the server): models through
/// `super::models::` (relative, so the code also works as a module inside another crate).
pub fn sibling_ty(t: &Ty) -> TokenStream {
    match t {
        Ty::Named(name) => {
            let name = ident(name);
            quote! { super::models::#name }
        }
        Ty::List(inner) => {
            let inner = sibling_ty(inner);
            quote! { Vec<#inner> }
        }
        Ty::Map(inner) => {
            let inner = sibling_ty(inner);
            quote! { super::rt::indexmap::IndexMap<String, #inner> }
        }
        other => ty(other),
    }
}

/// The Rust type of a field, with its presence (Option, Nullable) and boxing applied.
pub fn field_ty(f: &Field) -> TokenStream {
    let base = ty(&f.ty);
    let base = if f.boxed {
        quote! { Box<#base> }
    } else {
        base
    };
    match f.presence() {
        Presence::Required => base,
        Presence::Nullable | Presence::Optional => quote! { Option<#base> },
        Presence::Tristate => quote! { Nullable<#base> },
    }
}

/// Formats a token stream as a Rust file. Emitters build valid syntax, so a parse failure is a generator bug;
/// it is reported as an error value naming the file rather than a panic.
pub fn format_file(name: &str, tokens: TokenStream) -> Result<String, crate::Error> {
    let started = std::time::Instant::now();
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| crate::Error::Internal(format!("{name}: emitted tokens do not parse: {e}")))?;
    let text = prettyplease::unparse(&file);
    FORMAT_NANOS.fetch_add(
        u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok(text)
}

/// Time spent formatting, summed over the emitter threads, so that benchmarks can report the format stage apart from
/// emit without the emitters having to thread a timer through. Only `generate_timed` reads and resets it.
pub static FORMAT_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
