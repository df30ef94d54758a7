//! The wire half of the proof: for one side of a pair, a server implementing every operation (each answers its
//! witness value) and a client run calling every operation with witness arguments, each with every key its own
//! spec says suffices. Run against its own side's server the calls must all pass (else the harness is wrong);
//! against the other side's, a failure is a break on the wire.

use super::rust::{raw, ty};
use super::sample::{Other, Sampler};
use apigen::ir::{
    Api, ArgSource, ClientReturns, Operation, ParamLocation, ResponseRole, Security, SetterTarget,
};
use std::fmt::Write as _;

/// What the harness cannot yet call or answer in `api`, if anything: answers that are not JSON, required API-wide
/// response headers (middleware sets them), bodies of bytes or text (form and multipart bodies are sent by setters
/// like JSON ones, so they run), and bytes anywhere. A pair holding one is left to its golden report.
pub fn unsupported(api: &Api) -> Option<String> {
    for (r, op) in api.operations() {
        let at = format!("{}.{}", r.wire_name, op.wire_name);
        for resp in &op.responses {
            // API-wide response headers are set by middleware the harness does not have.
            if resp.headers.iter().any(|h| h.api_wide && h.required) {
                return Some(format!(
                    "{at}: answer {} has a required API-wide header",
                    resp.status
                ));
            }
            if !matches!(
                resp.encoding,
                apigen::ir::ResponseEncoding::Json { .. } | apigen::ir::ResponseEncoding::Empty
            ) {
                return Some(format!("{at}: answer {} is not JSON", resp.status));
            }
        }
        if let Some(b) = &op.body {
            if matches!(
                b.encoding,
                apigen::ir::BodyEncoding::Binary { .. } | apigen::ir::BodyEncoding::Text { .. }
            ) || holds_bytes(api, &b.ty)
            {
                return Some(format!("{at}: a body of bytes"));
            }
        }
    }
    None
}

/// Whether values of `t` hold bytes (a `binary` field), which have no JSON witness.
fn holds_bytes(api: &Api, t: &apigen::ir::Ty) -> bool {
    use apigen::ir::Ty;
    match t {
        Ty::Binary => true,
        Ty::List(i) | Ty::Map(i) => holds_bytes(api, i),
        Ty::Named(id) => api.ty(*id).kind.fields().iter().any(|f| f.ty.is_file()),
        _ => false,
    }
}

/// The operation of `other` that is `op` of `this`: by resource and name, else by method and route.
pub fn counterpart<'a>(this: &Api, other: &'a Api, op: &Operation) -> Option<&'a Operation> {
    let resource = this
        .operations()
        .find(|(_, o)| std::ptr::eq(*o, op))
        .map(|(r, _)| r.wire_name.clone());
    let route = |p: &str| {
        let mut out = String::new();
        let mut inside = false;
        for c in p.chars() {
            match c {
                '{' => inside = true,
                '}' => inside = false,
                _ if !inside => out.push(c),
                _ => {}
            }
        }
        out.trim_end_matches('/').to_owned()
    };
    other
        .operations()
        .find(|(r, o)| Some(&r.wire_name) == resource.as_ref() && o.wire_name == op.wire_name)
        .or_else(|| {
            other
                .operations()
                .find(|(_, o)| o.method == op.method && route(&o.path) == route(&op.path))
        })
        .map(|(_, o)| o)
}

