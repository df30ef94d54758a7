//! Emits `openapi.json`: an OpenAPI 3.1 document of the whole API, so the spec never locks anyone in.
//!
//! Every operation (method, path, operationId, summary, description, parameters, body, responses, and the
//! required scopes in its `security` requirement as PostHog publishes them), the bearer scheme, and a component per
//! model with read-only/write-only, nullable and enum facts, plus the create/PATCH bodies and page envelopes.
//!
//! The document describes what the generated server answers, so that a tester driven by it (schemathesis, in
//! `.ci/run`) finds no difference: every standard answer an operation can give, both bodies where one status has
//! two (`oneOf`), `allowEmptyValue` on optional query parameters (the server reads `?page=` as no page), and
//! `links` from each answer that hands out an object's id to the operations of its resource that take that id.

use super::{header_line, GeneratedFile, Options};
use crate::ir::{
    Access, Api, BodyEncoding, Enum, ErrorKind, Field, Header, KeyLocation, Operation, PageStyle,
    Param, ParamLocation, ParamStyle, Presence, Resource, ResponseEncoding, ResponseRole,
    SchemeKind, Security, StatusKey, Struct, Ty, TypeDef, TypeKind,
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
            item[op.method.as_str().to_ascii_lowercase()] = operation(api, r, op);
        }
    }
    doc.insert("paths".into(), Value::Object(paths));

    let mut schemas = Map::new();
    for t in &api.types {
        let schema = match &t.kind {
            TypeKind::Struct(s) => struct_schema(api, t, s),
            TypeKind::Enum(e) => enum_schema(t, e),
            TypeKind::Union(u) => union_schema(api, t, u),
        };
        schemas.insert(t.rust_name.clone(), schema);
    }
    let mut components = Map::new();
    components.insert("schemas".into(), Value::Object(schemas));
    if let Some(auth) = &api.auth {
        let mut schemes = Map::new();
        for s in &auth.schemes {
            let mut scheme = match (s.kind, &s.key) {
                (SchemeKind::Bearer, _) => json!({ "type": "http", "scheme": "bearer" }),
                (SchemeKind::Basic, _) => json!({ "type": "http", "scheme": "basic" }),
                (SchemeKind::ApiKey, Some((at, name))) => {
                    let at = match at {
                        KeyLocation::Header => "header",
                        KeyLocation::Query => "query",
                    };
                    json!({ "type": "apiKey", "in": at, "name": name })
                }
                // Validation requires the key's location and name.
                (SchemeKind::ApiKey, None) => json!({ "type": "apiKey" }),
            };
            if let Some(d) = &s.description {
                scheme["description"] = json!(d);
            }
            schemes.insert(s.name.clone(), scheme);
        }
        components.insert("securitySchemes".into(), Value::Object(schemes));
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

fn operation(api: &Api, resource: &Resource, op: &Operation) -> Value {
    let mut o = Map::new();
    o.insert("operationId".into(), json!(op.operation_id));
    if op.deprecated.is_some() {
        o.insert("deprecated".into(), json!(true));
    }
    o.insert("summary".into(), json!(op.summary));
    if let Some(d) = &op.description {
        o.insert("description".into(), json!(d));
    }
    o.insert("tags".into(), json!([resource.wire_name]));
    // The API's headers go with every operation: the server checks them on each.
    let mut params: Vec<Value> = op
        .params
        .iter()
        .chain(&api.headers)
        .map(|p| param(api, op, p))
        .collect();
    // The idempotency key is a header the operation takes (the server need not check it, but a reader of the
    // document must know it may be sent and what it does).
    if let Some(header) = &op.idempotency_header {
        params.push(json!({
            "name": header,
            "in": "header",
            "required": false,
            "schema": { "type": "string" },
            "description": "A key that makes retrying this call safe: the API acts on the first request carrying \
                it and answers any repetition with the same outcome. The generated client sends a fresh key with \
                each call, the same on every retry of it.",
        }));
    }
    if !params.is_empty() {
        o.insert("parameters".into(), Value::Array(params));
    }
    if let Some(body) = &op.body {
        let body_schema = match &body.encoding {
            BodyEncoding::Binary { .. } => json!({ "type": "string", "format": "binary" }),
            _ => schema(api, &body.ty),
        };
        // The server reads an empty JSON or form body as `{}`: it may be left out exactly when `{}` is valid.
        let required = match &body.encoding {
            BodyEncoding::Json | BodyEncoding::Form | BodyEncoding::Multipart => {
                !accepts_empty_object(api, &body.ty)
            }
            BodyEncoding::Binary { .. } | BodyEncoding::Text { .. } => true,
        };
        let media = body.encoding.media_type().to_owned();
        o.insert(
            "requestBody".into(),
            json!({ "required": required, "content": { media: { "schema": body_schema } } }),
        );
    }
    let mut responses = Map::new();
    for r in &op.responses {
        let description = r.doc.clone().unwrap_or_else(|| reason(r.status).to_owned());
        let mut resp = json!({ "description": description });
        if let Some(ty) = &r.ty {
            resp["content"] = response_content(api, &r.encoding, ty);
            let links = if r.role == ResponseRole::Success {
                links(api, resource, op, ty)
            } else {
                Map::new()
            };
            if !links.is_empty() {
                resp["links"] = Value::Object(links);
            }
        }
        if !r.headers.is_empty() {
            let headers: Map<String, Value> = r
                .headers
                .iter()
                .map(|h| (h.wire_name.clone(), header(api, h)))
                .collect();
            resp["headers"] = Value::Object(headers);
        }
        responses.insert(r.status.text(), resp);
    }
    // The standard answers the operation can give besides its own; a kind the spec gives no body gets its status.
    for kind in &op.standard_errors {
        let answer = api.errors.answer(*kind);
        let status = answer.map_or_else(|| default_status(*kind), |a| a.status);
        let description = answer
            .and_then(|a| a.doc.clone())
            .unwrap_or_else(|| reason(status).to_owned());
        let body = answer.map(|a| reference(api, &api.ty(a.model).rust_name));
        match responses.get_mut(&StatusKey::Code(status).text()) {
            // The operation documents this status with a body of its own, and the server may also answer it with
            // the standard body (an action's `{message}` 400 and the router's validation 400): say both.
            Some(resp) => {
                if let Some(body) = body {
                    add_body(resp, body, &description);
                }
            }
            None => {
                let mut resp = json!({ "description": description });
                if let Some(body) = body {
                    resp["content"] = json!({ "application/json": { "schema": body } });
                }
                responses.insert(status.to_string(), resp);
            }
        }
    }
    o.insert("responses".into(), Value::Object(responses));
    match &api.auth {
        // Any one of the accepted schemes, each with the operation's scopes.
        Some(auth) if op.security == Security::Required => {
            let alternatives: Vec<Value> = op
                .schemes
                .iter()
                .map(|i| json!({ auth.schemes[*i].name.clone(): op.scopes }))
                .collect();
            o.insert("security".into(), Value::Array(alternatives));
        }
        _ => {
            o.insert("security".into(), json!([]));
        }
    }
    Value::Object(o)
}

/// The `content` of an answer with a body of `ty`, as it travels.
fn response_content(api: &Api, encoding: &ResponseEncoding, ty: &Ty) -> Value {
    match encoding {
        ResponseEncoding::Json { media_type } => {
            json!({ media_type: { "schema": schema(api, ty) } })
        }
        ResponseEncoding::Text { media_type } => {
            json!({ media_type: { "schema": { "type": "string" } } })
        }
        ResponseEncoding::Binary { media_types } => media_types
            .iter()
            .map(|m| {
                (
                    m.clone(),
                    json!({ "schema": { "type": "string", "format": "binary" } }),
                )
            })
            .collect::<Map<String, Value>>()
            .into(),
        // OpenAPI 3.1 has no schema for the events of a stream: the stream is text, each event's data is
        // described beside it (as OpenAPI 3.2's `itemSchema` will).
        ResponseEncoding::Events { sentinel } => {
            let mut description =
                "Server-sent events; each event's `data` is a JSON value of `x-item-schema`."
                    .to_owned();
            if let Some(s) = sentinel {
                description.push_str(&format!(" The stream ends with the event `data: {s}`."));
            }
            json!({ "text/event-stream": {
                "schema": { "type": "string", "description": description },
                "x-item-schema": schema(api, ty),
            } })
        }
        // An empty answer has no `ty`, so no content is asked for.
        ResponseEncoding::Empty => json!({}),
    }
}

/// A response header: its schema, whether the server always sends it, its documentation.
fn header(api: &Api, h: &Header) -> Value {
    let mut v = json!({ "schema": schema(api, &h.ty), "required": h.required });
    if let Some(d) = &h.doc {
        v["description"] = json!(d);
    }
    if h.deprecated.is_some() {
        v["deprecated"] = json!(true);
    }
    v
}

/// Adds `body` as another possible body of a documented answer: the schemas become a `oneOf` (each error model is
/// told apart by its required fields, as the client's decoder tells them apart by trying each in turn). An answer
/// documented without a body is left as it is: OpenAPI cannot say "no body, or this one".
fn add_body(resp: &mut Value, body: Value, description: &str) {
    let Some(schema) = resp.pointer_mut("/content/application~1json/schema") else {
        return;
    };
    // A response's own schema is a reference or a plain type, so a `oneOf` here is one this function made.
    let known = *schema == body
        || schema
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|alternatives| alternatives.contains(&body));
    if known {
        return;
    }
    match schema.get_mut("oneOf").and_then(Value::as_array_mut) {
        Some(alternatives) => alternatives.push(body),
        None => *schema = json!({ "oneOf": [schema.take(), body] }),
    }
    let text = resp["description"].as_str().unwrap_or_default();
    resp["description"] = json!(format!(
        "{text}\n\nOr the API's standard answer: {description}"
    ));
}

