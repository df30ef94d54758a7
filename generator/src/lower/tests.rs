//! The IR of small specs, as a compact listing checked with expect-test (`UPDATE_EXPECT=1` refreshes it).

use crate::ir::*;
use expect_test::{expect, Expect};
use std::fmt::Write as _;

/// A small API around `resources`, with the error answers an authenticated API needs.
fn spec(models: &str, resources: &str) -> String {
    format!(
        "api:\n  name: t\n  title: T\n  version: 1.0.0\n  server: https://t.example\n  auth: {{scheme: bearer}}\n\
         pagination:\n  pages: {{style: page_number}}\n\
         errors:\n  models: [Problem]\n\
         \x20 unauthenticated: {{status: 401, model: Problem, body: {{detail: a}}}}\n\
         \x20 invalid_credentials: {{status: 401, model: Problem, body: {{detail: b}}}}\n\
         \x20 missing_scope: {{status: 403, model: Problem, body: {{detail: \"{{scope}}\"}}}}\n\
         \x20 validation: {{status: 400, model: Problem, body: {{detail: \"{{detail}}\"}}}}\n\
         \x20 not_found: {{status: 404, model: Problem, body: {{detail: c}}}}\n\
         models:\n  Problem:\n    fields:\n      detail: string\n{models}resources:\n{resources}"
    )
}

