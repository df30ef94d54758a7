//! Emits `SCHEMA`, the static description of every type a request can carry, which the runtime's `schema` module
//! checks inputs against, and the descriptions of each operation's parameters. Data rather than code: a table of a
//! line per field compiles in a fraction of the time of generated checking functions, and one tested interpreter
//! gives every API the same messages.

use super::super::tokens::option_str;
use crate::ir::{
    Api, Constraints, Literal as Value, Param, ParamLocation, ParamStyle, Ty, TypeKind,
};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// Every `pattern` of the API, fields' and parameters', in first-use order: each is the static `PATTERN_{index}` of
/// the server module, compiled once, on first use.
fn all_patterns(api: &Api) -> Vec<&str> {
    let fields = api
        .request_types
        .iter()
        .flat_map(|id| api.ty(*id).kind.fields())
        .map(|f| &f.constraints);
    let params = api
        .operations()
        .flat_map(|(_, op)| op.params.iter())
        .map(|p| &p.constraints);
    let mut out: Vec<&str> = Vec::new();
    for c in fields.chain(params) {
        if let Some(p) = &c.pattern {
            if !out.contains(&p.as_str()) {
                out.push(p);
            }
        }
    }
    out
}

/// The name of a pattern's static.
fn pattern_static(patterns: &[&str], source: &str) -> proc_macro2::Ident {
    // Every pattern written in the API is in the list (it is made from the same constraints).
    format_ident!(
        "PATTERN_{}",
        patterns.iter().position(|p| *p == source).unwrap_or(0)
    )
}

