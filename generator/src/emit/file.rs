//! The generated files' common parts: the header every file starts with, and formatting emitted Rust once.

use super::{GeneratedFile, Options};
use crate::Error;
use std::path::Path;

/// The marker every generated file carries in its first line; the writer only ever deletes files that have it.
pub const MARKER: &str = "@generated";

/// How headers name a path (the spec's, or another file's): as seen from `base`, the generated crate's directory
/// (`../my-api.yaml`) or the repository root, `/`-separated, so the same spec and crate give the same files
/// whatever the working directory and wherever the tree is checked out. When the two share no directory but the
/// filesystem root, the path's last part alone: a relative path would climb to the root and an absolute one would
/// put one machine's layout into every file.
pub fn header_path(path: &Path, base: &Path) -> String {
    let relative = crate::runtime::relative_path(path, base);
    if Path::new(&relative).is_absolute() {
        path.file_name()
            .map_or(relative.clone(), |name| name.to_string_lossy().into_owned())
    } else {
        relative
    }
}

/// The header line: generated, from which spec, and the command that regenerates it.
pub fn header_line(opts: &Options) -> String {
    format!(
        "{MARKER} by apigen from {}. Do not edit: regenerate with `{}`.",
        opts.spec_display, opts.regenerate
    )
}

/// A Rust file from emitted tokens: formatted by prettyplease, with the header on top.
pub fn rust_file(
    opts: &Options,
    name: &str,
    tokens: proc_macro2::TokenStream,
) -> Result<GeneratedFile, Error> {
    let body = format(name, tokens)?;
    Ok(GeneratedFile {
        path: name.to_owned(),
        contents: format!("// {}\n\n{body}", header_line(opts)),
    })
}

/// A file of the vendored runtime, copied with the generated header in front.
pub fn runtime_file(opts: &Options, path: &str, origin: &str, source: &str) -> GeneratedFile {
    GeneratedFile {
        path: path.to_owned(),
        contents: format!(
            "// {}\n// (copied from apigen-runtime {}, {origin})\n\n{source}",
            header_line(opts),
            crate::runtime::VERSION
        ),
    }
}

/// Formats a token stream as a Rust file, with a blank line between top-level items and between the items of
/// `impl` and `trait` blocks, as hand-written code reads. Emitters build valid syntax, so a parse failure is a
/// generator bug; it is reported as an error value naming the file rather than a panic.
fn format(name: &str, tokens: proc_macro2::TokenStream) -> Result<String, Error> {
    let started = std::time::Instant::now();
    let file = syn::parse2::<syn::File>(tokens)
        .map_err(|e| Error::Internal(format!("{name}: emitted tokens do not parse: {e}")))?;
    let text = space_out_items(&prettyplease::unparse(&file));
    FORMAT_NANOS.fetch_add(
        u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX),
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok(text)
}

/// Adds a blank line between the items of the file and of its `impl`, `trait` and `mod` blocks, unless one is
/// there already; statements, fields, variants and match arms stay as they are. prettyplease prints items back to
/// back; this is progenitor's `space_out_items`, done on lines in one pass (prettyplease puts `{` last and `}`
/// first on its lines, which is what the nesting count relies on). Doc comments and attributes stay attached to
/// their item: the blank line goes before them.
fn space_out_items(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // For each open block: whether its contents are items (the file itself is).
    let mut blocks: Vec<bool> = Vec::new();
    // A header that opens its block on a later line (`impl<T> X for T` … `where` … `{`).
    let mut pending_container = false;
    let mut item_ended = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        let in_items = blocks.last().copied().unwrap_or(true);
        let closes =
            trimmed.starts_with('}') || trimmed.starts_with(')') || trimmed.starts_with(']');
        if item_ended && in_items && !trimmed.is_empty() && !closes && !trimmed.starts_with("//!") {
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
        // Comments (doc comments hold code examples, with their own braces) are not code.
        if trimmed.starts_with("//") {
            item_ended = false;
            continue;
        }
        item_ended = false;
        if trimmed.starts_with('}') {
            blocks.pop();
            // The block just closed was an item of the block now current.
            item_ended = blocks.last().copied().unwrap_or(true) && !trimmed.ends_with('{');
        }
        if trimmed.ends_with('{') {
            let container = opens_container(trimmed) || (trimmed == "{" && pending_container);
            blocks.push(container);
            pending_container = false;
        } else if in_items && opens_container(trimmed) && !trimmed.ends_with(';') {
            pending_container = true;
        } else if in_items
            && !trimmed.starts_with("//")
            && (trimmed.ends_with(';') || (trimmed.ends_with("{}") && is_item_start(trimmed)))
        {
            // At item level a `;` always ends an item (a `use`, a `const`, a trait method, a `static` spread
            // over lines), as does an item with an empty body.
            item_ended = true;
        }
    }
    out
}