/// The module of a server of `this` answering witness values against `other`.
pub fn server(this: &Api, other: &Api, krate: &str) -> String {
    let s = Sampler { this, other };
    let mut out = format!(
        "use {krate} as api;\nuse api::server::{{ApiError, Authenticate, Caller, RequestContext}};\n\n\
         pub struct Key(Vec<String>);\n\
         impl Caller for Key {{\n    fn has_scope(&self, scope: &str) -> bool {{\n        self.0.iter().any(|s| s == scope)\n    }}\n}}\n\n\
         pub struct Imp;\n\
         impl Authenticate for Imp {{\n    type Caller = Key;\n    async fn authenticate(&self, key: &str) -> Option<Key> {{\n        \
         key.strip_prefix(\"key:\").map(|s| Key(s.split(',').filter(|x| !x.is_empty()).map(String::from).collect()))\n    }}\n}}\n\n"
    );
    for r in &this.resources {
        let _ = writeln!(out, "impl api::server::{} for Imp {{", r.server_trait);
        for op in &r.operations {
            let theirs = counterpart(this, other, op);
            let mut args = format!("&self, _ctx: RequestContext<{}>", super::rust::caller(op));
            for (i, p) in op.path_params().enumerate() {
                let _ = write!(args, ", _p{i}: {}", ty(this, &p.ty, "api"));
            }
            if let Some(q) = &op.server.query_struct {
                let _ = write!(args, ", _query: api::server::{q}");
            }
            if let Some(h) = &op.server.headers_struct {
                let _ = write!(args, ", _headers: api::server::{h}");
            }
            if let Some(b) = &op.body {
                let _ = write!(args, ", _body: {}", ty(this, &b.ty, "api"));
            }
            let successes: Vec<_> = op
                .responses
                .iter()
                .filter(|r| r.role == ResponseRole::Success)
                .collect();
            // Witness: a success status the other side does not document, if there is one.
            let answer = successes
                .iter()
                .find(|r| theirs.is_some_and(|t| !t.responses.iter().any(|x| x.status == r.status)))
                .or(successes.first())
                .copied();
            let body = match answer {
                Some(a) => {
                    let variant =
                        format!("api::server::{}::{}", op.server.response_enum, a.variant);
                    // The other side's answer for this one: the same key, else one it covers or that covers it.
                    let their_answer = theirs.and_then(|o| {
                        o.responses
                            .iter()
                            .find(|x| x.status == a.status)
                            .or_else(|| o.responses.iter().find(|x| x.role == a.role))
                    });
                    // The variant's parts, in the order the server's enum holds them: status, body, headers.
                    let mut parts = Vec::new();
                    if let Some(code) = ranged_witness(a.status, theirs) {
                        parts.push(code.to_string());
                    }
                    if let Some(t) = &a.ty {
                        let other_ty = their_answer.and_then(|x| x.ty.as_ref());
                        let v = s.value(
                            t,
                            &Default::default(),
                            Other {
                                ty: other_ty,
                                constraints: None,
                            },
                        );
                        parts.push(format!(
                            "crate::json::<{}>({})",
                            ty(this, t, "api"),
                            raw(&v.to_string())
                        ));
                    }
                    if let Some(h) = &a.headers_struct {
                        parts.push(headers_witness(&s, this, a, their_answer, h));
                    }
                    if parts.is_empty() {
                        format!("Ok({variant})")
                    } else {
                        format!("Ok({variant}({}))", parts.join(", "))
                    }
                }
                None => "Err(ApiError::internal(\"no success answer\"))".to_owned(),
            };
            let _ = writeln!(
                out,
                "    async fn {}({args}) -> Result<api::server::{}, ApiError> {{\n        {body}\n    }}",
                op.rust_name, op.server.response_enum
            );
        }
        out.push_str("}\n\n");
    }
    out.push_str(
        "pub async fn start() -> String {\n    \
         let listener = tokio::net::TcpListener::bind(\"127.0.0.1:0\").await.expect(\"a loopback port\");\n    \
         let addr = listener.local_addr().expect(\"a bound address\");\n    \
         tokio::spawn(async move {\n        let _ = api::rt::axum::serve(listener, api::server::router(Imp)).await;\n    });\n    \
         format!(\"http://{addr}\")\n}\n",
    );
    out
}

/// The code a server answers for a range or `default` key: one of the range the other side does not document
/// (its clients may not know it), else the range's first; `None` for a code of its own.
fn ranged_witness(status: apigen::ir::StatusKey, theirs: Option<&Operation>) -> Option<u16> {
    use apigen::ir::StatusKey;
    let (low, high) = match status {
        StatusKey::Code(_) => return None,
        StatusKey::Range(d) => (u16::from(d) * 100, u16::from(d) * 100 + 99),
        StatusKey::Default => (500, 599),
    };
    let documented =
        |c: u16| theirs.is_some_and(|o| o.responses.iter().any(|r| r.status == StatusKey::Code(c)));
    Some((low..=high).find(|c| !documented(*c)).unwrap_or(low))
}

