//! Generates the Todo API module from `todo.yaml` into `OUT_DIR`.

fn main() {
    if let Err(e) = apigen::Builder::new("todo.yaml").client(false).compile() {
        // A spec error is the build's error: print the diagnostics and fail.
        eprintln!("{e}");
        std::process::exit(1);
    }
}