/// The line that starts this item, without its visibility.
fn item_keyword(trimmed: &str) -> &str {
    trimmed
        .trim_start_matches("pub(crate) ")
        .trim_start_matches("pub(super) ")
        .trim_start_matches("pub ")
        .trim_start_matches("unsafe ")
}

/// True for the headers of blocks that hold items: `impl`, `trait`, `mod`.
fn opens_container(trimmed: &str) -> bool {
    let start = item_keyword(trimmed);
    ["impl ", "impl<", "trait ", "mod "]
        .iter()
        .any(|k| start.starts_with(k))
}

/// True for a line that starts an item (so a `;` ending it ends the item).
fn is_item_start(trimmed: &str) -> bool {
    let start = item_keyword(trimmed);
    [
        "use ",
        "mod ",
        "const ",
        "static ",
        "type ",
        "fn ",
        "async fn ",
        "extern ",
        "struct ",
        "enum ",
        "impl",
        "trait ",
    ]
    .iter()
    .any(|k| start.starts_with(k))
}

/// Time spent formatting, summed over the emitter threads, so that benchmarks can report the format stage apart from
/// emit without the emitters having to thread a timer through. Only `generate_timed` reads and resets it.
pub static FORMAT_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_name_the_spec_from_the_crate() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().canonicalize().unwrap();
        let spec = root.join("api.yaml");
        assert_eq!(header_path(&spec, &root.join("client")), "../api.yaml");
        assert_eq!(
            header_path(&spec, &root.join("crates/client")),
            "../../api.yaml"
        );
        assert_eq!(
            header_path(&root.join("specs/api.yaml"), &root),
            "specs/api.yaml"
        );
        // The same place reached another way gives the same text.
        assert_eq!(
            header_path(&root.join("x/../api.yaml"), &root.join("./client")),
            "../api.yaml"
        );
        #[cfg(unix)]
        assert_eq!(
            header_path(
                Path::new("/nonexistent-a/specs/api.yaml"),
                Path::new("/nonexistent-b/client")
            ),
            "api.yaml",
            "trees that share only the root give no machine path"
        );
    }

    #[test]
    fn items_get_a_blank_line_between_them_statements_do_not() {
        let text = "use a::b;\nuse c::d;\n/// Doc.\npub struct A {\n    x: u8,\n}\nimpl A {\n    fn f() {\n        let x = 1;\n        g();\n    }\n    fn h() {}\n}\n";
        assert_eq!(
            space_out_items(text),
            "use a::b;\n\nuse c::d;\n\n/// Doc.\npub struct A {\n    x: u8,\n}\n\nimpl A {\n    fn f() {\n        let x = 1;\n        g();\n    }\n\n    fn h() {}\n}\n"
        );
    }

    #[test]
    fn match_arms_fields_and_chains_stay_together() {
        let text = "fn f() {\n    match x {\n        A => {\n            1\n        }\n        B => 2,\n    }\n    if a {\n    } else {\n    }\n}\nenum E {\n    /// A.\n    A,\n    B(u8),\n}\n";
        assert_eq!(space_out_items(text), text.replace("}\nenum", "}\n\nenum"));
    }

    #[test]
    fn doc_comments_ending_in_a_semicolon_or_a_brace_stay_attached() {
        let text = "/// a;\n/// b.\nfn f() {}\n";
        assert_eq!(space_out_items(text), text);
        let text = "impl A {\n    /// if x {\n    fn f() {}\n    fn g() {}\n}\n";
        assert_eq!(
            space_out_items(text),
            text.replace("{}\n    fn g", "{}\n\n    fn g")
        );
    }

    #[test]
    fn impl_blocks_opened_after_a_where_clause_hold_items() {
        let text = "impl<T> A for T\nwhere\n    T: B,\n{\n    fn f() {}\n    fn g() {}\n}\n";
        assert_eq!(
            space_out_items(text),
            text.replace("{}\n    fn g", "{}\n\n    fn g")
        );
    }
}
