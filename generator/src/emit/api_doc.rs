//! Emits `API.md`, the human API reference, from the minijinja template `templates/API.md.j2`.
//!
//! This module only prepares plain data for the template (type names as text, example bodies, curl commands);
//! the layout is all in the template.

use super::{header_line, GeneratedFile, Options};
use crate::ir::{
    Access, Api, BodyEncoding, Field, KeyLocation, Operation, Origin, ParamLocation, ParamStyle,
    Presence, ResponseEncoding, SchemeKind, Security, StatusKey, Ty, TypeKind,
};
use crate::Error;
use minijinja::{context, Environment, Value};
use serde_json::json;

const TEMPLATE: &str = include_str!("../../../templates/API.md.j2");

/// How deep example bodies follow nested models; recursive models stop there.
const EXAMPLE_DEPTH: usize = 4;

pub fn file(api: &Api, opts: &Options) -> Result<GeneratedFile, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    // Table cells hold one line; a `|` would end the cell.
    env.add_filter("cell", |text: Option<String>| {
        text.unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace('|', "\\|")
    });
    env.add_template("API.md", TEMPLATE)
        .map_err(|e| Error::Internal(format!("template API.md: {e}")))?;
    let resources: Vec<Value> = api
        .resources
        .iter()
        .map(|r| {
            let ops: Vec<Value> = r
                .operations
                .iter()
                .map(|op| operation(api, op, opts.client.then(|| super::client::rust_example(api, r, op))))
                .collect();
            context! { name => r.wire_name, anchor => anchor(&r.wire_name), description => r.doc, operations => ops }
        })
        .collect();
    let models: Vec<Value> = api
        .types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => {
                let fields: Vec<Value> = s.fields.iter().chain(&s.write_only_fields).map(|f| model_field(api, f)).collect();
                context! { name => t.rust_name, description => t.doc, fields => fields }
            }
            TypeKind::Enum(e) => {
                let values: Vec<&str> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
                context! { name => t.rust_name, description => t.doc, values => values, open => e.open }
            }
            TypeKind::Union(u) => {
                let variants: Vec<Value> = u
                    .variants
                    .iter()
                    .map(|v| context! { tag => v.tag, ty => type_text(api, &v.ty), description => v.doc })
                    .collect();
                context! { name => t.rust_name, description => t.doc, tag => u.tag, variants => variants, open => u.open }
            }
        })
        .collect();
    let errors: Vec<Value> = api
        .errors
        .answers
        .iter()
        .map(|a| context! { kind => a.kind.as_str().replace('_', " "), status => a.status, body => a.body.to_string() })
        .collect();
    let error_models: Vec<&str> = api
        .errors
        .models
        .iter()
        .map(|m| api.ty(m.ty).rust_name.as_str())
        .collect();
    let auth = api.auth.as_ref().map(|a| {
        let schemes: Vec<Value> = a
            .schemes
            .iter()
            .map(|s| context! { name => s.name, how => scheme_text(s), env => s.env, description => s.description })
            .collect();
        context! { schemes => schemes, wildcard_scope => a.wildcard_scope, implied_scopes => a.implied_scopes }
    });
    let headers: Vec<Value> = api
        .headers
        .iter()
        .map(|p| context! { name => p.wire_name, ty => type_text(api, &p.ty), required => p.required, description => param_doc(p) })
        .collect();
    let tmpl = env
        .get_template("API.md")
        .map_err(|e| Error::Internal(format!("template API.md: {e}")))?;
    let contents = tmpl
        .render(context! {
            header => header_line(opts),
            title => api.title,
            description => api.description.as_deref().unwrap_or("").trim_end(),
            version => api.version,
            server => api.server,
            server_env => api.server_env,
            auth => auth,
            headers => headers,
            resources => resources,
            errors => context! { models => error_models, answers => errors },
            models => models,
        })
        .map_err(|e| Error::Internal(format!("template API.md: {e}")))?;
    Ok(GeneratedFile {
        path: "API.md".into(),
        contents,
    })
}

/// How a scheme's credentials are sent, for readers.
fn scheme_text(s: &crate::ir::Scheme) -> String {
    match (s.kind, &s.key) {
        (SchemeKind::Bearer, _) => "`Authorization: Bearer <key>`".into(),
        (SchemeKind::Basic, _) => {
            "HTTP basic authentication (`Authorization: Basic base64(user:password)`)".into()
        }
        (SchemeKind::ApiKey, Some((KeyLocation::Header, name))) => {
            format!("the header `{name}: <key>`")
        }
        (SchemeKind::ApiKey, Some((KeyLocation::Query, name))) => {
            format!("the query parameter `{name}=<key>`")
        }
        (SchemeKind::ApiKey, None) => "an API key".into(),
    }
}