/// The `links` of a success answer whose body is `ty`: when it is an object (a model, not a list or a page, whose
/// first item may not exist), each of its fields that a sibling operation of the same resource takes as a path
/// parameter of the same name and type (an `id`), when this operation does not already take it. The link fills
/// that parameter from the answer and every other path parameter the two share from this request, so a tester
/// can go from a create to the retrieve, update and delete of what it created. Keys are the target's operationId.
fn links(api: &Api, resource: &Resource, op: &Operation, ty: &Ty) -> Map<String, Value> {
    let mut links = Map::new();
    let Some(model) = ty.named().and_then(|id| api.struct_(id)) else {
        return links;
    };
    // Only a field that is always present and never `null` can fill a parameter.
    let handed_out = model
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .filter(|f| !op.path_params().any(|p| p.wire_name == f.wire_name));
    for field in handed_out {
        for target in &resource.operations {
            let takes_it = target
                .path_params()
                .any(|p| p.wire_name == field.wire_name && p.ty == field.ty);
            if !takes_it || links.contains_key(&target.operation_id) {
                continue;
            }
            let mut parameters = Map::new();
            for p in target.path_params() {
                let expression = if p.wire_name == field.wire_name {
                    format!("$response.body#/{}", pointer_token(&field.wire_name))
                } else if op.path_params().any(|q| q.wire_name == p.wire_name) {
                    format!("$request.path.{}", p.wire_name)
                } else {
                    continue;
                };
                parameters.insert(p.wire_name.clone(), json!(expression));
            }
            let description = format!(
                "The `{}` of this answer is the `{}` parameter of {}.",
                field.wire_name, field.wire_name, target.operation_id
            );
            links.insert(
                target.operation_id.clone(),
                json!({ "operationId": target.operation_id, "parameters": parameters, "description": description }),
            );
        }
    }
    links
}

