//! Emits `openapi.json`: an OpenAPI 3.1 document of the whole API, so the spec never locks anyone in.
//!
//! Every operation (method, path, operationId, summary, description, parameters, body, responses, and the
//! required scopes in its `security` requirement as PostHog publishes them), the bearer scheme, and a component per
//! model with read-only/write-only, nullable and enum facts, plus the create/PATCH bodies and page envelopes.

use super::{header_line, GeneratedFile, Options};
use crate::ir::{
    Access, Api, Enum, ErrorKind, Field, Operation, Param, ParamLocation, Security, Struct, Ty,
    TypeDef, TypeKind,
};
use crate::Error;
use serde_json::{json, Map, Value};

pub fn file(api: &Api, opts: &Options) -> Result<GeneratedFile, Error> {
    let doc = document(api, opts);
    let mut text = serde_json::to_string_pretty(&doc)
        .map_err(|e| Error::Internal(format!("openapi.json: {e}")))?;
    text.push('\n');
    Ok(GeneratedFile {
        path: "openapi.json".into(),
        contents: text,
    })
}

fn document(api: &Api, opts: &Options) -> Value {
    let mut doc = Map::new();
    // JSON has no comments: the header is the first key, so it is on the file's second line.
    doc.insert("x-generated".into(), json!(header_line(opts)));
    doc.insert("openapi".into(), json!("3.1.0"));
    let mut info = Map::new();
    info.insert("title".into(), json!(api.title));
    info.insert("version".into(), json!(api.version));
    if let Some(d) = &api.description {
        info.insert("description".into(), json!(d));
    }
    doc.insert("info".into(), Value::Object(info));
    doc.insert("servers".into(), json!([{ "url": api.server }]));
    doc.insert(
        "tags".into(),
        Value::Array(
            api.resources
                .iter()
                .map(|r| with_description(json!({ "name": r.wire_name }), r.doc.as_deref()))
                .collect(),
        ),
    );

    let mut paths = Map::new();
    for r in &api.resources {
        for op in &r.operations {
            let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
            item[op.method.as_str().to_ascii_lowercase()] = operation(api, &r.wire_name, op);
        }
    }
    doc.insert("paths".into(), Value::Object(paths));

    let mut schemas = Map::new();
    for t in &api.types {
        let schema = match &t.kind {
            TypeKind::Struct(s) => struct_schema(api, t, s),
            TypeKind::Enum(e) => enum_schema(t, e),
        };
        schemas.insert(t.rust_name.clone(), schema);
    }
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    if let Some(auth) = &api.auth {
        let mut scheme = json!({ "type": "http", "scheme": "bearer" });
        if let Some(d) = &auth.description {
            scheme["description"] = json!(d);
        }
        components.insert(
            "securitySchemes".into(),
            json!({ auth.scheme_name.clone(): scheme }),
        );
    }
    doc.insert("components".into(), Value::Object(components));
    Value::Object(doc)
}

fn with_description(mut v: Value, d: Option<&str>) -> Value {
    if let Some(d) = d.filter(|d| !d.trim().is_empty()) {
        v["description"] = json!(d.trim_end());
    }
    v
}

fn operation(api: &Api, tag: &str, op: &Operation) -> Value {
    let mut o = Map::new();
    o.insert("operationId".into(), json!(op.operation_id));
    o.insert("summary".into(), json!(op.summary));
    if let Some(d) = &op.description {
        o.insert("description".into(), json!(d));
    }
    o.insert("tags".into(), json!([tag]));
    let params: Vec<Value> = op.params.iter().map(|p| param(api, p)).collect();
    if !params.is_empty() {
        o.insert("parameters".into(), Value::Array(params));
    }
    if let Some(body) = &op.body {
        o.insert("requestBody".into(), json!({ "required": true, "content": { "application/json": { "schema": schema(api, &body.ty) } } }));
    }
    let mut responses = Map::new();
    for r in &op.responses {
        let description = r.doc.clone().unwrap_or_else(|| reason(r.status).to_owned());
        let mut resp = json!({ "description": description });
        if let Some(ty) = &r.ty {
            resp["content"] = json!({ "application/json": { "schema": schema(api, ty) } });
        }
        responses.insert(r.status.to_string(), resp);
    }
    // The standard answers the operation can give besides its own; a kind the spec gives no body gets its status.
    for kind in &op.standard_errors {
        let answer = api.errors.answer(*kind);
        let status = answer.map_or_else(|| default_status(*kind), |a| a.status);
        let key = status.to_string();
        if responses.contains_key(&key) {
            continue;
        }
        let description = answer
            .and_then(|a| a.doc.clone())
            .unwrap_or_else(|| reason(status).to_owned());
        let mut resp = json!({ "description": description });
        if let Some(a) = answer {
            resp["content"] = json!({ "application/json": { "schema": reference(api, &api.ty(a.model).rust_name) } });
        }
        responses.insert(key, resp);
    }
    o.insert("responses".into(), Value::Object(responses));
    match &api.auth {
        Some(auth) if op.security == Security::Required => {
            o.insert(
                "security".into(),
                json!([{ auth.scheme_name.clone(): op.scopes }]),
            );
        }
        _ => {
            o.insert("security".into(), json!([]));
        }
    }
    Value::Object(o)
}

