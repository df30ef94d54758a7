//! Emits the generated crate's non-Rust files from the minijinja templates in `templates/`.

use super::{header_line, GeneratedFile, Options};
use crate::ir::Api;
use crate::Error;
use minijinja::{context, Environment};

const CARGO_TOML: &str = include_str!("../../../templates/Cargo.toml.j2");
const README: &str = include_str!("../../../templates/README.md.j2");

fn render(name: &str, template: &str, ctx: minijinja::Value) -> Result<String, Error> {
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.add_template(name, template)
        .map_err(|e| Error::Internal(format!("template {name}: {e}")))?;
    let tmpl = env
        .get_template(name)
        .map_err(|e| Error::Internal(format!("template {name}: {e}")))?;
    tmpl.render(ctx)
        .map_err(|e| Error::Internal(format!("template {name}: {e}")))
}

/// The crate's manifest. Its features forward to the runtime's (`client`, `server`); a vendored runtime brings the
/// runtime's own features and dependencies instead, taken from `runtime/Cargo.toml`.
pub fn cargo_toml(api: &Api, opts: &Options) -> Result<GeneratedFile, Error> {
    let vendored = opts.runtime.is_vendored();
    let description = format!("{} (generated client, server stubs and models)", api.title);
    let contents = render(
        "Cargo.toml",
        CARGO_TOML,
        context! {
            header => header_line(opts),
            package_name => api.package_name,
            version => api.version,
            description => description,
            standalone => opts.standalone,
            client => opts.client,
            server => opts.server,
            resource_features => if opts.resource_features && (opts.client || opts.server) {
                api.resources.iter().map(|r| r.feature.as_str()).collect::<Vec<_>>()
            } else {
                Vec::new()
            },
            runtime_dependency => opts.runtime.dependency(),
            vendored_features => vendored.then(crate::runtime::vendored_features),
            vendored_dependencies => vendored.then(crate::runtime::vendored_dependencies),
        },
    )?;
    Ok(GeneratedFile {
        path: "Cargo.toml".into(),
        contents,
    })
}

pub fn readme(api: &Api, opts: &Options) -> Result<GeneratedFile, Error> {
    let resources: Vec<_> = api
        .resources
        .iter()
        .map(|r| {
            let ops: Vec<_> = r
                .operations
                .iter()
                .map(|op| context! { name => op.rust_name, method => op.method.as_str(), path => op.path, scopes => op.scopes })
                .collect();
            context! { name => r.wire_name, operations => ops }
        })
        .collect();
    let contents = render(
        "README.md",
        README,
        context! {
            header => header_line(opts),
            title => api.title,
            description => api.description.as_deref().unwrap_or("").trim_end(),
            spec => opts.spec_display,
            client => opts.client,
            server => opts.server,
            resources => resources,
        },
    )?;
    Ok(GeneratedFile {
        path: "README.md".into(),
        contents,
    })
}
