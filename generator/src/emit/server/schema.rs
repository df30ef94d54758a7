//! Emits `SCHEMA`, the static description of every type the router checks request inputs against (the runtime's
//! `schema` module interprets it), and the parameter descriptions of each operation. Data rather than code: a
//! table of a few lines per type compiles in a fraction of the time of generated checking functions, and one
//! tested interpreter gives every API the same messages.

use crate::ir::{Api, Constraints, Param, ParamLocation, Ty, TypeKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit(api: &Api) -> TokenStream {
    // Patterns are statics of their own: each compiles its regular expression once, on first use.
    let mut patterns: Vec<&str> = Vec::new();
    let types: Vec<TokenStream> = api
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => {
                let name = &t.rust_name;
                let fields = s.fields.iter().map(|f| {
                    let wire = &f.wire_name;
                    let ty = ty(&f.ty);
                    let required = !f.presence.optional();
                    let nullable = f.presence.nullable();
                    let rules = rules(&f.constraints, &mut patterns);
                    quote! {
                        runtime::schema::Field { name: #wire, ty: runtime::schema::Type::#ty, required: #required, nullable: #nullable, default: None, rules: #rules }
                    }
                });
                let reject = s.reject_unknown_fields;
                quote! {
                    runtime::schema::TypeDef::Struct(runtime::schema::Struct { name: #name, fields: &[#(#fields),*], reject_unknown: #reject })
                }
            }
            TypeKind::Enum(e) => {
                let name = &t.rust_name;
                let values = e.variants.iter().map(|v| {
                    let wire = &v.wire_name;
                    quote! { runtime::schema::Literal::Str(#wire) }
                });
                quote! {
                    runtime::schema::TypeDef::Enum(runtime::schema::Enum { name: #name, values: &[#(#values),*] })
                }
            }
        })
        .collect();
    let pattern_statics = patterns.iter().enumerate().map(|(i, p)| {
        let name = format_ident!("PATTERN_{}", i);
        let docs = format!(" The `pattern` `{p}` (the generator compiled it with the same `regex` crate).");
        quote! {
            #[doc = #docs]
            static #name: runtime::schema::Pattern = runtime::schema::Pattern::new(#p);
        }
    });
    quote! {
        /// Every type of the API as the router checks request inputs against it; `Named(i)` is `types[i]`.
        static SCHEMA: runtime::schema::Schema = runtime::schema::Schema {
            types: &[#(#types),*],
        };

        #(#pattern_statics)*
    }
}

/// The schema type of `t`, as the tokens after `runtime::schema::Type::`.
pub(super) fn ty(t: &Ty) -> TokenStream {
    match t {
        Ty::String | Ty::Uri | Ty::Email => quote! { String },
        Ty::I64 => quote! { Integer },
        Ty::F64 => quote! { Number },
        Ty::Bool => quote! { Boolean },
        Ty::Uuid => quote! { Uuid },
        Ty::DateTime => quote! { DateTime },
        Ty::Date => quote! { Date },
        Ty::Json => quote! { Json },
        Ty::List(inner) => {
            let inner = ty(inner);
            quote! { List(&runtime::schema::Type::#inner) }
        }
        Ty::Map(inner) => {
            let inner = ty(inner);
            quote! { Map(&runtime::schema::Type::#inner) }
        }
        Ty::Named(id) => {
            let index = Literal::usize_unsuffixed(id.0);
            quote! { Named(#index) }
        }
    }
}

fn rules<'a>(c: &'a Constraints, patterns: &mut Vec<&'a str>) -> TokenStream {
    if c.is_empty() {
        return quote! { runtime::schema::Rules::NONE };
    }
    let opt_u64 = |v: Option<u64>| match v {
        Some(n) => {
            let n = Literal::u64_unsuffixed(n);
            quote! { Some(#n) }
        }
        None => quote! { None },
    };
    let opt_f64 = |v: Option<f64>| match v {
        Some(n) => {
            let lit = Literal::f64_unsuffixed(n.abs());
            if n < 0.0 {
                quote! { Some(-#lit) }
            } else {
                quote! { Some(#lit) }
            }
        }
        None => quote! { None },
    };
    let (min_length, max_length) = (opt_u64(c.min_length), opt_u64(c.max_length));
    let (minimum, maximum) = (opt_f64(c.minimum), opt_f64(c.maximum));
    let pattern = match &c.pattern {
        Some(p) => {
            let index = match patterns.iter().position(|q| q == p) {
                Some(i) => i,
                None => {
                    patterns.push(p);
                    patterns.len() - 1
                }
            };
            let name = format_ident!("PATTERN_{}", index);
            quote! { Some(&#name) }
        }
        None => quote! { None },
    };
    quote! {
        runtime::schema::Rules {
            min_length: #min_length,
            max_length: #max_length,
            pattern: #pattern,
            minimum: #minimum,
            maximum: #maximum,
            ..runtime::schema::Rules::NONE
        }
    }
}

/// An operation's parameter as the runtime's schema describes it.
pub(super) fn param(_api: &Api, p: &Param) -> TokenStream {
    let name = &p.wire_name;
    let location = match p.location {
        ParamLocation::Path => quote! { Path },
        ParamLocation::Query => quote! { Query },
    };
    let ty = ty(&p.ty);
    let required = p.required;
    quote! {
        runtime::schema::Param {
            name: #name,
            location: runtime::schema::Location::#location,
            ty: runtime::schema::Type::#ty,
            required: #required,
            default: None,
            rules: runtime::schema::Rules::NONE,
            style: runtime::schema::Style::Form,
        }
    }
}
