//! Generates the limit/offset fixture's client from `spec/paged.yaml` into `OUT_DIR`, with the current generator,
//! so the tests always exercise what the generator emits today.
//!
//! The generated crate cannot be a dependency (it only exists at build time), so its modules are compiled inside
//! the test that uses them: `OUT_DIR/paged.rs` declares them with absolute `#[path]`s and the test `include!`s it at
//! its crate root, where the generated code's `crate::models` and `crate::nullable` paths resolve.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "spec/paged.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let spec_path = Path::new(&manifest_dir).join(SPEC);
    let source = apigen::read_spec(&spec_path).map_err(|e| e.to_string())?;
    let opts = apigen::Options {
        spec_display: format!("client-tests/{SPEC}"),
        regenerate: "cargo build -p client-tests".into(),
        client: true,
        server: false,
        standalone: true,
    };
    let files = apigen::generate(SPEC, &source, &opts, false).map_err(|e| e.to_string())?;
    let crate_dir = out_dir.join("paged");
    for file in &files {
        let path = crate_dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let src = crate_dir.join("src");
    let module = |name: &str, file: &str| {
        // `{:?}` writes the path as a Rust string literal, escapes included.
        format!(
            "// The fixture's client is generated in full; each test uses a part of it.\n\
             #[allow(dead_code)]\n#[path = {:?}]\npub mod {name};\n",
            src.join(file).display().to_string()
        )
    };
    let wiring = [
        module("models", "models.rs"),
        module("nullable", "nullable.rs"),
        module("client", "client/mod.rs"),
    ]
    .concat();
    let wiring_path = out_dir.join("paged.rs");
    std::fs::write(&wiring_path, wiring).map_err(|e| format!("{}: {e}", wiring_path.display()))
}
