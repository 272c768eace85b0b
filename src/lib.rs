//! Safeguard's admin console: Leptos client-side rendering, built by Trunk.
//!
//! Every page reads and changes the org through [`api`], the one typed client of the HTTP API;
//! the safeguard rules are compiled in from `safeguard-rules`, so a preview in the browser is the
//! rule the server enforces.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod loading;
pub mod pages;
pub mod roadblock_watch;
pub mod session;
pub mod sign_in_redirect;

/// Mounts the console on the page's `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(app::App);
}