/// The struct of an answer's own headers, each with its witness: absent where this side may leave it out and
/// the other requires it (the witness of absence).
fn headers_witness(
    s: &Sampler,
    this: &Api,
    a: &apigen::ir::Response,
    theirs: Option<&apigen::ir::Response>,
    name: &str,
) -> String {
    let mut fields = Vec::new();
    for h in a.headers.iter().filter(|h| !h.api_wide) {
        let other = theirs.and_then(|t| {
            t.headers
                .iter()
                .find(|x| x.wire_name.eq_ignore_ascii_case(&h.wire_name))
        });
        let v = format!(
            "crate::json::<{}>({})",
            ty(this, &h.ty, "api"),
            raw(&s
                .value(
                    &h.ty,
                    &Default::default(),
                    Other {
                        ty: other.map(|x| &x.ty),
                        constraints: None,
                    },
                )
                .to_string())
        );
        let v = match (h.required, other.is_some_and(|x| x.required)) {
            (true, _) => v,
            (false, true) => "None".to_owned(),
            (false, false) => format!("Some({v})"),
        };
        fields.push(format!("{}: {v}", h.rust_name));
    }
    format!("api::server::{name} {{ {} }}", fields.join(", "))
}

/// The keys a client of `this` may hold for `op`: exactly its scopes; the wildcard alone; and, through the
/// implication rules, scopes that imply the required ones instead of them.
fn keys(this: &Api, op: &Operation) -> Vec<String> {
    let Some(auth) = &this.auth else {
        return vec!["key:".into()];
    };
    if op.security != Security::Required {
        return vec!["key:".into()];
    }
    let mut out = vec![format!("key:{}", op.scopes.join(","))];
    if let Some(w) = &auth.wildcard_scope {
        out.push(format!("key:{w}"));
    }
    let implying: Vec<String> = op
        .scopes
        .iter()
        .map(|s| {
            auth.implied_scopes
                .iter()
                .find_map(|(from, grants)| instantiate(from, grants, s))
                .unwrap_or_else(|| s.clone())
        })
        .collect();
    if implying != op.scopes {
        out.push(format!("key:{}", implying.join(",")));
    }
    out.dedup();
    out
}