pub fn emit(api: &Api) -> TokenStream {
    let patterns = all_patterns(api);
    let pattern = |source: &str| {
        let name = pattern_static(&patterns, source);
        quote! { &#name }
    };
    let types: Vec<TokenStream> = api
        .request_types
        .iter()
        .map(|id| {
            let t = api.ty(*id);
            let name = &t.rust_name;
            match &t.kind {
                TypeKind::Struct(s) => {
                    // File parts travel beside the fields (multipart): the runtime hands them over apart.
                    let fields = s.fields.iter().filter(|f| !f.ty.is_file()).map(|f| {
                        let wire = &f.wire_name;
                        let ty = ty(api, &f.ty);
                        let base = if f.presence.optional() {
                            quote! { Field::optional(#wire, #ty) }
                        } else {
                            quote! { Field::required(#wire, #ty) }
                        };
                        let nullable = f.presence.nullable().then(|| quote! { nullable: true, });
                        let rules = rules(&f.constraints, &pattern).map(|r| quote! { rules: #r, });
                        // A defaulted field may be left out: the schema fills the default in.
                        let default = f.default.as_ref().map(|d| {
                            let text = d.to_string();
                            quote! { required: false, default: Some(#text), }
                        });
                        if nullable.is_none() && rules.is_none() && default.is_none() {
                            base
                        } else {
                            quote! { Field { #nullable #rules #default ..#base } }
                        }
                    });
                    let reject = s.reject_unknown_fields;
                    quote! {
                        TypeDef::Struct(Struct { name: #name, reject_unknown: #reject, fields: &[#(#fields),*] })
                    }
                }
                TypeKind::Enum(e) => {
                    let values = e.variants.iter().map(|v| match &v.value {
                        Value::Str(s) => quote! { Literal::Str(#s) },
                        Value::Int(i) => {
                            let lit = Literal::i64_unsuffixed(*i);
                            quote! { Literal::Int(#lit) }
                        }
                        Value::Bool(b) => quote! { Literal::Bool(#b) },
                    });
                    quote! {
                        TypeDef::Enum(Enum { name: #name, values: &[#(#values),*] })
                    }
                }
                TypeKind::Union(u) => {
                    let tag = option_str(u.tag.as_deref());
                    let variants = u.variants.iter().map(|v| {
                        let vname = &v.rust_name;
                        let vtag = option_str(v.tag.as_deref());
                        let vty = ty(api, &v.ty);
                        quote! { Variant { name: #vname, tag: #vtag, ty: #vty } }
                    });
                    quote! {
                        TypeDef::Union(Union { name: #name, tag: #tag, variants: &[#(#variants),*] })
                    }
                }
            }
        })
        .collect();
    let field_patterns: Vec<&str> = api
        .request_types
        .iter()
        .flat_map(|id| api.ty(*id).kind.fields())
        .filter_map(|f| f.constraints.pattern.as_deref())
        .collect();
    let pattern_statics = patterns.iter().map(|p| {
        let name = pattern_static(&patterns, p);
        let docs = format!(
            " The `pattern` `{p}` (the generator compiled it with the same `regex` crate)."
        );
        // A pattern only parameters use is unused when the cargo features leave their resources out.
        let allow = (!field_patterns.contains(p)).then(|| quote! { #[allow(dead_code)] });
        quote! {
            #[doc = #docs]
            #allow
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
        // File parts are not in the JSON the schema checks (the runtime hands them over apart); a struct's
        // schema leaves them out, so this is never reached from one.
        Ty::Binary => quote! { Type::Json },
        Ty::List(inner) => {
            let inner = ty(api, inner);
            quote! { Type::List(&#inner) }
        }
        Ty::Map(inner) => {
            let inner = ty(api, inner);
            quote! { Type::Map(&#inner) }
        }
        // The server takes any string for an open enum (the implementation decides what an unknown one means).
        Ty::Named(id)
            if api
                .enum_(*id)
                .is_some_and(|e| e.open && e.kind == crate::ir::EnumKind::String) =>
        {
            quote! { Type::String }
        }
        Ty::Named(id)
            if api
                .enum_(*id)
                .is_some_and(|e| e.open && e.kind == crate::ir::EnumKind::Integer) =>
        {
            quote! { Type::Integer }
        }
        Ty::Named(id) if api.enum_(*id).is_some_and(|e| e.open) => quote! { Type::Boolean },
        Ty::Named(id) => {
            // Every type a request reaches has an index: lower computes the request types as the closure of what
            // bodies and parameters hold.
            let index = Literal::usize_unsuffixed(api.ty(*id).schema_index.unwrap_or(usize::MAX));
            quote! { Type::Named(#index) }
        }
    }
}

/// The schema rules of constraints; `pattern` gives the path of a pattern's static.
fn rules(c: &Constraints, pattern: &dyn Fn(&str) -> TokenStream) -> Option<TokenStream> {
    if c.is_empty() {
        return None;
    }
    let count = |n: u64| {
        let n = Literal::u64_unsuffixed(n);
        quote! { Some(#n) }
    };
    let bound = |n: f64| {
        let lit = Literal::f64_unsuffixed(n.abs());
        if n < 0.0 {
            quote! { Some(-#lit) }
        } else {
            quote! { Some(#lit) }
        }
    };
    let mut fields = Vec::new();
    for (key, value) in [
        ("min_length", c.min_length.map(count)),
        ("max_length", c.max_length.map(count)),
        ("minimum", c.minimum.map(bound)),
        ("maximum", c.maximum.map(bound)),
        ("min_items", c.min_items.map(count)),
        ("max_items", c.max_items.map(count)),
    ] {
        if let Some(value) = value {
            let key = format_ident!("{}", key);
            fields.push(quote! { #key: #value, });
        }
    }
    if let Some(p) = &c.pattern {
        let path = pattern(p);
        fields.push(quote! { pattern: Some(#path), });
    }
    Some(quote! { Rules { #(#fields)* ..Rules::NONE } })
}

/// An operation's parameter as the runtime's schema describes it (the resource file imports `Param`, `Type` and
/// `Rules`); its patterns are the server module's statics.
pub(super) fn param(api: &Api, p: &Param) -> TokenStream {
    let name = &p.wire_name;
    let ty = ty(api, &p.ty);
    let base = match p.location {
        ParamLocation::Path => quote! { Param::path(#name, #ty) },
        ParamLocation::Query => quote! { Param::query(#name, #ty) },
        ParamLocation::Header => quote! { Param::header(#name, #ty) },
    };
    let required =
        (p.location != ParamLocation::Path && p.required).then(|| quote! { required: true, });
    let style = match p.style {
        ParamStyle::Form => None,
        ParamStyle::Comma => Some(quote! { style: Style::Comma, }),
        ParamStyle::Brackets => Some(quote! { style: Style::Brackets, }),
        ParamStyle::DeepObject => Some(quote! { style: Style::DeepObject, }),
    }
    .filter(|_| p.location == ParamLocation::Query);
    let default = p.default.as_ref().map(|d| {
        let text = d.to_string();
        quote! { default: Some(#text), }
    });
    // The list is only made for a parameter with a pattern, which few have.
    let pattern = |source: &str| {
        let name = pattern_static(&all_patterns(api), source);
        quote! { &super::#name }
    };
    let rules = rules(&p.constraints, &pattern).map(|r| quote! { rules: #r, });
    let clamp = p.clamp.map(|max| quote! { clamp: Some(#max), });
    if required.is_none()
        && default.is_none()
        && rules.is_none()
        && style.is_none()
        && clamp.is_none()
    {
        base
    } else {
        quote! { Param { #required #default #rules #style #clamp ..#base } }
    }
}
