//! The client's documentation: the module's overview, each method's docs (what it sends, who may call it, its
//! arguments and answers) and the `no_run` examples, which are also the API reference's Rust examples.

use crate::emit::tokens::doc_ty;
use crate::ident::{is_keyword, unique};
use crate::ir::{
    Api, ArgSource, ClientReturns, Operation, Presence, Resource, ResponseRole, Security,
    SetterTarget, Ty, TypeKind,
};

/// A complete example calling `op` of `r` (client construction included), for the API reference; the same text as
/// the method's doctest, without the hidden lines.
pub fn rust_example(api: &Api, r: &Resource, op: &Operation) -> String {
    example(api, r, op, true)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(super) fn module_doc(api: &Api) -> String {
    let mut text = format!(
        "The async client of the {} (cargo feature `client`, on by default).\n\n\
         Build a [`Client`] with [`Client::new`], [`Client::from_env`] or [`Client::builder`]; each resource has an \
         accessor on it, and each operation a method there that returns a request builder ending in \
         `.send().await`. Paginated lists also offer `.items()` and `.pages()`, streams that follow the `next` \
         links. Failures are one [`Error`] type; error answers carry the decoded [`ApiErrorBody`].\n\n",
        api.title
    );
    // A paginated list shows the most (client, accessor, operation, stream); any operation will do otherwise.
    let chosen = api
        .operations()
        .find(|(_, op)| op.pagination.is_some())
        .or_else(|| api.operations().next());
    if let Some((r, op)) = chosen {
        text.push_str("```no_run\n");
        text.push_str(&example(api, r, op, true));
        text.push_str("```\n");
    }
    text
}

pub(super) fn from_env_doc(api: &Api) -> String {
    let server = &api.server;
    let key_env = api.auth.as_ref().and_then(|a| a.env());
    let mut text = String::from("A client configured from the environment");
    match (key_env, api.server_env.as_deref()) {
        (Some(key), Some(url)) => text.push_str(&format!(
            ": the API key from `{key}`, the base URL from `{url}` (default `{server}`)."
        )),
        (Some(key), None) => text.push_str(&format!(
            ": the API key from `{key}`; the base URL is `{server}`."
        )),
        (None, Some(url)) => text.push_str(&format!(
            ": the base URL from `{url}` (default `{server}`)."
        )),
        (None, None) => text.push_str(&format!(
            " (this API names no variables: the base URL is `{server}`)."
        )),
    }
    text.push_str("\n\nFails if a required variable is unset or a value is invalid.");
    text
}

/// A type in prose, models linked: "[`InsightVariable`](super::super::models::InsightVariable)", "a list of ...".
fn doc_link(api: &Api, t: &Ty) -> String {
    match t {
        Ty::Named(id) => {
            let name = &api.ty(*id).rust_name;
            format!("[`{name}`](super::super::models::{name})")
        }
        Ty::List(inner) => format!("a list of {}", doc_link(api, inner)),
        Ty::Map(inner) => format!("a map from strings to {}", doc_link(api, inner)),
        other => format!("`{}`", doc_ty(api, other)),
    }
}

pub(super) fn method_doc(api: &Api, r: &Resource, op: &Operation) -> String {
    let mut text = format!("{}\n", op.summary);
    if let Some(fact) = super::super::models::deprecation_fact(&op.deprecated) {
        text.push_str(&format!("\n**{fact}**\n"));
    }
    if let Some(d) = &op.description {
        text.push_str(&format!("\n{d}\n"));
    }
    // One paragraph of facts: the route, who may call it, whether it is retried.
    let who = match op.security {
        Security::None => String::new(),
        Security::Optional => " No authentication: the API key is not sent.".to_owned(),
        Security::Required if op.scopes.is_empty() => {
            " Scopes: none (any valid API key).".to_owned()
        }
        Security::Required => {
            let scopes: Vec<String> = op.scopes.iter().map(|s| format!("`{s}`")).collect();
            format!(" Scopes: {}.", scopes.join(", "))
        }
    };
    let retries = if op.idempotent {
        "Idempotent: retried as the retry policy allows."
    } else {
        "Not idempotent: retried only if nothing was sent, unless the retry policy says otherwise."
    };
    text.push_str(&format!(
        "\n`{} {}` (operation `{}`).{who} {retries}\n",
        op.method.as_str(),
        op.path,
        op.operation_id
    ));
    if !op.client.args.is_empty() {
        text.push_str("\n# Arguments\n\n");
        for arg in &op.client.args {
            let what = match arg.source {
                ArgSource::Param(i) => {
                    let p = &op.params[i];
                    p.doc
                        .as_deref()
                        .map(one_line)
                        .unwrap_or_else(|| format!("The `{}` parameter.", p.wire_name))
                }
                ArgSource::Body => "the request body.".to_owned(),
            };
            text.push_str(&format!("- `{}`: {what}\n", arg.name));
        }
    }
    text.push_str("\n# Answers\n\n");
    for resp in &op.responses {
        let what = resp.doc.as_deref().map(one_line).unwrap_or_default();
        let body = match &resp.ty {
            Some(t) => doc_link(api, t),
            None => "nothing (no body)".to_owned(),
        };
        let how = match (&op.client.returns, resp.role) {
            (_, ResponseRole::Error) => {
                format!("an [`Error::Api`](super::runtime::Error::Api) with {body}")
            }
            (ClientReturns::Enum(name), _) => {
                format!("returns [`{name}::{}`] with {body}", resp.variant)
            }
            _ => format!("returns {body}"),
        };
        let what = if what.is_empty() {
            String::new()
        } else {
            format!(": {what}")
        };
        text.push_str(&format!("- `{}` → {how}{what}\n", resp.status));
    }
    text.push_str("- any other status → an [`Error::Api`](super::runtime::Error::Api)\n");
    if op.pagination.is_some() {
        text.push_str(
            "\n`send` returns one page; `items` streams every item, `pages` every page.\n",
        );
    }
    text.push_str("\n# Example\n\n```no_run\n");
    text.push_str(&example(api, r, op, false));
    text.push_str("```\n");
    text
}

/// The first paragraph of a doc text, as one line (for lists).
pub(super) fn one_line(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A literal for a value of type `t` in an example, or `None` when it must come from a hidden argument.
fn example_literal(api: &Api, t: &Ty, example: Option<&serde_json::Value>) -> Option<String> {
    match t {
        Ty::String | Ty::Uri | Ty::Email => Some(format!(
            "{:?}",
            example.and_then(|e| e.as_str()).unwrap_or("value")
        )),
        Ty::I64 => Some(example.and_then(|e| e.as_i64()).unwrap_or(1).to_string()),
        Ty::F64 => Some(format!(
            "{:?}",
            example.and_then(|e| e.as_f64()).unwrap_or(1.0)
        )),
        Ty::Bool => Some(
            example
                .and_then(|e| e.as_bool())
                .unwrap_or(true)
                .to_string(),
        ),
        Ty::Named(id) => {
            let t = api.ty(*id);
            let TypeKind::Enum(e) = &t.kind else {
                return None;
            };
            let wanted = example.and_then(|e| e.as_str());
            let v = e
                .variants
                .iter()
                .find(|v| Some(v.wire_name.as_str()) == wanted)
                .or_else(|| e.variants.first())?;
            Some(format!(
                "{}::models::{}::{}",
                api.crate_name,
                t.rust_name,
                raw_name(&v.rust_name)
            ))
        }
        _ => None,
    }
}

fn raw_name(name: &str) -> String {
    if is_keyword(name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The type as an example in another crate writes it: models under the crate's name, and the crates they name
/// through its runtime (`rt`), which the example's crate need not depend on.
fn example_ty(api: &Api, t: &Ty) -> String {
    let krate = &api.crate_name;
    match t {
        Ty::Named(id) => format!("{krate}::models::{}", api.ty(*id).rust_name),
        Ty::List(inner) => format!("Vec<{}>", example_ty(api, inner)),
        Ty::Map(inner) => format!(
            "{krate}::rt::indexmap::IndexMap<String, {}>",
            example_ty(api, inner)
        ),
        Ty::Uuid => format!("{krate}::rt::uuid::Uuid"),
        Ty::DateTime => format!("{krate}::rt::chrono::DateTime<{krate}::rt::chrono::Utc>"),
        Ty::Date => format!("{krate}::rt::chrono::NaiveDate"),
        Ty::Json => format!("{krate}::rt::serde_json::Value"),
        Ty::Binary => format!("{krate}::rt::File"),
        other => doc_ty(api, other),
    }
}

/// A `no_run` example calling the operation; values that have no literal come in as arguments of a hidden function.
fn example(api: &Api, r: &Resource, op: &Operation, make_client: bool) -> String {
    let krate = &api.crate_name;
    let mut hidden = Vec::new();
    let mut prologue = String::new();
    if make_client {
        let how =
            if api.auth.as_ref().is_some_and(|a| a.env().is_some()) || api.server_env.is_some() {
                "from_env()"
            } else {
                "builder().build()"
            };
        prologue = format!("use {krate}::client::Client;\n\nlet client = Client::{how}?;\n");
    } else {
        hidden.push(format!("client: &{krate}::client::Client"));
    }
    let mut taken = vec!["client".to_owned()];
    let mut value = |name: &str, t: &Ty, example: Option<&serde_json::Value>| -> String {
        example_literal(api, t, example).unwrap_or_else(|| {
            let arg = unique(name.trim_start_matches('_').to_owned(), &mut taken);
            hidden.push(format!("{}: {}", raw_name(&arg), example_ty(api, t)));
            raw_name(&arg)
        })
    };
    let mut args: Vec<String> = Vec::new();
    for arg in &op.client.args {
        match arg.source {
            ArgSource::Param(i) => {
                let p = &op.params[i];
                args.push(value(&p.rust_name, &p.ty, p.example.as_ref()));
            }
            ArgSource::Body => {
                if let Some(b) = &op.body {
                    args.push(value("body", &b.ty, None));
                }
            }
        }
    }
    let mut call = format!(
        "client\n    .{}()\n    .{}({})\n",
        raw_name(&r.client_accessor),
        raw_name(&op.rust_name),
        args.join(", ")
    );
    let body = op
        .body
        .as_ref()
        .and_then(|b| b.ty.named())
        .and_then(|id| api.struct_(id));
    if let Some(s) = body {
        let fields: Vec<_> = op
            .client
            .setters
            .iter()
            .filter_map(|setter| match setter.target {
                SetterTarget::Field(i) => s.fields.get(i).map(|f| (setter, f)),
                SetterTarget::Param(_) => None,
            })
            .collect();
        let required: Vec<_> = fields
            .iter()
            .filter(|(_, f)| matches!(f.presence, Presence::Required | Presence::Nullable))
            .collect();
        // With nothing required (a PATCH body), one optional field shows how the setters read.
        let shown: Vec<_> = if required.is_empty() {
            fields.iter().take(1).collect()
        } else {
            required
        };
        for (setter, f) in shown {
            let v = value(&f.rust_name, &f.ty, f.example.as_ref());
            call.push_str(&format!("    .{}({v})\n", raw_name(&setter.name)));
        }
    }
    let body = if op.pagination.is_some() {
        format!(
            "let mut items = {call}    .items();\nwhile let Some(item) = items.next().await {{\n    let item = item?;\n    println!(\"{{item:?}}\");\n}}\n"
        )
    } else if op.client.returns == ClientReturns::Unit {
        format!("{call}    .send()\n    .await?;\n")
    } else {
        format!("let answer = {call}    .send()\n    .await?;\nprintln!(\"{{answer:?}}\");\n")
    };
    format!(
        "# async fn example({}) -> Result<(), {krate}::client::Error> {{\n{prologue}{body}# Ok(())\n# }}\n",
        hidden.join(", ")
    )
}
