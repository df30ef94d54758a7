//! Generates the garden API module (models, client and server) from the example spec into `OUT_DIR`.

fn main() {
    let spec = "../../spec/examples/garden.yaml";
    if let Err(e) = apigen::Builder::new(spec)
        .client(true)
        .server(true)
        .compile()
    {
        // A spec error is the build's error: print the diagnostics and fail.
        eprintln!("{e}");
        std::process::exit(1);
    }
}
