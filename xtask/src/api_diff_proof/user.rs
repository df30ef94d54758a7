//! The code half of the proof: two small user programs written against one side's crate, as its users write them,
//! to be compiled against the other side's. The client program calls every operation with every argument and
//! setter (the `set_` and `_null` forms too), builds nested request values as struct literals, reads every field of
//! every answer with its type spelled out, and matches every enum, union and answer enum exhaustively. The server
//! program implements every trait method with its argument types spelled out, reads every query field and body
//! field the same way, builds every answer variant (answer structs as literals) and names every value of the enums
//! it sends. A program that no longer compiles is a break of client (server) code.

use super::rust::ty;
use apigen::ir::{
    Api, ArgSource, ClientReturns, Presence, ResponseRole, SetterTarget, StatusKey, Ty, TypeId,
    TypeKind,
};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The functions a program needs, made on demand: `make_N` builds type N, `read_N` reads it.
struct Program<'a> {
    api: &'a Api,
    make: BTreeSet<TypeId>,
    read: BTreeSet<TypeId>,
}

impl<'a> Program<'a> {
    fn new(api: &'a Api) -> Self {
        Program {
            api,
            make: BTreeSet::new(),
            read: BTreeSet::new(),
        }
    }

    fn rust(&self, t: &Ty) -> String {
        ty(self.api, t, "api")
    }

    /// An expression of type `t`.
    fn make(&mut self, t: &Ty) -> String {
        match t {
            Ty::String | Ty::Uri | Ty::Email => "String::from(\"x\")".into(),
            Ty::I64 => "1i64".into(),
            Ty::F64 => "1.5f64".into(),
            Ty::Bool => "true".into(),
            Ty::Uuid => "api::rt::uuid::Uuid::nil()".into(),
            Ty::DateTime | Ty::Date | Ty::Json => format!("<{}>::default()", self.rust(t)),
            Ty::List(_) | Ty::Map(_) => format!("<{}>::new()", self.rust(t)),
            Ty::Binary => "api::rt::File::from_bytes(Vec::<u8>::new())".into(),
            Ty::Named(id) => {
                self.make.insert(*id);
                format!("make_{}()", id.0)
            }
        }
    }

    /// Statements reading `expr` (a reference) of type `t`.
    fn read(&mut self, t: &Ty, expr: &str) -> String {
        match t {
            Ty::Named(id) => {
                self.read.insert(*id);
                format!("read_{}({expr});", id.0)
            }
            Ty::List(i) => format!("for x in ({expr}).iter() {{ {} }}", self.read(i, "x")),
            Ty::Map(i) => format!("for x in ({expr}).values() {{ {} }}", self.read(i, "x")),
            _ => String::new(),
        }
    }

    /// A struct field's Rust type.
    fn field_ty(&self, f: &apigen::ir::Field) -> String {
        let inner = if f.boxed {
            format!("Box<{}>", self.rust(&f.ty))
        } else {
            self.rust(&f.ty)
        };
        match f.presence {
            Presence::Required => inner,
            Presence::Nullable | Presence::Optional => format!("Option<{inner}>"),
            Presence::Tristate => format!("api::rt::Nullable<{inner}>"),
        }
    }

    /// The `make_N` and `read_N` functions asked for, and those they ask for in turn.
    fn functions(&mut self) -> String {
        let mut out = String::new();
        let mut made = BTreeSet::new();
        let mut read = BTreeSet::new();
        loop {
            let next_make = self.make.iter().find(|id| !made.contains(*id)).copied();
            let next_read = self.read.iter().find(|id| !read.contains(*id)).copied();
            match (next_make, next_read) {
                (Some(id), _) => {
                    made.insert(id);
                    let text = self.make_fn(id);
                    out.push_str(&text);
                }
                (None, Some(id)) => {
                    read.insert(id);
                    let text = self.read_fn(id);
                    out.push_str(&text);
                }
                (None, None) => return out,
            }
        }
    }

