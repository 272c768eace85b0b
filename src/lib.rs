//! Safeguard's admin console: Leptos client-side rendering, built by Trunk.
//!
//! Every page reads and changes the org through the typed API client; the safeguard rules are
//! compiled in from `safeguard-rules`, so a preview in the browser is the rule the server enforces.

pub mod app;

/// Mounts the console on the page's `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
