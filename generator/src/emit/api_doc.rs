//! Emits `API.md`, the human API reference, from the minijinja template `templates/API.md.j2`.
//!
//! This module only prepares plain data for the template (type names as text, example bodies, curl commands);
//! the layout is all in the template.

use super::{header_line, GeneratedFile, Options};
use crate::ir::{
    Access, Api, Field, Operation, Origin, ParamLocation, Presence, Security, Ty, TypeKind,
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
        context! { env => a.env, wildcard_scope => a.wildcard_scope, implied_scopes => a.implied_scopes }
    });
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
    }
}

fn operation(api: &Api, op: &Operation, rust: Option<String>) -> Value {
    let params: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            let location = match p.location {
                ParamLocation::Path => "path",
                ParamLocation::Query => "query",
            };
            context! { name => p.wire_name, location => location, ty => type_text(api, &p.ty), required => p.required, description => p.doc }
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
        context! { ty => type_text(api, &b.ty), fields => fields }
    });
    let responses: Vec<Value> = op
        .responses
        .iter()
        .map(|r| {
            // A documented standard answer (e.g. not found) is the truest example of an error body.
            let answer = api.errors.answers.iter().find(|a| {
                a.status == r.status
                    && r.ty == Some(Ty::Named(a.model))
                    && !has_placeholder(&a.body)
            });
            let body = match (answer, &r.ty) {
                (Some(a), _) => Some(a.body.clone()),
                (None, Some(t)) => Some(example(api, t, 0)),
                (None, None) => None,
            };
            let example = body.map(|b| serde_json::to_string_pretty(&b).unwrap_or_default());
            context! {
                status => r.status,
                ty => r.ty.as_ref().map_or_else(|| "none".to_owned(), |t| type_text(api, t)),
                description => r.doc,
                example => example,
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
        scopes => op.scopes,
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
    if op.security == Security::Required {
        let key = api
            .auth
            .as_ref()
            .and_then(|a| a.env.clone())
            .unwrap_or_else(|| "API_KEY".into());
        lines.push(format!("  -H \"Authorization: Bearer ${key}\""));
    }
    if let Some(b) = &op.body {
        lines.push("  -H 'Content-Type: application/json'".into());
        let body = example(api, &b.ty, 0).to_string().replace('\'', "'\\''");
        lines.push(format!("  -d '{body}'"));
    }
    lines.push(format!("  \"{host}{path}\""));
    lines.join(" \\\n")
}
