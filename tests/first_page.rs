//! The console's shell mounts in a real browser, with the rules crate compiled in.
//! Run with `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p safeguard-console --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_shell_mounts_with_its_navigation() {
    let document = document();
    let host = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&host).unwrap();
    let _handle =
        leptos::mount::mount_to(host.clone().unchecked_into(), safeguard_console::app::App);
    // The router matches the page's address before it renders the shell.
    leptos::task::tick().await;
    let text = host.text_content().unwrap();
    for page in [
        "Dashboard",
        "Applications",
        "Import Monitoring",
        "Safeguards",
        "System Log",
        "Administrators",
        "API tokens",
        "Webhooks",
        "Notifications",
        "Bounce List",
    ] {
        assert!(text.contains(page), "navigation lacks {page}: {text}");
    }
}

#[wasm_bindgen_test]
fn the_rules_run_in_wasm_as_they_do_natively() {
    use safeguard_rules::limits::{exceeds, limit};
    assert_eq!(limit(20, 1000), 200);
    assert!(!exceeds(20, 1000, 200));
    assert!(exceeds(20, 1000, 201));
}
