//! Generates the limit/offset fixture's client from `spec/paged.yaml` into `OUT_DIR/paged.rs`, and the uploads
//! fixture's client and server from `spec/uploads.yaml` into `OUT_DIR/uploads.rs`, with `apigen::Builder`, the
//! current generator, so the tests always exercise what the generator emits today.
//!
//! The generated crate cannot be a dependency (it only exists at build time), so the test that uses it includes the
//! module; it reaches its runtime through this package's `apigen-runtime` dev-dependency.

fn main() {
    let paged = apigen::Builder::new("spec/paged.yaml")
        .client(true)
        .server(false)
        .file_name("paged.rs")
        .compile();
    let uploads = || {
        apigen::Builder::new("spec/uploads.yaml")
            .client(true)
            .server(true)
            .file_name("uploads.rs")
            .compile()
    };
    if let Err(e) = paged.and_then(|_| uploads()) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
