//! Rust spelled from the IR, as the generated crate names things: types, and the paths of its modules.

use apigen::ir::{Api, Ty};

/// The Rust type of `t` in the generated crate `krate` (`api`, `s_0ab1`).
pub fn ty(api: &Api, t: &Ty, krate: &str) -> String {
    let rt = format!("{krate}::rt");
    match t {
        Ty::String | Ty::Uri | Ty::Email => "String".into(),
        Ty::I64 => "i64".into(),
        Ty::F64 => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Uuid => format!("{rt}::uuid::Uuid"),
        Ty::DateTime => format!("{rt}::chrono::DateTime<{rt}::chrono::Utc>"),
        Ty::Date => format!("{rt}::chrono::NaiveDate"),
        Ty::Json => format!("{rt}::serde_json::Value"),
        Ty::List(i) => format!("Vec<{}>", ty(api, i, krate)),
        Ty::Map(i) => format!("{rt}::indexmap::IndexMap<String, {}>", ty(api, i, krate)),
        Ty::Named(id) => format!("{krate}::models::{}", api.ty(*id).rust_name),
        Ty::Binary => format!("{rt}::File"),
    }
}

/// The caller type a handler of `op` receives in its context, as the server traits spell it: none without
/// authentication, the harness's `Key` when credentials are required, and maybe one for a public operation.
pub fn caller(op: &apigen::ir::Operation) -> &'static str {
    match op.security {
        apigen::ir::Security::None => "()",
        apigen::ir::Security::Required => "Key",
        apigen::ir::Security::Optional => "Option<Key>",
    }
}

/// A Rust string literal holding `text` (raw, with enough `#`s).
pub fn raw(text: &str) -> String {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}
