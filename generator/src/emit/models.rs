//! Emits `src/models.rs`: one serde struct per struct type (a model's response type, its create and PATCH bodies,
//! page envelopes) and one enum per spec enum, each with the spec's docs, in the order of the IR.

use super::tokens::{doc, field_ty, ident, Scope};
use crate::ir::{Api, Constraints, Enum, Field, Presence, Struct, TypeDef, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

pub fn emit(api: &Api) -> TokenStream {
    let items = api.types.iter().map(|t| match &t.kind {
        TypeKind::Struct(s) => emit_struct(api, t, s),
        TypeKind::Enum(e) => emit_enum(t, e),
    });
    quote! {
        #![doc = " The API's data types: response models, request bodies, enums and page envelopes."]
        #![doc = ""]
        #![doc = " Available with no cargo feature enabled."]

        // serde is the runtime's (`rt`), reached by `super`, not `crate`: the same code also works as a module
        // inside another crate (`Builder::compile`).
        use super::rt::serde::{Deserialize, Serialize};
        pub use super::rt::Nullable;

        #(#items)*
    }
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
    if !facts.is_empty() {
        text.push_str("\n\n");
        text.push_str(&facts.join(" "));
    }
    text
}

fn constraint_facts(c: &Constraints) -> Vec<String> {
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
    facts
}

fn emit_field(api: &Api, f: &Field, request: bool) -> TokenStream {
    let name = ident(&f.rust_name);
    let docs = doc(&field_doc(f));
    let rust_ty = field_ty(api, f, Scope::Models);
    let wire = &f.wire_name;
    let rename = (f.rust_name != *wire).then(|| quote! { #[serde(rename = #wire)] });
    let presence = match f.presence {
        Presence::Required | Presence::Nullable => quote! {},
        // In a request, a field that may be left out is still not allowed to be null.
        Presence::Optional if request => {
            quote! { #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::rt::nullable::deserialize_some")] }
        }
        Presence::Optional => quote! { #[serde(default, skip_serializing_if = "Option::is_none")] },
        Presence::Tristate => {
            quote! { #[serde(default, skip_serializing_if = "Nullable::is_absent")] }
        }
    };
    quote! {
        #docs
        #rename
        #presence
        pub #name: #rust_ty,
    }
}

fn emit_struct(api: &Api, t: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&t.rust_name);
    let docs = doc(&t.doc);
    let fields = s.fields.iter().map(|f| emit_field(api, f, s.request));
    let default = s.derive_default.then(|| quote! { Default, });
    // Requests may be refused for unknown fields; responses are always read leniently so a newer server that adds
    // fields does not break an older client.
    let deny =
        (s.reject_unknown_fields && s.request).then(|| quote! { #[serde(deny_unknown_fields)] });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, #default Serialize, Deserialize)]
        #[serde(crate = "super::rt::serde")]
        #deny
        pub struct #name {
            #(#fields)*
        }
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
    let wires: Vec<_> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
    let variant_docs = e.variants.iter().map(|v| {
        doc(v
            .doc
            .as_deref()
            .unwrap_or(&format!("The value `{}`.", v.wire_name.replace('`', "'"))))
    });
    let all_doc = format!(
        " Every known value of [`{}`] with its wire name, in spec order.",
        t.rust_name
    );
    let table = quote! {
        #[doc = #all_doc]
        pub const ALL: &'static [(#name, &'static str)] = &[ #( (#name::#variants, #wires) ),* ];
    };
    // The table does the work (`rt::enums`); what is left per enum is the trait impls that name it.
    let common = quote! {
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
    };
    if e.open {
        quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #( #variant_docs #variants, )*
                /// A value this version of the crate does not know, kept as sent.
                Unknown(String),
            }

            impl #name {
                #table

                /// The value as sent on the wire.
                #[inline]
                pub fn as_str(&self) -> &str {
                    match self {
                        #name::Unknown(value) => value,
                        known => super::rt::enums::wire_name(known, Self::ALL),
                    }
                }
            }

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

            #common

            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: super::rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    super::rt::enums::deserialize_open(deserializer, Self::ALL, #name::Unknown)
                }
            }
        }
    } else {
        let wire_name = &t.wire_name;
        quote! {
            #docs
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #( #variant_docs #variants, )*
            }

            impl #name {
                #table

                /// The value as sent on the wire.
                #[inline]
                pub fn as_str(&self) -> &'static str {
                    super::rt::enums::wire_name(self, Self::ALL)
                }
            }

            impl std::str::FromStr for #name {
                type Err = String;

                #[inline]
                fn from_str(value: &str) -> Result<Self, Self::Err> {
                    super::rt::enums::parse(value, Self::ALL, #wire_name)
                }
            }

            #common

            impl<'de> Deserialize<'de> for #name {
                fn deserialize<D: super::rt::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    super::rt::enums::deserialize(deserializer, Self::ALL, #wire_name)
                }
            }
        }
    }
}
