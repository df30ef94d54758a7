//! Emits `API.md`, the human API reference, from the minijinja template `templates/API.md.j2`.
//!
//! This module only prepares plain data for the template (type names as text, example bodies, curl commands);
//! the layout is all in the template.

use super::{header_line, GeneratedFile, Options};
use crate::ir::{Access, Api, Field, Operation, Presence, Struct, StructRole, Ty};
use crate::Error;
use minijinja::{context, Environment, Value};
use serde_json::json;

const TEMPLATE: &str = include_str!("../../../templates/API.md.j2");

/// How deep example bodies follow nested models; recursive models stop there.
const EXAMPLE_DEPTH: usize = 4;

pub fn file(
    api: &Api,
    opts: &Options,
    rust_example: &dyn Fn(&Api, &Operation) -> Option<String>,
) -> Result<GeneratedFile, Error> {
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
    let index: Index = api
        .structs
        .iter()
        .map(|s| (s.rust_name.as_str(), s))
        .collect();
    let resources: Vec<Value> = api
        .resources
        .iter()
        .map(|r| {
            let ops: Vec<Value> = r.operations.iter().map(|op| operation(api, &index, op, rust_example(api, op))).collect();
            context! { name => r.wire_name, anchor => anchor(&r.wire_name), description => r.doc, operations => ops }
        })
        .collect();
    let models: Vec<Value> = api
        .structs
        .iter()
        .map(|s| {
            let fields: Vec<Value> = s
                .fields
                .iter()
                .chain(&s.write_only_fields)
                .map(model_field)
                .collect();
            context! { name => s.rust_name, description => s.doc, fields => fields }
        })
        .chain(api.enums.iter().map(|e| {
            let values: Vec<&str> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
            context! { name => e.rust_name, description => e.doc, values => values, open => e.open }
        }))
        .collect();
    let errors: Vec<Value> = api
        .errors
        .answers
        .iter()
        .map(|a| context! { kind => a.kind.replace('_', " "), status => a.status, body => a.body.to_string() })
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
            errors => context! { models => api.errors.models, answers => errors },
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

/// Structs by Rust name: looked up per operation and per field, which a linear search made quadratic in big specs.
type Index<'a> = std::collections::HashMap<&'a str, &'a Struct>;

fn find_struct<'a>(index: &Index<'a>, name: &str) -> Option<&'a Struct> {
    index.get(name).copied()
}

/// A type as text for tables, with models linked to their section.
fn type_text(t: &Ty) -> String {
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
        Ty::List(inner) => format!("list of {}", type_text(inner)),
        Ty::Map(inner) => format!("map of string to {}", type_text(inner)),
        Ty::Named(name) => format!("[`{name}`](#{})", anchor(name)),
    }
}

fn operation(api: &Api, index: &Index, op: &Operation, rust: Option<String>) -> Value {
    let params: Vec<Value> = op
        .path_params
        .iter()
        .map(|p| (p, "path"))
        .chain(op.query_params.iter().map(|p| (p, "query")))
        .map(|(p, location)| context! { name => p.wire_name, location => location, ty => type_text(&p.ty), required => p.required, description => p.doc })
        .collect();
    let body = op.body.as_ref().map(|b| {
        let fields: Vec<Value> = match &b.ty {
            Ty::Named(name) => find_struct(index, name).map_or_else(Vec::new, |s| {
                s.fields
                    .iter()
                    .map(|f| context! { name => f.wire_name, ty => type_text(&f.ty), required => !f.optional, nullable => f.nullable, description => f.doc })
                    .collect()
            }),
            _ => Vec::new(),
        };
        context! { ty => type_text(&b.ty), fields => fields }
    });
    let responses: Vec<Value> = op
        .responses
        .iter()
        .map(|r| {
            // A documented standard answer (e.g. not found) is the truest example of an error body.
            let answer = api.errors.answers.iter().find(|a| {
                a.status == r.status
                    && r.ty == Some(Ty::Named(a.model.clone()))
                    && !has_placeholder(&a.body)
            });
            let body = match (answer, &r.ty) {
                (Some(a), _) => Some(a.body.clone()),
                (None, Some(t)) => Some(example(api, index, t, 0)),
                (None, None) => None,
            };
            let example = body.map(|b| serde_json::to_string_pretty(&b).unwrap_or_default());
            context! {
                status => r.status,
                ty => r.ty.as_ref().map_or_else(|| "none".to_owned(), type_text),
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
        auth => op.auth,
        scopes => op.scopes,
        params => params,
        body => body,
        responses => responses,
        curl => curl(api, index, op),
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

fn model_field(f: &Field) -> Value {
    let presence = match f.presence() {
        Presence::Required => "required",
        Presence::Nullable => "required, nullable",
        Presence::Optional => "optional",
        Presence::Tristate => "optional, nullable",
    };
    let access = match f.access {
        Access::ReadWrite => "read/write",
        Access::ReadOnly => "read-only",
        Access::WriteOnly => "write-only",
    };
    context! { name => f.wire_name, ty => type_text(&f.ty), presence => presence, access => access, description => f.doc }
}

/// An example JSON value of a type: the spec's examples where given, plausible values otherwise.
fn example(api: &Api, index: &Index, t: &Ty, depth: usize) -> serde_json::Value {
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
        Ty::List(inner) if depth < EXAMPLE_DEPTH => json!([example(api, index, inner, depth + 1)]),
        Ty::Map(inner) if depth < EXAMPLE_DEPTH => {
            json!({ "key": example(api, index, inner, depth + 1) })
        }
        Ty::List(_) => json!([]),
        Ty::Map(_) => json!({}),
        Ty::Named(name) => {
            if let Some(e) = api.enums.iter().find(|e| e.rust_name == *name) {
                return e
                    .variants
                    .first()
                    .map_or(json!("string"), |v| json!(v.wire_name));
            }
            match find_struct(index, name) {
                Some(s) if depth < EXAMPLE_DEPTH => {
                    let mut obj = serde_json::Map::new();
                    for f in &s.fields {
                        // Page envelopes link nowhere in an example; show null there.
                        let value = match (&f.example, s.role) {
                            (_, StructRole::Page) if f.nullable => json!(null),
                            (Some(e), _) => e.clone(),
                            (None, _) if f.boxed => json!(null),
                            (None, _) => example(api, index, &f.ty, depth + 1),
                        };
                        obj.insert(f.wire_name.clone(), value);
                    }
                    serde_json::Value::Object(obj)
                }
                _ => json!({}),
            }
        }
    }
}

fn curl(api: &Api, index: &Index, op: &Operation) -> String {
    let mut path = op.path.clone();
    for p in &op.path_params {
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
    if op.auth {
        let key = api
            .auth
            .as_ref()
            .and_then(|a| a.env.clone())
            .unwrap_or_else(|| "API_KEY".into());
        lines.push(format!("  -H \"Authorization: Bearer ${key}\""));
    }
    if let Some(b) = &op.body {
        lines.push("  -H 'Content-Type: application/json'".into());
        let body = example(api, index, &b.ty, 0)
            .to_string()
            .replace('\'', "'\\''");
        lines.push(format!("  -d '{body}'"));
    }
    lines.push(format!("  \"{host}{path}\""));
    lines.join(" \\\n")
}
