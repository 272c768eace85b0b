//! With the `split` feature the linker keeps its relocations in the console's WebAssembly module:
//! `wasm-split-cli` needs them to move the lazily loaded pages into modules of their own
//! (`scripts/split-wasm.sh`).

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if wasm && std::env::var_os("CARGO_FEATURE_SPLIT").is_some() {
        println!("cargo::rustc-link-arg-bins=--emit-relocs");
    }
}
