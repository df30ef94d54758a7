//! Generates the limit/offset fixture's client from `spec/paged.yaml` into `OUT_DIR/paged.rs` with
//! `apigen::Builder`, the current generator, so the tests always exercise what the generator emits today.
//!
//! The generated crate cannot be a dependency (it only exists at build time), so the test that uses it includes the
//! module; it reaches its runtime through this package's `apigen-runtime` dev-dependency.

fn main() {
    if let Err(e) = apigen::Builder::new("spec/paged.yaml")
        .client(true)
        .server(false)
        .file_name("paged.rs")
        .compile()
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
