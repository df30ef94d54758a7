//! Fuzz target: any bytes through read → load → validate → lower → emit. It must never panic, overflow the stack
//! or report an internal error (emitted tokens that do not parse).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let opts = apigen::Options { spec_display: "fuzz.yaml".into(), regenerate: "fuzz".into(), client: true, server: true, standalone: true, runtime: apigen::Runtime::Vendored };
    if let Err(apigen::Error::Internal(e)) = apigen::generate("fuzz.yaml", text, &opts, false) {
        panic!("internal error: {e}");
    }
});
