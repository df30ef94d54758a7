//! Assembles the generated crate's Rust files into one module file, for `build.rs` users (prost-build's
//! convention): `mod api { include!(concat!(env!("OUT_DIR"), "/api.rs")); }`.
//!
//! Generated code refers to its siblings with `super::` paths, so the same text works as a crate and as a module.
//! The assembler only changes module structure, line by line: each `mod name;` declaration is replaced by an inline
//! `mod name { ... }` holding that file, and the crate root's inner attributes and feature gates are dropped (an
//! included file cannot carry inner attributes, and the parts were chosen when generating).

use super::GeneratedFile;
use crate::Error;

/// The single module text of `files` (which must hold `src/lib.rs`).
pub fn assemble(files: &[GeneratedFile], header: &str) -> Result<String, Error> {
    let mut out = format!("// {header}\n// Include it with `mod NAME {{ include!(concat!(env!(\"OUT_DIR\"), \"/FILE\")); }}`.\n\n");
    inline(files, "src/lib.rs", true, &mut out)?;
    Ok(out)
}

fn find<'a>(files: &'a [GeneratedFile], path: &str) -> Option<&'a GeneratedFile> {
    files.iter().find(|f| f.path == path)
}

/// The file that `mod name;` in `parent` refers to.
fn child_path(parent: &str, name: &str) -> [String; 2] {
    let dir = match parent.rsplit_once('/') {
        Some((dir, file)) if file == "lib.rs" || file == "mod.rs" => dir.to_owned(),
        Some((dir, file)) => format!("{dir}/{}", file.trim_end_matches(".rs")),
        None => String::new(),
    };
    [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")]
}

/// Parses `mod name;` / `pub mod name;` / `pub(crate) mod name;` into (visibility, name).
fn mod_declaration(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    let body = line.strip_suffix(';')?;
    let (vis, rest) = match body.find("mod ") {
        Some(i) => (body[..i].trim(), &body[i + 4..]),
        None => return None,
    };
    let valid_vis = matches!(vis, "" | "pub" | "pub(crate)" | "pub(super)");
    // A keyword-named module is a raw identifier (`mod r#type;`), its file named without the `r#`.
    let stem = rest.strip_prefix("r#").unwrap_or(rest);
    let valid_name =
        !stem.is_empty() && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (valid_vis && valid_name).then_some((vis, rest))
}

fn inline(files: &[GeneratedFile], path: &str, root: bool, out: &mut String) -> Result<(), Error> {
    let file = find(files, path)
        .ok_or_else(|| Error::Internal(format!("module assembly: {path} is not generated")))?;
    for line in file.contents.lines() {
        let trimmed = line.trim_start();
        // The generated header is written once, atop the whole module.
        if trimmed.starts_with("// @generated") || trimmed.starts_with("// (copied from") {
            continue;
        }
        if root
            && (trimmed.starts_with("#![")
                || trimmed.starts_with("//!")
                || trimmed.starts_with("#[cfg(feature ="))
        {
            continue;
        }
        // Examples name the standalone crate (`my_api::client::Client`); inside another crate that path does not
        // exist, so they are shown as text, not compiled (nor listed as ignored tests).
        if trimmed == "//! ```no_run" || trimmed == "/// ```no_run" {
            out.push_str(&line.replace("```no_run", "```text"));
            out.push('\n');
            continue;
        }
        if let Some((vis, name)) = mod_declaration(line) {
            let [flat, nested] = child_path(path, name.strip_prefix("r#").unwrap_or(name));
            let child = if find(files, &flat).is_some() {
                flat
            } else {
                nested
            };
            if find(files, &child).is_some() {
                let indent = &line[..line.len() - trimmed.len()];
                let vis = if vis.is_empty() {
                    String::new()
                } else {
                    format!("{vis} ")
                };
                out.push_str(&format!("{indent}{vis}mod {name} {{\n"));
                inline(files, &child, false, out)?;
                out.push_str(&format!("{indent}}}\n"));
                continue;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: text.into(),
        }
    }

    #[test]
    fn inlines_a_keyword_named_module_from_its_file() {
        let files = [
            file("src/lib.rs", "pub mod client;\n"),
            file("src/client/mod.rs", "mod r#type;\npub use r#type::*;\n"),
            file("src/client/type.rs", "pub struct TypeClient;\n"),
        ];
        let text = assemble(&files, "header").unwrap();
        assert!(
            text.contains("mod r#type {\npub struct TypeClient;\n}"),
            "{text}"
        );
        assert!(!text.contains("mod r#type;"), "{text}");
    }

    #[test]
    fn inlines_declared_modules_and_drops_root_attributes() {
        let files = [
            file("src/lib.rs", "// @generated x\n//! Docs.\n#![deny(missing_docs)]\npub mod models;\n#[cfg(feature = \"client\")]\npub mod client;\n"),
            file("src/models.rs", "// @generated x\n//! Models.\npub struct A;\n"),
            file("src/client/mod.rs", "mod runtime;\npub struct C;\n"),
            file("src/client/runtime.rs", "pub struct R;\n"),
        ];
        let text = assemble(&files, "@generated test").unwrap();
        assert_eq!(
            text,
            "// @generated test\n// Include it with `mod NAME { include!(concat!(env!(\"OUT_DIR\"), \"/FILE\")); }`.\n\npub mod models {\n//! Models.\npub struct A;\n}\npub mod client {\nmod runtime {\npub struct R;\n}\npub struct C;\n}\n"
        );
    }

    #[test]
    fn recognises_only_module_declarations() {
        assert_eq!(mod_declaration("pub mod models;"), Some(("pub", "models")));
        assert_eq!(mod_declaration("    mod runtime;"), Some(("", "runtime")));
        assert_eq!(
            mod_declaration("pub(crate) mod x;"),
            Some(("pub(crate)", "x"))
        );
        assert_eq!(mod_declaration("pub mod models {"), None);
        assert_eq!(mod_declaration("let mod x;"), None);
    }
}
