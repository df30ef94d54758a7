//! `cargo xtask synth --copies N --out FILE`: a benchmark spec with the shipped API repeated N times.
//!
//! The same scaling as `shared/bench/scale-openapi.py` does for the OpenAPI document: every resource is repeated
//! under a distinct path prefix (`/svc001/...`), every model (error bodies included) and operation id is renamed
//! per copy, and shared things (auth, pagination styles, the standard error answers) stay shared. N = 50 gives
//! 900 operations.

use serde_yaml::{Mapping, Value};

/// Renames every model name inside a type expression (`list<InsightVariable>` → `list<Svc001InsightVariable>`).
fn rename_type(expr: &str, rename: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(&rename(word).unwrap_or_else(|| word.clone()));
            word.clear();
        }
    };
    for c in expr.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn key(k: &str) -> Value {
    Value::String(k.to_owned())
}

/// Applies `f` to the type expression of a field, parameter or response (a bare string or a `type:` key).
fn map_type(v: &mut Value, f: &dyn Fn(&str) -> String) {
    match v {
        Value::String(s) => *s = f(s),
        Value::Mapping(m) => {
            if let Some(Value::String(s)) = m.get_mut(key("type")) {
                *s = f(s);
            }
        }
        _ => {}
    }
}

fn map_entries(v: Option<&mut Value>, f: &dyn Fn(&str) -> String) {
    if let Some(Value::Mapping(m)) = v {
        for (_, entry) in m.iter_mut() {
            map_type(entry, f);
        }
    }
}

/// The scaled spec as YAML text.
pub fn synth(spec_text: &str, copies: usize) -> Result<String, String> {
    let spec: Value =
        serde_yaml::from_str(spec_text).map_err(|e| format!("the spec is not YAML: {e}"))?;
    let models = spec
        .get("models")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    let resources = spec
        .get("resources")
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    let model_names: Vec<String> = models
        .keys()
        .filter_map(|k| k.as_str().map(str::to_owned))
        .collect();
    let width = copies.to_string().len().max(3);

    let mut out_models = Mapping::new();
    let mut out_resources = Mapping::new();
    for i in 1..=copies {
        let tag = format!("svc{i:0width$}");
        let class = format!("Svc{i:0width$}");
        let rename = |name: &str| {
            model_names
                .iter()
                .any(|m| m == name)
                .then(|| format!("{class}{name}"))
        };
        let retype = |expr: &str| rename_type(expr, &rename);
        for (name, model) in &models {
            let mut model = model.clone();
            map_entries(model.get_mut("fields"), &retype);
            out_models.insert(
                key(&format!("{class}{}", name.as_str().unwrap_or_default())),
                model,
            );
        }
        for (name, resource) in &resources {
            let mut resource = resource.clone();
            if let Some(Value::String(path)) = resource.get_mut("path") {
                *path = format!("/{tag}{path}");
            }
            if let Some(Value::Mapping(ops)) = resource.get_mut("operations") {
                for (_, op) in ops.iter_mut() {
                    if let Some(Value::String(id)) = op.get_mut("operation_id") {
                        *id = format!("{tag}_{id}");
                    }
                    if let Some(body) = op.get_mut("body") {
                        map_type(body, &retype);
                    }
                    map_entries(op.get_mut("responses"), &retype);
                    map_entries(op.get_mut("params"), &retype);
                    map_entries(op.get_mut("query"), &retype);
                }
            }
            out_resources.insert(
                key(&format!("{tag}_{}", name.as_str().unwrap_or_default())),
                resource,
            );
        }
    }

    let mut out = spec
        .as_mapping()
        .cloned()
        .ok_or("the spec is not a mapping")?;
    if let Some(Value::Mapping(api)) = out.get_mut("api") {
        if let Some(Value::String(title)) = api.get_mut("title") {
            *title = format!("{title} x{copies}");
        }
    }
    // The standard error answers are shared: they name the first copy's error models.
    let first = |name: &str| {
        model_names
            .iter()
            .any(|m| m == name)
            .then(|| format!("Svc{:0width$}{name}", 1))
    };
    if let Some(Value::Mapping(errors)) = out.get_mut("errors") {
        for (k, v) in errors.iter_mut() {
            if k.as_str() == Some("models") {
                if let Value::Sequence(list) = v {
                    for m in list.iter_mut() {
                        if let Value::String(s) = m {
                            *s = rename_type(s, &first);
                        }
                    }
                }
            } else if let Some(Value::String(model)) = v.get_mut("model") {
                *model = rename_type(model, &first);
            }
        }
    }
    // Base parameters may name enums too.
    if let Some(Value::Mapping(api)) = out.get_mut("api") {
        map_entries(api.get_mut("base_params"), &|e| rename_type(e, &first));
    }
    out.insert(key("models"), Value::Mapping(out_models));
    out.insert(key("resources"), Value::Mapping(out_resources));
    let header = format!("# Generated by `cargo xtask synth --copies {copies}`: the shipped spec repeated {copies} times, for benchmarks.\n");
    serde_yaml::to_string(&Value::Mapping(out))
        .map(|text| header + &text)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_models_inside_type_expressions() {
        let rename = |n: &str| (n == "Item").then(|| "Svc001Item".to_owned());
        assert_eq!(
            rename_type("list<map<Item>>", &rename),
            "list<map<Svc001Item>>"
        );
        assert_eq!(rename_type("page<ItemList>", &rename), "page<ItemList>");
        assert_eq!(rename_type("string", &rename), "string");
    }

    #[test]
    fn the_shipped_spec_scales_to_valid_specs() {
        let text =
            std::fs::read_to_string(crate::workspace_root().join("spec/posthog.yaml")).unwrap();
        let scaled = synth(&text, 3).unwrap();
        let api =
            apigen::lower_source("synth.yaml", &scaled, false).unwrap_or_else(|e| panic!("{e}"));
        let ops: usize = api.resources.iter().map(|r| r.operations.len()).sum();
        assert_eq!(ops, 54);
        assert!(api
            .resources
            .iter()
            .any(|r| r.operations.iter().any(|o| o.path.contains("/svc002/"))));
    }
}