/// `from` with the bindings that make `grants` equal `wanted` (`{object}:write` for `plant:read`).
fn instantiate(from: &str, grants: &str, wanted: &str) -> Option<String> {
    let (g, w): (Vec<&str>, Vec<&str>) = (grants.split(':').collect(), wanted.split(':').collect());
    if g.len() != w.len() {
        return None;
    }
    let mut bound = Vec::new();
    for (gp, wp) in g.iter().zip(&w) {
        match gp.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            Some(name) => bound.push((name, *wp)),
            None if gp == wp => {}
            None => return None,
        }
    }
    Some(
        from.split(':')
            .map(|seg| {
                seg.strip_prefix('{')
                    .and_then(|r| r.strip_suffix('}'))
                    .and_then(|n| bound.iter().find(|(b, _)| *b == n))
                    .map_or(seg, |(_, v)| v)
            })
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// The module of a client run of `this` against a server of `other`: `run(base)` returns the failed calls.
pub fn client(this: &Api, other: &Api, krate: &str) -> String {
    let s = Sampler { this, other };
    let mut out = format!(
        "use {krate} as api;\n{}\npub async fn run(base: &str) -> Vec<String> {{\n    let mut failures = Vec::new();\n",
        if this.headers.is_empty() {
            ""
        } else {
            "use api::client::ApiHeaders as _;\n"
        }
    );
    // The API's headers, set on the builder: each with its witness, except one the other side requires and this
    // one does not (the witness of absence).
    let mut api_headers = String::new();
    for h in &this.headers {
        let o = other
            .headers
            .iter()
            .find(|x| x.wire_name.eq_ignore_ascii_case(&h.wire_name));
        if o.is_some_and(|x| x.required) && !h.required {
            continue;
        }
        let v = s.value(
            &h.ty,
            &h.constraints,
            Other {
                ty: o.map(|x| &x.ty),
                constraints: o.map(|x| &x.constraints),
            },
        );
        let _ = write!(
            api_headers,
            ".{}(crate::json::<{}>({}))",
            h.rust_name,
            ty(this, &h.ty, "api"),
            raw(&v.to_string())
        );
    }
    for (r, op) in this.operations() {
        let theirs = counterpart(this, other, op);
        let other_param = |p: &apigen::ir::Param, index_in_path: usize| {
            theirs.and_then(|t| match p.location {
                ParamLocation::Path => t.path_params().nth(index_in_path),
                ParamLocation::Query => t.query_params().find(|q| q.wire_name == p.wire_name),
                ParamLocation::Header => t
                    .header_params()
                    .find(|q| q.wire_name.eq_ignore_ascii_case(&p.wire_name)),
            })
        };
        let path_index = |i: usize| {
            op.params[..i]
                .iter()
                .filter(|p| p.location == ParamLocation::Path)
                .count()
        };
        let mut call = format!("c.{}().{}(", r.client_accessor, op.rust_name);
        for (n, arg) in op.client.args.iter().enumerate() {
            if n > 0 {
                call.push_str(", ");
            }
            let (t, v) = match arg.source {
                ArgSource::Param(i) => {
                    let p = &op.params[i];
                    let o = other_param(p, path_index(i));
                    (
                        &p.ty,
                        s.value(
                            &p.ty,
                            &p.constraints,
                            Other {
                                ty: o.map(|q| &q.ty),
                                constraints: o.map(|q| &q.constraints),
                            },
                        ),
                    )
                }
                ArgSource::Body => {
                    let Some(b) = &op.body else { continue };
                    let o = theirs.and_then(|t| t.body.as_ref()).map(|b| &b.ty);
                    (
                        &b.ty,
                        s.value(
                            &b.ty,
                            &Default::default(),
                            Other {
                                ty: o,
                                constraints: None,
                            },
                        ),
                    )
                }
            };
            let _ = write!(
                call,
                "crate::json::<{}>({})",
                ty(this, t, "api"),
                raw(&v.to_string())
            );
        }
        call.push(')');
        let body_struct = op
            .body
            .as_ref()
            .and_then(|b| b.ty.named())
            .and_then(|id| this.struct_(id));
        let other_body = theirs
            .and_then(|t| t.body.as_ref())
            .and_then(|b| b.ty.named())
            .and_then(|id| other.struct_(id));
        for setter in &op.client.setters {
            match setter.target {
                SetterTarget::Param(i) => {
                    let p = &op.params[i];
                    let o = other_param(p, path_index(i));
                    // Left out where the other side requires it and this one does not: the witness of absence.
                    if o.is_some_and(|q| q.required) && !p.required {
                        continue;
                    }
                    let v = s.value(
                        &p.ty,
                        &p.constraints,
                        Other {
                            ty: o.map(|q| &q.ty),
                            constraints: o.map(|q| &q.constraints),
                        },
                    );
                    let _ = write!(
                        call,
                        ".{}(crate::json::<{}>({}))",
                        setter.name,
                        ty(this, &p.ty, "api"),
                        raw(&v.to_string())
                    );
                }
                SetterTarget::Field(i) => {
                    let Some(f) = body_struct.and_then(|b| b.fields.get(i)) else {
                        continue;
                    };
                    match s.field(f, other_body) {
                        None => {}
                        Some(serde_json::Value::Null) => {
                            if let Some(null) = &setter.null_name {
                                let _ = write!(call, ".{null}()");
                            }
                        }
                        Some(v) => {
                            let _ = write!(
                                call,
                                ".{}(crate::json::<{}>({}))",
                                setter.name,
                                ty(this, &f.ty, "api"),
                                raw(&v.to_string())
                            );
                        }
                    }
                }
            }
        }
        let returns = match &op.client.returns {
            _ if op.client.headers_struct.is_some() => "_".to_owned(),
            ClientReturns::Unit => "()".to_owned(),
            ClientReturns::Value(t) => ty(this, t, "api"),
            ClientReturns::Enum(name) => format!("api::client::{name}"),
            // Not run (`super::unsupported`), but spelled so the module compiles.
            ClientReturns::Binary | ClientReturns::Text | ClientReturns::Events(_) => {
                "_".to_owned()
            }
        };
        let _ = writeln!(
            out,
            "    for key in {keys:?} {{\n        \
             let c = api::client::Client::builder().base_url(base).api_key(key){api_headers}.retry_policy(api::client::RetryPolicy::none()).build().expect(\"a client\");\n        \
             let answer: Result<{returns}, _> = {call}.{send}().await;\n        \
             if let Err(e) = answer {{\n            failures.push(format!(\"{}.{} with `{{key}}`: {{e}}\"));\n        }}\n    }}",
            r.wire_name,
            op.wire_name,
            keys = keys(this, op),
            api_headers = api_headers,
            // Typed headers are read only by `send_with_headers`, whose answer holds them too.
            send = if op.client.headers_struct.is_some() {
                "send_with_headers"
            } else {
                "send"
            },
        );
    }
    out.push_str("    failures\n}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_keys_hold_the_implying_scope() {
        assert_eq!(
            instantiate("{object}:write", "{object}:read", "todo:read").as_deref(),
            Some("todo:write")
        );
        assert_eq!(
            instantiate("{object}:write", "{object}:read", "todo:write"),
            None
        );
        assert_eq!(instantiate("a:{x}", "b:{x}", "b:c:d"), None);
    }
}