/// A parameter's description with its default and deprecation.
fn param_doc(p: &crate::ir::Param) -> Option<String> {
    let mut facts = Vec::new();
    if let Some(fact) = super::models::deprecation_fact(&p.deprecated) {
        facts.push(format!("**{fact}**"));
    }
    if let Some(d) = &p.doc {
        facts.push(d.clone());
    }
    if let Some(d) = &p.default {
        facts.push(format!("Default `{d}`."));
    }
    (!facts.is_empty()).then(|| facts.join(" "))
}

/// A GitHub-style heading anchor.
fn anchor(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// A type as text for tables, with models linked to their section.
fn type_text(api: &Api, t: &Ty) -> String {
    match t {
        Ty::String => "string".into(),
        Ty::Uri => "string (URI)".into(),
        Ty::Email => "string (e-mail)".into(),
        Ty::I64 => "integer".into(),
        Ty::F64 => "number".into(),
        Ty::Bool => "boolean".into(),
        Ty::Uuid => "uuid".into(),
        Ty::DateTime => "datetime (RFC 3339)".into(),
        Ty::Date => "date".into(),
        Ty::Json => "any JSON".into(),
        Ty::List(inner) => format!("list of {}", type_text(api, inner)),
        Ty::Map(inner) => format!("map of string to {}", type_text(api, inner)),
        Ty::Named(id) => {
            let name = &api.ty(*id).rust_name;
            format!("[`{name}`](#{})", anchor(name))
        }
        Ty::Binary => "file (bytes)".into(),
    }
}

fn operation(api: &Api, op: &Operation, rust: Option<String>) -> Value {
    let params: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            let location = match (p.location, p.style) {
                (ParamLocation::Path, _) => "path",
                (ParamLocation::Header, _) => "header",
                (ParamLocation::Query, _) if !matches!(p.ty, Ty::List(_) | Ty::Map(_) | Ty::Named(_)) => "query",
                (ParamLocation::Query, ParamStyle::Form) => "query (`a=1&a=2`)",
                (ParamLocation::Query, ParamStyle::Comma) => "query (`a=1,2`)",
                (ParamLocation::Query, ParamStyle::Brackets) => "query (`a[]=1&a[]=2`)",
                (ParamLocation::Query, ParamStyle::DeepObject) => "query (`a[key]=value`)",
            };
            context! { name => p.wire_name, location => location, ty => type_text(api, &p.ty), required => p.required, description => param_doc(p) }
        })
        .collect();
    let body = op.body.as_ref().map(|b| {
        let fields: Vec<Value> = match b.ty.named().and_then(|id| api.struct_(id)) {
            Some(s) => s
                .fields
                .iter()
                .map(|f| context! { name => f.wire_name, ty => type_text(api, &f.ty), required => !f.presence.optional(), nullable => f.presence.nullable(), description => f.doc })
                .collect(),
            None => Vec::new(),
        };
        let ty = match &b.encoding {
            BodyEncoding::Binary { .. } => "bytes".to_owned(),
            _ => type_text(api, &b.ty),
        };
        context! { ty => ty, media_type => b.encoding.media_type(), fields => fields }
    });
    let responses: Vec<Value> = op
        .responses
        .iter()
        .map(|r| {
            // A documented standard answer (e.g. not found) is the truest example of an error body.
            let answer = api.errors.answers.iter().find(|a| {
                StatusKey::Code(a.status) == r.status
                    && r.ty == Some(Ty::Named(a.model))
                    && !has_placeholder(&a.body)
            });
            let json = matches!(r.encoding, ResponseEncoding::Json { .. });
            let body = match (answer, &r.ty) {
                (Some(a), _) => Some(a.body.clone()),
                (None, Some(t)) if json => Some(example(api, t, 0)),
                _ => None,
            };
            let example = body.map(|b| serde_json::to_string_pretty(&b).unwrap_or_default());
            let ty = match (&r.ty, &r.encoding) {
                (None, _) => "none".to_owned(),
                (Some(_), ResponseEncoding::Binary { media_types }) => format!("bytes ({})", media_types.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")),
                (Some(_), ResponseEncoding::Text { media_type }) => format!("text (`{media_type}`)"),
                (Some(t), ResponseEncoding::Events { sentinel }) => {
                    let end = sentinel.as_ref().map_or(String::new(), |s| format!(", ending with `data: {s}`"));
                    format!("server-sent events of {}{end}", type_text(api, t))
                }
                (Some(t), _) => type_text(api, t),
            };
            let headers: Vec<Value> = r
                .headers
                .iter()
                .map(|h| context! { name => h.wire_name, ty => type_text(api, &h.ty), required => h.required, description => h.doc })
                .collect();
            context! {
                status => r.status.text(),
                ty => ty,
                description => r.doc,
                example => example,
                headers => headers,
            }
        })
        .collect();
    context! {
        summary => op.summary,
        anchor => anchor(&op.summary),
        method => op.method.as_str(),
        path => op.path,
        operation_id => op.operation_id,
        idempotent => op.idempotent,
        description => op.description,
        auth => op.security == Security::Required,
        schemes => op.schemes.iter().filter_map(|i| api.auth.as_ref().map(|a| a.schemes[*i].name.clone())).collect::<Vec<_>>(),
        scopes => op.scopes,
        idempotency_header => op.idempotency_header,
        params => params,
        body => body,
        responses => responses,
        curl => curl(api, op),
        rust => rust,
    }
}