fn ty(api: &Api, t: &Ty) -> String {
    match t {
        Ty::List(inner) => format!("list<{}>", ty(api, inner)),
        Ty::Map(inner) => format!("map<{}>", ty(api, inner)),
        Ty::Named(id) => api.ty(*id).rust_name.clone(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// One line per type, field, operation, parameter, response and client/server name.
fn listing(api: &Api) -> String {
    let mut out = String::new();
    for (i, t) in api.types.iter().enumerate() {
        let request = api.request_types.contains(&TypeId(i));
        let _ = writeln!(
            out,
            "type {} {:?}{}",
            t.rust_name,
            t.origin,
            if request { " request" } else { "" }
        );
        match &t.kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    let _ = writeln!(
                        out,
                        "  {}: {} {:?}{}",
                        f.rust_name,
                        ty(api, &f.ty),
                        f.presence,
                        if f.boxed { " boxed" } else { "" }
                    );
                }
            }
            TypeKind::Enum(e) => {
                let names: Vec<_> = e
                    .variants
                    .iter()
                    .map(|v| format!("{}={}", v.rust_name, v.wire_name))
                    .collect();
                let _ = writeln!(
                    out,
                    "  {}{}",
                    names.join(" "),
                    if e.open { " open" } else { "" }
                );
            }
            TypeKind::Union(u) => {
                let variants: Vec<_> = u
                    .variants
                    .iter()
                    .map(|v| match &v.tag {
                        Some(tag) => format!("{}={tag}:{}", v.rust_name, ty(api, &v.ty)),
                        None => format!("{}:{}", v.rust_name, ty(api, &v.ty)),
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "  union tag={:?} {}{}",
                    u.tag,
                    variants.join(" "),
                    if u.open { " open" } else { "" }
                );
            }
        }
    }
    for (r, op) in api.operations() {
        let _ = writeln!(
            out,
            "op {}.{} {} {} {:?} errors={:?}",
            r.client_accessor,
            op.rust_name,
            op.method.as_str(),
            op.path,
            op.security,
            op.standard_errors
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
        );
        if !op.default_schemes || op.idempotency_header.is_some() {
            let _ = writeln!(
                out,
                "  schemes {:?} idempotency {:?}",
                op.schemes, op.idempotency_header
            );
        }
        for p in &op.params {
            let style = match (&p.ty, p.style) {
                (Ty::List(_) | Ty::Map(_) | Ty::Named(_), style) => format!(" {style:?}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:?} {} ({}): {}{}{style}",
                p.location,
                p.rust_name,
                p.wire_name,
                ty(api, &p.ty),
                if p.required { " required" } else { "" }
            );
        }
        if let Some(b) = &op.body {
            if b.encoding != BodyEncoding::Json {
                let _ = writeln!(out, "  body {:?}", b.encoding);
            }
        }
        if let Some(p) = &op.pagination {
            let _ = writeln!(
                out,
                "  paginated {} item {} envelope {:?} results {:?} next {:?}",
                api.pagination[p.style.0].name,
                ty(api, &p.item),
                p.envelope.map(|e| api.ty(e).rust_name.clone()),
                p.results_field,
                p.next_field
            );
        }
        for resp in &op.responses {
            let t = resp.ty.as_ref().map_or("none".to_owned(), |t| ty(api, t));
            let encoding = match &resp.encoding {
                ResponseEncoding::Json { media_type } if media_type == "application/json" => {
                    String::new()
                }
                ResponseEncoding::Empty => String::new(),
                other => format!(" {other:?}"),
            };
            let headers: Vec<String> = resp
                .headers
                .iter()
                .map(|h| format!("{}{}", h.wire_name, if h.api_wide { "*" } else { "" }))
                .collect();
            let headers = if headers.is_empty() {
                String::new()
            } else {
                format!(" headers [{}] {:?}", headers.join(" "), resp.headers_struct)
            };
            let _ = writeln!(
                out,
                "  {} {} {:?} {}{encoding}{headers}",
                resp.status, resp.variant, resp.role, t
            );
        }
        let c = &op.client;
        let args: Vec<_> = c.args.iter().map(|a| a.name.as_str()).collect();
        let setters: Vec<_> = c
            .setters
            .iter()
            .map(|s| match &s.null_name {
                Some(n) => format!("{}/{}/{n}", s.name, s.set_name),
                None => format!("{}/{}", s.name, s.set_name),
            })
            .collect();
        let _ = writeln!(
            out,
            "  client {}({}) {:?} setters [{}]",
            c.request_type,
            args.join(", "),
            c.returns,
            setters.join(" ")
        );
        if let Some(h) = &c.headers_struct {
            let _ = writeln!(out, "  client headers {h}");
        }
        let s = &op.server;
        let _ = writeln!(
            out,
            "  server {}({}) {} {:?}{}",
            s.handler,
            s.path_args.join(", "),
            s.response_enum,
            s.query_struct,
            s.headers_struct
                .as_ref()
                .map_or(String::new(), |h| format!(" {h}"))
        );
    }
    out
}

fn check(models: &str, resources: &str, expected: Expect) {
    match crate::lower_source("t.yaml", &spec(models, resources), false) {
        Ok(api) => expected.assert_eq(&listing(&api)),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn derived_bodies_presence_and_names() {
    check(
        "  Thing:\n    fields:\n      id: {type: uuid, read_only: true}\n      name: {type: string, required_on_create: true}\n      note: {type: string, nullable: true}\n      pages: {type: integer, optional: true}\n      parent: {type: Thing, nullable: true}\n",
        "  things:\n    path: /things\n    operations:\n      list:\n        method: GET\n        summary: List.\n        scopes: [thing:read]\n        pagination: pages\n        query: {pages: string}\n        responses: {200: page<Thing>}\n      create:\n        method: POST\n        summary: Create.\n        body: create<Thing>\n        responses: {201: Thing, 409: Thing, 400: Problem}\n      update:\n        method: PATCH\n        path: /{id}/\n        summary: Update.\n        auth: false\n        params: {id: uuid}\n        body: patch<Thing>\n        responses: {200: Thing}\n",
        expect![[r#"
            type Problem Model
              detail: string Required
            type Thing Model request
              id: uuid Required
              name: string Required
              note: string Nullable
              pages: i64 Optional
              parent: Thing Nullable boxed
            type ThingCreate Create { of: TypeId(1) } request
              name: string Required
              note: string Tristate
              pages: i64 Optional
              parent: Thing Tristate boxed
            type ThingPatch Patch { of: TypeId(1) } request
              name: string Optional
              note: string Tristate
              pages: i64 Optional
              parent: Thing Tristate boxed
            type PaginatedThingList Page { style: PaginationId(0) }
              count: i64 Required
              next: uri Nullable
              previous: uri Nullable
              results: list<Thing> Required
            op things.list GET /things Required errors=["unauthenticated", "invalid_credentials", "missing_scope", "validation", "not_found", "server_error"]
              Query page (page): i64
              Query pages (pages): string
              paginated pages item Thing envelope Some("PaginatedThingList") results Some("results") next Some("next")
              200 Ok Success PaginatedThingList
              client ThingsListRequest() Value(Named(TypeId(4))) setters [page/set_page pages_param/set_pages_param]
              server things_list() ThingsListResponse Some("ThingsListQuery")
            op things.create POST /things Required errors=["unauthenticated", "invalid_credentials", "validation", "not_found", "payload_too_large", "server_error"]
              201 Created Success Thing
              409 Conflict Outcome Thing
              400 BadRequest Error Problem
              client ThingsCreateRequest() Enum("ThingsCreateResponse") setters [name/set_name note/set_note/note_null pages/set_pages parent/set_parent/parent_null]
              server things_create() ThingsCreateResponse None
            op things.update PATCH /things/{id}/ Optional errors=["validation", "not_found", "payload_too_large", "server_error"]
              Path id (id): uuid required
              200 Ok Success Thing
              client ThingsUpdateRequest(id) Value(Named(TypeId(1))) setters [name/set_name note/set_note/note_null pages/set_pages parent/set_parent/parent_null]
              server things_update(id) ThingsUpdateResponse None
        "#]],
    );
}

#[test]
fn the_http_surface() {
    let source = include_str!("../../tests/fixtures/ok/http.yaml");
    let api = match crate::lower_source("http.yaml", source, false) {
        Ok(api) => api,
        Err(e) => panic!("{e}"),
    };
    let auth = api.auth.as_ref().map(|a| {
        let schemes: Vec<String> = a
            .schemes
            .iter()
            .map(|s| format!("{}={:?}{:?}", s.name, s.kind, s.key))
            .collect();
        format!("auth {} default {:?}\n", schemes.join(" "), a.default)
    });
    let headers: Vec<&str> = api.headers.iter().map(|h| h.wire_name.as_str()).collect();
    let listing = format!(
        "{}api headers {headers:?}\n{}",
        auth.unwrap_or_default(),
        listing(&api)
    );
    expect_test::expect_file!["tests/http_surface.txt"].assert_eq(&listing);
}
