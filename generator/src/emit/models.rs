//! Emits `src/models.rs`: one serde struct per struct type (a model's response type, its create and PATCH bodies,
//! page envelopes), one enum per spec enum and one per union, each with the spec's docs, in the order of the IR.
//! The work that is the same for every enum and union (wire values, tags, trying variants) is the runtime's
//! (`rt::enums`, `rt::unions`): the code here names it.

use super::tokens::{doc, field_ty, ident, ty, Scope};
use crate::ir::{
    Api, Constraints, DefaultImpl, Deprecated, Enum, EnumKind, Field, Literal, Presence, Struct,
    TypeDef, TypeKind, Union,
};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::{format_ident, quote};

pub fn emit(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|t| match &t.kind {
        TypeKind::Struct(s) => emit_struct(api, t, s),
        TypeKind::Enum(e) => emit_enum(t, e),
        TypeKind::Union(u) => emit_union(api, t, u),
    });
    // A value the spec deprecates is still the API's: the code that reads and writes it must name it.
    let allow_deprecated = uses_deprecated(api).then(|| quote! { #![allow(deprecated)] });
    quote! {
        #![doc = " The API's data types: response models, request bodies, enums, unions and page envelopes."]
        #![doc = ""]
        #![doc = " Available with no cargo feature enabled."]
        #allow_deprecated

        // serde is the runtime's (`rt`), reached by `super`, not `crate`: the same code also works as a module
        // inside another crate (`Builder::compile`).
        use super::rt::serde::{Deserialize, Serialize};
        pub use super::rt::Nullable;

        #(#items)*
    }
}

/// Whether some field or enum value is deprecated (then the module's own code names a deprecated item).
fn uses_deprecated(api: &Api) -> bool {
    api.types.iter().any(|t| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.deprecated.is_some()),
        TypeKind::Enum(e) => e.variants.iter().any(|v| v.deprecated.is_some()),
        TypeKind::Union(_) => false,
    })
}