/// True if a string in `v` holds a `{placeholder}` that the server fills in.
fn has_placeholder(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => s.contains('{') && s.contains('}'),
        serde_json::Value::Array(items) => items.iter().any(has_placeholder),
        serde_json::Value::Object(map) => map.values().any(has_placeholder),
        _ => false,
    }
}

fn model_field(api: &Api, f: &Field) -> Value {
    let presence = match (f.presence, &f.default) {
        (Presence::Required | Presence::Nullable, Some(d)) => {
            let null = if f.presence == Presence::Nullable {
                ", nullable"
            } else {
                ""
            };
            format!("optional{null}, default `{d}`")
        }
        (Presence::Required, None) => "required".to_owned(),
        (Presence::Nullable, None) => "required, nullable".to_owned(),
        (Presence::Optional, _) => "optional".to_owned(),
        (Presence::Tristate, _) => "optional, nullable".to_owned(),
    };
    let mut description = f.doc.clone();
    if let Some(fact) = super::models::deprecation_fact(&f.deprecated) {
        description = format!("**{fact}** {description}");
    }
    let access = match f.access {
        Access::ReadWrite => "read/write",
        Access::ReadOnly => "read-only",
        Access::WriteOnly => "write-only",
    };
    context! { name => f.wire_name, ty => type_text(api, &f.ty), presence => presence, access => access, description => description }
}

/// An example JSON value of a type: the spec's examples where given, plausible values otherwise.
fn example(api: &Api, t: &Ty, depth: usize) -> serde_json::Value {
    match t {
        Ty::String => json!("string"),
        Ty::Uri => json!("https://example.com/"),
        Ty::Email => json!("user@example.com"),
        Ty::I64 => json!(0),
        Ty::F64 => json!(0.0),
        Ty::Bool => json!(true),
        Ty::Uuid => json!("497f6eca-6276-4993-bfeb-53cbbbba6f08"),
        Ty::DateTime => json!("2019-08-24T14:15:22Z"),
        Ty::Date => json!("2019-08-24"),
        Ty::Json => json!({}),
        Ty::List(inner) if depth < EXAMPLE_DEPTH => json!([example(api, inner, depth + 1)]),
        Ty::Map(inner) if depth < EXAMPLE_DEPTH => json!({ "key": example(api, inner, depth + 1) }),
        Ty::List(_) => json!([]),
        Ty::Map(_) => json!({}),
        Ty::Binary => json!("<bytes>"),
        Ty::Named(id) => {
            let t = api.ty(*id);
            match &t.kind {
                TypeKind::Enum(e) => {
                    e.variants
                        .first()
                        .map_or(json!("string"), |v| match &v.value {
                            crate::ir::Literal::Str(s) => json!(s),
                            crate::ir::Literal::Int(i) => json!(i),
                            crate::ir::Literal::Bool(b) => json!(b),
                        })
                }
                TypeKind::Union(u) => match u.variants.first() {
                    Some(v) if depth < EXAMPLE_DEPTH => {
                        let mut value = example(api, &v.ty, depth + 1);
                        if let (Some(tag), Some(tag_value), Some(obj)) =
                            (&u.tag, &v.tag, value.as_object_mut())
                        {
                            obj.insert(tag.clone(), json!(tag_value));
                        }
                        value
                    }
                    _ => json!({}),
                },
                TypeKind::Struct(s) if depth < EXAMPLE_DEPTH => {
                    let page = matches!(t.origin, Origin::Page { .. });
                    let mut obj = serde_json::Map::new();
                    for f in &s.fields {
                        // Page envelopes link nowhere in an example; show null there.
                        let value = match &f.example {
                            _ if page && f.presence.nullable() => json!(null),
                            Some(e) => e.clone(),
                            None if f.boxed => json!(null),
                            None => example(api, &f.ty, depth + 1),
                        };
                        obj.insert(f.wire_name.clone(), value);
                    }
                    serde_json::Value::Object(obj)
                }
                TypeKind::Struct(_) => json!({}),
            }
        }
    }
}