    fn make_fn(&mut self, id: TypeId) -> String {
        let def = self.api.ty(id);
        let name = format!("api::models::{}", def.rust_name);
        let body = match &def.kind {
            TypeKind::Struct(s) => {
                let mut fields = String::new();
                for f in &s.fields {
                    let v = self.make(&f.ty);
                    let v = if f.boxed { format!("Box::new({v})") } else { v };
                    let v = match f.presence {
                        Presence::Required => v,
                        Presence::Nullable | Presence::Optional => format!("Some({v})"),
                        Presence::Tristate => format!("api::rt::Nullable::Value({v})"),
                    };
                    let _ = write!(fields, "{}: {v}, ", f.rust_name);
                }
                format!("{name} {{ {fields} }}")
            }
            TypeKind::Enum(e) => {
                // Every value named (a producer may send any of them); the first returned.
                let all: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| format!("{name}::{}", v.rust_name))
                    .collect();
                format!("let all = [{}]; all[0].clone()", all.join(", "))
            }
            // Every variant built (a producer may send any of them, and builds each as a literal); the first
            // returned.
            TypeKind::Union(u) if !u.variants.is_empty() => {
                let all: Vec<String> = u
                    .variants
                    .iter()
                    .map(|v| format!("{name}::{}({})", v.rust_name, self.make(&v.ty)))
                    .collect();
                format!("let mut all = vec![{}]; all.remove(0)", all.join(", "))
            }
            TypeKind::Union(_) => "unreachable!()".into(),
        };
        format!("fn make_{}() -> {name} {{ {body} }}\n", id.0)
    }

    fn read_fn(&mut self, id: TypeId) -> String {
        let def = self.api.ty(id);
        let name = format!("api::models::{}", def.rust_name);
        let body = match &def.kind {
            TypeKind::Struct(s) => {
                let mut out = String::new();
                for f in &s.fields {
                    let _ = write!(out, "let f: &{} = &v.{}; ", self.field_ty(f), f.rust_name);
                    let inner = match f.presence {
                        Presence::Required => self.read(&f.ty, "f"),
                        Presence::Nullable | Presence::Optional => {
                            format!("if let Some(f) = f {{ {} }}", self.read(&f.ty, "f"))
                        }
                        Presence::Tristate => format!(
                            "if let api::rt::Nullable::Value(f) = f {{ {} }}",
                            self.read(&f.ty, "f")
                        ),
                    };
                    out.push_str(&inner);
                    out.push(' ');
                }
                out
            }
            TypeKind::Enum(e) => {
                let mut arms: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| format!("{name}::{} => {{}}", v.rust_name))
                    .collect();
                if e.open {
                    arms.push(format!("{name}::Unknown(_) => {{}}"));
                }
                format!("match v {{ {} }}", arms.join(", "))
            }
            TypeKind::Union(u) => {
                let mut arms = Vec::new();
                for v in &u.variants {
                    let inner = self.read(&v.ty, "x");
                    arms.push(format!("{name}::{}(x) => {{ {inner} }}", v.rust_name));
                }
                if u.open {
                    arms.push(format!("{name}::Unknown(_) => {{}}"));
                }
                format!("match v {{ {} }}", arms.join(", "))
            }
        };
        format!("fn read_{}(v: &{name}) {{ {body} }}\n", id.0)
    }
}

const HEADER: &str = "#![allow(warnings, clippy::all)]\n// Generated by `cargo xtask api-diff-proof`: a user program written against the old spec.\n\n";

