//! Emits `SCHEMA`, the static description of every type a request can carry, which the runtime's `schema` module
//! checks inputs against, and the descriptions of each operation's parameters. Data rather than code: a table of a
//! line per field compiles in a fraction of the time of generated checking functions, and one tested interpreter
//! gives every API the same messages.

use crate::ir::{Api, Constraints, Param, ParamLocation, Ty, TypeKind};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

pub fn emit(api: &Api) -> TokenStream {
    // Patterns are statics of their own: each compiles its regular expression once, on first use.
    let mut patterns: Vec<&str> = Vec::new();
    let types: Vec<TokenStream> = api
        .request_types
        .iter()
        .map(|id| {
            let t = api.ty(*id);
            let name = &t.rust_name;
            match &t.kind {
                TypeKind::Struct(s) => {
                    let fields = s.fields.iter().map(|f| {
                        let wire = &f.wire_name;
                        let ty = ty(api, &f.ty);
                        let base = if f.presence.optional() {
                            quote! { Field::optional(#wire, #ty) }
                        } else {
                            quote! { Field::required(#wire, #ty) }
                        };
                        let nullable = f.presence.nullable().then(|| quote! { nullable: true, });
                        let rules = rules(&f.constraints, &mut patterns).map(|r| quote! { rules: #r, });
                        if nullable.is_none() && rules.is_none() {
                            base
                        } else {
                            quote! { Field { #nullable #rules ..#base } }
                        }
                    });
                    let reject = s.reject_unknown_fields;
                    quote! {
                        TypeDef::Struct(Struct { name: #name, reject_unknown: #reject, fields: &[#(#fields),*] })
                    }
                }
                TypeKind::Enum(e) => {
                    let values = e.variants.iter().map(|v| {
                        let wire = &v.wire_name;
                        quote! { Literal::Str(#wire) }
                    });
                    quote! {
                        TypeDef::Enum(Enum { name: #name, values: &[#(#values),*] })
                    }
                }
            }
        })
        .collect();
    let pattern_statics = patterns.iter().enumerate().map(|(i, p)| {
        let name = format_ident!("PATTERN_{}", i);
        let docs = format!(
            " The `pattern` `{p}` (the generator compiled it with the same `regex` crate)."
        );
        quote! {
            #[doc = #docs]
            static #name: Pattern = Pattern::new(#p);
        }
    });
    quote! {
        /// Every type a request can carry, as the router checks inputs against it; `Type::Named(i)` is `types[i]`.
        static SCHEMA: Schema = Schema {
            types: &[#(#types),*],
        };

        #(#pattern_statics)*
    }
}

/// The schema type of `t`; `Named` indexes the schema's own list of types (a request can only carry those).
pub(super) fn ty(api: &Api, t: &Ty) -> TokenStream {
    match t {
        Ty::String | Ty::Uri | Ty::Email => quote! { Type::String },
        Ty::I64 => quote! { Type::Integer },
        Ty::F64 => quote! { Type::Number },
        Ty::Bool => quote! { Type::Boolean },
        Ty::Uuid => quote! { Type::Uuid },
        Ty::DateTime => quote! { Type::DateTime },
        Ty::Date => quote! { Type::Date },
        Ty::Json => quote! { Type::Json },
        Ty::List(inner) => {
            let inner = ty(api, inner);
            quote! { Type::List(&#inner) }
        }
        Ty::Map(inner) => {
            let inner = ty(api, inner);
            quote! { Type::Map(&#inner) }
        }
        Ty::Named(id) if api.enum_(*id).is_some_and(|e| e.open) => quote! { Type::String },
        Ty::Named(id) => {
            // Every type a request reaches has an index: lower computes the request types as the closure of
            // what bodies and parameters hold.
            let index = Literal::usize_unsuffixed(api.ty(*id).schema_index.unwrap_or(usize::MAX));
            quote! { Type::Named(#index) }
        }
    }
}

fn rules<'a>(c: &'a Constraints, patterns: &mut Vec<&'a str>) -> Option<TokenStream> {
    if c.is_empty() {
        return None;
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
    let set = |key: &str, value: TokenStream| {
        let key = format_ident!("{}", key);
        quote! { #key: #value, }
    };
    let mut fields = Vec::new();
    if c.min_length.is_some() {
        fields.push(set("min_length", opt_u64(c.min_length)));
    }
    if c.max_length.is_some() {
        fields.push(set("max_length", opt_u64(c.max_length)));
    }
    if c.minimum.is_some() {
        fields.push(set("minimum", opt_f64(c.minimum)));
    }
    if c.maximum.is_some() {
        fields.push(set("maximum", opt_f64(c.maximum)));
    }
    if let Some(p) = &c.pattern {
        let index = match patterns.iter().position(|q| q == p) {
            Some(i) => i,
            None => {
                patterns.push(p);
                patterns.len() - 1
            }
        };
        let name = format_ident!("PATTERN_{}", index);
        fields.push(quote! { pattern: Some(&#name), });
    }
    Some(quote! { Rules { #(#fields)* ..Rules::NONE } })
}

/// An operation's parameter as the runtime's schema describes it (the resource file imports `Param` and `Type`).
pub(super) fn param(api: &Api, p: &Param) -> TokenStream {
    let name = &p.wire_name;
    let ty = ty(api, &p.ty);
    match (p.location, p.required) {
        (ParamLocation::Path, _) => quote! { Param::path(#name, #ty) },
        (ParamLocation::Query, false) => quote! { Param::query(#name, #ty) },
        (ParamLocation::Query, true) => {
            quote! { Param { required: true, ..Param::query(#name, #ty) } }
        }
    }
}