fn curl(api: &Api, op: &Operation) -> String {
    let mut path = op.path.clone();
    for p in op.path_params() {
        let value = match &p.example {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => format!(":{}", p.wire_name),
        };
        path = path.replace(&format!("{{{}}}", p.wire_name), &value);
    }
    let host = match &api.server_env {
        Some(env) => format!("${{{env}:-{}}}", api.server),
        None => api.server.clone(),
    };
    let mut lines = vec![format!("curl -X {}", op.method.as_str())];
    let scheme = op
        .schemes
        .first()
        .and_then(|i| api.auth.as_ref().map(|a| &a.schemes[*i]))
        .filter(|_| op.security == Security::Required);
    let mut query_key = None;
    if let Some(s) = scheme {
        let key = s.env.clone().unwrap_or_else(|| "API_KEY".into());
        match (s.kind, &s.key) {
            (SchemeKind::Bearer, _) => lines.push(format!("  -H \"Authorization: Bearer ${key}\"")),
            (SchemeKind::Basic, _) => lines.push(format!("  -u \"${key}:\"")),
            (SchemeKind::ApiKey, Some((KeyLocation::Header, name))) => {
                lines.push(format!("  -H \"{name}: ${key}\""))
            }
            (SchemeKind::ApiKey, Some((KeyLocation::Query, name))) => {
                query_key = Some(format!("{name}=${key}"))
            }
            (SchemeKind::ApiKey, None) => {}
        }
    }
    for h in op
        .header_params()
        .chain(&api.headers)
        .filter(|h| h.required)
    {
        lines.push(format!("  -H '{}: {}'", h.wire_name, example_text(api, h)));
    }
    if let Some(b) = &op.body {
        match &b.encoding {
            BodyEncoding::Json => {
                lines.push("  -H 'Content-Type: application/json'".into());
                let body = example(api, &b.ty, 0).to_string().replace('\'', "'\\''");
                lines.push(format!("  -d '{body}'"));
            }
            BodyEncoding::Form | BodyEncoding::Multipart => {
                let multipart = b.encoding == BodyEncoding::Multipart;
                let fields =
                    b.ty.named()
                        .and_then(|id| api.struct_(id))
                        .map(|s| s.fields.as_slice())
                        .unwrap_or_default();
                for f in fields.iter().filter(|f| !f.presence.optional()) {
                    let value = match (&f.ty, multipart) {
                        (t, _) if t.is_file() => format!("@{}", f.wire_name),
                        _ => example_value(api, &f.ty).replace('\'', "'\\''"),
                    };
                    let flag = if multipart { "-F" } else { "-d" };
                    lines.push(format!("  {flag} '{}={value}'", f.wire_name));
                }
            }
            BodyEncoding::Binary { media_type } | BodyEncoding::Text { media_type } => {
                lines.push(format!("  -H 'Content-Type: {media_type}'"));
                lines.push("  --data-binary @body".into());
            }
        }
    }
    let query = query_key.map_or(String::new(), |q| format!("?{q}"));
    lines.push(format!("  \"{host}{path}{query}\""));
    lines.join(" \\\n")
}

/// An example of a parameter's value as text.
fn example_text(api: &Api, p: &crate::ir::Param) -> String {
    match (&p.example, &p.default) {
        (Some(serde_json::Value::String(s)), _) | (None, Some(serde_json::Value::String(s))) => {
            s.clone()
        }
        (Some(v), _) | (None, Some(v)) => v.to_string(),
        (None, None) => example_value(api, &p.ty),
    }
}

/// An example value of a scalar type as form text.
fn example_value(api: &Api, t: &Ty) -> String {
    match example(api, t, 0) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}