/// The client program: `calls` uses every operation; `errors` matches the error bodies; `construct` builds a client.
pub fn client_program(api: &Api) -> String {
    let mut p = Program::new(api);
    let mut calls = String::new();
    for (r, op) in api.operations() {
        let mut call = format!("c.{}().{}(", r.client_accessor, op.rust_name);
        for (n, arg) in op.client.args.iter().enumerate() {
            if n > 0 {
                call.push_str(", ");
            }
            let t = match arg.source {
                ArgSource::Param(i) => op.params[i].ty.clone(),
                ArgSource::Body => op.body.as_ref().map_or(Ty::Json, |b| b.ty.clone()),
            };
            let v = p.make(&t);
            call.push_str(&v);
        }
        call.push(')');
        let body_struct = op
            .body
            .as_ref()
            .and_then(|b| b.ty.named())
            .and_then(|id| api.struct_(id));
        for setter in &op.client.setters {
            let (t, nullable) = match setter.target {
                SetterTarget::Param(i) => (op.params[i].ty.clone(), false),
                SetterTarget::Field(i) => match body_struct.and_then(|s| s.fields.get(i)) {
                    Some(f) => (f.ty.clone(), f.presence.nullable()),
                    None => continue,
                },
            };
            let v = p.make(&t);
            let rust = p.rust(&t);
            let stored = if nullable {
                format!("api::rt::Nullable::<{rust}>::Absent")
            } else {
                format!("None::<{rust}>")
            };
            let _ = write!(call, ".{}({v}).{}({stored})", setter.name, setter.set_name);
            if let Some(null) = &setter.null_name {
                let _ = write!(call, ".{null}()");
            }
        }
        let read = match &op.client.returns {
            ClientReturns::Unit => "let v: () = v;".to_owned(),
            ClientReturns::Value(t) => format!("let v: {} = v; {}", p.rust(t), p.read(t, "&v")),
            ClientReturns::Enum(name) => {
                let mut arms = Vec::new();
                for o in op.outcomes() {
                    match &o.ty {
                        Some(t) => {
                            let inner = p.read(t, "x");
                            arms.push(format!(
                                "api::client::{name}::{}(x) => {{ {inner} }}",
                                o.variant
                            ));
                        }
                        None => arms.push(format!("api::client::{name}::{} => {{}}", o.variant)),
                    }
                }
                format!("match &v {{ {} }}", arms.join(", "))
            }
            ClientReturns::Binary | ClientReturns::Text | ClientReturns::Events(_) => {
                "let _ = v;".to_owned()
            }
        };
        let _ = writeln!(calls, "    if let Ok(v) = {call}.send().await {{ {read} }}");
        // The typed headers, each read as the client types it (an `Option` of the header's type).
        if op.client.headers_struct.is_some() {
            let mut seen = BTreeSet::new();
            let mut reads = String::new();
            for r in op
                .responses
                .iter()
                .filter(|r| r.role == ResponseRole::Success)
            {
                for h in &r.headers {
                    if seen.insert(h.rust_name.clone()) {
                        let _ = write!(
                            reads,
                            "let _h: &Option<{}> = &a.headers.{}; ",
                            p.rust(&h.ty),
                            h.rust_name
                        );
                    }
                }
            }
            let _ = writeln!(
                calls,
                "    if let Ok(a) = {call}.send_with_headers().await {{ {reads}}}"
            );
        }
        if op.pagination.is_some() {
            let _ = writeln!(calls, "    let _pages = {call}.items();");
        }
    }
    let mut errors = Vec::new();
    for m in &api.errors.models {
        let inner = p.read(&Ty::Named(m.ty), "x");
        errors.push(format!(
            "api::client::ApiErrorBody::{}(x) => {{ {inner} }}",
            m.variant
        ));
    }
    errors.push("api::client::ApiErrorBody::Raw(_) => {}".into());
    // A client with every API-wide header set (their setters are the builder's, through `ApiHeaders`).
    let mut construct =
        String::from("api::client::Client::builder().base_url(\"http://127.0.0.1:9\")");
    if api.auth.is_some() {
        construct.push_str(".api_key(\"key\")");
    }
    if !api.headers.is_empty() {
        construct = format!("{{ use api::client::ApiHeaders as _; {construct}");
        for h in &api.headers {
            let v = p.make(&h.ty);
            let _ = write!(construct, ".{}({v})", h.rust_name);
        }
        construct.push_str(".build() }");
    } else {
        construct.push_str(".build()");
    }
    // `new` as well as the builder: its arguments say whether the API takes a key.
    let new = if api.auth.is_some() {
        "api::client::Client::new(\"http://127.0.0.1:9\", \"key\")"
    } else {
        "api::client::Client::new(\"http://127.0.0.1:9\")"
    };
    let functions = p.functions();
    format!(
        "{HEADER}pub async fn calls(c: &api::client::Client) {{\n{calls}}}\n\n\
         pub fn errors(e: &api::client::ApiErrorBody) {{ match e {{ {} }} }}\n\n\
         pub fn construct() {{ let _c: Result<api::client::Client, api::client::Error> = {construct}; \
         let _n: Result<api::client::Client, api::client::Error> = {new}; }}\n\n{}\n{functions}",
        errors.join(", "),
        names(api)
    )
}