/// One reference token of a JSON pointer (RFC 6901): `~` and `/` are escaped.
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Whether `{}` is a valid value of `ty`: a map, any JSON, or a struct whose every field may be left out.
fn accepts_empty_object(api: &Api, ty: &Ty) -> bool {
    match ty {
        Ty::Map(_) | Ty::Json => true,
        Ty::Named(id) => api
            .struct_(*id)
            .is_some_and(|s| s.fields.iter().all(|f| f.presence.optional())),
        _ => false,
    }
}

/// The least value of a pagination parameter: an offset counts from 0, a limit and a page number from 1. The
/// server's implementation refuses less (or, for a page, finds no such page), whatever the spec says of it.
fn pagination_minimum(api: &Api, op: &Operation, p: &Param) -> Option<i64> {
    let style = &api.pagination[op.pagination.as_ref()?.style.0].style;
    let named = |name: &str| p.location == ParamLocation::Query && p.wire_name == name;
    match style {
        PageStyle::LimitOffset { offset_param, .. } if named(offset_param) => Some(0),
        PageStyle::LimitOffset { limit_param, .. } if named(limit_param) => Some(1),
        PageStyle::PageNumber { page_param, .. } if named(page_param) => Some(1),
        _ => None,
    }
}

fn param(api: &Api, op: &Operation, p: &Param) -> Value {
    let location = match p.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    };
    let mut schema = schema(api, &p.ty);
    if let Some(minimum) = pagination_minimum(api, op, p) {
        schema["minimum"] = json!(minimum);
    }
    let mut v =
        json!({ "name": p.wire_name, "in": location, "required": p.required, "schema": schema });
    // The server reads an empty optional query parameter (`?page=`) as an absent one, as Django REST framework does.
    if p.location == ParamLocation::Query && !p.required {
        v["allowEmptyValue"] = json!(true);
    }
    let mut doc = p.doc.clone();
    let object =
        matches!(&p.ty, Ty::Map(_)) || p.ty.named().is_some_and(|id| api.enum_(id).is_none());
    if p.location == ParamLocation::Query && (matches!(p.ty, Ty::List(_)) || object) {
        // OpenAPI has no bracket style: the server also reads repeated plain keys, which `form` describes.
        let (style, explode) = match p.style {
            ParamStyle::Form | ParamStyle::Brackets => ("form", true),
            ParamStyle::Comma => ("form", false),
            ParamStyle::DeepObject => ("deepObject", true),
        };
        v["style"] = json!(style);
        v["explode"] = json!(explode);
        if p.style == ParamStyle::Brackets {
            let note = format!(
                "Sent as `{0}[]=a&{0}[]=b` (plain `{0}=a` is read too).",
                p.wire_name
            );
            doc = Some(match doc {
                Some(d) => format!("{d}\n\n{note}"),
                None => note,
            });
        }
    }
    if let Some(d) = &doc {
        v["description"] = json!(d);
    }
    if let Some(e) = &p.example {
        v["example"] = e.clone();
    }
    if let Some(m) = v["schema"].as_object_mut() {
        add_constraints(m, &p.constraints);
        if let Some(d) = &p.default {
            m.insert("default".into(), d.clone());
        }
    }
    if p.deprecated.is_some() {
        v["deprecated"] = json!(true);
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
        // Any JSON value but `null`, which the server refuses where the spec does not say `nullable`.
        Ty::Json => json!({ "not": { "type": "null" } }),
        Ty::List(inner) => json!({ "type": "array", "items": schema(api, inner) }),
        Ty::Map(inner) => json!({ "type": "object", "additionalProperties": schema(api, inner) }),
        Ty::Named(id) => reference(api, &api.ty(*id).rust_name),
        // A file part of a multipart body.
        Ty::Binary => json!({ "type": "string", "format": "binary" }),
    }
}