fn param(api: &Api, p: &Param) -> Value {
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
    };
    let mut v = json!({ "name": p.wire_name, "in": location, "required": p.required, "schema": schema(api, &p.ty) });
    if let Some(d) = &p.doc {
        v["description"] = json!(d);
    }
    if let Some(e) = &p.example {
        v["example"] = e.clone();
    }
    v
}

fn reference(_api: &Api, name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The status the generated server answers `kind` with when the spec gives it no answer of its own.
fn default_status(kind: ErrorKind) -> u16 {
    kind.default_status()
}

/// The JSON Schema of a type.
fn schema(api: &Api, t: &Ty) -> Value {
    match t {
        Ty::String => json!({ "type": "string" }),
        Ty::Uri => json!({ "type": "string", "format": "uri" }),
        Ty::Email => json!({ "type": "string", "format": "email" }),
        Ty::I64 => json!({ "type": "integer", "format": "int64" }),
        Ty::F64 => json!({ "type": "number", "format": "double" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Uuid => json!({ "type": "string", "format": "uuid" }),
        Ty::DateTime => json!({ "type": "string", "format": "date-time" }),
        Ty::Date => json!({ "type": "string", "format": "date" }),
        Ty::Json => json!({}),
        Ty::List(inner) => json!({ "type": "array", "items": schema(api, inner) }),
        Ty::Map(inner) => json!({ "type": "object", "additionalProperties": schema(api, inner) }),
        Ty::Named(id) => reference(api, &api.ty(*id).rust_name),
    }
}

fn field_schema(api: &Api, f: &Field) -> Value {
    let mut s = schema(api, &f.ty);
    if f.presence.nullable() {
        s = match s {
            // A plain type becomes a type list; a reference or an any-schema gets a `null` alternative.
            Value::Object(mut m) if m.get("type").is_some_and(Value::is_string) => {
                let ty = m["type"].clone();
                m.insert("type".into(), json!([ty, "null"]));
                Value::Object(m)
            }
            Value::Object(m) if m.is_empty() => Value::Object(m),
            other => json!({ "oneOf": [other, { "type": "null" }] }),
        };
    }
    let obj = s.as_object_mut();
    if let Some(m) = obj {
        m.insert("description".into(), json!(f.doc));
        match f.access {
            Access::ReadOnly => {
                m.insert("readOnly".into(), json!(true));
            }
            Access::WriteOnly => {
                m.insert("writeOnly".into(), json!(true));
            }
            Access::ReadWrite => {}
        }
        let c = &f.constraints;
        for (key, value) in [("maxLength", c.max_length), ("minLength", c.min_length)] {
            if let Some(v) = value {
                m.insert(key.into(), json!(v));
            }
        }
        if let Some(p) = &c.pattern {
            m.insert("pattern".into(), json!(p));
        }
        for (key, value) in [("minimum", c.minimum), ("maximum", c.maximum)] {
            if let Some(v) = value {
                m.insert(key.into(), json!(v));
            }
        }
        if let Some(e) = &f.example {
            m.insert("examples".into(), json!([e]));
        }
    }
    s
}

fn struct_schema(api: &Api, t: &TypeDef, s: &Struct) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in s.fields.iter().chain(&s.write_only_fields) {
        properties.insert(f.wire_name.clone(), field_schema(api, f));
        // A write-only field of a response model is required on the way in only, not in what is returned.
        if !f.presence.optional() && f.access != Access::WriteOnly {
            required.push(f.wire_name.clone());
        }
    }
    let mut v = json!({ "type": "object", "description": t.doc, "properties": properties });
    if !required.is_empty() {
        v["required"] = json!(required);
    }
    if s.reject_unknown_fields && s.request {
        v["additionalProperties"] = json!(false);
    }
    v
}

fn enum_schema(t: &TypeDef, e: &Enum) -> Value {
    let values: Vec<&str> = e.variants.iter().map(|v| v.wire_name.as_str()).collect();
    if e.open {
        // An open enum accepts any string; the known values stay listed for tools and readers.
        json!({ "description": t.doc, "anyOf": [{ "type": "string", "enum": values }, { "type": "string" }], "x-open-enum": true })
    } else {
        json!({ "type": "string", "description": t.doc, "enum": values })
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        _ if status < 300 => "Success",
        _ if status < 500 => "Client error",
        _ => "Server error",
    }
}