/// Every model's name (not its fields: how a program uses those is the operations' part), so a model removed or
/// renamed is named somewhere.
fn names(api: &Api) -> String {
    let mut out = String::from("pub fn names() {");
    for (i, t) in api.types.iter().enumerate() {
        if t.origin == apigen::ir::Origin::Model && !api.evolution.inline.contains(&TypeId(i)) {
            let _ = write!(out, " let _: Option<&api::models::{}> = None;", t.rust_name);
        }
    }
    out.push_str(" }\n");
    out
}

/// The server program: one type implementing every resource trait, served by `router`.
pub fn server_program(api: &Api) -> String {
    let mut p = Program::new(api);
    let mut impls = String::new();
    for r in &api.resources {
        let _ = writeln!(impls, "impl api::server::{} for Imp {{", r.server_trait);
        for op in &r.operations {
            let mut args = format!(
                "&self, ctx: api::server::RequestContext<{}>",
                super::rust::caller(op)
            );
            let mut reads = String::new();
            for (i, par) in op.path_params().enumerate() {
                let _ = write!(args, ", p{i}: {}", p.rust(&par.ty));
                let inner = p.read(&par.ty, &format!("&p{i}"));
                reads.push_str(&inner);
            }
            if let Some(q) = &op.server.query_struct {
                let _ = write!(args, ", query: api::server::{q}");
                for par in op.query_params() {
                    let rust = p.rust(&par.ty);
                    let t = if par.required || par.default.is_some() {
                        rust
                    } else {
                        format!("Option<{rust}>")
                    };
                    let _ = write!(reads, "let q: &{t} = &query.{}; ", par.rust_name);
                }
            }
            if let Some(h) = &op.server.headers_struct {
                let _ = write!(args, ", headers: api::server::{h}");
                for par in op.header_params().chain(&api.headers) {
                    let rust = p.rust(&par.ty);
                    let t = if par.required || par.default.is_some() {
                        rust
                    } else {
                        format!("Option<{rust}>")
                    };
                    let _ = write!(reads, "let h: &{t} = &headers.{}; ", par.rust_name);
                }
            }
            if let Some(b) = &op.body {
                let _ = write!(args, ", body: {}", p.rust(&b.ty));
                let inner = p.read(&b.ty, "&body");
                reads.push_str(&inner);
            }
            let mut answers = Vec::new();
            for resp in &op.responses {
                let variant = format!("api::server::{}::{}", op.server.response_enum, resp.variant);
                // The variant's parts in the server enum's order: a status for a range or `default`, the body,
                // the answer's own headers.
                let mut parts = Vec::new();
                match resp.status {
                    StatusKey::Code(_) => {}
                    StatusKey::Range(d) => parts.push(format!("{}u16", u16::from(d) * 100)),
                    StatusKey::Default => parts.push("500u16".to_owned()),
                }
                if let Some(t) = &resp.ty {
                    parts.push(p.make(t));
                }
                if let Some(h) = &resp.headers_struct {
                    let fields: Vec<String> = resp
                        .headers
                        .iter()
                        .filter(|x| !x.api_wide)
                        .map(|x| {
                            let v = p.make(&x.ty);
                            let v = if x.required { v } else { format!("Some({v})") };
                            format!("{}: {v}", x.rust_name)
                        })
                        .collect();
                    parts.push(format!("api::server::{h} {{ {} }}", fields.join(", ")));
                }
                if parts.is_empty() {
                    answers.push(variant);
                } else {
                    answers.push(format!("{variant}({})", parts.join(", ")));
                }
            }
            let _ = writeln!(
                impls,
                "    async fn {}({args}) -> Result<api::server::{}, api::server::ApiError> {{\n        {reads}\n        let mut all = vec![{}];\n        Ok(all.remove(0))\n    }}",
                op.rust_name,
                op.server.response_enum,
                answers.join(", ")
            );
        }
        impls.push_str("}\n\n");
    }
    let functions = p.functions();
    format!(
        "{HEADER}pub struct Key;\nimpl api::server::Caller for Key {{ fn has_scope(&self, _scope: &str) -> bool {{ true }} }}\n\n\
         pub struct Imp;\nimpl api::server::Authenticate for Imp {{\n    type Caller = Key;\n    async fn authenticate(&self, _key: &str) -> Option<Key> {{ Some(Key) }}\n}}\n\n\
         {impls}pub fn serve() -> api::rt::axum::Router {{ api::server::router(Imp) }}\n\n{}\n{functions}",
        names(api)
    )
}