fn field_schema(api: &Api, f: &Field) -> Value {
    let mut s = schema(api, &f.ty);
    if f.presence.nullable() {
        s = match s {
            // Nullable JSON is any JSON value at all.
            _ if f.ty == Ty::Json => json!({}),
            // A plain type becomes a type list; a reference or an any-schema gets a `null` alternative.
            Value::Object(mut m) if m.get("type").is_some_and(Value::is_string) => {
                let ty = m["type"].clone();
                m.insert("type".into(), json!([ty, "null"]));
                Value::Object(m)
            }
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
        add_constraints(m, &f.constraints);
        if let Some(e) = &f.example {
            m.insert("examples".into(), json!([e]));
        }
        if let Some(d) = &f.default {
            m.insert("default".into(), d.clone());
        }
        if f.deprecated.is_some() {
            m.insert("deprecated".into(), json!(true));
        }
    }
    s
}

/// JSON Schema's keywords for the spec's constraints.
fn add_constraints(m: &mut Map<String, Value>, c: &crate::ir::Constraints) {
    for (key, value) in [
        ("maxLength", c.max_length),
        ("minLength", c.min_length),
        ("minItems", c.min_items),
        ("maxItems", c.max_items),
    ] {
        if let Some(v) = value {
            m.insert(key.into(), json!(v));
        }
    }
    if let Some(p) = &c.pattern {
        m.insert("pattern".into(), json!(p));
    }
    for (key, value) in [("minimum", c.minimum), ("maximum", c.maximum)] {
        if let Some(v) = value {
            // A whole bound reads as written in the spec (`100`, not `100.0`), exactly where an f64 holds it.
            let whole = v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0;
            m.insert(key.into(), if whole { json!(v as i64) } else { json!(v) });
        }
    }
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
    if s.extends.is_empty() {
        return v;
    }
    // A model made of others' fields and its own is written as their composition; the bases are whole
    // components of their own, and this one adds its own properties (`v` holds every field, the bases' too, so
    // a reader of the object alone still sees it all).
    let mut parts: Vec<Value> = s
        .extends
        .iter()
        .map(|id| reference(api, &api.ty(*id).rust_name))
        .collect();
    parts.push(v);
    json!({ "description": t.doc, "allOf": parts })
}

fn union_schema(api: &Api, t: &TypeDef, u: &crate::ir::Union) -> Value {
    let variants: Vec<Value> = u
        .variants
        .iter()
        .map(|v| {
            let schema = schema(api, &v.ty);
            match (&u.tag, &v.tag) {
                // A variant whose struct does not declare the tag field gets it from the union.
                (Some(tag), Some(value)) if !v.declares_tag => json!({
                    "allOf": [schema, { "type": "object", "properties": { tag.as_str(): { "const": value } }, "required": [tag] }]
                }),
                _ => schema,
            }
        })
        .collect();
    let mut v = json!({ "description": t.doc, "oneOf": variants });
    if let Some(tag) = &u.tag {
        let mapping: Map<String, Value> = u
            .variants
            .iter()
            .filter_map(|variant| {
                let value = variant.tag.clone()?;
                let target = variant.ty.named()?;
                Some((
                    value,
                    json!(format!("#/components/schemas/{}", api.ty(target).rust_name)),
                ))
            })
            .collect();
        v["discriminator"] = json!({ "propertyName": tag, "mapping": mapping });
    }
    if u.open {
        // Clients keep a value of an unknown variant; the generated server refuses one.
        v["x-open-union"] = json!(true);
    }
    v
}

fn enum_schema(t: &TypeDef, e: &Enum) -> Value {
    let values: Vec<Value> = e
        .variants
        .iter()
        .map(|v| match &v.value {
            crate::ir::Literal::Str(s) => json!(s),
            crate::ir::Literal::Int(i) => json!(i),
            crate::ir::Literal::Bool(b) => json!(b),
        })
        .collect();
    let json_type = match e.kind {
        crate::ir::EnumKind::String => "string",
        crate::ir::EnumKind::Integer => "integer",
        crate::ir::EnumKind::Boolean => "boolean",
    };
    let mut v = if e.open {
        // An open enum accepts any value of its type; the known values stay listed for tools and readers.
        json!({ "description": t.doc, "anyOf": [{ "type": json_type, "enum": values }, { "type": json_type }], "x-open-enum": true })
    } else {
        json!({ "type": json_type, "description": t.doc, "enum": values })
    };
    let deprecated: Vec<&str> = e
        .variants
        .iter()
        .filter(|v| v.deprecated.is_some())
        .map(|v| v.wire_name.as_str())
        .collect();
    if !deprecated.is_empty() {
        v["x-deprecated-values"] = json!(deprecated);
    }
    v
}

fn reason(status: impl Into<StatusKey>) -> &'static str {
    let status = match status.into() {
        StatusKey::Code(code) => code,
        StatusKey::Range(1) => return "Informational",
        StatusKey::Range(2) => return "Success",
        StatusKey::Range(3) => return "Redirection",
        StatusKey::Range(4) => return "Client error",
        StatusKey::Range(_) => return "Server error",
        StatusKey::Default => return "Any other answer",
    };
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
