//! The console's entry point: Trunk builds this binary to WebAssembly and `index.html` loads it.

fn main() {
    console_error_panic_hook::set_once();
    safeguard_console::mount();
}