/// `#[deprecated]` with the spec's note.
pub(super) fn deprecated_attr(d: &Option<Deprecated>) -> TokenStream {
    match d {
        Some(Deprecated { note: Some(note) }) => quote! { #[deprecated(note = #note)] },
        Some(Deprecated { note: None }) => quote! { #[deprecated] },
        None => TokenStream::new(),
    }
}

/// The sentence documenting a deprecation.
pub(super) fn deprecation_fact(d: &Option<Deprecated>) -> Option<String> {
    d.as_ref().map(|d| match &d.note {
        Some(note) => format!("Deprecated: {note}"),
        None => "Deprecated.".to_owned(),
    })
}

fn field_doc(f: &Field) -> String {
    let mut text = f.doc.clone();
    let mut facts = Vec::new();
    if f.rust_name.trim_start_matches("r#") != f.wire_name {
        facts.push(format!("Wire name: `{}`.", f.wire_name.replace('`', "'")));
    }
    facts.extend(constraint_facts(&f.constraints));
    match f.presence {
        Presence::Required => {}
        Presence::Nullable => facts.push("May be null.".into()),
        Presence::Optional => facts.push("May be absent.".into()),
        Presence::Tristate => facts.push("May be absent or null.".into()),
    }
    if let Some(d) = &f.default {
        facts.push(format!(
            "Default: `{}` (when absent).",
            d.to_string().replace('`', "'")
        ));
    }
    facts.extend(deprecation_fact(&f.deprecated));
    if !facts.is_empty() {
        text.push_str("\n\n");
        text.push_str(&facts.join(" "));
    }
    text
}

pub(super) fn constraint_facts(c: &Constraints) -> Vec<String> {
    let mut facts = Vec::new();
    if let Some(n) = c.min_length {
        facts.push(format!("At least {n} characters."));
    }
    if let Some(n) = c.max_length {
        facts.push(format!("At most {n} characters."));
    }
    if let Some(p) = &c.pattern {
        facts.push(format!("Matches the pattern `{}`.", p.replace('`', "\\`")));
    }
    if let Some(n) = c.minimum {
        facts.push(format!("Minimum {n}."));
    }
    if let Some(n) = c.maximum {
        facts.push(format!("Maximum {n}."));
    }
    if let Some(n) = c.min_items {
        facts.push(format!("At least {n} items."));
    }
    if let Some(n) = c.max_items {
        facts.push(format!("At most {n} items."));
    }
    facts
}

/// The private function giving a field's spec default (an associated function of its struct).
fn default_fn(f: &Field) -> proc_macro2::Ident {
    format_ident!(
        "default_{}",
        f.rust_name.trim_start_matches("r#").trim_start_matches('_')
    )
}

fn emit_field(api: &Api, owner: &str, f: &Field, request: bool) -> TokenStream {
    let name = ident(&f.rust_name);
    let docs = doc(&field_doc(f));
    let rust_ty = field_ty(api, f, Scope::Models);
    let wire = &f.wire_name;
    let rename = (f.rust_name != *wire).then(|| quote! { #[serde(rename = #wire)] });
    let presence = match (f.presence, &f.default) {
        // A file part travels beside the JSON of the other fields (multipart), never in it.
        _ if f.ty.is_file() => quote! { #[serde(skip)] },
        (Presence::Required | Presence::Nullable, Some(_)) => {
            let path = format!("{owner}::{}", default_fn(f));
            quote! { #[serde(default = #path)] }
        }
        (Presence::Required | Presence::Nullable, None) => quote! {},
        // In a request, a field that may be left out is still not allowed to be null.
        (Presence::Optional, _) if request => {
            quote! { #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::rt::nullable::deserialize_some")] }
        }
        (Presence::Optional, _) => {
            quote! { #[serde(default, skip_serializing_if = "Option::is_none")] }
        }
        (Presence::Tristate, _) => {
            quote! { #[serde(default, skip_serializing_if = "Nullable::is_absent")] }
        }
    };
    let deprecated = deprecated_attr(&f.deprecated);
    quote! {
        #docs
        #deprecated
        #rename
        #presence
        pub #name: #rust_ty,
    }
}

fn emit_struct(api: &Api, t: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&t.rust_name);
    let docs = doc(&t.doc);
    let fields = s
        .fields
        .iter()
        .map(|f| emit_field(api, &t.rust_name, f, s.request));
    let derive_default = (s.default_impl == DefaultImpl::Derive).then(|| quote! { Default, });
    // Requests may be refused for unknown fields; responses are always read leniently so a newer server that adds
    // fields does not break an older client.
    let deny =
        (s.reject_unknown_fields && s.request).then(|| quote! { #[serde(deny_unknown_fields)] });
    let defaulted: Vec<&Field> = s.fields.iter().filter(|f| f.default.is_some()).collect();
    let default_fns = (!defaulted.is_empty()).then(|| {
        let fns = defaulted.iter().map(|f| {
            let fn_name = default_fn(f);
            let field_ty = field_ty(api, f, Scope::Models);
            let text = f
                .default
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default();
            let value = quote! { super::rt::defaults::from_json(#text) };
            let docs = format!(" The spec's default of `{}`: `{text}`.", f.wire_name);
            quote! {
                #[doc = #docs]
                fn #fn_name() -> #field_ty {
                    #value
                }
            }
        });
        quote! {
            impl #name {
                #(#fns)*
            }
        }
    });
    // The request of the spec's defaults: defaulted fields take them, the others are left out.
    let manual_default = (s.default_impl == DefaultImpl::Manual).then(|| {
        let inits = s.fields.iter().map(|f| {
            let field = ident(&f.rust_name);
            let value = match (f.presence, &f.default) {
                (_, Some(_)) => {
                    let fn_name = default_fn(f);
                    quote! { Self::#fn_name() }
                }
                (Presence::Tristate, None) => quote! { Nullable::Absent },
                (_, None) => quote! { None },
            };
            quote! { #field: #value }
        });
        quote! {
            impl Default for #name {
                fn default() -> Self {
                    #name { #(#inits),* }
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #derive_default Serialize, Deserialize)]
        #[serde(crate = "super::rt::serde")]
        #deny
        pub struct #name {
            #(#fields)*
        }

        #default_fns
        #manual_default
    }
}

/// A wire value as tokens: `"low"`, `1`, `true`.
fn literal_tokens(v: &Literal) -> TokenStream {
    match v {
        Literal::Str(s) => quote! { #s },
        Literal::Int(i) => {
            let lit = Lit::i64_unsuffixed(i.unsigned_abs() as i64);
            if *i < 0 {
                quote! { -#lit }
            } else {
                quote! { #lit }
            }
        }
        Literal::Bool(b) => quote! { #b },
    }
}

fn emit_enum(t: &TypeDef, e: &Enum) -> TokenStream {
    let name = ident(&t.rust_name);
    let docs = doc(&format!(
        "{}\n\nValues: {}.{}",
        t.doc,
        e.variants
            .iter()
            .map(|v| format!("`{}`", v.wire_name.replace('`', "'")))
            .collect::<Vec<_>>()
            .join(", "),
        if e.open {
            " Open: a value this version does not know is kept as `Unknown`."
        } else {
            ""
        }
    ));
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let wires: Vec<_> = e
        .variants
        .iter()
        .map(|v| literal_tokens(&v.value))
        .collect();
    let variant_docs = e.variants.iter().map(|v| {
        let mut text = v
            .doc
            .clone()
            .unwrap_or_else(|| format!("The value `{}`.", v.wire_name.replace('`', "'")));
        if let Some(fact) = deprecation_fact(&v.deprecated) {
            text.push_str("\n\n");
            text.push_str(&fact);
        }
        let attr = deprecated_attr(&v.deprecated);
        let d = doc(&text);
        quote! { #d #attr }
    });
    let (wire_ty, unknown_ty) = match e.kind {
        EnumKind::String => (quote! { &'static str }, quote! { String }),
        EnumKind::Integer => (quote! { i64 }, quote! { i64 }),
        EnumKind::Boolean => (quote! { bool }, quote! { bool }),
    };
    let all_doc = format!(
        " Every known value of [`{}`] with its wire value, in spec order.",
        t.rust_name
    );
    let table = quote! {
        #[doc = #all_doc]
        pub const ALL: &'static [(#name, #wire_ty)] = &[ #( (#name::#variants, #wires) ),* ];
    };
    let wire_name = &t.wire_name;
    let unknown_variant = e.open.then(|| {
        quote! {
            /// A value this version of the crate does not know, kept as sent.
            Unknown(#unknown_ty),
        }
    });
    // Closed enums are plain values; open ones hold the unknown value.
    let derive = if e.open {
        quote! { #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)] }
    } else {
        quote! { #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)] }
    };
    let definition = quote! {
        #docs
        #derive
        pub enum #name {
            #( #variant_docs #variants, )*
            #unknown_variant
        }
    };
    match e.kind {
        EnumKind::String => {
            let (as_str, from_str, deserialize) = if e.open {
                (
                    quote! {
                        /// The value as sent on the wire.
                        #[inline]
                        pub fn as_str(&self) -> &str {
                            match self {
                                #name::Unknown(value) => value,
                                known => super::rt::enums::wire_name(known, Self::ALL),
                            }
                        }
                    },
                    quote! {
                        impl From<&str> for #name {
                            #[inline]
                            fn from(value: &str) -> Self {
                                super::rt::enums::parse_open(value, Self::ALL, #name::Unknown)
                            }
                        }

                        impl std::str::FromStr for #name {
                            type Err = std::convert::Infallible;

                            #[inline]
                            fn from_str(value: &str) -> Result<Self, Self::Err> {
                                Ok(Self::from(value))
                            }
                        }
                    },
                    quote! { super::rt::enums::deserialize_open(deserializer, Self::ALL, #name::Unknown) },
                )
            } else {
                (
                    quote! {
                        /// The value as sent on the wire.
                        #[inline]
                        pub fn as_str(&self) -> &'static str {
                            super::rt::enums::wire_name(self, Self::ALL)
                        }
                    },
                    quote! {
                        impl std::str::FromStr for #name {
                            type Err = String;

                            #[inline]
                            fn from_str(value: &str) -> Result<Self, Self::Err> {
                                super::rt::enums::parse(value, Self::ALL, #wire_name)
                            }
                        }
                    },
                    quote! { super::rt::enums::deserialize(deserializer, Self::ALL, #wire_name) },
                )
            };
            quote! {
                #definition

                impl #name {
                    #table

                    #as_str
                }

                #from_str

                impl std::fmt::Display for #name {
                    #[inline]
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }

                impl Serialize for #name {
                    fn serialize<S: super::rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        serializer.serialize_str(self.as_str())
                    }
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: super::rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        #deserialize
                    }
                }
            }
        }
        EnumKind::Integer | EnumKind::Boolean => {
            let (value_fn, serialize) = if e.kind == EnumKind::Integer {
                (
                    format_ident!("as_i64"),
                    quote! { serializer.serialize_i64(self.as_i64()) },
                )
            } else {
                (
                    format_ident!("as_bool"),
                    quote! { serializer.serialize_bool(self.as_bool()) },
                )
            };
            let fallback = if e.kind == EnumKind::Integer {
                quote! { 0 }
            } else {
                quote! { false }
            };
            let value_body = if e.open {
                quote! {
                    match self {
                        #name::Unknown(value) => *value,
                        known => super::rt::enums::wire(known, Self::ALL, #fallback),
                    }
                }
            } else {
                quote! { super::rt::enums::wire(self, Self::ALL, #fallback) }
            };
            let unknown = if e.open {
                quote! { Some(#name::Unknown) }
            } else {
                quote! { None }
            };
            let from_str = if e.open {
                quote! {
                    impl std::str::FromStr for #name {
                        type Err = String;

                        #[inline]
                        fn from_str(value: &str) -> Result<Self, Self::Err> {
                            let wire: #unknown_ty = value.trim().parse().map_err(|_| format!("`{value}` is not a value of {}", #wire_name))?;
                            Ok(super::rt::enums::known(&wire, Self::ALL).unwrap_or(#name::Unknown(wire)))
                        }
                    }
                }
            } else {
                quote! {
                    impl std::str::FromStr for #name {
                        type Err = String;

                        #[inline]
                        fn from_str(value: &str) -> Result<Self, Self::Err> {
                            super::rt::enums::parse_value(value, Self::ALL, #wire_name)
                        }
                    }
                }
            };
            quote! {
                #definition

                impl #name {
                    #table

                    /// The value as sent on the wire.
                    #[inline]
                    pub fn #value_fn(&self) -> #unknown_ty {
                        #value_body
                    }
                }

                #from_str

                impl std::fmt::Display for #name {
                    #[inline]
                    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        write!(f, "{}", self.#value_fn())
                    }
                }

                impl Serialize for #name {
                    fn serialize<S: super::rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                        #serialize
                    }
                }

                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: super::rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        super::rt::enums::deserialize_value(deserializer, Self::ALL, #wire_name, #unknown)
                    }
                }
            }
        }
    }
}

fn emit_union(api: &Api, t: &TypeDef, u: &Union) -> TokenStream {
    let name = ident(&t.rust_name);
    let wire_name = &t.wire_name;
    let how = match &u.tag {
        Some(tag) => format!("Tagged by the field `{tag}`."),
        None => "Untagged: a value is the first variant it fits, in this order.".to_owned(),
    };
    let open = if u.open {
        " Open: a value of no known variant is kept as `Unknown` (raw JSON)."
    } else {
        ""
    };
    let docs = doc(&format!("{}\n\n{how}{open}", t.doc));
    let variants: Vec<_> = u.variants.iter().map(|v| ident(&v.rust_name)).collect();
    let variant_defs = u.variants.iter().map(|v| {
        let variant = ident(&v.rust_name);
        let d = doc(&v.doc);
        let vt = ty(api, &v.ty, Scope::Models);
        // A variant holding the union itself (through a struct) is boxed.
        let vt = if matches!(v.ty, crate::ir::Ty::Named(id) if api.ty(id).rust_name == t.rust_name)
        {
            quote! { Box<#vt> }
        } else {
            vt
        };
        quote! { #d #variant(#vt), }
    });
    let unknown = u.open.then(|| {
        quote! {
            /// A value of no variant this version of the crate knows, kept as sent.
            Unknown(super::rt::serde_json::Value),
        }
    });
    let unknown_ser = u
        .open
        .then(|| quote! { #name::Unknown(value) => value.serialize(serializer), });
    let (serialize, deserialize, tag_fn) = match &u.tag {
        Some(tag) => {
            let tags: Vec<&str> = u
                .variants
                .iter()
                .map(|v| v.tag.as_deref().unwrap_or_default())
                .collect();
            let declares: Vec<bool> = u.variants.iter().map(|v| v.declares_tag).collect();
            let serialize = quote! {
                match self {
                    #( #name::#variants(value) => super::rt::unions::serialize_tagged(value, #tag, #tags, serializer), )*
                    #unknown_ser
                }
            };
            let fallback = if u.open {
                quote! { _ => Ok(#name::Unknown(value)), }
            } else {
                quote! { other => Err(super::rt::unions::unknown_tag(other, #tag, #wire_name, &[#(#tags),*])), }
            };
            let deserialize = quote! {
                let value = super::rt::serde_json::Value::deserialize(deserializer)?;
                let tag: String = super::rt::unions::tag_of(&value, #tag, #wire_name)?;
                match tag.as_str() {
                    #( #tags => super::rt::unions::variant(value, #tag, #tags, #wire_name, #declares).map(#name::#variants), )*
                    #fallback
                }
            };
            let unknown_tag = u.open.then(|| {
                quote! {
                    #name::Unknown(value) => value.get(#tag).and_then(|t| t.as_str()),
                }
            });
            let tag_doc = format!(
                " The value of the tag field `{tag}` (`None` for an unknown value without one)."
            );
            let tag_fn = quote! {
                impl #name {
                    #[doc = #tag_doc]
                    #[inline]
                    pub fn tag(&self) -> Option<&str> {
                        match self {
                            #( #name::#variants(_) => Some(#tags), )*
                            #unknown_tag
                        }
                    }
                }
            };
            (serialize, deserialize, tag_fn)
        }
        None => {
            let serialize = quote! {
                match self {
                    #( #name::#variants(value) => value.serialize(serializer), )*
                    #unknown_ser
                }
            };
            let names: Vec<String> = u.variants.iter().map(|v| v.rust_name.clone()).collect();
            let fallback = if u.open {
                quote! { Ok(#name::Unknown(value)) }
            } else {
                quote! { Err(tried.error()) }
            };
            let tried_binding = if u.open {
                quote! { _tried }
            } else {
                quote! { tried }
            };
            let deserialize = quote! {
                let value = super::rt::serde_json::Value::deserialize(deserializer)?;
                let mut #tried_binding = super::rt::unions::Tried::new(#wire_name);
                #(
                    if let Some(v) = #tried_binding.attempt(&value, #names) {
                        return Ok(#name::#variants(v));
                    }
                )*
                #fallback
            };
            (serialize, deserialize, TokenStream::new())
        }
    };
    // A union value stands where one of its variants' values would, so it is as large as the largest, as that
    // struct itself is; boxing the large variants would only add an allocation per value and a `Box` to every
    // construction and match, so clippy's size lint (which an expandable `id | Object` field trips) is quieted.
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variant_defs)*
            #unknown
        }

        #tag_fn

        impl Serialize for #name {
            fn serialize<S: super::rt::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: super::rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #deserialize
            }
        }
    }
}
